/* report.c — text, JSON and ftrace renderings of a result; the state table of a profile. */
#include "sim/output/report.h"

#include "models/kernel/invariants.h"
#include "models/kernel/prepare.h"
#include "sim/output/ftrace.h"
#include "sim/output/stats.h"
#include "sim/output/json_write.h"

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

/* The whole boot: its phases, and the pieces of each (profile boot terms). */
static void boot_json(SimJsonWriter *w, const CpuhpResult *r) {
  sim_jw_begin_object(w, "boot", SIM_JW_LINES);
  sim_jw_int(w, "vmm_ns", r->boot_vmm_ns);
  sim_jw_int(w, "before_smp_ns", r->boot_before_ns);
  sim_jw_int(w, "bringup_ns", r->bringup_ns);
  sim_jw_int(w, "after_smp_ns", r->boot_after_ns);
  sim_jw_int(w, "boot_ns", r->boot_ns);
  sim_jw_begin_array(w, "spans", SIM_JW_LINES);
  for (guint i = 0; i < r->boot_spans->len; i++) {
    const CpuhpBootSpan *s = &g_array_index(r->boot_spans, CpuhpBootSpan, i);
    sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
    sim_jw_string(w, "name", s->name);
    sim_jw_string(w, "phase", cpuhp_boot_phase_name(s->phase));
    sim_jw_int(w, "start_ns", s->start);
    sim_jw_int(w, "ns", s->ns);
    sim_jw_int(w, "work_ns", s->work_ns);
    sim_jw_end_object(w);
  }
  sim_jw_end_array(w);
  sim_jw_end_object(w);
}

/* Text: the whole boot by phase, each phase's pieces below it. */
static void boot_text(GString *out, const CpuhpResult *r) {
  double total = (double)r->boot_ns;
  g_string_append_printf(out, "\nwhole boot: %.3f ms (VMM start to \"Run /init as init process\")\n", ms(r->boot_ns));
  g_string_append(out, "  phase / piece                                ms        %   of which waiting\n");
  static const char *const titles[] = {"VMM before the kernel", "kernel entry to smp_init", "after smp_init to /init"};
  int64_t phase_ns[] = {r->boot_vmm_ns, r->boot_before_ns, r->boot_after_ns};
  for (CpuhpBootPhase ph = 0; ph < CPUHP_BOOT_N_PHASES; ph++) {
    if (ph == CPUHP_BOOT_AFTER_SMP)
      g_string_append_printf(out, "  %-40s %10.3f %8.1f\n", "bringup window (smp_init)", ms(r->bringup_ns),
                             total > 0 ? 100.0 * (double)r->bringup_ns / total : 0);
    g_string_append_printf(out, "  %-40s %10.3f %8.1f\n", titles[ph], ms(phase_ns[ph]),
                           total > 0 ? 100.0 * (double)phase_ns[ph] / total : 0);
    for (guint i = 0; i < r->boot_spans->len; i++) {
      const CpuhpBootSpan *s = &g_array_index(r->boot_spans, CpuhpBootSpan, i);
      if (s->phase != ph) continue;
      g_string_append_printf(out, "    %-38s %10.3f %8.1f", s->name, ms(s->ns), total > 0 ? 100.0 * (double)s->ns / total : 0);
      if (s->ns > s->work_ns) g_string_append_printf(out, "   %.3f", ms(s->ns - s->work_ns));
      g_string_append_c(out, '\n');
    }
  }
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
  if (r->boot_spans) boot_text(out, r);
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
  if (x && x->checked) { /* labelled as `verify` does: a known property fails only when strict */
    guint bad = 0, known = 0;
    for (guint i = 0; i < x->violations->len; i++)
      cpuhp_violation_fails(&g_array_index(x->violations, CpuhpViolation, i), x->strict) ? bad++ : known++;
    g_string_append_printf(out, "\ninvariants: %u checked, %s\n", x->n_invariants,
                           bad ? "VIOLATED:" : known ? "all hold but known properties of the kernel" : "all hold");
    for (guint i = 0; i < x->violations->len; i++) {
      const CpuhpViolation *v = &g_array_index(x->violations, CpuhpViolation, i);
      if (!cpuhp_violation_fails(v, x->strict)) continue;
      g_string_append_printf(out, "  %s (%s): %s\n", v->inv->name, v->inv->rule, v->detail);
      if (v->known) g_string_append_printf(out, "    known property of the kernel (failed by --strict): %s\n", v->known->name);
    }
    for (guint i = 0; i < x->violations->len; i++) {
      const CpuhpViolation *v = &g_array_index(x->violations, CpuhpViolation, i);
      if (cpuhp_violation_fails(v, x->strict)) continue;
      g_string_append_printf(out, "  known property of the kernel, not a failure (--strict fails it): %s\n"
                             "    %s\n    breaks %s: %s\n    source: %s\n", v->known->name, v->known->what,
                             v->inv->name, v->detail, v->known->source);
    }
    if (x->table_violations) {
      guint tb = x->table_violations->len;
      g_string_append_printf(out, "state table %s: %u rules checked, %s\n", x->table, x->n_table_rules,
                             tb ? "VIOLATED:" : "all hold");
      for (guint i = 0; i < tb; i++) {
        const CpuhpTableViolation *v = &g_array_index(x->table_violations, CpuhpTableViolation, i);
        g_string_append_printf(out, "  %s: %s: %s: %s\n    source: %s\n", v->rule->name, v->origin ? v->origin : x->table,
                               v->state, v->detail, v->source);
      }
    }
  }
  if (x && x->fingerprinted) g_string_append_printf(out, "\nfingerprint: %016" G_GINT64_MODIFIER "x\n", x->fingerprint);
}

static const char *status_name(CpuhpCpuStatus s) {
  static const char *const names[] = {"boot", "online", "failed", "offline"};
  return names[s];
}

void cpuhp_report_table_violations_json(SimJsonWriter *w, const GArray *violations, SimJwLayout layout) {
  sim_jw_begin_array(w, "table_violations", layout);
  for (guint i = 0; i < violations->len; i++) {
    const CpuhpTableViolation *v = &g_array_index(violations, CpuhpTableViolation, i);
    sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
    sim_jw_string(w, "rule", v->rule->name);
    sim_jw_string(w, "text", v->rule->rule);
    sim_jw_string(w, "state", v->state);
    sim_jw_string(w, "origin", v->origin);
    sim_jw_string(w, "detail", v->detail);
    sim_jw_string(w, "source", v->source);
    sim_jw_end_object(w);
  }
  sim_jw_end_array(w);
}

void cpuhp_report_json(GString *out, const CpuhpResult *r, const CpuhpReportExtras *x) {
  g_autoptr(SimJsonWriter) w = sim_jw_new(out);
  sim_jw_begin_object(w, NULL, SIM_JW_LINES);
  sim_jw_string(w, "profile", r->profile);
  sim_jw_string(w, "arch", r->arch);
  sim_jw_string(w, "kernel", r->kernel);
  sim_jw_string(w, "topology", r->topology);
  sim_jw_string(w, "policy", r->policy);
  sim_jw_uint(w, "seed", r->seed);
  sim_jw_bool(w, "parallel", r->parallel);
  sim_jw_bool(w, "smt_primary_first", r->smt_aware);
  sim_jw_uint(w, "cpus", r->n_cpus);
  sim_jw_uint(w, "cpus_online", r->cpus_online);
  sim_jw_int(w, "bringup_ns", r->bringup_ns);
  sim_jw_int(w, "all_online_ns", r->all_online_ns);
  if (r->boot_ns >= 0) sim_jw_int(w, "boot_ns", r->boot_ns);
  else sim_jw_null(w, "boot_ns");
  sim_jw_int(w, "bp_wait_ns", r->bp_wait_ns);
  sim_jw_int(w, "bp_spin_ns", r->bp_spin_ns);
  sim_jw_int(w, "ap_spin_ns", r->ap_spin_ns);
  sim_jw_uint(w, "events", r->events);
  static const char *const keys[] = {"prepare", "kick", "alive_spin", "alive_sleep", "wait_ap",
                                     "tsc_sync", "wait_online"};
  G_STATIC_ASSERT(G_N_ELEMENTS(keys) == CPUHP_BP_N_PHASES);
  sim_jw_begin_object(w, "bp_phases_ns", SIM_JW_INLINE);
  for (CpuhpBpPhase ph = 0; ph < CPUHP_BP_N_PHASES; ph++) sim_jw_int(w, keys[ph], r->bp_phase_ns[ph]);
  sim_jw_end_object(w);
  if (r->vm) {
    sim_jw_begin_object(w, "vm_exits", SIM_JW_INLINE);
    for (CpuhpVmExit v = 0; v < CPUHP_EXIT_N; v++) {
      sim_jw_begin_object(w, cpuhp_vm_exit_name(v), SIM_JW_INLINE);
      sim_jw_uint(w, "count", r->vm_exits[v]);
      sim_jw_int(w, "time_ns", r->vm_exit_ns[v]);
      sim_jw_end_object(w);
    }
    sim_jw_end_object(w);
    sim_jw_uint(w, "vcpu_blocked_wakeups", r->vcpu_blocked_wakeups);
    sim_jw_int(w, "host_busy_ns", r->host_busy_ns);
  }
  if (r->boot_spans) boot_json(w, r);
  sim_jw_begin_array(w, "per_cpu", SIM_JW_LINES);
  for (guint i = 0; i < r->n_cpus; i++) {
    const CpuhpCpuResult *c = &r->cpus[i];
    sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
    sim_jw_uint(w, "cpu", c->cpu);
    sim_jw_uint(w, "package", c->package);
    sim_jw_uint(w, "core", c->core);
    sim_jw_uint(w, "thread", c->thread);
    sim_jw_uint(w, "node", c->node);
    sim_jw_bool(w, "primary", c->primary);
    sim_jw_string(w, "status", status_name(c->status));
    sim_jw_int(w, "kick_ns", c->kick);
    sim_jw_int(w, "alive_ns", c->alive);
    sim_jw_int(w, "release_ns", c->release);
    sim_jw_int(w, "online_idle_ns", c->online_idle);
    sim_jw_int(w, "online_ns", c->online);
    sim_jw_int(w, "wakeup_ns", c->wakeup_ns);
    sim_jw_int(w, "microcode_ns", c->microcode_ns);
    sim_jw_int(w, "alive_spin_ns", c->alive_spin_ns);
    sim_jw_int(w, "tsc_sync_ns", c->tsc_sync_ns);
    sim_jw_int(w, "tsc_lock_stall_ns", c->tsc_lock_stall_ns);
    sim_jw_int(w, "calibrate_ns", c->calibrate_ns);
    sim_jw_int(w, "online_cb_ns", c->online_cb_ns);
    sim_jw_uint(w, "failed_step", c->failed_step);
    sim_jw_int(w, "failed_ret", c->failed_ret);
    sim_jw_string(w, "failure", cpuhp_cpu_failure(c));
    sim_jw_end_object(w);
  }
  sim_jw_end_array(w);
  sim_jw_begin_array(w, "log", SIM_JW_LINES);
  for (guint i = 0; i < r->log->len; i++) {
    const CpuhpLogLine *l = &g_array_index(r->log, CpuhpLogLine, i);
    sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
    sim_jw_int(w, "ts_ns", l->ts);
    sim_jw_string(w, "text", l->text);
    sim_jw_end_object(w);
  }
  sim_jw_end_array(w);
  if (x && x->checked) {
    sim_jw_begin_object(w, "invariants", SIM_JW_INLINE);
    sim_jw_uint(w, "checked", x->n_invariants);
    gboolean passed = !x->table_violations || !x->table_violations->len;
    for (guint i = 0; i < x->violations->len; i++)
      passed &= !cpuhp_violation_fails(&g_array_index(x->violations, CpuhpViolation, i), x->strict);
    sim_jw_bool(w, "passed", passed);
    sim_jw_bool(w, "strict", x->strict);
    for (int known = 0; known <= 1; known++) { /* as `verify --format=json` splits them */
      sim_jw_begin_array(w, known ? "known_properties" : "violations", SIM_JW_INLINE);
      for (guint i = 0; i < x->violations->len; i++) {
        const CpuhpViolation *v = &g_array_index(x->violations, CpuhpViolation, i);
        if (cpuhp_violation_fails(v, x->strict) == known) continue;
        sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
        sim_jw_string(w, "name", v->inv->name);
        sim_jw_string(w, "detail", v->detail);
        sim_jw_string(w, "known", v->known ? v->known->name : NULL);
        if (v->known) sim_jw_string(w, "source", v->known->source);
        sim_jw_end_object(w);
      }
      sim_jw_end_array(w);
    }
    if (x->table_violations) {
      sim_jw_string(w, "table", x->table);
      sim_jw_uint(w, "table_rules", x->n_table_rules);
      cpuhp_report_table_violations_json(w, x->table_violations, SIM_JW_INLINE);
    }
    sim_jw_end_object(w);
  }
  if (x && x->cmdline && *x->cmdline) {
    sim_jw_begin_object(w, "cmdline", SIM_JW_INLINE);
    sim_jw_string(w, "text", x->cmdline);
    sim_jw_begin_array(w, "whatif", SIM_JW_INLINE);
    for (guint i = 0; i < x->n_effects; i++) {
      const CpuhpCmdlineEffect *e = &x->effects[i];
      if (!e->modelled) continue;
      sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
      sim_jw_string(w, "param", e->param);
      sim_jw_int(w, "without_ns", e->without_ns);
      sim_jw_int(w, "effect_ns", r->bringup_ns - e->without_ns);
      sim_jw_string(w, "mechanism", e->mechanism);
      sim_jw_end_object(w);
    }
    sim_jw_end_array(w);
    sim_jw_begin_array(w, "ignored", SIM_JW_INLINE);
    for (guint i = 0; i < x->n_effects; i++)
      if (!x->effects[i].modelled) sim_jw_string(w, NULL, x->effects[i].param);
    sim_jw_end_array(w);
    sim_jw_end_object(w);
  }
  if (x && x->fingerprinted) {
    char fp[17];
    g_snprintf(fp, sizeof fp, "%016" G_GINT64_MODIFIER "x", x->fingerprint);
    sim_jw_string(w, "fingerprint", fp);
  }
  sim_jw_end_object(w);
  g_string_append_c(out, '\n');
}

void cpuhp_report_ftrace(GString *out, const CpuhpResult *r) {
  g_assert(r->trace);
  sim_ftrace_header(out, r->trace->len);
  for (guint i = 0; i < r->trace->len; i++)
    sim_ftrace_format(out, &g_array_index(r->trace, CpuhpTraceEvent, i));
}

/* What a state costs in this profile, in words (the states table's last column). */
static char *state_cost(const CpuhpStep *s, const CpuhpStateCost *sc) {
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
  return g_string_free(cost, FALSE);
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
    g_autofree char *cost = state_cost(s, sc);
    g_string_append_printf(out, "%4u  %-36s %-30s %-28s %-9s %-13s %-4s %s\n", s->step, s->enum_name,
                           s->name, s->startup ? s->startup : "-", cpuhp_section_name(s->section),
                           cpuhp_runner_name(s->runs_on), present ? "yes" : "no", cost);
  }
}

void cpuhp_report_states_json(GString *out, const CpuhpProfile *p) {
  const CpuhpTable *t = cpuhp_profile_table(p);
  g_assert(t);
  g_autoptr(SimJsonWriter) w = sim_jw_new(out);
  sim_jw_begin_object(w, NULL, SIM_JW_LINES);
  sim_jw_string(w, "arch", t->arch);
  sim_jw_string(w, "version", t->version);
  sim_jw_string(w, "profile", p->name);
  sim_jw_begin_array(w, "states", SIM_JW_LINES);
  for (guint i = 0; i < t->n_steps; i++) {
    const CpuhpStep *s = &t->steps[i];
    const CpuhpStateCost *sc = cpuhp_profile_state(p, s->name);
    g_autofree char *cost = state_cost(s, sc);
    sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
    sim_jw_uint(w, "step", s->step);
    sim_jw_string(w, "enum", s->enum_name);
    sim_jw_string(w, "name", s->name);
    if (s->startup) sim_jw_string(w, "startup", s->startup);
    else sim_jw_null(w, "startup");
    sim_jw_string(w, "section", cpuhp_section_name(s->section));
    sim_jw_string(w, "runs_on", cpuhp_runner_name(s->runs_on));
    sim_jw_bool(w, "at_boot", sc && sc->present >= 0 ? sc->present : s->at_boot);
    sim_jw_string(w, "cost", cost);
    sim_jw_end_object(w);
  }
  sim_jw_end_array(w);
  sim_jw_end_object(w);
  g_string_append_c(out, '\n');
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

static void json_stats(SimJsonWriter *w, const char *key, const SimStats *st) {
  sim_jw_begin_object(w, key, SIM_JW_INLINE);
  sim_jw_double(w, "mean", st->mean, 1);
  sim_jw_double(w, "sd", st->sd, 1);
  sim_jw_double(w, "p50", st->p50, 0);
  sim_jw_double(w, "p90", st->p90, 0);
  sim_jw_double(w, "p99", st->p99, 0);
  sim_jw_double(w, "min", st->min, 0);
  sim_jw_double(w, "max", st->max, 0);
  sim_jw_end_object(w);
}

void cpuhp_report_mc_json(GString *out, const CpuhpResult *first, const CpuhpSamples *s) {
  g_autoptr(SimJsonWriter) w = sim_jw_new(out);
  sim_jw_begin_object(w, NULL, SIM_JW_LINES);
  sim_jw_string(w, "profile", first->profile);
  sim_jw_string(w, "policy", s->policy);
  sim_jw_uint(w, "cpus", first->n_cpus);
  sim_jw_uint(w, "runs", s->runs);
  sim_jw_uint(w, "first_seed", s->first_seed);
  sim_jw_uint(w, "cpus_online_min", s->min_online);
  sim_jw_uint(w, "cpus_online_max", s->max_online);
  sim_jw_begin_object(w, "stats", SIM_JW_LINES);
  for (CpuhpMetric k = 0; k < CPUHP_METRIC_N; k++) {
    SimStats st;
    sim_stats_compute(s->values[k], s->runs, &st);
    json_stats(w, cpuhp_metric_key(k), &st);
  }
  sim_jw_end_object(w);
  sim_jw_end_object(w);
  g_string_append_c(out, '\n');
}

void cpuhp_report_compare(GString *out, const char *format, const char *profile, GPtrArray *samples) {
  g_assert(samples->len > 0);
  const CpuhpSamples *base = samples->pdata[0];
  gboolean json = g_str_equal(format, "json"), csv = g_str_equal(format, "csv");
  g_autoptr(SimJsonWriter) w = json ? sim_jw_new(out) : NULL;
  if (json) {
    sim_jw_begin_object(w, NULL, SIM_JW_LINES);
    sim_jw_string(w, "profile", profile);
    sim_jw_uint(w, "runs", base->runs);
    sim_jw_uint(w, "first_seed", base->first_seed);
    sim_jw_begin_array(w, "policies", SIM_JW_LINES);
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
      sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
      sim_jw_string(w, "policy", s->policy);
      for (CpuhpMetric k = 0; k < CPUHP_METRIC_N; k++) {
        json_stats(w, cpuhp_metric_key(k), &st[k]);
        g_autofree char *diff = g_strdup_printf("%s_diff", cpuhp_metric_key(k));
        sim_jw_begin_object(w, diff, SIM_JW_INLINE);
        sim_jw_double(w, "mean", dmean[k], 1);
        sim_jw_double(w, "ci95", dci[k], 1);
        sim_jw_end_object(w);
      }
      sim_jw_end_object(w);
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
  if (json) {
    sim_jw_end_array(w);
    sim_jw_end_object(w);
    g_string_append_c(out, '\n');
  }
}
