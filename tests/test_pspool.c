/* test_pspool.c — sim/engine/pspool.c, processor sharing: completion times, the host time taken, and
 * the time clients wanted a host CPU and did not get one (what a hypervisor's IRQ exits carry). */
#include "tests/testutil.h"

#include <math.h>

#include "sim/engine/pspool.h"

typedef struct {
  SimEngine *e;
  int64_t done[4];
} Fixture;

static void ev_done(void *ctx, uint64_t c) {
  Fixture *f = ctx;
  f->done[c] = sim_engine_now(f->e);
}

static void assert_ns(double got, double want) {
  if (fabs(got - want) > 1.0) fail_msg("got %.1f ns, want %.1f", got, want);
}

/* Two 10 ms items on one host CPU: each gets half, both end at 20 ms; each wanted the CPU for
 * 20 ms and had it for 10, so 20 ms of waiting in all. */
static void test_two_workers_one_server(void **state) {
  g_autoptr(SimEngine) e = sim_engine_new();
  g_autoptr(SimPsPool) p = sim_ps_pool_new(e, 1, 2);
  Fixture f = {.e = e};
  sim_ps_work(p, 0, 10000000, ev_done, &f, 0);
  sim_ps_work(p, 1, 10000000, ev_done, &f, 1);
  sim_engine_run(e, INT64_MAX);
  assert_int_equal(f.done[0], 20000000);
  assert_int_equal(f.done[1], 20000000);
  assert_ns(sim_ps_busy_ns(p), 20000000);
  assert_ns(sim_ps_wait_ns(p), 20000000);
  assert_ns(sim_ps_spin_ns(p), 0);
}

/* Enough host CPUs: nobody waits. */
static void test_no_contention(void **state) {
  g_autoptr(SimEngine) e = sim_engine_new();
  g_autoptr(SimPsPool) p = sim_ps_pool_new(e, 2, 2);
  Fixture f = {.e = e};
  sim_ps_work(p, 0, 10000000, ev_done, &f, 0);
  sim_ps_work(p, 1, 4000000, ev_done, &f, 1);
  sim_engine_run(e, INT64_MAX);
  assert_int_equal(f.done[0], 10000000);
  assert_int_equal(f.done[1], 4000000);
  assert_ns(sim_ps_wait_ns(p), 0);
  assert_ns(sim_ps_busy_ns(p), 14000000);
}

/* A spinner (load 1) joins 5 ms into a 10 ms item on one CPU and stops when the item is done:
 * the item's last 5 ms take 10, during which each of the two waits 5 ms. */
static void ev_spin_on(void *ctx, uint64_t c) {
  SimPsPool *p = ctx;
  sim_ps_set_load(p, (guint)c, 1.0);
}

static void test_spinner_joins(void **state) {
  g_autoptr(SimEngine) e = sim_engine_new();
  g_autoptr(SimPsPool) p = sim_ps_pool_new(e, 1, 2);
  Fixture f = {.e = e};
  sim_ps_work(p, 0, 10000000, ev_done, &f, 0);
  sim_engine_schedule(e, 5000000, ev_spin_on, p, 1);
  sim_engine_run(e, INT64_MAX);
  assert_int_equal(f.done[0], 15000000);
  sim_ps_set_load(p, 1, 0); /* at 15 ms */
  assert_ns(sim_ps_spin_ns(p), 5000000);
  assert_ns(sim_ps_busy_ns(p), 15000000);
  assert_ns(sim_ps_wait_ns(p), 10000000);
}

/* Three idle clients of load 0.1 beside one 7 ms item on one CPU: processor sharing gives the
 * item 1 / 1.3 of the CPU (9.1 ms), the share law 1 - 0.3 of it (10 ms); two items under the
 * share law split the 0.7 left (20 ms each). */
static void test_share_law(void **state) {
  for (int share = 0; share <= 1; share++) {
    g_autoptr(SimEngine) e = sim_engine_new();
    g_autoptr(SimPsPool) p = sim_ps_pool_new(e, 1, 4);
    if (share) sim_ps_set_share_law(p, TRUE);
    Fixture f = {.e = e};
    for (guint c = 1; c < 4; c++) sim_ps_set_load(p, c, 0.1);
    sim_ps_work(p, 0, 7000000, ev_done, &f, 0);
    sim_engine_run(e, INT64_MAX);
    assert_int_equal(f.done[0], share ? 10000000 : 9100000);
  }
  g_autoptr(SimEngine) e = sim_engine_new();
  g_autoptr(SimPsPool) p = sim_ps_pool_new(e, 1, 4);
  sim_ps_set_share_law(p, TRUE);
  Fixture f = {.e = e};
  for (guint c = 2; c < 4; c++) sim_ps_set_load(p, c, 0.15);
  sim_ps_work(p, 0, 7000000, ev_done, &f, 0);
  sim_ps_work(p, 1, 7000000, ev_done, &f, 1);
  sim_engine_run(e, INT64_MAX);
  assert_int_equal(f.done[0], 20000000);
  assert_int_equal(f.done[1], 20000000);
}

/* Past the pool: 150 idle clients of 1 % each would take 1.5 servers of 1. Each is backlogged and
 * shares the server like the worker, so a 1 ms item takes 151 ms; with 50 of them the law holds
 * (1 ms / 0.5 = 2 ms). */
static void test_share_law_backlogged(void **state) {
  (void)state;
  static const guint idle[] = {50, 150};
  static const int64_t want[] = {2000000, 151000000};
  for (guint k = 0; k < G_N_ELEMENTS(idle); k++) {
    g_autoptr(SimEngine) e = sim_engine_new();
    g_autoptr(SimPsPool) p = sim_ps_pool_new(e, 1, idle[k] + 1);
    sim_ps_set_share_law(p, TRUE);
    Fixture f = {.e = e};
    for (guint c = 1; c <= idle[k]; c++) sim_ps_set_load(p, c, 0.01);
    sim_ps_work(p, 0, 1000000, ev_done, &f, 0);
    sim_engine_run(e, INT64_MAX);
    assert_ns(f.done[0], want[k]);
  }
}

static void ev_speed_up(void *ctx, uint64_t unused) {
  (void)unused;
  sim_ps_set_speed(ctx, 2);
}

/* A host at half speed: a 10 ms item alone takes 20 ms; the speed changes mid-item at 4 ms
 * (4 ms done at 0.5 = 2 ms of service, 8 ms left at 2x = 4 ms more): it ends at 8 ms. */
static void test_speed(void **state) {
  g_autoptr(SimEngine) e = sim_engine_new();
  g_autoptr(SimPsPool) p = sim_ps_pool_new(e, 2, 1);
  Fixture f = {.e = e};
  sim_ps_set_speed(p, 0.5);
  sim_ps_work(p, 0, 10000000, ev_done, &f, 0);
  sim_engine_run(e, INT64_MAX);
  assert_int_equal(f.done[0], 20000000);
  g_autoptr(SimEngine) e2 = sim_engine_new();
  g_autoptr(SimPsPool) p2 = sim_ps_pool_new(e2, 2, 1);
  Fixture f2 = {.e = e2};
  sim_ps_set_speed(p2, 0.5);
  sim_ps_work(p2, 0, 10000000, ev_done, &f2, 0);
  sim_engine_schedule(e2, 4000000, ev_speed_up, p2, 0);
  sim_engine_run(e2, INT64_MAX);
  assert_int_equal(f2.done[0], 8000000);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_two_workers_one_server), cmocka_unit_test(test_no_contention),
                                     cmocka_unit_test(test_spinner_joins), cmocka_unit_test(test_share_law),
                                     cmocka_unit_test(test_share_law_backlogged),
                                     cmocka_unit_test(test_speed)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
