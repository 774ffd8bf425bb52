/* cmd_plot.c — `cpuhpsim plot KIND [INPUT...] -o FILE [--backend=gnuplot|matplotlib]`: the
 * figures of plots/ from a simulation run here or from a file of ours (run JSON, sweep rows).
 *
 * The C side computes every number a figure shows (segments, means, CDF steps) and writes them
 * as TSV plus the labels (params.gp for gnuplot, params.json for matplotlib) into a temporary
 * directory; the script only draws. So the two backends draw the same data, and a script never
 * needs the simulator. The figure is written to -o whole or not at all (temp file + rename).
 * Missing plotting tools are a one-line error naming the Debian package, exit status 2. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "models/kernel/montecarlo.h"
#include "models/kernel/prepare.h"
#include "models/profile/scenario.h"
#include "sim/cli/cli.h"
#include "sim/cli/cmds.h"
#include "sim/output/json.h"

#ifndef CPUHPSIM_PLOTS_DIR
#define CPUHPSIM_PLOTS_DIR "plots"
#endif

typedef enum { KIND_TIMELINE, KIND_SCALING, KIND_PHASES, KIND_CDF, KIND_VMEXITS, KIND_N } Kind;
static const char *const kind_names[] = {"timeline", "scaling", "phases", "cdf", "vmexits"};

/* ---- parameters handed to the scripts ----------------------------------------------------- */

typedef struct {
  char *key;
  char *str;       /* a string, or NULL */
  double num;      /* when str and list are NULL */
  GPtrArray *list; /* a list of strings, or NULL */
} Param;

static void param_free(gpointer p) {
  Param *x = p;
  g_free(x->key);
  g_free(x->str);
  if (x->list) g_ptr_array_unref(x->list);
  g_free(x);
}

static void pstr(GPtrArray *ps, const char *key, const char *val) {
  Param *p = g_new0(Param, 1);
  p->key = g_strdup(key);
  p->str = g_strdup(val);
  g_ptr_array_add(ps, p);
}

static void pnum(GPtrArray *ps, const char *key, double v) {
  Param *p = g_new0(Param, 1);
  p->key = g_strdup(key);
  p->num = v;
  g_ptr_array_add(ps, p);
}

static void plist(GPtrArray *ps, const char *key, GPtrArray *strings) {
  Param *p = g_new0(Param, 1);
  p->key = g_strdup(key);
  p->list = g_ptr_array_ref(strings);
  g_ptr_array_add(ps, p);
}

static void gp_str(GString *out, const char *s) { /* gnuplot single quotes: '' is a quote */
  g_string_append_c(out, '\'');
  for (const char *c = s; *c; c++) {
    if (*c == '\'') g_string_append_c(out, '\'');
    g_string_append_c(out, *c == '\n' ? ' ' : *c);
  }
  g_string_append_c(out, '\'');
}

static void num(GString *out, double v) {
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append(out, g_ascii_dtostr(buf, sizeof buf, v));
}

static void params_gp(GString *out, GPtrArray *ps) {
  for (guint i = 0; i < ps->len; i++) {
    const Param *p = ps->pdata[i];
    if (p->list) {
      g_string_append_printf(out, "%s_n = %u\n", p->key, p->list->len);
      /* gnuplot parses `title refs[i]` of an empty loop too: the array must exist */
      g_string_append_printf(out, "array %s[%u]\n", p->key, MAX(p->list->len, 1));
      if (!p->list->len) g_string_append_printf(out, "%s[1] = ''\n", p->key);
      for (guint k = 0; k < p->list->len; k++) {
        g_string_append_printf(out, "%s[%u] = ", p->key, k + 1);
        gp_str(out, p->list->pdata[k]);
        g_string_append_c(out, '\n');
      }
      continue;
    }
    g_string_append_printf(out, "%s = ", p->key);
    if (p->str) gp_str(out, p->str);
    else num(out, p->num);
    g_string_append_c(out, '\n');
  }
}

static void params_json(GString *out, GPtrArray *ps) {
  g_string_append_c(out, '{');
  for (guint i = 0; i < ps->len; i++) {
    const Param *p = ps->pdata[i];
    g_string_append(out, i ? ",\n " : "\n ");
    sim_json_write_string(out, p->key);
    g_string_append(out, ": ");
    if (p->list) {
      g_string_append_c(out, '[');
      for (guint k = 0; k < p->list->len; k++) {
        if (k) g_string_append(out, ", ");
        sim_json_write_string(out, p->list->pdata[k]);
      }
      g_string_append_c(out, ']');
    } else if (p->str) {
      sim_json_write_string(out, p->str);
    } else {
      num(out, p->num);
    }
  }
  g_string_append(out, "\n}\n");
}

/* ---- the plot job ------------------------------------------------------------------------- */

typedef struct {
  Kind kind;
  CliFlags f;
  char *output, *backend, *metric_name, *reference, *title;
  char **where;
  char **inputs; /* positional INPUT files */
  CpuhpMetric metric;
  guint64 seed, runs;
  char *dir;          /* temporary directory of the data */
  GPtrArray *params;  /* Param */
  GPtrArray *written; /* file names in dir, removed at the end */
} Job;

static void job_clear(Job *j) {
  cli_flags_clear(&j->f);
  g_free(j->output);
  g_free(j->backend);
  g_free(j->metric_name);
  g_free(j->reference);
  g_free(j->title);
  g_strfreev(j->where);
  g_strfreev(j->inputs);
  if (j->written) {
    for (guint i = 0; i < j->written->len; i++) {
      g_autofree char *p = g_build_filename(j->dir, j->written->pdata[i], NULL);
      g_unlink(p);
    }
    g_ptr_array_unref(j->written);
  }
  if (j->dir) g_rmdir(j->dir);
  g_free(j->dir);
  if (j->params) g_ptr_array_unref(j->params);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Job, job_clear)

/* Writes a data file into the job's directory; FALSE after printing the error. */
static gboolean put(Job *j, const char *name, const GString *s) {
  g_autofree char *p = g_build_filename(j->dir, name, NULL);
  g_autoptr(GError) err = NULL;
  g_ptr_array_add(j->written, g_strdup(name));
  if (g_file_set_contents(p, s->str, (gssize)s->len, &err)) return TRUE;
  fprintf(stderr, "cpuhpsim plot: %s\n", err->message);
  return FALSE;
}

static void ms(GString *out, int64_t ns) { /* exact decimal ms: ns / 1e6 with 6 decimals */
  if (ns < 0) {
    g_string_append_c(out, '-');
    ns = -ns;
  }
  g_string_append_printf(out, "%" G_GINT64_FORMAT ".%06d", ns / 1000000, (int)(ns % 1000000));
}

static const char *mode_of(gboolean parallel, gboolean smt) {
  return parallel ? (smt ? "parallel, SMT primary threads first" : "parallel") : "serial";
}

static const char *mode_short(gboolean parallel, gboolean smt) { /* under a bar */
  return parallel ? (smt ? "parallel, SMT-first" : "parallel") : "serial";
}

/* The machine with the shaping flags of `f` (plus `cpus`/`topology` when not NULL). */
static CpuhpProfile *load(const Job *j, const char *cpus, const char *topology, const char *parallel, int *status) {
  CliFlags g = j->f; /* shallow: only the pointers the overrides read */
  if (cpus) g.cpus = (char *)cpus;
  if (topology) g.topology = (char *)topology;
  if (parallel) g.parallel = (char *)parallel;
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  if ((*status = cli_overrides("plot", &g, ov))) return NULL;
  const char *path = j->inputs && j->inputs[0] ? j->inputs[0] : NULL;
  CpuhpProfile *p = cli_load(path, ov);
  if (!p) *status = 2;
  return p;
}

static CpuhpResult *run_one(const CpuhpProfile *p, const Job *j, const CpuhpPolicy *pol, int *status) {
  g_autoptr(GError) err = NULL;
  CpuhpRunOptions opt = {.seed = j->seed, .policy = pol};
  CpuhpResult *r = cpuhp_bringup_run(p, &opt, &err);
  if (!r) *status = cli_fail("plot", "%s", err->message);
  return r;
}

static gboolean has_suffix(const char *path, const char *const *sfx) {
  for (; *sfx; sfx++)
    if (g_str_has_suffix(path, *sfx)) return TRUE;
  return FALSE;
}

static const char *const json_sfx[] = {".json", NULL};
static const char *const rows_sfx[] = {".jsonl", ".csv", NULL};

static SimJson *read_json(const char *path, int *status) {
  g_autofree char *text = NULL;
  gsize len;
  g_autoptr(GError) err = NULL;
  if (!g_file_get_contents(path, &text, &len, &err)) {
    *status = cli_fail("plot", "%s", err->message);
    return NULL;
  }
  SimJson *js = sim_json_parse(text, len, &err);
  if (!js || js->type != SIM_JSON_OBJECT) {
    *status = cli_fail("plot", "%s:%s", path, js ? "1:1: not a JSON object" : err->message);
    sim_json_free(js);
    return NULL;
  }
  return js;
}

static int64_t jint(const SimJson *o, const char *key) {
  int64_t v;
  return sim_json_int(sim_json_get(o, key), &v) ? v : -1;
}

/* ---- timeline ----------------------------------------------------------------------------- */

static const char *const sections[] = {
    "PREPARE callbacks (on the BP)", "kick to AP running (wake-up)", "AP early boot to ALIVE",
    "AP spinning at ALIVE", "STARTING to online-idle", "ONLINE callbacks (cpuhp/N)",
};

typedef struct {
  guint cpu;
  int64_t m[7]; /* up_start, kick, running, alive, release, online_idle, online */
} Row;

static int timeline(Job *j) {
  int status = 0;
  g_autoptr(GArray) rows = g_array_new(FALSE, FALSE, sizeof(Row));
  g_autofree char *profile = NULL, *policy = NULL, *topo = NULL;
  gboolean parallel, smt;
  int64_t bringup;
  guint64 seed;
  guint ncpus;
  if (j->inputs && j->inputs[0] && has_suffix(j->inputs[0], json_sfx)) {
    g_autoptr(SimJson) js = read_json(j->inputs[0], &status);
    if (!js) return status;
    const SimJson *pc = sim_json_get(js, "per_cpu");
    if (!pc || pc->type != SIM_JSON_ARRAY || !sim_json_get_str(js, "profile"))
      return cli_fail("plot", "%s: not the output of `cpuhpsim run --format=json` (no per_cpu)", j->inputs[0]);
    profile = g_strdup(sim_json_get_str(js, "profile"));
    policy = g_strdup(sim_json_get_str(js, "policy") ? sim_json_get_str(js, "policy") : "kernel");
    topo = g_strdup(sim_json_get_str(js, "topology") ? sim_json_get_str(js, "topology") : "");
    const SimJson *b = sim_json_get(js, "parallel"), *s = sim_json_get(js, "smt_primary_first");
    parallel = b && b->boolean;
    smt = s && s->boolean;
    bringup = jint(js, "bringup_ns");
    seed = (guint64)MAX(jint(js, "seed"), 0);
    ncpus = pc->items->len;
    for (guint i = 0; i < pc->items->len; i++) {
      const SimJson *c = pc->items->pdata[i];
      int64_t kick = jint(c, "kick_ns"), wake = jint(c, "wakeup_ns");
      /* the run JSON has no up_start: no PREPARE bar from a file */
      Row r = {(guint)MAX(jint(c, "cpu"), 0),
               {-1, kick, kick >= 0 && wake >= 0 ? kick + wake : -1, jint(c, "alive_ns"), jint(c, "release_ns"),
                jint(c, "online_idle_ns"), jint(c, "online_ns")}};
      g_array_append_val(rows, r);
    }
  } else {
    g_autoptr(GPtrArray) pols = cli_policies("plot", &j->f);
    if (!pols) return 2;
    if (pols->len > 1) return cli_fail("plot", "--policy: a timeline shows one policy");
    g_autoptr(CpuhpProfile) p = load(j, NULL, NULL, NULL, &status);
    if (!p) return status;
    g_autoptr(CpuhpResult) r = run_one(p, j, pols->pdata[0], &status);
    if (!r) return status;
    profile = g_strdup(r->profile);
    policy = g_strdup(r->policy);
    topo = g_strdup(r->topology);
    parallel = r->parallel;
    smt = r->smt_aware;
    bringup = r->bringup_ns;
    seed = r->seed;
    ncpus = r->n_cpus;
    for (guint c = 0; c < r->n_cpus; c++) {
      const CpuhpCpuResult *x = &r->cpus[c];
      Row row = {c, {x->up_start, x->kick, x->running, x->alive, x->release, x->online_idle, x->online}};
      g_array_append_val(rows, row);
    }
  }
  g_autoptr(GString) d = g_string_new("# cpu\tsection\tstart_ms\tend_ms\n");
  for (guint i = 0; i < rows->len; i++) {
    const Row *r = &g_array_index(rows, Row, i);
    if (r->cpu == 0) continue; /* the BP's own row would be PREPARE for everyone: see phases */
    for (guint s = 0; s < G_N_ELEMENTS(sections); s++) {
      if (r->m[s] < 0 || r->m[s + 1] < 0 || r->m[s + 1] <= r->m[s]) continue;
      g_string_append_printf(d, "%u\t%u\t", r->cpu, s);
      ms(d, r->m[s]);
      g_string_append_c(d, '\t');
      ms(d, r->m[s + 1]);
      g_string_append_c(d, '\n');
    }
  }
  if (!put(j, "segments.tsv", d)) return 1;
  g_autoptr(GPtrArray) names = g_ptr_array_new();
  for (guint s = 0; s < G_N_ELEMENTS(sections); s++) g_ptr_array_add(names, (gpointer)sections[s]);
  g_autofree char *title = g_strdup_printf("Per-CPU bringup timeline: %s, policy %s (%s)", profile, policy, mode_of(parallel, smt));
  g_autofree char *sub = g_strdup_printf("%s; seed %" G_GUINT64_FORMAT "; bringup %.2f ms", topo, seed, (double)bringup / 1e6);
  pstr(j->params, "title", j->title ? j->title : title);
  pstr(j->params, "subtitle", sub);
  pstr(j->params, "xlabel", "time since \"smp: Bringing up secondary CPUs\" (ms)");
  pstr(j->params, "ylabel", "CPU");
  plist(j->params, "sections", names);
  pnum(j->params, "ncpus", ncpus);
  pnum(j->params, "bringup_ms", (double)bringup / 1e6);
  return 0;
}

/* ---- phases ------------------------------------------------------------------------------- */

static const char *const phase_keys[] = {"prepare", "kick", "alive_spin", "alive_sleep", "wait_ap", "tsc_sync", "wait_online"};
G_STATIC_ASSERT(G_N_ELEMENTS(phase_keys) == CPUHP_BP_N_PHASES);

static void phase_row(GString *d, guint idx, const int64_t *ph, int64_t bringup) {
  g_string_append_printf(d, "%u", idx);
  for (guint k = 0; k < CPUHP_BP_N_PHASES; k++) {
    g_string_append_c(d, '\t');
    ms(d, ph[k]);
  }
  g_string_append_c(d, '\t');
  ms(d, bringup);
  g_string_append_c(d, '\n');
}

static int phases(Job *j) {
  int status = 0;
  g_autoptr(GString) d = g_string_new("# bar");
  for (guint k = 0; k < CPUHP_BP_N_PHASES; k++) g_string_append_printf(d, "\t%s_ms", phase_keys[k]);
  g_string_append(d, "\tbringup_ms\n");
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func(g_free); /* bar label, first line */
  g_autoptr(GPtrArray) modes = g_ptr_array_new_with_free_func(g_free);  /* second line */
  g_autofree char *profile = NULL;
  guint n_json = j->inputs ? g_strv_length(j->inputs) : 0;
  if (n_json && has_suffix(j->inputs[0], json_sfx)) {
    for (guint i = 0; i < n_json; i++) {
      g_autoptr(SimJson) js = read_json(j->inputs[i], &status);
      if (!js) return status;
      const SimJson *ph = sim_json_get(js, "bp_phases_ns");
      int64_t v[CPUHP_BP_N_PHASES];
      for (guint k = 0; k < CPUHP_BP_N_PHASES; k++)
        if (!ph || !sim_json_int(sim_json_get(ph, phase_keys[k]), &v[k]))
          return cli_fail("plot", "%s: not the output of `cpuhpsim run --format=json` (bp_phases_ns.%s)", j->inputs[i],
                          phase_keys[k]);
      const SimJson *par = sim_json_get(js, "parallel"), *smt = sim_json_get(js, "smt_primary_first");
      const char *pol = sim_json_get_str(js, "policy");
      g_ptr_array_add(labels, g_strdup(pol ? pol : "?"));
      g_ptr_array_add(modes, g_strdup(mode_short(par && par->boolean, smt && smt->boolean)));
      phase_row(d, i, v, jint(js, "bringup_ns"));
      const char *prof = sim_json_get_str(js, "profile");
      if (!profile) profile = g_strdup(prof ? prof : "?");
      else if (prof && strcmp(profile, prof)) {
        g_free(profile);
        profile = g_strdup("several profiles");
      }
    }
  } else {
    if (n_json > 1) return cli_fail("plot", "phases: one PROFILE, or run JSON files (.json)");
    /* default: the kernel policy with cpuhp.parallel=0 and =1; with --policy, those policies */
    gboolean by_policy = j->f.policy != NULL;
    if (!by_policy && j->f.parallel) return cli_fail("plot", "--parallel: phases compares both settings; use --policy to choose bars");
    g_autoptr(GPtrArray) pols = cli_policies("plot", &j->f);
    if (!pols) return 2;
    guint nbars = by_policy ? pols->len : 2;
    for (guint i = 0; i < nbars; i++) {
      g_autoptr(CpuhpProfile) p = load(j, NULL, NULL, by_policy ? NULL : (i ? "1" : "0"), &status);
      if (!p) return status;
      g_autoptr(CpuhpResult) r = run_one(p, j, pols->pdata[by_policy ? i : 0], &status);
      if (!r) return status;
      g_ptr_array_add(labels, by_policy ? g_strdup(r->policy) : g_strdup_printf("cpuhp.parallel=%u", i));
      g_ptr_array_add(modes, g_strdup(mode_short(r->parallel, r->smt_aware)));
      phase_row(d, i, r->bp_phase_ns, r->bringup_ns);
      if (!profile) profile = g_strdup_printf("%s, %u CPUs, seed %" G_GUINT64_FORMAT, r->profile, r->n_cpus, r->seed);
    }
  }
  if (!put(j, "phases.tsv", d)) return 1;
  g_autoptr(GPtrArray) names = g_ptr_array_new();
  for (CpuhpBpPhase k = 0; k < CPUHP_BP_N_PHASES; k++) g_ptr_array_add(names, (gpointer)cpuhp_bp_phase_name(k));
  g_autofree char *title = g_strdup_printf("Where the control CPU's bringup time goes: %s", profile);
  pstr(j->params, "title", j->title ? j->title : title);
  pstr(j->params, "subtitle", "control CPU (BP) time by phase, from \"smp: Bringing up secondary CPUs\" to \"smp: Brought up\"");
  pstr(j->params, "ylabel", "control CPU time (ms)");
  pstr(j->params, "ylabel2", "share of bringup time (%)");
  plist(j->params, "phases", names);
  plist(j->params, "bars", labels);
  plist(j->params, "modes", modes);
  return 0;
}

/* ---- vmexits ------------------------------------------------------------------------------ */

typedef struct {
  char *label;
  guint64 count[CPUHP_EXIT_N];
  int64_t ns[CPUHP_EXIT_N];
  int64_t bringup;
} ExitBar;

static void exit_bar_clear(gpointer p) { g_free(((ExitBar *)p)->label); }

/* Exits by type, one bar per run: run JSON files (labelled by file name), or a profile run
 * without HOTPLUG_PARALLEL, with cpuhp.parallel=0 and with =1 (the arm64 RFC's three kernels). */
static int vmexits(Job *j) {
  int status = 0;
  g_autoptr(GArray) bars = g_array_new(FALSE, TRUE, sizeof(ExitBar));
  g_array_set_clear_func(bars, exit_bar_clear);
  g_autofree char *profile = NULL;
  guint n_in = j->inputs ? g_strv_length(j->inputs) : 0;
  if (n_in && has_suffix(j->inputs[0], json_sfx)) {
    for (guint i = 0; i < n_in; i++) {
      g_autoptr(SimJson) js = read_json(j->inputs[i], &status);
      if (!js) return status;
      const SimJson *vx = sim_json_get(js, "vm_exits");
      if (!vx) return cli_fail("plot", "%s: no vm_exits: not a `cpuhpsim run --format=json` of a profile with host.hypervisor", j->inputs[i]);
      ExitBar b = {.bringup = jint(js, "bringup_ns")};
      for (CpuhpVmExit x = 0; x < CPUHP_EXIT_N; x++) {
        const SimJson *e = sim_json_get(vx, cpuhp_vm_exit_name(x));
        int64_t c, t;
        if (!e || !sim_json_int(sim_json_get(e, "count"), &c) || !sim_json_int(sim_json_get(e, "time_ns"), &t))
          return cli_fail("plot", "%s: vm_exits.%s: expected {count, time_ns}", j->inputs[i], cpuhp_vm_exit_name(x));
        b.count[x] = (guint64)c, b.ns[x] = t;
      }
      g_autofree char *base = g_path_get_basename(j->inputs[i]);
      b.label = g_strndup(base, strlen(base) - 5); /* less ".json" */
      g_array_append_val(bars, b);
      const char *prof = sim_json_get_str(js, "profile");
      if (!profile) profile = g_strdup(prof ? prof : "?");
    }
  } else {
    if (n_in > 1) return cli_fail("plot", "vmexits: one PROFILE, or run JSON files (.json)");
    if (j->f.parallel) return cli_fail("plot", "--parallel: vmexits draws the three kernel settings");
    static const char *const kernels[][2] = {{"false", "0"}, {"true", "0"}, {"true", "1"}};
    static const char *const labels[] = {"no HOTPLUG_PARALLEL", "cpuhp.parallel=0", "cpuhp.parallel=1"};
    for (guint i = 0; i < G_N_ELEMENTS(kernels); i++) {
      Job k = *j; /* shallow: the same flags plus one --set */
      guint n = j->f.set ? g_strv_length(j->f.set) : 0;
      g_autofree char **set = g_new0(char *, n + 2);
      for (guint s = 0; s < n; s++) set[s] = j->f.set[s];
      g_autofree char *hp = g_strdup_printf("kernel.hotplug_parallel=%s", kernels[i][0]);
      set[n] = hp;
      k.f.set = set;
      g_autoptr(CpuhpProfile) p = load(&k, NULL, NULL, kernels[i][1], &status);
      if (!p) return status;
      if (p->host.hypervisor == CPUHP_HYP_NONE)
        return cli_fail("plot", "vmexits: %s has no hypervisor (host.hypervisor: none): no VM exits to draw", p->name);
      g_autoptr(GPtrArray) pols = cli_policies("plot", &j->f);
      if (!pols) return 2;
      if (pols->len > 1) return cli_fail("plot", "--policy: vmexits draws one policy");
      g_autoptr(CpuhpResult) r = run_one(p, j, pols->pdata[0], &status);
      if (!r) return status;
      ExitBar b = {.label = g_strdup(labels[i]), .bringup = r->bringup_ns};
      memcpy(b.count, r->vm_exits, sizeof b.count);
      memcpy(b.ns, r->vm_exit_ns, sizeof b.ns);
      g_array_append_val(bars, b);
      if (!profile) profile = g_strdup_printf("%s, %u CPUs, seed %" G_GUINT64_FORMAT, r->profile, r->n_cpus, r->seed);
    }
  }
  /* one row per exit type, one column per bar: counts and host time (ms) */
  g_autoptr(GString) dc = g_string_new("# exit"), dt = g_string_new("# exit");
  for (guint b = 0; b < bars->len; b++) {
    g_string_append_printf(dc, "\tbar%u", b);
    g_string_append_printf(dt, "\tbar%u_ms", b);
  }
  g_string_append_c(dc, '\n');
  g_string_append_c(dt, '\n');
  for (CpuhpVmExit x = 0; x < CPUHP_EXIT_N; x++) {
    g_string_append(dc, cpuhp_vm_exit_name(x));
    g_string_append(dt, cpuhp_vm_exit_name(x));
    for (guint b = 0; b < bars->len; b++) {
      const ExitBar *e = &g_array_index(bars, ExitBar, b);
      g_string_append_printf(dc, "\t%" G_GUINT64_FORMAT, e->count[x]);
      g_string_append_c(dt, '\t');
      ms(dt, e->ns[x]);
    }
    g_string_append_c(dc, '\n');
    g_string_append_c(dt, '\n');
  }
  if (!put(j, "vmexits_count.tsv", dc) || !put(j, "vmexits_time.tsv", dt)) return 1;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  for (guint b = 0; b < bars->len; b++) {
    const ExitBar *e = &g_array_index(bars, ExitBar, b);
    g_ptr_array_add(names, g_strdup_printf("%s (bringup %.1f ms)", e->label, (double)e->bringup / 1e6));
  }
  g_autofree char *title = g_strdup_printf("VM exits during bringup: %s", profile);
  pstr(j->params, "title", j->title ? j->title : title);
  pstr(j->params, "subtitle", "exits in the bringup window by type, as perf kvm stat names them");
  pstr(j->params, "ylabel", "exits (count, log scale)");
  pstr(j->params, "ylabel2", "host time in those exits (ms, log scale)");
  plist(j->params, "bars", names);
  return 0;
}

/* ---- rows: sweep output, or the same rows simulated here ---------------------------------- */

typedef struct {
  char *series; /* label of the series the row belongs to */
  double x;     /* CPUs (scaling) */
  int64_t value;
} Sample;

static void sample_clear(gpointer p) { g_free(((Sample *)p)->series); }

static gboolean reserved_key(const char *k, gboolean scaling) {
  static const char *const fixed[] = {"point", "run", "seed", "cpus_total", "cpus_online", NULL};
  if (g_strv_contains(fixed, k)) return TRUE;
  for (CpuhpMetric m = 0; m < CPUHP_METRIC_N; m++)
    if (!strcmp(k, cpuhp_metric_key(m))) return TRUE;
  return scaling && (!strcmp(k, "cpus") || !strcmp(k, "topology"));
}

/* Splits one CSV line (RFC 4180 quoting, as cmd_sweep.c writes it). */
static GPtrArray *csv_split(const char *line) {
  GPtrArray *f = g_ptr_array_new_with_free_func(g_free);
  GString *cur = g_string_new(NULL);
  gboolean q = FALSE;
  for (const char *c = line;; c++) {
    if (q) {
      if (*c == '"' && c[1] == '"') {
        g_string_append_c(cur, '"');
        c++;
      } else if (*c == '"') {
        q = FALSE;
      } else if (*c) {
        g_string_append_c(cur, *c);
      } else {
        break;
      }
    } else if (*c == '"') {
      q = TRUE;
    } else if (*c == ',' || !*c || *c == '\r') {
      g_ptr_array_add(f, g_string_free(cur, FALSE));
      cur = g_string_new(NULL);
      if (*c != ',') break;
    } else {
      g_string_append_c(cur, *c);
    }
  }
  g_string_free(cur, TRUE);
  return f;
}

/* What the rows are of: "PROFILE (sweep SCENARIO)" when the sweep's first line names a scenario
 * that still loads from here, else the names we have. */
static char *rows_name(const char *path, const char *sweep) {
  if (!sweep) return g_path_get_basename(path);
  g_autofree char *base = g_path_get_basename(sweep);
  g_autoptr(CpuhpScenario) sc = cpuhp_scenario_load(sweep, NULL);
  g_autoptr(CpuhpProfile) p = NULL;
  if (sc)
    p = sc->profile_path ? cpuhp_machine_load_file(sc->profile_path, NULL, NULL) : cpuhp_machine_load_default(NULL, NULL);
  return p ? g_strdup_printf("%s (sweep %s)", p->name, base) : g_strdup_printf("sweep %s", base);
}

/* Reads sweep rows (JSON lines or CSV) as key -> value tables; *name says what they are of. */
static GPtrArray *read_rows(const char *path, char **name, int *status) {
  g_autofree char *text = NULL;
  g_autoptr(GError) err = NULL;
  if (!g_file_get_contents(path, &text, NULL, &err)) {
    *status = cli_fail("plot", "%s", err->message);
    return NULL;
  }
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_hash_table_unref);
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  gboolean csv = g_str_has_suffix(path, ".csv");
  g_autoptr(GPtrArray) header = NULL;
  g_autofree char *sweep = NULL;
  for (guint ln = 0; lines[ln]; ln++) {
    const char *l = lines[ln];
    if (g_str_has_prefix(l, "# {") && !sweep) { /* CSV: the sweep's description */
      g_autoptr(SimJson) meta = sim_json_parse(l + 2, strlen(l + 2), NULL);
      if (sim_json_get_str(meta, "sweep")) sweep = g_strdup(sim_json_get_str(meta, "sweep"));
    }
    if (!*l || *l == '#') continue;
    GHashTable *row = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    if (csv) {
      g_autoptr(GPtrArray) f = csv_split(l);
      if (!header) {
        header = g_steal_pointer(&f);
        g_hash_table_unref(row);
        continue;
      }
      if (f->len != header->len) {
        g_hash_table_unref(row);
        *status = cli_fail("plot", "%s:%u: %u fields, the header has %u", path, ln + 1, f->len, header->len);
        return NULL;
      }
      for (guint i = 0; i < f->len; i++) g_hash_table_insert(row, g_strdup(header->pdata[i]), g_strdup(f->pdata[i]));
    } else {
      g_autoptr(SimJson) js = sim_json_parse(l, strlen(l), &err);
      if (!js || js->type != SIM_JSON_OBJECT) {
        g_hash_table_unref(row);
        *status = cli_fail("plot", "%s:%u:%s", path, ln + 1, js ? " not a JSON object" : strchr(err->message, ':') + 1);
        return NULL;
      }
      if (sim_json_get(js, "sweep")) { /* the first line describes the sweep */
        if (!sweep && sim_json_get_str(js, "sweep")) sweep = g_strdup(sim_json_get_str(js, "sweep"));
        g_hash_table_unref(row);
        continue;
      }
      for (guint i = 0; i < js->keys->len; i++) {
        const SimJson *v = js->items->pdata[i];
        if (v->type == SIM_JSON_STRING || v->type == SIM_JSON_NUMBER)
          g_hash_table_insert(row, g_strdup(js->keys->pdata[i]), g_strdup(v->text));
      }
    }
    g_ptr_array_add(rows, row);
  }
  if (!rows->len) {
    *status = cli_fail("plot", "%s: no rows (expected the output of `cpuhpsim sweep`)", path);
    return NULL;
  }
  *name = rows_name(path, sweep);
  return g_steal_pointer(&rows);
}

/* Samples of the rows that pass --where; series = the policy and the other axis values that
 * vary among those rows (one kept by --where says nothing), policy first, then sorted keys. */
static GArray *samples_from_rows(Job *j, GPtrArray *rows, gboolean scaling, int *status) {
  GArray *out = g_array_new(FALSE, FALSE, sizeof(Sample));
  g_array_set_clear_func(out, sample_clear);
  const char *mkey = cpuhp_metric_key(j->metric);
  g_autoptr(GPtrArray) kept = g_ptr_array_new();
  for (guint i = 0; i < rows->len; i++) {
    GHashTable *row = rows->pdata[i];
    gboolean keep = TRUE;
    for (char **w = j->where; w && *w && keep; w++) {
      g_auto(GStrv) kv = g_strsplit(*w, "=", 2);
      const char *v = g_hash_table_lookup(row, kv[0]);
      keep = v && kv[1] && !strcmp(v, kv[1]);
    }
    if (keep) g_ptr_array_add(kept, row);
  }
  g_autoptr(GHashTable) varies = g_hash_table_new(g_str_hash, g_str_equal); /* key -> key */
  for (guint i = 1; i < kept->len; i++) {
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, kept->pdata[i]);
    while (g_hash_table_iter_next(&it, &k, &v)) {
      const char *v0 = g_hash_table_lookup(kept->pdata[0], k);
      if (!v0 || strcmp(v0, v)) g_hash_table_add(varies, k);
    }
  }
  for (guint i = 0; i < kept->len; i++) {
    GHashTable *row = kept->pdata[i];
    const char *val = g_hash_table_lookup(row, mkey), *x = g_hash_table_lookup(row, "cpus_total");
    if (!val || !x) {
      *status = cli_fail("plot", "%s: a row without %s or cpus_total", j->inputs[0], val ? "cpus_total" : mkey);
      g_array_unref(out);
      return NULL;
    }
    GList *keys = g_list_sort(g_hash_table_get_keys(row), (GCompareFunc)strcmp);
    g_autoptr(GString) label = g_string_new(g_hash_table_lookup(row, "policy"));
    for (GList *k = keys; k; k = k->next) {
      const char *key = k->data;
      if (reserved_key(key, scaling) || !strcmp(key, "policy") || !g_hash_table_contains(varies, key)) continue;
      g_string_append_printf(label, "%s%s=%s", label->len ? ", " : "", key, (const char *)g_hash_table_lookup(row, key));
    }
    g_list_free(keys);
    Sample s = {g_strdup(label->len ? label->str : "all runs"), g_ascii_strtod(x, NULL), g_ascii_strtoll(val, NULL, 10)};
    g_array_append_val(out, s);
  }
  if (!out->len) {
    *status = cli_fail("plot", "%s: no row matches --where", j->inputs[0]);
    g_array_unref(out);
    return NULL;
  }
  return out;
}

/* "rows.jsonl" or "rows.jsonl, rows with K=V and K2=V2": where a figure's data came from. */
static char *rows_source(const Job *j) {
  g_autofree char *base = g_path_get_basename(j->inputs[0]);
  if (!j->where || !*j->where) return g_steal_pointer(&base);
  g_autofree char *w = g_strjoinv(" and ", j->where);
  return g_strdup_printf("%s, rows with %s", base, w);
}

static char *policy_label(const CpuhpProfile *p, const Job *j, const CpuhpPolicy *pol, int *status) {
  g_autoptr(CpuhpResult) r = run_one(p, j, pol, status);
  if (!r) return NULL;
  const char *spec = cpuhp_policy_spec(pol);
  return g_str_equal(spec, "kernel") ? g_strdup_printf("kernel (%s)", mode_of(r->parallel, r->smt_aware)) : g_strdup(spec);
}

/* Monte Carlo here: per policy (and per machine size for scaling), `runs` seeds from --seed,
 * the same seeds for every policy (common random numbers, as compare). */
static GArray *samples_simulated(Job *j, gboolean scaling, char ***xs_out, gboolean *by_topology, char **profile_name,
                                 int *status) {
  g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(Sample));
  g_array_set_clear_func(out, sample_clear);
  if (!j->f.policy) {
    j->f.policy = g_new0(char *, 3);
    j->f.policy[0] = g_strdup("serial");
    j->f.policy[1] = g_strdup("kernel");
  }
  g_autoptr(GPtrArray) pols = cli_policies("plot", &j->f);
  if (!pols) {
    *status = 2;
    return NULL;
  }
  g_auto(GStrv) xs = NULL;
  *by_topology = j->f.topology != NULL;
  if (scaling) {
    if (!!j->f.cpus == !!j->f.topology) {
      *status = cli_fail("plot", "scaling: give the machine sizes as --cpus=N,N,... or --topology=SxCxT,SxCxT,...");
      return NULL;
    }
    xs = g_strsplit(j->f.cpus ? j->f.cpus : j->f.topology, ",", -1);
  } else {
    xs = g_new0(char *, 2);
    xs[0] = g_strdup("");
  }
  for (guint pi = 0; pi < pols->len; pi++) {
    g_autofree char *label = NULL;
    for (guint xi = 0; xs[xi]; xi++) {
      const char *x = scaling ? xs[xi] : NULL;
      g_autoptr(CpuhpProfile) p = load(j, *by_topology ? NULL : x, *by_topology ? x : NULL, NULL, status);
      if (!p) return NULL;
      if (!*profile_name) *profile_name = g_strdup(p->name);
      if (!label && !(label = policy_label(p, j, pols->pdata[pi], status))) return NULL;
      g_autoptr(GError) err = NULL;
      CpuhpRunOptions opt = {.seed = j->seed, .policy = pols->pdata[pi]};
      g_autoptr(CpuhpSamples) s = cpuhp_mc_run(p, &opt, (guint)j->runs, &err);
      if (!s) {
        *status = cli_fail("plot", "%s", err->message);
        return NULL;
      }
      for (guint r = 0; r < s->runs; r++) {
        Sample smp = {g_strdup(label), cpuhp_profile_n_cpus(p), s->values[j->metric][r]};
        g_array_append_val(out, smp);
      }
    }
  }
  if (xs_out) *xs_out = g_steal_pointer(&xs);
  return g_steal_pointer(&out);
}

/* Series names in first-appearance order. */
static GPtrArray *series_of(GArray *samples) {
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < samples->len; i++) {
    const char *s = g_array_index(samples, Sample, i).series;
    if (!g_ptr_array_find_with_equal_func(names, s, g_str_equal, NULL)) g_ptr_array_add(names, g_strdup(s));
  }
  return names;
}

/* Axis label of a metric: what it measures, with its unit. */
static const char *metric_axis(CpuhpMetric m) {
  static const char *const labels[] = {"bringup time, to \"smp: Brought up\" (ms)", "time until all CPUs are online (ms)",
                                       "control CPU waiting (ms)", "control CPU busy-waiting (ms)",
                                       "AP CPU time spinning at ALIVE, all APs (ms)"};
  G_STATIC_ASSERT(G_N_ELEMENTS(labels) == CPUHP_METRIC_N);
  return labels[m];
}

/* A metric in a title. */
static const char *metric_title(CpuhpMetric m) {
  static const char *const t[] = {"the bringup time", "the time until all CPUs are online", "the control CPU's waiting",
                                  "the control CPU's busy-waiting", "the APs' spinning at ALIVE"};
  G_STATIC_ASSERT(G_N_ELEMENTS(t) == CPUHP_METRIC_N);
  return t[m];
}

/* Axis range with a margin, in the axis' own scale, so that no point sits on the frame. */
static void range(GPtrArray *ps, const char *axis, double lo, double hi, gboolean logscale, gboolean from_zero) {
  g_autofree char *kmin = g_strdup_printf("%smin", axis), *kmax = g_strdup_printf("%smax", axis);
  if (logscale) {
    double f = pow(hi / lo, 0.06) * 1.05;
    pnum(ps, kmin, lo / f);
    pnum(ps, kmax, hi * f);
  } else {
    double pad = (hi - lo) * 0.06 + (hi == lo ? MAX(hi * 0.1, 1) : 0);
    pnum(ps, kmin, from_zero ? 0 : lo - pad);
    pnum(ps, kmax, hi + pad);
  }
}

static int cmp_double(gconstpointer a, gconstpointer b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static int cmp_i64(gconstpointer a, gconstpointer b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* ---- scaling ------------------------------------------------------------------------------ */

/* Measured points: rows of a plots/data TSV file (profile, topology, parallel, measured_ms, boots,
 * source) for this profile at the topologies drawn, one series per cpuhp.parallel value. */
static int reference(Job *j, const char *profile, char **topologies, GPtrArray *labels, double *lo, double *hi) {
  g_autofree char *text = NULL;
  g_autoptr(GError) err = NULL;
  if (!g_file_get_contents(j->reference, &text, NULL, &err)) return cli_fail("plot", "--reference: %s", err->message);
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  GString *series[2] = {NULL, NULL};
  for (guint ln = 0; lines[ln]; ln++) {
    if (!*lines[ln] || lines[ln][0] == '#') continue;
    g_auto(GStrv) f = g_strsplit(lines[ln], "\t", -1);
    guint64 par;
    double v;
    char *end;
    if (g_strv_length(f) < 5 || !cli_parse_u64(f[2], 1, &par) || (v = g_ascii_strtod(f[3], &end), *end) || !(v > 0))
      return cli_fail("plot", "--reference: %s:%u: expected profile, topology, parallel (0|1), measured_ms, ...",
                      j->reference, ln + 1);
    if (strcmp(f[0], profile) || !topologies || !g_strv_contains((const char *const *)topologies, f[1])) continue;
    guint s[3];
    if (sscanf(f[1], "%ux%ux%u", &s[0], &s[1], &s[2]) != 3)
      return cli_fail("plot", "--reference: %s:%u: bad topology '%s'", j->reference, ln + 1, f[1]);
    if (!series[par]) series[par] = g_string_new("# cpus\tmeasured_ms\n");
    g_string_append_printf(series[par], "%u\t%s\n", s[0] * s[1] * s[2], f[3]);
    *lo = MIN(*lo, v);
    *hi = MAX(*hi, v);
  }
  for (guint par = 0; par < 2; par++) {
    if (!series[par]) continue;
    g_autofree char *name = g_strdup_printf("ref_%u.tsv", labels->len);
    gboolean ok = put(j, name, series[par]);
    g_string_free(series[par], TRUE);
    if (!ok) return 1;
    g_ptr_array_add(labels, g_strdup_printf("measured, cpuhp.parallel=%u (real boots)", par));
  }
  return 0;
}

static int scaling(Job *j) {
  int status = 0;
  g_autoptr(GArray) samples = NULL;
  g_auto(GStrv) xs = NULL;
  g_autofree char *profile = NULL;
  gboolean by_topology = FALSE;
  if (j->inputs && j->inputs[0] && has_suffix(j->inputs[0], rows_sfx)) {
    if (j->reference) return cli_fail("plot", "--reference: needs a PROFILE input (sweep rows do not name their profile)");
    g_autoptr(GPtrArray) rows = read_rows(j->inputs[0], &profile, &status);
    if (!rows) return status;
    samples = samples_from_rows(j, rows, TRUE, &status);
  } else {
    samples = samples_simulated(j, TRUE, &xs, &by_topology, &profile, &status);
  }
  if (!samples) return status;
  g_autoptr(GPtrArray) names = series_of(samples);
  double lo = G_MAXDOUBLE, hi = 0, xlo = G_MAXDOUBLE, xhi = 0;
  for (guint si = 0; si < names->len; si++) {
    g_autoptr(GArray) xv = g_array_new(FALSE, FALSE, sizeof(double));
    for (guint i = 0; i < samples->len; i++) {
      const Sample *s = &g_array_index(samples, Sample, i);
      if (!strcmp(s->series, names->pdata[si]) && !g_array_binary_search(xv, &s->x, cmp_double, NULL)) {
        g_array_append_val(xv, s->x);
        g_array_sort(xv, cmp_double);
      }
    }
    g_autoptr(GString) d = g_string_new("# cpus\tmean_ms\tmin_ms\tmax_ms\truns\n");
    for (guint k = 0; k < xv->len; k++) {
      double x = g_array_index(xv, double, k), sum = 0, mn = G_MAXDOUBLE, mx = -G_MAXDOUBLE;
      guint n = 0;
      for (guint i = 0; i < samples->len; i++) {
        const Sample *s = &g_array_index(samples, Sample, i);
        if (strcmp(s->series, names->pdata[si]) || s->x != x) continue;
        double v = (double)s->value / 1e6;
        sum += v;
        mn = MIN(mn, v);
        mx = MAX(mx, v);
        n++;
      }
      g_string_append_printf(d, "%g\t%.6f\t%.6f\t%.6f\t%u\n", x, sum / n, mn, mx, n);
      lo = MIN(lo, mn);
      hi = MAX(hi, mx);
      xlo = MIN(xlo, x);
      xhi = MAX(xhi, x);
    }
    g_autofree char *fname = g_strdup_printf("series_%u.tsv", si);
    if (!put(j, fname, d)) return 1;
  }
  g_autoptr(GPtrArray) refs = g_ptr_array_new_with_free_func(g_free);
  if (j->reference) {
    if (!by_topology) return cli_fail("plot", "--reference: measured boots are matched by topology; use --topology=SxCxT,...");
    if ((status = reference(j, profile, xs, refs, &lo, &hi))) return status;
  }
  g_autofree char *title = g_strdup_printf("%c%s against CPU count: %s", g_ascii_toupper(metric_title(j->metric)[4]),
                                           metric_title(j->metric) + 5, profile);
  g_autofree char *sub = g_strdup_printf("simulated: mean of %" G_GUINT64_FORMAT " run%s per point (seeds %" G_GUINT64_FORMAT
                                         "..%" G_GUINT64_FORMAT "), bars min to max%s",
                                         j->runs, j->runs > 1 ? "s" : "", j->seed, j->seed + j->runs - 1,
                                         refs->len ? "; black markers: measured real boots" : "");
  if (!xs) { /* rows: the sweep chose runs and seeds */
    g_free(sub);
    g_autofree char *src = rows_source(j);
    sub = g_strdup_printf("%s: mean per point, bars min to max", src);
  }
  pstr(j->params, "title", j->title ? j->title : title);
  pstr(j->params, "subtitle", sub);
  g_autofree char *xl = xs ? g_strdup_printf("logical CPUs (--%s=%s)", by_topology ? "topology" : "cpus",
                                             by_topology ? j->f.topology : j->f.cpus)
                          : g_strdup("logical CPUs");
  pstr(j->params, "xlabel", xl);
  pstr(j->params, "ylabel", metric_axis(j->metric));
  plist(j->params, "series", names);
  plist(j->params, "refs", refs);
  gboolean ylog = hi / MAX(lo, 1e-9) >= 20, xlog = xhi / MAX(xlo, 1) >= 8;
  pnum(j->params, "ylog", ylog);
  pnum(j->params, "xlog", xlog);
  range(j->params, "x", xlo, xhi, xlog, FALSE);
  range(j->params, "y", MAX(lo, 1e-6), hi, ylog, TRUE);
  return 0;
}

/* ---- cdf ---------------------------------------------------------------------------------- */

static int cdf(Job *j) {
  int status = 0;
  g_autoptr(GArray) samples = NULL;
  g_autofree char *profile = NULL;
  gboolean by_topology = FALSE;
  if (j->inputs && j->inputs[0] && has_suffix(j->inputs[0], rows_sfx)) {
    g_autoptr(GPtrArray) rows = read_rows(j->inputs[0], &profile, &status);
    if (!rows) return status;
    samples = samples_from_rows(j, rows, FALSE, &status);
  } else {
    if (j->f.cpus && strchr(j->f.cpus, ',')) return cli_fail("plot", "--cpus: cdf takes one machine size");
    if (j->f.topology && strchr(j->f.topology, ',')) return cli_fail("plot", "--topology: cdf takes one machine size");
    samples = samples_simulated(j, FALSE, NULL, &by_topology, &profile, &status);
  }
  if (!samples) return status;
  g_autoptr(GPtrArray) names = series_of(samples);
  double lo = G_MAXDOUBLE, hi = 0;
  guint nmax = 0;
  for (guint si = 0; si < names->len; si++) {
    g_autoptr(GArray) v = g_array_new(FALSE, FALSE, sizeof(int64_t));
    for (guint i = 0; i < samples->len; i++) {
      const Sample *s = &g_array_index(samples, Sample, i);
      if (!strcmp(s->series, names->pdata[si])) g_array_append_val(v, s->value);
    }
    g_array_sort(v, cmp_i64);
    g_autoptr(GString) d = g_string_new("# value_ms\tfraction_of_runs_at_or_below\n");
    ms(d, g_array_index(v, int64_t, 0)); /* the step up from 0 at the smallest value */
    g_string_append(d, "\t0\n");
    for (guint k = 0; k < v->len; k++) {
      ms(d, g_array_index(v, int64_t, k));
      g_string_append_printf(d, "\t%.6f\n", (double)(k + 1) / v->len);
    }
    lo = MIN(lo, (double)g_array_index(v, int64_t, 0) / 1e6);
    hi = MAX(hi, (double)g_array_index(v, int64_t, v->len - 1) / 1e6);
    nmax = MAX(nmax, v->len);
    g_autofree char *fname = g_strdup_printf("cdf_%u.tsv", si);
    if (!put(j, fname, d)) return 1;
  }
  g_autofree char *title = g_strdup_printf("Monte Carlo distribution of %s: %s", metric_title(j->metric), profile);
  g_autofree char *rows_src = j->inputs && j->inputs[0] && has_suffix(j->inputs[0], rows_sfx) ? rows_source(j) : NULL;
  g_autofree char *sub = j->inputs && j->inputs[0] && has_suffix(j->inputs[0], rows_sfx)
                             ? g_strdup_printf("empirical CDF per series, %s", rows_src)
                             : g_strdup_printf("empirical CDF of %u runs per policy, seeds %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT
                                               " for every policy (common random numbers)",
                                               nmax, j->seed, j->seed + nmax - 1);
  pstr(j->params, "title", j->title ? j->title : title);
  pstr(j->params, "subtitle", sub);
  pstr(j->params, "xlabel", metric_axis(j->metric));
  pstr(j->params, "ylabel", "fraction of runs at or below");
  plist(j->params, "series", names);
  gboolean xlog = hi / MAX(lo, 1e-9) >= 10;
  pnum(j->params, "xlog", xlog);
  range(j->params, "x", MAX(lo, 1e-6), hi, xlog, FALSE);
  return 0;
}

/* ---- backends ----------------------------------------------------------------------------- */

static const char *plots_dir(void) {
  const char *e = g_getenv("CPUHPSIM_PLOTS_DIR");
  return e && *e ? e : CPUHPSIM_PLOTS_DIR;
}

static gboolean python_has_matplotlib(const char *py) {
  const char *argv[] = {py, "-c", "import matplotlib", NULL};
  int wait = 0;
  if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL,
                    NULL, &wait, NULL))
    return FALSE;
  return g_spawn_check_wait_status(wait, NULL);
}

/* CPUHPSIM_PYTHON, else python3 on PATH, else Debian's /usr/bin/python3 (a python3 earlier on
 * PATH, e.g. a virtualenv's, need not see the python3-matplotlib package). */
static char *find_python(void) {
  const char *env = g_getenv("CPUHPSIM_PYTHON");
  const char *cands[] = {env && *env ? env : "python3", env && *env ? NULL : "/usr/bin/python3", NULL};
  for (guint i = 0; cands[i]; i++) {
    g_autofree char *p = g_find_program_in_path(cands[i]);
    if (p && python_has_matplotlib(p)) return g_steal_pointer(&p);
  }
  return NULL;
}

static char *find_gnuplot(void) {
  const char *env = g_getenv("CPUHPSIM_GNUPLOT");
  return g_find_program_in_path(env && *env ? env : "gnuplot");
}

static int draw(Job *j, const char *tool, const char *ext) {
  gboolean gp = g_str_equal(j->backend, "gnuplot");
  g_autofree char *script = g_strdup_printf("%s/%s.%s", plots_dir(), kind_names[j->kind], gp ? "gp" : "py");
  if (!g_file_test(script, G_FILE_TEST_IS_REGULAR)) {
    fprintf(stderr, "cpuhpsim plot: %s: no such script (set CPUHPSIM_PLOTS_DIR to the plots/ folder)\n", script);
    return 1;
  }
  g_autoptr(GString) pg = g_string_new(NULL), pj = g_string_new(NULL);
  params_gp(pg, j->params);
  params_json(pj, j->params);
  if (!put(j, "params.gp", pg) || !put(j, "params.json", pj)) return 1;
  g_autofree char *outname = g_strdup_printf("figure.%s", ext);
  g_autofree char *out = g_build_filename(j->dir, outname, NULL);
  g_ptr_array_add(j->written, g_strdup(outname));
  g_autoptr(GString) e = g_string_new("plots = ");
  gp_str(e, plots_dir());
  g_string_append(e, "; dir = ");
  gp_str(e, j->dir);
  g_string_append(e, "; out = ");
  gp_str(e, out);
  g_string_append_printf(e, "; fmt = '%s'", ext);
  const char *gargv[] = {tool, "-e", e->str, script, NULL};
  const char *pargv[] = {tool, script, j->dir, out, ext, NULL};
  /* no network, no user config, fixed dates: the same data gives the same figure */
  g_auto(GStrv) env = g_get_environ();
  env = g_environ_setenv(env, "MPLBACKEND", "Agg", TRUE);
  env = g_environ_setenv(env, "SOURCE_DATE_EPOCH", "0", TRUE);
  env = g_environ_setenv(env, "PYTHONDONTWRITEBYTECODE", "1", TRUE);
  g_autofree char *err_text = NULL;
  int wait = 0;
  g_autoptr(GError) err = NULL;
  if (!g_spawn_sync(j->dir, (char **)(gp ? gargv : pargv), env, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err_text,
                    &wait, &err)) {
    fprintf(stderr, "cpuhpsim plot: %s: %s\n", tool, err->message);
    return 1;
  }
  g_autofree char *bytes = NULL;
  gsize len = 0;
  if (!g_spawn_check_wait_status(wait, NULL) || !g_file_get_contents(out, &bytes, &len, NULL) || !len) {
    /* the tool's last non-empty line says why (a Python traceback ends with the exception) */
    g_auto(GStrv) lines = g_strsplit(err_text ? err_text : "", "\n", -1);
    const char *why = "no output";
    for (guint i = 0; lines[i]; i++)
      if (*g_strstrip(lines[i])) why = lines[i];
    fprintf(stderr, "cpuhpsim plot: %s %s failed: %s\n", gp ? "gnuplot" : "python3", script, why);
    return 1;
  }
  if (!g_file_set_contents(j->output, bytes, (gssize)len, &err)) { /* temp file + rename */
    fprintf(stderr, "cpuhpsim plot: -o: %s\n", err->message);
    return 1;
  }
  return 0;
}

int cmd_plot(int argc, char **argv) {
  g_auto(Job) j = {0};
  GOptionEntry entries[] = {
      {"output", 'o', 0, G_OPTION_ARG_FILENAME, &j.output, "The figure (written whole or not at all); .png, .svg or .pdf", "FILE"},
      {"backend", 0, 0, G_OPTION_ARG_STRING, &j.backend, "gnuplot (default, fast) or matplotlib (publication, PDF with embedded fonts)", "NAME"},
      {"parallel", 0, 0, G_OPTION_ARG_STRING, &j.f.parallel, "cpuhp.parallel= on the kernel command line", "0|1"},
      {"topology", 0, 0, G_OPTION_ARG_STRING, &j.f.topology, "Replace the profile's topology (scaling: a comma-separated list)", "SxCxT"},
      {"cpus", 0, 0, G_OPTION_ARG_STRING, &j.f.cpus, "Only the first N logical CPUs exist (scaling: a comma-separated list)", "N"},
      {"set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &j.f.set, "Override a profile key by its dotted path (repeatable)", "KEY=VALUE"},
      {"cmdline", 0, 0, G_OPTION_ARG_STRING, &j.f.cmdline, "The kernel command line (replaces kernel.cmdline)", "\"PARAMS\""},
      {"seed", 0, 0, G_OPTION_ARG_STRING, &j.f.seed, "Seed (default 1); Monte Carlo run i uses S+i for every policy", "S"},
      {"policy", 0, 0, G_OPTION_ARG_STRING_ARRAY, &j.f.policy, "Ordering policy (repeatable for scaling, phases, cdf)", "POLICY"},
      {"runs", 0, 0, G_OPTION_ARG_STRING, &j.f.runs, "Runs per point (scaling, default 5) or per policy (cdf, default 200)", "N"},
      {"metric", 0, 0, G_OPTION_ARG_STRING, &j.metric_name, "scaling, cdf: bringup_ns (default), all_online_ns, bp_wait_ns, bp_busy_ns, ap_spin_ns", "KEY"},
      {"reference", 0, 0, G_OPTION_ARG_FILENAME, &j.reference, "scaling: measured bringup times to overlay (plots/data/*.tsv)", "FILE"},
      {"where", 0, 0, G_OPTION_ARG_STRING_ARRAY, &j.where, "Sweep rows: keep rows whose KEY is VALUE (repeatable)", "KEY=VALUE"},
      {"title", 0, 0, G_OPTION_ARG_STRING, &j.title, "Replace the figure's title", "TEXT"},
      G_OPTION_ENTRY_NULL};
  g_autoptr(GOptionContext) ctx = g_option_context_new("KIND [INPUT...] -o FILE");
  g_option_context_set_summary(ctx,
      "Draw a figure with gnuplot (PNG, SVG) or matplotlib (PDF with embedded fonts, PNG, SVG).\n"
      "KIND: timeline  per-CPU Gantt chart of one run, coloured by bringup section\n"
      "      scaling   bringup time against CPU count, one line per policy (--cpus or --topology\n"
      "                lists), measured boots overlaid with --reference\n"
      "      phases    the control CPU's time by phase, stacked: cpuhp.parallel=0 against =1\n"
      "      cdf       Monte Carlo distribution (empirical CDF) per policy\n"
      "      vmexits   VM exits by type (count and host time) without HOTPLUG_PARALLEL, with\n"
      "                cpuhp.parallel=0 and =1: a profile with host.hypervisor, or run JSON files\n"
      "INPUT: a profile (default: the embedded skl-2s-112t), simulated here; or for timeline,\n"
      "phases and vmexits `cpuhpsim run --format=json` output (.json), for scaling and cdf `cpuhpsim sweep`\n"
      "rows (.jsonl or .csv). Exit status: 0 ok, 1 the figure could not be made or written, 2 bad\n"
      "input or a missing plotting tool (the error names the Debian package).");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GError) err = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &err)) return cli_fail("plot", "%s", err->message);
  if (argc < 2) return cli_fail("plot", "missing KIND (timeline, scaling, phases, cdf, vmexits)");
  for (j.kind = 0; j.kind < KIND_N && strcmp(argv[1], kind_names[j.kind]); j.kind++) {}
  if (j.kind == KIND_N) return cli_fail("plot", "unknown KIND '%s' (timeline, scaling, phases, cdf, vmexits)", argv[1]);
  if (argc > 3 && j.kind != KIND_PHASES && j.kind != KIND_VMEXITS) return cli_fail("plot", "unexpected argument '%s' (one INPUT at most)", argv[3]);
  j.inputs = g_new0(char *, (gsize)argc);
  for (int i = 2; i < argc; i++) j.inputs[i - 2] = g_strdup(argv[i]);
  if (!j.output || !*j.output) return cli_fail("plot", "-o: give the figure's file name (.png, .svg or .pdf)");
  const char *dot = strrchr(j.output, '.');
  const char *ext = dot ? dot + 1 : "";
  if (strcmp(ext, "png") && strcmp(ext, "svg") && strcmp(ext, "pdf"))
    return cli_fail("plot", "-o: '%s': the name must end in .png, .svg or .pdf", j.output);
  if (!j.backend) j.backend = g_strdup("gnuplot");
  if (strcmp(j.backend, "gnuplot") && strcmp(j.backend, "matplotlib"))
    return cli_fail("plot", "--backend: expected gnuplot or matplotlib, got '%s'", j.backend);
  j.metric = CPUHP_METRIC_BRINGUP;
  if (j.metric_name) {
    for (j.metric = 0; j.metric < CPUHP_METRIC_N && strcmp(j.metric_name, cpuhp_metric_key(j.metric)); j.metric++) {}
    if (j.metric == CPUHP_METRIC_N) return cli_fail("plot", "--metric: unknown '%s'", j.metric_name);
  }
  for (char **w = j.where; w && *w; w++)
    if (!strchr(*w, '=') || **w == '=') return cli_fail("plot", "--where: expected KEY=VALUE, got '%s'", *w);
  if (!j.f.runs) j.f.runs = g_strdup(j.kind == KIND_CDF ? "200" : j.kind == KIND_SCALING ? "5" : "1");
  const char *format;
  int status;
  if ((status = cli_common_values("plot", &j.f, "text", &j.seed, &j.runs, &format))) return status;
  if (j.runs > 1 && (j.kind == KIND_TIMELINE || j.kind == KIND_PHASES || j.kind == KIND_VMEXITS))
    return cli_fail("plot", "--runs: %s draws one run", kind_names[j.kind]);
  if (j.kind != KIND_SCALING) {
    if (j.f.cpus && strchr(j.f.cpus, ',') && j.kind != KIND_CDF) return cli_fail("plot", "--cpus: one value for %s", kind_names[j.kind]);
    if (j.f.topology && strchr(j.f.topology, ',') && j.kind != KIND_CDF)
      return cli_fail("plot", "--topology: one value for %s", kind_names[j.kind]);
    if (j.reference) return cli_fail("plot", "--reference: only for scaling");
  }
  /* the tool first: no point simulating for a figure that cannot be drawn */
  g_autofree char *tool = g_str_equal(j.backend, "gnuplot") ? find_gnuplot() : find_python();
  if (!tool) {
    if (g_str_equal(j.backend, "gnuplot"))
      return cli_fail("plot", "gnuplot not found; install it: apt-get install gnuplot (or use --backend=matplotlib)");
    return cli_fail("plot", "no python3 with matplotlib found; install it: apt-get install python3-matplotlib");
  }
  j.dir = g_dir_make_tmp("cpuhpsim-plot-XXXXXX", &err);
  if (!j.dir) {
    fprintf(stderr, "cpuhpsim plot: %s\n", err->message);
    return 1;
  }
  j.written = g_ptr_array_new_with_free_func(g_free);
  j.params = g_ptr_array_new_with_free_func(param_free);
  static int (*const make[])(Job *) = {timeline, scaling, phases, cdf, vmexits};
  if ((status = make[j.kind](&j))) return status;
  return draw(&j, tool, ext);
}
