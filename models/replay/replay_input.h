/* replay_input.h — a real boot as parsed records: the cpuhp events and function-tracer lines of
 * its trace and the timestamped lines of its kernel log, each with its line number. A parser
 * (sim/output/bootlog.h) fills it from a file; cpuhp_measured_new_from_input() measures it.
 * Timestamps stay in the trace's own unit (ns, or raw counts for x86-tsc); replay.c converts. */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "models/kernel/trace_event.h"

typedef struct {
  guint line;         /* 1-based; 0 for records that did not come from a file */
  guint seq;          /* input order, to keep ties in order when sorting by time */
  gboolean is_func;   /* a function-tracer line: rec has ts, comm, pid, exec_cpu */
  CpuhpTraceEvent rec;
  char function[64], parent[64];
} ReplayRec;

typedef struct {
  int64_t ts;         /* ns on the log's clock */
  guint line;
  char *text;         /* the message after the timestamp */
} ReplayLogLine;

typedef struct _ReplayInput {
  char *name;         /* for messages */
  GArray *recs;       /* ReplayRec, file order */
  GStringChunk *names; /* the comm and fn strings of recs parsed from the input */
  GArray *log;        /* ReplayLogLine, file order */
  char *cmdline;      /* the kernel command line, when the input shows it */
  char *cmdline_from;
  guint cmdline_line, cmdline_col; /* where the command line starts in the input; 0 if not read */
  char *info_clock;   /* the selected clock of a dumped tracing/trace_clock ("[x86-tsc]") */
  gboolean raw_ts;    /* trace timestamps are raw counts (clocks without a ns unit) */
  guint64 lost;       /* "CPU:N [LOST M EVENTS]" */
  guint64 other;      /* trace lines of other events, ignored */
  gboolean trace_unterminated;
  char *panic;        /* first "Kernel panic" message, for the no-trace error */
} ReplayInput;

void replay_input_init(ReplayInput *in, const char *name);
void replay_input_clear(ReplayInput *in);
