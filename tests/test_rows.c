/* test_rows.c — the profile's rows as a bringup walks them (models/kernel/rows.c): each run list is the
 * section's present rows with a startup callback in step order, between the run[-1] and RUN_END
 * rows; a row's cost and what a walk may take at once follow the profile. */
#include "tests/testutil.h"

#include "models/kernel/rows.h"

/* Every run list against the table read directly. */
static void assert_rows_match_table(const CpuhpProfile *p) {
  const CpuhpTable *t = cpuhp_profile_table(p);
  const CpuhpRows *r = cpuhp_profile_rows(p);
  assert_ptr_equal(r->table, t);
  for (guint sec = 0; sec < G_N_ELEMENTS(r->run); sec++) {
    const RunRow *run = r->run[sec];
    assert_int_equal(run[-1].step, 0);
    guint n = 0;
    for (guint i = 0; i < t->n_steps; i++) {
      const CpuhpStep *s = &t->steps[i];
      if (s->section != sec || !s->startup || !r->cost[i].present) continue;
      assert_int_equal(run[n].row, i);
      assert_int_equal(run[n].step, s->step);
      assert_true(run[n].step > run[(gssize)n - 1].step);
      gboolean single = s->cost == CPUHP_COST_PROFILE && r->cost[i].n_costs == 1;
      int64_t want = sec != CPUHP_SECTION_PREPARE || single ? r->cost[i].fixed_ns : -1;
      assert_int_equal(run[n].take_ns, want);
      n++;
    }
    assert_int_equal(r->n_run[sec], n);
    assert_int_equal(run[n].step, RUN_END);
    assert_true(n > 0);
  }
}

static const RowCost *row_named(const CpuhpProfile *p, const char *name) {
  const CpuhpTable *t = cpuhp_profile_table(p);
  for (guint i = 0; i < t->n_steps; i++)
    if (g_str_equal(t->steps[i].name, name)) return &cpuhp_profile_rows(p)->cost[i];
  fail_msg("no row %s", name);
  return NULL;
}

static void test_run_lists_follow_the_table(void **state) {
  (void)state;
  g_autoptr(CpuhpProfile) p = tu_profile(NULL);
  assert_rows_match_table(p);
  g_autoptr(CpuhpProfile) arm = NULL;
  g_autoptr(GError) err = NULL;
  arm = cpuhp_machine_load_file("scenarios/qemu-arm64-kvm-128.yaml", NULL, &err);
  if (!arm) fail_msg("%s", err->message);
  assert_rows_match_table(arm);
}

/* A fixed cost is taken at once; a drawn one, a per-online-CPU term, or the global ring buffer
 * (its pages are costed per CPU) is not; a per-possible-CPU term is the same for every CPU. */
static void test_fixed_cost_is_what_every_cpu_pays(void **state) {
  (void)state;
  g_autoptr(CpuhpProfile) p = tu_profile("x86.store_line_pct=0", /* no arch terms (x86_scale.h) */
                                         "states.workqueue:prepare=43us", "states.hrtimers:prepare={dist: uniform, min: 1us, max: 5us}",
                                         "states.smpcfd:prepare={cost: 16us, per_possible_cpu: 10ns}",
                                         "states.timers:prepare={cost: 3us, per_online_cpu: 10ns}",
                                         "states.perf:prepare={present: false}", NULL);
  guint n = cpuhp_profile_n_cpus(p);
  assert_int_equal(row_named(p, "workqueue:prepare")->fixed_ns, 43000);
  assert_int_equal(row_named(p, "hrtimers:prepare")->fixed_ns, -1);
  assert_int_equal(row_named(p, "smpcfd:prepare")->fixed_ns, 16000 + 10 * (int64_t)n);
  assert_int_equal(row_named(p, "timers:prepare")->fixed_ns, -1);
  assert_false(row_named(p, "perf:prepare")->present);
  assert_rows_match_table(p); /* perf:prepare left out of the PREPARE run list */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_run_lists_follow_the_table),
      cmocka_unit_test(test_fixed_cost_is_what_every_cpu_pays),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
