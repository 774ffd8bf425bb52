/* ftrace.c — cpuhp trace lines: format and parse. */
#include "sim/output/ftrace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const event_names[] = {"cpuhp_enter", "cpuhp_multi_enter", "cpuhp_exit"};

void sim_ftrace_format(GString *out, const CpuhpTraceEvent *r) {
  /* The prefix is print_trace_fmt()'s: "%16s-%-7d [%03d] <flags> %5lu.%06lu: ". */
  g_string_append_printf(out, "%16s-%-7d [%03u] ..... %5" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT
                         ": %s: ", r->comm, r->pid, r->exec_cpu, r->ts / 1000000000,
                         (r->ts % 1000000000) / 1000, event_names[r->type]);
  if (r->type == CPUHP_TRACE_EXIT)
    g_string_append_printf(out, " cpu: %04u  state: %3d step: %3d ret: %d\n", r->cpu, r->target,
                           r->step, r->ret);
  else
    g_string_append_printf(out, "cpu: %04u target: %3d step: %3d (%s)\n", r->cpu, r->target,
                           r->step, r->fn);
}

void sim_ftrace_header(GString *out, guint64 entries) {
  g_string_append_printf(out,
                         "# tracer: nop\n#\n# entries-in-buffer/entries-written: %" G_GUINT64_FORMAT
                         "/%" G_GUINT64_FORMAT "   #P:1\n#\n"
                         "#                                _-----=> irqs-off/BH-disabled\n"
                         "#                               / _----=> need-resched\n"
                         "#                              | / _---=> hardirq/softirq\n"
                         "#                              || / _--=> preempt-depth\n"
                         "#                              ||| / _-=> migrate-disable\n"
                         "#                              |||| /     delay\n"
                         "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
                         "#              | |         |   |||||     |         |\n",
                         entries, entries);
}

/* Reads "key: <int>" at *p (after skipping blanks); advances *p. Digits only, a '-' only
 * where the kernel prints signed values (`signed_ok`: ret). */
static gboolean field_int(const char **p, const char *key, long *val, gboolean signed_ok) {
  const char *s = *p;
  while (*s == ' ') s++;
  size_t n = strlen(key);
  if (strncmp(s, key, n) != 0) return FALSE;
  s += n;
  while (*s == ' ') s++;
  if (!(g_ascii_isdigit(*s) || (signed_ok && *s == '-' && g_ascii_isdigit(s[1])))) return FALSE;
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (end == s || errno || v < INT32_MIN || v > INT32_MAX) return FALSE;
  *val = v;
  *p = end;
  return TRUE;
}

SimFtraceParse sim_ftrace_parse_line(const char *line, GStringChunk *names, CpuhpTraceEvent *out,
                                     const char **why) {
  int type = -1;
  const char *ev = NULL;
  for (int t = 0; t < 3 && !ev; t++) {
    g_autofree char *needle = g_strdup_printf(": %s: ", event_names[t]);
    ev = strstr(line, needle);
    if (ev) type = t;
  }
  if (!ev) return SIM_FTRACE_PARSE_OTHER;
  memset(out, 0, sizeof *out);
  out->comm = out->fn = "";
  out->type = (uint8_t)type;

  /* Prefix, read right to left: timestamp, flags, [cpu], comm-pid. */
  const char *p = ev;
  const char *ts_start = p;
  while (ts_start > line && ts_start[-1] != ' ') ts_start--;
  /* "SECONDS.MICROS": digits only (strtoll would also take a sign or blanks), 6 after the dot */
  const char *dot = ts_start;
  while (dot < ev && g_ascii_isdigit(*dot)) dot++;
  gboolean ok = dot > ts_start && dot - ts_start <= 10 && *dot == '.' && ev - (dot + 1) == 6;
  for (const char *d = dot + 1; ok && d < ev; d++) ok = g_ascii_isdigit(*d);
  if (!ok) {
    *why = "bad timestamp";
    return SIM_FTRACE_PARSE_MALFORMED;
  }
  char *end;
  long long sec = g_ascii_strtoll(ts_start, NULL, 10), usec = g_ascii_strtoll(dot + 1, NULL, 10);
  if (sec > 1000000000LL) { /* 31 years of uptime; more would overflow ns (fuzzer finding) */
    *why = "bad timestamp";
    return SIM_FTRACE_PARSE_MALFORMED;
  }
  out->ts = sec * 1000000000LL + usec * 1000LL;
  const char *br = g_strrstr_len(line, ts_start - line, "] ");
  const char *ob = br ? g_strrstr_len(line, br - line, "[") : NULL;
  if (!ob) { *why = "missing [cpu]"; return SIM_FTRACE_PARSE_MALFORMED; }
  long cpu = strtol(ob + 1, &end, 10);
  if (end != br || cpu < 0 || cpu > 65535) { *why = "bad [cpu]"; return SIM_FTRACE_PARSE_MALFORMED; }
  out->exec_cpu = (uint16_t)cpu;
  const char *task_end = ob;
  while (task_end > line && task_end[-1] == ' ') task_end--;
  const char *dash = g_strrstr_len(line, task_end - line, "-");
  if (!dash) { *why = "missing comm-pid"; return SIM_FTRACE_PARSE_MALFORMED; }
  long pid = strtol(dash + 1, &end, 10);
  if (end != task_end || pid < 0 || pid > INT32_MAX) { *why = "bad pid"; return SIM_FTRACE_PARSE_MALFORMED; }
  out->pid = (int32_t)pid;
  const char *comm = line;
  while (comm < dash && *comm == ' ') comm++;
  /* the names are interned only once the whole line has parsed: a bad line adds nothing */
  char comm_buf[CPUHP_TRACE_COMM_LEN], fn[CPUHP_TRACE_FN_LEN] = "";
  g_strlcpy(comm_buf, comm, MIN((gsize)(dash - comm) + 1, sizeof comm_buf));

  /* Body. */
  p = ev + 2 + strlen(event_names[type]) + 2;
  long v;
  if (!field_int(&p, "cpu:", &v, FALSE)) { *why = "bad cpu field"; return SIM_FTRACE_PARSE_MALFORMED; }
  out->cpu = (uint32_t)v;
  if (!field_int(&p, type == CPUHP_TRACE_EXIT ? "state:" : "target:", &v, FALSE)) {
    *why = type == CPUHP_TRACE_EXIT ? "bad state field" : "bad target field";
    return SIM_FTRACE_PARSE_MALFORMED;
  }
  out->target = (int32_t)v;
  if (!field_int(&p, "step:", &v, FALSE)) { *why = "bad step field"; return SIM_FTRACE_PARSE_MALFORMED; }
  out->step = (int32_t)v;
  if (type == CPUHP_TRACE_EXIT) {
    if (!field_int(&p, "ret:", &v, TRUE)) { *why = "bad ret field"; return SIM_FTRACE_PARSE_MALFORMED; }
    out->ret = (int32_t)v;
  } else {
    while (*p == ' ') p++;
    const char *close = *p == '(' ? strchr(p, ')') : NULL;
    if (!close || (gsize)(close - p - 1) >= sizeof fn) {
      *why = "bad callback name";
      return SIM_FTRACE_PARSE_MALFORMED;
    }
    memcpy(fn, p + 1, close - p - 1);
    fn[close - p - 1] = '\0';
    p = close + 1;
  }
  while (*p == ' ' || *p == '\r' || *p == '\n') p++;
  if (*p) { *why = "trailing text"; return SIM_FTRACE_PARSE_MALFORMED; }
  out->comm = g_string_chunk_insert_const(names, comm_buf);
  out->fn = g_string_chunk_insert_const(names, fn);
  return SIM_FTRACE_PARSE_OK;
}
