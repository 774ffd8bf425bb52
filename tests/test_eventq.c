/* test_eventq.c — (time, seq) order, FIFO ties, the zero-delay lane, the engine loop. */
#include "tests/testutil.h"

#include "sim/engine/engine.h"
#include "sim/engine/eventq.h"
#include "sim/engine/resource.h"

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

static int cmp_event(gconstpointer a, gconstpointer b) {
  const SimEvent *x = a, *y = b;
  if (x->time != y->time) return x->time < y->time ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Engine-shaped traffic (pushes at or after the clock, zero-delay pushes to the lane, and the run
 * loop's put-back of a popped event with its old seq and no delay) against a sorted reference:
 * every pop must be the reference's smallest, and the earliest time must agree with it
 * throughout. Mixes near pushes, which go through the next-event register, with far ones and
 * ties. With `lanes`, pushes go through sim_eventq_push_delay() as the engine's do, with delays
 * from a small set, so that they repeat and open delay lanes (some colliding in one lane, tens
 * of events a lane so that lanes grow), mixed with random far delays, about 300 pending. */
static void check_traffic(uint64_t x, int steps, gboolean lanes) {
  static const int64_t delays[] = {3450000, 1175000, 7750000, 40, 41, 1000, 2000, 64, 5};
  g_autoptr(SimEventQ) q = sim_eventq_new();
  g_autoptr(GArray) ref = g_array_new(FALSE, FALSE, sizeof(SimEvent));
  uint64_t seq = 0;
  int64_t now = 0;
  gsize pops = 0;
  for (int i = 0; i < steps; i++) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    unsigned r = (unsigned)(x >> 40) % 16;
    if (r < 7 || (lanes && r < 10 && ref->len < 300)) {
      int64_t delay = !lanes ? (r < 3 ? (int64_t)((x >> 20) % 4) : (int64_t)((x >> 20) % 1000))
                      : r == 0 ? 0
                      : r == 1 ? (int64_t)((x >> 20) % 5000000)
                               : delays[(x >> 20) % G_N_ELEMENTS(delays)];
      SimEvent ev = {.time = now + delay, .seq = seq++};
      if (delay == 0) sim_eventq_push_fifo(q, &ev);
      else if (lanes) sim_eventq_push_delay(q, &ev, delay);
      else sim_eventq_push(q, &ev);
      g_array_append_val(ref, ev);
    } else if (ref->len > 0) {
      g_array_sort(ref, cmp_event);
      SimEvent want = g_array_index(ref, SimEvent, 0), got;
      assert_int_equal(sim_eventq_min_time(q), want.time);
      assert_true(sim_eventq_pop(q, &got));
      assert_int_equal(got.time, want.time);
      assert_int_equal(got.seq, want.seq);
      if (r == 15) { /* put back untouched, as sim_engine_run() does past `until` */
        sim_eventq_push(q, &got);
        continue;
      }
      g_array_remove_index(ref, 0);
      now = got.time;
      pops++;
    }
    assert_int_equal(sim_eventq_size(q), ref->len);
  }
  assert_true(pops > 50000);
  SimEvent ev;
  while (sim_eventq_pop(q, &ev)) pops++;
  assert_int_equal(sim_eventq_min_time(q), INT64_MAX);
}

static void test_random_traffic_matches_sorted_reference(void **state) { check_traffic(99, 200000, FALSE); }

static void test_delay_lanes_match_sorted_reference(void **state) { check_traffic(7, 300000, TRUE); }

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

static void h_lock(void *ctx, uint64_t arg);

/* An event that reschedules itself forever (same time, or 1 ns on): a runaway. */
static void h_forever(void *ctx, uint64_t arg) {
  SimEngine *e = ctx;
  sim_engine_schedule(e, (int64_t)arg, h_forever, e, arg);
}

static void test_engine_max_events_stops_a_runaway(void **state) {
  for (uint64_t delay = 0; delay < 2; delay++) {
    g_autoptr(SimEngine) e = sim_engine_new();
    sim_engine_set_max_events(e, 1000);
    sim_engine_schedule(e, 0, h_forever, e, delay);
    assert_int_equal(sim_engine_run(e, INT64_MAX), 1000);
    assert_true(sim_engine_exhausted(e));
    assert_int_equal(sim_engine_pending(e), 1);
  }
  /* a run that ends exactly at its budget is not exhausted */
  g_autoptr(SimEngine) e = sim_engine_new();
  sim_engine_set_max_events(e, 2);
  Ctx c = {e, g_string_new(NULL)};
  sim_engine_schedule(e, 1, h_lock, &c, 'a');
  sim_engine_schedule(e, 2, h_lock, &c, 'b');
  assert_int_equal(sim_engine_run(e, INT64_MAX), 2);
  assert_false(sim_engine_exhausted(e));
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

/* Chains of steps on a few "CPUs" among background events, run once by scheduling every step
 * and once with sim_engine_advance() taking the steps it can inline: the same log, the same
 * number of events, and some steps really went inline. */
typedef struct {
  SimEngine *e;
  GString *log;
  int use_advance; /* 0: schedule every step; 1: sim_engine_advance(); 2: the horizon; 3: as 1,
                      with inline turned off (sim_engine_set_inline) */
  guint left[4];
  uint64_t rng;
  guint inlined;
} Chain;

static int64_t chain_delay(Chain *c) {
  c->rng = c->rng * 6364136223846793005ULL + 1442695040888963407ULL;
  return (int64_t)((c->rng >> 33) % 7); /* small: ties with other chains are common */
}

static void h_chain(void *ctx, uint64_t cpu) {
  Chain *c = ctx;
  for (;;) {
    g_string_append_printf(c->log, "%" G_GINT64_FORMAT ":%u ", sim_engine_now(c->e), (guint)cpu);
    if (c->left[cpu] == 0) return;
    c->left[cpu]--;
    int64_t d = chain_delay(c);
    if (c->use_advance == 2) { /* as many steps as fit before the horizon, at once */
      int64_t t = sim_engine_now(c->e), horizon = sim_engine_horizon(c->e);
      guint n = 0;
      gboolean ended = FALSE;
      while (!ended && t + d <= horizon) {
        t += d, n++;
        g_string_append_printf(c->log, "%" G_GINT64_FORMAT ":%u ", t, (guint)cpu);
        if (c->left[cpu] == 0) ended = TRUE;
        else c->left[cpu]--, d = chain_delay(c);
      }
      if (n) sim_engine_advance_to(c->e, t, n);
      c->inlined += n;
      if (ended) return;
    } else if (c->use_advance && sim_engine_advance(c->e, d)) { /* 1, 3 */
      c->inlined++;
      continue;
    }
    sim_engine_schedule(c->e, d, h_chain, c, cpu);
    return;
  }
}

static void h_mark(void *ctx, uint64_t arg) {
  Chain *c = ctx;
  g_string_append_printf(c->log, "%" G_GINT64_FORMAT ":m%u ", sim_engine_now(c->e), (guint)arg);
}

static char *run_chains(int use_advance, uint64_t *events, guint *inlined) {
  g_autoptr(SimEngine) e = sim_engine_new();
  Chain c = {.e = e, .log = g_string_new(NULL), .use_advance = use_advance, .rng = 42};
  if (use_advance == 3) sim_engine_set_inline(e, FALSE);
  for (guint cpu = 0; cpu < 4; cpu++) {
    c.left[cpu] = 200 + 50 * cpu;
    sim_engine_schedule(e, cpu, h_chain, &c, cpu);
  }
  for (guint k = 0; k < 100; k++) sim_engine_schedule(e, 3 * k + (k % 5), h_mark, &c, k);
  sim_engine_run(e, INT64_MAX);
  *events = sim_engine_events_run(e);
  *inlined = c.inlined;
  return g_string_free(c.log, FALSE);
}

static void test_engine_advance_same_as_queue(void **state) {
  uint64_t ev_q, ev_a;
  guint in_q, in_a;
  g_autofree char *q = run_chains(0, &ev_q, &in_q);
  g_autofree char *a = run_chains(1, &ev_a, &in_a);
  uint64_t ev_n;
  guint in_n;
  g_autofree char *n = run_chains(3, &ev_n, &in_n); /* advance() with inline turned off */
  assert_string_equal(n, q);
  assert_int_equal(ev_n, ev_q);
  assert_int_equal(in_n, 0);
  assert_string_equal(a, q);
  assert_int_equal(ev_a, ev_q);
  assert_int_equal(in_q, 0);
  assert_true(in_a > 100);
  uint64_t ev_h;
  guint in_h;
  g_autofree char *h = run_chains(2, &ev_h, &in_h);
  assert_string_equal(h, q);
  assert_int_equal(ev_h, ev_q);
  assert_int_equal(in_h, in_a);
}

static void h_advance_probe(void *ctx, uint64_t arg) {
  Ctx *c = ctx;
  /* a pending event at 10 (seq before ours) must run first; 9 is free; past `until` (15) not */
  gboolean at10 = sim_engine_advance(c->e, 10 - sim_engine_now(c->e));
  gboolean at9 = sim_engine_advance(c->e, 9 - sim_engine_now(c->e));
  gboolean past = sim_engine_advance(c->e, 16 - sim_engine_now(c->e));
  g_string_append_printf(c->log, "%d%d%d@%" G_GINT64_FORMAT " ", at10, at9, past, sim_engine_now(c->e));
  sim_engine_stop(c->e);
  g_string_append_printf(c->log, "stopped:%d ", sim_engine_advance(c->e, 0));
}

static void test_engine_advance_refuses(void **state) {
  g_autoptr(SimEngine) e = sim_engine_new();
  Ctx c = {e, g_string_new(NULL)};
  assert_false(sim_engine_advance(e, 0)); /* not running */
  sim_engine_schedule(e, 2, h_advance_probe, &c, 0);
  sim_engine_schedule(e, 10, h_log, &c, 'x');
  assert_int_equal(sim_engine_run(e, 15), 1);
  assert_string_equal(c.log->str, "010@9 stopped:0 ");
  assert_int_equal(sim_engine_events_run(e), 2); /* the probe and the step it took inline */
  sim_engine_run(e, 15);
  assert_string_equal(c.log->str, "010@9 stopped:0 10:x ");
  assert_false(sim_engine_advance(e, 1)); /* not running again */
  g_string_free(c.log, TRUE);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_heap_orders_by_time_then_seq),
      cmocka_unit_test(test_fifo_lane_merges_with_heap),
      cmocka_unit_test(test_fifo_lane_grows_in_order),
      cmocka_unit_test(test_random_traffic_matches_sorted_reference),
      cmocka_unit_test(test_delay_lanes_match_sorted_reference),
      cmocka_unit_test(test_engine_same_time_is_fifo),
      cmocka_unit_test(test_lock_is_fifo),
      cmocka_unit_test(test_engine_advance_same_as_queue),
      cmocka_unit_test(test_engine_advance_refuses),
      cmocka_unit_test(test_engine_max_events_stops_a_runaway),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
