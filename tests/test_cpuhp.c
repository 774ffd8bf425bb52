/* test_cpuhp.c — the 6.12 x86_64 state table against the kernel's structure and the
 * reference traces: every state a secondary CPU passes through during boot, in that order. */
#include "tests/testutil.h"

#include "models/kernel/cpuhp.h"
#include "models/replay/replay.h"
#include "models/replay/table_edit.h"
#include "sim/output/bootlog.h"
#include "sim/output/table_diff.h"
#include "sim/output/table_yaml.h"

#include <glib/gstdio.h>
#include <unistd.h>

static const CpuhpTable *x86(void) {
  const CpuhpTable *t = cpuhp_table_lookup("x86_64", "6.12");
  assert_non_null(t);
  return t;
}

/* `states --diff` of a and b: the typed changes, as text. */
static GString *diff(const CpuhpTable *a, const CpuhpTable *b) {
  g_autoptr(GArray) changes = cpuhp_table_diff(a, b);
  GString *d = g_string_new(NULL);
  sim_table_diff_text(d, changes);
  return d;
}

static void test_table_shape(void **state) {
  const CpuhpTable *t = x86();
  g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i < t->n_steps; i++) {
    const CpuhpStep *s = &t->steps[i];
    if (i) assert_true(s->step > t->steps[i - 1].step); /* sorted, unique numbers */
    assert_false(g_hash_table_contains(names, s->name));   /* unique names */
    g_hash_table_add(names, (gpointer)s->name);
    /* sections by number, as cpuhp_is_ap_state()/cpuhp_is_atomic_state() define them */
    if (s->step <= t->bringup_cpu) assert_int_equal(s->section, CPUHP_SECTION_PREPARE);
    else if (s->step <= t->ap_online) assert_int_equal(s->section, CPUHP_SECTION_STARTING);
    else assert_int_equal(s->section, CPUHP_SECTION_ONLINE);
    /* who runs it follows from the section, except landmarks */
    if (s->runs_on == CPUHP_RUNS_NOBODY) {
      assert_null(s->startup);
      assert_int_equal(s->cost, CPUHP_COST_NONE);
    } else if (!s->startup) { /* teardown only: CPUHP_TEARDOWN_CPU, on the BP */
      assert_int_equal(s->step, t->teardown_cpu);
      assert_non_null(s->teardown);
      assert_int_equal(s->runs_on, CPUHP_RUNS_BP);
    } else {
      assert_non_null(s->startup);
      CpuhpRunner want = s->section == CPUHP_SECTION_PREPARE    ? CPUHP_RUNS_BP
                         : s->section == CPUHP_SECTION_STARTING ? CPUHP_RUNS_AP_ATOMIC
                                                                : CPUHP_RUNS_AP_THREAD;
      assert_int_equal(s->runs_on, want);
    }
  }
  assert_int_equal(t->kick_ap, 85);
  assert_int_equal(t->bringup_cpu, 86);
  assert_int_equal(t->online, 236);
  assert_string_equal(cpuhp_table_at(t, 85)->startup, "cpuhp_kick_ap_alive");
  assert_int_equal(cpuhp_table_at(t, 85)->cost, CPUHP_COST_KICK);
  assert_int_equal(cpuhp_table_at(t, 86)->cost, CPUHP_COST_BRINGUP);
  assert_true(cpuhp_table_find(t, "trace/RB:prepare")->multi_instance);
  assert_null(cpuhp_table_find(t, "no:such"));
  assert_null(cpuhp_table_lookup("x86_64", "4.19"));
  assert_non_null(strstr(cpuhp_table_known(), "x86_64/6.12"));
}

/* Every (step, callback) a secondary CPU shows in the window is an at-boot row of the table,
 * and each CPU's steps appear in table order. Returns how many events were checked. */
static guint check_trace(const char *path) {
  const CpuhpTable *t = x86();
  g_autoptr(GArray) ev = tu_read_trace(path);
  if (!ev) return 0;
  /* the dmesg and trace clocks differ by ~1 us; later dynamic states are seconds away */
  int64_t end = tu_dmesg_time(path, "smp: Brought up") + 10000000;
  assert_true(end > 10000000);
  g_autoptr(GHashTable) last = g_hash_table_new(g_direct_hash, g_direct_equal);
  guint n = 0;
  for (guint i = 0; i < ev->len; i++) {
    const CpuhpTraceEvent *r = &g_array_index(ev, CpuhpTraceEvent, i);
    if (r->cpu == 0 || r->ts > end || r->type == CPUHP_TRACE_EXIT) continue;
    const CpuhpStep *s = cpuhp_table_at(t, (guint)r->step);
    if (!s) fail_msg("%s: step %d (%s) is not in the table", path, r->step, r->fn);
    assert_string_equal(s->startup, r->fn);
    assert_true(s->at_boot);
    assert_int_equal(r->type == CPUHP_TRACE_MULTI_ENTER, s->multi_instance);
    int prev = GPOINTER_TO_INT(g_hash_table_lookup(last, GUINT_TO_POINTER(r->cpu)));
    assert_true(r->step > prev || (r->step == prev && s->multi_instance));
    g_hash_table_insert(last, GUINT_TO_POINTER(r->cpu), GINT_TO_POINTER(r->step));
    n++;
  }
  return n;
}

static void test_table_covers_reference_traces(void **state) {
  guint n = 0;
  n += check_trace("tests/data/traces/icount_4_p0_r1.txt");
  n += check_trace("tests/data/traces/icount_4_p1_r1.txt");
  n += check_trace("tests/data/traces/icount_8s1c4t2_p1_r1.txt");
  assert_true(n > 200);
  /* The whole reference set. */
  g_autoptr(GDir) d = g_dir_open("tests/data/reference/traces", 0, NULL);
  assert_non_null(d);
  guint files = 0;
  for (const char *f; (f = g_dir_read_name(d));) {
    if (!g_str_has_prefix(f, "icount_") || !g_str_has_suffix(f, ".txt.gz")) continue;
    g_autofree char *path = g_build_filename("tests/data/reference/traces", f, NULL);
    check_trace(path);
    files++;
  }
  assert_true(files >= 10);
}

/* Rows the table says run at boot are exactly the ones the traces show (plus the STARTING
 * rows and landmarks, which are never traced). */
static void test_at_boot_rows_are_seen(void **state) {
  const CpuhpTable *t = x86();
  g_autoptr(GArray) ev = tu_read_trace("tests/data/traces/icount_4_p0_r1.txt");
  assert_non_null(ev);
  for (guint i = 0; i < t->n_steps; i++) {
    const CpuhpStep *s = &t->steps[i];
    if (!s->at_boot || !s->startup || s->runs_on == CPUHP_RUNS_AP_ATOMIC) continue;
    gboolean seen = FALSE;
    for (guint k = 0; k < ev->len && !seen; k++)
      seen = g_array_index(ev, CpuhpTraceEvent, k).step == s->step;
    if (!seen) fail_msg("row %u %s is at_boot but not in the reference trace", s->step, s->name);
  }
}

/* A developer's table change in YAML: it runs, and --diff says what changed. */
static void test_yaml_table(void **state) {
  g_autoptr(GError) err = NULL;
  const CpuhpTable *t = cpuhp_table_load("tests/data/tables/foo.yaml", &err);
  if (!t) fail_msg("%s", err->message);
  assert_ptr_equal(cpuhp_table_lookup("x86_64", "6.12+foo"), t);
  assert_ptr_equal(cpuhp_table_load("tests/data/tables/foo.yaml", NULL), t); /* loaded once */
  assert_null(cpuhp_table_find(t, "relay:prepare"));
  assert_int_equal(cpuhp_table_find(t, "tmigr:prepare")->step, 39);
  const CpuhpStep *foo = cpuhp_table_find(t, "foo:prepare"), *on = cpuhp_table_find(t, "foo:online");
  assert_true(foo->step == 63 && foo->runs_on == CPUHP_RUNS_BP && on->runs_on == CPUHP_RUNS_AP_THREAD);
  for (guint i = 1; i < t->n_steps; i++) assert_true(t->steps[i].step > t->steps[i - 1].step);
  g_autoptr(GArray) changes = cpuhp_table_diff(x86(), t);
  guint kinds[4] = {0};
  for (guint i = 0; i < changes->len; i++) {
    const CpuhpTableChange *c = &g_array_index(changes, CpuhpTableChange, i);
    kinds[c->kind]++;
    assert_true(c->kind == CPUHP_TABLE_ADDED ? !c->a && c->b : c->a && (c->kind == CPUHP_TABLE_REMOVED) == !c->b);
  }
  assert_int_equal(kinds[CPUHP_TABLE_REMOVED], 1); /* relay:prepare */
  assert_int_equal(kinds[CPUHP_TABLE_MOVED], 1);   /* tmigr:prepare */
  assert_int_equal(kinds[CPUHP_TABLE_ADDED], 2);   /* foo:prepare, foo:online */
  g_autoptr(GString) d = diff(x86(), t);
  assert_non_null(strstr(d->str, "-  43 relay:prepare"));
  assert_non_null(strstr(d->str, "~ tmigr:prepare"));
  assert_non_null(strstr(d->str, "+  63 foo:prepare"));
  g_autoptr(GArray) same = cpuhp_table_diff(x86(), x86());
  assert_int_equal(same->len, 0);
  /* a profile on it: the new states run where their numbers put them */
  g_autoptr(CpuhpProfile) p = cpuhp_machine_load_file("tests/data/tables/foo-profile.yaml", NULL, &err);
  if (!p) fail_msg("%s", err->message);
  assert_string_equal(p->kernel.version, "6.12+foo");
  g_autoptr(CpuhpResult) r = tu_run(p, 1, TRUE);
  gboolean saw63 = FALSE, saw191 = FALSE, saw43 = FALSE;
  for (guint i = 0; i < r->trace->len; i++) {
    const CpuhpTraceEvent *e = &g_array_index(r->trace, CpuhpTraceEvent, i);
    saw63 |= e->step == 63 && e->exec_cpu == 0;
    saw191 |= e->step == 191 && e->exec_cpu == e->cpu;
    saw43 |= e->step == 43;
  }
  assert_true(saw63 && saw191 && !saw43);
}

static void test_yaml_table_errors(void **state) {
  static const struct {
    const char *file, *want;
  } cases[] = {
      {"bad_fixed_step.yaml", ":4:12: step 86 is one of the kernel's fixed states"},
      {"bad_remove_kick.yaml", ":3:10: remove: no removable state 'cpu:kick_ap'"},
      {"bad_base.yaml", ":1:7: no state table 'riscv/6.12'"},
      {"bad_collision.yaml", ":1:1: two states at step 40"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *path = g_build_filename("tests/data/tables", cases[i].file, NULL);
    g_autoptr(GError) err = NULL;
    assert_null(cpuhp_table_load(path, &err));
    g_autofree char *want = g_strconcat(path, cases[i].want, NULL);
    if (!g_str_has_prefix(err->message, want)) fail_msg("got %s, want %s", err->message, want);
  }
}

/* A real boot's states as a table: the reference trace is 6.12 itself; a kernel whose trace
 * shows a renamed callback and a renumbered state gives remove/add/move that load and diff. */
static char *replace(const char *text, const char *from, const char *to) {
  GString *s = g_string_new(text);
  assert_true(g_string_replace(s, from, to, 0) > 0);
  return g_string_free(s, FALSE);
}

static const CpuhpTable *table_from(const char *name, const char *text, GString *yaml) {
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpMeasured) m = sim_bootlog_measure_data(name, text, strlen(text), &err);
  if (!m) fail_msg("%s", err->message);
  g_string_truncate(yaml, 0);
  g_autoptr(CpuhpTableEdit) e = cpuhp_table_edit_from_trace(m, &err);
  if (!e) fail_msg("%s", err->message);
  sim_table_yaml_edit(yaml, e);
  g_autofree char *path = g_build_filename(g_get_tmp_dir(), "cpuhpsim-XXXXXX.yaml", NULL);
  int fd = g_mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  assert_true(g_file_set_contents(path, yaml->str, (gssize)yaml->len, NULL));
  const CpuhpTable *t = cpuhp_table_load(path, &err);
  g_unlink(path);
  if (!t) fail_msg("%s\n%s", err->message, yaml->str);
  return t;
}

static void test_table_from_trace(void **state) {
  g_autofree char *text = NULL;
  assert_true(g_file_get_contents("tests/data/traces/icount_4_p0_r1.txt", &text, NULL, NULL));
  g_autoptr(GString) yaml = g_string_new(NULL);
  const CpuhpTable *same = table_from("real.txt", text, yaml);
  assert_string_equal(same->version, "6.12+real.txt");
  assert_null(strstr(yaml->str, "remove:"));
  assert_null(strstr(yaml->str, "add:"));
  g_autoptr(GArray) none = cpuhp_table_diff(x86(), same);
  assert_int_equal(none->len, 0);
  /* the same boot from a kernel where relay became foo and hrtimers moved to 39 */
  g_autofree char *a = replace(text, "(relay_prepare_cpu)", "(foo_prepare_cpu)");
  g_autofree char *b = replace(a, "step:  40 (hrtimers", "step:  39 (hrtimers");
  g_autofree char *c = replace(b, "state:  40 step:  40", "state:  39 step:  39");
  const CpuhpTable *t = table_from("mod.txt", c, yaml);
  g_autoptr(GString) d = diff(x86(), t);
  assert_non_null(strstr(d->str, "-  43 relay:prepare"));
  assert_non_null(strstr(d->str, "+  43 foo_prepare_cpu@43"));
  assert_non_null(strstr(d->str, "~ hrtimers:prepare"));
  assert_int_equal(cpuhp_table_find(t, "hrtimers:prepare")->step, 39);
  assert_int_equal(cpuhp_table_find(t, "foo_prepare_cpu@43")->runs_on, CPUHP_RUNS_BP);
  /* the edit itself, before YAML: one of each, named as the trace shows them */
  g_autoptr(GError) merr = NULL;
  g_autoptr(CpuhpMeasured) mm = sim_bootlog_measure_data("mod.txt", c, strlen(c), &merr);
  g_autoptr(CpuhpTableEdit) edit = mm ? cpuhp_table_edit_from_trace(mm, &merr) : NULL;
  if (!edit) fail_msg("%s", merr->message);
  assert_ptr_equal(edit->base, x86());
  assert_string_equal(edit->version, "6.12+mod.txt");
  assert_int_equal(edit->removed->len, 1);
  assert_string_equal(edit->removed->pdata[0], "relay:prepare");
  assert_int_equal(edit->moved->len, 1);
  assert_string_equal(g_array_index(edit->moved, CpuhpTableMove, 0).name, "hrtimers:prepare");
  assert_int_equal(g_array_index(edit->moved, CpuhpTableMove, 0).step, 39);
  assert_int_equal(edit->added->len, 1);
  assert_string_equal(g_array_index(edit->added, CpuhpTableAdd, 0).name, "foo_prepare_cpu@43");
  assert_string_equal(g_array_index(edit->added, CpuhpTableAdd, 0).callback, "foo_prepare_cpu");
  /* bringup at a number no shipped table uses: said, not guessed */
  g_autofree char *e = replace(text, "step:  86 (cpuhp_bringup_ap)", "step:  87 (cpuhp_bringup_ap)");
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpMeasured) m = sim_bootlog_measure_data("odd.txt", e, strlen(e), &err);
  if (!m) fail_msg("%s", err->message);
  assert_null(cpuhp_table_edit_from_trace(m, &err));
  assert_non_null(strstr(err->message, "odd.txt: bringup at step 87 (kick 85): no shipped table"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_table_shape),
      cmocka_unit_test(test_table_covers_reference_traces),
      cmocka_unit_test(test_at_boot_rows_are_seen),
      cmocka_unit_test(test_yaml_table),
      cmocka_unit_test(test_yaml_table_errors),
      cmocka_unit_test(test_table_from_trace),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
