/* testutil.h — helpers shared by the cmocka tests (header-only, static). */
#pragma once

#include <gio/gio.h>
#include <glib.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
/* cmocka.h needs the includes above first */
#include <cmocka.h>

#include "models/kernel/bringup.h"
#include "models/kernel/prepare.h"
#include "models/profile/profile.h"
#include "models/replay/replay.h"
#include "sim/output/bootlog.h"
#include "sim/output/ftrace.h"

/* Ascending order of doubles, and of int64_t, for qsort() and g_array_sort(). */
static G_GNUC_UNUSED int tu_cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static G_GNUC_UNUSED int tu_cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* The default profile plus overrides given as a NULL-terminated list. */

static G_GNUC_UNUSED CpuhpProfile *tu_profile(const char *first, ...) {
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  va_list ap;
  va_start(ap, first);
  for (const char *s = first; s; s = va_arg(ap, const char *)) g_ptr_array_add(ov, g_strdup(s));
  va_end(ap);
  g_autoptr(GError) err = NULL;
  CpuhpProfile *p = cpuhp_machine_load_default(ov, &err);
  if (!p) fail_msg("profile: %s", err->message);
  return p;
}

static G_GNUC_UNUSED CpuhpResult *tu_run(const CpuhpProfile *p, uint64_t seed, gboolean trace) {
  CpuhpRunOptions opt = {.seed = seed, .trace = trace};
  g_autoptr(GError) err = NULL;
  CpuhpResult *r = cpuhp_bringup_run(p, &opt, &err);
  if (!r) fail_msg("run: %s", err->message);
  return r;
}

/* The arm64 RFC's three kernels (seed 002) of profile `yaml`: without HOTPLUG_PARALLEL, with
 * cpuhp.parallel=0 and =1; `ap` holds more overrides, NULL-terminated. Every CPU must come up. */
typedef enum { TU_NO_PATCH, TU_PARALLEL0, TU_PARALLEL1 } TuKernel;
static G_GNUC_UNUSED CpuhpResult *tu_run_kernel(const char *yaml, TuKernel k, const char *extra, va_list ap) {
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(ov, g_strdup_printf("kernel.hotplug_parallel=%s", k == TU_NO_PATCH ? "false" : "true"));
  g_ptr_array_add(ov, g_strdup_printf("kernel.cpuhp_parallel=%s", k == TU_PARALLEL1 ? "true" : "false"));
  for (const char *s = extra; s; s = va_arg(ap, const char *)) g_ptr_array_add(ov, g_strdup(s));
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpProfile) p = cpuhp_machine_load_file(yaml, ov, &err);
  if (!p) fail_msg("%s", err->message);
  CpuhpResult *r = tu_run(p, 1, FALSE);
  assert_int_equal(r->cpus_online, r->n_cpus);
  return r;
}

/* A gzipped file's text (NUL-terminated), or NULL. */
static G_GNUC_UNUSED char *tu_gunzip(const char *path) {
  g_autoptr(GFile) f = g_file_new_for_path(path);
  g_autoptr(GFileInputStream) fin = g_file_read(f, NULL, NULL);
  if (!fin) return NULL;
  g_autoptr(GZlibDecompressor) dec = g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr(GInputStream) in = g_converter_input_stream_new(G_INPUT_STREAM(fin), G_CONVERTER(dec));
  g_autoptr(GByteArray) all = g_byte_array_new();
  guint8 buf[65536];
  gssize n;
  while ((n = g_input_stream_read(in, buf, sizeof buf, NULL, NULL)) > 0) g_byte_array_append(all, buf, (guint)n);
  if (n < 0) return NULL;
  g_byte_array_append(all, (const guint8 *)"", 1);
  return (char *)g_byte_array_free(g_steal_pointer(&all), FALSE);
}

/* A file's text, gunzipped when its name ends in .gz; NULL when it cannot be read. */
static G_GNUC_UNUSED char *tu_read_text(const char *path) {
  char *text = NULL;
  if (g_str_has_suffix(path, ".gz")) return tu_gunzip(path);
  return g_file_get_contents(path, &text, NULL, NULL) ? text : NULL;
}

/* A least-squares line fitted as its points come: tu_line_add() each (x, y), then
 * tu_line_slope() (at least two distinct x). */
typedef struct {
  double n, sx, sy, sxx, sxy;
} TuLine;

static G_GNUC_UNUSED void tu_line_add(TuLine *l, double x, double y) {
  l->n++, l->sx += x, l->sy += y, l->sxx += x * x, l->sxy += x * y;
}

static G_GNUC_UNUSED double tu_line_slope(const TuLine *l) {
  return (l->n * l->sxy - l->sx * l->sy) / (l->n * l->sxx - l->sx * l->sx);
}

/* A "frame,samples" file of host_threads.py (tests/data/beyond/mttcg/tsc-lock): the samples of
 * `frame`, and of every frame into *all. Lines starting with '#' and the header are skipped. */
static G_GNUC_UNUSED double tu_frame_samples(const char *path, const char *frame, double *all) {
  g_autofree char *text = tu_read_text(path);
  if (!text) fail_msg("%s: cannot read it", path);
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  double mine = 0;
  *all = 0;
  for (char **l = lines; *l; l++) {
    if (!**l || **l == '#' || !strcmp(*l, "frame,samples")) continue;
    const char *comma = strrchr(*l, ',');
    if (!comma) fail_msg("%s: bad row '%s'", path, *l);
    double k = g_ascii_strtod(comma + 1, NULL);
    *all += k;
    if ((size_t)(comma - *l) == strlen(frame) && !strncmp(*l, frame, strlen(frame))) mine += k;
  }
  return mine;
}

/* The cpuhp events of a trace file (ours or a real console log), in file order. Their names
 * live in one chunk for the whole test program (never freed: still reachable at exit). */
static G_GNUC_UNUSED GArray *tu_read_trace(const char *path) {
  static GStringChunk *names;
  if (!names) names = g_string_chunk_new(4096);
  g_autofree char *text = tu_read_text(path);
  if (!text) return NULL;
  GArray *a = g_array_new(FALSE, FALSE, sizeof(CpuhpTraceEvent));
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  for (char **l = lines; *l; l++) {
    CpuhpTraceEvent r;
    const char *why = NULL;
    SimFtraceParse res = sim_ftrace_parse_line(*l, names, &r, &why);
    if (res == SIM_FTRACE_PARSE_MALFORMED) fail_msg("%s: malformed line (%s): %s", path, why, *l);
    if (res == SIM_FTRACE_PARSE_OK) g_array_append_val(a, r);
  }
  return a;
}

/* dmesg time (ns) of the line of `text` that holds `hit` ("[  2.011597] ..."), or -1. */
static G_GNUC_UNUSED int64_t tu_dmesg_stamp(const char *text, const char *hit) {
  const char *br = hit;
  while (br > text && *br != '[') br--;
  long long s = 0, us = 0;
  if (sscanf(br, "[ %lld.%lld]", &s, &us) != 2) return -1;
  return s * 1000000000LL + us * 1000LL;
}

/* dmesg time (ns) of the first line containing `needle`, or -1; the file may be gzipped (by its
 * name). */
static G_GNUC_UNUSED int64_t tu_dmesg_time(const char *path, const char *needle) {
  g_autofree char *text = tu_read_text(path);
  if (!text) return -1;
  const char *hit = strstr(text, needle);
  return hit ? tu_dmesg_stamp(text, hit) : -1;
}

/* The median of v[0..n-1] (n > 0), which it sorts. */
static G_GNUC_UNUSED double tu_median(double *v, guint n) {
  qsort(v, n, sizeof v[0], tu_cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Prints `want`, a Markdown table row, and checks that the table of `path` whose header line
 * starts with `table`, under the heading line `section` ("## ..."), has a row with `want`'s first
 * cell that reads exactly `want`. Returns FALSE, checking nothing, when `section` is missing, so
 * that a test can print all its rows before it fails. */
static G_GNUC_UNUSED gboolean tu_doc_row(const char *path, const char *section, const char *table, const char *want) {
  printf("  %s\n", want);
  g_autofree char *md = NULL;
  if (!g_file_get_contents(path, &md, NULL, NULL)) fail_msg("%s: cannot read", path);
  g_autofree char *heading = g_strdup_printf("\n%s\n", section);
  const char *sec = strstr(md, heading);
  if (!sec) return FALSE;
  const char *tab = strstr(sec, table);
  if (!tab) fail_msg("%s: no table '%s'", path, table);
  g_autofree char *first = g_strndup(want, (gsize)(strchr(want + 2, '|') - want + 1));
  for (const char *l = tab; l && *l && strncmp(l, "\n\n", 2) != 0; l = strchr(l + 1, '\n')) {
    const char *row = *l == '\n' ? l + 1 : l;
    if (strncmp(row, first, strlen(first)) != 0) continue;
    const char *eol = strchr(row, '\n');
    g_autofree char *got = eol ? g_strndup(row, (gsize)(eol - row)) : g_strdup(row);
    if (strcmp(got, want) != 0) fail_msg("%s has\n  %s\nthe data give\n  %s", path, got, want);
    return TRUE;
  }
  fail_msg("%s: table '%s' has no row %s", path, table, first);
  return TRUE;
}

/* Bringup on the dmesg clock, ms: "smp: Brought up" - "smp: Bringing up secondary CPUs"; -1
 * when either line is missing. */
static G_GNUC_UNUSED double tu_dmesg_window_ms(const char *path) {
  int64_t a = tu_dmesg_time(path, "smp: Bringing up secondary"), b = tu_dmesg_time(path, "smp: Brought up");
  return a >= 0 && b > a ? (double)(b - a) / 1e6 : -1;
}

/* MTTCG bringup as tests/data/reference/README.md measures it: first cpuhp event of an AP .. exit
 * of the last AP's step 86, on the TSC (trace_clock=x86-tsc prints cycles; the rate is dmesg's
 * "tsc: Detected ... MHz"). -1 when the file is missing or has no trace (an oopsed boot). */
static G_GNUC_UNUSED double tu_mttcg_bringup_ms(const char *path) {
  g_autofree char *text = tu_gunzip(path);
  if (!text) return -1;
  const char *d = strstr(text, "tsc: Detected ");
  double mhz = 0;
  if (!d || sscanf(d, "tsc: Detected %lf MHz", &mhz) != 1 || mhz <= 0) return -1;
  const char *tr = strstr(text, "@@TRACE-BEGIN");
  if (!tr) return -1;
  guint64 first = 0, last = 0;
  g_auto(GStrv) lines = g_strsplit(tr, "\n", -1);
  for (char **l = lines; *l && !strstr(*l, "@@TRACE-END"); l++) {
    const char *ev = strstr(*l, ": cpuhp_");
    if (!ev) continue;
    const char *t = ev;
    while (t > *l && g_ascii_isdigit(t[-1])) t--;
    guint64 ts = g_ascii_strtoull(t, NULL, 10);
    unsigned cpu = 0, state = 0, step = 0;
    const char *c = strstr(ev, "cpu: ");
    if (!c || sscanf(c, "cpu: %u", &cpu) != 1 || cpu == 0) continue;
    if (!first) first = ts;
    if (strstr(ev, "cpuhp_exit") && sscanf(strstr(ev, "state:"), "state: %u step: %u", &state, &step) == 2 && step == 86)
      last = ts;
  }
  return first && last > first ? (double)(last - first) / mhz / 1e3 : -1;
}

/* The cpuhpsim binary run with `env` (NULL: ours) and arguments (NULL-terminated). */
typedef struct {
  int status;
  char *out, *err;
} TuRan;

static G_GNUC_UNUSED TuRan tu_run_env(char **env, const char *first, ...) {
  g_autoptr(GPtrArray) argv = g_ptr_array_new();
  g_ptr_array_add(argv, (gpointer)CPUHPSIM_BINARY);
  va_list ap;
  va_start(ap, first);
  for (const char *s = first; s; s = va_arg(ap, const char *)) g_ptr_array_add(argv, (gpointer)s);
  va_end(ap);
  g_ptr_array_add(argv, NULL);
  TuRan r = {0};
  int wait = 0;
  g_autoptr(GError) err = NULL;
  if (!g_spawn_sync(NULL, (char **)argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL, &r.out, &r.err, &wait, &err))
    fail_msg("spawn: %s", err->message);
  r.status = g_spawn_check_wait_status(wait, NULL) ? 0 : (WIFEXITED(wait) ? WEXITSTATUS(wait) : 128);
  return r;
}

static G_GNUC_UNUSED void tu_ran_clear(TuRan *r) {
  g_free(r->out);
  g_free(r->err);
}

/* A real or simulated trace imported, or the test fails with the importer's message. */
static G_GNUC_UNUSED CpuhpMeasured *tu_import(const char *path) {
  g_autoptr(GError) err = NULL;
  CpuhpMeasured *m = sim_bootlog_measure_file(path, &err);
  if (!m) fail_msg("%s", err->message);
  return m;
}

/* The per-state statistics of (step, callback) in an imported timeline. */
static G_GNUC_UNUSED const CpuhpMeasuredState *tu_state_of(const CpuhpMeasured *m, int step, const char *callback) {
  for (guint i = 0; i < m->states->len; i++) {
    const CpuhpMeasuredState *s = &g_array_index(m->states, CpuhpMeasuredState, i);
    if (s->step == step && !strcmp(s->callback, callback)) return s;
  }
  fail_msg("%s: no state %d %s", m->source, step, callback);
  return NULL;
}
