/* pspool.h — processor sharing: clients (vCPU threads) on a pool of P servers (host CPUs).
 *
 * Contract: every client with load runs at the same rate r = min(1, P / L), L the sum of the
 * loads; a client doing work has load 1, a client spinning or in a time-bound busy loop has the
 * load the caller gives (a spinning vCPU may take less than a full share if its spin yields).
 * A work item of W ns completes once W ns of service at rate r have been given to it. Rate
 * changes are handled in virtual time (dV/dt = r), so a change costs O(clients), not O(events);
 * completions are delivered through the engine in (time, insertion) order. */
#pragma once

#include "sim/engine/engine.h"

typedef struct _SimPsPool SimPsPool;

SimPsPool *sim_ps_pool_new(SimEngine *e, double servers, guint n_clients);
void sim_ps_pool_free(SimPsPool *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimPsPool, sim_ps_pool_free)

/* Client `c` (with no work in progress) executes `work` ns of service, then fn(ctx, arg). */
void sim_ps_work(SimPsPool *p, guint c, int64_t work, SimHandler fn, void *ctx, uint64_t arg);
/* The load client `c` puts on the pool while it has no work item (0: idle). */
void sim_ps_set_load(SimPsPool *p, guint c, double load);
/* Service a client at rate 1 gets per ns (default 1): a slower or faster host CPU, or one whose
 * threads lose time to others that do not count as load. Takes effect from now. */
void sim_ps_set_speed(SimPsPool *p, double speed);
/* Share law instead: the loads of clients not working are fixed shares taken off the P servers
 * first, and the working clients share what is left, r = min(1, (P - I) / W) for idle loads I
 * and W working clients. The law of a clock that counts every client's instructions (QEMU
 * -icount), where an idle client costs the same whoever else runs. Once (P - I) / W falls below
 * P / (W + K), K the idle clients with a load, those clients cannot get their share (a tick
 * still pending when the next is due is one tick): each then takes a worker's share, and the
 * workers get P / (W + K). */
void sim_ps_set_share_law(SimPsPool *p, gboolean share);
/* Current service rate of a working client (1 when there is no contention). */
double sim_ps_rate(const SimPsPool *p);
/* Host CPU time all clients have taken so far (work, spinning, polling), ns. */
double sim_ps_busy_ns(SimPsPool *p);
/* Total host CPU time spent by clients' loads other than work (spinning), ns. */
double sim_ps_spin_ns(const SimPsPool *p);
/* Time clients wanted a host CPU and did not get one so far: sum of load x (1 - r) x dt, ns.
 * A time-slicing host makes a vCPU wait between slices; this is that wait. */
double sim_ps_wait_ns(SimPsPool *p);
