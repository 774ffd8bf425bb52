/* replay.h — a real kernel's SMP bringup read back from its own records: the MEASURED TIMELINE.
 *
 * Contract:
 * - Input: ftrace text (what /sys/kernel/tracing/trace or `trace-cmd report` prints: cpuhp_enter,
 *   cpuhp_multi_enter, cpuhp_exit, and function-tracer lines "fn <-parent"), dmesg lines with
 *   timestamps, or both in one console log where a TRACE section (between "@@TRACE-BEGIN" and
 *   "@@TRACE-END" markers) holds the trace and a DMESG section the kernel log; without sections
 *   every line is classified on its own. CRLF line ends and gzip (detected by its magic) are
 *   accepted. Inputs over CPUHP_REPLAY_MAX_BYTES (raw or decompressed) are refused; memory is
 *   bounded by the input size.
 * - Every error is one line: "FILE:LINE:COL: message" where a position exists, else
 *   "FILE: message" (malformed event lines, truncated or corrupt gzip, binary data, empty files,
 *   files without cpuhp events, an oopsed boot whose trace was never dumped).
 * - Times: the trace clock is converted to ns (x86-tsc cycles with the TSC rate the log reports,
 *   "Refined TSC clocksource calibration" preferred to "Detected ... MHz"). Bringup time follows
 *   shared/reference/README.md: on ns trace clocks (global, local ...) with a dmesg, dmesg
 *   "smp: Brought up" - "smp: Bringing up secondary CPUs"; otherwise (x86-tsc, or no dmesg) the
 *   trace window: from the first cpuhp event for an AP (or the `_cpu_up` call the function tracer
 *   shows just before it) to the exit of the last AP's CPUHP_BRINGUP_CPU step.
 * - The trace window also sorts events: cpuhp events inside it are the bringup; those outside
 *   (CPU 0's own states, states registered later in boot and invoked on every online CPU) are
 *   kept apart, counted and listed, never mixed into the per-CPU sequences or statistics.
 * - Output is a pure function of the input bytes. */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "models/kernel/result.h"
#include "models/kernel/trace_event.h"

#define CPUHP_REPLAY_ERROR (cpuhp_replay_error_quark())
GQuark cpuhp_replay_error_quark(void);
typedef enum {
  CPUHP_REPLAY_ERROR_IO,     /* cannot read the file */
  CPUHP_REPLAY_ERROR_SIZE,   /* over CPUHP_REPLAY_MAX_BYTES */
  CPUHP_REPLAY_ERROR_GZIP,   /* truncated or corrupt gzip data */
  CPUHP_REPLAY_ERROR_FORMAT, /* binary data, malformed line, inconsistent clock */
  CPUHP_REPLAY_ERROR_EMPTY,  /* nothing to measure: empty file, no cpuhp events */
} CpuhpReplayError;

#define CPUHP_REPLAY_MAX_BYTES ((gsize)256 << 20)
#define CPUHP_REPLAY_MAX_CPU 65535u /* cpu numbers above are refused (NR_CPUS is at most 8192) */

typedef enum {
  CPUHP_SIDE_BP, /* the control CPU ran it (PREPARE states, kick, bringup) */
  CPUHP_SIDE_AP, /* the CPU being brought up ran it (its cpuhp/N thread) */
} CpuhpSide;

typedef enum {
  CPUHP_MEASURE_DMESG, /* dmesg "smp: Brought up" - "smp: Bringing up secondary CPUs" */
  CPUHP_MEASURE_TRACE, /* first AP cpuhp event (or _cpu_up) .. last AP's bringup-step exit */
} CpuhpMeasureMethod;

/* One callback invocation (an enter and its exit). */
typedef struct {
  int32_t step;
  int32_t target;     /* target state of the cpu_up() that ran it */
  char callback[64];  /* as the trace prints it (%ps) */
  CpuhpSide side;     /* AP when the executing CPU is the CPU itself, else BP */
  gboolean multi;     /* cpuhp_multi_enter: one instance of a multi-instance state */
  uint32_t exec_cpu;
  char comm[16];
  int32_t pid;
  int64_t start;      /* ns from the window start */
  int64_t duration;   /* ns; -1: the exit is not in the trace */
  int32_t ret;        /* the exit's return value (0 without an exit) */
  gboolean stalled;   /* a stall (CpuhpMeasuredStall): listed in CpuhpMeasured.stalls */
} CpuhpMeasuredStep;

/* One function-tracer line. */
typedef struct {
  int64_t ts;         /* ns from the window start */
  char function[64];
  char parent[64];
  char comm[16];
  int32_t pid;
} CpuhpMeasuredFunc;

typedef struct {
  guint cpu;
  GArray *steps;       /* CpuhpMeasuredStep in trace order, in-window only */
  GArray *functions;   /* CpuhpMeasuredFunc that ran on this CPU, in-window only */
  int64_t first_event; /* ns from window start of its first cpuhp event; -1 none */
  int64_t kick;        /* enter of its kick step (bringup step if there is none); -1 */
  int64_t bringup_exit;/* exit of its CPUHP_BRINGUP_CPU step; -1 */
  int64_t bp_ns, ap_ns;/* time in callbacks by side (step 86 and the kick excluded: they wait) */
} CpuhpMeasuredCpu;

/* Per (step, callback): the in-window invocations. */
typedef struct {
  int32_t step;
  char callback[64];
  gboolean multi;
  guint count;
  guint timed;         /* invocations with an exit: the ones the durations are over */
  int64_t mean_ns, min_ns, max_ns; /* -1 when none was timed */
} CpuhpMeasuredState;

/* A stall: a callback that ran at least CPUHP_REPLAY_STALL_NS longer than usual, usual being the
 * lower quartile of the same callback's durations (the same instance of a multi-instance state)
 * over the CPUs — time the guest's work does not explain, such as the host faulting in guest RAM
 * (docs/host-first-touch.md). A quartile, not the median: in some boots most CPUs stall in the
 * same callback. Only callbacks with at least CPUHP_REPLAY_STALL_MIN_CPUS timed invocations are
 * judged, and not the kick and bringup steps, which wait for the AP. */
#define CPUHP_REPLAY_STALL_NS ((int64_t)3000000)
#define CPUHP_REPLAY_STALL_MIN_CPUS 3u
typedef struct {
  guint cpu;
  int32_t step;
  char callback[64];
  guint instance;      /* 0-based, within this CPU's invocations of the state */
  int64_t start;       /* ns from the window start */
  int64_t duration;    /* ns */
  int64_t usual;       /* ns: lower quartile of the same callback and instance over the CPUs */
} CpuhpMeasuredStall;

/* A cpuhp event outside the bringup window. */
typedef struct {
  int64_t ts;          /* ns from the window start (negative: before it) */
  CpuhpTraceType type;
  uint32_t cpu, exec_cpu;
  int32_t step;
  char callback[64];   /* empty for exits */
  guint line;          /* in the input; 0 for a simulated run */
} CpuhpMeasuredEvent;

typedef struct _CpuhpMeasured {
  char *source;            /* file name, or "simulation" */
  char *clock;             /* trace clock: "global", "local", "x86-tsc", ... or "unknown" */
  char *clock_from;        /* where that was read: "kernel command line", ... */
  char *cmdline;           /* the boot's kernel command line; NULL when the input does not show it
                            * (and for a simulated run) */
  char *cmdline_from;      /* "kernel command line" (dmesg) or "... (/proc/cmdline)" */
  guint cmdline_line, cmdline_col; /* where it starts in the input */
  guint64 tsc_khz;         /* x86-tsc: the rate used (0 otherwise) */
  char *tsc_from;          /* the dmesg line it came from */
  CpuhpMeasureMethod method;
  int64_t bringup_ns;      /* by `method` */
  int64_t trace_bringup_ns;/* the trace window's length, whatever the method; -1 without APs */
  int64_t window_start;    /* the bringup window on the trace clock, ns (dmesg window for DMESG) */
  int64_t window_end;
  int64_t trace_start;     /* the trace window that sorts events, ns on the trace clock; -1 */
  int64_t trace_end;
  int64_t first_ap_event;  /* ns on the trace clock; -1 */
  int64_t cpu_up_call;     /* the _cpu_up entry the window starts at; -1 if not traced */
  int64_t dmesg_start, dmesg_end; /* dmesg clock, ns; -1 when absent */
  guint dmesg_cpus;        /* "smp: Brought up N nodes, M CPUs": M; 0 when absent */
  /* The whole boot on the dmesg clock, ns; -1 when absent: "Linux version" (kernel entry) and
   * "Run /init as init process". A simulated run has them when its profile models the boot. */
  int64_t dmesg_kernel_start, dmesg_init;
  int64_t dmesg_sched_clock_stable; /* "sched_clock: Marking stable" (x86, a late initcall); -1 */
  gboolean kernel_start_modelled; /* a simulated run's: may lie before its clock's 0 */
  guint n_cpus;            /* CPUs of the boot (highest CPU seen + 1, or dmesg's count) */
  gboolean parallel;       /* APs were first taken to the kick state (cpuhp.parallel=1) */
  gboolean smt_primary_first; /* kick order: primary threads (cpu % threads == 0) first */
  guint threads_per_core;  /* as the kick order shows it; 1 when it shows nothing */
  int32_t kick_step, bringup_step; /* 85 / 86 on x86 6.12; kick_step 0 when absent */
  GArray *kick_order;      /* guint CPU numbers in kick order */
  guint64 events_in_window, events_outside, events_other, lost_events;
  guint64 functions_in_window, functions_outside;
  GArray *cpus;            /* CpuhpMeasuredCpu, by CPU number; CPUs with in-window events */
  GArray *states;          /* CpuhpMeasuredState, by step then callback */
  GArray *stalls;          /* CpuhpMeasuredStall, in time order */
  GArray *outside;         /* CpuhpMeasuredEvent, in time order */
  GPtrArray *notes;        /* char *: what the reader had to assume or skip */
} CpuhpMeasured;

struct _ReplayInput;
/* The timeline of a real boot's parsed records (a parser in sim/output fills them); clears
 * `in` whatever the outcome. */
CpuhpMeasured *cpuhp_measured_new_from_input(struct _ReplayInput *in, GError **error);
/* The timeline of a simulated run made with trace=TRUE (its trace records and console lines). */
CpuhpMeasured *cpuhp_measured_new_from_result(const CpuhpResult *r, GError **error);
void cpuhp_measured_free(CpuhpMeasured *m);
/* Kernel entry to "Run /init" (and the parts before and after the dmesg window): FALSE when the
 * timeline lacks a marker. */
gboolean cpuhp_measured_boot(const CpuhpMeasured *m, int64_t *boot, int64_t *before, int64_t *after);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CpuhpMeasured, cpuhp_measured_free)

const CpuhpMeasuredCpu *cpuhp_measured_cpu(const CpuhpMeasured *m, guint cpu);
/* The stalls' time over the usual, summed: ns. */
int64_t cpuhp_measured_stalled_ns(const CpuhpMeasured *m);
const char *cpuhp_side_name(CpuhpSide s);
const char *cpuhp_measure_method_name(CpuhpMeasureMethod m);

/* ---- diff: a real timeline against another (a trace file or a simulated run) ------------ */

typedef struct {
  guint cpu;
  guint real_len, sim_len;    /* steps */
  gboolean equal;
  guint position;             /* first differing index when !equal */
  gboolean has_real, has_sim; /* whether each side has a step at `position` */
  CpuhpMeasuredStep real, sim;
} CpuhpDiffCpu;

typedef struct {
  int32_t step;
  char callback[64];
  guint real_count, sim_count;
  int64_t real_mean_ns, sim_mean_ns; /* -1 when untimed or absent on that side */
} CpuhpDiffState;

typedef struct {
  gboolean equal;             /* every CPU's sequence is the same */
  int first;                  /* index in cpus of the first differing CPU; -1 */
  GArray *cpus;               /* CpuhpDiffCpu for every CPU with steps on either side */
  GArray *states;             /* CpuhpDiffState for every (step, callback) on either side */
  CpuhpMeasureMethod method;  /* how both bringup times below were measured */
  int64_t real_bringup_ns, sim_bringup_ns;
  /* Kernel entry to "Run /init", and its parts before and after the window; -1 unless both
   * sides have the whole boot. */
  int64_t real_boot_ns, sim_boot_ns, real_before_ns, sim_before_ns, real_after_ns, sim_after_ns;
  guint real_stalls;          /* the real timeline's stalls, and their time over the usual */
  int64_t real_stalled_ns;
  guint sim_stalls;           /* the same rule on the other timeline: what the model gives of them */
  int64_t sim_stalled_ns;
} CpuhpReplayDiff;

/* Compares step, callback, side, multi-instance flag and target, position by position per CPU.
 * Bringup times use the real timeline's method when the other has it too, else both use the
 * trace window. */
CpuhpReplayDiff *cpuhp_replay_diff(const CpuhpMeasured *real, const CpuhpMeasured *sim);
void cpuhp_replay_diff_free(CpuhpReplayDiff *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CpuhpReplayDiff, cpuhp_replay_diff_free)
