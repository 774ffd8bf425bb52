/* bringup_run.c — cpuhp_bringup_run(): the simulated machine set up from a profile and the
 * run's options, run, and taken down; the fault and mutation options it takes. The bringup
 * itself is bringup.c's (machine.h is their shared inside). */
#include "models/kernel/arch.h"
#include "models/kernel/machine.h"
#include "models/kernel/policy.h"

/* ---- faults ------------------------------------------------------------------------------ */

gboolean cpuhp_fault_parse(const CpuhpProfile *p, const char *flag, const char *spec,
                           gboolean no_alive, CpuhpFault *out, GError **error) {
  const CpuhpTable *t = cpuhp_profile_table(p);
  g_assert(t);
  g_auto(GStrv) parts = g_strsplit(spec, ":", 2);
  guint n_parts = g_strv_length(parts);
  guint64 cpu;
  *out = (CpuhpFault){.no_alive = no_alive};
  if (n_parts != (no_alive ? 1u : 2u) || !g_ascii_string_to_unsigned(parts[0], 10, 0, G_MAXUINT, &cpu, NULL)) {
    g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_VALUE, "%s=%s: expected %s", flag, spec,
                no_alive ? "a CPU number" : "CPU:STATE, STATE a step number or a state name");
    return FALSE;
  }
  guint n = cpuhp_profile_n_cpus(p);
  if (cpu == 0 || cpu >= n) {
    g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_VALUE, "%s=%s: %s", flag, spec,
                cpu == 0 ? "CPU0 is the boot CPU, it is not brought up"
                         : "no such CPU in this topology");
    return FALSE;
  }
  out->cpu = (guint)cpu;
  if (no_alive) return TRUE;
  guint64 step;
  const CpuhpStep *s = g_ascii_string_to_unsigned(parts[1], 10, 0, G_MAXUINT16, &step, NULL)
                           ? cpuhp_table_at(t, (guint)step)
                           : cpuhp_table_find(t, parts[1]);
  const CpuhpStateCost *sc = s ? cpuhp_profile_state(p, s->name) : NULL;
  gboolean present = s && (sc && sc->present >= 0 ? sc->present : s->at_boot);
  const char *why = !s                                           ? "no such state in the table"
                    : !s->startup                                ? "the state has no startup callback"
                    : s->section == CPUHP_SECTION_STARTING       ? "fail is not allowed for the atomic STARTING states"
                    : !present                                   ? "the state is not present in this profile"
                                                                 : NULL;
  if (why) {
    g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_VALUE, "%s=%s: %s", flag, spec, why);
    return FALSE;
  }
  out->step = s->step;
  return TRUE;
}

/* ---- set-up ----------------------------------------------------------------------------- */

static void ev_bp_start(void *ctx, uint64_t unused) {
  CpuhpMachine *m = ctx;
  cpuhp_result_log_text(m->res, m->res->smp_init_at, "smp: Bringing up secondary CPUs ...");
  machine_bp_next_cpu(m);
}

CpuhpResult *cpuhp_bringup_run(const CpuhpProfile *p, const CpuhpRunOptions *opt, GError **error) {
  const CpuhpTable *table = cpuhp_profile_table(p);
  const CpuhpArch *a = cpuhp_arch_lookup(p->arch);
  const ArchOps *arch = a ? a->ops : NULL;
  if (!table || !arch) {
    g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_VALUE,
                "%s: no model for arch %s, kernel %s (have: %s)", p->source, p->arch,
                p->kernel.version, cpuhp_table_known());
    return NULL;
  }
  g_autoptr(SimEngine) e = sim_engine_new();
  if (opt->queue_every_event) sim_engine_set_inline(e, FALSE);
  CpuhpMachine m = {.e = e, .p = p, .table = table, .arch = arch, .seed = opt->seed,
                    .tracing = opt->trace, .mutation = opt->mutation};
  m.topo = cpuhp_topology_of(p);
  m.n_cpus = cpuhp_topology_n_cpus(m.topo);
  m.res = cpuhp_result_new(m.n_cpus);
  if (opt->trace) {
    cpuhp_result_trace_new(m.res, 0);
    m.trace_comm = g_new0(const char *, m.n_cpus);
  }
  m.cpus = g_aligned_alloc0(m.n_cpus, sizeof(CpuhpCpu), 64); /* a CPU: two whole lines */
  m.cores = g_new0(CpuhpCore, cpuhp_topology_n_cores(m.topo));
  m.pkg_booted = g_new0(guint, cpuhp_topology_n_packages(m.topo));
  m.tr_lock = sim_lock_new(e);
  m.vm_lock = sim_lock_new(e);
  m.fw_locks = g_ptr_array_new_with_free_func((GDestroyNotify)sim_lock_free);
  if (p->host.pcpus) m.host = sim_ps_pool_new(e, p->host.pcpus, m.n_cpus);
  if (p->host.udelay_warps_to_tick) machine_ticks_init(&m);
  if (m.host && p->host.idle_share) sim_ps_set_share_law(m.host, TRUE);
  m.next_pid = (int32_t)p->kernel.first_kthread_pid;
  m.bp.node_of_line = -1;
  if (arch->setup) arch->setup(&m);

  m.rows = *cpuhp_profile_rows(p);
  g_assert(m.rows.table == table);

  for (guint c = 0; c < m.n_cpus; c++) {
    m.cpus[c].topo = cpuhp_topology_cpu(m.topo, c);
    const CpuhpTopoCpu *t = m.cpus[c].topo;
    CpuhpCpuResult *r = &m.res->cpus[c]; /* zeroed by cpuhp_result_new(): the rest is 0 */
    r->cpu = c, r->package = t->package, r->core = t->core, r->thread = t->thread, r->node = t->node;
    r->primary = t->primary;
    r->status = CPUHP_CPU_OFFLINE;
    r->up_start = r->kick = r->alive = r->release = r->online_idle = r->online = r->running = -1;
    r->ucode_apply[0] = r->ucode_apply[1] = -1;
  }
  /* The boot CPU is online before smp_init() and counts for its package. */
  m.cpus[0].state = table->online;
  m.cpus[0].sync = SYNC_STATE_ONLINE;
  m.res->cpus[0].status = CPUHP_CPU_BOOT;
  m.res->cpus[0].online = 0;
  m.pkg_booted[m.cpus[0].topo->package] = 1;
  m.n_online = 1; /* the BP */
  machine_host_speed(&m);
  /* load_ucode_bsp() updated the boot CPU's core long before smp_init(). */
  m.cores[m.cpus[0].topo->core].ucode = UCODE_CURRENT;

  m.res->profile = g_strdup(p->name);
  m.res->topology = g_strdup(cpuhp_topology_describe(m.topo));
  m.res->arch = g_strdup(p->arch);
  m.res->kernel = g_strdup(p->kernel.version);
  m.res->seed = opt->seed;
  m.res->smp_init_at = p->kernel.smp_init_at;
  machine_boot_before_smp(&m); /* a modelled whole boot puts the window where it ends */
  if (m.ticks) machine_tick_start(&m, 0, -m.res->smp_init_at); /* the BP's: on the jiffies grid */
  for (guint i = 0; i < opt->n_faults; i++) {
    const CpuhpFault *f = &opt->faults[i];
    g_assert(f->cpu > 0 && f->cpu < m.n_cpus); /* cpuhp_fault_parse() checked */
    if (f->no_alive) m.cpus[f->cpu].no_alive = TRUE;
    else m.cpus[f->cpu].fail_step = f->step;
  }
  g_autoptr(CpuhpPolicy) kernel_policy = opt->policy ? NULL : cpuhp_policy_parse("kernel", NULL);
  const CpuhpPolicy *pol = opt->policy ? opt->policy : kernel_policy;
  if (!cpuhp_policy_plan(pol, p, m.topo, table, &m.bp.plan, error)) {
    cpuhp_result_free(m.res);
    m.res = NULL;
    goto out;
  }
  if (G_UNLIKELY(m.mutation)) mutate_plan(&m);
  m.res->parallel = m.bp.plan.parallel;
  m.res->smt_aware = m.bp.plan.smt_aware;
  m.res->policy = g_strdup(cpuhp_policy_spec(pol));

  sim_engine_schedule(e, 0, ev_bp_start, &m, 0);
  uint64_t max_events = opt->max_events ? opt->max_events : CPUHP_MAX_EVENTS_DEFAULT;
  sim_engine_set_max_events(e, max_events);
  sim_engine_run(e, INT64_MAX);
  if (sim_engine_exhausted(e)) {
    g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_VALUE,
                "%s: the bringup did not end within %" G_GUINT64_FORMAT " events (--max-events): "
                "a runaway, at simulated time %" G_GINT64_FORMAT " ns", p->source, max_events,
                sim_engine_now(e));
    cpuhp_result_free(m.res);
    m.res = NULL;
    goto out;
  }
  g_assert(m.bp.done); /* every wait in the model ends or times out */

  for (CpuhpBpPhase ph = 0; ph < CPUHP_BP_N_PHASES; ph++) {
    if (cpuhp_bp_phase_is_wait(ph)) m.res->bp_wait_ns += m.res->bp_phase_ns[ph];
  }
  m.res->bp_spin_ns = m.res->bp_phase_ns[CPUHP_BP_ALIVE_SPIN] + m.res->bp_phase_ns[CPUHP_BP_TSC_SYNC];
  m.res->events = sim_engine_events_run(e);

out:
  for (guint i = 0; i < cpuhp_topology_n_cores(m.topo); i++)
    if (m.cores[i].ucode_waiters) g_array_unref(m.cores[i].ucode_waiters);
  g_free(m.cores);
  g_aligned_free(m.cpus);
  g_free(m.pkg_booted);
  g_free(m.trace_comm);
  sim_lock_free(m.tr_lock);
  sim_lock_free(m.vm_lock);
  g_ptr_array_unref(m.fw_locks);
  machine_ticks_clear(&m);
  sim_ps_pool_free(m.host);
  cpuhp_plan_clear(&m.bp.plan);
  return m.res;
}
