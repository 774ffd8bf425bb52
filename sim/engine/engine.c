/* engine.c — clock + queue + loop. */
#include "sim/engine/engine.h"

struct _SimEngine {
  SimEngineClock clock; /* first: the inline sim_engine_advance() reads it through the cast */
  SimEventQ *q;
  uint64_t next_seq;
  int64_t until; /* of the running sim_engine_run() */
  gboolean no_inline; /* sim_engine_set_inline(FALSE) */
  gboolean stop;
  uint64_t max_events; /* 0: none */
  gboolean exhausted;
};

SimEngine *sim_engine_new(void) {
  SimEngine *e = g_new0(SimEngine, 1);
  e->q = sim_eventq_new();
  e->clock.limit = INT64_MIN; /* not running: sim_engine_advance() refuses */
  e->clock.limit_valid = TRUE;
  return e;
}

void sim_engine_free(SimEngine *e) {
  if (!e) return;
  sim_eventq_free(e->q);
  g_free(e);
}

void sim_engine_schedule(SimEngine *e, int64_t delay, SimHandler fn, void *ctx, uint64_t arg) {
  g_assert(delay >= 0 && delay <= INT64_MAX - e->clock.now);
  SimEvent ev = {.time = e->clock.now + delay, .seq = e->next_seq++, .fn = fn, .ctx = ctx, .arg = arg};
  if (ev.time <= e->clock.limit) e->clock.limit = ev.time - 1;
  if (delay == 0)
    sim_eventq_push_fifo(e->q, &ev);
  else
    sim_eventq_push_delay(e->q, &ev, delay);
}

uint64_t sim_engine_run(SimEngine *e, int64_t until) {
  uint64_t ran = 0;
  SimEvent ev;
  e->stop = FALSE;
  e->until = until;
  e->clock.limit_valid = FALSE;
  while (!e->stop) {
    if (G_UNLIKELY(e->max_events && e->clock.events_run + ran >= e->max_events) &&
        sim_eventq_size(e->q)) {
      e->exhausted = TRUE;
      break;
    }
    if (!sim_eventq_pop(e->q, &ev)) break;
    e->clock.limit_valid = FALSE; /* the queue lost its head */
    if (ev.time > until) { /* put it back untouched: same time and seq */
      sim_eventq_push(e->q, &ev);
      break;
    }
    g_assert(ev.time >= e->clock.now);
    e->clock.now = ev.time;
    ev.fn(ev.ctx, ev.arg);
    ran++;
  }
  e->clock.events_run += ran;
  e->clock.limit = INT64_MIN;
  e->clock.limit_valid = TRUE;
  return ran;
}

int64_t sim_engine_horizon_slow(SimEngine *e) {
  if (e->clock.limit_valid) return e->clock.limit;
  if (e->no_inline) return INT64_MIN;
  /* Strictly before everything queued: a pending event at t has a smaller seq than the
   * continuation would get, so it would run first. Times are >= 0: no overflow. */
  e->clock.limit = MIN(sim_eventq_min_time(e->q) - 1, e->until);
  e->clock.limit_valid = TRUE;
  return e->clock.limit;
}

gboolean sim_engine_advance_slow(SimEngine *e, int64_t delay) {
  int64_t t = e->clock.now + delay; /* sim_engine_advance() checked it */
  if (t > sim_engine_horizon(e)) return FALSE;
  e->clock.now = t;
  e->clock.events_run++;
  return TRUE;
}

void sim_engine_set_inline(SimEngine *e, gboolean allowed) {
  e->no_inline = !allowed;
  e->clock.limit_valid = FALSE;
}

void sim_engine_stop(SimEngine *e) {
  e->stop = TRUE;
  e->clock.limit = INT64_MIN;
  e->clock.limit_valid = TRUE;
}
uint64_t sim_engine_events_run(const SimEngine *e) { return e->clock.events_run; }
void sim_engine_set_max_events(SimEngine *e, uint64_t max_events) { e->max_events = max_events; }
gboolean sim_engine_exhausted(const SimEngine *e) { return e->exhausted; }
gsize sim_engine_pending(const SimEngine *e) { return sim_eventq_size(e->q); }
