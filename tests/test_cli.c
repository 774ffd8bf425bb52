/* test_cli.c — the program as a user meets it: exit statuses, one-line errors naming the flag
 * or file:line:col, byte-identical output, outputs written whole or not at all. */
#include "tests/testutil.h"

#include <glib/gstdio.h>
#include <sys/wait.h>

#include "sim/output/json.h"

/* The program with arguments (NULL-terminated). */
#define run(...) tu_run_env(NULL, __VA_ARGS__)
typedef TuRan Ran;
#define ran_clear tu_ran_clear


/* stderr is exactly one line */
static void assert_one_line(const char *s) {
  assert_non_null(s);
  const char *nl = strchr(s, '\n');
  assert_non_null(nl);
  assert_int_equal(nl[1], '\0');
}

static void test_run_default(void **state) {
  Ran r = run("run", NULL);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.out, "bringup time"));
  assert_non_null(strstr(r.out, "112 / 112"));
  assert_string_equal(r.err, "");
  ran_clear(&r);
}

static void test_json_keys_and_determinism(void **state) {
  Ran a = run("run", "--format=json", "--parallel=0", "--seed=7", NULL);
  Ran b = run("run", "--format=json", "--parallel=0", "--seed=7", NULL);
  assert_int_equal(a.status, 0);
  assert_string_equal(a.out, b.out);
  static const char *const keys[] = {"\"profile\": \"skl-2s-112t\"", "\"seed\": 7", "\"parallel\": false",
                                     "\"cpus_online\": 112", "\"bringup_ns\": ", "\"bp_wait_ns\": ",
                                     "\"per_cpu\": [", "\"alive_ns\": ", "\"online_ns\": "};
  for (guint i = 0; i < G_N_ELEMENTS(keys); i++)
    if (!strstr(a.out, keys[i])) fail_msg("missing %s", keys[i]);
  ran_clear(&a);
  ran_clear(&b);
}

static void test_ftrace_file(void **state) {
  g_autofree char *dir = g_dir_make_tmp("cpuhpsim-XXXXXX", NULL);
  g_autofree char *f1 = g_build_filename(dir, "a.trace", NULL);
  g_autofree char *f2 = g_build_filename(dir, "b.trace", NULL);
  g_autofree char *o1 = g_strconcat("--ftrace=", f1, NULL), *o2 = g_strconcat("--ftrace=", f2, NULL);
  Ran a = run("run", o1, "--cpus=8", NULL);
  Ran b = run("run", o2, "--cpus=8", NULL);
  assert_int_equal(a.status, 0);
  assert_int_equal(b.status, 0);
  g_autofree char *t1 = NULL, *t2 = NULL;
  assert_true(g_file_get_contents(f1, &t1, NULL, NULL));
  assert_true(g_file_get_contents(f2, &t2, NULL, NULL));
  assert_string_equal(t1, t2);
  g_autoptr(GArray) ev = tu_read_trace(f1);
  assert_true(ev->len > 7 * 20); /* every AP's PREPARE and ONLINE callbacks */
  assert_non_null(strstr(t1, "cpuhp_enter: cpu: 0001 target:  85 step:   1 (smpboot_create_threads)"));
  ran_clear(&a);
  ran_clear(&b);
  g_unlink(f1);
  g_unlink(f2);
  g_rmdir(dir);
}

static void test_bad_flags(void **state) {
  static const struct {
    const char *arg, *want;
  } cases[] = {
      {"--parallel=2", "--parallel"}, {"--topology=2x0x2", "--topology"}, {"--topology=abc", "--topology"},
      {"--cpus=0", "--cpus"},         {"--seed=-1", "--seed"},            {"--format=xml", "--format"},
      {"--bogus", "--bogus"},         {"--set=nokey", "--set"},           {"--set=x86.nope=1", "x86.nope"},
      {"--cpus=200", "nr_cpus"},      {"--topology=300x300x8", "--topology"},
      {"--fail=0:1", "--fail"},       {"--fail=1:sched:starting", "atomic"},
      {"--fail=1", "--fail"},         {"--no-alive=500", "--no-alive"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    Ran r = run("run", cases[i].arg, NULL);
    if (r.status != 2) fail_msg("%s: exit %d", cases[i].arg, r.status);
    assert_one_line(r.err);
    if (!strstr(r.err, cases[i].want)) fail_msg("%s: error does not name %s: %s", cases[i].arg, cases[i].want, r.err);
    assert_string_equal(r.out, "");
    ran_clear(&r);
  }
  Ran u = run("frobnicate", NULL);
  assert_int_equal(u.status, 2);
  ran_clear(&u);
}

/* Values `check` used to accept that overflowed the int64 ns clock (an abort, exit 134):
 * refused before anything runs, naming the override. */
static void test_overflowing_durations_refused(void **state) {
  static const char *const sets[] = {
      "x86.icr_write=100000000s",
      "kernel.trace_rb_page=1000000s",
      "states.perf:prepare={cost: 3us, per_possible_cpu: 1000000s}",
      "x86.identify={dist: lognormal, median: 1us, sigma: 100}",
      "x86.identify={dist: normal, mean: 1us, sd: 100000000s}",
      "kernel.alive_timeout=1000000s",
  };
  for (guint i = 0; i < G_N_ELEMENTS(sets); i++) {
    Ran r = run("run", "--parallel=0", "--set", sets[i], NULL);
    if (r.status != 2) fail_msg("--set %s: exit %d", sets[i], r.status);
    assert_one_line(r.err);
    g_autofree char *want = g_strdup_printf("--set %s: ", sets[i]);
    if (!g_str_has_prefix(r.err, want)) fail_msg("--set %s: %s", sets[i], r.err);
    assert_string_equal(r.out, "");
    ran_clear(&r);
  }
  /* the largest values allowed run to the end: draws clamp at the key's bound */
  Ran ok = run("run", "--parallel=0", "--cpus=8", "--set",
               "x86.identify={dist: lognormal, median: 60s, sigma: 10}", "--set",
               "kernel.trace_rb_page={dist: normal, mean: 1ms, sd: 1ms}", NULL);
  assert_int_equal(ok.status, 0);
  ran_clear(&ok);
}

/* Zero or tiny alive polling made `run` hang (or take seconds per CPU): refused; and a run
 * over its event budget is a one-line error, not a hang. */
static void test_runaway_refused(void **state) {
  static const char *const sets[] = {"kernel.alive_sleep=0", "kernel.alive_sleep=1ns",
                                     "kernel.alive_sleep={dist: exponential, mean: 0}"};
  for (guint i = 0; i < G_N_ELEMENTS(sets); i++) {
    Ran r = run("run", "--parallel=0", "--set", sets[i], NULL);
    if (r.status != 2) fail_msg("--set %s: exit %d", sets[i], r.status);
    assert_one_line(r.err);
    assert_non_null(strstr(r.err, "kernel.alive_sleep must average at least"));
    ran_clear(&r);
  }
  Ran m = run("run", "--max-events=1000", NULL);
  assert_int_equal(m.status, 2);
  assert_one_line(m.err);
  assert_non_null(strstr(m.err, "did not end within 1000 events"));
  assert_string_equal(m.out, "");
  ran_clear(&m);
  Ran mc = run("run", "--max-events=1000", "--runs=3", NULL);
  assert_int_equal(mc.status, 2);
  ran_clear(&mc);
  Ran z = run("run", "--max-events=0", NULL);
  assert_int_equal(z.status, 2);
  assert_non_null(strstr(z.err, "--max-events"));
  ran_clear(&z);
  /* the default budget does not touch a real run */
  Ran ok = run("run", "--max-events=100000000", "--format=json", NULL);
  assert_int_equal(ok.status, 0);
  ran_clear(&ok);
}

static void test_bad_profile_leaves_no_file(void **state) {
  g_autofree char *dir = g_dir_make_tmp("cpuhpsim-XXXXXX", NULL);
  g_autofree char *yaml = g_build_filename(dir, "bad.yaml", NULL);
  g_autofree char *out = g_build_filename(dir, "out.trace", NULL);
  g_autofree char *flag = g_strconcat("--ftrace=", out, NULL);
  assert_true(g_file_set_contents(yaml, "name: x\narch: x86_64\ntopology:\n  sockets: two\n", -1, NULL));
  Ran r = run("run", yaml, flag, NULL);
  assert_int_equal(r.status, 2);
  assert_one_line(r.err);
  g_autofree char *loc = g_strconcat(yaml, ":4:12: ", NULL);
  if (!g_str_has_prefix(r.err, loc)) fail_msg("want prefix %s, got %s", loc, r.err);
  assert_false(g_file_test(out, G_FILE_TEST_EXISTS));
  ran_clear(&r);
  /* an existing good file is not touched by a failing run */
  assert_true(g_file_set_contents(out, "good\n", -1, NULL));
  Ran s = run("run", yaml, flag, NULL);
  assert_int_equal(s.status, 2);
  g_autofree char *kept = NULL;
  assert_true(g_file_get_contents(out, &kept, NULL, NULL));
  assert_string_equal(kept, "good\n");
  ran_clear(&s);
  /* an unwritable output: exit 1, nothing left behind */
  g_autofree char *nodir = g_build_filename(dir, "missing", "x.trace", NULL);
  g_autofree char *flag2 = g_strconcat("--ftrace=", nodir, NULL);
  Ran t = run("run", flag2, "--cpus=2", NULL);
  assert_int_equal(t.status, 1);
  assert_one_line(t.err);
  ran_clear(&t);
  g_unlink(out);
  g_unlink(yaml);
  g_rmdir(dir);
}

static void test_faults_reported(void **state) {
  Ran r = run("run", "--cpus=4", "--fail=2:workqueue:prepare", "--parallel=0", "--format=json", NULL);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.out, "\"cpus_online\": 3"));
  assert_non_null(strstr(r.out, "\"failed_step\": 38, \"failed_ret\": -11, \"failure\": \"CPU UP failed (-11) CPU 2 state workqueue:prepare (38)\""));
  ran_clear(&r);
  Ran t = run("run", "--cpus=3", "--no-alive=2", NULL);
  assert_int_equal(t.status, 0);
  assert_non_null(strstr(t.out, "CPU2: failed to report alive state"));
  ran_clear(&t);
}

static void test_check_states_schema_help(void **state) {
  Ran c = run("check", "scenarios/skl-2s-112t.yaml", NULL);
  assert_int_equal(c.status, 0);
  assert_non_null(strstr(c.out, "ok"));
  ran_clear(&c);
  Ran s = run("states", "scenarios/skl-2s-112t.yaml", NULL);
  assert_int_equal(s.status, 0);
  assert_non_null(strstr(s.out, "cpuhp_kick_ap_alive"));
  assert_non_null(strstr(s.out, "trace/RB:prepare"));
  ran_clear(&s);
  Ran w = run("states", "scenarios/qemu-arm64-tcg-icount.yaml", NULL); /* per-CPU terms shown */
  assert_non_null(strstr(w.out, "workqueue_online_cpu         ONLINE    AP cpuhp/N    yes  35us + 16.2us per possible CPU\n"));
  ran_clear(&w);
  Ran k = run("schema", NULL);
  assert_int_equal(k.status, 0);
  assert_non_null(strstr(k.out, "x86.wakeup_primary"));
  ran_clear(&k);
  Ran h = run("run", "--help", NULL);
  assert_int_equal(h.status, 0);
  assert_non_null(strstr(h.out, "--parallel"));
  assert_non_null(strstr(h.out, "--ftrace"));
  ran_clear(&h);
  Ran m = run("check", NULL);
  assert_int_equal(m.status, 2);
  ran_clear(&m);
}

/* states and schema as JSON: the same table as the text, one entry per text line, typed. */
static void test_states_schema_json(void **state) {
  Ran t = run("states", "scenarios/qemu-arm64-tcg-icount.yaml", NULL);
  Ran j = run("states", "scenarios/qemu-arm64-tcg-icount.yaml", "--format=json", NULL);
  assert_int_equal(j.status, 0);
  g_autoptr(GError) err = NULL;
  g_autoptr(SimJson) doc = sim_json_parse(j.out, strlen(j.out), &err);
  if (!doc) fail_msg("%s", err->message);
  assert_string_equal(sim_json_get_str(doc, "arch"), "arm64");
  const SimJson *states = sim_json_get(doc, "states");
  assert_non_null(states);
  guint lines = 0;
  for (const char *p = t.out; *p; p++) lines += *p == '\n';
  assert_int_equal(states->items->len, lines - 2); /* the text has a title and a header */
  gboolean found = FALSE;
  for (guint i = 0; i < states->items->len; i++) {
    const SimJson *st = states->items->pdata[i];
    if (g_strcmp0(sim_json_get_str(st, "startup"), "workqueue_online_cpu")) continue;
    found = TRUE;
    assert_string_equal(sim_json_get_str(st, "cost"), "35us + 16.2us per possible CPU");
    assert_int_equal(sim_json_get(st, "at_boot")->type, SIM_JSON_BOOL);
    assert_true(sim_json_get(st, "at_boot")->boolean);
  }
  assert_true(found);
  ran_clear(&t), ran_clear(&j);
  Ran kt = run("schema", NULL), kj = run("schema", "--format=json", NULL);
  assert_int_equal(kj.status, 0);
  g_autoptr(SimJson) keys = sim_json_parse(kj.out, strlen(kj.out), &err);
  if (!keys) fail_msg("%s", err->message);
  lines = 0;
  for (const char *p = kt.out; *p; p++) lines += *p == '\n';
  assert_int_equal(keys->items->len, lines);
  const SimJson *name = keys->items->pdata[0];
  assert_string_equal(sim_json_get_str(name, "key"), "name");
  assert_int_equal(sim_json_get(name, "default")->type, SIM_JSON_NULL);
  assert_true(sim_json_get(name, "required")->boolean);
  ran_clear(&kt), ran_clear(&kj);
  Ran bad = run("schema", "--format=yaml", NULL);
  assert_int_equal(bad.status, 2);
  assert_one_line(bad.err);
  ran_clear(&bad);
  Ran bs = run("states", "--format=csv", NULL);
  assert_int_equal(bs.status, 2);
  assert_one_line(bs.err);
  ran_clear(&bs);
}

/* A report that cannot be written (a full disk) is exit 1 with one line, for every command that
 * writes to stdout, never a silent success. */
static void test_stdout_write_error(void **state) {
  static const char *const cmds[] = {"run --format=json", "schema", "states", "policies", "run --runs=3"};
  for (guint i = 0; i < G_N_ELEMENTS(cmds); i++) {
    g_autofree char *script = g_strdup_printf("exec \"$0\" %s >/dev/full", cmds[i]);
    const char *argv[] = {"/bin/sh", "-c", script, CPUHPSIM_BINARY, NULL};
    g_autofree char *out = NULL, *err = NULL;
    int wait = 0;
    assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &wait, NULL));
    assert_true(WIFEXITED(wait));
    if (WEXITSTATUS(wait) != 1 || !strstr(err, "cpuhpsim: standard output: "))
      fail_msg("%s >/dev/full: exit %d, stderr '%s'", cmds[i], WEXITSTATUS(wait), err);
    assert_null(strchr(err, '\n') == err + strlen(err) - 1 ? NULL : err); /* one line */
  }
}

/* "-" is standard output; a symbolic link is written through (the link stays, its file gets the
 * output), never replaced by a regular file. */
static void test_output_destinations(void **state) {
  TuRan r = tu_run_env(NULL, "run", "--cpus=4", "--ftrace=-", NULL);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.out, "cpuhp_enter:"));
  assert_non_null(strstr(r.out, "bringup time"));
  assert_false(g_file_test("-", G_FILE_TEST_EXISTS));
  tu_ran_clear(&r);
  g_autofree char *dir = g_dir_make_tmp("cpuhpsim-out-XXXXXX", NULL);
  g_autofree char *file = g_build_filename(dir, "real.trace", NULL), *link = g_build_filename(dir, "link.trace", NULL);
  assert_true(g_file_set_contents(file, "old\n", -1, NULL));
  assert_int_equal(symlink("real.trace", link), 0);
  g_autofree char *flag = g_strdup_printf("--ftrace=%s", link);
  r = tu_run_env(NULL, "run", "--cpus=4", flag, NULL);
  assert_int_equal(r.status, 0);
  assert_true(g_file_test(link, G_FILE_TEST_IS_SYMLINK));
  g_autofree char *text = NULL;
  assert_true(g_file_get_contents(file, &text, NULL, NULL));
  assert_non_null(strstr(text, "cpuhp_enter:"));
  tu_ran_clear(&r);
  r = tu_run_env(NULL, "sweep", "scenarios/sweeps/skl-faults.yaml", "--threads=1", "--format=csv", "-o", "-", NULL);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.out, "point"));
  assert_false(g_file_test("-", G_FILE_TEST_EXISTS));
  tu_ran_clear(&r);
  unlink(link);
  unlink(file);
  g_rmdir(dir);
}

/* --version on the program and on every command, GNU style. */
static void test_version_everywhere(void **state) {
  static const char *const cmds[] = {"run", "check", "states", "schema", "compare", "policies", "sweep", "merge",
                                     "explore", "verify", "import", "diff", "calibrate", "plot"};
  TuRan r = tu_run_env(NULL, "--version", NULL);
  assert_int_equal(r.status, 0);
  g_autofree char *want = g_strdup(r.out);
  assert_true(g_str_has_prefix(want, "cpuhpsim "));
  tu_ran_clear(&r);
  for (guint i = 0; i < G_N_ELEMENTS(cmds); i++) {
    r = tu_run_env(NULL, cmds[i], "--version", NULL);
    if (r.status != 0 || strcmp(r.out, want)) fail_msg("%s --version: exit %d, '%s'", cmds[i], r.status, r.out);
    tu_ran_clear(&r);
  }
  r = tu_run_env(NULL, "states", "--help", NULL);
  for (const char *const *o = (const char *const[]){"--diff", "--from-trace", "--from-source", "--config", "-o", NULL}; *o; o++)
    if (!strstr(r.out, *o)) fail_msg("states --help does not mention %s", *o);
  tu_ran_clear(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_run_default),
      cmocka_unit_test(test_json_keys_and_determinism),
      cmocka_unit_test(test_ftrace_file),
      cmocka_unit_test(test_bad_flags),
      cmocka_unit_test(test_overflowing_durations_refused),
      cmocka_unit_test(test_runaway_refused),
      cmocka_unit_test(test_bad_profile_leaves_no_file),
      cmocka_unit_test(test_faults_reported),
      cmocka_unit_test(test_check_states_schema_help),
      cmocka_unit_test(test_states_schema_json),
      cmocka_unit_test(test_stdout_write_error),
      cmocka_unit_test(test_output_destinations),
      cmocka_unit_test(test_version_everywhere),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
