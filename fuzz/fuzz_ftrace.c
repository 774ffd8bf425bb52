/* fuzz_ftrace.c — libFuzzer harness for the cpuhp trace-line parser and formatter (ftrace.c).
 *
 * Input: trace text; each '\n'-separated line (cut at its first NUL, as a C string) goes to
 * sim_ftrace_parse_line(). For a line that parses, format∘parse must be a fixed point: the
 * formatted line parses back to the same record, and formatting that record gives the same
 * bytes. A malformed line must say why. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/output/ftrace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, ...)                                                                      \
  do {                                                                                        \
    if (!(cond)) {                                                                            \
      fprintf(stderr, "fuzz_ftrace: check failed: %s: ", #cond);                              \
      fprintf(stderr, __VA_ARGS__);                                                           \
      fputc('\n', stderr);                                                                    \
      abort();                                                                                \
    }                                                                                         \
  } while (0)

static void check_same(const CpuhpTraceEvent *a, const CpuhpTraceEvent *b, const char *line) {
  CHECK(a->ts == b->ts, "ts %" G_GINT64_FORMAT " != %" G_GINT64_FORMAT " for %s", a->ts, b->ts,
        line);
  CHECK(strcmp(a->comm, b->comm) == 0, "comm '%s' != '%s' for %s", a->comm, b->comm, line);
  CHECK(a->pid == b->pid && a->exec_cpu == b->exec_cpu && a->type == b->type &&
            a->cpu == b->cpu && a->target == b->target && a->step == b->step && a->ret == b->ret,
        "fields differ for %s", line);
  CHECK(strcmp(a->fn, b->fn) == 0, "fn '%s' != '%s' for %s", a->fn, b->fn, line);
}

static void one_line(const char *line) {
  g_autoptr(GStringChunk) names = g_string_chunk_new(128);
  CpuhpTraceEvent r;
  const char *why = NULL;
  SimFtraceParse st = sim_ftrace_parse_line(line, names, &r, &why);
  CHECK(st == SIM_FTRACE_PARSE_OTHER || st == SIM_FTRACE_PARSE_OK ||
            st == SIM_FTRACE_PARSE_MALFORMED, "status %d", (int)st);
  if (st == SIM_FTRACE_PARSE_MALFORMED) CHECK(why && *why, "no reason for %s", line);
  if (st != SIM_FTRACE_PARSE_OK) return;

  /* What the kernel can print: a non-negative time, a NUL-terminated comm and callback. */
  CHECK(r.ts >= 0, "negative timestamp %" G_GINT64_FORMAT " from %s", r.ts, line);
  CHECK(strlen(r.comm) < CPUHP_TRACE_COMM_LEN && strlen(r.fn) < CPUHP_TRACE_FN_LEN, "name too long");

  g_autoptr(GString) once = g_string_new(NULL);
  sim_ftrace_format(once, &r);
  CHECK(once->len > 0 && once->str[once->len - 1] == '\n' && !memchr(once->str, '\n', once->len - 1),
        "formatted record is not one line: %s", once->str);

  CpuhpTraceEvent r2;
  why = NULL;
  st = sim_ftrace_parse_line(once->str, names, &r2, &why);
  CHECK(st == SIM_FTRACE_PARSE_OK, "own output does not parse (%s): %s (from %s)",
        why ? why : "other", once->str, line);
  check_same(&r, &r2, once->str);

  g_autoptr(GString) twice = g_string_new(NULL);
  sim_ftrace_format(twice, &r2);
  CHECK(strcmp(once->str, twice->str) == 0, "format not stable:\n%s%s", once->str, twice->str);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *p = (const char *)data, *end = p + size;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *stop = nl ? nl : end;
    /* Exactly the line's bytes in their own allocation, so ASan sees any overread. */
    g_autofree char *line = g_strndup(p, (gsize)(stop - p));
    one_line(line);
    p = nl ? nl + 1 : end;
  }
  return 0;
}
