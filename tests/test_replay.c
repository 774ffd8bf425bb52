/* test_replay.c — the measured timeline of real Linux 6.12 boots (models/replay/replay.h): the excerpts in
 * tests/data, every file of tests/data/reference/traces against the bringup times its
 * README tabulates, and every error path (tests/data/bad-traces). `diff` and the program's
 * commands are test_replay_cli.c's. */
#include "tests/testutil.h"

#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <unistd.h>

#include "models/replay/replay.h"
#include "sim/output/bootlog.h"

#define REF "tests/data/reference/traces"


static void assert_kick_order(const CpuhpMeasured *m, const guint *want, guint n) {
  assert_int_equal(m->kick_order->len, n);
  for (guint i = 0; i < n; i++) assert_int_equal(g_array_index(m->kick_order, guint, i), want[i]);
}

static guint count_step(const CpuhpMeasuredCpu *c, int step) {
  guint n = 0;
  for (guint k = 0; k < c->steps->len; k++) n += g_array_index(c->steps, CpuhpMeasuredStep, k).step == step;
  return n;
}

/* What every x86 6.12 AP of these guests does inside the window: 27 callbacks (54 events), the
 * PREPARE ones and the kick/bringup on the control CPU, the rest on the AP's own cpuhp/N thread;
 * trace_rb_cpu_prepare once per ring buffer (3). */
static void assert_x86_aps(const CpuhpMeasured *m) {
  guint aps = 0;
  for (guint i = 0; i < m->cpus->len; i++) {
    const CpuhpMeasuredCpu *c = &g_array_index(m->cpus, CpuhpMeasuredCpu, i);
    if (c->cpu == 0) continue;
    aps++;
    assert_int_equal(c->steps->len, 27);
    assert_int_equal(count_step(c, 56), 3);
    for (guint k = 0; k < c->steps->len; k++) {
      const CpuhpMeasuredStep *s = &g_array_index(c->steps, CpuhpMeasuredStep, k);
      assert_int_equal(s->side, s->step <= 86 ? CPUHP_SIDE_BP : CPUHP_SIDE_AP);
      assert_true(s->duration >= 0);
    }
    assert_true(c->bringup_exit > c->kick && c->kick > c->first_event);
  }
  assert_int_equal(aps, m->n_cpus - 1);
  assert_int_equal(m->events_in_window, 54 * aps);
  if (aps) assert_int_equal(tu_state_of(m, 56, "trace_rb_cpu_prepare")->count, 3 * aps);
  if (aps) assert_true(tu_state_of(m, 56, "trace_rb_cpu_prepare")->multi);
}

/* ---- the excerpts ----------------------------------------------------------------------- */

static void test_excerpt_parallel(void **state) {
  g_autoptr(CpuhpMeasured) m = tu_import("tests/data/traces/icount_4_p1_r1.txt");
  assert_int_equal(m->method, CPUHP_MEASURE_DMESG);
  assert_int_equal(m->window_start, 2011597000LL); /* [    2.011597] smp: Bringing up secondary CPUs */
  assert_int_equal(m->window_end, 2301713000LL);   /* [    2.301713] smp: Brought up 1 node, 4 CPUs */
  assert_int_equal(m->bringup_ns, 290116000LL);
  assert_int_equal(m->first_ap_event, 2011746000LL);
  assert_int_equal(m->trace_start, 2011746000LL);
  assert_int_equal(m->cpu_up_call, -1);
  assert_int_equal(m->trace_end, 2301713000LL); /* the exit of cpu 3's step 86 */
  assert_int_equal(m->n_cpus, 4);
  assert_int_equal(m->dmesg_cpus, 4);
  assert_true(m->parallel);
  assert_false(m->smt_primary_first);
  assert_int_equal(m->kick_step, 85);
  assert_int_equal(m->bringup_step, 86);
  assert_kick_order(m, (const guint[]){1, 2, 3}, 3);
  assert_int_equal(m->events_in_window, 162); /* every trace line of the excerpt */
  assert_int_equal(m->events_outside, 0);
  assert_int_equal(m->outside->len, 0);
  assert_x86_aps(m);
  const CpuhpMeasuredStep *s = &g_array_index(cpuhp_measured_cpu(m, 1)->steps, CpuhpMeasuredStep, 0);
  assert_int_equal(s->step, 1);
  assert_string_equal(s->callback, "smpboot_create_threads");
  assert_int_equal(s->target, 85);
  assert_int_equal(s->start, 149000);     /* 2.011746 - 2.011597 */
  assert_int_equal(s->duration, 3027000); /* exit at 2.014773 */
  assert_string_equal(s->comm, "swapper/0");
  const CpuhpMeasuredState *rb = tu_state_of(m, 56, "trace_rb_cpu_prepare");
  assert_int_equal(rb->count, 9);
  assert_int_equal(rb->timed, 9);
  assert_true(rb->min_ns <= rb->mean_ns && rb->mean_ns <= rb->max_ns);
  assert_int_equal(tu_state_of(m, 86, "cpuhp_bringup_ap")->count, 3);
}

static void test_excerpt_serial(void **state) {
  g_autoptr(CpuhpMeasured) m = tu_import("tests/data/traces/icount_4_p0_r1.txt");
  assert_int_equal(m->bringup_ns, 2311333000LL - 2013212000LL);
  assert_false(m->parallel);
  assert_kick_order(m, (const guint[]){1, 2, 3}, 3);
  assert_int_equal(m->events_in_window, 162);
  assert_x86_aps(m);
  for (guint i = 0; i < m->cpus->len; i++) { /* serial: every cpu_up() goes straight to 236 */
    const CpuhpMeasuredCpu *c = &g_array_index(m->cpus, CpuhpMeasuredCpu, i);
    for (guint k = 0; k < c->steps->len; k++) assert_int_equal(g_array_index(c->steps, CpuhpMeasuredStep, k).target, 236);
  }
}

static void test_excerpt_smt(void **state) {
  g_autoptr(CpuhpMeasured) m = tu_import("tests/data/traces/icount_8s1c4t2_p1_r1.txt");
  assert_int_equal(m->bringup_ns, 2708588000LL - 2032622000LL);
  assert_int_equal(m->n_cpus, 8);
  assert_true(m->parallel);
  assert_true(m->smt_primary_first);
  assert_int_equal(m->threads_per_core, 2);
  assert_kick_order(m, (const guint[]){2, 4, 6, 1, 3, 5, 7}, 7);
  assert_int_equal(m->events_in_window, 378);
  assert_x86_aps(m);
  assert_int_equal(tu_state_of(m, 56, "trace_rb_cpu_prepare")->count, 21);
}

/* x86-tsc: raw cycles, the TSC rate from dmesg, the window from the _cpu_up call the function
 * tracer shows; function-tracer lines kept per CPU; CRLF; gzip. */
static void test_excerpt_tsc(void **state) {
  g_autoptr(CpuhpMeasured) m = tu_import("tests/data/replay/mttcg_2_p1_r1.txt.gz");
  assert_string_equal(m->clock, "x86-tsc");
  assert_int_equal(m->tsc_khz, 2596126);
  assert_non_null(strstr(m->tsc_from, "tsc: Detected 2596.126 MHz"));
  assert_int_equal(m->method, CPUHP_MEASURE_TRACE);
  /* cycles: _cpu_up 6650417943, first cpu 1 event 6651036691, cpu 1's step-86 exit 6691802611 */
  assert_int_equal(m->bringup_ns, 15940932);
  assert_int_equal(m->trace_bringup_ns, 15940932);
  assert_int_equal(m->first_ap_event - m->cpu_up_call, 238335);
  assert_int_equal(m->trace_start, m->cpu_up_call);
  assert_true(m->parallel);
  assert_kick_order(m, (const guint[]){1}, 1);
  assert_int_equal(m->events_in_window, 54);
  assert_int_equal(m->events_outside, 34);
  assert_int_equal(m->outside->len, 34);
  assert_int_equal(m->functions_in_window, 28);
  assert_int_equal(m->functions_outside, 11);
  assert_x86_aps(m);
  const CpuhpMeasuredCpu *c = cpuhp_measured_cpu(m, 1);
  gboolean ucode = FALSE;
  for (guint k = 0; k < c->functions->len; k++) {
    const CpuhpMeasuredFunc *f = &g_array_index(c->functions, CpuhpMeasuredFunc, k);
    if (strcmp(f->function, "load_ucode_ap")) continue;
    ucode = TRUE;
    assert_string_equal(f->parent, "start_secondary");
    assert_string_equal(f->comm, "<idle>");
    assert_true(f->ts > c->kick && f->ts < c->bringup_exit); /* the AP runs after its kick */
  }
  assert_true(ucode);
  /* later dynamic states are outside, in time order, never in the per-CPU sequences */
  gboolean zs = FALSE;
  for (guint i = 0; i < m->outside->len; i++) {
    const CpuhpMeasuredEvent *e = &g_array_index(m->outside, CpuhpMeasuredEvent, i);
    zs |= !strcmp(e->callback, "zs_cpu_prepare");
    if (i) assert_true(e->ts >= g_array_index(m->outside, CpuhpMeasuredEvent, i - 1).ts);
  }
  assert_true(zs);
  assert_int_equal(count_step(c, 57), 0);
}

static gboolean same_step(const CpuhpMeasuredStep *x, const CpuhpMeasuredStep *y) {
  return x->step == y->step && x->target == y->target && !strcmp(x->callback, y->callback) && x->side == y->side &&
         x->multi == y->multi && x->start == y->start && x->duration == y->duration && x->ret == y->ret;
}

static gboolean same_timeline(const CpuhpMeasured *a, const CpuhpMeasured *b) {
  if (a->bringup_ns != b->bringup_ns || a->events_in_window != b->events_in_window || a->cpus->len != b->cpus->len ||
      a->parallel != b->parallel || a->n_cpus != b->n_cpus)
    return FALSE;
  for (guint i = 0; i < a->cpus->len; i++) {
    const CpuhpMeasuredCpu *x = &g_array_index(a->cpus, CpuhpMeasuredCpu, i), *y = &g_array_index(b->cpus, CpuhpMeasuredCpu, i);
    if (x->steps->len != y->steps->len) return FALSE;
    for (guint k = 0; k < x->steps->len; k++)
      if (!same_step(&g_array_index(x->steps, CpuhpMeasuredStep, k), &g_array_index(y->steps, CpuhpMeasuredStep, k)))
        return FALSE;
  }
  return TRUE;
}

static GBytes *gzip_bytes(const void *data, gsize len) {
  g_autoptr(GZlibCompressor) z = g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP, 1);
  g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable();
  g_autoptr(GOutputStream) zs = g_converter_output_stream_new(mem, G_CONVERTER(z));
  assert_true(g_output_stream_write_all(zs, data, len, NULL, NULL, NULL));
  assert_true(g_output_stream_close(zs, NULL, NULL));
  return g_memory_output_stream_steal_as_bytes(G_MEMORY_OUTPUT_STREAM(mem));
}

/* The same bytes plain, with CRLF line ends, and gzipped give the same timeline. */
static void test_crlf_and_gzip(void **state) {
  const char *path = "tests/data/traces/icount_8s1c4t2_p1_r1.txt";
  g_autofree char *text = NULL;
  gsize len;
  assert_true(g_file_get_contents(path, &text, &len, NULL));
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpMeasured) plain = sim_bootlog_measure_data("plain", text, len, &err);
  assert_non_null(plain);
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  g_autofree char *crlf = g_strjoinv("\r\n", lines);
  g_autoptr(CpuhpMeasured) a = sim_bootlog_measure_data("crlf", crlf, strlen(crlf), &err);
  assert_non_null(a);
  assert_true(same_timeline(plain, a));
  g_autoptr(GBytes) gz = gzip_bytes(crlf, strlen(crlf));
  g_autoptr(CpuhpMeasured) b = sim_bootlog_measure_data("gz", g_bytes_get_data(gz, NULL), g_bytes_get_size(gz), &err);
  assert_non_null(b);
  assert_true(same_timeline(plain, b));
  /* and the timeline is not blind: one event less changes it */
  char *cut = strstr(text, "cpuhp_exit:  cpu: 0002  state:  56");
  assert_non_null(cut);
  while (cut > text && cut[-1] != '\n') cut--;
  memmove(cut, strchr(cut, '\n') + 1, strlen(strchr(cut, '\n') + 1) + 1);
  g_autoptr(CpuhpMeasured) c = sim_bootlog_measure_data("cut", text, strlen(text), &err);
  assert_non_null(c);
  assert_false(same_timeline(plain, c));
  assert_int_equal(c->events_in_window, plain->events_in_window - 1);
  assert_int_equal(tu_state_of(c, 56, "trace_rb_cpu_prepare")->count, 21); /* the enter stays, untimed */
  assert_int_equal(tu_state_of(c, 56, "trace_rb_cpu_prepare")->timed, 20);
}

/* Other shapes of the same data: `trace-cmd report` (no flags column, ns timestamps), the
 * kernel's annotations and lost-event lines, stack traces, arm64's "Kernel command line". */
static void test_other_formats(void **state) {
  const char *tc =
      "cpus=2\n"
      "       swapper/0-1     [000]    52.119500000: cpuhp_enter:          cpu: 0001 target: 236 step:   1 (smpboot_create_threads)\n"
      "       swapper/0-1     [000]    52.119500250: cpuhp_exit:           cpu: 0001  state:   1 step:   1 ret: 0\n"
      "         cpuhp/1-25    [001] d..2.    52.119538123: cpuhp_enter:          cpu: 0001 target: 236 step: 150 (smpboot_unpark_threads)\n"
      "         cpuhp/1-25    [001]    52.119540001: cpuhp_exit:           cpu: 0001  state: 150 step: 150 ret: 0\n"
      "       swapper/0-1     [000]    52.119700000: cpuhp_exit:           cpu: 0001  state: 236 step:  86 ret: 0\n";
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpMeasured) a = sim_bootlog_measure_data("tc", tc, strlen(tc), &err);
  assert_non_null(a);
  assert_int_equal(a->bringup_ns, 200000);
  const CpuhpMeasuredStep *s = &g_array_index(cpuhp_measured_cpu(a, 1)->steps, CpuhpMeasuredStep, 1);
  assert_int_equal(s->step, 150);
  assert_int_equal(s->side, CPUHP_SIDE_AP);
  assert_int_equal(s->start, 38123);
  assert_int_equal(s->duration, 1878);
  /* step 86's enter is not in this trace: its number is assumed, its exit has no enter */
  assert_int_equal(a->bringup_step, 86);
  assert_int_equal(a->notes->len, 2);
  assert_non_null(strstr(g_ptr_array_index(a->notes, 0), "step 86 assumed"));
  assert_non_null(strstr(g_ptr_array_index(a->notes, 1), "1 exits without their enter"));
  const char *log =
      "[    0.000000] Kernel command line: console=ttyAMA0 trace_event=cpuhp:* trace_clock=mono\r\n"
      "[    0.034428] smp: Bringing up secondary CPUs ...\r\n"
      "@@TRACE-BEGIN\r\n"
      "# tracer: nop\r\n"
      "##### CPU 1 buffer started ####\r\n"
      "CPU:1 [LOST 12 EVENTS]\r\n"
      "       swapper/0-1       [000] .....     0.034480: cpuhp_enter: cpu: 0001 target: 236 step:   1 (smpboot_create_threads)\r\n"
      " => smpboot_create_threads\r\n"
      "       swapper/0-1       [000] .....     0.035518: cpuhp_exit:  cpu: 0001  state:   1 step:   1 ret: 0\r\n"
      "[    0.040000] a console line in the middle of the dump\r\n"
      "       swapper/0-1       [000] .....     0.040796: cpuhp_enter: cpu: 0001 target: 236 step:  86 (bringup_cpu)\r\n"
      "       swapper/0-1       [000] .....     0.040858: cpuhp_exit:  cpu: 0001  state: 236 step:  86 ret: 0\r\n"
      "@@TRACE-END\r\n"
      "[    0.040859] smp: Brought up 1 node, 2 CPUs\r\n";
  g_autoptr(CpuhpMeasured) b = sim_bootlog_measure_data("log", log, strlen(log), &err);
  assert_non_null(b);
  assert_string_equal(b->clock, "mono");
  assert_string_equal(b->clock_from, "kernel command line");
  assert_int_equal(b->method, CPUHP_MEASURE_DMESG);
  assert_int_equal(b->bringup_ns, 6431000);
  assert_int_equal(b->lost_events, 12);
  assert_int_equal(b->events_in_window, 4);
  assert_int_equal(b->kick_step, 0);
  assert_int_equal(b->bringup_step, 86);
  assert_kick_order(b, (const guint[]){1}, 1);
  assert_false(b->parallel);
  assert_int_equal(b->notes->len, 1);
  assert_non_null(strstr(g_ptr_array_index(b->notes, 0), "lost 12 events"));
}

/* ---- every reference file ---------------------------------------------------------------- */

/* tests/data/reference/README.md, icount table (ms): vCPUs 1, 2, 4, 8, 8 = 1s x 4c x 2t, 16. */
static const char *const icount_names[] = {"1", "2", "4", "8", "8s1c4t2", "16"};
static const double icount_ms[2][6] = {{0.14, 98.8, 298.1, 688.0, 688.0, 1497.3},
                                       {0.15, 98.8, 290.1, 672.0, 676.0, 1441.3}};

/* mttcg medians of 3 runs (ms, TSC): "variant smp pP" -> value. */
static const struct {
  const char *config;
  double ms;
} mttcg_table[] = {
    {"noftrace_2_p0", 14.2},     {"noftrace_4_p0", 26.0},   {"noftrace_8_p0", 50.9},  {"noftrace_8s1c4t2_p0", 54.1},
    {"noftrace_16_p0", 110.7},   {"noftrace_2_p1", 14.5},   {"noftrace_4_p1", 47.4},  {"noftrace_8_p1", 130.8},
    {"noftrace_8s1c4t2_p1", 86.1}, {"noftrace_16_p1", 551.7}, {"ftrace_2_p0", 20.9},  {"ftrace_4_p0", 41.9},
    {"ftrace_8_p0", 99.3},       {"ftrace_8s1c4t2_p0", 107.3}, {"ftrace_16_p0", 213.3}, {"ftrace_2_p1", 20.6},
    {"ftrace_4_p1", 68.7},       {"ftrace_8_p1", 168.2},    {"ftrace_8s1c4t2_p1", 186.4}, {"ftrace_16_p1", 616.2},
    {"nolpj_8_p0", 727.9},       {"nolpj_8_p1", 1592.1},    {"buf256k_16_p0", 146.4}, {"buf256k_16_p1", 649.7},
    {"loglevel7_16_p0", 215.3},  {"loglevel7_16_p1", 1215.7}, {"icount_8_p0", 137.5}, {"icount_8_p1", 138.8},
};

/* arm64: icount one run, mttcg three runs (ms). */
static const guint arm_cpus[] = {2, 4, 8, 16};
static const double arm_icount[] = {6.4, 19.1, 45.7, 103.6};
static const double arm_mttcg[][3] = {{17.3, 8.8, 16.2}, {15.5, 25.8, 19.3}, {25.3, 26.7, 28.0}, {196.8, 144.8, 156.3}};

static int cmp_name(gconstpointer a, gconstpointer b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* A directory's file names, sorted (readable, reproducible test output). */
static GPtrArray *sorted_names(const char *dir) {
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  if (!d) return NULL;
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  for (const char *f; (f = g_dir_read_name(d));) g_ptr_array_add(names, g_strdup(f));
  g_ptr_array_sort(names, cmp_name);
  return names;
}

static double median_of(GArray *v) {
  g_array_sort(v, tu_cmp_double);
  guint n = v->len;
  return n % 2 ? g_array_index(v, double, n / 2) : (g_array_index(v, double, n / 2 - 1) + g_array_index(v, double, n / 2)) / 2;
}

static void check_x86_icount(const char *path, const char *smp, guint par) {
  guint i = 0;
  while (i < G_N_ELEMENTS(icount_names) && strcmp(icount_names[i], smp)) i++;
  if (i == G_N_ELEMENTS(icount_names)) fail_msg("%s: no table entry", path);
  g_autoptr(CpuhpMeasured) m = tu_import(path);
  double got = (double)m->bringup_ns / 1e6, want = icount_ms[par][i];
  print_message("%-28s %10.3f ms   README %8.2f\n", path + strlen(REF) + 1, got, want);
  assert_string_equal(m->clock, "global");
  assert_int_equal(m->method, CPUHP_MEASURE_DMESG);
  assert_true(fabs(got - want) <= 0.1);
  guint n = (guint)atoi(smp);
  assert_int_equal(m->n_cpus, n);
  assert_int_equal(m->parallel, par == 1 && n > 1);
  assert_int_equal(m->smt_primary_first, par == 1 && strchr(smp, 't') != NULL);
  assert_x86_aps(m);
}

static void test_reference_files(void **state) {
  g_autoptr(GPtrArray) names = sorted_names(REF);
  assert_non_null(names);
  guint n = 0, arm = 0, x86 = 0;
  for (guint k = 0; k < names->len; k++) {
    const char *f = names->pdata[k];
    g_autofree char *path = g_build_filename(REF, f, NULL);
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) continue;
    char smp[16], rest[32];
    guint par, run, cpus;
    n++;
    if (sscanf(f, "icount_%15[0-9s1c4t2]_p%u_r%u%31s", smp, &par, &run, rest) == 4 && !strcmp(rest, ".txt.gz")) {
      check_x86_icount(path, smp, par);
      x86++;
    } else if (sscanf(f, "a_icount_%u_r%u%31s", &cpus, &run, rest) == 3 && !strcmp(rest, ".txt.gz")) {
      guint i = 0;
      while (i < G_N_ELEMENTS(arm_cpus) && arm_cpus[i] != cpus) i++;
      assert_true(i < G_N_ELEMENTS(arm_cpus));
      g_autoptr(CpuhpMeasured) m = tu_import(path);
      print_message("%-28s %10.3f ms   README %8.2f\n", f, (double)m->bringup_ns / 1e6, arm_icount[i]);
      assert_true(fabs((double)m->bringup_ns / 1e6 - arm_icount[i]) <= 0.1);
      arm++;
    } else if (sscanf(f, "a_mttcg_%u_r%u%31s", &cpus, &run, rest) == 3 && !strcmp(rest, ".txt.gz") && run >= 1 && run <= 3) {
      guint i = 0;
      while (i < G_N_ELEMENTS(arm_cpus) && arm_cpus[i] != cpus) i++;
      assert_true(i < G_N_ELEMENTS(arm_cpus));
      g_autoptr(CpuhpMeasured) m = tu_import(path);
      print_message("%-28s %10.3f ms   README %8.2f\n", f, (double)m->bringup_ns / 1e6, arm_mttcg[i][run - 1]);
      assert_true(fabs((double)m->bringup_ns / 1e6 - arm_mttcg[i][run - 1]) <= 0.1);
      /* arm64 6.12: no HOTPLUG_PARALLEL, no kick state; step 86 is bringup_cpu */
      assert_string_equal(m->clock, "global");
      assert_false(m->parallel);
      assert_int_equal(m->kick_step, 0);
      assert_int_equal(tu_state_of(m, 86, "bringup_cpu")->count, cpus - 1);
      assert_int_equal(m->n_cpus, cpus);
      arm++;
    } else {
      fail_msg("%s: a reference file this test does not know", f);
    }
  }
  assert_int_equal(x86, 14);
  assert_int_equal(arm, 16);
  assert_true(n >= 30);
}

/* tests/data/reference/traces/mttcg: TSC-measured, medians of each configuration's runs; the
 * .fail1 boots (oopsed before the trace was dumped) are errors naming the panic. */
static void test_reference_mttcg(void **state) {
  g_autoptr(GPtrArray) names = sorted_names(REF "/mttcg");
  assert_non_null(names);
  g_autoptr(GHashTable) runs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_array_unref);
  guint n = 0, failed = 0, single = 0;
  for (guint k = 0; k < names->len; k++) {
    const char *f = names->pdata[k];
    g_autofree char *path = g_build_filename(REF "/mttcg", f, NULL);
    n++;
    if (strstr(f, ".fail1.")) {
      g_autoptr(GError) err = NULL;
      g_autoptr(CpuhpMeasured) m = sim_bootlog_measure_file(path, &err);
      assert_null(m);
      g_autofree char *want = g_strdup_printf("%s: no cpuhp events: the boot died before its trace was dumped "
                                              "(\"Kernel panic - not syncing: Fatal exception in interrupt\")", path);
      assert_string_equal(err->message, want);
      failed++;
      continue;
    }
    g_autoptr(CpuhpMeasured) m = tu_import(path);
    assert_string_equal(m->clock, "x86-tsc");
    assert_int_equal(m->method, CPUHP_MEASURE_TRACE);
    assert_true(m->tsc_khz >= 999000 && m->tsc_khz <= 2600000);
    /* the config: accel, smp, pP, variant */
    char accel[8], smp[16], variant[16] = "ftrace";
    guint par;
    const char *p = strstr(f, "_p");
    if (sscanf(f, "%7[a-z]_%15[0-9s1c4t2]_p%u", accel, smp, &par) != 3 || !p) fail_msg("%s: unknown name", f);
    const char *v = p + 3;
    if (*v == '_' && v[1] != 'r') sscanf(v + 1, "%15[a-z0-9]", variant);
    if (!strcmp(smp, "1")) { /* nothing to bring up: a valid, empty timeline */
      assert_int_equal(m->bringup_ns, 0);
      assert_int_equal(m->kick_order->len, 0);
      assert_int_equal(m->events_in_window, 0);
      assert_true(m->events_outside > 0);
      single++;
      continue;
    }
    guint cpus = (guint)atoi(smp);
    assert_int_equal(m->n_cpus, cpus);
    assert_int_equal(m->parallel, par == 1);
    assert_int_equal(m->smt_primary_first, par == 1 && strchr(smp, 't') != NULL);
    assert_x86_aps(m);
    assert_int_equal(m->functions_in_window > 0, strcmp(variant, "noftrace") != 0);
    g_autofree char *key = !strcmp(accel, "icount") ? g_strdup_printf("icount_%s_p%u", smp, par)
                                                    : g_strdup_printf("%s_%s_p%u", variant, smp, par);
    GArray *a = g_hash_table_lookup(runs, key);
    if (!a) g_hash_table_insert(runs, g_strdup(key), a = g_array_new(FALSE, FALSE, sizeof(double)));
    double ms = (double)m->bringup_ns / 1e6;
    g_array_append_val(a, ms);
  }
  for (guint i = 0; i < G_N_ELEMENTS(mttcg_table); i++) {
    GArray *a = g_hash_table_lookup(runs, mttcg_table[i].config);
    if (!a) fail_msg("no runs for %s", mttcg_table[i].config);
    double med = median_of(a);
    print_message("mttcg %-20s median of %u %10.3f ms   README %8.1f\n", mttcg_table[i].config, a->len, med, mttcg_table[i].ms);
    assert_true(a->len >= 2);
    assert_true(fabs(med - mttcg_table[i].ms) <= 0.5);
  }
  assert_int_equal(g_hash_table_size(runs), G_N_ELEMENTS(mttcg_table));
  assert_int_equal(failed, 5);
  assert_int_equal(single, 6);
  assert_true(n >= 90);
}

/* ---- errors ------------------------------------------------------------------------------ */

static const struct {
  const char *file, *message; /* message after "tests/data/bad-traces/FILE" */
} bad_traces[] = {
    {"empty.txt", ": empty file"},
    {"no_events.txt", ": no cpuhp events (no cpuhp_enter/cpuhp_exit trace lines; trace with trace_event=cpuhp:*)"},
    {"oops_no_trace.txt", ": no cpuhp events: the boot died before its trace was dumped (\"Kernel panic - not syncing: "
                          "Fatal exception in interrupt\")"},
    {"truncated.txt.gz", ": truncated gzip data (the stream ends early)"},
    {"corrupt.txt.gz", ": corrupt gzip data (Invalid compressed data)"},
    {"trailing_garbage.txt.gz", ": 9 bytes of garbage after the gzip data"},
    {"binary.bin", ":1:8: binary data (a NUL byte): not a trace or a console log"},
    {"binary.gz", ":2:6: binary data (a NUL byte): not a trace or a console log"},
    {"bad_cpu_field.txt", ":3:65: malformed cpuhp event: bad cpu field"},
    {"bad_step_field.txt", ":4:87: malformed cpuhp event: bad step field"},
    {"bad_callback.txt", ":3:97: malformed cpuhp event: bad callback name"},
    {"trailing_text.txt", ":4:103: malformed cpuhp event: trailing text"},
    {"cpu_out_of_range.txt", ":3:65: cpu 70000 out of range (at most 65535)"},
    {"step_out_of_range.txt", ":3:87: state number out of range (0..65535)"},
    {"no_prefix.txt", ":3:14: cpuhp_enter event without a valid 'comm-pid [cpu] flags timestamp:' prefix"},
    {"trace_garbage.txt", ":6:1: not a trace line (expected 'comm-pid [cpu] flags timestamp: event: ...')"},
    {"mixed_timestamps.txt", ":4:39: timestamp is a raw count but line 3's was in seconds (one trace clock per file)"},
    {"tsc_no_rate.txt", ": the trace timestamps are raw counts (trace_clock=x86-tsc) and the log gives no TSC rate "
                        "(\"tsc: Refined TSC clocksource calibration\" or \"tsc: Detected ... MHz\")"},
    {"counter_clock.txt", ": trace_clock=counter: its timestamps have no time unit"},
    {"tsc_overflow.txt", ":5:1: timestamp too large for a 1000 kHz TSC"},
    {"two_trace_sections.txt", ":7:1: a second TRACE section (one boot per file)"},
    {"nested_too_deep.txt", ":9:1: @@ sections nested deeper than 8"},
    {"invalid_utf8.txt", ":3:13: invalid UTF-8 in a trace line"},
    {"bad_target_field.txt", ":3:75: malformed cpuhp event: bad target field"},
    {"bad_ret_field.txt", ":4:97: malformed cpuhp event: bad ret field"},
    {"func_cpu_out_of_range.txt", ":4:27: cpu 70000 out of range (at most 65535)"},
    {"empty.gz", ": empty file (after gunzip)"},
    /* hostile stamps and numbers: once a negative bringup, a bogus stall, 65536 CPUs */
    {"dmesg_brought_up_first.txt", ":5:1: \"smp: Brought up\" is stamped before \"smp: Bringing up secondary "
                                   "CPUs\" (line 3): a negative bringup"},
    {"event_out_of_order.txt", ":69:1: event stamped before the previous event of CPU 0's buffer (line 68): "
                               "timestamps out of order"},
    {"cpu_beyond_boot.txt", ":6:1: cpu 65535 is beyond the boot's 4 CPUs (dmesg \"smp: Brought up\" and the CPUs "
                            "kicked)"},
};

static void expect_error(const char *path, const char *want) {
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpMeasured) m = sim_bootlog_measure_file(path, &err);
  if (m) fail_msg("%s: imported, expected '%s'", path, want);
  assert_true(err->domain == CPUHP_REPLAY_ERROR);
  assert_string_equal(err->message, want);
}

/* ---- stalls ----------------------------------------------------------------------------- */

/* One callback on the trace clock (seconds with 9 decimals), `us` long, run by `comm` on `on`. */
static void emit(GString *t, double *now_us, const char *comm, guint on, guint cpu, int step, const char *cb,
                 gboolean multi, double us) {
  g_string_append_printf(t, "%16s [%03u] .....  %.9f: %s: cpu: %04u target: 236 step: %3d (%s)\n", comm, on,
                         *now_us / 1e6, multi ? "cpuhp_multi_enter" : "cpuhp_enter", cpu, step, cb);
  *now_us += us;
  g_string_append_printf(t, "%16s [%03u] .....  %.9f: cpuhp_exit:  cpu: %04u  state: %3d step: %3d ret: 0\n", comm, on,
                         *now_us / 1e6, cpu, step, step);
  *now_us += 1;
}

/* A serial boot of 5 CPUs: per AP two PREPARE callbacks (one of them a 2-instance state whose
 * second instance is the big one everywhere), the bringup step, one ONLINE callback. */
static char *stall_trace(double slow_prepare_cpu3_us, double slow_online_cpu4_us) {
  GString *t = g_string_new("# tracer: nop\n");
  double now = 100;
  for (guint cpu = 1; cpu <= 4; cpu++) {
    emit(t, &now, "swapper/0-1", 0, cpu, 1, "smpboot_create_threads", FALSE, cpu == 3 ? slow_prepare_cpu3_us : 500);
    emit(t, &now, "swapper/0-1", 0, cpu, 56, "trace_rb_cpu_prepare", TRUE, 20);
    emit(t, &now, "swapper/0-1", 0, cpu, 56, "trace_rb_cpu_prepare", TRUE, 2000);
    /* step 86 lasts long on every CPU (it waits for the AP): never judged */
    g_string_append_printf(t, "     swapper/0-1 [000] .....  %.9f: cpuhp_enter: cpu: %04u target: 236 step:  86 (bringup_cpu)\n",
                           now / 1e6, cpu);
    now += 1;
    g_autofree char *comm = g_strdup_printf("cpuhp/%u-%u", cpu, 20 + cpu);
    emit(t, &now, comm, cpu, cpu, 190, "rcutree_online_cpu", FALSE, cpu == 4 ? slow_online_cpu4_us : 60);
    now += cpu == 2 ? 9000 : 3000;
    g_string_append_printf(t, "     swapper/0-1 [000] .....  %.9f: cpuhp_exit:  cpu: %04u  state: 236 step:  86 ret: 0\n",
                           now / 1e6, cpu);
    now += 5;
  }
  return g_string_free(t, FALSE);
}

static void test_stalls(void **state) {
  g_autoptr(GError) err = NULL;
  g_autofree char *quiet = stall_trace(500, 60);
  g_autoptr(CpuhpMeasured) a = sim_bootlog_measure_data("quiet", quiet, strlen(quiet), &err);
  assert_non_null(a);
  assert_int_equal(a->n_cpus, 5);
  assert_int_equal(a->stalls->len, 0); /* the big ring-buffer instance and step 86 are usual */

  /* CPU 3's PREPARE callback 3 ms over, CPU 4's ONLINE callback 2.9 ms over */
  g_autofree char *slow = stall_trace(3500, 2960);
  g_autoptr(CpuhpMeasured) b = sim_bootlog_measure_data("slow", slow, strlen(slow), &err);
  assert_non_null(b);
  assert_int_equal(b->stalls->len, 1);
  const CpuhpMeasuredStall *st = &g_array_index(b->stalls, CpuhpMeasuredStall, 0);
  assert_int_equal(st->cpu, 3);
  assert_int_equal(st->step, 1);
  assert_string_equal(st->callback, "smpboot_create_threads");
  assert_int_equal(st->instance, 0);
  assert_int_equal(st->duration, 3500000);
  assert_int_equal(st->usual, 500000);

  /* tests/data/replay/stalls.txt is this trace: test_replay_cli checks what `import` prints */
  g_autofree char *fixture = NULL;
  assert_true(g_file_get_contents("tests/data/replay/stalls.txt", &fixture, NULL, NULL));
  assert_string_equal(fixture, slow);
}

/* The reference boots: with the function tracer, rcutree_online_cpu stalls on the same eight
 * CPUs in all three 16-vCPU serial boots (docs/host-first-touch.md); without it, never. */
static void test_reference_stalls(void **state) {
  static const guint want[] = {2, 3, 5, 6, 8, 10, 11, 13};
  for (int ftrace = 1; ftrace >= 0; ftrace--)
    for (int r = 1; r <= 3; r++) {
      g_autofree char *path = g_strdup_printf(REF "/mttcg/mttcg_16_p0%s_r%d.txt.gz", ftrace ? "" : "_noftrace", r);
      if (!g_file_test(path, G_FILE_TEST_EXISTS)) fail_msg("%s: missing", path);
      g_autoptr(CpuhpMeasured) m = tu_import(path);
      g_autoptr(GArray) got = g_array_new(FALSE, FALSE, sizeof(guint));
      for (guint i = 0; i < m->stalls->len; i++) {
        const CpuhpMeasuredStall *st = &g_array_index(m->stalls, CpuhpMeasuredStall, i);
        if (st->step == 190) g_array_append_val(got, st->cpu);
      }
      assert_int_equal(got->len, ftrace ? G_N_ELEMENTS(want) : 0);
      for (guint i = 0; i < got->len; i++) assert_int_equal(g_array_index(got, guint, i), want[i]);
    }
}

static void test_bad_traces(void **state) {
  g_autoptr(GDir) d = g_dir_open("tests/data/bad-traces", 0, NULL);
  assert_non_null(d);
  guint files = 0;
  for (const char *f; (f = g_dir_read_name(d));) {
    files++;
    guint i = 0;
    while (i < G_N_ELEMENTS(bad_traces) && strcmp(bad_traces[i].file, f)) i++;
    if (i == G_N_ELEMENTS(bad_traces)) fail_msg("tests/data/bad-traces/%s has no expected message", f);
  }
  assert_int_equal(files, G_N_ELEMENTS(bad_traces));
  for (guint i = 0; i < G_N_ELEMENTS(bad_traces); i++) {
    g_autofree char *path = g_build_filename("tests/data/bad-traces", bad_traces[i].file, NULL);
    g_autofree char *want = g_strconcat(path, bad_traces[i].message, NULL);
    expect_error(path, want);
  }
  expect_error("tests/data/bad-traces", "tests/data/bad-traces: is a directory");
  expect_error("tests/data/bad-traces/none.txt", "tests/data/bad-traces/none.txt: cannot open: No such file or directory");
}

/* Over 256 MiB, raw or decompressed, is refused without reading it all into memory first. */
static void test_too_big(void **state) {
  g_autofree char *dir = g_dir_make_tmp("cpuhpsim-big-XXXXXX", NULL);
  g_autofree char *raw = g_build_filename(dir, "sparse.txt", NULL);
  int fd = g_open(raw, O_CREAT | O_WRONLY, 0644);
  assert_true(fd >= 0);
  assert_int_equal(ftruncate(fd, (off_t)CPUHP_REPLAY_MAX_BYTES + 1), 0);
  close(fd);
  g_autofree char *want = g_strdup_printf("%s: 268435457 bytes: over the 256 MiB limit", raw);
  expect_error(raw, want);
  /* 257 gzip members of 1 MiB of newlines each: a few hundred KiB that decompress past the limit */
  g_autofree char *mib = g_malloc(1 << 20);
  memset(mib, '\n', 1 << 20);
  g_autoptr(GBytes) member = gzip_bytes(mib, 1 << 20);
  g_autofree char *bomb = g_build_filename(dir, "bomb.gz", NULL);
  FILE *f = fopen(bomb, "wb");
  assert_non_null(f);
  for (int i = 0; i < 257; i++) assert_int_equal(fwrite(g_bytes_get_data(member, NULL), 1, g_bytes_get_size(member), f), g_bytes_get_size(member));
  fclose(f);
  g_autofree char *want2 = g_strdup_printf("%s: decompresses to more than the 256 MiB limit", bomb);
  expect_error(bomb, want2);
  /* the same members, fewer: concatenated gzip is one stream, and blank lines are no events */
  g_autofree char *small = g_build_filename(dir, "small.gz", NULL);
  f = fopen(small, "wb");
  for (int i = 0; i < 3; i++) fwrite(g_bytes_get_data(member, NULL), 1, g_bytes_get_size(member), f);
  fclose(f);
  g_autofree char *want3 = g_strdup_printf("%s: no cpuhp events (no cpuhp_enter/cpuhp_exit trace lines; trace with "
                                           "trace_event=cpuhp:*)", small);
  expect_error(small, want3);
  g_unlink(raw);
  g_unlink(bomb);
  g_unlink(small);
  g_rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_excerpt_parallel), cmocka_unit_test(test_excerpt_serial),
      cmocka_unit_test(test_excerpt_smt),      cmocka_unit_test(test_excerpt_tsc),
      cmocka_unit_test(test_crlf_and_gzip),    cmocka_unit_test(test_other_formats),
      cmocka_unit_test(test_reference_files),
      cmocka_unit_test(test_reference_mttcg),  cmocka_unit_test(test_bad_traces),
      cmocka_unit_test(test_too_big),          cmocka_unit_test(test_stalls),
      cmocka_unit_test(test_reference_stalls),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
