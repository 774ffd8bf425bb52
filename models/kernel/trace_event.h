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

typedef struct {
  int64_t ts;        /* ns on the trace clock (the kernel prints it to the microsecond) */
  char comm[16];     /* task name, TASK_COMM_LEN like the kernel */
  int32_t pid;
  uint32_t exec_cpu; /* the CPU that executed the callback */
  CpuhpTraceType type;
  uint32_t cpu;      /* the CPU being brought up */
  int32_t target;    /* enter: target state; exit: st->state at exit */
  int32_t step;
  int32_t ret;       /* exit only */
  char fn[64];       /* enter only: the callback, as %ps names it */
} CpuhpTraceEvent;
