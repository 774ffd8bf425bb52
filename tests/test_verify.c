/* test_verify.c — `cpuhpsim verify`: the model holds the rules; each deliberately broken copy
 * of it is caught by the rule it breaks, with a counterexample of at most 4 CPUs and a trace. */
#include "tests/testutil.h"

#include <glib/gstdio.h>
#include <sys/wait.h>

static int verify(char **out, const char *args) {
  g_autofree char *cmd = g_strdup_printf("%s verify %s", CPUHPSIM_BINARY, args);
  const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
  int wait = 0;
  if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, NULL, &wait, NULL)) fail_msg("spawn");
  return WIFEXITED(wait) ? WEXITSTATUS(wait) : 128;
}

static void test_model_holds(void **state) {
  g_autofree char *out = NULL;
  assert_int_equal(verify(&out, "scenarios/qemu-tcg-icount-x86_64.yaml --runs=1"), 0);
  assert_non_null(strstr(out, "all 9 invariants hold"));
}

static void test_mutants_caught(void **state) {
  static const struct {
    const char *mutation, *rule, *alt;
  } cases[] = {
      {"sibling-first", "smt_primary_first", NULL},     {"release-two", "one_ap_released", NULL},
      {"no-release-wait", "starting_after_alive", NULL}, {"prepare-on-ap", "prepare_on_bp", NULL},
      {"skip-teardown", "states_monotonic", "rollback_ends_offline"},
  };
  g_autofree char *dir = g_dir_make_tmp("cpuhpsim-verify-XXXXXX", NULL);
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *trace = g_strdup_printf("%s/%s.trace", dir, cases[i].mutation);
    g_autofree char *args = g_strdup_printf("scenarios/qemu-tcg-icount-x86_64.yaml --runs=1 --mutate=%s --ftrace=%s",
                                            cases[i].mutation, trace);
    g_autofree char *out = NULL;
    assert_int_equal(verify(&out, args), 1);
    g_autofree char *want = g_strdup_printf("VIOLATED %s:", cases[i].rule);
    g_autofree char *alt = cases[i].alt ? g_strdup_printf("VIOLATED %s:", cases[i].alt) : NULL;
    if (!strstr(out, want) && !(alt && strstr(out, alt))) fail_msg("%s: %s", cases[i].mutation, out);
    guint cpus = 0;
    const char *m = strstr(out, "minimal counterexample (");
    assert_non_null(m);
    assert_int_equal(sscanf(m, "minimal counterexample (%u CPUs)", &cpus), 1);
    assert_true(cpus >= 2 && cpus <= 4);
    g_autoptr(GArray) ev = tu_read_trace(trace);
    assert_non_null(ev);
    assert_true(ev->len > 0);
    g_unlink(trace);
  }
  g_rmdir(dir);
}

/* On bare metal with a microcode loader, SMT4 with a primary that never comes up: the kick pass
 * starts all its siblings at once and two of them load microcode together — the kernel's
 * primary-first rule assumes the primary comes up. verify finds it. */
static void test_finds_smt4_dead_primary(void **state) {
  g_autofree char *dir = g_dir_make_tmp("cpuhpsim-verify-XXXXXX", NULL);
  g_autofree char *trace = g_strdup_printf("%s/cx.trace", dir);
  g_autofree char *args = g_strdup_printf("--runs=1 --ftrace=%s", trace);
  g_autofree char *out = NULL;
  assert_int_equal(verify(&out, args), 1);
  assert_non_null(strstr(out, "VIOLATED microcode_siblings_quiet"));
  assert_non_null(strstr(out, "x4 "));
  assert_non_null(strstr(out, "--no-alive="));
  g_unlink(trace);
  g_rmdir(dir);
}

/* The arm64 RFC's change (no primary-first rule) as a --set: verify passes it on the arm64
 * profile (no microcode loader) and fails it on bare-metal x86 with the microcode rule, with a
 * small counterexample whose run line carries the same override. */
static void test_smt_rule_off(void **state) {
  g_autofree char *dir = g_dir_make_tmp("cpuhpsim-verify-XXXXXX", NULL);
  g_autofree char *trace = g_strdup_printf("%s/cx.trace", dir);
  g_autofree char *arm = NULL, *x86 = NULL;
  g_autofree char *a_args = g_strdup_printf("scenarios/qemu-arm64-tcg-icount.yaml --runs=1 --set "
                                            "kernel.smt_primary_first=false --ftrace=%s", trace);
  assert_int_equal(verify(&arm, a_args), 0);
  assert_non_null(strstr(arm, "all 9 invariants hold"));
  assert_false(g_file_test(trace, G_FILE_TEST_EXISTS));
  g_autofree char *x_args = g_strdup_printf("--runs=1 --set kernel.smt_primary_first=false --ftrace=%s", trace);
  assert_int_equal(verify(&x86, x_args), 1);
  assert_non_null(strstr(x86, "VIOLATED microcode_siblings_quiet"));
  assert_non_null(strstr(x86, "minimal counterexample (4 CPUs): cpuhpsim run --set kernel.smt_primary_first=false"));
  g_autoptr(GArray) ev = tu_read_trace(trace);
  assert_true(ev && ev->len > 0);
  g_unlink(trace);
  g_rmdir(dir);
  g_autofree char *bad = NULL;
  assert_int_equal(verify(&bad, "--set kernel.smt_primary_first=maybe 2>&1"), 2);
  assert_non_null(strstr(bad, "kernel.smt_primary_first"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_model_holds),
      cmocka_unit_test(test_mutants_caught),
      cmocka_unit_test(test_finds_smt4_dead_primary),
      cmocka_unit_test(test_smt_rule_off),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
