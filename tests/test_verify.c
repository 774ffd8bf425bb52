/* test_verify.c — `cpuhpsim verify` as a gate: the model holds the rules on every shipped
 * profile; each deliberately broken copy of it is caught by the rule it breaks, with a
 * counterexample of at most 4 CPUs and a trace; every broken rule is reported; the kernel's own
 * known property is listed apart and fails only under --strict; --format=json says the same; a
 * developer's edit of a state table that breaks a state's requirement fails the gate. */
#include "tests/testutil.h"

#include "sim/output/json.h"

#include <glib/gstdio.h>
#include <sys/wait.h>

static int verify(char **out, const char *args) {
  g_autofree char *cmd = g_strdup_printf("%s verify %s", CPUHPSIM_BINARY, args);
  const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
  int wait = 0;
  if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, NULL, &wait, NULL)) fail_msg("spawn");
  return WIFEXITED(wait) ? WEXITSTATUS(wait) : 128;
}

static int run(char **out, const char *args) {
  g_autofree char *cmd = g_strdup_printf("%s run %s", CPUHPSIM_BINARY, args);
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
    const char *block = strstr(out, want) ? strstr(out, want) : strstr(out, alt);
    const char *m = strstr(block, "minimal counterexample (");
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
 * primary-first rule assumes the primary comes up. verify finds it and lists it as a known
 * property of the kernel with its source: exit 0, no trace; --strict fails on it with a trace. */
static void test_finds_smt4_dead_primary(void **state) {
  g_autofree char *dir = g_dir_make_tmp("cpuhpsim-verify-XXXXXX", NULL);
  g_autofree char *trace = g_strdup_printf("%s/cx.trace", dir);
  g_autofree char *args = g_strdup_printf("--runs=1 --ftrace=%s", trace);
  g_autofree char *out = NULL;
  assert_int_equal(verify(&out, args), 0);
  assert_null(strstr(out, "VIOLATED"));
  assert_non_null(strstr(out, "known property of the kernel, not a failure (--strict fails it): smt4_dead_primary_microcode"));
  assert_non_null(strstr(out, "breaks microcode_siblings_quiet"));
  assert_non_null(strstr(out, "source: kernel/cpu.c"));
  assert_non_null(strstr(out, "x4 "));
  assert_non_null(strstr(out, "--no-alive="));
  assert_non_null(strstr(out, "all 9 invariants hold but 2 known properties of the kernel"));
  assert_false(g_file_test(trace, G_FILE_TEST_EXISTS));
  g_autofree char *strict_args = g_strdup_printf("--runs=1 --strict --ftrace=%s", trace);
  g_autofree char *strict = NULL;
  assert_int_equal(verify(&strict, strict_args), 1);
  assert_non_null(strstr(strict, "VIOLATED microcode_siblings_quiet"));
  assert_non_null(strstr(strict, "known property of the kernel (failed by --strict): smt4_dead_primary_microcode"));
  assert_non_null(strstr(strict, "known property of the kernel (failed by --strict): kicked_cpu_left_running"));
  assert_non_null(strstr(strict, "1 of 9 invariants VIOLATED"));
  g_autoptr(GArray) ev = tu_read_trace(trace);
  assert_true(ev && ev->len > 0);
  g_unlink(trace);
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  for (const char *name; (name = g_dir_read_name(d));) {
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_unlink(path);
  }
  g_rmdir(dir);
}

/* Every shipped profile passes the gate: the scenarios and the embedded default. */
static void test_shipped_profiles_pass(void **state) {
  g_autoptr(GDir) d = g_dir_open("scenarios", 0, NULL);
  assert_non_null(d);
  guint n = 0;
  for (const char *name; (name = g_dir_read_name(d));) {
    if (!g_str_has_suffix(name, ".yaml")) continue;
    g_autofree char *args = g_strdup_printf("scenarios/%s --runs=1", name);
    g_autofree char *out = NULL;
    if (verify(&out, args) != 0) fail_msg("%s: %s", name, out);
    n++;
  }
  assert_true(n >= 8);
  g_autofree char *out = NULL;
  assert_int_equal(verify(&out, "--runs=1"), 0);
}

/* A model broken in a way that breaks two rules in different configurations: both are
 * reported, each with its own counterexample and trace (the second at FILE-RULE.trace). */
static void test_reports_every_rule(void **state) {
  g_autofree char *dir = g_dir_make_tmp("cpuhpsim-verify-XXXXXX", NULL);
  g_autofree char *trace = g_strdup_printf("%s/cx.trace", dir);
  g_autofree char *second = g_strdup_printf("%s/cx-rollback_ends_offline.trace", dir);
  g_autofree char *args = g_strdup_printf("scenarios/qemu-tcg-icount-x86_64.yaml --runs=1 --mutate=skip-teardown "
                                          "--ftrace=%s", trace);
  g_autofree char *out = NULL;
  assert_int_equal(verify(&out, args), 1);
  const char *a = strstr(out, "VIOLATED states_monotonic:"), *b = strstr(out, "VIOLATED rollback_ends_offline:");
  assert_true(a && b && a < b); /* in the invariants' order */
  assert_non_null(strstr(out, "2 of 9 invariants VIOLATED"));
  g_autoptr(GArray) e1 = tu_read_trace(trace);
  g_autoptr(GArray) e2 = tu_read_trace(second);
  assert_true(e1 && e1->len > 0 && e2 && e2->len > 0);
  g_unlink(trace);
  g_unlink(second);
  g_rmdir(dir);
}

/* --format=json: the same findings, in the writer's JSON. */
static void test_json(void **state) {
  g_autofree char *out = NULL;
  assert_int_equal(verify(&out, "--runs=1 --format=json"), 0);
  g_autoptr(GError) err = NULL;
  g_autoptr(SimJson) j = sim_json_parse(out, strlen(out), &err);
  if (!j) fail_msg("%s", err->message);
  assert_true(sim_json_get(j, "passed")->boolean);
  assert_false(sim_json_get(j, "strict")->boolean);
  int64_t inv = 0, runs = 0;
  assert_true(sim_json_int(sim_json_get(j, "invariants"), &inv) && inv == 9);
  assert_true(sim_json_int(sim_json_get(j, "runs"), &runs) && runs > 0);
  assert_int_equal(sim_json_get(j, "violations")->items->len, 0);
  const SimJson *known = sim_json_get(j, "known_properties");
  assert_int_equal(known->items->len, 2);
  const SimJson *k = NULL, *kicked = NULL;
  for (guint i = 0; i < known->items->len; i++) {
    const SimJson *x = known->items->pdata[i];
    if (g_str_equal(sim_json_get_str(x, "known"), "smt4_dead_primary_microcode")) k = x;
    if (g_str_equal(sim_json_get_str(x, "known"), "kicked_cpu_left_running")) kicked = x;
  }
  assert_true(k && kicked);
  assert_string_equal(sim_json_get_str(k, "rule"), "microcode_siblings_quiet");
  assert_non_null(strstr(sim_json_get_str(k, "source"), "kernel/cpu.c"));
  assert_non_null(strstr(sim_json_get_str(k, "run"), "--no-alive="));
  /* found by a fault of the state table, not of the hand-picked list: state 86 refused */
  assert_non_null(strstr(sim_json_get_str(kicked, "run"), ":cpu:bringup"));
  g_autofree char *dir = g_dir_make_tmp("cpuhpsim-verify-XXXXXX", NULL);
  g_autofree char *trace = g_strdup_printf("%s/cx.trace", dir);
  g_autofree char *strict_args = g_strdup_printf("--runs=1 --format=json --strict --ftrace=%s", trace);
  g_autofree char *strict = NULL;
  assert_int_equal(verify(&strict, strict_args), 1);
  g_unlink(trace);
  g_autoptr(SimJson) s = sim_json_parse(strict, strlen(strict), &err);
  if (!s) fail_msg("%s", err->message);
  assert_false(sim_json_get(s, "passed")->boolean);
  const SimJson *v = sim_json_get(s, "violations");
  assert_int_equal(v->items->len, 2);
  assert_non_null(sim_json_get_str(v->items->pdata[0], "known"));
  assert_string_equal(sim_json_get_str(v->items->pdata[0], "trace"), trace);
  g_autofree char *second = g_strdup_printf("%s/cx-%s.trace", dir, sim_json_get_str(v->items->pdata[1], "known"));
  assert_string_equal(sim_json_get_str(v->items->pdata[1], "trace"), second);
  g_unlink(second);
  g_rmdir(dir);
  g_autofree char *bad = NULL;
  assert_int_equal(verify(&bad, "--format=yaml 2>&1"), 2);
  assert_non_null(strstr(bad, "--format"));
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


/* A kernel developer's table edit, on the embedded profile (whose costs name every state): each
 * of issue 23's three mistakes fails the gate with the state, the table entry's FILE:LINE:COL
 * and the broken requirement; the JSON says the same. */
static void test_table_edits(void **state) {
  static const struct {
    const char *file, *rule, *where, *needle;
  } cases[] = {
      {"edit-wq-starting", "state_context", "edit-wq-starting.yaml:5:8: workqueue:prepare: ",
       "must run on the control CPU before the AP is kicked"},
      {"edit-wq-starting", "no_sleep_in_starting", "edit-wq-starting.yaml:5:8: workqueue:prepare: ", "may sleep"},
      {"edit-sched-prepare", "state_context", "edit-sched-prepare.yaml:5:8: sched:starting: ",
       "must run on the AP itself with IRQs off, in STARTING"},
      {"edit-no-threads", "provider_first", "edit-no-threads.yaml:5:10: threads:prepare: ",
       "it sets up the AP's cpuhp/N thread"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *args = g_strdup_printf("--runs=1 --set kernel.state_table=tests/data/tables/%s.yaml", cases[i].file);
    g_autofree char *out = NULL;
    assert_int_equal(verify(&out, args), 1);
    g_autofree char *head = g_strdup_printf("VIOLATED %s (state table):", cases[i].rule);
    const char *at = strstr(out, head);
    if (!at) fail_msg("%s: no %s in\n%s", cases[i].file, head, out);
    const char *line = strchr(at, '\n') + 1, *end = strchr(line, '\n');
    g_autofree char *detail = g_strndup(line, (gsize)(end - line));
    if (!strstr(detail, cases[i].where) || !strstr(detail, cases[i].needle)) fail_msg("%s: %s", cases[i].file, detail);
    assert_non_null(strstr(out, "table rules VIOLATED"));
    if (i == 0) assert_non_null(strstr(out, "changes 1 row of x86_64/6.12:\n  workqueue:prepare moved 38 -> 100: "
                                            "breaks state_context, no_sleep_in_starting\n"));
  }
  g_autofree char *json = NULL;
  assert_int_equal(verify(&json, "--runs=1 --format=json --set kernel.state_table=tests/data/tables/edit-no-threads.yaml"), 1);
  g_autoptr(GError) err = NULL;
  g_autoptr(SimJson) j = sim_json_parse(json, strlen(json), &err);
  if (!j) fail_msg("%s", err->message);
  assert_false(sim_json_get(j, "passed")->boolean);
  assert_string_equal(sim_json_get_str(j, "table"), "x86_64/6.12+no-threads");
  const SimJson *tv = sim_json_get(j, "table_violations");
  assert_int_equal(tv->items->len, 1);
  assert_string_equal(sim_json_get_str(tv->items->pdata[0], "rule"), "provider_first");
  assert_string_equal(sim_json_get_str(tv->items->pdata[0], "state"), "threads:prepare");
  assert_true(g_str_has_suffix(sim_json_get_str(tv->items->pdata[0], "origin"), "tests/data/tables/edit-no-threads.yaml:5:10"));
  assert_non_null(strstr(sim_json_get_str(tv->items->pdata[0], "source"), "smpboot_create_threads"));
  assert_int_equal(sim_json_get(j, "violations")->items->len, 0); /* the runs themselves hold */
  const SimJson *ch = sim_json_get(j, "table_changes");
  assert_int_equal(ch->items->len, 1);
  assert_string_equal(sim_json_get_str(ch->items->pdata[0], "state"), "threads:prepare");
  assert_string_equal(sim_json_get_str(ch->items->pdata[0], "change"), "removed");
  assert_string_equal(((const SimJson *)sim_json_get(ch->items->pdata[0], "breaks")->items->pdata[0])->text, "provider_first");
}

/* `run --check` labels a run the way verify does: a known property of the kernel is listed as
 * one and passes (exit 0) unless --strict; a plain violation and a broken table rule exit 3. */
static void test_run_check_labels(void **state) {
  g_autofree char *out = NULL;
  assert_int_equal(run(&out, "--topology=1x2x4 --no-alive=1 --check"), 0);
  assert_non_null(strstr(out, "invariants: 9 checked, all hold but known properties of the kernel"));
  assert_non_null(strstr(out, "known property of the kernel, not a failure (--strict fails it): smt4_dead_primary_microcode"));
  assert_non_null(strstr(out, "source: kernel/cpu.c"));
  assert_null(strstr(out, "VIOLATED"));
  g_autofree char *strict = NULL;
  assert_int_equal(run(&strict, "--topology=1x2x4 --no-alive=1 --check --strict"), 3);
  assert_non_null(strstr(strict, "invariants: 9 checked, VIOLATED:\n  microcode_siblings_quiet"));
  assert_non_null(strstr(strict, "known property of the kernel (failed by --strict): smt4_dead_primary_microcode"));
  g_autofree char *json = NULL;
  assert_int_equal(run(&json, "--topology=1x2x4 --no-alive=1 --check --format=json"), 0);
  g_autoptr(GError) err = NULL;
  g_autoptr(SimJson) j = sim_json_parse(json, strlen(json), &err);
  if (!j) fail_msg("%s", err->message);
  const SimJson *inv = sim_json_get(j, "invariants");
  assert_true(sim_json_get(inv, "passed")->boolean);
  assert_int_equal(sim_json_get(inv, "violations")->items->len, 0);
  const SimJson *known = sim_json_get(inv, "known_properties");
  assert_int_equal(known->items->len, 1);
  assert_string_equal(sim_json_get_str(known->items->pdata[0], "known"), "smt4_dead_primary_microcode");
  /* not a known property: the SMT rule off on bare-metal x86 fails with or without --strict */
  g_autofree char *plain = NULL;
  assert_int_equal(run(&plain, "--topology=1x2x2 --set kernel.smt_primary_first=false --parallel=1 --check"), 3);
  assert_non_null(strstr(plain, "VIOLATED:\n  microcode_siblings_quiet"));
  assert_null(strstr(plain, "known property"));
  /* a broken table rule fails the run's check too, with the table entry */
  g_autofree char *table = NULL;
  assert_int_equal(run(&table, "--set kernel.state_table=tests/data/tables/edit-sched-prepare.yaml --check"), 3);
  assert_non_null(strstr(table, "state table x86_64/6.12+sched-prepare: 4 rules checked, VIOLATED:"));
  assert_non_null(strstr(table, "state_context: ./tests/data/tables/edit-sched-prepare.yaml:5:8: sched:starting: "));
  g_autofree char *bad = NULL;
  assert_int_equal(run(&bad, "--strict 2>&1"), 2);
  assert_non_null(strstr(bad, "--strict: only with --check"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_model_holds),
      cmocka_unit_test(test_mutants_caught),
      cmocka_unit_test(test_finds_smt4_dead_primary),
      cmocka_unit_test(test_smt_rule_off),
      cmocka_unit_test(test_shipped_profiles_pass),
      cmocka_unit_test(test_reports_every_rule),
      cmocka_unit_test(test_json),
      cmocka_unit_test(test_table_edits),
      cmocka_unit_test(test_run_check_labels),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
