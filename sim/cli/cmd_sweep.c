/* cmd_sweep.c — `sweep` (a scenario's grid on a thread pool, or one shard of it), `merge`
 * (shards back into the unsharded output) and `explore` (search the policy space).
 *
 * Rows are produced in grid order whatever the number of threads, and a shard is every N-th
 * grid point, so merged shards are byte-identical to the unsharded sweep. Rows are written as
 * they come, in that order: the work is cut into items of at most RUNS_PER_ITEM runs of one
 * point, and the workers run at most a window of items ahead of the writer, so memory is
 * bounded by the thread count, not by the grid or the runs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/kernel/bringup.h"
#include "models/kernel/montecarlo.h"
#include "models/kernel/prepare.h"
#include "models/profile/scenario.h"
#include "models/profile/yamltree.h"
#include "sim/output/outfile.h"
#include "sim/cli/cli.h"
#include "sim/cli/cmds.h"
#include "sim/output/stats.h"
#include "sim/output/json.h"
#include "sim/output/json_write.h"
#include "sim/output/rows_read.h"

#define RUNS_PER_ITEM 1024u

typedef struct {
  const CpuhpScenario *sc;
  gboolean csv;
  guint64 first, step; /* this shard's points: first, first + step, ... */
  guint items_per_point; /* runs / RUNS_PER_ITEM, rounded up */
  guint window;        /* ring slots: the i-th point of the shard is in slot i % window */
  GString **rows;      /* per slot: the point's rows, once done */
  char **errors;       /* per slot: the point's error, if any */
  gboolean *ready;     /* per slot, under lock */
  GMutex lock;
  GCond cond;
} Sweep;

static void csv_field(GString *out, const char *s) {
  if (!strpbrk(s, ",\"\n")) {
    g_string_append(out, s);
    return;
  }
  g_string_append_c(out, '"');
  for (const char *p = s; *p; p++) {
    if (*p == '"') g_string_append_c(out, '"');
    g_string_append_c(out, *p);
  }
  g_string_append_c(out, '"');
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

/* One grid point: its profile, its policy, `runs` seeds. */
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
    int64_t metrics[] = {res->bringup_ns, res->all_online_ns, res->bp_wait_ns, res->bp_spin_ns, res->ap_spin_ns};
    G_STATIC_ASSERT(G_N_ELEMENTS(metrics) == CPUHP_METRIC_N);
    if (sw->csv) {
      g_string_append_printf(out, "%" G_GUINT64_FORMAT ",%u,%" G_GUINT64_FORMAT, point, r, opt.seed);
      for (guint a = 0; a < sc->axes->len; a++) {
        g_string_append_c(out, ',');
        csv_field(out, vals[a]);
      }
      g_string_append_printf(out, ",%u,%u", res->n_cpus, res->cpus_online);
      for (CpuhpMetric k = 0; k < CPUHP_METRIC_N; k++) g_string_append_printf(out, ",%" G_GINT64_FORMAT, metrics[k]);
    } else {
      g_autoptr(SimJsonWriter) w = sim_jw_new(out);
      sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
      sim_jw_uint(w, "point", point);
      sim_jw_uint(w, "run", r);
      sim_jw_uint(w, "seed", opt.seed);
      for (guint a = 0; a < sc->axes->len; a++) sim_jw_string(w, g_array_index(sc->axes, CpuhpAxis, a).name, vals[a]);
      sim_jw_uint(w, "cpus_total", res->n_cpus);
      sim_jw_uint(w, "cpus_online", res->cpus_online);
      for (CpuhpMetric k = 0; k < CPUHP_METRIC_N; k++) sim_jw_int(w, cpuhp_metric_key(k), metrics[k]);
      sim_jw_end_object(w);
    }
    g_string_append_c(out, '\n');
  }
done:
  g_mutex_lock(&sw->lock);
  sw->rows[slot] = out;
  sw->errors[slot] = error;
  sw->ready[slot] = TRUE;
  g_cond_broadcast(&sw->cond);
  g_mutex_unlock(&sw->lock);
}

/* The first line of every sweep output (after "# " in CSV): what merge needs to check
 * completeness. */
typedef struct {
  const char *source;
  guint64 points, runs, shard, nshards;
} Meta;

static void meta_json(GString *out, const Meta *meta) {
  g_autoptr(SimJsonWriter) w = sim_jw_new(out);
  sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
  sim_jw_string(w, "sweep", meta->source);
  sim_jw_uint(w, "points", meta->points);
  sim_jw_uint(w, "runs", meta->runs);
  g_autofree char *sh = g_strdup_printf("%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT, meta->shard, meta->nshards);
  sim_jw_string(w, "shard", sh);
  sim_jw_end_object(w);
}

/* Reads meta_json()'s line back; FALSE if `line` is not one. m->source points into `*json`. */
static gboolean meta_read(const char *line, SimJson **json, Meta *m) {
  *json = sim_json_parse(line, strlen(line), NULL);
  m->source = sim_json_get_str(*json, "sweep");
  const char *shard = sim_json_get_str(*json, "shard");
  int64_t points, runs;
  if (!m->source || !shard || !sim_json_int(sim_json_get(*json, "points"), &points) ||
      !sim_json_int(sim_json_get(*json, "runs"), &runs) || points < 0 || runs < 0)
    return FALSE;
  m->points = (guint64)points;
  m->runs = (guint64)runs;
  g_auto(GStrv) parts = g_strsplit(shard, "/", 2);
  return g_strv_length(parts) == 2 && cli_parse_u64(parts[0], G_MAXUINT32, &m->shard) &&
         cli_parse_u64(parts[1], G_MAXUINT32, &m->nshards) && m->nshards > 0 && m->shard < m->nshards;
}

static char *meta_line(const CpuhpScenario *sc, gboolean csv, guint shard, guint nshards) {
  g_autoptr(GString) m = g_string_new(NULL);
  if (csv) g_string_append(m, "# ");
  meta_json(m, &(Meta){.source = sc->source, .points = sc->points, .runs = sc->runs, .shard = shard, .nshards = nshards});
  if (csv) {
    g_string_append(m, "\npoint,run,seed");
    for (guint a = 0; a < sc->axes->len; a++) {
      g_string_append_c(m, ',');
      csv_field(m, g_array_index(sc->axes, CpuhpAxis, a).name);
    }
    g_string_append(m, ",cpus_total,cpus_online");
    for (CpuhpMetric k = 0; k < CPUHP_METRIC_N; k++) g_string_append_printf(m, ",%s", cpuhp_metric_key(k));
  }
  return g_string_free(g_steal_pointer(&m), FALSE);
}

static int write_out(const char *cmd, const char *path, const GString *s) {
  g_autoptr(GError) err = NULL;
  if (!sim_output_write(path ? path : "-", s->str, s->len, &err)) {
    fprintf(stderr, "cpuhpsim %s: %s%s\n", cmd, path ? "--output: " : "", err->message);
    return 1;
  }
  return 0;
}

/* Waits for the i-th item of the shard, takes its rows or error, frees its slot. */
static GString *sweep_take(Sweep *sw, guint64 i, gboolean tty, guint64 n, char **error) {
  guint slot = (guint)(i % sw->window);
  g_mutex_lock(&sw->lock);
  while (!sw->ready[slot]) {
    if (tty) { /* progress on a terminal only */
      guint w = 40, fill = n ? (guint)(i * w / n) : w;
      guint64 per = sw->items_per_point;
      fprintf(stderr, "\r[%.*s%*s] %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " points", (int)fill,
              "========================================", (int)(w - fill), "", i / per, n / per);
    }
    g_cond_wait_until(&sw->cond, &sw->lock, g_get_monotonic_time() + 100 * G_TIME_SPAN_MILLISECOND);
  }
  GString *rows = sw->rows[slot];
  *error = sw->errors[slot];
  sw->rows[slot] = NULL, sw->errors[slot] = NULL, sw->ready[slot] = FALSE;
  g_mutex_unlock(&sw->lock);
  return rows;
}

int cmd_sweep(int argc, char **argv) {
  g_autofree char *threads = NULL, *shard = NULL, *output = NULL;
  g_auto(CliFlags) flags = {0};
  GOptionEntry entries[] = {
      {"threads", 0, 0, G_OPTION_ARG_STRING, &threads, "Worker threads (default: all cores); the output does not depend on it", "N"},
      {"shard", 0, 0, G_OPTION_ARG_STRING, &shard, "Run only grid points p with p mod N = I (0 <= I < N)", "I/N"},
      cli_option_format(&flags, "jsonl|csv"),
      {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write to FILE (whole or not at all) instead of stdout", "FILE"},
      G_OPTION_ENTRY_NULL};
  int status;
  if (!cli_parse("sweep", &argc, &argv, entries, "SCENARIO.yaml",
                 "Run the grid of a sweep scenario (see scenarios/sweeps/): one row per grid point\n"
                 "and run, with every axis value, the seed and the figures. Rows come in grid order\n"
                 "whatever --threads is; `cpuhpsim merge` joins --shard outputs.", &status))
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
  guint per = (sc->runs + RUNS_PER_ITEM - 1) / RUNS_PER_ITEM;
  guint64 n = (si < sc->points ? (sc->points - si + sn - 1) / sn : 0) * per; /* this shard's items */
  guint nt = (guint)MIN(nthreads, MAX(n, 1));
  Sweep sw = {.sc = sc, .csv = csv, .first = si, .step = sn, .items_per_point = per, .window = 4 * nt};
  sw.rows = g_new0(GString *, sw.window);
  sw.errors = g_new0(char *, sw.window);
  sw.ready = g_new0(gboolean, sw.window);
  g_mutex_init(&sw.lock);
  g_cond_init(&sw.cond);
  SimOutfile *of = sim_outfile_open(output ? output : "-", &err);
  if (!of) {
    fprintf(stderr, "cpuhpsim sweep: --output: %s\n", err->message);
    return 1;
  }
  g_autofree char *meta = meta_line(sc, csv, (guint)si, (guint)sn);
  g_autofree char *meta_nl = g_strconcat(meta, "\n", NULL);
  gboolean ok = sim_outfile_write(of, meta_nl, strlen(meta_nl), &err);
  GThreadPool *pool = g_thread_pool_new(run_point, &sw, (gint)nt, TRUE, NULL);
  gboolean tty = isatty(STDERR_FILENO);
  int rc = 0;
  for (guint64 i = 0, pushed = 0; i < n && ok && !rc; i++) {
    for (; pushed < n && pushed < i + sw.window; pushed++) g_thread_pool_push(pool, (gpointer)(guintptr)(pushed + 1), NULL);
    g_autofree char *error = NULL;
    GString *rows = sweep_take(&sw, i, tty, n, &error);
    if (error) { /* the first failing point in grid order, as before the rows streamed */
      if (tty) fprintf(stderr, "\r%60s\r", "");
      fprintf(stderr, "%s\n", error);
      rc = 2;
    } else {
      ok = sim_outfile_write(of, rows->str, rows->len, &err);
    }
    g_string_free(rows, TRUE);
  }
  g_thread_pool_free(pool, TRUE, TRUE); /* after an error, the queued points are dropped */
  if (tty && !rc) fprintf(stderr, "\r%60s\r", "");
  for (guint i = 0; i < sw.window; i++) {
    if (sw.rows[i]) g_string_free(sw.rows[i], TRUE);
    g_free(sw.errors[i]);
  }
  g_free(sw.rows);
  g_free(sw.errors);
  g_free(sw.ready);
  g_mutex_clear(&sw.lock);
  g_cond_clear(&sw.cond);
  if (rc || !ok) {
    sim_outfile_abort(of);
  } else if (!sim_outfile_commit(of, &err)) {
    ok = FALSE;
  }
  if (!ok) fprintf(stderr, "cpuhpsim sweep: %s%s\n", output ? "--output: " : "", err->message);
  return rc ? rc : ok ? 0 : 1;
}

/* ---- merge ------------------------------------------------------------------------------- */

typedef struct {
  guint64 point;
  guint run;
  char *line;
} Row;

static gint row_cmp(gconstpointer a, gconstpointer b) {
  const Row *x = a, *y = b;
  if (x->point != y->point) return x->point < y->point ? -1 : 1;
  return (x->run > y->run) - (x->run < y->run);
}

/* A decimal integer, whole field (a row's numbers are integer nanoseconds and counts). */
static gboolean int_text(const char *s, gboolean sign, int64_t *out) {
  return g_ascii_string_to_signed(s, 10, sign ? INT64_MIN : 0, INT64_MAX, out, NULL) &&
         (s[0] != '0' || s[1] == '\0') && s[0] != '+';
}

/* The fields of one CSV line, quotes undone (csv_field()'s inverse); NULL if a quote is open. */
static GPtrArray *csv_split(const char *line) {
  g_autoptr(GPtrArray) f = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GString) cur = g_string_new(NULL);
  gboolean quoted = FALSE;
  for (const char *p = line;; p++) {
    if (quoted && *p == '"' && p[1] == '"') g_string_append_c(cur, *p++);
    else if (*p == '"' && (quoted || cur->len == 0)) quoted = !quoted;
    else if (quoted && *p) g_string_append_c(cur, *p);
    else if (*p == ',' || !*p) {
      g_ptr_array_add(f, g_strdup(cur->str));
      g_string_truncate(cur, 0);
      if (!*p) break;
    } else g_string_append_c(cur, *p);
  }
  return quoted ? NULL : g_steal_pointer(&f);
}

/* A row's columns as run_point() writes them: point, run, seed, the axes, the counts, the
 * metrics. */
static gboolean shape_ok(const char *const *cols) {
  guint n = g_strv_length((char **)cols), tail = 2 + CPUHP_METRIC_N;
  if (n < 3 + tail || strcmp(cols[0], "point") || strcmp(cols[1], "run") || strcmp(cols[2], "seed") ||
      strcmp(cols[n - tail], "cpus_total") || strcmp(cols[n - tail + 1], "cpus_online"))
    return FALSE;
  for (CpuhpMetric k = 0; k < CPUHP_METRIC_N; k++)
    if (strcmp(cols[n - CPUHP_METRIC_N + k], cpuhp_metric_key(k))) return FALSE;
  return TRUE;
}

/* One row of a shard, checked whole: a truncated line, a number out of int64 (1e400) or a row
 * of another shape than `shape` (JSONL: the first row's keys; CSV: the header's columns) is
 * refused with the reason in *why. `shape` is set from the first row seen. */
static gboolean row_read(const char *line, gboolean csv, GStrv *shape, Row *r, char **why) {
  int64_t point, run, seed;
  if (csv) {
    g_autoptr(GPtrArray) f = csv_split(line);
    guint tail = 2 + CPUHP_METRIC_N; /* cpus_total, cpus_online, the metrics */
    if (!f || f->len != g_strv_length(*shape) || f->len < 3 + tail)
      return *why = g_strdup_printf("expected %u columns", g_strv_length(*shape)), FALSE;
    if (!int_text(f->pdata[0], FALSE, &point) || !int_text(f->pdata[1], FALSE, &run) ||
        !int_text(f->pdata[2], FALSE, &seed))
      return *why = g_strdup("point, run and seed must be whole numbers"), FALSE;
    for (guint i = f->len - tail; i < f->len; i++)
      if (!int_text(f->pdata[i], TRUE, &seed))
        return *why = g_strdup_printf("column %u is not an integer", i + 1), FALSE;
  } else {
    g_autoptr(GError) err = NULL;
    g_autoptr(SimJson) j = sim_json_parse(line, strlen(line), &err);
    if (!j) return *why = g_strdup(err->message), FALSE;
    if (j->type != SIM_JSON_OBJECT) return *why = g_strdup("not a JSON object"), FALSE;
    g_ptr_array_add(j->keys, NULL); /* as a GStrv for the comparison */
    const char *const *keys = (const char *const *)j->keys->pdata;
    gboolean same = *shape ? g_strv_equal((const char *const *)*shape, keys) : shape_ok(keys);
    if (!*shape) *shape = g_strdupv((GStrv)j->keys->pdata);
    g_ptr_array_remove_index(j->keys, j->keys->len - 1);
    if (!same) return *why = g_strdup("its keys are not those of the shard's rows"), FALSE;
    if (!sim_json_int(sim_json_get(j, "point"), &point) || !sim_json_int(sim_json_get(j, "run"), &run) ||
        !sim_json_int(sim_json_get(j, "seed"), &seed) || point < 0 || run < 0 || seed < 0)
      return *why = g_strdup("point, run and seed must be whole numbers"), FALSE;
    for (guint i = 0; i < j->items->len; i++) {
      const SimJson *v = j->items->pdata[i];
      if (v->type == SIM_JSON_NUMBER ? !sim_json_int(v, &seed) : v->type != SIM_JSON_STRING)
        return *why = g_strdup_printf("'%s' is not an integer or a string", (char *)j->keys->pdata[i]), FALSE;
    }
  }
  if (run > G_MAXUINT) return *why = g_strdup("run out of range"), FALSE;
  r->point = (guint64)point;
  r->run = (guint)run;
  return TRUE;
}

int cmd_merge(int argc, char **argv) {
  g_autofree char *output = NULL;
  GOptionEntry entries[] = {
      {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write to FILE (whole or not at all) instead of stdout", "FILE"},
      G_OPTION_ENTRY_NULL};
  g_autoptr(GOptionContext) ctx = g_option_context_new("SHARD...");
  g_option_context_set_summary(ctx, "Join the outputs of `sweep --shard=I/N` (I = 0..N-1) into what the unsharded\n"
                                    "sweep prints. Every shard must be there exactly once.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  cli_add_version(ctx);
  g_autoptr(GError) err = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &err)) return cli_fail("merge", "%s", err->message);
  if (argc < 2) return cli_fail("merge", "missing SHARD files");
  g_autofree char *csv_header = NULL;
  g_autoptr(SimJson) json0 = NULL; /* the first file's meta line */
  Meta meta0 = {0};
  gboolean csv0 = FALSE;
  g_autofree gboolean *have = NULL;
  g_autoptr(GArray) rows = g_array_new(FALSE, FALSE, sizeof(Row));
  g_auto(GStrv) shape = NULL; /* JSONL: the first row's keys; CSV: the header's columns */
  int rc = 0;
  for (int i = 1; i < argc && !rc; i++) {
    gsize len;
    g_autofree char *text = yt_read_file(argv[i], SIM_ROWS_MAX_BYTES, "shard", &len, G_FILE_ERROR, G_FILE_ERROR_INVAL, &err);
    if (!text) {
      rc = cli_fail("merge", "%s", err->message);
      break;
    }
    if (!*text) {
      rc = cli_fail("merge", "%s:1:1: empty, not the output of cpuhpsim sweep", argv[i]);
      break;
    }
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    guint n_lines = g_strv_length(lines);
    if (!g_str_has_suffix(text, "\n")) { /* sweep ends every line: the file was cut short */
      rc = cli_fail("merge", "%s:%u:%zu: truncated: the last line has no end", argv[i], n_lines,
                    strlen(lines[n_lines - 1]) + 1);
      break;
    }
    gboolean csv = g_str_has_prefix(lines[0], "# ");
    g_autoptr(SimJson) json = NULL;
    Meta meta;
    if (!meta_read(lines[0] + (csv ? 2 : 0), &json, &meta)) {
      rc = cli_fail("merge", "%s:1:1: not the output of cpuhpsim sweep", argv[i]);
      break;
    }
    guint64 si = meta.shard, sn = meta.nshards;
    if (!json0) {
      json0 = g_steal_pointer(&json);
      meta0 = meta;
      csv0 = csv;
      have = g_new0(gboolean, sn);
      if (csv) {
        csv_header = g_strdup(lines[1] ? lines[1] : "");
        g_autoptr(GPtrArray) cols = csv_split(csv_header);
        if (cols) {
          g_ptr_array_add(cols, NULL);
          shape = g_strdupv((GStrv)cols->pdata);
        }
        if (!cols || !shape_ok((const char *const *)shape)) {
          rc = cli_fail("merge", "%s:2:1: not the header of a sweep's CSV", argv[i]);
          break;
        }
      }
    } else if ((csv && g_strcmp0(lines[1], csv_header) != 0) || csv != csv0 || strcmp(meta.source, meta0.source) || meta.points != meta0.points || meta.runs != meta0.runs ||
               sn != meta0.nshards) {
      rc = cli_fail("merge", "%s:1:1: from another sweep, or split into another number of shards", argv[i]);
      break;
    }
    if (have[si]) {
      rc = cli_fail("merge", "%s:1:1: shard %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " given twice", argv[i], si, sn);
      break;
    }
    have[si] = TRUE;
    for (guint l = csv ? 2 : 1; lines[l] && !rc; l++) {
      if (!*lines[l]) continue;
      Row r = {0};
      g_autofree char *why = NULL;
      if (!row_read(lines[l], csv, &shape, &r, &why)) {
        unsigned col = 1, n = 0; /* the JSON reader's "1:COL: " names the place in the line */
        if (sscanf(why, "1:%u: %n", &col, &n) != 1 || !n) col = 1, n = 0;
        rc = cli_fail("merge", "%s:%u:%u: not a row of a sweep: %s", argv[i], l + 1, col, why + n);
        break;
      }
      if (r.point >= meta0.points || r.run >= meta0.runs || r.point % sn != si) {
        rc = cli_fail("merge", "%s:%u:1: not a row of shard %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT, argv[i], l + 1, si, sn);
        break;
      }
      r.line = g_strdup(lines[l]);
      g_array_append_val(rows, r);
    }
  }
  for (guint64 s = 0; !rc && s < meta0.nshards; s++)
    if (!have[s]) rc = cli_fail("merge", "shard %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " is missing", s, meta0.nshards);
  if (!rc && rows->len != meta0.points * meta0.runs)
    rc = cli_fail("merge", "%u rows, the sweep has %" G_GUINT64_FORMAT, rows->len, meta0.points * meta0.runs);
  g_autoptr(GString) out = g_string_new(NULL);
  if (!rc) g_array_sort(rows, row_cmp);
  for (guint i = 1; !rc && i < rows->len; i++)
    if (row_cmp(&g_array_index(rows, Row, i - 1), &g_array_index(rows, Row, i)) == 0)
      rc = cli_fail("merge", "point %" G_GUINT64_FORMAT " run %u given twice", g_array_index(rows, Row, i).point,
                    g_array_index(rows, Row, i).run);
  if (!rc) {
    if (csv0) g_string_append(out, "# ");
    meta0.shard = 0;
    meta0.nshards = 1;
    meta_json(out, &meta0);
    g_string_append_c(out, '\n');
    if (csv_header) g_string_append_printf(out, "%s\n", csv_header);
    for (guint i = 0; i < rows->len; i++) g_string_append_printf(out, "%s\n", g_array_index(rows, Row, i).line);
    rc = write_out("merge", output, out);
  }
  for (guint i = 0; i < rows->len; i++) g_free(g_array_index(rows, Row, i).line);
  return rc;
}

/* ---- explore ----------------------------------------------------------------------------- */

typedef struct {
  char *spec;
  SimStats bringup, ap_spin;
  double score;
} Candidate;

static gint cand_cmp(gconstpointer a, gconstpointer b) {
  const Candidate *x = a, *y = b;
  if (x->score != y->score) return x->score < y->score ? -1 : 1;
  if (x->ap_spin.mean != y->ap_spin.mean) return x->ap_spin.mean < y->ap_spin.mean ? -1 : 1; /* less power */
  return strcmp(x->spec, y->spec);
}

static gboolean evaluate(const CpuhpProfile *p, const char *spec, uint64_t seed, guint runs, const char *objective,
                         GArray *cands, GError **error) {
  for (guint i = 0; i < cands->len; i++)
    if (g_str_equal(g_array_index(cands, Candidate, i).spec, spec)) return TRUE;
  g_autoptr(CpuhpPolicy) pol = cpuhp_policy_parse(spec, error);
  if (!pol) return FALSE;
  CpuhpRunOptions opt = {.seed = seed, .policy = pol};
  g_autoptr(CpuhpSamples) s = cpuhp_mc_run(p, &opt, runs, error);
  if (!s) return FALSE;
  Candidate c = {.spec = g_strdup(spec)};
  sim_stats_compute(s->values[CPUHP_METRIC_BRINGUP], runs, &c.bringup);
  sim_stats_compute(s->values[CPUHP_METRIC_AP_SPIN], runs, &c.ap_spin);
  c.score = g_str_equal(objective, "p50")   ? c.bringup.p50
            : g_str_equal(objective, "p90") ? c.bringup.p90
            : g_str_equal(objective, "p99") ? c.bringup.p99
                                            : c.bringup.mean;
  g_array_append_val(cands, c);
  return TRUE;
}

int cmd_explore(int argc, char **argv) {
  g_auto(CliFlags) f = {0};
  g_autofree char *objective = NULL, *top = NULL;
  GOptionEntry entries[] = {
      cli_option_help(CLI_OPT_RUNS, &f, "Runs per candidate (default 20)"),
      cli_option(CLI_OPT_FIRST_SEED, &f),
      {"objective", 0, 0, G_OPTION_ARG_STRING, &objective, "What to minimise: bringup time mean or a percentile (default mean)", "mean|p50|p90|p99"},
      {"top", 0, 0, G_OPTION_ARG_STRING, &top, "How many of the best to print (default 5)", "K"},
      cli_option(CLI_OPT_TOPOLOGY, &f),
      cli_option(CLI_OPT_CPUS, &f),
      cli_option(CLI_OPT_SET, &f),
      G_OPTION_ENTRY_NULL};
  int status;
  if (!cli_parse("explore", &argc, &argv, entries, "[PROFILE]",
                 "Search the ordering-policy space (policy kind, SMT ordering, wave size K) for the\n"
                 "lowest bringup time on the machine in PROFILE (ties: less AP spinning), and print\n"
                 "the best policies.", &status))
    return status;
  if (!f.runs) f.runs = g_strdup("20");
  guint64 seed, runs, ntop = 5;
  const char *format;
  if ((status = cli_common_values("explore", &f, "text", &seed, &runs, &format))) return status;
  if (!objective) objective = g_strdup("mean");
  const char *const objectives[] = {"mean", "p50", "p90", "p99", NULL};
  if (!g_strv_contains(objectives, objective)) return cli_fail("explore", "--objective: expected mean, p50, p90 or p99, got '%s'", objective);
  if (top && (!cli_parse_u64(top, 1000, &ntop) || !ntop)) return cli_fail("explore", "--top: expected 1 to 1000, got '%s'", top);
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  if ((status = cli_overrides("explore", &f, ov))) return status;
  g_autoptr(CpuhpProfile) p = cli_load(argc > 1 ? argv[1] : NULL, ov);
  if (!p) return 2;
  guint n = cpuhp_profile_n_cpus(p);
  g_autoptr(GArray) cands = g_array_new(FALSE, FALSE, sizeof(Candidate));
  g_autoptr(GError) err = NULL;
  static const char *const fixed[] = {"kernel", "serial", "parallel", "parallel-smt", "numa-first", "socket-interleaved"};
  /* a policy that cannot plan on this machine (no split startup) is simply not a candidate */
  for (guint i = 0; i < G_N_ELEMENTS(fixed); i++)
    if (!evaluate(p, fixed[i], seed, (guint)runs, objective, cands, &err)) g_clear_error(&err);
  /* wave sizes: powers of two, then the neighbours of the best one */
  guint best_k = 0;
  double best = INFINITY;
  for (guint k = 1; k < 2 * n; k *= 2) {
    g_autofree char *spec = g_strdup_printf("waves:%u", k);
    if (!evaluate(p, spec, seed, (guint)runs, objective, cands, &err)) {
      g_clear_error(&err);
      break;
    }
    const Candidate *c = &g_array_index(cands, Candidate, cands->len - 1);
    if (c->score < best) best = c->score, best_k = k;
  }
  for (guint k = MAX(best_k / 2, 1); best_k && k < best_k * 2 && k < 2 * n; k++) {
    g_autofree char *spec = g_strdup_printf("waves:%u", k);
    if (!evaluate(p, spec, seed, (guint)runs, objective, cands, &err)) g_clear_error(&err);
  }
  g_array_sort(cands, cand_cmp);
  g_autoptr(GString) out = g_string_new(NULL);
  g_string_append_printf(out, "%s: %u policies searched, %" G_GUINT64_FORMAT " runs each (seeds %" G_GUINT64_FORMAT
                         "..), objective: bringup %s\n\n%-4s %-22s %12s %12s %12s %12s %14s\n", p->name, cands->len, runs,
                         seed, objective, "rank", "policy", "mean ms", "p50 ms", "p90 ms", "p99 ms", "AP spin ms");
  for (guint i = 0; i < cands->len && i < ntop; i++) {
    const Candidate *c = &g_array_index(cands, Candidate, i);
    g_string_append_printf(out, "%-4u %-22s %12.3f %12.3f %12.3f %12.3f %14.3f\n", i + 1, c->spec, c->bringup.mean / 1e6,
                           c->bringup.p50 / 1e6, c->bringup.p90 / 1e6, c->bringup.p99 / 1e6, c->ap_spin.mean / 1e6);
  }
  for (guint i = 0; i < cands->len; i++) g_free(g_array_index(cands, Candidate, i).spec);
  fwrite(out->str, 1, out->len, stdout);
  return fflush(stdout) == 0 ? 0 : 1;
}
