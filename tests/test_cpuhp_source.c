/* test_cpuhp_source.c — state tables read from kernel source (`states --from-source`), on a
 * synthetic cpuhotplug.h / cpu.c pair in tests/data/kernel-src written in the kernel's layout:
 * numbering from the enum, names and callbacks from cpu.c as the .config decides them, the rest
 * from the shipped table; the whole-table YAML loads, runs, and diffs against 6.12. */
#include "tests/testutil.h"

#include <glib/gstdio.h>

#include "models/kernel/cpuhp_source.h"
#include "sim/output/table_diff.h"
#include "sim/output/table_yaml.h"

#define SRC "tests/data/kernel-src/"

static char *slurp(const char *path) {
  char *t = NULL;
  if (!g_file_get_contents(path, &t, NULL, NULL)) fail_msg("cannot read %s", path);
  return t;
}

/* The table for `config` (a .config text), written to a file and loaded. */
static const CpuhpTable *table_for(const char *config, const char *version, char **path_out) {
  g_autofree char *h = slurp(SRC "cpuhotplug.h"), *c = slurp(SRC "cpu.c");
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpSourceTable) src = cpuhp_table_from_source(h, c, config, "x86_64", version, &err);
  if (!src) fail_msg("%s", err->message);
  g_autoptr(GString) out = g_string_new(NULL);
  sim_table_yaml_source(out, src, "test");
  int fd = g_file_open_tmp("cpuhpsim-src-XXXXXX.yaml", path_out, &err);
  assert_true(fd >= 0);
  close(fd);
  assert_true(g_file_set_contents(*path_out, out->str, (gssize)out->len, NULL));
  const CpuhpTable *t = cpuhp_table_load(*path_out, &err);
  if (!t) fail_msg("%s", err->message);
  return t;
}

static void test_split_startup_config(void **state) {
  (void)state;
  g_autofree char *path = NULL, *cfg = slurp(SRC "config");
  const CpuhpTable *t = table_for(cfg, "src-split", &path);
  /* the enum's implicit numbering moved every landmark */
  assert_int_equal(t->kick_ap, 38);
  assert_int_equal(t->bringup_cpu, 39);
  assert_int_equal(t->ap_idle_dead, 40);
  assert_int_equal(t->ap_online, 50);
  assert_int_equal(t->teardown_cpu, 51);
  assert_int_equal(t->ap_online_idle, 52);
  assert_int_equal(t->online, 106); /* CPUHP_AP_ONLINE_DYN + 40 + 3 */
  assert_string_equal(cpuhp_table_at(t, 39)->startup, "cpuhp_bringup_ap");
  const CpuhpStep *foo = cpuhp_table_find(t, "foo:prepare"); /* CONFIG_FOO && !FOO_LEGACY */
  assert_non_null(foo);
  assert_int_equal(foo->step, 13);
  assert_int_equal(foo->section, CPUHP_SECTION_PREPARE);
  /* registered outside cpu.c: from the shipped table, renumbered, flags kept */
  const CpuhpStep *rb = cpuhp_table_find(t, "trace/RB:prepare");
  assert_true(rb && rb->step == 14 && rb->multi_instance && rb->ring_buffer);
  assert_int_equal(cpuhp_table_find(t, "mm/vmstat:online")->step, 64); /* CPUHP_AP_ONLINE_DYN+1 */
  assert_false(cpuhp_table_find(t, "perf/x86:prepare")->at_boot);
  /* teardown-only entries never run at bringup: left out */
  assert_null(cpuhp_table_find(t, "RCU/tree:dying"));
  assert_null(cpuhp_table_find(t, "ap:offline"));

  /* a profile runs on it, and only the numbers differ from 6.12 */
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(ov, g_strdup_printf("kernel.state_table=%s", path));
  g_ptr_array_add(ov, g_strdup("topology.sockets=1"));
  g_ptr_array_add(ov, g_strdup("topology.cores_per_socket=4"));
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpProfile) p = cpuhp_machine_load_default(ov, &err);
  if (!p) fail_msg("%s", err->message);
  g_autoptr(CpuhpResult) r = tu_run(p, 1, TRUE);
  assert_int_equal(r->cpus_online, 8);
  gboolean saw_kick = FALSE;
  for (guint i = 0; i < r->trace->len; i++) {
    const CpuhpTraceEvent *e = &g_array_index(r->trace, CpuhpTraceEvent, i);
    if (e->type == CPUHP_TRACE_ENTER && e->step == 38) saw_kick = g_str_equal(e->fn, "cpuhp_kick_ap_alive");
    assert_true(e->step <= 106);
  }
  assert_true(saw_kick);
  g_autoptr(GArray) changes = cpuhp_table_diff(cpuhp_table_lookup("x86_64", "6.12"), t);
  g_autoptr(GString) d = g_string_new(NULL);
  sim_table_diff_text(d, changes);
  assert_non_null(strstr(d->str, "+  13 foo:prepare"));
  assert_non_null(strstr(d->str, "~ cpu:bringup                                    step 86 -> 39"));
  g_unlink(path);
}

static void test_config_decides(void **state) {
  (void)state;
  g_autofree char *path = NULL;
  /* no split startup, no FOO: bringup_cpu, no kick state, no foo */
  const CpuhpTable *t = table_for("CONFIG_SMP=y\nCONFIG_FOO=y\nCONFIG_FOO_LEGACY=m\n", "src-plain", &path);
  assert_int_equal(t->kick_ap, 0);
  assert_string_equal(cpuhp_table_at(t, t->bringup_cpu)->startup, "bringup_cpu");
  assert_null(cpuhp_table_find(t, "foo:prepare"));
  assert_null(cpuhp_table_find(t, "cpu:kick_ap"));
  g_unlink(path);
}

static void test_errors(void **state) {
  (void)state;
  g_autofree char *h = slurp(SRC "cpuhotplug.h"), *c = slurp(SRC "cpu.c");
  static const struct { const char *header, *cpu_c, *config, *want; } cases[] = {
      {"int x;", NULL, "", "cpuhotplug.h: no `enum cpuhp_state { ... }`"},
      {NULL, "int y;", "", "cpu.c: no `cpuhp_hp_states[] = { ... }` array"},
      {NULL, NULL, "", "cpu.c: no [CPUHP_BRINGUP_CPU] entry for this config"}, /* CONFIG_SMP off */
      {"enum cpuhp_state { CPUHP_OFFLINE = 0, CPUHP_X = CPUHP_NOPE + 1, };", NULL, "", "cpuhotplug.h: 'CPUHP_X' = 'CPUHP_NOPE': unknown value"},
      {NULL, "static struct cpuhp_step cpuhp_hp_states[] = {\n [CPUHP_NOT_THERE] = { .name = \"x\", },\n};", "", "cpu.c: [CPUHP_NOT_THERE] is not in enum cpuhp_state"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GError) err = NULL;
    assert_null(cpuhp_table_from_source(cases[i].header ? cases[i].header : h, cases[i].cpu_c ? cases[i].cpu_c : c,
                                        cases[i].config, "x86_64", "e", &err));
    if (!strstr(err->message, cases[i].want)) fail_msg("case %u: '%s', want '%s'", i, err->message, cases[i].want);
  }
  /* the command: one line, exit 2, nothing written */
  g_autofree char *dir = g_dir_make_tmp("cpuhpsim-src-XXXXXX", NULL);
  g_autofree char *out = g_build_filename(dir, "t.yaml", NULL);
  TuRan r = tu_run_env(NULL, "states", "--from-source", SRC "cpuhotplug.h", SRC "cpu.c", "-o", out, NULL);
  assert_int_equal(r.status, 2); /* no --config and no --arch */
  assert_non_null(strstr(r.err, "--arch"));
  assert_false(g_file_test(out, G_FILE_TEST_EXISTS));
  tu_ran_clear(&r);
  r = tu_run_env(NULL, "states", "--from-source", SRC "cpuhotplug.h", SRC "cpu.c", "--config=" SRC "config", "-o", out, NULL);
  assert_int_equal(r.status, 0);
  tu_ran_clear(&r);
  r = tu_run_env(NULL, "states", "--diff", "x86_64/6.12", out, NULL);
  assert_int_equal(r.status, 1); /* they differ */
  assert_non_null(strstr(r.out, "foo:prepare"));
  tu_ran_clear(&r);
  g_unlink(out);
  g_rmdir(dir);
}

/* The whole-table form refuses what the kernel could not have, with FILE:LINE:COL. */
static void test_whole_table_errors(void **state) {
  (void)state;
  static const char *const head = "arch: x86_64\nversion: \"w%u\"\nstates:\n";
  static const char *const marks =
      "  - {step: 0, enum: CPUHP_OFFLINE, name: offline}\n"
      "  - {step: 10, enum: CPUHP_BRINGUP_CPU, name: \"cpu:bringup\", startup: bringup_cpu}\n"
      "  - {step: 11, enum: CPUHP_AP_IDLE_DEAD, name: \"idle:dead\"}\n"
      "  - {step: 20, enum: CPUHP_AP_ONLINE, name: \"ap:online\"}\n"
      "  - {step: 21, enum: CPUHP_TEARDOWN_CPU, name: \"cpu:teardown\", teardown: takedown_cpu}\n"
      "  - {step: 22, enum: CPUHP_AP_ONLINE_IDLE, name: \"ap:online_idle\"}\n";
  static const struct { const char *rows, *want; } cases[] = {
      {"", ":4:3: states: no CPUHP_ONLINE row"},
      {"  - {step: 30, enum: CPUHP_ONLINE, name: online}\n  - {step: 5, enum: CPUHP_FOO, name: foo}\n",
       "'foo' has no startup callback"},
      {"  - {step: 30, enum: CPUHP_ONLINE, name: online}\n  - {step: 5, enum: CPUHP_FOO, name: offline, startup: f}\n",
       "two states named 'offline'"},
      {"  - {step: 30, enum: CPUHP_ONLINE, name: online}\n  - {step: 10, enum: CPUHP_FOO, name: foo, startup: f}\n",
       "two states at step 10"},
      {"  - {step: 9, enum: CPUHP_ONLINE, name: online}\n", "out of the kernel's order"},
      {"  - {step: 30, enum: CPUHP_ONLINE, name: online}\n  - {step: 99999, enum: CPUHP_FOO, name: foo, startup: f}\n",
       "'step' must be a number from 0 to 65535"},
      {"  - {step: 30, enum: CPUHP_ONLINE, name: online, colour: red}\n", "unknown key 'colour'"},
      {"  - {step: 30, enum: CPUHP_ONLINE, name: online}\n  - {step: 5, enum: CPUHP_FOO, name: foo, startup: f, at_boot: maybe}\n",
       "'at_boot': expected true or false"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *h = g_strdup_printf(head, i);
    g_autofree char *text = g_strconcat(h, marks, cases[i].rows, NULL);
    g_autofree char *path = NULL;
    int fd = g_file_open_tmp("cpuhpsim-whole-XXXXXX.yaml", &path, NULL);
    assert_true(fd >= 0);
    close(fd);
    assert_true(g_file_set_contents(path, text, -1, NULL));
    g_autoptr(GError) err = NULL;
    const CpuhpTable *t = cpuhp_table_load(path, &err);
    g_unlink(path);
    if (t) fail_msg("case %u loaded", i);
    if (!strstr(err->message, cases[i].want) || !g_str_has_prefix(err->message, path) || strchr(err->message, '\n'))
      fail_msg("case %u: '%s', want '%s' after the file name", i, err->message, cases[i].want);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_split_startup_config), cmocka_unit_test(test_config_decides),
                                     cmocka_unit_test(test_errors),
                                     cmocka_unit_test(test_whole_table_errors)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
