/* test_sweep.c — sweep scenarios: strict parsing, grid order, output independent of threads,
 * shards that merge back into the unsharded output, merge refusing bad input, explore. */
#include "tests/testutil.h"

#include <glib/gstdio.h>
#include <sys/wait.h>

#include "models/profile/scenario.h"

static int sh(char **out, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static int sh(char **out, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *cmd = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_autofree char *full = g_strdup_printf("%s %s", CPUHPSIM_BINARY, cmd);
  const char *argv[] = {"/bin/sh", "-c", full, NULL};
  int wait = 0;
  g_autofree char *err = NULL;
  g_clear_pointer(out, g_free); /* callers reuse their output string */
  if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, &err, &wait, NULL)) fail_msg("spawn");
  return WIFEXITED(wait) ? WEXITSTATUS(wait) : 128;
}

static void test_bad_scenarios(void **state) {
  static const struct {
    const char *file, *want;
  } cases[] = {
      {"unknown_key.yaml", ":2:1: unknown key 'runz'"},       {"empty_axis.yaml", ":2:11: axis 'policy': expected a non-empty list"},
      {"zero_runs.yaml", ":1:7: runs: expected a whole number"}, {"unknown_axis.yaml", ":2:3: unknown axis 'colour'"},
      {"set_axis_name.yaml", ":3:5: set: 'cpus' is an axis name"}, {"mapping_value.yaml", ":2:20: policy: expected a scalar"},
      {"not_mapping.yaml", ":1:1: a scenario is a mapping"},    {"negative_seed.yaml", ":1:7: seed: expected a whole number"},
      {"axes_list.yaml", ":1:7: axes: expected a mapping"},
      {"fault_kind.yaml", ":1:10: faults: expected fail=CPU:STATE or no-alive=CPU"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *path = g_build_filename("tests/data/bad-scenarios", cases[i].file, NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(CpuhpScenario) s = cpuhp_scenario_load(path, &err);
    assert_null(s);
    g_autofree char *want = g_strconcat(path, cases[i].want, NULL);
    if (!g_str_has_prefix(err->message, want)) fail_msg("got %s, want %s", err->message, want);
  }
}

static void test_grid_order(void **state) {
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpScenario) s = cpuhp_scenario_load("scenarios/sweeps/skl-policies.yaml", &err);
  assert_non_null(s);
  assert_int_equal(s->axes->len, 3);
  assert_string_equal(g_array_index(s->axes, CpuhpAxis, 0).name, "cpus");
  assert_string_equal(g_array_index(s->axes, CpuhpAxis, 1).name, "x86.tsc_reliable");
  assert_string_equal(g_array_index(s->axes, CpuhpAxis, 2).name, "policy");
  assert_int_equal(s->points, 5 * 2 * 4);
  const char *v[3];
  cpuhp_scenario_point(s, 0, v);
  assert_string_equal(v[0], "8");
  assert_string_equal(v[2], "kernel");
  cpuhp_scenario_point(s, 1, v); /* the last axis varies fastest */
  assert_string_equal(v[2], "serial");
  cpuhp_scenario_point(s, 39, v);
  assert_string_equal(v[0], "112");
  assert_string_equal(v[1], "true");
  assert_string_equal(v[2], "deferred:8");
}

static void test_threads_shards_merge(void **state) {
  const char *sc = "scenarios/sweeps/skl-policies.yaml";
  g_autofree char *dir = g_dir_make_tmp("cpuhpsim-sweep-XXXXXX", NULL);
  for (int csv = 0; csv <= 1; csv++) {
    const char *fmt = csv ? "csv" : "jsonl";
    g_autofree char *one = NULL, *many = NULL, *merged = NULL;
    assert_int_equal(sh(&one, "sweep %s --format=%s --threads=1", sc, fmt), 0);
    assert_int_equal(sh(&many, "sweep %s --format=%s --threads=3", sc, fmt), 0);
    assert_string_equal(one, many);
    for (int i = 0; i < 3; i++) {
      g_autofree char *out = NULL;
      assert_int_equal(sh(&out, "sweep %s --format=%s --shard=%d/3 -o %s/s%d", sc, fmt, i, dir, i), 0);
      assert_string_equal(out, "");
    }
    assert_int_equal(sh(&merged, "merge %s/s2 %s/s0 %s/s1", dir, dir, dir), 0);
    assert_string_equal(merged, one);
    g_autofree char *bad = NULL;
    assert_int_equal(sh(&bad, "merge %s/s0 %s/s1 2>/dev/null", dir, dir), 2);      /* a shard missing */
    assert_int_equal(sh(&bad, "merge %s/s0 %s/s0 %s/s1 %s/s2 2>/dev/null", dir, dir, dir, dir), 2); /* twice */
    guint lines = 0;
    for (const char *p = one; *p; p++) lines += *p == '\n';
    assert_int_equal(lines, 1 + csv + 40 * 5);
  }
  for (int i = 0; i < 3; i++) {
    g_autofree char *f = g_strdup_printf("%s/s%d", dir, i);
    g_unlink(f);
  }
  g_rmdir(dir);
  g_autofree char *out = NULL;
  assert_int_equal(sh(&out, "sweep %s --shard=3/3 2>/dev/null", sc), 2);
  assert_int_equal(sh(&out, "sweep tests/data/bad-scenarios/unknown_axis.yaml 2>/dev/null"), 2);
}

/* Shard text with line `line` (1-based) replaced by `with` (NULL: the text cut after `with`
 * bytes of that line, no newline). */
static char *edit_line(const char *text, guint line, const char *with, gsize cut) {
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  g_assert(line <= g_strv_length(lines));
  if (with) {
    g_free(lines[line - 1]);
    lines[line - 1] = g_strdup(with);
    return g_strjoinv("\n", lines);
  }
  lines[line - 1][cut] = '\0';
  GString *o = g_string_new(NULL); /* lines 1..line, the vector left whole for its free */
  for (guint i = 0; i < line; i++) g_string_append_printf(o, "%s%s", i ? "\n" : "", lines[i]);
  return g_string_free(o, FALSE);
}

/* merge checks every row whole: an empty, truncated or foreign shard, or a number out of
 * int64, is FILE:LINE:COL and exit 2 (an empty one used to crash, the others passed). */
static void test_merge_refuses_broken_shards(void **state) {
  const char *sc = "scenarios/sweeps/skl-faults.yaml";
  g_autofree char *dir = g_dir_make_tmp("cpuhpsim-merge-XXXXXX", NULL);
  g_autofree char *s0 = g_build_filename(dir, "s0", NULL), *s1 = g_build_filename(dir, "s1", NULL);
  g_autofree char *bad = g_build_filename(dir, "bad", NULL);
  for (int csv = 0; csv <= 1; csv++) {
    const char *fmt = csv ? "csv" : "jsonl";
    g_autofree char *out = NULL, *text = NULL;
    assert_int_equal(sh(&out, "sweep %s --format=%s --shard=0/2 -o %s", sc, fmt, s0), 0);
    assert_int_equal(sh(&out, "sweep %s --format=%s --shard=1/2 -o %s", sc, fmt, s1), 0);
    assert_true(g_file_get_contents(s0, &text, NULL, NULL));
    guint row = 2 + csv; /* the first row */
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    g_autofree char *big = g_strdup(lines[row - 1]), *foreign = g_strdup(lines[row]);
    char *last = strrchr(big, csv ? ',' : ' '); /* the last metric */
    g_autofree char *big2 = g_strdup_printf("%.*s%s1e400%s", (int)(last - big), big, csv ? "," : " ",
                                            csv ? "" : "}");
    char *cut = strstr(foreign, csv ? ",kernel," : "\"policy\": \"kernel\", ");
    assert_non_null(cut);
    memmove(cut, cut + (csv ? 7 : 20), strlen(cut + (csv ? 7 : 20)) + 1); /* drop a column */
    struct {
      char *text;
      const char *want; /* after "FILE:" */
      guint line;
    } cases[] = {
        {g_strdup(""), "1:1: empty", 1},
        {edit_line(text, row, NULL, 25), "truncated", row},
        {edit_line(text, row, csv ? "0,0," : "{\"point\": 0, \"run\": 0, \"seed\": ", 0),
         csv ? "expected" : "unexpected end of input", row},
        {edit_line(text, row, big2, 0), "not an integer", row},
        /* an axis fewer, after a row with it */
        {edit_line(text, row + 1, foreign, 0), csv ? "expected" : "keys are not", row + 1},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
      assert_true(g_file_set_contents(bad, cases[i].text, -1, NULL));
      TuRan r = tu_run_env(NULL, "merge", bad, s1, NULL);
      if (r.status != 2) fail_msg("%s case %u: exit %d", fmt, i, r.status);
      g_autofree char *at = g_strdup_printf("cpuhpsim merge: %s:", bad);
      if (!g_str_has_prefix(r.err, at) || !strstr(r.err, cases[i].want))
        fail_msg("%s case %u: %s", fmt, i, r.err);
      g_autofree char *line = g_strdup_printf("%u:", cases[i].line);
      if (!g_str_has_prefix(r.err + strlen(at), line)) fail_msg("%s case %u: wrong line: %s", fmt, i, r.err);
      assert_string_equal(r.out, "");
      tu_ran_clear(&r);
      g_free(cases[i].text);
    }
  }
  g_unlink(s0), g_unlink(s1), g_unlink(bad);
  g_rmdir(dir);
}

/* Faults from a scenario file act like --fail/--no-alive at every grid point, with the kernel's
 * semantics: a CPU failed in the kick pass is retried by the parallel online pass, not serially. */
static void test_scenario_faults(void **state) {
  g_autofree char *out = NULL;
  assert_int_equal(sh(&out, "sweep scenarios/sweeps/skl-faults.yaml --threads=2"), 0);
  assert_non_null(strstr(out, "\"cpus\": \"8\", \"policy\": \"kernel\", \"cpus_total\": 8, \"cpus_online\": 7,"));
  assert_non_null(strstr(out, "\"cpus\": \"8\", \"policy\": \"serial\", \"cpus_total\": 8, \"cpus_online\": 6,"));
  /* the AP that never comes alive costs the control CPU the kernel's 10 s */
  assert_non_null(strstr(out, "\"bringup_ns\": 100"));
  g_autofree char *bad = NULL;
  assert_int_equal(sh(&bad, "sweep tests/data/bad-scenarios/fault_no_cpu.yaml 2>&1"), 2);
  assert_non_null(strstr(bad, "no such CPU"));
}

/* explore's best is at least as good as the kernel's own parallel bringup */
static void test_explore(void **state) {
  g_autofree char *out = NULL;
  assert_int_equal(sh(&out, "explore --runs=3 --top=100"), 0);
  const char *first = strstr(out, "\n1 ");
  const char *kernel = strstr(out, " kernel ");
  assert_non_null(first);
  assert_non_null(kernel);
  double best, k;
  char name[64];
  assert_int_equal(sscanf(first, "\n1 %63s %lf", name, &best), 2);
  assert_int_equal(sscanf(kernel, " kernel %lf", &k), 1);
  assert_true(best <= k);
  assert_non_null(strstr(out, "waves:"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bad_scenarios),
      cmocka_unit_test(test_grid_order),
      cmocka_unit_test(test_threads_shards_merge),
      cmocka_unit_test(test_merge_refuses_broken_shards),
      cmocka_unit_test(test_explore),
      cmocka_unit_test(test_scenario_faults),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
