/* plot_data.c — the reducers of `cpuhpsim plot`: runs and samples in, SimPlot tables and labels
 * out. See plot_data.h. */
#include "sim/output/plot_data.h"

#include <math.h>
#include <string.h>

static const char *const kind_names[] = {"timeline", "scaling", "phases", "cdf", "vmexits", "boot"};
G_STATIC_ASSERT(G_N_ELEMENTS(kind_names) == SIM_PLOT_N_KINDS);

const char *sim_plot_kind_name(SimPlotKind k) {
  g_assert(k < SIM_PLOT_N_KINDS);
  return kind_names[k];
}

gboolean sim_plot_kind_parse(const char *name, SimPlotKind *out) {
  for (SimPlotKind k = 0; k < SIM_PLOT_N_KINDS; k++)
    if (!strcmp(name, kind_names[k])) {
      *out = k;
      return TRUE;
    }
  return FALSE;
}

/* ---- building a figure -------------------------------------------------------------------- */

static void cell_clear(gpointer p) {
  SimPlotCell *c = p;
  if (c->type == SIM_PLOT_TEXT) g_free(c->v.text);
}

static void table_free(gpointer p) {
  SimPlotTable *t = p;
  g_free(t->name);
  g_ptr_array_unref(t->columns);
  g_array_unref(t->cells);
  g_free(t);
}

static void param_free(gpointer p) {
  SimPlotParam *x = p;
  g_free(x->key);
  g_free(x->text);
  if (x->list) g_ptr_array_unref(x->list);
  g_free(x);
}

static SimPlot *figure_new(SimPlotKind kind) {
  SimPlot *fig = g_new0(SimPlot, 1);
  fig->kind = kind;
  fig->tables = g_ptr_array_new_with_free_func(table_free);
  fig->params = g_ptr_array_new_with_free_func(param_free);
  return fig;
}

void sim_plot_free(SimPlot *fig) {
  if (!fig) return;
  g_ptr_array_unref(fig->tables);
  g_ptr_array_unref(fig->params);
  g_free(fig);
}

/* A new table of `fig`; add its columns, then its cells row after row. */
static SimPlotTable *table_new(SimPlot *fig, const char *name) {
  SimPlotTable *t = g_new0(SimPlotTable, 1);
  t->name = g_strdup(name);
  t->columns = g_ptr_array_new_with_free_func(g_free);
  t->cells = g_array_new(FALSE, FALSE, sizeof(SimPlotCell));
  g_array_set_clear_func(t->cells, cell_clear);
  g_ptr_array_add(fig->tables, t);
  return t;
}

static void column(SimPlotTable *t, const char *name) { g_ptr_array_add(t->columns, g_strdup(name)); }

static void cell_uint(SimPlotTable *t, guint64 v) {
  SimPlotCell c = {.type = SIM_PLOT_UINT, .v.uint = v};
  g_array_append_val(t->cells, c);
}

static void cell_ms(SimPlotTable *t, int64_t ns) {
  SimPlotCell c = {.type = SIM_PLOT_MS, .v.ns = ns};
  g_array_append_val(t->cells, c);
}

static void cell_real(SimPlotTable *t, SimPlotCellType type, double v) {
  SimPlotCell c = {.type = type, .v.real = v};
  g_array_append_val(t->cells, c);
}

static void cell_text(SimPlotTable *t, const char *s) {
  SimPlotCell c = {.type = SIM_PLOT_TEXT, .v.text = g_strdup(s)};
  g_array_append_val(t->cells, c);
}

static void pstr(SimPlot *fig, const char *key, const char *val) {
  SimPlotParam *p = g_new0(SimPlotParam, 1);
  p->key = g_strdup(key);
  p->text = g_strdup(val);
  g_ptr_array_add(fig->params, p);
}

static void pnum(SimPlot *fig, const char *key, double v) {
  SimPlotParam *p = g_new0(SimPlotParam, 1);
  p->key = g_strdup(key);
  p->num = v;
  g_ptr_array_add(fig->params, p);
}

static void plist(SimPlot *fig, const char *key, GPtrArray *texts) {
  SimPlotParam *p = g_new0(SimPlotParam, 1);
  p->key = g_strdup(key);
  p->list = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < texts->len; i++) g_ptr_array_add(p->list, g_strdup(texts->pdata[i]));
  g_ptr_array_add(fig->params, p);
}

void sim_plot_set_title(SimPlot *fig, const char *title) {
  for (guint i = 0; i < fig->params->len; i++) {
    SimPlotParam *p = fig->params->pdata[i];
    if (!strcmp(p->key, "title")) {
      g_free(p->text);
      p->text = g_strdup(title);
      return;
    }
  }
  g_assert_not_reached(); /* every figure has a title */
}

static const SimPlotParam *param(const SimPlot *fig, const char *key) {
  for (guint i = 0; i < fig->params->len; i++)
    if (!strcmp(((SimPlotParam *)fig->params->pdata[i])->key, key)) return fig->params->pdata[i];
  return NULL;
}

/* `text` broken at spaces into lines of at most `cols` characters (a longer word stays whole). */
static char *wrap(const char *text, guint cols) {
  g_auto(GStrv) words = g_strsplit(text, " ", -1);
  GString *out = g_string_new(NULL);
  guint line = 0;
  for (char **w = words; *w; w++) {
    guint n = (guint)g_utf8_strlen(*w, -1);
    if (line && line + 1 + n > cols) {
      g_string_append_c(out, '\n');
      line = 0;
    } else if (w != words) {
      g_string_append_c(out, ' ');
      line++;
    }
    g_string_append(out, *w);
    line += n;
  }
  return g_string_free(out, FALSE);
}

void sim_plot_set_size(SimPlot *fig, double width_in, double height_in, double text_pt) {
  g_assert(width_in > 0 && text_pt > 0 && !param(fig, "width_in"));
  /* a title is one point larger than the text; a DejaVu Sans character about 0.65 em wide */
  guint cols = (guint)MAX(width_in * 72 / ((text_pt + 1) * 0.65), 16);
  const char *keys[] = {"title", "subtitle"};
  for (guint k = 0; k < G_N_ELEMENTS(keys); k++) {
    SimPlotParam *p = (SimPlotParam *)param(fig, keys[k]);
    if (!p || !p->text) continue;
    char *w = wrap(p->text, cols);
    g_free(p->text);
    p->text = w;
  }
  if (height_in <= 0) { /* height over width: the scripts' own shapes; narrow two-panel figures taller */
    static const double aspect[] = {[SIM_PLOT_TIMELINE] = 0.65, [SIM_PLOT_SCALING] = 0.65, [SIM_PLOT_PHASES] = 0.55,
                                    [SIM_PLOT_CDF] = 0.65, [SIM_PLOT_VMEXITS] = 0.55, [SIM_PLOT_BOOT] = 0.55};
    G_STATIC_ASSERT(G_N_ELEMENTS(aspect) == SIM_PLOT_N_KINDS);
    double a = aspect[fig->kind];
    const SimPlotParam *n = param(fig, "ncpus");
    if (fig->kind == SIM_PLOT_TIMELINE && n && n->num > 48) a = 0.9; /* a row per CPU */
    /* narrow: the title's lines and a legend of one or two columns take a larger share */
    if (fig->kind == SIM_PLOT_TIMELINE && width_in < 5) a += 0.4;
    if (fig->kind >= SIM_PLOT_PHASES && fig->kind != SIM_PLOT_CDF && width_in < 5) a = 0.9;
    height_in = width_in * a;
  }
  pnum(fig, "width_in", width_in);
  pnum(fig, "height_in", height_in);
}

void sim_plot_set_font(SimPlot *fig, double pt) {
  g_assert(pt > 0 && !param(fig, "font_pt"));
  pnum(fig, "font_pt", pt);
}

static const char *mode_of(gboolean parallel, gboolean smt) {
  return parallel ? (smt ? "parallel, SMT primary threads first" : "parallel") : "serial";
}

static const char *mode_short(gboolean parallel, gboolean smt) { /* under a bar */
  return parallel ? (smt ? "parallel, SMT-first" : "parallel") : "serial";
}

/* ---- runs --------------------------------------------------------------------------------- */

SimPlotRun *sim_plot_run_new(void) {
  SimPlotRun *run = g_new0(SimPlotRun, 1);
  run->bringup_ns = run->boot_ns[0] = -1;
  return run;
}

SimPlotRun *sim_plot_run_from_result(const CpuhpResult *r) {
  SimPlotRun *run = sim_plot_run_new();
  run->profile = g_strdup(r->profile);
  run->policy = g_strdup(r->policy);
  run->topology = g_strdup(r->topology);
  run->parallel = r->parallel;
  run->smt_first = r->smt_aware;
  run->bringup_ns = r->bringup_ns;
  run->seed = r->seed;
  run->n_cpus = r->n_cpus;
  run->cpus = g_array_sized_new(FALSE, FALSE, sizeof(SimPlotCpu), r->n_cpus);
  for (guint c = 0; c < r->n_cpus; c++) {
    const CpuhpCpuResult *x = &r->cpus[c];
    SimPlotCpu cpu = {c, {x->up_start, x->kick, x->running, x->alive, x->release, x->online_idle, x->online}};
    g_array_append_val(run->cpus, cpu);
  }
  memcpy(run->bp_phase_ns, r->bp_phase_ns, sizeof run->bp_phase_ns);
  memcpy(run->exits, r->vm_exits, sizeof run->exits);
  memcpy(run->exit_ns, r->vm_exit_ns, sizeof run->exit_ns);
  if (r->boot_ns >= 0)
    run->boot_ns[0] = r->boot_vmm_ns, run->boot_ns[1] = r->boot_before_ns, run->boot_ns[2] = r->bringup_ns,
    run->boot_ns[3] = r->boot_after_ns;
  return run;
}

void sim_plot_run_free(SimPlotRun *run) {
  if (!run) return;
  g_free(run->file);
  g_free(run->label);
  g_free(run->profile);
  g_free(run->policy);
  g_free(run->topology);
  if (run->cpus) g_array_unref(run->cpus);
  g_free(run);
}

static const char *const phase_keys[] = {"prepare", "kick", "alive_spin", "alive_sleep", "wait_ap", "tsc_sync", "wait_online"};
G_STATIC_ASSERT(G_N_ELEMENTS(phase_keys) == CPUHP_BP_N_PHASES);

const char *sim_plot_phase_key(CpuhpBpPhase ph) {
  g_assert(ph < CPUHP_BP_N_PHASES);
  return phase_keys[ph];
}

static const char *const sections[] = {
    "PREPARE callbacks (on the BP)", "kick to AP running (wake-up)", "AP early boot to ALIVE",
    "AP spinning at ALIVE", "STARTING to online-idle", "ONLINE callbacks (cpuhp/N)",
};
G_STATIC_ASSERT(G_N_ELEMENTS(sections) + 1 == SIM_PLOT_N_MARKS);

SimPlot *sim_plot_timeline(const SimPlotRun *run) {
  g_assert(run->cpus && run->profile);
  SimPlot *fig = figure_new(SIM_PLOT_TIMELINE);
  SimPlotTable *t = table_new(fig, "segments");
  column(t, "cpu");
  column(t, "section");
  column(t, "start_ms");
  column(t, "end_ms");
  for (guint i = 0; i < run->cpus->len; i++) {
    const SimPlotCpu *r = &g_array_index(run->cpus, SimPlotCpu, i);
    if (r->cpu == 0) continue; /* the BP's own row would be PREPARE for everyone: see phases */
    for (guint s = 0; s < G_N_ELEMENTS(sections); s++) {
      if (r->mark[s] < 0 || r->mark[s + 1] < 0 || r->mark[s + 1] <= r->mark[s]) continue;
      cell_uint(t, r->cpu);
      cell_uint(t, s);
      cell_ms(t, r->mark[s]);
      cell_ms(t, r->mark[s + 1]);
    }
  }
  g_autoptr(GPtrArray) names = g_ptr_array_new();
  for (guint s = 0; s < G_N_ELEMENTS(sections); s++) g_ptr_array_add(names, (gpointer)sections[s]);
  const char *policy = run->policy ? run->policy : "kernel";
  g_autofree char *title = g_strdup_printf("Per-CPU bringup timeline: %s, policy %s (%s)", run->profile, policy,
                                           mode_of(run->parallel, run->smt_first));
  g_autofree char *sub = g_strdup_printf("%s; seed %" G_GUINT64_FORMAT "; bringup %.2f ms", run->topology ? run->topology : "",
                                         run->seed, (double)run->bringup_ns / 1e6);
  pstr(fig, "title", title);
  pstr(fig, "subtitle", sub);
  pstr(fig, "xlabel", "time since \"smp: Bringing up secondary CPUs\" (ms)");
  pstr(fig, "ylabel", "CPU");
  plist(fig, "sections", names);
  pnum(fig, "ncpus", run->n_cpus);
  pnum(fig, "bringup_ms", (double)run->bringup_ns / 1e6);
  return fig;
}

/* What runs are of, in a title: a simulated run's profile, CPUs and seed. */
static char *simulated_name(const SimPlotRun *run) {
  return g_strdup_printf("%s, %u CPUs, seed %" G_GUINT64_FORMAT, run->profile, run->n_cpus, run->seed);
}

/* Stacked bars of phases, one a run: the control CPU's (`boot` FALSE) or the whole boot's. */
static SimPlot *stacked(SimPlotRun *const *runs, guint n, gboolean boot) {
  g_assert(n > 0);
  static const char *const boot_keys[] = {"vmm", "before_smp", "window", "after_smp"};
  static const char *const boot_names[] = {"VMM before the kernel", "kernel entry to smp_init", "bringup window (smp_init)",
                                           "smp_init to \"Run /init\""};
  guint np = boot ? G_N_ELEMENTS(boot_keys) : CPUHP_BP_N_PHASES;
  SimPlot *fig = figure_new(boot ? SIM_PLOT_BOOT : SIM_PLOT_PHASES);
  SimPlotTable *t = table_new(fig, "phases");
  column(t, "bar");
  for (guint k = 0; k < np; k++) {
    g_autofree char *c = g_strdup_printf("%s_ms", boot ? boot_keys[k] : phase_keys[k]);
    column(t, c);
  }
  column(t, boot ? "boot_ms" : "bringup_ms");
  g_autoptr(GPtrArray) labels = g_ptr_array_new(); /* bar label, first line */
  g_autoptr(GPtrArray) modes = g_ptr_array_new();  /* second line */
  /* the bars of a boot figure are machine sizes: the title names the profile alone */
  g_autofree char *profile = runs[0]->file ? NULL : boot ? g_strdup(runs[0]->profile) : simulated_name(runs[0]);
  for (guint i = 0; i < n; i++) {
    const SimPlotRun *r = runs[i];
    g_ptr_array_add(labels, r->label ? r->label : r->policy ? r->policy : "?");
    g_ptr_array_add(modes, (gpointer)mode_short(r->parallel, r->smt_first));
    cell_uint(t, i);
    int64_t total = 0;
    for (guint k = 0; k < np; k++) {
      int64_t v = boot ? runs[i]->boot_ns[k] : r->bp_phase_ns[k];
      cell_ms(t, v);
      total += v;
    }
    cell_ms(t, boot ? total : r->bringup_ns);
    if (!r->file) continue;
    if (!profile) {
      profile = g_strdup(r->profile ? r->profile : "?");
    } else if (r->profile && strcmp(profile, r->profile)) {
      g_free(profile);
      profile = g_strdup("several profiles");
    }
  }
  g_autoptr(GPtrArray) names = g_ptr_array_new();
  for (guint k = 0; k < np; k++) g_ptr_array_add(names, (gpointer)(boot ? boot_names[k] : cpuhp_bp_phase_name(k)));
  g_autofree char *title = g_strdup_printf(boot ? "Where the boot time goes: %s" : "Where the control CPU's bringup time goes: %s", profile);
  pstr(fig, "title", title);
  pstr(fig, "subtitle", boot ? "from the VMM's start to \"Run /init as init process\", by phase"
                             : "control CPU (BP) time by phase, from \"smp: Bringing up secondary CPUs\" to \"smp: Brought up\"");
  pstr(fig, "ylabel", boot ? "time (ms)" : "control CPU time (ms)");
  pstr(fig, "ylabel2", boot ? "share of the boot (%)" : "share of bringup time (%)");
  plist(fig, "phases", names);
  plist(fig, "bars", labels);
  plist(fig, "modes", modes);
  return fig;
}

SimPlot *sim_plot_phases(SimPlotRun *const *runs, guint n) { return stacked(runs, n, FALSE); }
SimPlot *sim_plot_boot(SimPlotRun *const *runs, guint n) { return stacked(runs, n, TRUE); }

SimPlot *sim_plot_vmexits(SimPlotRun *const *runs, guint n) {
  g_assert(n > 0);
  SimPlot *fig = figure_new(SIM_PLOT_VMEXITS);
  /* one row per exit type, one column per bar: counts and host time (ms) */
  SimPlotTable *tc = table_new(fig, "vmexits_count"), *tt = table_new(fig, "vmexits_time");
  column(tc, "exit");
  column(tt, "exit");
  for (guint b = 0; b < n; b++) {
    g_autofree char *c = g_strdup_printf("bar%u", b), *ct = g_strdup_printf("bar%u_ms", b);
    column(tc, c);
    column(tt, ct);
  }
  for (CpuhpVmExit x = 0; x < CPUHP_EXIT_N; x++) {
    cell_text(tc, cpuhp_vm_exit_name(x));
    cell_text(tt, cpuhp_vm_exit_name(x));
    for (guint b = 0; b < n; b++) {
      cell_uint(tc, runs[b]->exits[x]);
      cell_ms(tt, runs[b]->exit_ns[x]);
    }
  }
  /* a file's bar by its kernel setting, never by the file's name; the same setting twice: by
   * its place too */
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func(g_free);
  for (guint b = 0; b < n; b++) {
    const SimPlotRun *r = runs[b];
    gboolean other = r->policy && strcmp(r->policy, "kernel");
    g_ptr_array_add(labels, r->label ? g_strdup(r->label)
                            : other  ? g_strdup_printf("policy %s, cpuhp.parallel=%d", r->policy, r->parallel)
                                     : g_strdup_printf("cpuhp.parallel=%d", r->parallel));
  }
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  for (guint b = 0; b < n; b++) {
    guint same = 0;
    for (guint k = 0; k < n; k++) same += !strcmp(labels->pdata[k], labels->pdata[b]);
    g_autofree char *place = same > 1 ? g_strdup_printf(", run %u", b + 1) : g_strdup("");
    g_ptr_array_add(names, g_strdup_printf("%s%s (bringup %.1f ms)", (char *)labels->pdata[b], place,
                                           (double)runs[b]->bringup_ns / 1e6));
  }
  g_autofree char *profile = runs[0]->file ? g_strdup(runs[0]->profile ? runs[0]->profile : "?") : simulated_name(runs[0]);
  g_autofree char *title = g_strdup_printf("VM exits during bringup: %s", profile);
  pstr(fig, "title", title);
  pstr(fig, "subtitle", "exits in the bringup window by type, as perf kvm stat names them");
  pstr(fig, "ylabel", "exits (count, log scale)");
  pstr(fig, "ylabel2", "host time in those exits (ms, log scale)");
  plist(fig, "bars", names);
  return fig;
}

/* ---- samples ------------------------------------------------------------------------------ */

static void sample_clear(gpointer p) { g_free(((SimPlotSample *)p)->series); }

GArray *sim_plot_samples_new(void) {
  GArray *a = g_array_new(FALSE, FALSE, sizeof(SimPlotSample));
  g_array_set_clear_func(a, sample_clear);
  return a;
}

void sim_plot_samples_add(GArray *samples, const char *series, double x, int64_t value) {
  SimPlotSample s = {g_strdup(series), x, value};
  g_array_append_val(samples, s);
}

static gboolean reserved_key(const char *k, gboolean scaling) {
  static const char *const fixed[] = {"point", "run", "seed", "cpus_total", "cpus_online", NULL};
  if (g_strv_contains(fixed, k)) return TRUE;
  for (CpuhpMetric m = 0; m < CPUHP_METRIC_N; m++)
    if (!strcmp(k, cpuhp_metric_key(m))) return TRUE;
  return scaling && (!strcmp(k, "cpus") || !strcmp(k, "topology"));
}

GArray *sim_plot_samples_from_rows(GPtrArray *rows, const char *path, char **where, CpuhpMetric metric,
                                   gboolean scaling, GError **error) {
  g_autoptr(GArray) out = sim_plot_samples_new();
  const char *mkey = cpuhp_metric_key(metric);
  g_autoptr(GPtrArray) kept = g_ptr_array_new();
  for (guint i = 0; i < rows->len; i++) {
    GHashTable *row = rows->pdata[i];
    gboolean keep = TRUE;
    for (char **w = where; w && *w && keep; w++) {
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
      g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: a row without %s or cpus_total", path,
                  val ? "cpus_total" : mkey);
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
    sim_plot_samples_add(out, label->len ? label->str : "all runs", g_ascii_strtod(x, NULL), g_ascii_strtoll(val, NULL, 10));
  }
  if (!out->len) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: no row matches --where", path);
    return NULL;
  }
  return g_steal_pointer(&out);
}

char *sim_plot_policy_label(const char *spec, gboolean parallel, gboolean smt_first) {
  return g_str_equal(spec, "kernel") ? g_strdup_printf("kernel (%s)", mode_of(parallel, smt_first)) : g_strdup(spec);
}

/* Series names in first-appearance order. */
static GPtrArray *series_of(const GArray *samples) {
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < samples->len; i++) {
    const char *s = g_array_index(samples, SimPlotSample, i).series;
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

/* Which rows of a sweep a figure shows, in words: "", or ", policy kernel, cpuhp.parallel=1"
 * (a kernel parameter reads as itself); never the file's name or a flag. */
static char *rows_source(const SimPlotSampleInfo *info) {
  GString *s = g_string_new(NULL);
  for (char **w = info->where; w && *w; w++) {
    g_auto(GStrv) kv = g_strsplit(*w, "=", 2);
    if (!strcmp(kv[0], "cpus")) g_string_append_printf(s, ", %s CPUs", kv[1]);
    else if (!strcmp(kv[0], "policy") || !strcmp(kv[0], "topology")) g_string_append_printf(s, ", %s %s", kv[0], kv[1]);
    else g_string_append_printf(s, ", %s", *w);
  }
  return g_string_free(s, FALSE);
}

/* The machine sizes of a simulated scaling figure in words: "2 to 16 CPUs", "topologies 1x2x1
 * to 1x16x1" (first to last of the list as given). */
static char *sizes_words(const SimPlotSampleInfo *info) {
  g_auto(GStrv) v = g_strsplit(info->sizes ? info->sizes : "", ",", -1);
  guint n = g_strv_length(v);
  gboolean topo = !strcmp(info->sizes_flag, "topology");
  if (n == 0 || !*v[0]) return g_strdup(topo ? "topologies" : "CPUs");
  if (n == 1) return topo ? g_strdup_printf("topology %s", v[0]) : g_strdup_printf("%s CPUs", v[0]);
  return topo ? g_strdup_printf("topologies %s to %s", v[0], v[n - 1]) : g_strdup_printf("%s to %s CPUs", v[0], v[n - 1]);
}

/* Axis range with a margin, in the axis' own scale, so that no point sits on the frame. */
static void range(SimPlot *fig, const char *axis, double lo, double hi, gboolean logscale, gboolean from_zero) {
  g_autofree char *kmin = g_strdup_printf("%smin", axis), *kmax = g_strdup_printf("%smax", axis);
  if (logscale) {
    double f = pow(hi / lo, 0.06) * 1.05;
    pnum(fig, kmin, lo / f);
    pnum(fig, kmax, hi * f);
  } else {
    double pad = (hi - lo) * 0.06 + (hi == lo ? MAX(hi * 0.1, 1) : 0);
    pnum(fig, kmin, from_zero ? 0 : lo - pad);
    pnum(fig, kmax, hi + pad);
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

/* The measured boots, one table a cpuhp.parallel value (rows in file order); their labels. */
static void measured_tables(SimPlot *fig, const GArray *measured, GPtrArray *labels, double *lo, double *hi) {
  for (guint par = 0; par < 2; par++) {
    SimPlotTable *t = NULL;
    for (guint i = 0; measured && i < measured->len; i++) {
      const SimPlotMeasured *m = &g_array_index(measured, SimPlotMeasured, i);
      if (m->parallel != par) continue;
      if (!t) {
        g_autofree char *name = g_strdup_printf("ref_%u", labels->len);
        t = table_new(fig, name);
        column(t, "cpus");
        column(t, "measured_ms");
      }
      cell_uint(t, m->cpus);
      cell_text(t, m->ms_text);
      *lo = MIN(*lo, m->ms);
      *hi = MAX(*hi, m->ms);
    }
    if (t) g_ptr_array_add(labels, g_strdup_printf("measured, cpuhp.parallel=%u (real boots)", par));
  }
}

SimPlot *sim_plot_scaling(const GArray *samples, const SimPlotSampleInfo *info, const GArray *measured) {
  SimPlot *fig = figure_new(SIM_PLOT_SCALING);
  g_autoptr(GPtrArray) names = series_of(samples);
  double lo = G_MAXDOUBLE, hi = 0, xlo = G_MAXDOUBLE, xhi = 0;
  for (guint si = 0; si < names->len; si++) {
    g_autoptr(GArray) xv = g_array_new(FALSE, FALSE, sizeof(double));
    for (guint i = 0; i < samples->len; i++) {
      const SimPlotSample *s = &g_array_index(samples, SimPlotSample, i);
      if (!strcmp(s->series, names->pdata[si]) && !g_array_binary_search(xv, &s->x, cmp_double, NULL)) {
        g_array_append_val(xv, s->x);
        g_array_sort(xv, cmp_double);
      }
    }
    g_autofree char *tname = g_strdup_printf("series_%u", si);
    SimPlotTable *t = table_new(fig, tname);
    static const char *const cols[] = {"cpus", "mean_ms", "min_ms", "max_ms", "runs"};
    for (guint c = 0; c < G_N_ELEMENTS(cols); c++) column(t, cols[c]);
    for (guint k = 0; k < xv->len; k++) {
      double x = g_array_index(xv, double, k), sum = 0, mn = G_MAXDOUBLE, mx = -G_MAXDOUBLE;
      guint n = 0;
      for (guint i = 0; i < samples->len; i++) {
        const SimPlotSample *s = &g_array_index(samples, SimPlotSample, i);
        if (strcmp(s->series, names->pdata[si]) || s->x != x) continue;
        double v = (double)s->value / 1e6;
        sum += v;
        mn = MIN(mn, v);
        mx = MAX(mx, v);
        n++;
      }
      cell_real(t, SIM_PLOT_NUM, x);
      cell_real(t, SIM_PLOT_REAL, sum / n);
      cell_real(t, SIM_PLOT_REAL, mn);
      cell_real(t, SIM_PLOT_REAL, mx);
      cell_uint(t, n);
      lo = MIN(lo, mn);
      hi = MAX(hi, mx);
      xlo = MIN(xlo, x);
      xhi = MAX(xhi, x);
    }
  }
  g_autoptr(GPtrArray) refs = g_ptr_array_new_with_free_func(g_free);
  measured_tables(fig, measured, refs, &lo, &hi);
  const char *mt = metric_title(info->metric);
  g_autofree char *title = g_strdup_printf("%c%s against CPU count: %s", g_ascii_toupper(mt[4]), mt + 5, info->profile);
  g_autofree char *sub = NULL, *xl = NULL;
  if (info->rows_path) { /* rows: the sweep chose runs and seeds */
    g_autofree char *src = rows_source(info);
    sub = g_strdup_printf("from a sweep%s: mean per point, bars min to max", src);
    xl = g_strdup("logical CPUs");
  } else {
    sub = g_strdup_printf("simulated: mean of %" G_GUINT64_FORMAT " run%s per point (seeds %" G_GUINT64_FORMAT
                          "..%" G_GUINT64_FORMAT "), bars min to max%s",
                          info->runs, info->runs > 1 ? "s" : "", info->seed, info->seed + info->runs - 1,
                          refs->len ? "; black markers: measured real boots" : "");
    g_autofree char *sizes = sizes_words(info);
    xl = g_strdup_printf("logical CPUs (simulated: %s)", sizes);
  }
  pstr(fig, "title", title);
  pstr(fig, "subtitle", sub);
  pstr(fig, "xlabel", xl);
  pstr(fig, "ylabel", metric_axis(info->metric));
  plist(fig, "series", names);
  plist(fig, "refs", refs);
  gboolean ylog = hi / MAX(lo, 1e-9) >= 20, xlog = xhi / MAX(xlo, 1) >= 8;
  pnum(fig, "ylog", ylog);
  pnum(fig, "xlog", xlog);
  range(fig, "x", xlo, xhi, xlog, FALSE);
  range(fig, "y", MAX(lo, 1e-6), hi, ylog, TRUE);
  return fig;
}

SimPlot *sim_plot_cdf(const GArray *samples, const SimPlotSampleInfo *info) {
  SimPlot *fig = figure_new(SIM_PLOT_CDF);
  g_autoptr(GPtrArray) names = series_of(samples);
  double lo = G_MAXDOUBLE, hi = 0;
  guint nmax = 0;
  for (guint si = 0; si < names->len; si++) {
    g_autoptr(GArray) v = g_array_new(FALSE, FALSE, sizeof(int64_t));
    for (guint i = 0; i < samples->len; i++) {
      const SimPlotSample *s = &g_array_index(samples, SimPlotSample, i);
      if (!strcmp(s->series, names->pdata[si])) g_array_append_val(v, s->value);
    }
    g_array_sort(v, cmp_i64);
    g_autofree char *tname = g_strdup_printf("cdf_%u", si);
    SimPlotTable *t = table_new(fig, tname);
    column(t, "value_ms");
    column(t, "fraction_of_runs_at_or_below");
    cell_ms(t, g_array_index(v, int64_t, 0)); /* the step up from 0 at the smallest value */
    cell_uint(t, 0);
    for (guint k = 0; k < v->len; k++) {
      cell_ms(t, g_array_index(v, int64_t, k));
      cell_real(t, SIM_PLOT_REAL, (double)(k + 1) / v->len);
    }
    lo = MIN(lo, (double)g_array_index(v, int64_t, 0) / 1e6);
    hi = MAX(hi, (double)g_array_index(v, int64_t, v->len - 1) / 1e6);
    nmax = MAX(nmax, v->len);
  }
  g_autofree char *title = g_strdup_printf("Monte Carlo distribution of %s: %s", metric_title(info->metric), info->profile);
  g_autofree char *sub = NULL;
  if (info->rows_path) {
    g_autofree char *src = rows_source(info);
    sub = g_strdup_printf("empirical CDF per series, from a sweep%s", src);
  } else {
    sub = g_strdup_printf("empirical CDF of %u runs per policy, seeds %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT
                          " for every policy (common random numbers)",
                          nmax, info->seed, info->seed + nmax - 1);
  }
  pstr(fig, "title", title);
  pstr(fig, "subtitle", sub);
  pstr(fig, "xlabel", metric_axis(info->metric));
  pstr(fig, "ylabel", "fraction of runs at or below");
  plist(fig, "series", names);
  gboolean xlog = hi / MAX(lo, 1e-9) >= 10;
  pnum(fig, "xlog", xlog);
  range(fig, "x", MAX(lo, 1e-6), hi, xlog, FALSE);
  return fig;
}
