/* trace_event.h — one cpuhp trace event as the kernel records it (include/trace/events/cpuhp.h:
 * cpuhp_enter, cpuhp_multi_enter, cpuhp_exit), the record a simulated run produces and a real
 * boot's trace is read into. Only sim/output knows the text the kernel prints for it. */
#pragma once

#include <stdint.h>

typedef enum {
  CPUHP_TRACE_ENTER,
  CPUHP_TRACE_MULTI_ENTER,
  CPUHP_TRACE_EXIT,
} CpuhpTraceType;

/* The kernel's bounds for the two names (TASK_COMM_LEN, and what a parsed callback may take). */
#define CPUHP_TRACE_COMM_LEN 16
#define CPUHP_TRACE_FN_LEN 64

/* 48 bytes: a run at 65,536 CPUs keeps millions of these (docs/performance.md), so the names
 * are pointers to strings interned by whoever owns the records (the result's trace_names, a
 * replay input's names) and the fields are packed. Never NULL: an exit's fn is "". */
typedef struct {
  int64_t ts;        /* ns on the trace clock (the kernel prints it to the microsecond) */
  const char *comm;  /* task name, at most CPUHP_TRACE_COMM_LEN - 1 chars like the kernel */
  const char *fn;    /* enter only: the callback, as %ps names it ("" on exit) */
  int32_t pid;
  uint32_t cpu;      /* the CPU being brought up */
  int32_t target;    /* enter: target state; exit: st->state at exit */
  int32_t step;
  int32_t ret;       /* exit only */
  uint16_t exec_cpu; /* the CPU that executed the callback (at most 65,536 CPUs) */
  uint8_t type;      /* CpuhpTraceType */
} CpuhpTraceEvent;

_Static_assert(sizeof(CpuhpTraceEvent) <= 48, "CpuhpTraceEvent grew");
