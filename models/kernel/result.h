/* result.h — what one simulated bringup produced. Outputs read this and nothing else.
 *
 * Times are ns since "smp: Bringing up secondary CPUs" (the window start); -1 = never happened.
 * Trace records and console lines carry the trace clock (window start + kernel.smp_init_at). */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "models/profile/profile.h"
#include "models/kernel/trace_event.h"

typedef enum {
  CPUHP_CPU_BOOT,    /* the control CPU itself */
  CPUHP_CPU_ONLINE,  /* reached CPUHP_ONLINE */
  CPUHP_CPU_FAILED,  /* rolled back to CPUHP_OFFLINE */
  CPUHP_CPU_OFFLINE, /* never brought up */
} CpuhpCpuStatus;

typedef struct {
  guint cpu, package, core, thread, node;
  gboolean primary;
  CpuhpCpuStatus status;
  char *failure;           /* why, when FAILED, in the kernel's words (owned; NULL until then:
                              cpuhp_cpu_failure() reads it as "") */
  guint16 failed_step;     /* the state whose callback failed (0: none) */
  int failed_ret;          /* its error code */
  guint kick_order;        /* 0 = first CPU kicked */
  int64_t up_start;        /* first PREPARE callback began */
  int64_t kick;            /* wake-up sent */
  int64_t alive;           /* reported ALIVE */
  int64_t release;         /* control CPU wrote SHOULD_ONLINE */
  int64_t online_idle;     /* reached CPUHP_AP_ONLINE_IDLE */
  int64_t online;          /* reached CPUHP_ONLINE */
  int64_t running;         /* first instruction after the kick (-1: never ran) */
  int64_t ucode_apply[2];  /* [start, end) of the microcode write this CPU did; -1 if none */
  int64_t wakeup_ns;       /* kick to first instruction */
  int64_t tr_lock_wait_ns; /* queued on the trampoline lock */
  int64_t microcode_ns;    /* in load_ucode_ap, waiting for a sibling's load included */
  int64_t alive_spin_ns;   /* spinning at ALIVE until released */
  int64_t starting_ns;     /* release to online-idle: STARTING, TSC sync, calibration */
  int64_t tsc_sync_ns;
  int64_t tsc_lock_stall_ns; /* of tsc_sync_ns: waiting for the host's TSC-lock holder */
  int64_t calibrate_ns;
  int64_t online_cb_ns;    /* ONLINE callbacks on cpuhp/N */
} CpuhpCpuResult;

/* Where the control CPU's time went inside the bringup window. */
typedef enum {
  CPUHP_BP_PREPARE,      /* PREPARE callbacks */
  CPUHP_BP_KICK,         /* arch kick (INIT/SIPI/SIPI) */
  CPUHP_BP_ALIVE_SPIN,   /* polling for ALIVE (busy) */
  CPUHP_BP_ALIVE_SLEEP,  /* sleeping between polls */
  CPUHP_BP_WAIT_AP,      /* asleep while the AP runs STARTING .. online-idle */
  CPUHP_BP_TSC_SYNC,     /* TSC warp test, source side, in IRQ context (busy) */
  CPUHP_BP_WAIT_ONLINE,  /* asleep while cpuhp/N runs the ONLINE callbacks */
  CPUHP_BP_N_PHASES,
} CpuhpBpPhase;

const char *cpuhp_bp_phase_name(CpuhpBpPhase ph);
gboolean cpuhp_bp_phase_is_wait(CpuhpBpPhase ph);

typedef struct {
  int64_t ts;  /* trace clock */
  char *text;
} CpuhpLogLine;

/* One piece of the whole boot outside the window: a profile boot term, or a phase's fixed part. */
typedef struct {
  char *name;
  CpuhpBootPhase phase;
  int64_t start;   /* ns from the window start (negative before it) */
  int64_t ns;      /* wall time it took */
  int64_t work_ns; /* of which the BP's own work (the rest: waiting for IPIs, grace periods) */
} CpuhpBootSpan;

typedef struct {
  char *profile;
  char *topology;          /* human description */
  char *arch;
  char *kernel;
  uint64_t seed;
  char *policy;            /* ordering policy spec */
  gboolean parallel;       /* parallel bringup actually used */
  gboolean smt_aware;      /* primary threads first */
  guint n_cpus;
  guint cpus_online;       /* including the control CPU, as "smp: Brought up" counts */
  int64_t bringup_ns;      /* window: to "smp: Brought up" (init, with deferred onlining) */
  int64_t all_online_ns;   /* until the last cpu_up() call returned (== bringup_ns unless deferred) */
  int64_t bp_phase_ns[CPUHP_BP_N_PHASES];
  int64_t bp_wait_ns;      /* sum of the wait phases */
  int64_t bp_spin_ns;      /* busy part of the waits (alive polling) */
  int64_t ap_spin_ns;      /* all APs' spinning at ALIVE: CPU time burnt waiting */
  int64_t smp_init_at;     /* trace clock at window start */
  uint64_t events;         /* engine events run */
  gboolean vm;             /* a hypervisor ran the vCPUs: the VM-exit figures below count */
  guint64 vm_exits[CPUHP_EXIT_N];   /* by type, in the window */
  int64_t vm_exit_ns[CPUHP_EXIT_N]; /* host time of those exits */
  guint64 vcpu_blocked_wakeups;     /* wake-ups that came after the halt poll gave up */
  int64_t host_busy_ns;             /* host CPU time the vCPUs took (work, spinning, polling) */
  /* The whole boot, when the profile models it (boot_ns -1 otherwise): VMM, kernel entry to the
   * window, the window (bringup_ns), and "smp: Brought up" to "Run /init". */
  int64_t boot_ns, boot_vmm_ns, boot_before_ns, boot_after_ns;
  GArray *boot_spans;      /* CpuhpBootSpan in time order; NULL when not modelled */
  CpuhpCpuResult *cpus;    /* n_cpus entries, index = cpu */
  GArray *trace;           /* CpuhpTraceEvent, when tracing was asked for; else NULL */
  GStringChunk *trace_names; /* the comm and fn strings the trace records point to */
  GArray *log;             /* CpuhpLogLine: the console lines of the window */
} CpuhpResult;

CpuhpResult *cpuhp_result_new(guint n_cpus);
void cpuhp_result_free(CpuhpResult *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CpuhpResult, cpuhp_result_free)
/* Starts the trace (room for `reserve` records): r->trace and the names it points to. */
void cpuhp_result_trace_new(CpuhpResult *r, guint reserve);
/* `s` as a string that lives as long as r's trace records (one copy per distinct name). */
const char *cpuhp_result_intern(CpuhpResult *r, const char *s);
void cpuhp_result_log(CpuhpResult *r, int64_t ts, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
/* The same for a line that needs no formatting (printf per line is measurable in a run: docs/performance.md). */
void cpuhp_result_log_text(CpuhpResult *r, int64_t ts, const char *text);
/* Why CPU `cpu` failed, replacing what was said before. A pointer, not an array in the record:
 * 96 bytes a CPU that a run without failures never writes slowed every run (docs/performance.md). */
void cpuhp_result_set_failure(CpuhpResult *r, guint cpu, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
/* c->failure, or "" when none was said. */
const char *cpuhp_cpu_failure(const CpuhpCpuResult *c);
