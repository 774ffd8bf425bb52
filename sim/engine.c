/* engine.c — clock + queue + loop. */
#include "sim/engine.h"

struct _SimEngine {
  SimEventQ *q;
  int64_t now;
  uint64_t next_seq;
  uint64_t events_run;
  int64_t until; /* of the running sim_engine_run() */
  /* The latest time sim_engine_advance() may move to: before the earliest pending event, not
   * past `until`; INT64_MIN when not running or stopped. Kept here so that the call (once per
   * callback) need not look into the queue: a push can only lower it, a pop invalidates it. */
  int64_t limit;
  gboolean limit_valid;
  gboolean no_inline; /* sim_engine_set_inline(FALSE) */
  gboolean stop;
};

SimEngine *sim_engine_new(void) {
  SimEngine *e = g_new0(SimEngine, 1);
  e->q = sim_eventq_new();
  e->limit = INT64_MIN; /* not running: sim_engine_advance() refuses */
  e->limit_valid = TRUE;
  return e;
}

void sim_engine_free(SimEngine *e) {
  if (!e) return;
  sim_eventq_free(e->q);
  g_free(e);
}

int64_t sim_engine_now(const SimEngine *e) { return e->now; }

void sim_engine_schedule(SimEngine *e, int64_t delay, SimHandler fn, void *ctx, uint64_t arg) {
  g_assert(delay >= 0 && delay <= INT64_MAX - e->now);
  SimEvent ev = {.time = e->now + delay, .seq = e->next_seq++, .fn = fn, .ctx = ctx, .arg = arg};
  if (ev.time <= e->limit) e->limit = ev.time - 1;
  if (delay == 0)
    sim_eventq_push_fifo(e->q, &ev);
  else
    sim_eventq_push(e->q, &ev);
}

uint64_t sim_engine_run(SimEngine *e, int64_t until) {
  uint64_t ran = 0;
  SimEvent ev;
  e->stop = FALSE;
  e->until = until;
  e->limit_valid = FALSE;
  while (!e->stop && sim_eventq_pop(e->q, &ev)) {
    e->limit_valid = FALSE; /* the queue lost its head */
    if (ev.time > until) { /* put it back untouched: same time and seq */
      sim_eventq_push(e->q, &ev);
      break;
    }
    g_assert(ev.time >= e->now);
    e->now = ev.time;
    ev.fn(ev.ctx, ev.arg);
    ran++;
  }
  e->events_run += ran;
  e->limit = INT64_MIN;
  e->limit_valid = TRUE;
  return ran;
}

int64_t sim_engine_horizon(SimEngine *e) {
  if (G_UNLIKELY(!e->limit_valid)) {
    if (e->no_inline) return INT64_MIN;
    /* Strictly before everything queued: a pending event at t has a smaller seq than the
     * continuation would get, so it would run first. Times are >= 0: no overflow. */
    e->limit = MIN(sim_eventq_min_time(e->q) - 1, e->until);
    e->limit_valid = TRUE;
  }
  return e->limit;
}

gboolean sim_engine_advance(SimEngine *e, int64_t delay) {
  int64_t t;
  g_assert(delay >= 0 && !__builtin_add_overflow(e->now, delay, &t));
  if (t > sim_engine_horizon(e)) return FALSE;
  e->now = t;
  e->events_run++;
  return TRUE;
}

void sim_engine_advance_to(SimEngine *e, int64_t t, uint64_t n) {
  g_assert(e->limit_valid && t >= e->now && t <= e->limit);
  e->now = t;
  e->events_run += n;
}

void sim_engine_set_inline(SimEngine *e, gboolean allowed) {
  e->no_inline = !allowed;
  e->limit_valid = FALSE;
}

void sim_engine_stop(SimEngine *e) {
  e->stop = TRUE;
  e->limit = INT64_MIN;
  e->limit_valid = TRUE;
}
uint64_t sim_engine_events_run(const SimEngine *e) { return e->events_run; }
gsize sim_engine_pending(const SimEngine *e) { return sim_eventq_size(e->q); }
