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

#include "models/kernel/trace_event.h"

/* Appends one line, '\n'-terminated. */
void sim_ftrace_format(GString *out, const CpuhpTraceEvent *r);
/* The header lines the kernel prints at the top of the trace file. */
void sim_ftrace_header(GString *out, guint64 entries);

typedef enum {
  SIM_FTRACE_PARSE_OTHER,     /* not a cpuhp event line (blank, comment, other event) */
  SIM_FTRACE_PARSE_OK,
  SIM_FTRACE_PARSE_MALFORMED, /* a cpuhp event whose fields do not parse; *why says which */
} SimFtraceParse;

/* The record's comm and fn are interned in `names`: they live as long as it does. A line that
 * does not parse adds nothing to it. */
SimFtraceParse sim_ftrace_parse_line(const char *line, GStringChunk *names, CpuhpTraceEvent *out,
                                     const char **why);
