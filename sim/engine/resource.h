/* resource.h — a FIFO mutex in simulated time (e.g. the x86 trampoline lock tr_lock).
 *
 * Contract: acquire() runs the continuation when the lock is granted (at once, through the
 * engine's zero-delay lane, if free); release() hands the lock to the longest waiter. */
#pragma once

#include "sim/engine/engine.h"

typedef struct _SimLock SimLock;

SimLock *sim_lock_new(SimEngine *e);
void sim_lock_free(SimLock *l);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimLock, sim_lock_free)
void sim_lock_acquire(SimLock *l, SimHandler fn, void *ctx, uint64_t arg);
/* Takes the lock now if it is free (TRUE), without any event: for a caller that would otherwise
 * acquire() and have its continuation run as the next event anyway. */
gboolean sim_lock_try_acquire(SimLock *l);
void sim_lock_release(SimLock *l);
gboolean sim_lock_held(const SimLock *l);
/* Total time acquirers spent queued, ns (a contention figure for reports). */
int64_t sim_lock_wait_ns(const SimLock *l);
