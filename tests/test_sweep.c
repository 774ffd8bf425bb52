/* test_sweep.c — sweep scenarios: strict parsing, grid order, output independent of threads,
 * shards that merge back into the unsharded output, merge refusing bad input, explore. */
#include "tests/testutil.h"

#include <glib/gstdio.h>
#include <sys/wait.h>

#include "models/profile/scenario.h"
#include "sim/output/json.h"

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
    assert_int_equal(lines, 1 + 40 * 5); /* CSV: a header row, no comment line */
    if (csv) assert_true(g_str_has_prefix(one, "sweep_hash,shard,points,runs,point,run,seed,cpus,"));
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
  assert_non_null(strstr(out, "\"cpus\": 8, \"policy\": \"kernel\", \"cpus_total\": 8, \"cpus_online\": 7,"));
  assert_non_null(strstr(out, "\"cpus\": 8, \"policy\": \"serial\", \"cpus_total\": 8, \"cpus_online\": 6,"));
  /* the AP that never comes alive costs the control CPU the kernel's 10 s */
  assert_non_null(strstr(out, "\"bringup_ns\": 100"));
  g_autofree char *bad = NULL;
  assert_int_equal(sh(&bad, "sweep tests/data/bad-scenarios/fault_no_cpu.yaml 2>&1"), 2);
  assert_non_null(strstr(bad, "no such CPU"));
}

/* A sweep's text with `from` replaced by `to` (which must occur), written to dir/name. */
static char *variant(const char *dir, const char *name, const char *text, const char *from, const char *to) {
  g_assert(strstr(text, from));
  g_auto(GStrv) parts = g_strsplit(text, from, 2);
  g_autofree char *v = g_strconcat(parts[0], to, parts[1], NULL);
  char *path = g_build_filename(dir, name, NULL);
  g_assert(g_file_set_contents(path, v, -1, NULL));
  return path;
}

static void rm_dir(const char *dir) {
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  const char *f;
  while (d && (f = g_dir_read_name(d))) {
    g_autofree char *p = g_build_filename(dir, f, NULL);
    g_unlink(p);
  }
  g_rmdir(dir);
}

/* merge knows a sweep by its content hash: the same sweep named by another path merges, a
 * changed one (seed, axis order, profile) is refused in one line with exit 2. */
static void test_merge_identity(void **state) {
  g_autofree char *dir = g_dir_make_tmp("cpuhpsim-ident-XXXXXX", NULL);
  g_autofree char *prof = g_build_filename(CPUHPSIM_SOURCE_DIR, "scenarios", "skl-2s-112t.yaml", NULL);
  g_autofree char *base = g_strdup_printf("profile: %s\nseed: 1\nruns: 2\naxes:\n  cpus: [4, 8]\n"
                                          "  set: {x86.tsc_reliable: [false, true], kernel.hz: [250, 1000]}\n", prof);
  g_autofree char *a = variant(dir, "a.yaml", base, "seed: 1", "seed: 1");
  g_autofree char *sub = g_build_filename(dir, "sub", NULL);
  g_mkdir(sub, 0700);
  g_autofree char *a2 = g_strdup_printf("%s/sub/../a.yaml", dir); /* the same file, another path */
  g_autofree char *seed = variant(dir, "seed.yaml", base, "seed: 1", "seed: 2");
  g_autofree char *order = variant(dir, "order.yaml", base, "{x86.tsc_reliable: [false, true], kernel.hz: [250, 1000]}",
                                   "{kernel.hz: [250, 1000], x86.tsc_reliable: [false, true]}");
  g_autofree char *ptext = NULL;
  assert_true(g_file_get_contents(prof, &ptext, NULL, NULL));
  g_autofree char *prof2 = variant(dir, "prof2.yaml", ptext, "\n", "\n# a copy, one comment more\n");
  g_autofree char *other = variant(dir, "other.yaml", base, prof, prof2);
  for (int csv = 0; csv <= 1; csv++) {
    const char *fmt = csv ? "--format=csv" : "--format=jsonl";
    g_autofree char *s0 = g_build_filename(dir, "s0", NULL), *s1 = g_build_filename(dir, "s1", NULL);
    TuRan w = tu_run_env(NULL, "sweep", a, fmt, NULL);
    assert_int_equal(w.status, 0);
    TuRan r0 = tu_run_env(NULL, "sweep", a, fmt, "--shard=0/2", "-o", s0, NULL);
    TuRan r1 = tu_run_env(NULL, "sweep", a2, fmt, "--shard=1/2", "-o", s1, NULL);
    assert_int_equal(r0.status, 0);
    assert_int_equal(r1.status, 0);
    TuRan m = tu_run_env(NULL, "merge", s0, s1, NULL);
    if (m.status != 0) fail_msg("%s: two paths of one sweep: %s", fmt, m.err);
    assert_string_equal(m.out, w.out); /* the first shard's path is the merged output's */
    tu_ran_clear(&w), tu_ran_clear(&r0), tu_ran_clear(&r1), tu_ran_clear(&m);
    const char *changed[] = {seed, order, other};
    for (guint i = 0; i < G_N_ELEMENTS(changed); i++) {
      TuRan c = tu_run_env(NULL, "sweep", changed[i], fmt, "--shard=1/2", "-o", s1, NULL);
      assert_int_equal(c.status, 0);
      TuRan bad = tu_run_env(NULL, "merge", s0, s1, NULL);
      if (bad.status != 2 || !strstr(bad.err, "from another sweep") || strchr(bad.err, '\n') != bad.err + strlen(bad.err) - 1)
        fail_msg("%s, %s: exit %d: %s", fmt, changed[i], bad.status, bad.err);
      assert_string_equal(bad.out, "");
      tu_ran_clear(&c), tu_ran_clear(&bad);
    }
  }
  /* the outputs of a program before sweep_hash: told apart, not taken for another sweep */
  const char *old[] = {"{\"sweep\": \"a.yaml\", \"points\": 4, \"runs\": 2, \"shard\": \"0/1\"}\n",
                       "# {\"sweep\": \"a.yaml\", \"points\": 4, \"runs\": 2, \"shard\": \"0/1\"}\npoint,run\n"};
  for (guint i = 0; i < G_N_ELEMENTS(old); i++) {
    g_autofree char *f = variant(dir, "old", old[i], "a.yaml", "a.yaml");
    TuRan o = tu_run_env(NULL, "merge", f, NULL);
    assert_int_equal(o.status, 2);
    assert_non_null(strstr(o.err, ":1:1: written by an older cpuhpsim (no sweep_hash)"));
    tu_ran_clear(&o);
  }
  rm_dir(sub);
  rm_dir(dir);
}

/* Rows are written as their points finish, in grid order: a sweep that fails at its second
 * point has already written the first point's rows to stdout, and to -o FILE in place with
 * --resume; a plain -o FILE is whole or not at all, so it is not created. The error is at the
 * fault's place in the sweep file. */
static void test_rows_stream(void **state) {
  g_autofree char *dir = g_dir_make_tmp("cpuhpsim-stream-XXXXXX", NULL);
  g_autofree char *prof = g_build_filename(CPUHPSIM_SOURCE_DIR, "scenarios", "skl-2s-112t.yaml", NULL);
  g_autofree char *text = g_strdup_printf("profile: %s\nseed: 1\nruns: 3\naxes:\n  cpus: [16, 4]\nfaults: [\"fail=8:workqueue:prepare\"]\n", prof);
  g_autofree char *sc = variant(dir, "s.yaml", text, "seed", "seed");
  g_autofree char *out = g_build_filename(dir, "rows.jsonl", NULL);
  g_autofree char *where = g_strdup_printf("%s:6:", sc);
  for (int mode = 0; mode < 3; mode++) { /* stdout, -o FILE --resume, -o FILE */
    TuRan r = mode == 0   ? tu_run_env(NULL, "sweep", sc, "--threads=2", NULL)
              : mode == 1 ? tu_run_env(NULL, "sweep", sc, "--threads=2", "--resume", "-o", out, NULL)
                          : tu_run_env(NULL, "sweep", sc, "--threads=2", "-o", out, NULL);
    assert_int_equal(r.status, 2);
    if (!g_str_has_prefix(r.err, where) || !strstr(r.err, ": grid point 1: ")) fail_msg("mode %d: %s", mode, r.err);
    g_autofree char *rows = NULL;
    if (mode == 2) {
      assert_false(g_file_test(out, G_FILE_TEST_EXISTS));
    } else {
      if (mode == 0) rows = g_strdup(r.out);
      else assert_true(g_file_get_contents(out, &rows, NULL, NULL));
      g_auto(GStrv) lines = g_strsplit(rows, "\n", -1);
      assert_int_equal(g_strv_length(lines), 1 + 3 + 1); /* the head, point 0's runs, "" after the last newline */
      for (guint i = 1; i <= 3; i++) assert_true(g_str_has_prefix(lines[i], "{\"point\": 0, "));
      g_unlink(out);
    }
    tu_ran_clear(&r);
  }
  rm_dir(dir);
}

/* A killed shard resumes: its whole rows are kept, the rest run, and the file ends as an
 * uninterrupted run's, byte for byte; a file of another sweep or shard is refused. */
static void test_resume(void **state) {
  const char *sc = "scenarios/sweeps/skl-policies.yaml";
  g_autofree char *dir = g_dir_make_tmp("cpuhpsim-resume-XXXXXX", NULL);
  g_autofree char *full = g_build_filename(dir, "full", NULL), *part = g_build_filename(dir, "part", NULL);
  for (int csv = 0; csv <= 1; csv++) {
    const char *fmt = csv ? "--format=csv" : "--format=jsonl";
    TuRan f = tu_run_env(NULL, "sweep", sc, fmt, "--shard=1/3", "--threads=2", "-o", full, NULL);
    assert_int_equal(f.status, 0);
    tu_ran_clear(&f);
    g_autofree char *text = NULL;
    gsize len;
    assert_true(g_file_get_contents(full, &text, &len, NULL));
    guint rows = 0;
    for (const char *p = text; *p; p++) rows += *p == '\n';
    rows--; /* the head */
    /* half its rows, cut inside a line as a kill would; then cut at a line's end; then the head only */
    const char *nl = text;
    for (guint i = 0; i <= rows / 2; i++) nl = strchr(nl, '\n') + 1;
    gsize cuts[] = {len / 2, (gsize)(nl - text), (gsize)(strchr(text, '\n') + 1 - text), len};
    for (guint c = 0; c < G_N_ELEMENTS(cuts); c++) {
      assert_true(g_file_set_contents(part, text, (gssize)cuts[c], NULL));
      TuRan r = tu_run_env(NULL, "sweep", sc, fmt, "--shard=1/3", "--threads=2", "--resume", "-o", part, NULL);
      if (r.status != 0) fail_msg("%s cut %u: exit %d: %s", fmt, c, r.status, r.err);
      assert_string_equal(r.err, ""); /* no terminal: no progress */
      tu_ran_clear(&r);
      g_autofree char *got = NULL;
      assert_true(g_file_get_contents(part, &got, NULL, NULL));
      if (strcmp(got, text)) fail_msg("%s cut %u: the resumed output differs from an uninterrupted run", fmt, c);
    }
    /* another shard, another sweep */
    assert_true(g_file_set_contents(part, text, (gssize)(len / 2), NULL));
    TuRan o = tu_run_env(NULL, "sweep", sc, fmt, "--shard=0/3", "--resume", "-o", part, NULL);
    assert_int_equal(o.status, 2);
    assert_non_null(strstr(o.err, "shard 1/3, not 0/3"));
    tu_ran_clear(&o);
    TuRan s = tu_run_env(NULL, "sweep", "scenarios/sweeps/skl-faults.yaml", fmt, "--shard=1/3", "--resume", "-o", part, NULL);
    assert_int_equal(s.status, 2);
    assert_true(strstr(s.err, "sweep_hash") || strstr(s.err, "columns"));
    tu_ran_clear(&s);
    g_autofree char *after = NULL;
    assert_true(g_file_get_contents(part, &after, &len, NULL));
    assert_int_equal(len, strlen(text) / 2); /* a refused resume leaves the file alone */
  }
  TuRan n = tu_run_env(NULL, "sweep", sc, "--resume", NULL);
  assert_int_equal(n.status, 2);
  assert_non_null(strstr(n.err, "--resume: needs -o FILE"));
  tu_ran_clear(&n);
  g_unlink(full), g_unlink(part);
  g_rmdir(dir);
}

/* Progress is for a terminal: silent when stderr is a file (the tests' case), shown when
 * forced, with rows done, rate and the time left. */
static void test_progress(void **state) {
  const char *sc = "scenarios/sweeps/skl-faults.yaml";
  TuRan q = tu_run_env(NULL, "sweep", sc, NULL);
  assert_int_equal(q.status, 0);
  assert_string_equal(q.err, "");
  TuRan a = tu_run_env(NULL, "sweep", sc, "--progress=always", NULL);
  assert_int_equal(a.status, 0);
  assert_string_equal(a.out, q.out); /* stdout is the data alone */
  assert_non_null(strstr(a.err, "sweep: 12/12 rows, "));
  assert_non_null(strstr(a.err, " rows/s"));
  TuRan nv = tu_run_env(NULL, "sweep", sc, "--progress=never", NULL);
  assert_string_equal(nv.err, "");
  TuRan bad = tu_run_env(NULL, "sweep", sc, "--progress=sometimes", NULL);
  assert_int_equal(bad.status, 2);
  assert_non_null(strstr(bad.err, "--progress"));
  tu_ran_clear(&q), tu_ran_clear(&a), tu_ran_clear(&nv), tu_ran_clear(&bad);
}

/* JSONL axis values have their key's type; a CSV starts with its header row. */
static void test_typed_values(void **state) {
  TuRan j = tu_run_env(NULL, "sweep", "scenarios/sweeps/skl-policies.yaml", "--shard=39/40", NULL);
  assert_int_equal(j.status, 0);
  assert_non_null(strstr(j.out, "\"cpus\": 112, \"x86.tsc_reliable\": true, \"policy\": \"deferred:8\","));
  g_auto(GStrv) lines = g_strsplit(j.out, "\n", -1);
  g_autoptr(SimJson) head = sim_json_parse(lines[0], strlen(lines[0]), NULL);
  assert_non_null(head);
  const char *hash = sim_json_get_str(head, "sweep_hash");
  assert_non_null(hash);
  assert_int_equal(strlen(hash), 16);
  tu_ran_clear(&j);
}

/* explore --format=json: the same ranking as the text */
static void test_explore_json(void **state) {
  TuRan t = tu_run_env(NULL, "explore", "--runs=3", "--top=3", NULL);
  TuRan j = tu_run_env(NULL, "explore", "--runs=3", "--top=3", "--format=json", NULL);
  assert_int_equal(t.status, 0);
  assert_int_equal(j.status, 0);
  g_autoptr(GError) err = NULL;
  g_autoptr(SimJson) doc = sim_json_parse(j.out, strlen(j.out), &err);
  if (!doc) fail_msg("%s", err->message);
  const SimJson *best = sim_json_get(doc, "best");
  assert_non_null(best);
  assert_int_equal(best->items->len, 3);
  const char *first = sim_json_get_str(best->items->pdata[0], "policy");
  g_autofree char *row = g_strdup_printf("\n1    %s ", first);
  assert_non_null(strstr(t.out, row));
  int64_t mean;
  assert_true(sim_json_int(sim_json_get(best->items->pdata[0], "bringup_mean_ns"), &mean));
  g_autofree char *ms = g_strdup_printf(" %.3f ", (double)mean / 1e6);
  assert_non_null(strstr(strstr(t.out, row), ms));
  tu_ran_clear(&t), tu_ran_clear(&j);
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
      cmocka_unit_test(test_merge_identity),
      cmocka_unit_test(test_resume),
      cmocka_unit_test(test_rows_stream),
      cmocka_unit_test(test_progress),
      cmocka_unit_test(test_typed_values),
      cmocka_unit_test(test_explore_json),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
