/* report.c — text, JSON and ftrace renderings of a result; the state table of a profile. */
#include "sim/output/report.h"

#include "models/kernel/invariants.h"
#include "models/kernel/prepare.h"
#include "sim/output/ftrace.h"
#include "sim/output/stats.h"
#include "sim/output/json.h"

static double ms(int64_t ns) { return (double)ns / 1e6; }

/* Mean of one per-CPU field over the APs that reached it, split primaries / siblings. */
typedef int64_t (*CpuField)(const CpuhpCpuResult *c);
static int64_t f_wakeup(const CpuhpCpuResult *c) { return c->kick >= 0 ? c->wakeup_ns : -1; }
static int64_t f_trlock(const CpuhpCpuResult *c) { return c->kick >= 0 ? c->tr_lock_wait_ns : -1; }
static int64_t f_ucode(const CpuhpCpuResult *c) { return c->alive >= 0 ? c->microcode_ns : -1; }
static int64_t f_kick_alive(const CpuhpCpuResult *c) { return c->alive >= 0 ? c->alive - c->kick : -1; }
static int64_t f_alive_release(const CpuhpCpuResult *c) { return c->release >= 0 ? c->release - c->alive : -1; }
static int64_t f_starting(const CpuhpCpuResult *c) { return c->online_idle >= 0 ? c->starting_ns : -1; }
static int64_t f_tsc(const CpuhpCpuResult *c) { return c->online_idle >= 0 ? c->tsc_sync_ns : -1; }
static int64_t f_calib(const CpuhpCpuResult *c) { return c->online_idle >= 0 ? c->calibrate_ns : -1; }
static int64_t f_online_cb(const CpuhpCpuResult *c) { return c->online >= 0 ? c->online_cb_ns : -1; }
static int64_t f_up(const CpuhpCpuResult *c) { return c->online >= 0 ? c->online - c->up_start : -1; }

static const struct {
  const char *label;
  CpuField f;
} per_ap_rows[] = {
    {"kick -> first instruction", f_wakeup},
    {"queued on tr_lock", f_trlock},
    {"microcode (load_ucode_ap)", f_ucode},
    {"kick -> ALIVE", f_kick_alive},
    {"ALIVE -> released (spinning)", f_alive_release},
    {"released -> online-idle", f_starting},
    {"  of which TSC sync", f_tsc},
    {"  of which delay calibration", f_calib},
    {"ONLINE callbacks (cpuhp/N)", f_online_cb},
    {"cpu_up start -> CPUHP_ONLINE", f_up},
};

static void mean_of(const CpuhpResult *r, CpuField f, gboolean primary, double *mean, guint *n) {
  double sum = 0;
  *n = 0;
  for (guint c = 1; c < r->n_cpus; c++) {
    if (r->cpus[c].primary != primary) continue;
    int64_t v = f(&r->cpus[c]);
    if (v < 0) continue;
    sum += (double)v;
    (*n)++;
  }
  *mean = *n ? sum / *n : 0;
}

/* In the shape of `perf kvm stat report` (the arm64 RFC's "KVM event statistics"). */
static void vm_exit_table(GString *out, const CpuhpResult *r) {
  guint64 n = 0;
  int64_t t = 0;
  for (CpuhpVmExit x = 0; x < CPUHP_EXIT_N; x++) {
    n += r->vm_exits[x];
    t += r->vm_exit_ns[x];
  }
  g_string_append(out, "\nVM exits in the window      Samples  Sample%      Time (ns)   Time%  Mean Time (ns)\n");
  for (CpuhpVmExit x = 0; x < CPUHP_EXIT_N; x++)
    g_string_append_printf(out, "  %-24s %9" G_GUINT64_FORMAT " %7.2f%% %14" G_GINT64_FORMAT " %6.2f%% %15.0f\n",
                           cpuhp_vm_exit_name(x), r->vm_exits[x], n ? 100.0 * (double)r->vm_exits[x] / (double)n : 0,
                           r->vm_exit_ns[x], t ? 100.0 * (double)r->vm_exit_ns[x] / (double)t : 0,
                           r->vm_exits[x] ? (double)r->vm_exit_ns[x] / (double)r->vm_exits[x] : 0);
  g_string_append_printf(out, "  vCPU wake-ups after the halt poll gave up %" G_GUINT64_FORMAT
                         "; host CPU time taken by vCPUs %.3f ms\n", r->vcpu_blocked_wakeups, ms(r->host_busy_ns));
}

void cpuhp_report_text(GString *out, const CpuhpResult *r, const CpuhpReportExtras *x) {
  g_string_append_printf(out, "cpuhpsim: %s (%s, Linux %s), %s\n", r->profile, r->arch, r->kernel,
                         r->topology);
  g_string_append_printf(out, "bringup: policy %s: %s%s, seed %" G_GUINT64_FORMAT "\n\n", r->policy,
                         r->parallel ? "parallel" : "serial", r->smt_aware ? ", SMT primary threads first" : "",
                         r->seed);
  g_string_append_printf(out, "  bringup time              %12.3f ms   (\"smp: Bringing up secondary CPUs\" to \"smp: Brought up\")\n",
                         ms(r->bringup_ns));
  if (r->all_online_ns != r->bringup_ns)
    g_string_append_printf(out, "  all CPUs online           %12.3f ms   (deferred CPUs onlined after init)\n",
                           ms(r->all_online_ns));
  g_string_append_printf(out, "  CPUs online               %8u / %u\n", r->cpus_online, r->n_cpus);
  g_string_append_printf(out, "  control CPU waiting       %12.3f ms   (busy %0.3f ms: alive polling + TSC sync)\n",
                         ms(r->bp_wait_ns), ms(r->bp_spin_ns));
  g_string_append_printf(out, "  APs spinning at ALIVE     %12.3f ms   (CPU time, all APs)\n\n", ms(r->ap_spin_ns));

  g_string_append(out, "control CPU time by phase                    ms        %\n");
  for (CpuhpBpPhase ph = 0; ph < CPUHP_BP_N_PHASES; ph++) {
    double pct = r->bringup_ns ? 100.0 * (double)r->bp_phase_ns[ph] / (double)r->bringup_ns : 0;
    g_string_append_printf(out, "  %-36s %10.3f %8.1f\n", cpuhp_bp_phase_name(ph), ms(r->bp_phase_ns[ph]), pct);
  }
  if (r->vm) vm_exit_table(out, r);
  g_string_append(out, "\nper-AP means                          primaries     siblings   (ms)\n");
  for (guint i = 0; i < G_N_ELEMENTS(per_ap_rows); i++) {
    double mp, msib;
    guint np, nsib;
    mean_of(r, per_ap_rows[i].f, TRUE, &mp, &np);
    mean_of(r, per_ap_rows[i].f, FALSE, &msib, &nsib);
    g_string_append_printf(out, "  %-34s", per_ap_rows[i].label);
    if (np) g_string_append_printf(out, " %11.3f", mp / 1e6); else g_string_append_printf(out, " %11s", "-");
    if (nsib) g_string_append_printf(out, "  %11.3f\n", msib / 1e6); else g_string_append_printf(out, "  %11s\n", "-");
  }
  gboolean any_failed = FALSE;
  for (guint c = 0; c < r->n_cpus; c++) {
    if (r->cpus[c].status != CPUHP_CPU_FAILED) continue;
    if (!any_failed) g_string_append(out, "\nfailed CPUs\n");
    any_failed = TRUE;
    g_string_append_printf(out, "  CPU%u: %s\n", c, cpuhp_cpu_failure(&r->cpus[c]));
  }
  if (x && x->cmdline && *x->cmdline) {
    g_string_append_printf(out, "\nkernel command line: %s\n", x->cmdline);
    g_string_append_printf(out, "  %-28s %12s %12s  %s\n", "parameter", "without (ms)", "effect (ms)", "mechanism");
    GString *ignored = g_string_new(NULL);
    for (guint i = 0; i < x->n_effects; i++) {
      const CpuhpCmdlineEffect *e = &x->effects[i];
      if (!e->modelled) {
        g_string_append_printf(ignored, " %s", e->param);
        continue;
      }
      g_string_append_printf(out, "  %-28s %12.3f %+12.3f  %s\n", e->param, ms(e->without_ns), ms(r->bringup_ns - e->without_ns),
                             e->mechanism);
    }
    if (ignored->len) g_string_append_printf(out, "  ignored (not modelled):%s\n", ignored->str);
    g_string_free(ignored, TRUE);
  }
  if (x && x->checked) {
    guint bad = x->violations->len;
    g_string_append_printf(out, "\ninvariants: %u checked, %s\n", x->n_invariants, bad ? "VIOLATED:" : "all hold");
    for (guint i = 0; i < bad; i++) {
      const CpuhpViolation *v = &g_array_index(x->violations, CpuhpViolation, i);
      g_string_append_printf(out, "  %s (%s): %s\n", v->inv->name, v->inv->rule, v->detail);
    }
  }
  if (x && x->fingerprinted) g_string_append_printf(out, "\nfingerprint: %016" G_GINT64_MODIFIER "x\n", x->fingerprint);
}

static const char *status_name(CpuhpCpuStatus s) {
  static const char *const names[] = {"boot", "online", "failed", "offline"};
  return names[s];
}

void cpuhp_report_json(GString *out, const CpuhpResult *r, const CpuhpReportExtras *x) {
  g_string_append(out, "{\n  \"profile\": ");
  sim_json_write_string(out, r->profile);
  g_string_append(out, ",\n  \"arch\": ");
  sim_json_write_string(out, r->arch);
  g_string_append(out, ",\n  \"kernel\": ");
  sim_json_write_string(out, r->kernel);
  g_string_append(out, ",\n  \"topology\": ");
  sim_json_write_string(out, r->topology);
  g_string_append(out, ",\n  \"policy\": ");
  sim_json_write_string(out, r->policy);
  g_string_append_printf(out,
                         ",\n  \"seed\": %" G_GUINT64_FORMAT ",\n  \"parallel\": %s,\n"
                         "  \"smt_primary_first\": %s,\n  \"cpus\": %u,\n  \"cpus_online\": %u,\n"
                         "  \"bringup_ns\": %" G_GINT64_FORMAT ",\n  \"all_online_ns\": %" G_GINT64_FORMAT
                         ",\n  \"bp_wait_ns\": %" G_GINT64_FORMAT
                         ",\n  \"bp_spin_ns\": %" G_GINT64_FORMAT ",\n  \"ap_spin_ns\": %" G_GINT64_FORMAT
                         ",\n  \"events\": %" G_GUINT64_FORMAT ",\n  \"bp_phases_ns\": {",
                         r->seed, r->parallel ? "true" : "false", r->smt_aware ? "true" : "false",
                         r->n_cpus, r->cpus_online, r->bringup_ns, r->all_online_ns, r->bp_wait_ns, r->bp_spin_ns,
                         r->ap_spin_ns, r->events);
  static const char *const keys[] = {"prepare", "kick", "alive_spin", "alive_sleep", "wait_ap",
                                     "tsc_sync", "wait_online"};
  G_STATIC_ASSERT(G_N_ELEMENTS(keys) == CPUHP_BP_N_PHASES);
  for (CpuhpBpPhase ph = 0; ph < CPUHP_BP_N_PHASES; ph++)
    g_string_append_printf(out, "%s\"%s\": %" G_GINT64_FORMAT, ph ? ", " : "", keys[ph], r->bp_phase_ns[ph]);
  g_string_append(out, "},\n");
  if (r->vm) {
    g_string_append(out, "  \"vm_exits\": {");
    for (CpuhpVmExit v = 0; v < CPUHP_EXIT_N; v++)
      g_string_append_printf(out, "%s\"%s\": {\"count\": %" G_GUINT64_FORMAT ", \"time_ns\": %" G_GINT64_FORMAT "}",
                             v ? ", " : "", cpuhp_vm_exit_name(v), r->vm_exits[v], r->vm_exit_ns[v]);
    g_string_append_printf(out, "},\n  \"vcpu_blocked_wakeups\": %" G_GUINT64_FORMAT ",\n  \"host_busy_ns\": %" G_GINT64_FORMAT ",\n",
                           r->vcpu_blocked_wakeups, r->host_busy_ns);
  }
  g_string_append(out, "  \"per_cpu\": [\n");
  for (guint i = 0; i < r->n_cpus; i++) {
    const CpuhpCpuResult *c = &r->cpus[i];
    g_string_append_printf(
        out,
        "    {\"cpu\": %u, \"package\": %u, \"core\": %u, \"thread\": %u, \"node\": %u, "
        "\"primary\": %s, \"status\": \"%s\", \"kick_ns\": %" G_GINT64_FORMAT ", \"alive_ns\": %" G_GINT64_FORMAT
        ", \"release_ns\": %" G_GINT64_FORMAT ", \"online_idle_ns\": %" G_GINT64_FORMAT
        ", \"online_ns\": %" G_GINT64_FORMAT ", \"wakeup_ns\": %" G_GINT64_FORMAT
        ", \"microcode_ns\": %" G_GINT64_FORMAT ", \"alive_spin_ns\": %" G_GINT64_FORMAT
        ", \"tsc_sync_ns\": %" G_GINT64_FORMAT ", \"calibrate_ns\": %" G_GINT64_FORMAT
        ", \"online_cb_ns\": %" G_GINT64_FORMAT ", \"failed_step\": %u, \"failed_ret\": %d, \"failure\": ",
        c->cpu, c->package, c->core, c->thread, c->node, c->primary ? "true" : "false",
        status_name(c->status), c->kick, c->alive, c->release, c->online_idle, c->online, c->wakeup_ns,
        c->microcode_ns, c->alive_spin_ns, c->tsc_sync_ns, c->calibrate_ns, c->online_cb_ns,
        c->failed_step, c->failed_ret);
    sim_json_write_string(out, cpuhp_cpu_failure(c));
    g_string_append_printf(out, "}%s\n", i + 1 < r->n_cpus ? "," : "");
  }
  g_string_append(out, "  ],\n  \"log\": [\n");
  for (guint i = 0; i < r->log->len; i++) {
    const CpuhpLogLine *l = &g_array_index(r->log, CpuhpLogLine, i);
    g_string_append_printf(out, "    {\"ts_ns\": %" G_GINT64_FORMAT ", \"text\": ", l->ts);
    sim_json_write_string(out, l->text);
    g_string_append_printf(out, "}%s\n", i + 1 < r->log->len ? "," : "");
  }
  g_string_append(out, "  ]");
  if (x && x->checked) {
    g_string_append_printf(out, ",\n  \"invariants\": {\"checked\": %u, \"violations\": [", x->n_invariants);
    for (guint i = 0; i < x->violations->len; i++) {
      const CpuhpViolation *v = &g_array_index(x->violations, CpuhpViolation, i);
      g_string_append_printf(out, "%s{\"name\": \"%s\", \"detail\": ", i ? ", " : "", v->inv->name);
      sim_json_write_string(out, v->detail);
      g_string_append_c(out, '}');
    }
    g_string_append(out, "]}");
  }
  if (x && x->cmdline && *x->cmdline) {
    g_string_append(out, ",\n  \"cmdline\": {\"text\": ");
    sim_json_write_string(out, x->cmdline);
    g_string_append(out, ", \"whatif\": [");
    gboolean first = TRUE;
    for (guint i = 0; i < x->n_effects; i++) {
      const CpuhpCmdlineEffect *e = &x->effects[i];
      if (!e->modelled) continue;
      g_string_append_printf(out, "%s{\"param\": ", first ? "" : ", ");
      sim_json_write_string(out, e->param);
      g_string_append_printf(out, ", \"without_ns\": %" G_GINT64_FORMAT ", \"effect_ns\": %" G_GINT64_FORMAT ", \"mechanism\": ",
                             e->without_ns, r->bringup_ns - e->without_ns);
      sim_json_write_string(out, e->mechanism);
      g_string_append_c(out, '}');
      first = FALSE;
    }
    g_string_append(out, "], \"ignored\": [");
    first = TRUE;
    for (guint i = 0; i < x->n_effects; i++) {
      if (x->effects[i].modelled) continue;
      if (!first) g_string_append(out, ", ");
      sim_json_write_string(out, x->effects[i].param);
      first = FALSE;
    }
    g_string_append(out, "]}");
  }
  if (x && x->fingerprinted)
    g_string_append_printf(out, ",\n  \"fingerprint\": \"%016" G_GINT64_MODIFIER "x\"", x->fingerprint);
  g_string_append(out, "\n}\n");
}

void cpuhp_report_ftrace(GString *out, const CpuhpResult *r) {
  g_assert(r->trace);
  sim_ftrace_header(out, r->trace->len);
  for (guint i = 0; i < r->trace->len; i++)
    sim_ftrace_format(out, &g_array_index(r->trace, SimFtraceRec, i));
}

void cpuhp_report_states(GString *out, const CpuhpProfile *p) {
  const CpuhpTable *t = cpuhp_profile_table(p);
  g_assert(t); /* the profile loader accepted the pair */
  g_string_append_printf(out, "cpuhp states, %s, Linux %s, profile %s\n", t->arch, t->version, p->name);
  g_string_append_printf(out, "%4s  %-36s %-30s %-28s %-9s %-13s %-4s %s\n", "step", "enum", "name",
                         "startup callback", "section", "runs on", "boot", "cost");
  for (guint i = 0; i < t->n_steps; i++) {
    const CpuhpStep *s = &t->steps[i];
    const CpuhpStateCost *sc = cpuhp_profile_state(p, s->name);
    gboolean present = sc && sc->present >= 0 ? sc->present : s->at_boot;
    GString *cost = g_string_new(NULL);
    if (s->cost == CPUHP_COST_KICK) g_string_append(cost, "arch kick (x86.* kick parameters)");
    else if (s->cost == CPUHP_COST_BRINGUP) g_string_append(cost, "waits for the AP");
    else if (s->cost == CPUHP_COST_NONE) g_string_append(cost, "-");
    else if (!sc || !sc->n_costs) g_string_append(cost, "0");
    for (guint k = 0; sc && k < sc->n_costs && s->cost == CPUHP_COST_PROFILE; k++) {
      g_autofree char *d = sim_dist_describe(&sc->costs[k]);
      g_string_append_printf(cost, "%s%s", k ? " + " : "", d);
    }
    char b[32];
    if (sc && sc->per_possible_cpu)
      g_string_append_printf(cost, " + %s per possible CPU", sim_format_duration(sc->per_possible_cpu, b, sizeof b));
    if (sc && sc->per_online_cpu)
      g_string_append_printf(cost, " + %s per online CPU", sim_format_duration(sc->per_online_cpu, b, sizeof b));
    g_string_append_printf(out, "%4u  %-36s %-30s %-28s %-9s %-13s %-4s %s\n", s->step, s->enum_name,
                           s->name, s->startup ? s->startup : "-", cpuhp_section_name(s->section),
                           cpuhp_runner_name(s->runs_on), present ? "yes" : "no", cost->str);
    g_string_free(cost, TRUE);
  }
}

/* ---- Monte Carlo and comparisons -------------------------------------------------------- */

void cpuhp_report_mc_text(GString *out, const CpuhpResult *first, const CpuhpSamples *s) {
  g_string_append_printf(out, "cpuhpsim: %s (%s, Linux %s), %s\n", first->profile, first->arch, first->kernel,
                         first->topology);
  g_string_append_printf(out, "policy %s, %u runs, seeds %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT
                         ", CPUs online %u..%u of %u\n\n", s->policy, s->runs, s->first_seed,
                         s->first_seed + s->runs - 1, s->min_online, s->max_online, first->n_cpus);
  g_string_append_printf(out, "%-30s %10s %10s %10s %10s %10s %10s  (ms)\n", "", "mean", "p50", "p90", "p99", "min", "max");
  for (CpuhpMetric k = 0; k < CPUHP_METRIC_N; k++) {
    SimStats st;
    sim_stats_compute(s->values[k], s->runs, &st);
    g_string_append_printf(out, "%-30s %10.3f %10.3f %10.3f %10.3f %10.3f %10.3f\n", cpuhp_metric_label(k),
                           st.mean / 1e6, st.p50 / 1e6, st.p90 / 1e6, st.p99 / 1e6, st.min / 1e6, st.max / 1e6);
  }
}

static void json_stats(GString *out, const SimStats *st) {
  g_string_append_printf(out, "{\"mean\": %.1f, \"sd\": %.1f, \"p50\": %.0f, \"p90\": %.0f, \"p99\": %.0f, "
                         "\"min\": %.0f, \"max\": %.0f}", st->mean, st->sd, st->p50, st->p90, st->p99, st->min, st->max);
}

void cpuhp_report_mc_json(GString *out, const CpuhpResult *first, const CpuhpSamples *s) {
  g_string_append(out, "{\n  \"profile\": ");
  sim_json_write_string(out, first->profile);
  g_string_append(out, ",\n  \"policy\": ");
  sim_json_write_string(out, s->policy);
  g_string_append_printf(out, ",\n  \"cpus\": %u,\n  \"runs\": %u,\n  \"first_seed\": %" G_GUINT64_FORMAT
                         ",\n  \"cpus_online_min\": %u,\n  \"cpus_online_max\": %u,\n  \"stats\": {",
                         first->n_cpus, s->runs, s->first_seed, s->min_online, s->max_online);
  for (CpuhpMetric k = 0; k < CPUHP_METRIC_N; k++) {
    SimStats st;
    sim_stats_compute(s->values[k], s->runs, &st);
    g_string_append_printf(out, "%s\n    \"%s\": ", k ? "," : "", cpuhp_metric_key(k));
    json_stats(out, &st);
  }
  g_string_append(out, "\n  }\n}\n");
}

void cpuhp_report_compare(GString *out, const char *format, const char *profile, GPtrArray *samples) {
  g_assert(samples->len > 0);
  const CpuhpSamples *base = samples->pdata[0];
  gboolean json = g_str_equal(format, "json"), csv = g_str_equal(format, "csv");
  if (json) {
    g_string_append(out, "{\n  \"profile\": ");
    sim_json_write_string(out, profile);
    g_string_append_printf(out, ",\n  \"runs\": %u,\n  \"first_seed\": %" G_GUINT64_FORMAT ",\n  \"policies\": [",
                           base->runs, base->first_seed);
  } else if (csv) {
    g_string_append(out, "policy,runs");
    for (CpuhpMetric k = 0; k < CPUHP_METRIC_N; k++)
      g_string_append_printf(out, ",%s_mean,%s_p50,%s_p90,%s_diff_mean,%s_diff_ci95", cpuhp_metric_key(k),
                             cpuhp_metric_key(k), cpuhp_metric_key(k), cpuhp_metric_key(k), cpuhp_metric_key(k));
    g_string_append_c(out, '\n');
  } else {
    g_string_append_printf(out, "%s, %u runs per policy (seeds %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT
                           ", the same for every policy)\n\n", profile, base->runs, base->first_seed,
                           base->first_seed + base->runs - 1);
    g_string_append_printf(out, "%-22s %12s %12s %12s %12s %12s %24s\n", "policy (ms, means)", "bringup", "all online",
                           "BP waiting", "BP busy", "AP spin", "bringup vs first (95% CI)");
  }
  for (guint i = 0; i < samples->len; i++) {
    const CpuhpSamples *s = samples->pdata[i];
    SimStats st[CPUHP_METRIC_N];
    double dmean[CPUHP_METRIC_N], dci[CPUHP_METRIC_N];
    for (CpuhpMetric k = 0; k < CPUHP_METRIC_N; k++) {
      sim_stats_compute(s->values[k], s->runs, &st[k]);
      sim_stats_paired_diff(s->values[k], base->values[k], s->runs, &dmean[k], &dci[k]);
    }
    if (json) {
      g_string_append_printf(out, "%s\n    {\"policy\": ", i ? "," : "");
      sim_json_write_string(out, s->policy);
      for (CpuhpMetric k = 0; k < CPUHP_METRIC_N; k++) {
        g_string_append_printf(out, ", \"%s\": ", cpuhp_metric_key(k));
        json_stats(out, &st[k]);
        g_string_append_printf(out, ", \"%s_diff\": {\"mean\": %.1f, \"ci95\": %.1f}", cpuhp_metric_key(k), dmean[k], dci[k]);
      }
      g_string_append_c(out, '}');
    } else if (csv) {
      g_string_append_printf(out, "%s,%u", s->policy, s->runs);
      for (CpuhpMetric k = 0; k < CPUHP_METRIC_N; k++)
        g_string_append_printf(out, ",%.1f,%.0f,%.0f,%.1f,%.1f", st[k].mean, st[k].p50, st[k].p90, dmean[k], dci[k]);
      g_string_append_c(out, '\n');
    } else {
      g_autofree char *diff = i ? g_strdup_printf("%+.3f +- %.3f", dmean[0] / 1e6, dci[0] / 1e6) : g_strdup("-");
      g_string_append_printf(out, "%-22s %12.3f %12.3f %12.3f %12.3f %12.3f %24s\n", s->policy, st[0].mean / 1e6,
                             st[1].mean / 1e6, st[2].mean / 1e6, st[3].mean / 1e6, st[4].mean / 1e6, diff);
    }
  }
  if (json) g_string_append(out, "\n  ]\n}\n");
}
