/* eventq.h — the pending-event set of the engine.
 *
 * Contract: events leave in (time, seq) order, seq being the insertion number the engine gives,
 * so events at the same time leave in the order they were scheduled (FIFO ties). Zero-delay
 * events (time == the current time) go to a FIFO lane, O(1); events of a delay that repeats to
 * one of eight delay lanes, O(1); the rest to a flat-array 4-ary heap. An event smaller than all
 * of those waits in a one-event register instead. Pop takes the register's event, else the
 * smallest head by (time, seq). No allocation per event once the arrays have grown. Limits
 * (asserted): times >= 0, seqs below 2^40, at most 2^24 events in the heap at once. */
#pragma once

#include <glib.h>
#include <stdint.h>

typedef void (*SimHandler)(void *ctx, uint64_t arg);

typedef struct {
  int64_t time;   /* ns */
  uint64_t seq;   /* insertion sequence, unique */
  SimHandler fn;
  void *ctx;
  uint64_t arg;
} SimEvent;

typedef struct _SimEventQ SimEventQ;

SimEventQ *sim_eventq_new(void);
void sim_eventq_free(SimEventQ *q);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimEventQ, sim_eventq_free)

/* Insert of an event scheduled `delay` ns (> 0) from the clock: into that delay's lane when
 * it keeps the lane in order, else the heap. */
void sim_eventq_push_delay(SimEventQ *q, const SimEvent *ev, int64_t delay);
/* Insert with no delay known (a put-back): the heap. */
void sim_eventq_push(SimEventQ *q, const SimEvent *ev);
/* FIFO-lane insert: ev->time must not be earlier than anything already in the lane and its seq
 * must be larger (the engine guarantees both for zero-delay events). */
void sim_eventq_push_fifo(SimEventQ *q, const SimEvent *ev);
/* Removes the (time, seq)-smallest event into *out; FALSE when empty. */
gboolean sim_eventq_pop(SimEventQ *q, SimEvent *out);
gsize sim_eventq_size(const SimEventQ *q);
/* The earliest pending event's time; INT64_MAX when empty. */
int64_t sim_eventq_min_time(const SimEventQ *q);
