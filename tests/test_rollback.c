/* test_rollback.c — injected faults with the kernel's semantics (cpuN/hotplug/fail, an AP that
 * never reports alive): what is torn down, in which order, where, and what the boot does next. */
#include "tests/testutil.h"

#include <errno.h>

#include "models/kernel/cpuhp.h"

static CpuhpResult *run_with(const CpuhpProfile *p, const char *const *fails, const char *const *no_alive) {
  g_autoptr(GArray) faults = g_array_new(FALSE, FALSE, sizeof(CpuhpFault));
  for (int kind = 0; kind < 2; kind++)
    for (const char *const *s = kind ? no_alive : fails; s && *s; s++) {
      CpuhpFault f;
      g_autoptr(GError) err = NULL;
      if (!cpuhp_fault_parse(p, "--fail", *s, kind == 1, &f, &err)) fail_msg("%s", err->message);
      g_array_append_val(faults, f);
    }
  CpuhpRunOptions opt = {.seed = 1, .trace = TRUE, .faults = (CpuhpFault *)faults->data, .n_faults = faults->len};
  g_autoptr(GError) err = NULL;
  CpuhpResult *r = cpuhp_bringup_run(p, &opt, &err);
  assert_non_null(r);
  return r;
}

/* The enter events for `cpu` in trace order, as "exec:step:fn" strings. */
static GPtrArray *events_of(const CpuhpResult *r, guint cpu) {
  GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < r->trace->len; i++) {
    const CpuhpTraceEvent *e = &g_array_index(r->trace, CpuhpTraceEvent, i);
    if (e->cpu != cpu) continue;
    if (e->type == CPUHP_TRACE_EXIT) {
      if (e->ret) g_ptr_array_add(a, g_strdup_printf("%u:%d:ret=%d", e->exec_cpu, e->step, e->ret));
      continue;
    }
    g_ptr_array_add(a, g_strdup_printf("%u:%d:%s:%d", e->exec_cpu, e->step, e->fn, e->target));
  }
  return a;
}

static gboolean has(GPtrArray *a, const char *s) {
  for (guint i = 0; i < a->len; i++)
    if (g_str_equal(a->pdata[i], s)) return TRUE;
  return FALSE;
}

static gint index_of(GPtrArray *a, const char *s) {
  for (guint i = 0; i < a->len; i++)
    if (g_str_equal(a->pdata[i], s)) return (gint)i;
  return -1;
}

/* Serial: a PREPARE failure tears down exactly the completed states below it, in reverse, on
 * the BP, target OFFLINE; the failed callback itself never runs; the next CPU comes up. */
static void test_prepare_failure_serial(void **state) {
  g_autoptr(CpuhpProfile) p = tu_profile("topology.nr_cpus=4", "kernel.cpuhp_parallel=false", NULL);
  const char *const fails[] = {"2:workqueue:prepare", NULL};
  g_autoptr(CpuhpResult) r = run_with(p, fails, NULL);
  g_autoptr(GPtrArray) ev = events_of(r, 2);
  assert_false(has(ev, "0:38:workqueue_prepare_cpu:236")); /* st->fail: the callback is skipped */
  /* 37 random:prepare has no teardown; then 31, 3, 2 in that order, target 0 */
  gint a = index_of(ev, "0:31:page_alloc_cpu_dead:0"), b = index_of(ev, "0:3:x86_pmu_dead_cpu:0"),
       c = index_of(ev, "0:2:perf_event_exit_cpu:0");
  assert_true(a >= 0 && b == a + 1 && c == b + 1 && (guint)c + 1 == ev->len);
  assert_int_equal(r->cpus[2].status, CPUHP_CPU_FAILED);
  assert_int_equal(r->cpus[2].failed_step, 38);
  assert_int_equal(r->cpus[2].failed_ret, -EAGAIN);
  assert_string_equal(r->cpus[2].failure, "CPU UP failed (-11) CPU 2 state workqueue:prepare (38)");
  assert_int_equal(r->cpus[3].status, CPUHP_CPU_ONLINE);
  assert_int_equal(r->cpus_online, 3);
}

/* Parallel: a CPU that failed in the kick pass is back at OFFLINE and the online pass retries
 * it from scratch; the injected fault fires once, so it comes up. */
static void test_prepare_failure_parallel_retried(void **state) {
  g_autoptr(CpuhpProfile) p = tu_profile("topology.nr_cpus=4", "kernel.cpuhp_parallel=true", NULL);
  const char *const fails[] = {"2:smpcfd:prepare", NULL};
  g_autoptr(CpuhpResult) r = run_with(p, fails, NULL);
  g_autoptr(GPtrArray) ev = events_of(r, 2);
  gint rolled = index_of(ev, "0:2:perf_event_exit_cpu:0");
  gint again = index_of(ev, "0:1:smpboot_create_threads:236");
  assert_true(rolled >= 0 && again > rolled);
  assert_int_equal(r->cpus[2].status, CPUHP_CPU_ONLINE);
  assert_int_equal(r->cpus_online, 4);
  /* kick order: 1, 3 in the kick pass; 2 kicked again in the online pass */
  assert_true(r->cpus[2].kick > r->cpus[3].kick);
}

/* An ONLINE failure: the AP thread undoes the ONLINE states, state 86 returns the error, then
 * the BP runs takedown_cpu, finish_cpu and the PREPARE teardowns; the CPU ends offline. */
static void test_online_failure(void **state) {
  for (int par = 0; par <= 1; par++) {
    g_autoptr(CpuhpProfile) p = tu_profile("topology.nr_cpus=4", par ? "kernel.cpuhp_parallel=true"
                                                                     : "kernel.cpuhp_parallel=false", NULL);
    const char *const fails[] = {"3:workqueue:online", NULL};
    g_autoptr(CpuhpResult) r = run_with(p, fails, NULL);
    g_autoptr(GPtrArray) ev = events_of(r, 3);
    int prev = par ? 85 : 0;
    g_autofree char *park = g_strdup("3:150:smpboot_park_threads:146");
    g_autofree char *tmigr = g_strdup("3:186:tmigr_cpu_offline:146");
    g_autofree char *lockup = g_strdup("3:187:lockup_detector_offline_cpu:146");
    g_autofree char *take = g_strdup_printf("0:145:takedown_cpu:%d", prev);
    g_autofree char *finish = g_strdup_printf("0:86:finish_cpu:%d", prev);
    g_autofree char *perf = g_strdup_printf("0:2:perf_event_exit_cpu:%d", prev);
    assert_false(has(ev, "3:188:workqueue_online_cpu:236"));
    gint l = index_of(ev, lockup), t = index_of(ev, tmigr), k = index_of(ev, park), e = index_of(ev, "0:86:ret=-11"),
         tk = index_of(ev, take), f = index_of(ev, finish), pf = index_of(ev, perf);
    assert_true(l >= 0 && t > l && k > t && e > k && tk == e + 1 && f == tk + 1 && pf > f);
    assert_false(has(ev, "3:188:workqueue_offline_cpu:146")); /* the failed state is not undone */
    assert_int_equal(r->cpus[3].status, CPUHP_CPU_FAILED);
    assert_int_equal(r->cpus[3].failed_step, 188);
    assert_int_equal(r->cpus_online, 3);
  }
}

static void test_no_alive(void **state) {
  g_autoptr(CpuhpProfile) p = tu_profile("topology.nr_cpus=4", "kernel.cpuhp_parallel=true", NULL);
  const char *const na[] = {"1", NULL};
  g_autoptr(CpuhpResult) r = run_with(p, NULL, na);
  assert_int_equal(r->cpus[1].status, CPUHP_CPU_FAILED);
  assert_string_equal(r->cpus[1].failure, "failed to report alive state");
  assert_int_equal(r->cpus[1].alive, -1);
  assert_int_equal(r->cpus_online, 3);
  assert_true(r->bringup_ns >= p->kernel.alive_timeout && r->bringup_ns < p->kernel.alive_timeout + 50000000);
  g_autoptr(GPtrArray) ev = events_of(r, 1);
  assert_true(has(ev, "0:86:ret=-5"));
}

static void test_refused_like_the_kernel(void **state) {
  g_autoptr(CpuhpProfile) p = tu_profile("topology.nr_cpus=4", "states.perf/x86:prepare.present=false", NULL);
  static const struct {
    const char *spec, *why;
    gboolean no_alive;
  } bad[] = {
      {"0:1", "boot CPU", FALSE},        {"4:1", "no such CPU", FALSE},
      {"1:sched:starting", "atomic", FALSE}, {"1:90", "atomic", FALSE},
      {"1:146", "no startup callback", FALSE}, {"1:nope:prepare", "no such state", FALSE},
      {"1:perf/x86:prepare", "not present", FALSE}, {"1", "CPU:STATE", FALSE},
      {"x", "a CPU number", TRUE},       {"0", "boot CPU", TRUE},
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    CpuhpFault f;
    g_autoptr(GError) err = NULL;
    assert_false(cpuhp_fault_parse(p, "--fail", bad[i].spec, bad[i].no_alive, &f, &err));
    if (!strstr(err->message, bad[i].why)) fail_msg("%s: %s", bad[i].spec, err->message);
  }
  CpuhpFault f;
  assert_true(cpuhp_fault_parse(p, "--fail", "3:188", FALSE, &f, NULL));
  assert_int_equal(f.cpu, 3);
  assert_int_equal(f.step, 188);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_prepare_failure_serial), cmocka_unit_test(test_prepare_failure_parallel_retried),
      cmocka_unit_test(test_online_failure),         cmocka_unit_test(test_no_alive),
      cmocka_unit_test(test_refused_like_the_kernel),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
