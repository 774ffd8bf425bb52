/* x86.c — x86_64 (6.12): INIT/SIPI/SIPI kick, the AP's early path to ALIVE and its
 * post-release path to cpuhp_online_idle(), in start_secondary()'s order.
 *
 * What is parallel and what is serial follows from where cpuhp_ap_sync_alive() sits: wake-up,
 * trampoline (one AP at a time under tr_lock), early init and microcode run before ALIVE and so
 * overlap across kicked APs; cpu_init, ap_starting, STARTING callbacks, TSC sync and calibration
 * run after the BP's release, one AP at a time. */
#include "models/arch/x86_scale.h"
#include "models/kernel/machine.h"

/* smp_quirk_init_udelay(): modern CPUs need no INIT assert/de-assert delay. */
static int64_t init_udelay_ns(const CpuhpProfile *p) {
  if (p->x86.init_udelay_us >= 0) return (int64_t)p->x86.init_udelay_us * 1000;
  const char *v = p->x86.vendor;
  guint fam = p->x86.family;
  gboolean modern = (g_str_equal(v, "intel") && fam >= 6) || (g_str_equal(v, "amd") && fam >= 0xf) ||
                    (g_str_equal(v, "hygon") && fam >= 0x18);
  return modern ? 0 : 10000 * 1000;
}

static void x86_setup(CpuhpMachine *m) {
  m->arch_run.init_udelay_ns = init_udelay_ns(m->p);
  m->arch_run.ipi_send_ns = (int64_t)sim_dist_mean(&m->p->x86.icr_write); /* the whole boot's IPIs */
  m->arch_run.kick_warps = m->ticks && !m->p->x86.uv_hub; /* UV's wake-up has no udelay() */
}

/* native_kick_ap() -> wakeup_secondary_cpu_via_init(): INIT assert, udelay(init_udelay), INIT
 * de-assert, then two STARTUP IPIs with udelay(10)/udelay(10) around each when init_udelay is 0
 * (else 300/200). The AP starts at the first STARTUP IPI. */
static int64_t x86_kick(CpuhpMachine *m, guint cpu, int64_t *ap_start) {
  const CpuhpProfile *p = m->p;
  if (p->x86.uv_hub) { /* uv_wakeup_secondary(): INIT, then STARTUP, written to the hub's MMR */
    int64_t t = machine_draw(m, &p->x86.kick_setup, cpu, PURPOSE_KICK_SETUP, 0);
    t += machine_draw(m, &p->x86.icr_write, cpu, PURPOSE_ICR, 0);
    t += machine_draw(m, &p->x86.icr_write, cpu, PURPOSE_ICR, 1);
    *ap_start = t;
    return t;
  }
  int64_t udelay = m->arch_run.init_udelay_ns;
  int64_t pre = udelay == 0 ? 10000 : 300000, post = udelay == 0 ? 10000 : 200000;
  uint32_t icr = 0;
  int64_t t = machine_draw(m, &p->x86.kick_setup, cpu, PURPOSE_KICK_SETUP, 0);
  t += machine_draw(m, &p->x86.icr_write, cpu, PURPOSE_ICR, icr++); /* INIT assert */
  t += udelay;
  t += machine_draw(m, &p->x86.icr_write, cpu, PURPOSE_ICR, icr++); /* INIT de-assert */
  for (int sipi = 0; sipi < 2; sipi++) {
    t += pre;
    t += machine_draw(m, &p->x86.icr_write, cpu, PURPOSE_ICR, icr++);
    if (sipi == 0) *ap_start = t;
    t += post;
  }
  /* In a VM each ICR write is a trapped register write (x2APIC WRMSR: the SYS64 class). */
  int64_t traps = machine_vm_exits(m, cpu, CPUHP_EXIT_SYS64, icr);
  return t + traps;
}

/* ---- before ALIVE ---------------------------------------------------------------------- */

static ApStep st_wakeup(CpuhpMachine *m, guint cpu) {
  const CpuhpProfile *p = m->p;
  const SimDist *d = m->cpus[cpu].topo->primary ? &p->x86.wakeup_primary : &p->x86.wakeup_secondary;
  int64_t ns = machine_draw(m, d, cpu, PURPOSE_WAKEUP, 0);
  m->res->cpus[cpu].wakeup_ns = ns;
  return (ApStep){ns, AP_NEXT, AP_LATENCY};
}

static void ev_tr_lock_granted(void *ctx, uint64_t cpu) {
  CpuhpMachine *m = ctx;
  m->res->cpus[cpu].tr_lock_wait_ns = sim_engine_now(m->e) - m->cpus[cpu].stage_since;
  machine_ap_resume(m, (guint)cpu, 0);
}

/* trampoline_64.S: LOCK_AND_LOAD_REALMODE_ESP serialises APs on tr_lock. */
static ApStep st_trampoline_lock(CpuhpMachine *m, guint cpu) {
  int64_t now = sim_engine_now(m->e);
  m->cpus[cpu].stage_since = now;
  m->res->cpus[cpu].running = now;
  /* A free lock grants through two zero-delay events (the grant, the AP's resumption); when
   * nothing else is due now they would be the next two, so the AP goes straight on. */
  if (sim_engine_horizon(m->e) >= now && sim_lock_try_acquire(m->tr_lock)) {
    m->res->cpus[cpu].tr_lock_wait_ns = 0;
    sim_engine_advance_to(m->e, now, 2);
    return (ApStep){0, AP_NEXT, AP_WORK};
  }
  sim_lock_acquire(m->tr_lock, ev_tr_lock_granted, m, cpu);
  return (ApStep){0, AP_BLOCKED, AP_WORK};
}

/* In parallel bringup the AP looks its CPU number up in cpuid_to_apicid[] before it drops
 * tr_lock (serial bringup hands it over in smpboot_control). */
static ApStep st_trampoline(CpuhpMachine *m, guint cpu) {
  int64_t ns = machine_draw(m, &m->p->x86.trampoline, cpu, PURPOSE_TRAMPOLINE, 0);
  if (m->res->parallel) ns += x86_apicid_scan_ns(m->p, cpu);
  return (ApStep){ns, AP_NEXT, AP_WORK};
}

/* head_64.S releases tr_lock once the AP runs on its own stack. */
static ApStep st_trampoline_unlock(CpuhpMachine *m, guint cpu) {
  sim_lock_release(m->tr_lock);
  return (ApStep){0, AP_NEXT, AP_WORK};
}

/* In a VM the AP's first touches are EPT violations (the DABT_LOW/IABT_LOW classes). */
static ApStep st_early_init(CpuhpMachine *m, guint cpu) {
  int64_t ns = machine_draw(m, &m->p->x86.early_init, cpu, PURPOSE_EARLY_INIT, 0) +
               machine_vm_ap_exits(m, cpu, CPUHP_EXIT_DABT_LOW) + machine_vm_ap_exits(m, cpu, CPUHP_EXIT_IABT_LOW);
  return (ApStep){ns, AP_NEXT, AP_WORK};
}

/* load_ucode_ap(): the first thread of a core to get here writes the patch; a sibling finds
 * the revision current (a cheap no-op); a sibling that arrives while the load runs waits for
 * it — the situation the primary-threads-first rule exists to prevent. */
static ApStep st_microcode(CpuhpMachine *m, guint cpu) {
  const CpuhpProfile *p = m->p;
  CpuhpCpu *c = &m->cpus[cpu];
  c->ucode_since = sim_engine_now(m->e);
  if (!p->x86.microcode_loader) return (ApStep){0, AP_NEXT, AP_WORK};
  CpuhpCore *core = &m->cores[c->topo->core];
  switch (core->ucode) {
  case UCODE_CURRENT:
    return (ApStep){machine_draw(m, &p->x86.microcode_current, cpu, PURPOSE_MICROCODE, 0), AP_NEXT, AP_WORK};
  case UCODE_OLD:
    core->ucode = UCODE_LOADING;
    m->res->cpus[cpu].ucode_apply[0] = c->ucode_since;
    return (ApStep){machine_draw(m, &p->x86.microcode_apply, cpu, PURPOSE_MICROCODE, 0), AP_NEXT, AP_WORK};
  case UCODE_LOADING:
    if (!core->ucode_waiters) core->ucode_waiters = g_array_new(FALSE, FALSE, sizeof(guint));
    g_array_append_val(core->ucode_waiters, cpu);
    return (ApStep){0, AP_BLOCKED, AP_WORK};
  }
  g_assert_not_reached();
}

static ApStep st_microcode_done(CpuhpMachine *m, guint cpu) {
  CpuhpCpu *c = &m->cpus[cpu];
  CpuhpCore *core = &m->cores[c->topo->core];
  if (core->ucode == UCODE_LOADING && m->res->cpus[cpu].ucode_apply[0] >= 0) {
    core->ucode = UCODE_CURRENT;
    m->res->cpus[cpu].ucode_apply[1] = sim_engine_now(m->e);
    for (guint i = 0; core->ucode_waiters && i < core->ucode_waiters->len; i++) {
      guint sib = g_array_index(core->ucode_waiters, guint, i);
      machine_ap_resume(m, sib, machine_draw(m, &m->p->x86.microcode_current, sib, PURPOSE_MICROCODE, 0));
    }
    if (core->ucode_waiters) g_array_set_size(core->ucode_waiters, 0);
  }
  m->res->cpus[cpu].microcode_ns = sim_engine_now(m->e) - c->ucode_since;
  return (ApStep){0, AP_NEXT, AP_WORK};
}

static const ApStage pre_alive[] = {
    {"wakeup", st_wakeup},
    {"trampoline_lock", st_trampoline_lock},
    {"trampoline", st_trampoline},
    {"trampoline_unlock", st_trampoline_unlock},
    {"early_init", st_early_init},
    {"load_ucode_ap", st_microcode},
    {"load_ucode_ap_done", st_microcode_done},
};

/* ---- after release --------------------------------------------------------------------- */

static ApStep st_cpu_init(CpuhpMachine *m, guint cpu) {
  int64_t ns = machine_draw(m, &m->p->x86.cpu_init, cpu, PURPOSE_CPU_INIT, 0);
  if (!m->cold_code_done) { /* the first AP past release runs this code first */
    m->cold_code_done = TRUE;
    ns += machine_draw(m, &m->p->host.first_ap_cold, cpu, PURPOSE_CPU_INIT, 1);
  }
  return (ApStep){ns, AP_NEXT, AP_WORK};
}

/* ap_starting(): identify_secondary_cpu() and friends, then set_cpu_sibling_map(), which puts
 * the CPU into its package mask (what the TSC sync test later looks at). */
static ApStep st_identify(CpuhpMachine *m, guint cpu) { /* in a VM every CPUID and MSR read exits */
  int64_t ns = machine_draw(m, &m->p->x86.identify, cpu, PURPOSE_IDENTIFY, 0) +
               machine_vm_ap_exits(m, cpu, CPUHP_EXIT_SYS64);
  return (ApStep){ns, AP_NEXT, AP_WORK};
}

/* set_cpu_sibling_map(): match_smt/match_llc/match_die/match_pkg against every CPU already in
 * cpu_sibling_setup_mask, then this one joins it (and its package's count). The lines of the
 * other packages' CPUs come from those packages when no CPU of this package has walked the
 * mask since they joined: the package's first CPU, and with primaries enumerated first, the
 * first sibling of the package (every other package's primaries joined in between). */
static ApStep st_sibling_map(CpuhpMachine *m, guint cpu) {
  const CpuhpTopoCpu *t = m->cpus[cpu].topo;
  const CpuhpProfile *p = m->p;
  gboolean first_visit = m->pkg_booted[t->package] == 0 ||
                         (p->topology.enumeration == CPUHP_ENUM_PRIMARIES_FIRST && !t->primary &&
                          t->core % p->topology.cores_per_socket == 0);
  int64_t ns = x86_sibling_map_ns(p, cpuhp_topology_n_packages(m->topo), m->pkg_booted, t->package,
                                  first_visit, t->primary);
  m->pkg_booted[t->package]++;
  return (ApStep){ns, AP_NEXT, AP_WORK};
}

static ApStep st_notify_starting(CpuhpMachine *m, guint cpu) {
  return machine_ap_notify_starting(m, cpu);
}

/* unsynchronized_tsc() (arch/x86/kernel/tsc.c): TSC marked unstable, or, without a constant or
 * reliable TSC, a non-Intel machine with more than one package. */
static gboolean tsc_unsynchronized(const CpuhpMachine *m) {
  const CpuhpProfile *p = m->p;
  if (p->x86.tsc_unsynchronized) return TRUE;
  if (p->x86.constant_tsc || p->x86.tsc_reliable) return FALSE;
  return cpuhp_topology_n_packages(m->topo) > 1 && !g_str_equal(p->x86.vendor, "intel");
}

/* check_tsc_sync_target(): skipped when the TSC is known unsynchronized, when TSC_ADJUST lets
 * a non-first CPU of a package copy its package's value, or when the TSC is reliable;
 * otherwise a warp test against the BP (source side in IRQ context) lasting loop_timeout: 20 ms
 * when the package had no other CPU yet, else 2 ms. */
static ApStep st_tsc_sync(CpuhpMachine *m, guint cpu) {
  const CpuhpProfile *p = m->p;
  guint in_pkg = m->pkg_booted[m->cpus[cpu].topo->package]; /* includes this CPU */
  if (tsc_unsynchronized(m)) return (ApStep){0, AP_NEXT, AP_WORK};
  if (p->x86.tsc_adjust && in_pkg > 1) return (ApStep){0, AP_NEXT, AP_WORK};
  if (p->x86.tsc_reliable) return (ApStep){0, AP_NEXT, AP_WORK};
  int64_t loop = in_pkg > 1 ? p->x86.tsc_sync_other : p->x86.tsc_sync_first;
  guint bp_pkg = m->cpus[0].topo->package; /* the source runs on cpumask_first(cpu_online_mask) */
  int64_t ns = (loop + x86_tsc_rendezvous_ns(p, cpuhp_topology_n_packages(m->topo), m->cpus[cpu].topo->package,
                                             bp_pkg)) * p->x86.tsc_sync_runs +
               machine_draw(m, &p->x86.tsc_sync_overhead, cpu, PURPOSE_TSC_SYNC, 0);
  int64_t stall = machine_tsc_lock_stall(m, cpu, ns);
  ns += stall;
  int64_t ipi = machine_bp_irq(m, cpu, CPUHP_BP_TSC_SYNC, ns);
  m->res->cpus[cpu].tsc_sync_ns = ipi + ns;
  m->res->cpus[cpu].tsc_lock_stall_ns = stall;
  return (ApStep){ipi + ns, AP_NEXT, AP_BUSY}; /* check_tsc_warp() loops until its timeout */
}

/* ap_calibrate_delay(): nothing to measure with lpj= (or kvmclock), nor when a constant,
 * synchronized TSC lets calibrate_delay_is_known() reuse CPU0's value; otherwise the delay
 * loop is timed against jiffies, starting at a jiffy edge. */
static ApStep st_calibrate(CpuhpMachine *m, guint cpu) {
  const CpuhpProfile *p = m->p;
  if (p->kernel.lpj_preset) return (ApStep){0, AP_NEXT, AP_WORK};
  if (p->x86.constant_tsc && !tsc_unsynchronized(m)) return (ApStep){0, AP_NEXT, AP_WORK};
  int64_t jiffy = machine_jiffy_ns(m);
  int64_t t = m->res->smp_init_at + sim_engine_now(m->e);
  int64_t ns = (t / jiffy + 1) * jiffy - t + (int64_t)p->x86.calibrate_jiffies * jiffy;
  m->res->cpus[cpu].calibrate_ns = ns;
  return (ApStep){ns, AP_NEXT, AP_BUSY}; /* the delay loop runs until the jiffies pass */
}

/* set_cpu_online(), lapic_online(), local IRQs on, the local APIC timer; then idle. */
static ApStep st_online_tail(CpuhpMachine *m, guint cpu) {
  machine_set_cpu_online(m, cpu, TRUE);
  int64_t ns = machine_draw(m, &m->p->x86.online_tail, cpu, PURPOSE_ONLINE_TAIL, 0);
  if (m->ticks) machine_tick_start(m, cpu, sim_engine_now(m->e) + ns); /* setup_percpu_clockev(): periodic */
  return (ApStep){ns, AP_NEXT, AP_WORK};
}

static const ApStage post_release[] = {
    {"cpu_init", st_cpu_init},
    {"identify_secondary_cpu", st_identify},
    {"set_cpu_sibling_map", st_sibling_map},
    {"notify_cpu_starting", st_notify_starting},
    {"check_tsc_sync_target", st_tsc_sync},
    {"ap_calibrate_delay", st_calibrate},
    {"set_cpu_online", st_online_tail},
};

/* announce_cpu(): at each kick during boot; one console line per NUMA node, continued with
 * pr_cont, so it keeps the time of its first CPU. Padding as the kernel does it. */
static void x86_announce_cpu(CpuhpMachine *m, guint cpu) {
  int64_t ts = m->res->smp_init_at + sim_engine_now(m->e);
  guint node = m->cpus[cpu].topo->node, width = machine_console_digits(m->n_cpus) + 1;
  gboolean first = m->n_kicked == 0;
  if (first) cpuhp_result_log_text(m->res, ts, "smpboot: x86: Booting SMP configuration:");
  if (!m->bp.node_line || (gint)node != m->bp.node_of_line) {
    machine_console_flush(m);
    guint node_width = machine_console_digits(cpuhp_topology_n_nodes(m->topo));
    GString *l = m->bp.node_line = g_string_sized_new(32 + (gsize)m->n_cpus * (width + 1)); /* grows no more */
    g_string_append(l, ".... node ");
    machine_console_append_tag(l, node_width - MIN(node_width, machine_console_digits(node)), node);
    g_string_append(l, ", CPUs:  ");
    m->bp.node_line_idx = m->res->log->len;
    cpuhp_result_log_text(m->res, ts, ""); /* filled in when the line is complete */
    m->bp.node_of_line = (gint)node;
  }
  if (first) /* the BSP: "%*s" with (width + 1, " ") */
    for (guint i = 0; i < width + 1; i++) g_string_append_c(m->bp.node_line, ' ');
  machine_console_append_tag(m->bp.node_line, width - machine_console_digits(cpu), cpu);
}

const ArchOps arch_x86_ops = {
    .kick = x86_kick,
    .pre_alive = pre_alive,
    .n_pre_alive = G_N_ELEMENTS(pre_alive),
    .post_release = post_release,
    .n_post_release = G_N_ELEMENTS(post_release),
    .announce = x86_announce_cpu,
    .setup = x86_setup,
};

