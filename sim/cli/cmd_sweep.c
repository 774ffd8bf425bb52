/* cmd_sweep.c — `sweep`: a scenario's grid on a thread pool, or one shard of it.
 *
 * Rows come in grid order whatever the number of threads, and a shard is every N-th grid
 * point, so merged shards are byte-identical to the unsharded sweep. Rows are written as they
 * come, in that order: the work is cut into items of at most RUNS_PER_ITEM runs of one point,
 * and the workers run at most a window of items ahead of the writer, so memory is bounded by
 * the thread count, not by the grid or the runs. -o FILE is whole or not at all (outfile.h);
 * with --resume it is written in place and flushed item by item, so a killed shard leaves whole
 * rows that the next --resume keeps. The output format and the sweep's identity are
 * sweep_rows.h's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/kernel/bringup.h"
#include "models/kernel/montecarlo.h"
#include "models/kernel/prepare.h"
#include "models/profile/scenario.h"
#include "models/profile/yamltree.h"
#include "sim/cli/cli.h"
#include "sim/cli/cmds.h"
#include "sim/output/outfile.h"
#include "sim/output/rows_read.h"
#include "sim/output/sweep_rows.h"

#define RUNS_PER_ITEM 1024u

typedef struct {
  const CpuhpScenario *sc;
  const SimSweepMeta *meta;
  gboolean csv;
  guint64 first, step;   /* this shard's points: first, first + step, ... */
  guint items_per_point; /* runs / RUNS_PER_ITEM, rounded up */
  guint window;          /* ring slots: the i-th item of the shard is in slot i % window */
  GString **rows;        /* per slot: the item's rows, once done */
  char **errors;         /* per slot: the item's error, if any */
  gboolean *ready;       /* per slot, under lock */
  GMutex lock;
  GCond cond;
} Sweep;

/* The rows of the shard before its i-th item. */
static guint64 rows_before(const Sweep *sw, guint64 i) {
  return i / sw->items_per_point * sw->sc->runs + i % sw->items_per_point * RUNS_PER_ITEM;
}

/* "FILE:LINE:COL: grid point P: why" at the axis value `msg` is about: a --set override
 * message ("--set KEY=VALUE: why") names its axis, topology and cpus by the keys they set; a
 * policy message (policy_axis >= 0) is the policy's. Else the file and the point. */
static char *point_error(const CpuhpScenario *sc, guint64 point, const char **vals, gint policy_axis, const char *msg) {
  gint blame = policy_axis;
  const char *why = msg;
  for (guint a = 0; a < sc->axes->len && blame < 0; a++) {
    const char *name = g_array_index(sc->axes, CpuhpAxis, a).name;
    g_autofree char *set = g_str_equal(name, "topology") ? g_strdup("--set topology.")
                           : g_str_equal(name, "cpus")   ? g_strdup("--set topology.nr_cpus=")
                                                         : g_strdup_printf("--set %s=%s: ", name, vals[a]);
    if (!g_str_has_prefix(msg, set)) continue;
    if (g_str_equal(name, "topology") && g_str_has_prefix(msg, "--set topology.nr_cpus=")) continue;
    blame = (gint)a;
    const char *colon = strstr(msg + strlen("--set "), ": ");
    why = colon ? colon + 2 : msg;
  }
  if (blame < 0) return g_strdup_printf("%s: grid point %" G_GUINT64_FORMAT ": %s", sc->source, point, msg);
  const CpuhpAxis *ax = &g_array_index(sc->axes, CpuhpAxis, blame);
  guint64 v = point, stride = 1;
  for (guint a = sc->axes->len - 1; a > (guint)blame; a--) stride *= g_array_index(sc->axes, CpuhpAxis, a).values->len;
  v = (point / stride) % ax->values->len;
  const CpuhpAxisPlace *at = &g_array_index(ax->at, CpuhpAxisPlace, v);
  return g_strdup_printf("%s:%u:%u: grid point %" G_GUINT64_FORMAT ": %s", sc->source, at->line, at->col, point, why);
}

/* One item: a grid point's profile, its policy, up to RUNS_PER_ITEM of its seeds. */
static void run_point(gpointer data, gpointer user) {
  Sweep *sw = user;
  guint64 idx = (guint64)(guintptr)data - 1;
  guint slot = (guint)(idx % sw->window);
  const CpuhpScenario *sc = sw->sc;
  guint64 point = sw->first + idx / sw->items_per_point * sw->step;
  guint r0 = (guint)(idx % sw->items_per_point) * RUNS_PER_ITEM, r1 = MIN(sc->runs, r0 + RUNS_PER_ITEM);
  char *error = NULL;
  g_autofree const char **vals = g_new0(const char *, sc->axes->len + 1);
  cpuhp_scenario_point(sc, point, vals);
  g_auto(CliFlags) f = {0};
  g_autoptr(GStrvBuilder) sets = g_strv_builder_new();
  const char *policy = "kernel";
  gint policy_axis = -1;
  for (guint a = 0; a < sc->axes->len; a++) {
    const char *name = g_array_index(sc->axes, CpuhpAxis, a).name;
    if (g_str_equal(name, "topology")) f.topology = g_strdup(vals[a]);
    else if (g_str_equal(name, "cpus")) f.cpus = g_strdup(vals[a]);
    else if (g_str_equal(name, "policy")) policy = vals[a], policy_axis = (gint)a;
    else {
      g_autofree char *kv = g_strdup_printf("%s=%s", name, vals[a]);
      g_strv_builder_add(sets, kv);
    }
  }
  f.set = g_strv_builder_end(sets);
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpPolicy) pol = NULL;
  g_autoptr(CpuhpProfile) p = NULL;
  g_autoptr(GArray) faults = NULL; /* declared before the first goto: its cleanup runs at done */
  GString *out = g_string_new(NULL);
  int ok = cli_overrides("sweep", &f, ov);
  g_assert(ok == 0); /* topology and cpus values were checked before the pool started */
  pol = cpuhp_policy_parse(policy, &err);
  if (!pol) {
    g_autofree char *prefix = g_strdup_printf("--policy=%s: ", policy);
    const char *why = g_str_has_prefix(err->message, prefix) ? err->message + strlen(prefix) : err->message;
    g_autofree char *msg = g_strdup_printf("policy %s: %s", policy, why);
    error = point_error(sc, point, vals, policy_axis, msg);
    goto done;
  }
  p = sc->profile_path ? cpuhp_machine_load_file(sc->profile_path, ov, &err) : cpuhp_machine_load_default(ov, &err);
  if (!p) {
    error = point_error(sc, point, vals, -1, err->message);
    goto done;
  }
  /* the scenario's faults, checked against this grid point's machine as the flags would be */
  faults = g_array_new(FALSE, FALSE, sizeof(CpuhpFault));
  for (guint i = 0; i < sc->faults->len; i++) {
    const char *spec = sc->faults->pdata[i];
    gboolean no_alive = g_str_has_prefix(spec, "no-alive=");
    CpuhpFault fault;
    if (!cpuhp_fault_parse(p, no_alive ? "no-alive" : "fail", strchr(spec, '=') + 1, no_alive, &fault, &err)) {
      const CpuhpAxisPlace *at = &g_array_index(sc->fault_at, CpuhpAxisPlace, i);
      error = g_strdup_printf("%s:%u:%u: grid point %" G_GUINT64_FORMAT ": %s", sc->source, at->line, at->col, point,
                              err->message);
      goto done;
    }
    g_array_append_val(faults, fault);
  }
  for (guint r = r0; r < r1; r++) {
    CpuhpRunOptions opt = {.seed = sc->seed + r, .policy = pol, .faults = (CpuhpFault *)faults->data,
                           .n_faults = faults->len};
    g_autoptr(CpuhpResult) res = cpuhp_bringup_run(p, &opt, &err);
    if (!res) {
      error = g_strdup_printf("%s: grid point %" G_GUINT64_FORMAT ": %s", sc->source, point, err->message);
      goto done;
    }
    SimSweepRun row = {.point = point, .run = r, .seed = opt.seed, .values = vals, .cpus_total = res->n_cpus,
                       .cpus_online = res->cpus_online,
                       .metrics = {res->bringup_ns, res->all_online_ns, res->bp_wait_ns, res->bp_spin_ns, res->ap_spin_ns}};
    G_STATIC_ASSERT(CPUHP_METRIC_N == 5);
    sim_sweep_row(out, sc, sw->meta, sw->csv, &row);
  }
done:
  g_mutex_lock(&sw->lock);
  sw->rows[slot] = out;
  sw->errors[slot] = error;
  sw->ready[slot] = TRUE;
  g_cond_broadcast(&sw->cond);
  g_mutex_unlock(&sw->lock);
}

/* Progress on stderr: rows done of the shard's, the rate of this process, the time left. */
typedef struct {
  gboolean on;
  guint64 total, kept; /* rows: of the shard, found by --resume */
  gint64 start;        /* monotonic µs */
  gint64 last;
  gsize width;         /* of the line shown last: a shorter one pads it away */
} Progress;

static void progress_show(Progress *pg, guint64 done, gboolean last) {
  gint64 now = g_get_monotonic_time();
  if (!pg->on || (!last && now - pg->last < 200000)) return;
  pg->last = now;
  double secs = (double)(now - pg->start) / 1e6, rate = secs > 0 ? (double)(done - pg->kept) / secs : 0;
  g_autoptr(GString) s = g_string_new(NULL);
  g_string_append_printf(s, "\rsweep: %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " rows, %.1f rows/s", done, pg->total, rate);
  if (last) g_string_append_printf(s, ", %.1f s", secs);
  else if (rate > 0) {
    guint64 left = (guint64)((double)(pg->total - done) / rate + 0.5);
    g_string_append_printf(s, ", ETA %" G_GUINT64_FORMAT ":%02" G_GUINT64_FORMAT ":%02" G_GUINT64_FORMAT, left / 3600,
                           left / 60 % 60, left % 60);
  } else g_string_append(s, ", ETA -");
  gsize w = s->len;
  if (w < pg->width) g_string_append_printf(s, "%*s", (int)(pg->width - w), "");
  pg->width = w;
  if (last) g_string_append_c(s, '\n');
  fputs(s->str, stderr);
  fflush(stderr);
}

/* Waits for the i-th item of the shard (showing progress meanwhile), takes its rows or error,
 * frees its slot. */
static GString *sweep_take(Sweep *sw, guint64 i, Progress *pg, char **error) {
  guint slot = (guint)(i % sw->window);
  g_mutex_lock(&sw->lock);
  while (!sw->ready[slot]) {
    g_cond_wait_until(&sw->cond, &sw->lock, g_get_monotonic_time() + 200 * G_TIME_SPAN_MILLISECOND);
    progress_show(pg, rows_before(sw, i), FALSE);
  }
  GString *rows = sw->rows[slot];
  *error = sw->errors[slot];
  sw->rows[slot] = NULL, sw->errors[slot] = NULL, sw->ready[slot] = FALSE;
  g_mutex_unlock(&sw->lock);
  return rows;
}

/* --resume: the rows of `path` that this shard wrote before it was stopped. Returns how many
 * items of the shard are whole there and leaves `fp` open for appending after them (the rest
 * of the file cut off); -1 after an error message (exit 2), -2 on an I/O error. */
static gint64 resume_open(const char *path, const Sweep *sw, const char *head, guint64 npoints, FILE **fp) {
  g_autoptr(GError) err = NULL;
  if (!g_file_test(path, G_FILE_TEST_EXISTS)) return 0; /* nothing to resume: a fresh start */
  gsize len;
  g_autofree char *text = yt_read_file(path, SIM_ROWS_MAX_BYTES, "sweep output", &len, G_FILE_ERROR, G_FILE_ERROR_INVAL, &err);
  if (!text) return cli_fail("sweep", "--resume: %s", err->message), err->code == G_FILE_ERROR_INVAL ? -1 : -2;
  g_autoptr(SimSweepFile) sf = sim_sweep_file_parse(path, text, &err);
  if (!sf) return cli_fail("sweep", "--resume: %s", err->message), -1;
  const SimSweepMeta *m = &sf->meta, *want = sw->meta;
  if (sf->csv != sw->csv) return cli_fail("sweep", "--resume: %s: not %s", path, sw->csv ? "CSV" : "JSONL"), -1;
  if (sf->csv ? strcmp(sf->head, head) != 0 : FALSE)
    return cli_fail("sweep", "--resume: %s:1:1: the columns are not this sweep's", path), -1;
  if (m->hash && strcmp(m->hash, want->hash))
    return cli_fail("sweep", "--resume: %s: sweep_hash %s, this sweep's is %s: another scenario, profile or program version",
                    path, m->hash, want->hash), -1;
  if (m->hash && (m->shard != want->shard || m->nshards != want->nshards))
    return cli_fail("sweep", "--resume: %s: shard %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT ", not %" G_GUINT64_FORMAT
                    "/%" G_GUINT64_FORMAT, path, m->shard, m->nshards, want->shard, want->nshards), -1;
  guint runs = sw->sc->runs;
  for (guint k = 0; k < sf->rows->len; k++) {
    const SimSweepRowRef *r = &g_array_index(sf->rows, SimSweepRowRef, k);
    guint64 pt = sw->first + (guint64)(k / runs) * sw->step;
    if (k / runs >= npoints || r->point != pt || r->run != k % runs)
      return cli_fail("sweep", "--resume: %s:%u:1: not the next row of this shard (point %" G_GUINT64_FORMAT " run %u)",
                      path, r->line, k / runs < npoints ? pt : 0, k % runs), -1;
  }
  /* an item's rows are redone whole: they come out the same */
  guint64 whole = (guint64)(sf->rows->len / runs) * sw->items_per_point + sf->rows->len % runs / RUNS_PER_ITEM;
  guint64 kept = rows_before(sw, whole);
  gsize keep = kept ? g_array_index(sf->rows, SimSweepRowRef, kept - 1).end : sf->head_end;
  *fp = fopen(path, "r+");
  if (!*fp || ftruncate(fileno(*fp), (off_t)keep) != 0 || fseek(*fp, 0, SEEK_END) != 0) {
    fprintf(stderr, "cpuhpsim sweep: --resume: %s: %s\n", path, g_strerror(errno));
    if (*fp) fclose(*fp), *fp = NULL;
    return -2;
  }
  return (gint64)whole;
}

static gboolean io_fail(const char *path, GError **error) {
  int e = errno ? errno : EIO;
  g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s: %s", path, g_strerror(e));
  return FALSE;
}

/* Appends to the output: in place (--resume, flushed so a kill keeps whole rows) or to the
 * outfile. */
static gboolean out_write(FILE *fp, SimOutfile *of, const char *output, const char *data, gsize len, GError **error) {
  if (!fp) return sim_outfile_write(of, data, len, error);
  errno = 0;
  return (fwrite(data, 1, len, fp) == len && fflush(fp) == 0) || io_fail(output, error);
}

int cmd_sweep(int argc, char **argv) {
  g_autofree char *threads = NULL, *shard = NULL, *output = NULL, *progress = NULL;
  gboolean resume = FALSE;
  g_auto(CliFlags) flags = {0};
  GOptionEntry entries[] = {
      {"threads", 0, 0, G_OPTION_ARG_STRING, &threads, "Worker threads (default: all cores); the output does not depend on it", "N"},
      {"shard", 0, 0, G_OPTION_ARG_STRING, &shard, "Run only grid points p with p mod N = I (0 <= I < N)", "I/N"},
      cli_option_format(&flags, "jsonl|csv"),
      {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write to FILE, whole or not at all (in place with --resume), instead of stdout", "FILE"},
      {"resume", 0, 0, G_OPTION_ARG_NONE, &resume, "Write -o FILE in place, keeping the rows already there (same sweep and shard); run the rest", NULL},
      {"progress", 0, 0, G_OPTION_ARG_STRING, &progress, "Rows done, rate and ETA on stderr (default auto: when stderr is a terminal)", "auto|always|never"},
      G_OPTION_ENTRY_NULL};
  int status;
  if (!cli_parse("sweep", &argc, &argv, entries, "SCENARIO.yaml",
                 "Run the grid of a sweep scenario (see scenarios/sweeps/): one row per grid point\n"
                 "and run, with every axis value, the seed and the figures. Rows come in grid order\n"
                 "whatever --threads is, each written as soon as the rows before it are; every\n"
                 "output carries the sweep's sweep_hash (scenario content, profile, program version).\n"
                 "`cpuhpsim merge` joins --shard outputs.", &status))
    return status;
  if (argc < 2) return cli_fail("sweep", "missing SCENARIO");
  guint64 nthreads = (guint64)g_get_num_processors(), si = 0, sn = 1;
  if (threads && (!cli_parse_u64(threads, 1024, &nthreads) || !nthreads))
    return cli_fail("sweep", "--threads: expected 1 to 1024, got '%s'", threads);
  if (shard) {
    g_auto(GStrv) parts = g_strsplit(shard, "/", 2);
    if (g_strv_length(parts) != 2 || !cli_parse_u64(parts[0], G_MAXUINT32, &si) || !cli_parse_u64(parts[1], G_MAXUINT32, &sn) ||
        sn == 0 || si >= sn)
      return cli_fail("sweep", "--shard: expected I/N with 0 <= I < N, got '%s'", shard);
  }
  gboolean csv = FALSE;
  if (flags.format && !(csv = g_str_equal(flags.format, "csv")) && !g_str_equal(flags.format, "jsonl"))
    return cli_fail("sweep", "--format: expected jsonl or csv, got '%s'", flags.format);
  Progress pg = {.on = isatty(STDERR_FILENO)};
  if (progress && !g_str_equal(progress, "auto")) {
    if (!g_str_equal(progress, "always") && !g_str_equal(progress, "never"))
      return cli_fail("sweep", "--progress: expected auto, always or never, got '%s'", progress);
    pg.on = g_str_equal(progress, "always");
  }
  if (output && g_str_equal(output, "-")) g_clear_pointer(&output, g_free);
  if (resume && !output) return cli_fail("sweep", "--resume: needs -o FILE, the output to continue");
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpScenario) sc = cpuhp_scenario_load(argv[1], &err);
  if (!sc) {
    fprintf(stderr, "%s\n", err->message);
    return 2;
  }
  /* topology and cpus values are flags in disguise: check them as flags, once, and blame the
   * value's place in the file */
  for (guint a = 0; a < sc->axes->len; a++) {
    const CpuhpAxis *ax = &g_array_index(sc->axes, CpuhpAxis, a);
    gboolean topo = g_str_equal(ax->name, "topology");
    if (!topo && !g_str_equal(ax->name, "cpus")) continue;
    for (guint v = 0; v < ax->values->len; v++) {
      guint64 dims[3];
      g_autofree char *why = topo ? cli_topology_problem(ax->values->pdata[v], dims)
                                  : cli_cpus_problem(ax->values->pdata[v], dims);
      const CpuhpAxisPlace *at = &g_array_index(ax->at, CpuhpAxisPlace, v);
      if (why) return fprintf(stderr, "%s:%u:%u: axis %s: %s\n", sc->source, at->line, at->col, ax->name, why), 2;
    }
  }
  if (si >= sc->points)
    return cli_fail("sweep", "--shard: shard %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " has no grid point (the grid has %" G_GUINT64_FORMAT ")",
                    si, sn, sc->points);
  g_auto(SimSweepMeta) meta = {.source = g_strdup(sc->source), .points = sc->points, .runs = sc->runs, .shard = si, .nshards = sn};
  if (!(meta.hash = sim_sweep_hash(sc, CPUHPSIM_VERSION, &err))) return cli_fail("sweep", "%s: profile: %s", sc->source, err->message);
  guint per = (sc->runs + RUNS_PER_ITEM - 1) / RUNS_PER_ITEM;
  guint64 npoints = (sc->points - si + sn - 1) / sn, n = npoints * per; /* this shard's points, items */
  guint nt = (guint)MIN(nthreads, MAX(n, 1));
  Sweep sw = {.sc = sc, .meta = &meta, .csv = csv, .first = si, .step = sn, .items_per_point = per, .window = 4 * nt};
  g_autoptr(GString) head = g_string_new(NULL);
  sim_sweep_head(head, sc, &meta, csv);
  FILE *fp = NULL;       /* --resume: the output, in place */
  SimOutfile *of = NULL; /* else: stdout or a temporary file renamed into place at the end */
  gint64 first = 0;
  gboolean fresh = TRUE; /* the head is to be written */
  if (resume) {
    g_string_truncate(head, head->len - 1);
    first = resume_open(output, &sw, head->str, npoints, &fp);
    if (first < 0) return first == -1 ? 2 : 1;
    g_string_append_c(head, '\n');
    fresh = !fp;
    if (!fp && !(fp = fopen(output, "w"))) /* nothing to resume: a fresh output, in place */
      return fprintf(stderr, "cpuhpsim sweep: --output: %s: %s\n", output, g_strerror(errno)), 1;
  } else if (!(of = sim_outfile_open(output ? output : "-", &err))) {
    fprintf(stderr, "cpuhpsim sweep: --output: %s\n", err->message);
    return 1;
  }
  gboolean ok = !fresh || out_write(fp, of, output, head->str, head->len, &err);
  sw.rows = g_new0(GString *, sw.window);
  sw.errors = g_new0(char *, sw.window);
  sw.ready = g_new0(gboolean, sw.window);
  g_mutex_init(&sw.lock);
  g_cond_init(&sw.cond);
  pg.total = npoints * sc->runs;
  pg.kept = rows_before(&sw, (guint64)first);
  pg.start = g_get_monotonic_time();
  GThreadPool *pool = g_thread_pool_new(run_point, &sw, (gint)nt, TRUE, NULL);
  int rc = 0;
  for (guint64 i = (guint64)first, pushed = i; i < n && ok && !rc; i++) {
    for (; pushed < n && pushed < i + sw.window; pushed++) g_thread_pool_push(pool, (gpointer)(guintptr)(pushed + 1), NULL);
    g_autofree char *error = NULL;
    GString *rows = sweep_take(&sw, i, &pg, &error);
    if (error) { /* the first failing point in grid order */
      if (pg.on) fputc('\n', stderr);
      fprintf(stderr, "%s\n", error);
      rc = 2;
    } else {
      ok = out_write(fp, of, output, rows->str, rows->len, &err);
      progress_show(&pg, rows_before(&sw, i + 1), FALSE);
    }
    g_string_free(rows, TRUE);
  }
  g_thread_pool_free(pool, TRUE, TRUE); /* after an error, the queued items are dropped */
  for (guint i = 0; i < sw.window; i++) {
    if (sw.rows[i]) g_string_free(sw.rows[i], TRUE);
    g_free(sw.errors[i]);
  }
  g_free(sw.rows);
  g_free(sw.errors);
  g_free(sw.ready);
  g_mutex_clear(&sw.lock);
  g_cond_clear(&sw.cond);
  if (fp) { /* in place: the rows written so far stay, for the next --resume */
    errno = 0;
    if (fclose(fp) != 0 && ok) ok = io_fail(output, &err);
  } else if (rc || !ok) {
    sim_outfile_abort(of);
  } else if (!sim_outfile_commit(of, &err)) {
    ok = FALSE;
  }
  if (!ok) {
    if (pg.on) fputc('\n', stderr);
    fprintf(stderr, "cpuhpsim sweep: %s%s\n", output ? "--output: " : "", err->message);
  } else if (!rc) progress_show(&pg, pg.total, TRUE);
  return rc ? rc : ok ? 0 : 1;
}
