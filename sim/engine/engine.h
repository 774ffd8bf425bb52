/* engine.h — the discrete-event engine: a virtual clock in integer nanoseconds and a run loop.
 *
 * Contract: handlers run one at a time in (time, insertion) order; a handler may schedule more
 * events at or after now. Nothing here knows about CPUs. There is no cancel: a model that may
 * abandon a timer keeps a generation token and lets the stale handler return early. */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "sim/engine/eventq.h"

typedef struct _SimEngine SimEngine;

/* The clock, the first member of every engine, visible only so that sim_engine_now() and
 * sim_engine_advance(), a few times per callback of a bringup, are inlined into their callers
 * (each is a few instructions: a call would cost more). Nothing outside engine.c and the inlines
 * below touches it. */
typedef struct {
  int64_t now;
  uint64_t events_run;
  int64_t limit;        /* the latest time sim_engine_advance() may move to: before the earliest
                           pending event, not past the run's `until`; INT64_MIN when not running
                           or stopped. A push can only lower it, a pop invalidates it. */
  gboolean limit_valid;
} SimEngineClock;

SimEngine *sim_engine_new(void);
void sim_engine_free(SimEngine *e);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimEngine, sim_engine_free)

static inline int64_t sim_engine_now(const SimEngine *e) { return ((const SimEngineClock *)e)->now; }
/* Runs fn(ctx, arg) `delay` ns from now (delay >= 0; 0 = the FIFO lane). */
void sim_engine_schedule(SimEngine *e, int64_t delay, SimHandler fn, void *ctx, uint64_t arg);
/* Runs until no event is left, sim_engine_stop() is called, or the next event lies beyond
 * `until` (which then stays queued). Returns the number of events run by this call. */
uint64_t sim_engine_run(SimEngine *e, int64_t until);
/* Inline dispatch, for a handler about to schedule its own continuation `delay` ns from now:
 * if that event would be the next to run — every pending event is strictly later, the run is
 * not stopped and the time is within its `until` — the clock moves to it, it counts as run, and
 * TRUE tells the caller to do the continuation's work itself (in a loop, or by a call whose
 * nesting the caller bounds: the C stack must not grow with the run).
 * Nothing can happen in between, so the outcome is the one the queue would give, minus a push,
 * a pop and a dispatch. FALSE: nothing changed; schedule it. Only from inside a handler. */
gboolean sim_engine_advance_slow(SimEngine *e, int64_t delay); /* its bound not known yet */
static inline gboolean sim_engine_advance(SimEngine *e, int64_t delay) {
  SimEngineClock *c = (SimEngineClock *)e;
  int64_t t;
  g_assert(delay >= 0 && !__builtin_add_overflow(c->now, delay, &t));
  if (G_UNLIKELY(!c->limit_valid)) return sim_engine_advance_slow(e, delay);
  if (t > c->limit) return FALSE;
  c->now = t;
  c->events_run++;
  return TRUE;
}
/* The same for a run of continuations taken at once: sim_engine_horizon() is the latest time
 * sim_engine_advance() would move to (`now + delay <= horizon`; below now when it would refuse
 * everything), valid until the handler schedules an event; sim_engine_advance_to() then moves
 * the clock to t (now <= t <= horizon) and counts n events as run. Inline as the two above,
 * for the same reason. */
int64_t sim_engine_horizon_slow(SimEngine *e); /* the bound not known yet */
static inline int64_t sim_engine_horizon(SimEngine *e) {
  SimEngineClock *c = (SimEngineClock *)e;
  return G_LIKELY(c->limit_valid) ? c->limit : sim_engine_horizon_slow(e);
}
static inline void sim_engine_advance_to(SimEngine *e, int64_t t, uint64_t n) {
  SimEngineClock *c = (SimEngineClock *)e;
  g_assert(c->limit_valid && t >= c->now && t <= c->limit);
  c->now = t;
  c->events_run += n;
}
/* For tests: with FALSE, sim_engine_advance() always refuses and sim_engine_horizon() is below
 * any time, so every continuation goes through the queue. A model's results must not change. */
void sim_engine_set_inline(SimEngine *e, gboolean allowed);
void sim_engine_stop(SimEngine *e);
/* A budget: sim_engine_run() stops before dispatching an event once this many have run in all
 * (0: none), and sim_engine_exhausted() then says so. Turns a model's runaway into an error. */
void sim_engine_set_max_events(SimEngine *e, uint64_t max_events);
gboolean sim_engine_exhausted(const SimEngine *e);
uint64_t sim_engine_events_run(const SimEngine *e);
gsize sim_engine_pending(const SimEngine *e);
