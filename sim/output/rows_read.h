/* rows_read.h — our own outputs read back for `cpuhpsim plot`: the rows of `cpuhpsim sweep`
 * (JSON lines or CSV), the JSON of `cpuhpsim run --format=json`, and the measured boots of
 * plots/data.
 *
 * Contract: a file that cannot be read or is not what it should be is a one-line GError that
 * names the file (FILE:LINE: when one line is at fault) and nothing is returned; values are
 * kept as the file writes them (texts), so what is drawn is what was written. */
#pragma once

#include <glib.h>

#include "sim/output/plot_data.h"

/* Our outputs read back (sweep rows, shards, run JSON, measured boots) are read at most this
 * far: a larger sweep is split with --shard, a larger file is not one of ours. */
#define SIM_ROWS_MAX_BYTES ((gsize)256 << 20)

/* Sweep rows by the file's name: .jsonl or .csv. */
gboolean sim_rows_path(const char *path);
/* Run JSON by the file's name: .json. */
gboolean sim_run_json_path(const char *path);

/* Sweep rows as GHashTable (key -> value text), in file order, at least one; *name says what
 * they are of, for a title: the profile's name when the sweep's first line names a scenario
 * that still loads from here, else "an unnamed profile" (never a file's name). */
GPtrArray *sim_rows_read(const char *path, char **name, GError **error);

/* What a figure needs of a run JSON file; the rest is read when there, else left unknown. */
typedef enum {
  SIM_RUN_PER_CPU = 1 << 0, /* per_cpu and profile (timeline) */
  SIM_RUN_PHASES = 1 << 1,  /* bp_phases_ns (phases) */
  SIM_RUN_EXITS = 1 << 2,   /* vm_exits (vmexits) */
  SIM_RUN_BOOT = 1 << 3,    /* boot (boot) */
} SimRunParts;

/* A run read back from `cpuhpsim run --format=json` output; the error says which part of
 * `need` is missing. The run JSON has no up_start: no PREPARE mark from a file. */
SimPlotRun *sim_run_json_read(const char *path, SimRunParts need, GError **error);

/* The measured boots in a plots/data TSV file (profile, topology, parallel, measured_ms, boots,
 * source) of `profile` at `topologies` (NULL: none), as SimPlotMeasured in file order. Every
 * line is checked, matching or not. */
GArray *sim_measured_read(const char *path, const char *profile, char **topologies, GError **error);
