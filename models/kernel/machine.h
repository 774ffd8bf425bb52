/* machine.h — the simulated machine shared by the generic bringup (bringup.c) and the arch
 * models (arch_*.c). Internal to models/: nothing outside includes it.
 *
 * An AP's own code paths are data: a list of stages, each a function that does its bit of work
 * and says how long it takes, or that it blocks until another party resumes the AP. The generic
 * part runs the list; the arch supplies the pre-alive and post-release lists. */
#pragma once

#include "models/kernel/bringup.h"
#include "models/kernel/cpuhp.h"
#include "models/kernel/policy.h"
#include "models/kernel/prepare.h"
#include "models/profile/profile.h"
#include "models/kernel/result.h"
#include "models/kernel/rows.h"
#include "models/kernel/topology.h"
#include "sim/engine/engine.h"
#include "sim/engine/pspool.h"
#include "sim/engine/resource.h"

/* enum cpuhp_sync_state (kernel/cpu.c). */
typedef enum {
  SYNC_STATE_DEAD,
  SYNC_STATE_KICKED,
  SYNC_STATE_SHOULD_DIE,
  SYNC_STATE_ALIVE,
  SYNC_STATE_SHOULD_ONLINE,
  SYNC_STATE_ONLINE,
} CpuhpSyncState;

/* What an AP stage asks for next. */
typedef enum { AP_NEXT, AP_AGAIN, AP_BLOCKED } ApFlow;
/* What the delay is: instructions to execute (stretched when the vCPU shares a host CPU), a
 * loop that runs until a time has passed (keeps the vCPU busy, not stretched), or a latency
 * during which the CPU does not run (hardware wake-up). */
typedef enum { AP_WORK, AP_BUSY, AP_LATENCY } ApKind;
typedef struct {
  int64_t delay; /* ns before the next stage (or this one again) */
  ApFlow flow;
  ApKind kind;
} ApStep;

typedef struct _CpuhpMachine CpuhpMachine;
typedef ApStep (*ApStageFn)(CpuhpMachine *m, guint cpu);

typedef struct {
  const char *name;
  ApStageFn fn;
} ApStage;

/* An architecture: how the BP kicks an AP and what the AP runs before ALIVE and after release.
 * Registered with its name and tables in models/arch/registry.c (arch.h). */
typedef struct _ArchOps {
  /* BP-side cost of the kick; *ap_start is the offset into it at which the AP starts waking. */
  int64_t (*kick)(CpuhpMachine *m, guint cpu, int64_t *ap_start);
  const ApStage *pre_alive;     /* ends with the AP reporting ALIVE */
  guint n_pre_alive;
  const ApStage *post_release;  /* ends just before cpuhp_online_idle() */
  guint n_post_release;
  void (*announce)(CpuhpMachine *m, guint cpu); /* at each kick (x86 announce_cpu()); NULL */
  /* Derives the run's ArchRun from the profile once, so no kick looks at a string. */
  void (*setup)(CpuhpMachine *m);
} ArchOps;

/* What the arch decides from the profile for the whole run (ArchOps.setup). */
typedef struct {
  int64_t init_udelay_ns;  /* x86: INIT to STARTUP IPI wait (cpu_init_udelay= or the quirk) */
  gboolean kick_hypercall; /* the kick is one hypercall in a VM (arm64 PSCI CPU_ON over HVC):
                              its exit lasts as long as the kick took, stretched by host
                              contention */
  int64_t cpu_running_timeout; /* a kernel without split startup: how long __cpu_up() waits
                                  for the AP to say it runs (arm64: 5 s) */
  int64_t ipi_send_ns;     /* the guest's cost of sending one IPI (x86: an ICR write) */
  gboolean caps_before_alive;  /* arm64: check_local_cpu_capabilities() runs before
                                  cpuhp_ap_sync_alive() (the split-startup series) */
  gboolean kick_warps;     /* the kick's first udelay() after the wake-up lasts to the next tick
                              of any CPU whose local timer runs (host.udelay_warps_to_tick) */
} ArchRun;

/* Per-core state the SMT rules care about. */
typedef enum { UCODE_OLD, UCODE_LOADING, UCODE_CURRENT } UcodeState;
typedef struct {
  UcodeState ucode;
  GArray *ucode_waiters; /* guint cpu: siblings that arrived while a load ran */
} CpuhpCore;

/* Random purposes other than cpuhp states (states use their step number). */
enum {
  PURPOSE_STATE_BASE = 0,          /* + step * 64 + instance */
  PURPOSE_KICK_SETUP = 1 << 20,
  PURPOSE_ICR,                     /* draw = ICR write index */
  PURPOSE_WAKEUP,
  PURPOSE_TRAMPOLINE,
  PURPOSE_EARLY_INIT,
  PURPOSE_MICROCODE,
  PURPOSE_ALIVE_SLEEP,             /* draw = sleep iteration */
  PURPOSE_SPIN_NOTICE,             /* draw = which notice */
  PURPOSE_TASK_WAKEUP,             /* draw = which wake-up of this CPU's waits */
  PURPOSE_CPU_INIT,
  PURPOSE_IDENTIFY,
  PURPOSE_TSC_SYNC,
  PURPOSE_ONLINE_TAIL,
  PURPOSE_VCPU_WAKEUP,             /* draw = the CPU's exit draw counter */
  PURPOSE_VCPU_RESET,
  PURPOSE_VM_EXIT,                 /* + exit type */
  PURPOSE_TSC_LOCK,                /* draw = host tick of the CPU's TSC warp test */
};

/* An AP as bringup sees it. Laid out in two cache lines (the array is 64-byte aligned): what
 * every callback of the CPU reads first, then what VMs, faults and mutations use. */
typedef struct {
  const CpuhpTopoCpu *topo;
  const ApStage *stages;
  int64_t stage_since;    /* start of the stage being timed */
  guint16 state;          /* highest state reached */
  guint16 target;
  guint16 up_prev_state;  /* st->state when this cpu_up() began: where a failure rolls back to */
  guint16 fail_step;      /* injected failure (hotplug/fail), 0 = none */
  guint16 run_pos[3];     /* per section: where its walk goes on in m->rows.run (checked) */
  guint16 walk_step;      /* the teardown the AP thread is running */
  CpuhpSyncState sync;
  guint stage;            /* index into the current AP stage list */
  guint n_stages;
  guint n_notices;        /* spin-notice draws so far */
  guint n_wakeups;        /* task wake-up draws so far */
  int result;             /* st->result handed back by the AP thread */
  /* second line */
  int32_t pid;            /* cpuhp/N */
  guint8 no_alive;        /* injected: the AP never runs after the kick */
  guint8 self_released;   /* mutation no-release-wait: went on without the BP */
  guint8 halted;          /* hypervisor.c: the vCPU executed WFI and has not been woken since */
  guint8 spinning;        /* machine_spin(): its thread is runnable on the host without working */
  SimHandler busy_fn;     /* machine_busy() continuation */
  uint64_t busy_arg;
  int64_t ucode_since;
  int64_t halted_at;
  double rest_load;       /* host load once the poll is over */
  int64_t poll_window;    /* KVM's vcpu->halt_poll_ns (host.halt_poll_adaptive): adapted at wake-up */
  guint halt_token;       /* invalidates a stale end-of-poll event */
  guint n_exit_draws;
} __attribute__((aligned(64))) CpuhpCpu;
G_STATIC_ASSERT(G_STRUCT_OFFSET(CpuhpCpu, pid) == 64); /* the first line holds just the hot part */
G_STATIC_ASSERT(sizeof(CpuhpCpu) == 128);             /* and a CPU is two lines (bringup_run.c) */

struct _CpuhpMachine {
  SimEngine *e;
  const CpuhpProfile *p;
  const CpuhpTable *table;
  const ArchOps *arch;
  ArchRun arch_run;
  CpuhpRows rows;         /* the profile's (cpuhp_profile_rows()), the record copied: a walk
                             reads a run list without going through the profile */
  SimPsPool *host;        /* vCPUs sharing host CPUs; NULL on bare metal */
  const CpuhpTopology *topo; /* the profile's */
  uint64_t seed;
  gboolean tracing;
  const char **trace_comm; /* tracing: each exec CPU's task name, interned in res (NULL: not yet) */
  CpuhpMutation mutation;
  CpuhpResult *res;

  CpuhpCpu *cpus;
  guint n_cpus;
  CpuhpCore *cores;
  guint *pkg_booted;      /* CPUs per package that got past set_cpu_sibling_map */
  guint n_online;         /* weight of cpu_online_mask: the BP, and each AP from set_cpu_online() */
  guint n_spinning;       /* vCPUs machine_spin() has on */
  SimLock *tr_lock;       /* x86 trampoline lock */
  SimLock *vm_lock;       /* host-wide lock of a started vCPU's first entry */
  GPtrArray *fw_locks;    /* arm64 TF-A: the top power-domain nodes' locks (warm boot); SimLock */
  GTree *ticks;           /* host.udelay_warps_to_tick: the phases (gint64, ns into a jiffy) of
                             the running local timers' periodic ticks, with how many CPUs tick
                             at each; NULL otherwise */
  int64_t *tick_phase;    /* with ticks: each CPU's phase, -1 while its timer does not run */
  int32_t next_pid;
  guint n_kicked;
  gboolean cold_code_done;  /* some AP already ran the post-release code */
  guint handoff_depth;      /* hand-offs run in place, nested (bringup.c: handoff()) */

  /* The whole boot after the window (boot.c). */
  struct {
    gboolean begun;
    guint term;           /* next boot.terms entry; n_terms: the fixed rest */
    int64_t since;        /* when the current piece began */
  } boot;

  /* The control CPU. */
  struct {
    CpuhpBpPhase phase;
    gboolean busy_phase;  /* a wait phase is running, else work */
    int64_t phase_since;
    int64_t irq_ns;       /* IRQ work inside the current wait, moved to its own phase */
    CpuhpPlan plan;       /* the policy's cpu_up() calls */
    guint next_call;
    guint cpu;            /* in cpu_up() for this CPU */
    const CpuhpStep *step;
    guint instance;
    guint token;          /* invalidates stale timers */
    int64_t kick_rest;    /* the kick's work after the AP was started */
    int64_t kick_work;    /* the kick's whole work: a hypercall exit's own time */
    SimHandler kick_done; /* ... and where the BP goes when it is over */
    int64_t wait_start;
    guint sleeps;
    gboolean waiting_alive;   /* polling on cpu's sync state */
    gboolean spinning;
    gboolean done;
    guint16 walk_to;          /* rollback: teardowns run down to this state */
    guint node_line_idx;      /* console: log index of the current ".... node #N, CPUs:" line */
    GString *node_line;
    gint node_of_line;
  } bp;
};

/* Draw helpers: every draw is keyed by the CPU being brought up. */
int64_t machine_draw(CpuhpMachine *m, const SimDist *d, guint cpu, uint32_t purpose, uint32_t draw);
/* One jiffy, ns: 1 s / kernel.hz (the grid delay calibration, ticks and RCU waits share). */
int64_t machine_jiffy_ns(const CpuhpMachine *m);
/* Tick phases, for host.udelay_warps_to_tick. A local timer in periodic mode (all of them until
 * the switch to one-shot after the window) ticks every jiffy from when it was set up:
 * machine_tick_start() records `cpu`'s, set up at run time `at` (ns since smp_init(); the BP's
 * is on the jiffies grid calibrate_delay() uses); a CPU going offline stops its own.
 * machine_to_next_tick(): ns from now to the next tick of any of them (the BP's always runs). */
void machine_ticks_init(CpuhpMachine *m);
void machine_ticks_clear(CpuhpMachine *m);
void machine_tick_start(CpuhpMachine *m, guint cpu, int64_t at);
int64_t machine_to_next_tick(const CpuhpMachine *m);
/* How long until a spinning CPU sees another CPU's store (platform.spin_notice), drawn as
 * CPU `cpu`'s next notice. */
int64_t machine_spin_notice(CpuhpMachine *m, guint cpu);

/* Execution on a CPU (bringup.c): `ns` of instructions on `cpu`, then fn(m, arg) — stretched
 * when vCPUs share host CPUs; a loop that keeps `cpu` busy for `ns` of time; spinning on or off
 * (a spinning vCPU takes host CPU time, a halted one does not). On bare metal these are plain
 * delays and no-ops. */
void machine_work(CpuhpMachine *m, guint cpu, int64_t ns, SimHandler fn, uint64_t arg);
void machine_busy(CpuhpMachine *m, guint cpu, int64_t ns, SimHandler fn, uint64_t arg);
void machine_spin(CpuhpMachine *m, guint cpu, gboolean on);
/* QEMU TCG without icount: host time lost to its TSC lock while `cpu` and the BP run a loop of
 * `loop_ns` that reads the TSC (the warp test), drawn per host tick (host.tsc_lock_hold_pct,
 * host.tsc_lock_requeue_pct; docs/profiles.md). 0 when the profile does not model it. */
int64_t machine_tsc_lock_stall(CpuhpMachine *m, guint cpu, int64_t loop_ns);

/* Services of the generic part (bringup.c). */
void machine_trace(CpuhpMachine *m, CpuhpTraceType type, guint exec_cpu, guint cpu, int target,
                   guint step, const char *fn, int ret);
int64_t machine_task_wakeup(CpuhpMachine *m, guint cpu); /* a wake-up latency for `cpu`'s waits */
void machine_set_cpu_online(CpuhpMachine *m, guint cpu, gboolean online); /* cpu_online_mask */
/* The host pool's speed from host.speed_pct, host.idle_drag_pct and (host.idle_ticks_aligned)
 * the idle vCPUs' tick bursts at the current online count. */
void machine_host_speed(CpuhpMachine *m);
/* The processor-sharing load of an online idle vCPU: host.idle_load_pct, or 0 when its ticks are
 * aligned bursts (then machine_host_speed() takes them). */
double machine_idle_load(const CpuhpMachine *m);
void machine_bp_next_cpu(CpuhpMachine *m);                /* cpu_up() returned: the next CPU */

/* Rollback (rollback.c): the state `s` of `cpu` failed with `ret` on the BP (PREPARE, kick or
 * bringup step); undo and go on with the next CPU. */
void machine_up_failed(CpuhpMachine *m, guint cpu, const CpuhpStep *s, int ret);
/* An ONLINE callback failed on the AP thread (c->result set): undo ONLINE, then the rest. */
void machine_online_failed(CpuhpMachine *m, guint cpu);

/* Services the generic part offers to arch stages. */
void machine_ap_report_alive(CpuhpMachine *m, guint cpu);   /* cpuhp_ap_sync_alive() */
ApStep machine_ap_notify_starting(CpuhpMachine *m, guint cpu); /* one STARTING state per call */
/* The AP interrupts the sleeping BP for `ns` of IRQ-context work (TSC sync source side);
 * returns the delay before that work starts on the BP. */
int64_t machine_bp_irq(CpuhpMachine *m, guint cpu, CpuhpBpPhase phase, int64_t ns);
/* Resume an AP blocked in a stage, `delay` ns from now. */
void machine_ap_resume(CpuhpMachine *m, guint cpu, int64_t delay);

/* The hypervisor (hypervisor.c); no-ops returning 0 when host.hypervisor is none. */
void machine_vm_exit_record(CpuhpMachine *m, CpuhpVmExit x, guint64 n, int64_t ns);
int64_t machine_vm_exits(CpuhpMachine *m, guint cpu, CpuhpVmExit x, guint64 n); /* their cost */
int64_t machine_vm_ap_exits(CpuhpMachine *m, guint cpu, CpuhpVmExit x);        /* host.ap_exits */
/* The vCPU idles (WFI): halt polling, then blocked; `rest_load` is its host load once blocked. */
void machine_vcpu_halt(CpuhpMachine *m, guint cpu, double rest_load);
/* Woken by an IPI: extra latency until it runs (0 if it was not halted). */
int64_t machine_vcpu_wake(CpuhpMachine *m, guint cpu);
/* An AP stage: the vCPU's first entry after CPU_ON, on the host-wide lock. */
ApStep machine_vcpu_first_entry(CpuhpMachine *m, guint cpu);
/* End of the window: IRQ exits from host ticks. */
void machine_vm_finish(CpuhpMachine *m);

/* boot.c: the whole boot around the window. Before the run: the VMM and before-smp phases
 * (nothing else runs then). At the end of the window: TRUE if the after-smp phase was started
 * on the BP, which then calls machine_bp_next_cpu() when "Run /init" is reached. */
void machine_boot_before_smp(CpuhpMachine *m);
gboolean machine_boot_after_smp(CpuhpMachine *m);

/* console.c: the pending pr_cont line (bp.node_line) written into its log entry. */
void machine_console_flush(CpuhpMachine *m);
guint machine_console_digits(guint v);
/* printf's "%*s#%u" with (pad, " ", v) appended to `l`, which has the room for it. */
void machine_console_append_tag(GString *l, guint pad, guint v);

/* mutate.c: the deliberately broken models, each a no-op unless m->mutation names it. */
void mutate_plan(CpuhpMachine *m);
guint mutate_exec_cpu(CpuhpMachine *m, guint exec_cpu, guint cpu, const CpuhpStep *s);
void mutate_released(CpuhpMachine *m, guint cpu, SimHandler released);
void mutate_alive(CpuhpMachine *m, guint cpu, SimHandler released);
gboolean mutate_rolled_back(CpuhpMachine *m, CpuhpCpu *c);

