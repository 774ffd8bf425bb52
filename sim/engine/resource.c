/* resource.c — FIFO lock. */
#include "sim/engine/resource.h"

typedef struct {
  SimHandler fn;
  void *ctx;
  uint64_t arg;
  int64_t since;
} Waiter;

struct _SimLock {
  SimEngine *e;
  gboolean held;
  GQueue waiters; /* of Waiter* */
  int64_t wait_ns;
};

SimLock *sim_lock_new(SimEngine *e) {
  SimLock *l = g_new0(SimLock, 1);
  l->e = e;
  g_queue_init(&l->waiters);
  return l;
}

void sim_lock_free(SimLock *l) {
  if (!l) return;
  g_queue_clear_full(&l->waiters, g_free);
  g_free(l);
}

void sim_lock_acquire(SimLock *l, SimHandler fn, void *ctx, uint64_t arg) {
  if (!l->held) {
    l->held = TRUE;
    sim_engine_schedule(l->e, 0, fn, ctx, arg);
    return;
  }
  Waiter *w = g_new(Waiter, 1);
  *w = (Waiter){fn, ctx, arg, sim_engine_now(l->e)};
  g_queue_push_tail(&l->waiters, w);
}

gboolean sim_lock_try_acquire(SimLock *l) {
  if (l->held) return FALSE;
  l->held = TRUE;
  return TRUE;
}

void sim_lock_release(SimLock *l) {
  g_assert(l->held);
  g_autofree Waiter *w = g_queue_pop_head(&l->waiters);
  if (!w) {
    l->held = FALSE;
    return;
  }
  l->wait_ns += sim_engine_now(l->e) - w->since;
  sim_engine_schedule(l->e, 0, w->fn, w->ctx, w->arg);
}

gboolean sim_lock_held(const SimLock *l) { return l->held; }
int64_t sim_lock_wait_ns(const SimLock *l) { return l->wait_ns; }
