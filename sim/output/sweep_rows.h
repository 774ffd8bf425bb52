/* sweep_rows.h — the output of `cpuhpsim sweep`: the sweep's identity, its head, its rows, and
 * the same read back by `merge` and `sweep --resume`.
 *
 * Contract:
 * - A sweep is identified by its hash: 16 hex digits of SHA-256 over the program version, the
 *   scenario's content (seed, runs, axes and their values in grid order, faults) and the
 *   profile's bytes (the file the scenario names, or the embedded default). The scenario's path
 *   is not part of it: the same sweep named by two paths has one hash; another seed, another
 *   axis order or another profile has another.
 * - JSONL: a first line {"sweep": PATH, "sweep_hash": H, "points": P, "runs": R, "shard": "I/N"},
 *   then one object per row with typed axis values (cpus and integer profile keys as numbers,
 *   bool keys as true/false, the rest as strings).
 * - CSV: a header row, then one row per run; its first four columns sweep_hash, shard, points,
 *   runs carry on every row what the JSONL first line says (no comment line).
 * - Reading back checks every line whole; errors are one line "FILE:LINE:COL: why". */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "models/kernel/montecarlo.h"
#include "models/profile/scenario.h"

typedef struct {
  char *source; /* the scenario's path as given (JSONL only: informative, not identity) */
  char *hash;   /* the sweep's hash */
  guint64 points, runs, shard, nshards;
} SimSweepMeta;

void sim_sweep_meta_clear(SimSweepMeta *m);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(SimSweepMeta, sim_sweep_meta_clear)

/* The hash of the sweep `sc` run by program `version`; NULL if its profile cannot be read. */
char *sim_sweep_hash(const CpuhpScenario *sc, const char *version, GError **error);

/* The head of an output, with its newline: JSONL the first line (from `m` alone: `sc` may be
 * NULL), CSV the header row (the axes of `sc`). */
void sim_sweep_head(GString *out, const CpuhpScenario *sc, const SimSweepMeta *m, gboolean csv);

/* One run's figures at one grid point. */
typedef struct {
  guint64 point;
  guint run;
  uint64_t seed;
  const char *const *values; /* per axis, as cpuhp_scenario_point() gives them */
  guint cpus_total, cpus_online;
  int64_t metrics[CPUHP_METRIC_N];
} SimSweepRun;

/* One row, with its newline. */
void sim_sweep_row(GString *out, const CpuhpScenario *sc, const SimSweepMeta *m, gboolean csv, const SimSweepRun *r);

/* A sweep output read back. */
typedef struct {
  guint64 point;
  guint run;
  gsize end;  /* offset just past this row's newline in the text */
  guint line; /* 1-based */
} SimSweepRowRef;

typedef struct {
  SimSweepMeta meta;
  gboolean csv;
  char *head;      /* the first line (JSONL meta line or CSV header), without newline */
  gsize head_end;  /* offset just past the head's newline */
  GArray *rows;    /* SimSweepRowRef, in file order */
  gboolean cut;    /* the text ended inside a line (kept out of rows) */
  guint cut_line;  /* that line's number */
  gsize cut_col;   /* 1 + its length */
} SimSweepFile;

void sim_sweep_file_free(SimSweepFile *f);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimSweepFile, sim_sweep_file_free)

/* Parses `text` (the contents of `path`, for messages). A last line without its newline is
 * not a row: it sets `cut` and is otherwise ignored. A CSV with no whole row cannot say its
 * sweep: its meta.hash is NULL. */
SimSweepFile *sim_sweep_file_parse(const char *path, const char *text, GError **error);

/* The CSV field `s`, quoted if it must be. */
void sim_csv_field(GString *out, const char *s);
