/* x86_612.c — Linux 6.12 x86_64 cpuhp states relevant to boot-time bringup.
 *
 * Numbers, name strings and callbacks are 6.12's (include/linux/cpuhotplug.h, kernel/cpu.c and
 * the registering subsystems, teardowns included); the reference traces of a 6.12.107 guest show the "at_boot" rows
 * for every secondary CPU in this order. Rows marked !at_boot are registered before smp_init()
 * only on some machines (a PMU, x2APIC cluster mode, a KVM or Hyper-V guest); a profile turns
 * them on. Teardown-only states (e.g. CPUHP_AP_SMPCFD_DYING) are skipped on the way up, so they
 * are not listed. */
#include "models/kernel/cpuhp.h"

#define PREP(n, e, nm, cb, td, boot) \
  {n, e, nm, cb, td, CPUHP_SECTION_PREPARE, CPUHP_RUNS_BP, CPUHP_COST_PROFILE, FALSE, boot, FALSE}
#define PREP_RING_BUFFER(n, e, nm, cb, td) \
  {n, e, nm, cb, td, CPUHP_SECTION_PREPARE, CPUHP_RUNS_BP, CPUHP_COST_PROFILE, TRUE, TRUE, TRUE}
#define START(n, e, nm, cb, td, boot) \
  {n, e, nm, cb, td, CPUHP_SECTION_STARTING, CPUHP_RUNS_AP_ATOMIC, CPUHP_COST_PROFILE, FALSE, boot, FALSE}
#define ONL(n, e, nm, cb, td, boot) \
  {n, e, nm, cb, td, CPUHP_SECTION_ONLINE, CPUHP_RUNS_AP_THREAD, CPUHP_COST_PROFILE, FALSE, boot, FALSE}
#define MARK(n, e, nm, td, sec) {n, e, nm, NULL, td, sec, CPUHP_RUNS_NOBODY, CPUHP_COST_NONE, FALSE, TRUE, FALSE}

static const CpuhpStep x86_64_612[] = {
  MARK(0, "CPUHP_OFFLINE", "offline", NULL, CPUHP_SECTION_PREPARE),
  PREP(1, "CPUHP_CREATE_THREADS", "threads:prepare", "smpboot_create_threads", NULL, TRUE),
  PREP(2, "CPUHP_PERF_PREPARE", "perf:prepare", "perf_event_init_cpu", "perf_event_exit_cpu", TRUE),
  PREP(3, "CPUHP_PERF_X86_PREPARE", "perf/x86:prepare", "x86_pmu_prepare_cpu", "x86_pmu_dead_cpu", FALSE),
  PREP(31, "CPUHP_PAGE_ALLOC", "mm/page_alloc:pcp", "page_alloc_cpu_online", "page_alloc_cpu_dead", TRUE),
  PREP(37, "CPUHP_RANDOM_PREPARE", "random:prepare", "random_prepare_cpu", NULL, TRUE),
  PREP(38, "CPUHP_WORKQUEUE_PREP", "workqueue:prepare", "workqueue_prepare_cpu", NULL, TRUE),
  PREP(40, "CPUHP_HRTIMERS_PREPARE", "hrtimers:prepare", "hrtimers_prepare_cpu", NULL, TRUE),
  PREP(41, "CPUHP_X2APIC_PREPARE", "x86/x2apic:prepare", "x2apic_prepare_cpu", "x2apic_dead_cpu", FALSE),
  PREP(42, "CPUHP_SMPCFD_PREPARE", "smpcfd:prepare", "smpcfd_prepare_cpu", "smpcfd_dead_cpu", TRUE),
  PREP(43, "CPUHP_RELAY_PREPARE", "relay:prepare", "relay_prepare_cpu", NULL, TRUE),
  PREP(45, "CPUHP_RCUTREE_PREP", "RCU/tree:prepare", "rcutree_prepare_cpu", "rcutree_dead_cpu", TRUE),
  PREP_RING_BUFFER(56, "CPUHP_TRACE_RB_PREPARE", "trace/RB:prepare", "trace_rb_cpu_prepare", NULL),
  PREP(61, "CPUHP_TIMERS_PREPARE", "timers:prepare", "timers_prepare_cpu", "timers_dead_cpu", TRUE),
  PREP(62, "CPUHP_TMIGR_PREPARE", "tmigr:prepare", "tmigr_cpu_prepare", NULL, TRUE),
  PREP(64, "CPUHP_BP_PREPARE_DYN", "kvmclock:setup_percpu", "kvmclock_setup_percpu", NULL, FALSE),
  {85, "CPUHP_BP_KICK_AP", "cpu:kick_ap", "cpuhp_kick_ap_alive", NULL, CPUHP_SECTION_PREPARE,
   CPUHP_RUNS_BP, CPUHP_COST_KICK, FALSE, TRUE, FALSE},
  {86, "CPUHP_BRINGUP_CPU", "cpu:bringup", "cpuhp_bringup_ap", "finish_cpu", CPUHP_SECTION_PREPARE,
   CPUHP_RUNS_BP, CPUHP_COST_BRINGUP, FALSE, TRUE, FALSE},
  MARK(87, "CPUHP_AP_IDLE_DEAD", "idle:dead", NULL, CPUHP_SECTION_STARTING),
  START(89, "CPUHP_AP_CACHECTRL_STARTING", "x86/cachectrl:starting", "cache_ap_online", "cache_ap_offline", TRUE),
  START(90, "CPUHP_AP_SCHED_STARTING", "sched:starting", "sched_cpu_starting", "sched_cpu_dying", TRUE),
  START(105, "CPUHP_AP_PERF_X86_AMD_UNCORE_STARTING", "perf/x86/amd/uncore:starting",
        "amd_uncore_cpu_starting", "amd_uncore_cpu_dying", FALSE),
  START(106, "CPUHP_AP_PERF_X86_STARTING", "perf/x86:starting", "x86_pmu_starting_cpu", "x86_pmu_dying_cpu", FALSE),
  START(107, "CPUHP_AP_PERF_X86_AMD_IBS_STARTING", "perf/x86/amd/ibs:starting",
        "x86_pmu_amd_ibs_starting_cpu", "x86_pmu_amd_ibs_dying_cpu", FALSE),
  START(140, "CPUHP_AP_HRTIMERS_DYING", "hrtimers:dying", "hrtimers_cpu_starting", "hrtimers_cpu_dying", TRUE),
  MARK(144, "CPUHP_AP_ONLINE", "ap:online", NULL, CPUHP_SECTION_STARTING),
  /* teardown only, run on the BP: parks cpuhp/N, stop_machine(take_cpu_down) on the AP */
  {145, "CPUHP_TEARDOWN_CPU", "cpu:teardown", NULL, "takedown_cpu", CPUHP_SECTION_ONLINE,
   CPUHP_RUNS_BP, CPUHP_COST_NONE, FALSE, TRUE, FALSE},
  MARK(146, "CPUHP_AP_ONLINE_IDLE", "ap:online_idle", NULL, CPUHP_SECTION_ONLINE),
  ONL(147, "CPUHP_AP_HYPERV_ONLINE", "x86/hyperv_init:online", "hv_cpu_init", "hv_cpu_die", FALSE),
  ONL(150, "CPUHP_AP_SMPBOOT_THREADS", "smpboot/threads:online", "smpboot_unpark_threads", "smpboot_park_threads", TRUE),
  ONL(151, "CPUHP_AP_IRQ_AFFINITY_ONLINE", "irq/affinity:online", "irq_affinity_online_cpu", NULL, TRUE),
  ONL(155, "CPUHP_AP_PERF_ONLINE", "perf:online", "perf_event_init_cpu", "perf_event_exit_cpu", TRUE),
  ONL(156, "CPUHP_AP_PERF_X86_ONLINE", "perf/x86:online", "x86_pmu_online_cpu", "x86_pmu_offline_cpu", FALSE),
  ONL(186, "CPUHP_AP_TMIGR_ONLINE", "tmigr:online", "tmigr_cpu_online", "tmigr_cpu_offline", TRUE),
  ONL(187, "CPUHP_AP_WATCHDOG_ONLINE", "lockup_detector:online", "lockup_detector_online_cpu", "lockup_detector_offline_cpu", TRUE),
  ONL(188, "CPUHP_AP_WORKQUEUE_ONLINE", "workqueue:online", "workqueue_online_cpu", "workqueue_offline_cpu", TRUE),
  ONL(189, "CPUHP_AP_RANDOM_ONLINE", "random:online", "random_online_cpu", NULL, TRUE),
  ONL(190, "CPUHP_AP_RCUTREE_ONLINE", "RCU/tree:online", "rcutree_online_cpu", "rcutree_offline_cpu", TRUE),
  ONL(192, "CPUHP_AP_ONLINE_DYN", "mm/writeback:online", "page_writeback_cpu_online", NULL, TRUE),
  ONL(193, "CPUHP_AP_ONLINE_DYN+1", "mm/vmstat:online", "vmstat_cpu_online", "vmstat_cpu_down_prep", TRUE),
  ONL(235, "CPUHP_AP_ACTIVE", "sched:active", "sched_cpu_activate", "sched_cpu_deactivate", TRUE),
  MARK(236, "CPUHP_ONLINE", "online", NULL, CPUHP_SECTION_ONLINE),
};

const CpuhpTable cpuhp_table_x86_64_612 = {
  .arch = "x86_64",
  .version = "6.12",
  .steps = x86_64_612,
  .n_steps = G_N_ELEMENTS(x86_64_612),
  .kick_ap = 85,
  .bringup_cpu = 86,
  .ap_idle_dead = 87,
  .ap_online = 144,
  .teardown_cpu = 145,
  .ap_online_idle = 146,
  .online = 236,
};
