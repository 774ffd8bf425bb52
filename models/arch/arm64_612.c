/* arm64_612.c — Linux 6.12 arm64 cpuhp states relevant to boot-time bringup (GICv3 +
 * arch timer, e.g. QEMU virt). arm64 in 6.12 has no HOTPLUG_SPLIT_STARTUP: there is no
 * CPUHP_BP_KICK_AP and CPUHP_BRINGUP_CPU runs bringup_cpu() (PSCI CPU_ON, then wait for the AP).
 * The reference traces of a 6.12.107 guest show the at_boot rows in this order; the dynamic
 * PREPARE slot 64 is the GICv3 driver's redistributor check, registered from init_IRQ. Debug
 * monitors, hw_breakpoint, the PMU and the event stream register their states after smp_init
 * (the traces show them seconds later), so they are not at boot here. */
#include "models/kernel/cpuhp.h"

#define PREP(n, e, nm, cb, td, boot) \
  {n, e, nm, cb, td, CPUHP_SECTION_PREPARE, CPUHP_RUNS_BP, CPUHP_COST_PROFILE, FALSE, boot, FALSE}
#define START(n, e, nm, cb, td, boot) \
  {n, e, nm, cb, td, CPUHP_SECTION_STARTING, CPUHP_RUNS_AP_ATOMIC, CPUHP_COST_PROFILE, FALSE, boot, FALSE}
#define ONL(n, e, nm, cb, td, boot) \
  {n, e, nm, cb, td, CPUHP_SECTION_ONLINE, CPUHP_RUNS_AP_THREAD, CPUHP_COST_PROFILE, FALSE, boot, FALSE}
#define MARK(n, e, nm, sec) {n, e, nm, NULL, NULL, sec, CPUHP_RUNS_NOBODY, CPUHP_COST_NONE, FALSE, TRUE, FALSE}

/* Rows before and after the bringup step: the same in both builds. */
#define ARM64_612_PREPARE \
  MARK(0, "CPUHP_OFFLINE", "offline", CPUHP_SECTION_PREPARE), \
  PREP(1, "CPUHP_CREATE_THREADS", "threads:prepare", "smpboot_create_threads", NULL, TRUE), \
  PREP(2, "CPUHP_PERF_PREPARE", "perf:prepare", "perf_event_init_cpu", "perf_event_exit_cpu", TRUE), \
  PREP(31, "CPUHP_PAGE_ALLOC", "mm/page_alloc:pcp", "page_alloc_cpu_online", "page_alloc_cpu_dead", TRUE), \
  PREP(37, "CPUHP_RANDOM_PREPARE", "random:prepare", "random_prepare_cpu", NULL, TRUE), \
  PREP(38, "CPUHP_WORKQUEUE_PREP", "workqueue:prepare", "workqueue_prepare_cpu", NULL, TRUE), \
  PREP(40, "CPUHP_HRTIMERS_PREPARE", "hrtimers:prepare", "hrtimers_prepare_cpu", NULL, TRUE), \
  PREP(42, "CPUHP_SMPCFD_PREPARE", "smpcfd:prepare", "smpcfd_prepare_cpu", "smpcfd_dead_cpu", TRUE), \
  PREP(43, "CPUHP_RELAY_PREPARE", "relay:prepare", "relay_prepare_cpu", NULL, TRUE), \
  PREP(45, "CPUHP_RCUTREE_PREP", "RCU/tree:prepare", "rcutree_prepare_cpu", "rcutree_dead_cpu", TRUE), \
  {56, "CPUHP_TRACE_RB_PREPARE", "trace/RB:prepare", "trace_rb_cpu_prepare", NULL, CPUHP_SECTION_PREPARE, \
   CPUHP_RUNS_BP, CPUHP_COST_PROFILE, TRUE, TRUE, TRUE}, \
  PREP(61, "CPUHP_TIMERS_PREPARE", "timers:prepare", "timers_prepare_cpu", "timers_dead_cpu", TRUE), \
  PREP(62, "CPUHP_TMIGR_PREPARE", "tmigr:prepare", "tmigr_cpu_prepare", NULL, TRUE), \
  PREP(64, "CPUHP_BP_PREPARE_DYN", "irqchip/arm/gicv3:checkrdist", "gic_check_rdist", NULL, TRUE),

#define ARM64_612_AP \
  MARK(87, "CPUHP_AP_IDLE_DEAD", "idle:dead", CPUHP_SECTION_STARTING), \
  START(90, "CPUHP_AP_SCHED_STARTING", "sched:starting", "sched_cpu_starting", "sched_cpu_dying", TRUE), \
  START(93, "CPUHP_AP_IRQ_GIC_STARTING", "irqchip/arm/gicv3:starting", "gic_starting_cpu", NULL, TRUE), \
  START(117, "CPUHP_AP_ARM_ARCH_TIMER_STARTING", "clockevents/arm/arch_timer:starting", \
        "arch_timer_starting_cpu", "arch_timer_dying_cpu", TRUE), \
  START(118, "CPUHP_AP_ARM_ARCH_TIMER_EVTSTRM_STARTING", "clockevents/arm/arch_timer_evtstrm:starting", \
        "arch_timer_evtstrm_starting_cpu", "arch_timer_evtstrm_dying_cpu", FALSE), \
  START(140, "CPUHP_AP_HRTIMERS_DYING", "hrtimers:dying", "hrtimers_cpu_starting", "hrtimers_cpu_dying", TRUE), \
  MARK(144, "CPUHP_AP_ONLINE", "ap:online", CPUHP_SECTION_STARTING), \
  {145, "CPUHP_TEARDOWN_CPU", "cpu:teardown", NULL, "takedown_cpu", CPUHP_SECTION_ONLINE, \
   CPUHP_RUNS_BP, CPUHP_COST_NONE, FALSE, TRUE, FALSE}, \
  MARK(146, "CPUHP_AP_ONLINE_IDLE", "ap:online_idle", CPUHP_SECTION_ONLINE), \
  ONL(147, "CPUHP_AP_HYPERV_ONLINE", "arm64/hyperv_init:online", "hv_common_cpu_init", "hv_common_cpu_die", FALSE), \
  ONL(150, "CPUHP_AP_SMPBOOT_THREADS", "smpboot/threads:online", "smpboot_unpark_threads", "smpboot_park_threads", TRUE), \
  ONL(151, "CPUHP_AP_IRQ_AFFINITY_ONLINE", "irq/affinity:online", "irq_affinity_online_cpu", NULL, TRUE), \
  ONL(155, "CPUHP_AP_PERF_ONLINE", "perf:online", "perf_event_init_cpu", "perf_event_exit_cpu", TRUE), \
  ONL(186, "CPUHP_AP_TMIGR_ONLINE", "tmigr:online", "tmigr_cpu_online", "tmigr_cpu_offline", TRUE), \
  ONL(187, "CPUHP_AP_WATCHDOG_ONLINE", "lockup_detector:online", "lockup_detector_online_cpu", "lockup_detector_offline_cpu", TRUE), \
  ONL(188, "CPUHP_AP_WORKQUEUE_ONLINE", "workqueue:online", "workqueue_online_cpu", "workqueue_offline_cpu", TRUE), \
  ONL(189, "CPUHP_AP_RANDOM_ONLINE", "random:online", "random_online_cpu", NULL, TRUE), \
  ONL(190, "CPUHP_AP_RCUTREE_ONLINE", "RCU/tree:online", "rcutree_online_cpu", "rcutree_offline_cpu", TRUE), \
  ONL(192, "CPUHP_AP_ONLINE_DYN", "mm/writeback:online", "page_writeback_cpu_online", NULL, TRUE), \
  ONL(193, "CPUHP_AP_ONLINE_DYN+1", "mm/vmstat:online", "vmstat_cpu_online", "vmstat_cpu_down_prep", TRUE), \
  ONL(235, "CPUHP_AP_ACTIVE", "sched:active", "sched_cpu_activate", "sched_cpu_deactivate", TRUE), \
  MARK(236, "CPUHP_ONLINE", "online", CPUHP_SECTION_ONLINE),

static const CpuhpStep arm64_612[] = {
  ARM64_612_PREPARE
  {86, "CPUHP_BRINGUP_CPU", "cpu:bringup", "bringup_cpu", "finish_cpu", CPUHP_SECTION_PREPARE,
   CPUHP_RUNS_BP, CPUHP_COST_BRINGUP, FALSE, TRUE, FALSE},
  ARM64_612_AP
};

/* The RFC's build (CONFIG_HOTPLUG_PARALLEL, so HOTPLUG_SPLIT_STARTUP): cpu:kick_ap runs
 * arch_cpuhp_kick_ap_alive() (PSCI CPU_ON, no wait) and cpu:bringup the generic
 * cpuhp_bringup_ap() with its alive handshake, as on x86. */
static const CpuhpStep arm64_612_split[] = {
  ARM64_612_PREPARE
  {85, "CPUHP_BP_KICK_AP", "cpu:kick_ap", "cpuhp_kick_ap_alive", NULL, CPUHP_SECTION_PREPARE,
   CPUHP_RUNS_BP, CPUHP_COST_KICK, FALSE, TRUE, FALSE},
  {86, "CPUHP_BRINGUP_CPU", "cpu:bringup", "cpuhp_bringup_ap", "finish_cpu", CPUHP_SECTION_PREPARE,
   CPUHP_RUNS_BP, CPUHP_COST_BRINGUP, FALSE, TRUE, FALSE},
  ARM64_612_AP
};

/* The landmarks both builds share (HOTPLUG_PARALLEL adds a kick state and renumbers nothing). */
#define ARM64_612_LANDMARKS \
  .arch = "arm64", .version = "6.12", .bringup_cpu = 86, .ap_idle_dead = 87, .ap_online = 144, \
  .teardown_cpu = 145, .ap_online_idle = 146, .online = 236

static const CpuhpTable arm64_612_split_table = {
  ARM64_612_LANDMARKS,
  .steps = arm64_612_split,
  .n_steps = G_N_ELEMENTS(arm64_612_split),
  .kick_ap = 85,
};

const CpuhpTable cpuhp_table_arm64_612 = {
  ARM64_612_LANDMARKS,
  .steps = arm64_612,
  .n_steps = G_N_ELEMENTS(arm64_612),
  .kick_ap = 0, /* no HOTPLUG_SPLIT_STARTUP */
  .split_startup = &arm64_612_split_table,
};
