/* ftrace.h — the kernel's trace text for the cpuhp events, written and read by one module.
 *
 * Contract: sim_ftrace_format() produces exactly what /sys/kernel/tracing/trace prints for
 * cpuhp_enter, cpuhp_multi_enter and cpuhp_exit (include/trace/events/cpuhp.h formats, the
 * default "comm-pid [cpu] flags timestamp:" prefix, microsecond timestamps); and
 * sim_ftrace_parse_line() reads such lines back, from our output or from a real kernel's trace
 * (CRLF from a serial console included), so the two can be compared with one parser. */
#pragma once

#include <glib.h>
#include <stdint.h>

typedef enum {
  SIM_FTRACE_CPUHP_ENTER,
  SIM_FTRACE_CPUHP_MULTI_ENTER,
  SIM_FTRACE_CPUHP_EXIT,
} SimFtraceType;

typedef struct {
  int64_t ts;        /* ns on the trace clock (printed to the microsecond) */
  char comm[16];     /* task name, TASK_COMM_LEN like the kernel */
  int32_t pid;
  uint32_t exec_cpu; /* the CPU that executed the callback: "[%03d]" */
  SimFtraceType type;
  uint32_t cpu;      /* the CPU being brought up */
  int32_t target;    /* enter: target state; exit: st->state at exit */
  int32_t step;
  int32_t ret;       /* exit only */
  char fn[64];       /* enter only: callback as %ps prints it */
} SimFtraceRec;

/* Appends one line, '\n'-terminated. */
void sim_ftrace_format(GString *out, const SimFtraceRec *r);
/* The header lines the kernel prints at the top of the trace file. */
void sim_ftrace_header(GString *out, guint64 entries);

typedef enum {
  SIM_FTRACE_PARSE_OTHER,     /* not a cpuhp event line (blank, comment, other event) */
  SIM_FTRACE_PARSE_OK,
  SIM_FTRACE_PARSE_MALFORMED, /* a cpuhp event whose fields do not parse; *why says which */
} SimFtraceParse;

SimFtraceParse sim_ftrace_parse_line(const char *line, SimFtraceRec *out, const char **why);
