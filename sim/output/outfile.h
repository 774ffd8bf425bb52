/* outfile.h — an output written where the user said, whole or not at all.
 *
 * Contract: an output goes to a destination:
 * - "-": standard output, written and flushed (a failed write is an error);
 * - a regular file, or a name that does not exist yet: a temporary file beside it (NAME.XXXXXX),
 *   renamed into place at commit, so a reader sees the old file or the whole new one;
 * - a symbolic link: the same for the file it points to; the link stays a link;
 * - any other file that exists (a device such as /dev/null, a FIFO): opened and written
 *   through, never replaced; a directory is an error.
 * A temporary file is removed on abort, and on SIGINT, SIGTERM or SIGHUP before the signal
 * ends the process as it would have (the handlers are installed where the signal is not
 * ignored), so an interrupted output leaves the destination as it was and nothing beside it.
 * Errors are one line naming the path (G_FILE_ERROR). */
#pragma once

#include <glib.h>

typedef struct SimOutfile SimOutfile;

/* An output being written to `path`; NULL and an error if it cannot be created. */
SimOutfile *sim_outfile_open(const char *path, GError **error);
/* Appends bytes (buffered). After a failed write the outfile is only good for abort. */
gboolean sim_outfile_write(SimOutfile *out, const char *data, gsize len, GError **error);
/* Flushes, and renames the temporary file into place; frees `out` whatever the result. */
gboolean sim_outfile_commit(SimOutfile *out, GError **error);
/* Removes the temporary file, leaving the destination as it was; frees `out`. NULL is fine. */
void sim_outfile_abort(SimOutfile *out);

/* open, write, commit: a finished output in one call. */
gboolean sim_output_write(const char *path, const char *data, gsize len, GError **error);
