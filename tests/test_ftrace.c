/* test_ftrace.c — our trace lines are the kernel's, byte for byte; the parser reads both. */
#include "tests/testutil.h"

static const char *const real_lines[] = {
    "       swapper/0-1       [000] .....     2.011746: cpuhp_enter: cpu: 0001 target:  85 step:   1 (smpboot_create_threads)",
    "       swapper/0-1       [000] .....     2.014773: cpuhp_exit:  cpu: 0001  state:   1 step:   1 ret: 0",
    "       swapper/0-1       [000] .....     2.015787: cpuhp_multi_enter: cpu: 0001 target:  85 step:  56 (trace_rb_cpu_prepare)",
    "         cpuhp/1-25      [001] .....     2.141109: cpuhp_enter: cpu: 0001 target: 236 step: 150 (smpboot_unpark_threads)",
    "       swapper/0-1       [000] .....     2.141712: cpuhp_exit:  cpu: 0001  state: 236 step:  86 ret: 0",
};

static void test_round_trip_real_lines(void **state) {
  g_autoptr(GStringChunk) names = g_string_chunk_new(256);
  for (guint i = 0; i < G_N_ELEMENTS(real_lines); i++) {
    g_autofree char *crlf = g_strconcat(real_lines[i], "\r", NULL); /* serial console */
    CpuhpTraceEvent r;
    const char *why = NULL;
    assert_int_equal(sim_ftrace_parse_line(crlf, names, &r, &why), SIM_FTRACE_PARSE_OK);
    g_autoptr(GString) out = g_string_new(NULL);
    sim_ftrace_format(out, &r);
    g_autofree char *want = g_strconcat(real_lines[i], "\n", NULL);
    assert_string_equal(out->str, want);
  }
}

static void test_fields(void **state) {
  g_autoptr(GStringChunk) names = g_string_chunk_new(256);
  CpuhpTraceEvent r;
  const char *why;
  assert_int_equal(sim_ftrace_parse_line(real_lines[3], names, &r, &why), SIM_FTRACE_PARSE_OK);
  assert_string_equal(r.comm, "cpuhp/1");
  assert_int_equal(r.pid, 25);
  assert_int_equal(r.exec_cpu, 1);
  assert_int_equal(r.cpu, 1);
  assert_int_equal(r.target, 236);
  assert_int_equal(r.step, 150);
  assert_int_equal(r.ts, 2141109000LL);
  assert_string_equal(r.fn, "smpboot_unpark_threads");
  assert_int_equal(sim_ftrace_parse_line(real_lines[1], names, &r, &why), SIM_FTRACE_PARSE_OK);
  assert_int_equal(r.type, CPUHP_TRACE_EXIT);
  assert_int_equal(r.target, 1);
  assert_int_equal(r.ret, 0);
}

static void test_other_and_malformed(void **state) {
  g_autoptr(GStringChunk) names = g_string_chunk_new(256);
  CpuhpTraceEvent r;
  const char *why = NULL;
  assert_int_equal(sim_ftrace_parse_line("", names, &r, &why), SIM_FTRACE_PARSE_OTHER);
  assert_int_equal(sim_ftrace_parse_line("# tracer: nop", names, &r, &why), SIM_FTRACE_PARSE_OTHER);
  assert_int_equal(sim_ftrace_parse_line("[    2.011597] smp: Bringing up secondary CPUs ...", names, &r, &why),
                   SIM_FTRACE_PARSE_OTHER);
  static const char *const bad[] = {
      "       swapper/0-1       [000] .....     2.01174: cpuhp_enter: cpu: 0001 target:  85 step:   1 (x)",
      "       swapper/0-1       [000] .....     2.011746: cpuhp_enter: cpu: 0001 target:  85 step:   1 (x",
      "       swapper/0-1       [000] .....     2.011746: cpuhp_enter: cpu: 0001 targ:  85 step:   1 (x)",
      "       swapper/0-1       [abc] .....     2.011746: cpuhp_enter: cpu: 0001 target:  85 step:   1 (x)",
      "       swapper/0-xx      [000] .....     2.011746: cpuhp_exit:  cpu: 0001  state: 1 step: 1 ret: 0",
      "       swapper/0-1       [000] .....     2.011746: cpuhp_exit:  cpu: 0001  state: 1 step: 1 ret: 0 junk",
      "       swapper/0-1       [000] .....     2.011746: cpuhp_exit:  cpu: -1  state: 1 step: 1 ret: 0",
      /* fuzzer finding: a sign inside the fraction made a negative timestamp */
      "       swapper/0-1       [000] *.....     0.-00098: cpuhp_enter: cpu: 0001 target:  85 step:   2 (x)",
      "       swapper/0-1       [000] .....    +2.011746: cpuhp_enter: cpu: 0001 target:  85 step:   2 (x)",
      "       swapper/0-1       [000] ..... 9474836482.000000: cpuhp_enter: cpu: 0001 target:  85 step:   2 (x)",
      "       swapper/0-1       [000] .....     2.011746: cpuhp_enter: cpu: 0001 target:  85 step:  -5 (x)",
      "       swapper/0-1       [000] .....     2.011746: cpuhp_enter: cpu: +001 target:  85 step:   5 (x)",
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    why = NULL;
    assert_int_equal(sim_ftrace_parse_line(bad[i], names, &r, &why), SIM_FTRACE_PARSE_MALFORMED);
    assert_non_null(why);
  }
}

/* A record holds its names by pointer: one copy of each distinct name, however many records
 * (the memory of a 65,536-CPU trace, docs/performance.md). */
static void test_names_interned(void **state) {
  g_autoptr(GStringChunk) names = g_string_chunk_new(256);
  CpuhpTraceEvent a, b;
  const char *why;
  assert_int_equal(sim_ftrace_parse_line(real_lines[0], names, &a, &why), SIM_FTRACE_PARSE_OK);
  assert_int_equal(sim_ftrace_parse_line(real_lines[4], names, &b, &why), SIM_FTRACE_PARSE_OK);
  assert_ptr_equal(a.comm, b.comm);
  assert_string_equal(b.fn, "");
  assert_int_equal(sim_ftrace_parse_line(real_lines[2], names, &b, &why), SIM_FTRACE_PARSE_OK);
  assert_ptr_not_equal(a.fn, b.fn);
  assert_string_equal(a.fn, "smpboot_create_threads"); /* still there after later lines */
  /* a comm longer than TASK_COMM_LEN - 1 is cut like the kernel's */
  assert_int_equal(sim_ftrace_parse_line("  averyveryverylongtask-7 [000] .....     2.011746: cpuhp_exit:  cpu: 0001  state: 1 step: 1 ret: 0",
                                         names, &b, &why), SIM_FTRACE_PARSE_OK);
  assert_string_equal(b.comm, "averyveryverylo");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_round_trip_real_lines),
      cmocka_unit_test(test_fields),
      cmocka_unit_test(test_other_and_malformed),
      cmocka_unit_test(test_names_interned),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
