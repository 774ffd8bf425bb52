/* cmd_sweep.c — `sweep`: a scenario's grid on a thread pool, or one shard of it.
 *
 * Rows come in grid order whatever the number of threads, and a shard is every N-th grid
 * point, so merged shards are byte-identical to the unsharded sweep. Rows are written and
 * flushed as soon as every point before them is done, so a killed shard leaves whole rows that
 * `--resume` keeps; the output format and the sweep's identity are sweep_rows.h's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/kernel/bringup.h"
#include "models/kernel/montecarlo.h"
#include "models/kernel/prepare.h"
#include "models/profile/scenario.h"
#include "sim/cli/cli.h"
#include "sim/cli/cmds.h"
#include "sim/output/sweep_rows.h"

typedef struct {
  const CpuhpScenario *sc;
  const SimSweepMeta *meta;
  gboolean csv;
  const guint64 *points; /* the grid points of this shard */
  GMutex lock;
  GCond cond;            /* a point is done */
  GString **rows;        /* per point of this shard, once done */
  char **errors;         /* per point: its error, if any */
  gint stop;             /* atomic: skip the points not started */
} Sweep;

/* One grid point: its profile, its policy, `runs` seeds. */
static void run_point(gpointer data, gpointer user) {
  Sweep *sw = user;
  guint idx = GPOINTER_TO_UINT(data) - 1;
  const CpuhpScenario *sc = sw->sc;
  guint64 point = sw->points[idx];
  GString *out = g_string_new(NULL);
  char *error = NULL;
  g_autofree const char **vals = g_new0(const char *, sc->axes->len + 1);
  g_auto(CliFlags) f = {0};
  g_autoptr(GStrvBuilder) sets = g_strv_builder_new();
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpPolicy) pol = NULL;
  g_autoptr(CpuhpProfile) p = NULL;
  g_autoptr(GArray) faults = NULL;
  if (g_atomic_int_get(&sw->stop)) goto done;
  cpuhp_scenario_point(sc, point, vals);
  const char *policy = "kernel";
  for (guint a = 0; a < sc->axes->len; a++) {
    const char *name = g_array_index(sc->axes, CpuhpAxis, a).name;
    if (g_str_equal(name, "topology")) f.topology = g_strdup(vals[a]);
    else if (g_str_equal(name, "cpus")) f.cpus = g_strdup(vals[a]);
    else if (g_str_equal(name, "policy")) policy = vals[a];
    else {
      g_autofree char *kv = g_strdup_printf("%s=%s", name, vals[a]);
      g_strv_builder_add(sets, kv);
    }
  }
  f.set = g_strv_builder_end(sets);
  int ok = cli_overrides("sweep", &f, ov);
  g_assert(ok == 0); /* topology and cpus values were checked before the pool started */
  pol = cpuhp_policy_parse(policy, &err);
  if (pol) p = sc->profile_path ? cpuhp_machine_load_file(sc->profile_path, ov, &err) : cpuhp_machine_load_default(ov, &err);
  if (!p) {
    error = g_strdup_printf("%s: grid point %" G_GUINT64_FORMAT ": %s", sc->source, point, err->message);
    goto done;
  }
  /* the scenario's faults, checked against this grid point's machine as the flags would be */
  faults = g_array_new(FALSE, FALSE, sizeof(CpuhpFault));
  for (guint i = 0; i < sc->faults->len; i++) {
    const char *spec = sc->faults->pdata[i];
    gboolean no_alive = g_str_has_prefix(spec, "no-alive=");
    CpuhpFault fault;
    if (!cpuhp_fault_parse(p, no_alive ? "no-alive" : "fail", strchr(spec, '=') + 1, no_alive, &fault, &err)) {
      error = g_strdup_printf("%s: grid point %" G_GUINT64_FORMAT ": faults: %s", sc->source, point, err->message);
      goto done;
    }
    g_array_append_val(faults, fault);
  }
  for (guint r = 0; r < sc->runs; r++) {
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
  sw->rows[idx] = out;
  sw->errors[idx] = error;
  g_cond_signal(&sw->cond);
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

/* --resume: the rows of `path` that this shard wrote before it was stopped. Returns how many
 * grid points of the shard are whole there and leaves `fp` open for appending after them
 * (the rest of the file cut off); -1 after an error message (exit 2), -2 on an I/O error. */
static gint64 resume_open(const char *path, const Sweep *sw, const char *head, guint n, FILE **fp) {
  g_autofree char *text = NULL;
  g_autoptr(GError) err = NULL;
  if (!g_file_test(path, G_FILE_TEST_EXISTS)) return 0; /* nothing to resume: a fresh start */
  if (!g_file_get_contents(path, &text, NULL, &err)) return cli_fail("sweep", "--resume: %s", err->message), -2;
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
    if (k / runs >= n || r->point != sw->points[k / runs] || r->run != k % runs)
      return cli_fail("sweep", "--resume: %s:%u:1: not the next row of this shard (point %" G_GUINT64_FORMAT " run %u)",
                      path, r->line, k / runs < n ? sw->points[k / runs] : 0, k % runs), -1;
  }
  guint whole = sf->rows->len / runs; /* a point's rows are redone whole: they come out the same */
  gsize keep = whole ? g_array_index(sf->rows, SimSweepRowRef, whole * runs - 1).end : sf->head_end;
  *fp = fopen(path, "r+");
  if (!*fp || ftruncate(fileno(*fp), (off_t)keep) != 0 || fseek(*fp, 0, SEEK_END) != 0) {
    fprintf(stderr, "cpuhpsim sweep: --resume: %s: %s\n", path, g_strerror(errno));
    return -2;
  }
  return whole;
}

int cmd_sweep(int argc, char **argv) {
  g_autofree char *threads = NULL, *shard = NULL, *output = NULL, *progress = NULL;
  gboolean resume = FALSE;
  g_auto(CliFlags) flags = {0};
  GOptionEntry entries[] = {
      {"threads", 0, 0, G_OPTION_ARG_STRING, &threads, "Worker threads (default: all cores); the output does not depend on it", "N"},
      {"shard", 0, 0, G_OPTION_ARG_STRING, &shard, "Run only grid points p with p mod N = I (0 <= I < N)", "I/N"},
      cli_option_format(&flags, "jsonl|csv"),
      {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write to FILE (rows as they finish) instead of stdout", "FILE"},
      {"resume", 0, 0, G_OPTION_ARG_NONE, &resume, "Keep the rows already in -o FILE (same sweep and shard), run the rest", NULL},
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
  /* topology and cpus values are flags in disguise: check them as flags, once */
  for (guint a = 0; a < sc->axes->len; a++) {
    const CpuhpAxis *ax = &g_array_index(sc->axes, CpuhpAxis, a);
    gboolean topo = g_str_equal(ax->name, "topology");
    if (!topo && !g_str_equal(ax->name, "cpus")) continue;
    for (guint v = 0; v < ax->values->len; v++) {
      g_auto(CliFlags) f = {0};
      g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
      *(topo ? &f.topology : &f.cpus) = g_strdup(ax->values->pdata[v]);
      if ((status = cli_overrides("sweep", &f, ov))) return status;
    }
  }
  if (si >= sc->points)
    return cli_fail("sweep", "--shard: shard %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " has no grid point (the grid has %" G_GUINT64_FORMAT ")",
                    si, sn, sc->points);
  g_auto(SimSweepMeta) meta = {.source = g_strdup(sc->source), .points = sc->points, .runs = sc->runs, .shard = si, .nshards = sn};
  if (!(meta.hash = sim_sweep_hash(sc, CPUHPSIM_VERSION, &err))) return cli_fail("sweep", "%s: profile: %s", sc->source, err->message);
  guint n = 0;
  g_autofree guint64 *points = g_new(guint64, sc->points / sn + 1);
  for (guint64 pt = si; pt < sc->points; pt += sn) points[n++] = pt;
  Sweep sw = {.sc = sc, .meta = &meta, .csv = csv, .points = points, .rows = g_new0(GString *, n + 1), .errors = g_new0(char *, n + 1)};
  g_autoptr(GString) head = g_string_new(NULL);
  sim_sweep_head(head, sc, &meta, csv);
  g_string_truncate(head, head->len - 1);
  FILE *fp = NULL;
  gint64 first = resume ? resume_open(output, &sw, head->str, n, &fp) : 0;
  int rc = first == -1 ? 2 : first == -2 ? 1 : 0;
  if (!rc && !fp) { /* a fresh output, its head first */
    fp = output ? fopen(output, "w") : stdout;
    if (!fp) rc = (fprintf(stderr, "cpuhpsim sweep: --output: %s: %s\n", output, g_strerror(errno)), 1);
    else if (fprintf(fp, "%s\n", head->str) < 0 || fflush(fp) != 0) rc = 1;
  }
  guint next = rc ? n : (guint)first; /* the next point to write */
  pg.total = (guint64)n * sc->runs;
  pg.kept = (guint64)next * sc->runs;
  pg.start = g_get_monotonic_time();
  g_mutex_init(&sw.lock);
  g_cond_init(&sw.cond);
  GThreadPool *pool = g_thread_pool_new(run_point, &sw, (gint)MIN(nthreads, MAX(n - next, 1)), TRUE, NULL);
  for (guint i = next; i < n; i++) g_thread_pool_push(pool, GUINT_TO_POINTER(i + 1), NULL);
  g_mutex_lock(&sw.lock);
  while (next < n) {
    while (!sw.rows[next]) { /* wake up now and then for the progress line */
      g_cond_wait_until(&sw.cond, &sw.lock, g_get_monotonic_time() + 200000);
      progress_show(&pg, (guint64)next * sc->runs, FALSE);
    }
    if (sw.errors[next]) {
      fprintf(stderr, "%s\n", sw.errors[next]);
      rc = 2;
      break;
    }
    GString *rows = sw.rows[next];
    g_mutex_unlock(&sw.lock); /* write outside the lock: the workers go on */
    gboolean ok = fwrite(rows->str, 1, rows->len, fp) == rows->len && fflush(fp) == 0;
    g_mutex_lock(&sw.lock);
    g_string_free(sw.rows[next], TRUE);
    sw.rows[next] = g_string_new(NULL); /* done and written */
    if (!ok) {
      fprintf(stderr, "cpuhpsim sweep: --output: %s: %s\n", output ? output : "stdout", g_strerror(errno));
      rc = 1;
      break;
    }
    next++;
    progress_show(&pg, (guint64)next * sc->runs, FALSE);
  }
  g_mutex_unlock(&sw.lock);
  g_atomic_int_set(&sw.stop, rc != 0);
  g_thread_pool_free(pool, rc != 0, TRUE);
  if (!rc) progress_show(&pg, (guint64)n * sc->runs, TRUE);
  else if (pg.on) fputc('\n', stderr);
  if (fp && fp != stdout && fclose(fp) != 0 && !rc) rc = 1;
  for (guint i = 0; i < n; i++) {
    if (sw.rows[i]) g_string_free(sw.rows[i], TRUE);
    g_free(sw.errors[i]);
  }
  g_free(sw.rows);
  g_free(sw.errors);
  g_mutex_clear(&sw.lock);
  g_cond_clear(&sw.cond);
  return rc;
}
