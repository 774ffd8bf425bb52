/* test_policy.c — ordering policies do what they say (checked on the simulated times, not on
 * their plans), keep the kernel's invariants, and Monte Carlo / compare are paired and exact. */
#include "tests/testutil.h"

#include "models/kernel/invariants.h"
#include "models/kernel/montecarlo.h"
#include "models/kernel/policy.h"
#include "sim/output/fingerprint.h"
#include "sim/output/stats.h"

static CpuhpResult *run_policy(const CpuhpProfile *p, const char *spec, uint64_t seed) {
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpPolicy) pol = cpuhp_policy_parse(spec, &err);
  if (!pol) fail_msg("%s", err->message);
  CpuhpRunOptions opt = {.seed = seed, .trace = TRUE, .policy = pol};
  CpuhpResult *r = cpuhp_bringup_run(p, &opt, &err);
  if (!r) fail_msg("%s", err->message);
  g_autoptr(GArray) v = cpuhp_invariants_check(p, r);
  if (v->len) fail_msg("%s: %s: %s", spec, g_array_index(v, CpuhpViolation, 0).inv->name, g_array_index(v, CpuhpViolation, 0).detail);
  return r;
}

/* `kernel` is the serial or SMT-aware parallel policy, event for event. */
static void test_kernel_is_the_kernels(void **state) {
  for (int par = 0; par <= 1; par++) {
    g_autoptr(CpuhpProfile) p = tu_profile(par ? "kernel.cpuhp_parallel=true" : "kernel.cpuhp_parallel=false", NULL);
    g_autoptr(CpuhpResult) a = run_policy(p, "kernel", 3);
    g_autoptr(CpuhpResult) b = run_policy(p, par ? "parallel-smt" : "serial", 3);
    assert_true(cpuhp_fingerprint(a) == cpuhp_fingerprint(b));
  }
}

/* waves:K never has more than K APs kicked and not yet online. */
static void test_waves_bound(void **state) {
  g_autoptr(CpuhpProfile) p = tu_profile("topology.nr_cpus=40", NULL);
  for (guint k = 1; k <= 9; k += 4) {
    g_autofree char *spec = g_strdup_printf("waves:%u", k);
    g_autoptr(CpuhpResult) r = run_policy(p, spec, 1);
    guint peak = 0;
    for (guint c = 1; c < r->n_cpus; c++) { /* at each kick, count those kicked and not online */
      guint in_flight = 0;
      for (guint d = 1; d < r->n_cpus; d++)
        in_flight += r->cpus[d].kick <= r->cpus[c].kick && r->cpus[d].online > r->cpus[c].kick;
      peak = MAX(peak, in_flight);
    }
    assert_int_equal(peak, k);
    assert_int_equal(r->cpus_online, 40);
  }
  /* bounded concurrency costs time here: the primaries' long alive waits are no longer hidden */
  g_autoptr(CpuhpResult) w1 = run_policy(p, "waves:1", 1);
  g_autoptr(CpuhpResult) par = run_policy(p, "kernel", 1);
  assert_true(w1->bringup_ns > par->bringup_ns * 3);
}

static void test_deferred(void **state) {
  g_autoptr(CpuhpProfile) p = tu_profile(NULL);
  g_autoptr(CpuhpResult) r = run_policy(p, "deferred:8", 1);
  assert_int_equal(r->cpus_online, 112);
  assert_true(r->all_online_ns > r->bringup_ns);
  const char *brought = NULL;
  for (guint i = 0; i < r->log->len; i++)
    if (g_str_has_prefix(g_array_index(r->log, CpuhpLogLine, i).text, "smp: Brought up"))
      brought = g_array_index(r->log, CpuhpLogLine, i).text;
  assert_string_equal(brought, "smp: Brought up 1 node, 8 CPUs");
  guint at_init = 0;
  for (guint c = 0; c < r->n_cpus; c++) at_init += r->cpus[c].online >= 0 && r->cpus[c].online <= r->bringup_ns;
  assert_int_equal(at_init, 8);
}

static void test_orders(void **state) {
  g_autoptr(CpuhpProfile) p = tu_profile("topology.numa_nodes=4", NULL);
  g_autoptr(CpuhpResult) numa = run_policy(p, "numa-first", 1);
  g_autoptr(CpuhpResult) sock = run_policy(p, "socket-interleaved", 1);
  /* kick order by node within the primaries; alternating packages for socket-interleaved */
  for (guint c = 1; c < 56; c++)
    for (guint d = 1; d < 56; d++)
      if (numa->cpus[c].node < numa->cpus[d].node) assert_true(numa->cpus[c].kick < numa->cpus[d].kick);
  assert_true(sock->cpus[28].kick < sock->cpus[2].kick); /* core 0 of socket 1 before core 2 of socket 0 */
  assert_true(sock->cpus[1].kick < sock->cpus[29].kick);
  g_autoptr(CpuhpProfile) q = tu_profile("topology.nr_cpus=5", NULL);
  g_autoptr(CpuhpResult) o = run_policy(q, "order:4,2,3,1", 1);
  assert_true(o->cpus[4].kick < o->cpus[2].kick && o->cpus[2].kick < o->cpus[3].kick && o->cpus[3].kick < o->cpus[1].kick);
}

static void test_policy_errors(void **state) {
  static const char *const bad[] = {"fastest", "waves", "waves:0", "waves:x", "serial:3", "order:1,x", "deferred:"};
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) err = NULL;
    g_autoptr(CpuhpPolicy) pol = cpuhp_policy_parse(bad[i], &err);
    assert_null(pol);
    assert_non_null(strstr(err->message, bad[i]));
  }
  g_autoptr(CpuhpProfile) p = tu_profile("topology.nr_cpus=4", NULL);
  static const char *const unplannable[] = {"order:1,2", "order:1,2,2,3", "order:0,1,2,3", "order:1,2,3,9"};
  for (guint i = 0; i < G_N_ELEMENTS(unplannable); i++) {
    g_autoptr(GError) err = NULL;
    g_autoptr(CpuhpPolicy) pol = cpuhp_policy_parse(unplannable[i], &err);
    assert_non_null(pol);
    CpuhpRunOptions opt = {.seed = 1, .policy = pol};
    g_autoptr(CpuhpResult) r = cpuhp_bringup_run(p, &opt, &err);
    assert_null(r);
    assert_non_null(err);
  }
}

/* Every policy `cpuhpsim policies` lists is one --policy accepts, with the parameter it shows. */
static void test_listed_policies_parse(void **state) {
  const CpuhpPolicyInfo *k;
  guint n = 0;
  for (; (k = cpuhp_policy_nth(n)); n++) {
    assert_true(k->name && *k->name && k->meaning && *k->meaning);
    g_autofree char *spec = k->param ? g_strdup_printf("%s:%s", k->name, g_str_equal(k->param, "K") ? "2" : "1,2") : g_strdup(k->name);
    g_autoptr(GError) err = NULL;
    g_autoptr(CpuhpPolicy) pol = cpuhp_policy_parse(spec, &err);
    if (!pol) fail_msg("%s: %s", spec, err->message);
    g_autoptr(CpuhpPolicy) bare = k->param ? cpuhp_policy_parse(k->name, NULL) : NULL;
    assert_null(bare); /* a parameter it shows is one it needs */
  }
  assert_int_equal(n, 9);
}

static void test_stats(void **state) {
  int64_t v[] = {5, 1, 4, 2, 3, 10, 9, 8, 7, 6};
  SimStats s;
  sim_stats_compute(v, 10, &s);
  assert_true(s.mean == 5.5 && s.min == 1 && s.max == 10 && s.p50 == 5 && s.p90 == 9 && s.p99 == 10);
  int64_t a[] = {10, 12, 14}, b[] = {9, 11, 13};
  double m, ci;
  sim_stats_paired_diff(a, b, 3, &m, &ci);
  assert_true(m == 1.0 && ci == 0.0);
}

/* Common random numbers: the same policy twice differs by exactly 0; serial vs parallel on
 * the seed machine differs by ~760 ms with a narrow interval. */
static void test_monte_carlo_pairs(void **state) {
  g_autoptr(CpuhpProfile) p = tu_profile(NULL);
  g_autoptr(CpuhpPolicy) ser = cpuhp_policy_parse("serial", NULL), par = cpuhp_policy_parse("kernel", NULL);
  CpuhpRunOptions o1 = {.seed = 7, .policy = ser}, o2 = {.seed = 7, .policy = par};
  g_autoptr(CpuhpSamples) a = cpuhp_mc_run(p, &o1, 30, NULL), b = cpuhp_mc_run(p, &o1, 30, NULL),
                          c = cpuhp_mc_run(p, &o2, 30, NULL);
  double m, ci;
  sim_stats_paired_diff(a->values[CPUHP_METRIC_BRINGUP], b->values[CPUHP_METRIC_BRINGUP], 30, &m, &ci);
  assert_true(m == 0 && ci == 0);
  sim_stats_paired_diff(a->values[CPUHP_METRIC_BRINGUP], c->values[CPUHP_METRIC_BRINGUP], 30, &m, &ci);
  assert_true(m > 600e6 && ci < 10e6);
  for (guint i = 1; i < 30; i++) /* seeds reach the draws */
    if (a->values[CPUHP_METRIC_BRINGUP][i] != a->values[CPUHP_METRIC_BRINGUP][0]) return;
  fail_msg("all serial runs identical: the seed does not vary the hardware");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_kernel_is_the_kernels), cmocka_unit_test(test_waves_bound),
      cmocka_unit_test(test_deferred),              cmocka_unit_test(test_orders),
      cmocka_unit_test(test_policy_errors),         cmocka_unit_test(test_stats),
      cmocka_unit_test(test_monte_carlo_pairs),     cmocka_unit_test(test_listed_policies_parse),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
