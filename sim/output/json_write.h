/* json_write.h — the JSON writer of every output (json.h is the reader): it owns the commas,
 * the quoting and escaping, the nesting and the layout, so that an output only says what it
 * writes, in order.
 *
 * Contract:
 * - Values are appended to the GString in the order called. A value inside an object names its
 *   key; a value in an array, or at the top level, passes NULL (g_assert: a key out of place,
 *   an end that does not match its begin, or freeing a writer with a container still open).
 * - A container is laid out SIM_JW_INLINE: members separated by ", ", its brackets on the same
 *   line; or SIM_JW_LINES: each member on a line of its own, indented two spaces more than the
 *   line the container opened on, and the closing bracket on a line of its own at that line's
 *   indent. An empty LINES container is "[" and a closing line.
 * - sim_jw_newline() puts what comes next in the innermost container (its next member, or its
 *   closing bracket) on a new line indented by `indent` spaces instead: the hand-laid layouts,
 *   Perfetto's one event a line and import's steps under each per-CPU record.
 * - Strings as sim_json_write_string() (json.h) writes them: quoted, '"' and '\\' escaped,
 *   control characters as \u00XX, UTF-8 passed through, invalid UTF-8 replaced by U+FFFD; a
 *   NULL string is written as null. Integers in decimal; doubles with a fixed number of
 *   decimals ("%.Nf", whatever the locale), null when not finite (JSON has no NaN);
 *   sim_jw_milli() writes an integer count of thousandths with exactly three decimals, with no
 *   floating point (what sim_json_milli() reads back).
 * - Nothing is written after a top-level value: ending the line is the caller's (a file ends
 *   with "\n", a JSONL row too). One writer can write several top-level values in a row. */
#pragma once

#include <glib.h>
#include <stdint.h>

typedef enum {
  SIM_JW_INLINE,
  SIM_JW_LINES,
} SimJwLayout;

typedef struct _SimJsonWriter SimJsonWriter;

SimJsonWriter *sim_jw_new(GString *out);
void sim_jw_free(SimJsonWriter *w);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimJsonWriter, sim_jw_free)

void sim_jw_begin_object(SimJsonWriter *w, const char *key, SimJwLayout layout);
void sim_jw_end_object(SimJsonWriter *w);
void sim_jw_begin_array(SimJsonWriter *w, const char *key, SimJwLayout layout);
void sim_jw_end_array(SimJsonWriter *w);

void sim_jw_int(SimJsonWriter *w, const char *key, int64_t v);
void sim_jw_uint(SimJsonWriter *w, const char *key, uint64_t v);
void sim_jw_double(SimJsonWriter *w, const char *key, double v, guint decimals);
void sim_jw_milli(SimJsonWriter *w, const char *key, int64_t thousandths);
void sim_jw_string(SimJsonWriter *w, const char *key, const char *s);
void sim_jw_bool(SimJsonWriter *w, const char *key, gboolean b);
void sim_jw_null(SimJsonWriter *w, const char *key);

/* The next member (or the closing bracket) of the innermost container starts a new line. */
void sim_jw_newline(SimJsonWriter *w, guint indent);
