/* pspool.c — egalitarian processor sharing in virtual time. */
#include "sim/engine/pspool.h"

#include <math.h>

typedef struct {
  gboolean working;
  double v_finish;   /* virtual time at which the work item completes */
  double idle_load;  /* load while not working */
  SimHandler fn;
  void *ctx;
  uint64_t arg;
} Client;

struct _SimPsPool {
  SimEngine *e;
  double servers;
  Client *c;
  guint n;
  double v;          /* virtual time: service given to each working client so far */
  int64_t t;         /* engine time of v */
  double load;       /* sum of loads */
  double rate;
  double speed;      /* service per ns of a client served at rate 1 (host CPU speed) */
  gboolean share;    /* loads of clients not working are fixed shares of the servers */
  guint token;       /* invalidates scheduled completion checks */
  double spin_ns;
  double busy_ns;
  double wait_ns;
};

SimPsPool *sim_ps_pool_new(SimEngine *e, double servers, guint n_clients) {
  g_assert(servers > 0);
  SimPsPool *p = g_new0(SimPsPool, 1);
  p->e = e;
  p->servers = servers;
  p->n = n_clients;
  p->c = g_new0(Client, n_clients);
  p->rate = 1;
  p->speed = 1;
  return p;
}

void sim_ps_pool_free(SimPsPool *p) {
  if (!p) return;
  g_free(p->c);
  g_free(p);
}

/* Brings v up to now at the old rate. */
static void advance(SimPsPool *p) {
  int64_t now = sim_engine_now(p->e);
  double dt = (double)(now - p->t);
  p->v += p->rate * p->speed * dt;
  double spinning = 0, load = 0;
  for (guint i = 0; i < p->n; i++)
    if (!p->c[i].working) spinning += p->c[i].idle_load;
    else load += 1;
  p->spin_ns += spinning * p->rate * dt;
  p->busy_ns += (spinning + load) * p->rate * dt;
  p->wait_ns += (spinning + load) * (1 - p->rate) * dt;
  p->t = now;
}

static void ev_check(void *ctx, uint64_t token);

/* New rate from the loads, and one engine event for the earliest completion. */
static void reschedule(SimPsPool *p) {
  p->load = 0;
  double vmin = INFINITY, rest = 0, working = 0, loaded = 0;
  for (guint i = 0; i < p->n; i++) {
    const Client *c = &p->c[i];
    p->load += c->working ? 1.0 : c->idle_load;
    if (c->working) working += 1;
    else rest += c->idle_load, loaded += c->idle_load > 0;
    if (c->working && c->v_finish < vmin) vmin = c->v_finish;
  }
  if (!p->share) p->rate = p->load > p->servers ? p->servers / p->load : 1.0;
  else if (working == 0) p->rate = 1.0;
  else /* the shares come off the top; once they would take more than a worker's share, each
        * idle client is backlogged and shares the pool like a worker (exact for equal shares) */
    p->rate = MIN(1.0, MAX(p->servers - rest, p->servers * working / (working + loaded)) / working);
  p->token++;
  if (vmin == INFINITY) return;
  double dt = (vmin - p->v) / (p->rate * p->speed);
  int64_t delay = dt <= 0 ? 0 : (int64_t)ceil(dt - 1e-6);
  sim_engine_schedule(p->e, delay, ev_check, p, p->token);
}

static void ev_check(void *ctx, uint64_t token) {
  SimPsPool *p = ctx;
  if (token != p->token) return;
  advance(p);
  /* complete every item due (ties in client order), each through the zero-delay lane */
  for (guint i = 0; i < p->n; i++) {
    Client *c = &p->c[i];
    if (!c->working || c->v_finish > p->v + 1e-3) continue;
    c->working = FALSE;
    sim_engine_schedule(p->e, 0, c->fn, c->ctx, c->arg);
  }
  reschedule(p);
}

void sim_ps_work(SimPsPool *p, guint c, int64_t work, SimHandler fn, void *ctx, uint64_t arg) {
  g_assert(c < p->n && !p->c[c].working && work >= 0);
  advance(p);
  p->c[c] = (Client){.working = TRUE, .v_finish = p->v + (double)work, .idle_load = p->c[c].idle_load,
                     .fn = fn, .ctx = ctx, .arg = arg};
  reschedule(p);
}

void sim_ps_set_load(SimPsPool *p, guint c, double load) {
  g_assert(c < p->n && load >= 0);
  advance(p);
  p->c[c].idle_load = load;
  reschedule(p);
}

void sim_ps_set_speed(SimPsPool *p, double speed) {
  g_assert(speed > 0);
  advance(p);
  p->speed = speed;
  reschedule(p);
}

void sim_ps_set_share_law(SimPsPool *p, gboolean share) {
  advance(p);
  p->share = share;
  reschedule(p);
}

double sim_ps_rate(const SimPsPool *p) { return p->rate; }
double sim_ps_spin_ns(const SimPsPool *p) { return p->spin_ns; }
double sim_ps_busy_ns(SimPsPool *p) {
  advance(p);
  return p->busy_ns;
}

double sim_ps_wait_ns(SimPsPool *p) {
  advance(p);
  return p->wait_ns;
}
