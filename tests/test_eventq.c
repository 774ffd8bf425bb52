/* test_eventq.c — (time, seq) order, FIFO ties, the zero-delay lane, the engine loop. */
#include "tests/testutil.h"

#include "sim/engine.h"
#include "sim/eventq.h"
#include "sim/resource.h"

static void test_heap_orders_by_time_then_seq(void **state) {
  g_autoptr(SimEventQ) q = sim_eventq_new();
  /* pseudo-random times with many ties; seq = insertion order */
  uint64_t x = 12345;
  for (uint64_t i = 0; i < 20000; i++) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    SimEvent ev = {.time = (int64_t)((x >> 33) % 500), .seq = i};
    sim_eventq_push(q, &ev);
  }
  SimEvent prev = {.time = -1}, ev;
  gsize n = 0;
  while (sim_eventq_pop(q, &ev)) {
    assert_true(ev.time > prev.time || (ev.time == prev.time && ev.seq > prev.seq));
    prev = ev;
    n++;
  }
  assert_int_equal(n, 20000);
}

static void test_fifo_lane_merges_with_heap(void **state) {
  g_autoptr(SimEventQ) q = sim_eventq_new();
  SimEvent a = {.time = 5, .seq = 1}, b = {.time = 5, .seq = 3}, c = {.time = 5, .seq = 2},
           d = {.time = 4, .seq = 4};
  sim_eventq_push(q, &a);
  sim_eventq_push(q, &b);
  sim_eventq_push_fifo(q, &c); /* same time: must come out between seq 1 and seq 3 */
  sim_eventq_push(q, &d);
  uint64_t want[] = {4, 1, 2, 3};
  for (int i = 0; i < 4; i++) {
    SimEvent ev;
    assert_true(sim_eventq_pop(q, &ev));
    assert_int_equal(ev.seq, want[i]);
  }
  SimEvent ev;
  assert_false(sim_eventq_pop(q, &ev));
}

static void test_fifo_lane_grows_in_order(void **state) {
  g_autoptr(SimEventQ) q = sim_eventq_new();
  for (uint64_t i = 0; i < 1000; i++) {
    SimEvent ev = {.time = 7, .seq = i};
    sim_eventq_push_fifo(q, &ev);
    if (i % 3 == 0) { /* interleave pops so the ring wraps before it grows */
      SimEvent out;
      assert_true(sim_eventq_pop(q, &out));
    }
  }
  SimEvent prev = {.seq = 0}, ev;
  gboolean first = TRUE;
  while (sim_eventq_pop(q, &ev)) {
    if (!first) assert_true(ev.seq > prev.seq);
    first = FALSE;
    prev = ev;
  }
  assert_int_equal(sim_eventq_size(q), 0);
}

typedef struct {
  SimEngine *e;
  GString *log;
} Ctx;

static void h_log(void *ctx, uint64_t arg) {
  Ctx *c = ctx;
  g_string_append_printf(c->log, "%" G_GINT64_FORMAT ":%c ", sim_engine_now(c->e), (char)arg);
  if (arg == 'a') sim_engine_schedule(c->e, 0, h_log, c, 'z'); /* zero delay from a handler */
}

static void test_engine_same_time_is_fifo(void **state) {
  g_autoptr(SimEngine) e = sim_engine_new();
  Ctx c = {e, g_string_new(NULL)};
  sim_engine_schedule(e, 10, h_log, &c, 'a');
  sim_engine_schedule(e, 10, h_log, &c, 'b');
  sim_engine_schedule(e, 5, h_log, &c, 'c');
  sim_engine_schedule(e, 20, h_log, &c, 'd');
  assert_int_equal(sim_engine_run(e, 15), 4);
  /* 'z' was scheduled at 10 after 'b' was queued: it runs after 'b' */
  assert_string_equal(c.log->str, "5:c 10:a 10:b 10:z ");
  assert_int_equal(sim_engine_pending(e), 1);
  sim_engine_run(e, INT64_MAX);
  assert_string_equal(c.log->str, "5:c 10:a 10:b 10:z 20:d ");
  assert_int_equal(sim_engine_events_run(e), 5);
  g_string_free(c.log, TRUE);
}

static void h_lock(void *ctx, uint64_t arg) {
  Ctx *c = ctx;
  g_string_append_printf(c->log, "%" G_GINT64_FORMAT ":%c ", sim_engine_now(c->e), (char)arg);
}

static void test_lock_is_fifo(void **state) {
  g_autoptr(SimEngine) e = sim_engine_new();
  g_autoptr(SimLock) l = sim_lock_new(e);
  Ctx c = {e, g_string_new(NULL)};
  sim_lock_acquire(l, h_lock, &c, 'a');
  sim_lock_acquire(l, h_lock, &c, 'b');
  sim_lock_acquire(l, h_lock, &c, 'c');
  sim_engine_run(e, INT64_MAX);
  assert_string_equal(c.log->str, "0:a ");
  sim_lock_release(l); /* to b */
  sim_engine_run(e, INT64_MAX);
  sim_lock_release(l); /* to c */
  sim_engine_run(e, INT64_MAX);
  assert_string_equal(c.log->str, "0:a 0:b 0:c ");
  assert_true(sim_lock_held(l));
  sim_lock_release(l);
  assert_false(sim_lock_held(l));
  g_string_free(c.log, TRUE);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_heap_orders_by_time_then_seq),
      cmocka_unit_test(test_fifo_lane_merges_with_heap),
      cmocka_unit_test(test_fifo_lane_grows_in_order),
      cmocka_unit_test(test_engine_same_time_is_fifo),
      cmocka_unit_test(test_lock_is_fifo),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
