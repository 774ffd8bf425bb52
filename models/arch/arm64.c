/* arm64.c — arm64 (6.12): PSCI CPU_ON from the BP, the AP's path from secondary_entry to
 * set_cpu_online(). No TSC-style sync, no delay calibration (the arch timer frequency is known),
 * no microcode.
 *
 * Two builds, one code path: without HOTPLUG_PARALLEL (6.12 as shipped) there is no alive
 * handshake — the BP sleeps in wait_for_completion_timeout(&cpu_running) and the generic part
 * runs the two stage lists back to back; with it (the 2026 RFC, split startup) the AP reports
 * alive with cpuhp_ap_sync_alive() at the very start of secondary_start_kernel(), i.e. between
 * the two lists, and spins there until released. The split-startup series moves that call after
 * check_local_cpu_capabilities() (arm64.alive_sync: after_caps), so the feature checks run before
 * ALIVE, overlapped with other APs. On bare metal (arm64.conduit: smc) CPU_ON goes to TF-A and
 * the AP passes through the firmware before head.S; every AP prints its boot lines through the
 * console (psci_firmware.c, docs/arm64-baremetal.md). */
#include "models/arch/arm64.h"

/* psci_cpu_on() -> invoke_psci_fn (HVC to the hypervisor or SMC to TF-A): the BP pays the
 * call; the target starts after it, once powered on. Under a hypervisor the call is an HVC64
 * exit, as long as the call took on the (possibly contended) host. The BP's own work while it
 * then waits for the AP (arm64.bp_wait_per_cpu: wake-ups and scheduling that grow with the
 * CPUs online) is charged here, before the AP starts: on one host thread (icount) the clock
 * counts it the same wherever it falls. */
static int64_t arm64_kick(CpuhpMachine *m, guint cpu, int64_t *ap_start) {
  int64_t ns = machine_draw(m, &m->p->arm64.psci_cpu_on, cpu, PURPOSE_KICK_SETUP, 0) +
               m->p->arm64.bp_wait_per_cpu * (int64_t)m->n_online;
  *ap_start = ns;
  return ns;
}

static void arm64_setup(CpuhpMachine *m) {
  m->arch_run.kick_hypercall = g_str_equal(m->p->arm64.conduit, "hvc");
  m->arch_run.cpu_running_timeout = m->p->arm64.cpu_running_timeout;
  m->arch_run.caps_before_alive = g_str_equal(m->p->arm64.alive_sync, "after_caps");
  arm64_fw_setup(m);
}

static ApStep st_power_on(CpuhpMachine *m, guint cpu) { return arm64_fw_power_on(m, cpu); }

static ApStep st_warm_boot(CpuhpMachine *m, guint cpu) { return arm64_fw_warm_boot(m, cpu); }

static ApStep st_first_entry(CpuhpMachine *m, guint cpu) { return machine_vcpu_first_entry(m, cpu); }

/* head.S; in a VM its first touches of memory and text are stage-2 faults. */
static ApStep st_secondary_startup(CpuhpMachine *m, guint cpu) {
  m->res->cpus[cpu].running = sim_engine_now(m->e);
  int64_t ns = machine_draw(m, &m->p->arm64.secondary_startup, cpu, PURPOSE_EARLY_INIT, 0) +
               machine_vm_ap_exits(m, cpu, CPUHP_EXIT_DABT_LOW) + machine_vm_ap_exits(m, cpu, CPUHP_EXIT_IABT_LOW);
  return (ApStep){ns, AP_NEXT, AP_WORK};
}

/* check_local_cpu_capabilities() and cpu_postboot: before ALIVE in the split-startup series,
 * after it in the RFC (one of the two stages is empty). */
static ApStep caps(CpuhpMachine *m, guint cpu, gboolean before_alive) {
  if (m->arch_run.caps_before_alive != before_alive) return (ApStep){0, AP_NEXT, AP_WORK};
  return (ApStep){machine_draw(m, &m->p->arm64.cpu_caps, cpu, PURPOSE_CPU_INIT, 2), AP_NEXT, AP_WORK};
}
static ApStep st_caps_pre(CpuhpMachine *m, guint cpu) { return caps(m, cpu, TRUE); }
static ApStep st_caps_post(CpuhpMachine *m, guint cpu) { return caps(m, cpu, FALSE); }

/* secondary_start_kernel() up to notify_cpu_starting(): check_local_cpu_capabilities and
 * cpuinfo_store_cpu read the ID registers, which a hypervisor traps (SYS64);
 * store_cpu_topology() then walks every online CPU in update_siblings_masks(). */
static ApStep st_start_kernel(CpuhpMachine *m, guint cpu) {
  int64_t ns = machine_draw(m, &m->p->arm64.start_kernel, cpu, PURPOSE_CPU_INIT, 0) +
               machine_vm_ap_exits(m, cpu, CPUHP_EXIT_SYS64) + m->p->arm64.siblings_per_cpu * (int64_t)m->n_online;
  if (!m->cold_code_done) { /* the first AP to run this code (a translator meets it once) */
    m->cold_code_done = TRUE;
    ns += machine_draw(m, &m->p->host.first_ap_cold, cpu, PURPOSE_CPU_INIT, 1);
  }
  return (ApStep){ns, AP_NEXT, AP_WORK};
}

/* gic_starting_cpu() -> gic_cpu_init() -> gic_cpu_config() writes GICR_ICACTIVER0. KVM's vgic
 * serves any GICv3 active-state access under kvm->lock with kvm_arm_halt_guest(): every vCPU is
 * paused, those in guest mode are kicked out (KVM_REQ_SLEEP, waited for) and put to sleep, and
 * kvm_arm_resume_guest() wakes them all. So the write's DABT exit lasts the longer the more
 * vCPUs run guest code: with cpuhp.parallel=1 that is every AP still spinning at ALIVE, each of
 * which takes an IRQ exit for the kick and waits out the halt. Put just before
 * notify_cpu_starting(), as the GIC's console lines are. */
static ApStep st_gic_cpu_config(CpuhpMachine *m, guint cpu) {
  int64_t per = m->p->host.halt_guest_per_vcpu;
  if (!per || m->p->host.hypervisor != CPUHP_HYP_KVM) return (ApStep){0, AP_NEXT, AP_WORK};
  guint64 running = 0; /* started vCPUs not idling in WFI: the BP, spinning or working APs */
  for (guint c = 0; c < m->n_cpus; c++)
    running += c != cpu && (c == 0 || m->res->cpus[c].kick >= 0) && !m->cpus[c].halted;
  int64_t halt = per * (int64_t)running;
  int64_t ns = machine_vm_exits(m, cpu, CPUHP_EXIT_DABT_LOW, 1) + halt;
  machine_vm_exit_record(m, CPUHP_EXIT_DABT_LOW, 0, halt);
  machine_vm_exit_record(m, CPUHP_EXIT_IRQ, running, (int64_t)running * halt);
  return (ApStep){ns, AP_NEXT, AP_WORK};
}

/* The AP prints with IRQs off and waits for the UART (a loop, not stretched by a host). The
 * I-cache line comes from cpuinfo_store_cpu(); the GIC's from gic_starting_cpu(), the first
 * STARTING callback that prints, so they are put just before notify_cpu_starting(). */
static ApStep st_console_cpuinfo(CpuhpMachine *m, guint cpu) {
  return (ApStep){arm64_console_line(m, cpu, ARM64_LINE_ICACHE), AP_NEXT, AP_BUSY};
}

static ApStep st_console_gic(CpuhpMachine *m, guint cpu) {
  int64_t ns = arm64_console_line(m, cpu, ARM64_LINE_RDIST);
  ns += arm64_console_line(m, cpu, ARM64_LINE_LPI);
  return (ApStep){ns, AP_NEXT, AP_BUSY};
}

static ApStep st_console_booted(CpuhpMachine *m, guint cpu) {
  return (ApStep){arm64_console_line(m, cpu, ARM64_LINE_BOOTED), AP_NEXT, AP_BUSY};
}

static ApStep st_notify_starting(CpuhpMachine *m, guint cpu) { return machine_ap_notify_starting(m, cpu); }

static ApStep st_online_tail(CpuhpMachine *m, guint cpu) {
  machine_set_cpu_online(m, cpu, TRUE);
  return (ApStep){machine_draw(m, &m->p->arm64.online_tail, cpu, PURPOSE_ONLINE_TAIL, 0), AP_NEXT, AP_WORK};
}

static const ApStage pre_alive[] = {
    {"psci_power_on", st_power_on},
    {"psci_warmboot_entrypoint", st_warm_boot},
    {"vcpu_first_entry", st_first_entry},
    {"secondary_startup", st_secondary_startup},
    {"check_local_cpu_capabilities", st_caps_pre},
};

static const ApStage post_release[] = {
    {"check_local_cpu_capabilities", st_caps_post},
    {"secondary_start_kernel", st_start_kernel},
    {"console:cpuinfo", st_console_cpuinfo},
    {"gic_cpu_config", st_gic_cpu_config},
    {"console:gic", st_console_gic},
    {"notify_cpu_starting", st_notify_starting},
    {"console:booted", st_console_booted},
    {"set_cpu_online", st_online_tail},
};

const ArchOps arch_arm64_ops = {
    .kick = arm64_kick,
    .setup = arm64_setup,
    .pre_alive = pre_alive,
    .n_pre_alive = G_N_ELEMENTS(pre_alive),
    .post_release = post_release,
    .n_post_release = G_N_ELEMENTS(post_release),
};

