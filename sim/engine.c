/* engine.c — clock + queue + loop. */
#include "sim/engine.h"

struct _SimEngine {
  SimEventQ *q;
  int64_t now;
  uint64_t next_seq;
  uint64_t events_run;
  int64_t until; /* of the running sim_engine_run() */
  gboolean stop;
};

SimEngine *sim_engine_new(void) {
  SimEngine *e = g_new0(SimEngine, 1);
  e->q = sim_eventq_new();
  e->until = INT64_MIN; /* not running: sim_engine_advance() refuses */
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
  while (!e->stop && sim_eventq_pop(e->q, &ev)) {
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
  e->until = INT64_MIN;
  return ran;
}

gboolean sim_engine_advance(SimEngine *e, int64_t delay) {
  g_assert(delay >= 0 && delay <= INT64_MAX - e->now);
  int64_t t = e->now + delay;
  /* Strictly earlier than everything queued: a pending event at t has a smaller seq than the
   * continuation would get, so it would run first. */
  if (e->stop || t > e->until || sim_eventq_min_time(e->q) <= t) return FALSE;
  e->now = t;
  e->events_run++;
  return TRUE;
}

void sim_engine_stop(SimEngine *e) { e->stop = TRUE; }
uint64_t sim_engine_events_run(const SimEngine *e) { return e->events_run; }
gsize sim_engine_pending(const SimEngine *e) { return sim_eventq_size(e->q); }
