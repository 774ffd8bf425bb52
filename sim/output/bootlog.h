/* bootlog.h — a real boot's trace or console log, read into records and measured.
 *
 * Contract: sim_bootlog_parse() turns a file's bytes (gzip or not) into ReplayInput records, or
 * fails with one "FILE:LINE:COL: message" / "FILE: message" GError (CPUHP_REPLAY_ERROR). Where
 * a console log has a TRACE (DMESG) section only that section is read for the trace (the log).
 * Inputs over CPUHP_REPLAY_MAX_BYTES, compressed or not, are refused. */
#pragma once

#include <glib.h>

#include "models/replay/replay.h"
#include "models/replay/replay_input.h"

/* Reads at most CPUHP_REPLAY_MAX_BYTES of `path` into a NUL-terminated buffer. */
char *sim_bootlog_read_file(const char *path, gsize *len, GError **error);
/* Takes `data` (g_malloc'd, len + 1 bytes, data[len] == '\0'); decompresses it when it is
 * gzip, then parses it into `in` (replay_input_init()'d). */
gboolean sim_bootlog_parse(ReplayInput *in, char *data, gsize len, GError **error);
/* Read, parse and measure a file, or bytes in memory (`name` is what messages call them). */
CpuhpMeasured *sim_bootlog_measure_file(const char *path, GError **error);
CpuhpMeasured *sim_bootlog_measure_data(const char *name, const void *data, gsize len, GError **error);
