/* machine.c — the simulated machine's services to the bringup and the arches: draws keyed by
 * (cpu, purpose, draw), work and busy loops on a (v)CPU, wake-ups, the online count, trace
 * events, and interrupts that land on the sleeping BP. */
#include "models/kernel/machine.h"

#include <math.h>
#include <string.h>

int64_t machine_draw(CpuhpMachine *m, const SimDist *d, guint cpu, uint32_t purpose,
                     uint32_t draw) {
  /* A fixed value needs no key: skip building one (passing the key struct by value stalls on
   * store forwarding; docs/performance.md) and return what sim_dist_sample() would. */
  if (d->kind == SIM_DIST_FIXED) return d->a;
  return sim_dist_sample(d, m->seed, (SimRngKey){cpu, purpose, draw});
}

static gint cmp_phase(gconstpointer a, gconstpointer b, gpointer unused) {
  (void)unused;
  gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;
  return (x > y) - (x < y);
}

void machine_ticks_init(CpuhpMachine *m) {
  m->ticks = g_tree_new_full(cmp_phase, NULL, g_free, NULL);
  m->tick_phase = g_new(int64_t, m->n_cpus);
  for (guint c = 0; c < m->n_cpus; c++) m->tick_phase[c] = -1;
}

void machine_ticks_clear(CpuhpMachine *m) {
  if (m->ticks) g_tree_destroy(m->ticks);
  g_free(m->tick_phase);
}

int64_t machine_jiffy_ns(const CpuhpMachine *m) { return 1000000000 / m->p->kernel.hz; }

/* How many CPUs tick at `phase` becomes `count` (0: none). */
static void tick_count_set(CpuhpMachine *m, gint64 phase, guint count) {
  if (!count) {
    g_tree_remove(m->ticks, &phase);
    return;
  }
  gint64 *key = g_new(gint64, 1);
  *key = phase;
  g_tree_insert(m->ticks, key, GUINT_TO_POINTER(count)); /* a key already there: the new one is freed */
}

void machine_tick_start(CpuhpMachine *m, guint cpu, int64_t at) {
  g_assert(m->tick_phase[cpu] < 0);
  gint64 phase = (m->res->smp_init_at + at) % machine_jiffy_ns(m);
  m->tick_phase[cpu] = phase;
  tick_count_set(m, phase, GPOINTER_TO_UINT(g_tree_lookup(m->ticks, &phase)) + 1);
}

static void tick_stop(CpuhpMachine *m, guint cpu) {
  gint64 phase = m->tick_phase[cpu];
  if (phase < 0) return;
  m->tick_phase[cpu] = -1;
  tick_count_set(m, phase, GPOINTER_TO_UINT(g_tree_lookup(m->ticks, &phase)) - 1);
}

int64_t machine_to_next_tick(const CpuhpMachine *m) {
  int64_t jiffy = machine_jiffy_ns(m);
  gint64 now = (m->res->smp_init_at + sim_engine_now(m->e)) % jiffy;
  GTreeNode *n = g_tree_lower_bound(m->ticks, &now);
  if (n) return *(const gint64 *)g_tree_node_key(n) - now;
  return *(const gint64 *)g_tree_node_key(g_tree_node_first(m->ticks)) + jiffy - now;
}

int64_t machine_spin_notice(CpuhpMachine *m, guint cpu) {
  return machine_draw(m, &m->p->platform.spin_notice, cpu, PURPOSE_SPIN_NOTICE, m->cpus[cpu].n_notices++);
}

void machine_work(CpuhpMachine *m, guint cpu, int64_t ns, SimHandler fn, uint64_t arg) {
  if (G_UNLIKELY(m->host)) sim_ps_work(m->host, cpu, ns, fn, m, arg);
  else sim_engine_schedule(m->e, ns, fn, m, arg);
}

static void ev_busy_done(void *ctx, uint64_t cpu) {
  CpuhpMachine *m = ctx;
  CpuhpCpu *c = &m->cpus[cpu];
  sim_ps_set_load(m->host, (guint)cpu, 0);
  c->busy_fn(m, c->busy_arg);
}

void machine_busy(CpuhpMachine *m, guint cpu, int64_t ns, SimHandler fn, uint64_t arg) {
  if (!m->host) {
    sim_engine_schedule(m->e, ns, fn, m, arg);
    return;
  }
  m->cpus[cpu].busy_fn = fn;
  m->cpus[cpu].busy_arg = arg;
  sim_ps_set_load(m->host, cpu, 1.0);
  sim_engine_schedule(m->e, ns, ev_busy_done, m, cpu);
}

void machine_spin(CpuhpMachine *m, guint cpu, gboolean on) {
  if (!m->host) return;
  sim_ps_set_load(m->host, cpu, on ? m->p->host.spin_load_pct / 100.0 : 0);
  if (m->cpus[cpu].spinning != on) m->n_spinning += on ? 1 : (guint)-1;
  m->cpus[cpu].spinning = (guint8)on;
}

int64_t machine_tsc_lock_stall(CpuhpMachine *m, guint cpu, int64_t loop_ns) {
  /* Under QEMU TCG without icount every guest RDTSC takes one global spinlock
   * (cpu_get_ticks(), softmmu/cpu-timers.c). The warp test's two threads read the TSC in a loop
   * and hold it much of the time. With no host CPU left over, a host tick may stop one of them
   * for a thread that waits: an idle vCPU woken by its own tick, or a spinning one. If the
   * stopped thread holds the lock, that thread's tick handler spins on it with the other test
   * thread, and the holder runs again at a later host tick: the stall. */
  const CpuhpProfile *p = m->p;
  if (!m->host || p->host.tsc_lock_hold_pct <= 0 || !p->host.tick_hz) return 0;
  guint busy = 2 + m->n_spinning; /* the test's two threads, and every spinning vCPU */
  if (busy < p->host.pcpus) return 0; /* a host CPU is free: a woken thread takes it */
  double host_tick = 1e9 / p->host.tick_hz;
  /* A thread waits at a host tick if one arrived since that CPU's last tick: Poisson, the idle
   * vCPUs' own ticks coming every jiffy; always when more threads spin than there are CPUs. */
  double arrivals = (double)(m->n_online - 1) * host_tick / ((double)machine_jiffy_ns(m) * p->host.pcpus);
  double waiting = busy > p->host.pcpus ? 1 : 1 - exp(-arrivals);
  double held = p->host.tsc_lock_hold_pct / 100 * MIN(1.0, 2.0 / busy); /* it stops a test thread */
  double ticks = MIN((double)p->host.pcpus * (double)loop_ns / host_tick, 1e5); /* bounded draws */
  double requeue = p->host.tsc_lock_requeue_pct / 100;
  int64_t stall = 0;
  for (uint32_t i = 0; i < ticks; i++) {
    SimRngKey k = {cpu, PURPOSE_TSC_LOCK, i};
    if (sim_rng_uniform(m->seed, k, 0) >= MIN(1.0, ticks - i)) break; /* the last tick may not come */
    if (sim_rng_uniform(m->seed, k, 1) >= waiting * held) continue;
    double s = sim_rng_uniform(m->seed, k, 2) * host_tick; /* to the next host tick */
    for (uint32_t sub = 3; sim_rng_uniform(m->seed, k, sub) < requeue && sub < 1000; sub++) s += host_tick;
    stall += (int64_t)s;
  }
  return stall;
}

int64_t machine_task_wakeup(CpuhpMachine *m, guint cpu) {
  return machine_draw(m, &m->p->platform.wakeup, cpu, PURPOSE_TASK_WAKEUP, m->cpus[cpu].n_wakeups++) +
         machine_vcpu_wake(m, cpu); /* in a VM the sleeper's vCPU may have to be woken first */
}

void machine_host_speed(CpuhpMachine *m) {
  /* host.speed_pct: this host against the one the costs were measured on. host.idle_drag_pct:
   * every online vCPU besides the BP ticks, and each tick wakes its thread on the host, which
   * slows the threads at work even with a host CPU free (docs/hypervisor.md, measured). */
  if (!m->host) return;
  double drag = 1 + m->p->host.idle_drag_pct / 100 * (m->n_online - 1);
  double speed = m->p->host.speed_pct / 100 / drag;
  if (m->p->host.idle_ticks_aligned) {
    /* A tick device without a periodic mode is programmed at the same tick_next_period on
     * every CPU (kernel/time/tick-common.c tick_setup_periodic()), so the idle vCPUs' ticks
     * wake their threads together: each tick their host work is one burst on the host's CPUs
     * that the working vCPUs wait out (docs/profiles.md, "arm64: QEMU MTTCG on another host"). */
    double burst = m->p->host.idle_load_pct / 100 * (m->n_online - 1) / m->p->host.pcpus;
    speed *= MAX(1 - burst, 0.01);
  }
  sim_ps_set_speed(m->host, speed);
}

double machine_idle_load(const CpuhpMachine *m) {
  return m->p->host.idle_ticks_aligned ? 0 : m->p->host.idle_load_pct / 100.0; /* aligned: in the speed */
}

void machine_set_cpu_online(CpuhpMachine *m, guint cpu, gboolean online) {
  g_assert(online ? m->n_online < m->n_cpus : m->n_online > 1);
  m->n_online += online ? 1 : -1;
  if (!online && m->ticks) tick_stop(m, cpu); /* its local timer is shut down on the way out */
  if (m->p->host.idle_drag_pct > 0 || m->p->host.idle_ticks_aligned) machine_host_speed(m); /* else it does not move */
}

void machine_trace(CpuhpMachine *m, CpuhpTraceType type, guint exec_cpu, guint cpu, int target,
                   guint step, const char *fn, int ret) {
  if (!m->tracing) return;
  g_assert(exec_cpu <= UINT16_MAX && step <= INT32_MAX);
  CpuhpTraceEvent r = {.ts = m->res->smp_init_at + sim_engine_now(m->e), .exec_cpu = (uint16_t)exec_cpu,
                       .type = (uint8_t)type, .cpu = cpu, .target = target, .step = (int32_t)step, .ret = ret,
                       .fn = ""};
  const char **comm = &m->trace_comm[exec_cpu];
  if (!*comm) {
    char name[CPUHP_TRACE_COMM_LEN];
    if (exec_cpu == 0) g_strlcpy(name, "swapper/0", sizeof name); /* kernel_init still has its boot name */
    else g_snprintf(name, sizeof name, "cpuhp/%u", exec_cpu);
    *comm = cpuhp_result_intern(m->res, name);
  }
  r.comm = *comm;
  r.pid = exec_cpu == 0 ? 1 : m->cpus[exec_cpu].pid;
  if (type != CPUHP_TRACE_EXIT) {
    char name[CPUHP_TRACE_FN_LEN]; /* the bound a parsed trace has */
    r.fn = cpuhp_result_intern(m->res, strlen(fn) < sizeof name ? fn : (g_strlcpy(name, fn, sizeof name), name));
  }
  g_array_append_val(m->res->trace, r);
}

static void ev_bp_load(void *ctx, uint64_t on) {
  CpuhpMachine *m = ctx;
  sim_ps_set_load(m->host, 0, on ? 1.0 : 0);
  if (!on) machine_vcpu_halt(m, 0, 0); /* back to sleep in its wait */
}

int64_t machine_bp_irq(CpuhpMachine *m, guint cpu, CpuhpBpPhase phase, int64_t ns) {
  /* The BP is asleep in a completion wait: the IPI wakes it, the handler runs `ns`, it sleeps
   * again. The time is carved out of the wait it interrupts. */
  int64_t delay = machine_task_wakeup(m, 0);
  m->res->bp_phase_ns[phase] += ns;
  m->bp.irq_ns += ns;
  if (m->host) { /* the BP's vCPU runs the loop: it loads a host CPU meanwhile */
    sim_engine_schedule(m->e, delay, ev_bp_load, m, 1);
    sim_engine_schedule(m->e, delay + ns, ev_bp_load, m, 0);
  }
  return delay;
}
