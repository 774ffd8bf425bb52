/* outfile.h — a finished output written where the user said, whole or not at all.
 *
 * Contract: sim_output_write() takes the output's bytes and a destination:
 * - "-": standard output, written and flushed (a failed write is an error);
 * - a regular file, or a name that does not exist yet: a temporary file beside it, renamed into
 *   place (g_file_set_contents), so a reader sees the old file or the whole new one;
 * - a symbolic link: the same for the file it points to; the link stays a link;
 * - any other file that exists (a device such as /dev/null, a FIFO): opened and written
 *   through, never replaced; a directory is an error.
 * Errors are one line naming the path (G_FILE_ERROR). */
#pragma once

#include <glib.h>

gboolean sim_output_write(const char *path, const char *data, gsize len, GError **error);
