/* bringup.c — the generic cpuhp bringup of kernel/cpu.c on the simulated machine.
 *
 * The control CPU (BP) is a sequential program: bringup_nonboot_cpus() as the list of cpu_up(cpu,
 * target) calls an ordering policy (policy.c) makes; cpu_up() walks the PREPARE rows of
 * the state table, the kick and the bringup step. The AP side runs the arch's stage lists, then
 * STARTING rows with IRQs off, then the ONLINE rows on its cpuhp/N thread. Every wait is a real
 * wait: polling ends when the AP's store is seen, sleeps end on a timer or a wake-up. */
#include "models/kernel/machine.h"
#include "models/kernel/policy.h"

#include <errno.h>

static void bp_next_step(CpuhpMachine *m);
static void ap_run(CpuhpMachine *m, guint cpu);

static int64_t now(CpuhpMachine *m) { return sim_engine_now(m->e); }

/* A hand-off between CPUs (a wake-up, a release) as the last thing its handler does: fn(m, arg)
 * `delay` ns from now, run right here when it is the next event (sim_engine_advance()), else
 * through the queue. Only where nothing follows the call up to the handler, so that nothing
 * happens between in either case. The depth bound keeps the C stack small: a chain of such
 * hand-offs (BP -> AP -> BP -> the next CPU) would otherwise nest once per CPU. */
#define HANDOFF_MAX_DEPTH 8
static void handoff(CpuhpMachine *m, int64_t delay, SimHandler fn, uint64_t arg) {
  if (m->handoff_depth < HANDOFF_MAX_DEPTH && sim_engine_advance(m->e, delay)) {
    m->handoff_depth++;
    fn(m, arg);
    m->handoff_depth--;
    return;
  }
  sim_engine_schedule(m->e, delay, fn, m, arg);
}

/* Instead of machine_work(m, cpu, ns, fn, arg) from a handler: TRUE when that work's end is the
 * engine's next event and nothing stretches it (no host sharing): the clock is there already and
 * the caller goes on with fn's work itself (sim_engine_advance()). FALSE: call machine_work(). */
static gboolean machine_work_inline(CpuhpMachine *m, int64_t ns) {
  return !m->host && sim_engine_advance(m->e, ns);
}

/* ---- trace ---------------------------------------------------------------------------- */

/* A startup callback's trace event (enter: its callback; exit: st->state). */
static G_GNUC_NO_INLINE void trace_step(CpuhpMachine *m, CpuhpTraceType type, guint exec_cpu, guint cpu,
                                        int target, const CpuhpStep *s, int ret) {
  if (G_UNLIKELY(m->mutation)) exec_cpu = mutate_exec_cpu(m, exec_cpu, cpu, s);
  machine_trace(m, type, exec_cpu, cpu, target, s->step, s->startup, ret);
}

/* Every callback passes here twice: the test of the flag stays at the call site. */
static inline void trace(CpuhpMachine *m, CpuhpTraceType type, guint exec_cpu, guint cpu, int target,
                         const CpuhpStep *s, int ret) {
  if (G_UNLIKELY(m->tracing)) trace_step(m, type, exec_cpu, cpu, target, s, ret);
}

/* ---- control CPU time accounting ------------------------------------------------------ */

static void bp_phase(CpuhpMachine *m, CpuhpBpPhase ph) {
  int64_t spent = now(m) - m->bp.phase_since;
  m->res->bp_phase_ns[m->bp.phase] += spent - m->bp.irq_ns;
  m->bp.irq_ns = 0;
  m->bp.phase = ph;
  m->bp.phase_since = now(m);
}

/* ---- state table walks ---------------------------------------------------------------- */

/* Next row after step `from` up to `limit` that a CPU really runs in `section`, from that
 * section's run list; NULL if none. This runs for every callback of every CPU (a walk of the
 * table from the top was once the hottest spot of a run), so `*pos`, the CPU's cursor, normally
 * sits on the answer already: it is checked (the row before it, run[-1] for the first, is at or
 * before `from`, it is after), so a stale cursor only costs a bisection. On return it sits past
 * the row returned. */
G_STATIC_ASSERT(CPUHP_SECTION_ONLINE + 1 == G_N_ELEMENTS(((CpuhpRows *)NULL)->run));

static inline __attribute__((always_inline)) const CpuhpStep *
next_row(CpuhpMachine *m, guint from, guint limit, CpuhpSection section, guint16 *pos, const RunRow **out) {
  const RunRow *r = m->rows.run[section];
  guint i = *pos;
  if (!(r[i].step > from && r[(gssize)i - 1].step <= from)) {
    guint lo = 0, hi = m->rows.n_run[section]; /* the end row (RUN_END) is after every step */
    while (lo < hi) {
      guint mid = lo + (hi - lo) / 2;
      if (r[mid].step <= from) lo = mid + 1;
      else hi = mid;
    }
    i = lo;
  }
  if (r[i].step > limit) {
    *pos = (guint16)i;
    return NULL;
  }
  *pos = (guint16)(i + 1);
  *out = &r[i];
  return &m->table->steps[r[i].row];
}

static const RowCost *cost_of(CpuhpMachine *m, const CpuhpStep *s) {
  return &m->rows.cost[s - m->table->steps];
}

/* A callback's cost; the global trace ring buffer also pays per page it allocates. */
static G_GNUC_NO_INLINE int64_t draw_state_cost_slow(CpuhpMachine *m, guint cpu, const CpuhpStep *s, guint inst) {
  const RowCost *rc = cost_of(m, s);
  uint32_t purpose = PURPOSE_STATE_BASE + s->step * 64u + inst;
  int64_t ns = machine_draw(m, &rc->costs[inst], cpu, purpose, 0) + rc->per_possible_cpu * (int64_t)m->n_cpus +
               rc->per_online_cpu * (int64_t)m->n_online;
  if (s->ring_buffer && inst == m->p->kernel.trace_rb_global)
    ns += (int64_t)cpuhp_ring_buffer_pages(m->p) * machine_draw(m, &m->p->kernel.trace_rb_page, cpu, purpose, 1);
  return ns;
}

static inline int64_t draw_state_cost(CpuhpMachine *m, guint cpu, const CpuhpStep *s, guint inst) {
  int64_t fixed = cost_of(m, s)->fixed_ns;
  return inst == 0 && fixed >= 0 ? fixed : draw_state_cost_slow(m, cpu, s, inst); /* the same sum */
}

/* ---- the control CPU ------------------------------------------------------------------ */

/* "smp: Brought up N nodes, M CPUs" counts what is online at that point. */
static void log_brought_up(CpuhpMachine *m) {
  guint online = 0, nodes = 0;
  g_autofree gboolean *node_on = g_new0(gboolean, cpuhp_topology_n_nodes(m->topo));
  for (guint c = 0; c < m->n_cpus; c++) {
    if (m->cpus[c].state != m->table->online) continue;
    online++;
    if (!node_on[m->cpus[c].topo->node]) node_on[m->cpus[c].topo->node] = TRUE, nodes++;
  }
  m->res->cpus_online = online;
  m->res->bringup_ns = now(m);
  machine_console_flush(m);
  cpuhp_result_log(m->res, m->res->smp_init_at + now(m), "smp: Brought up %u node%s, %u CPU%s", nodes,
                   nodes == 1 ? "" : "s", online, online == 1 ? "" : "s");
}

static void bp_finish(CpuhpMachine *m) {
  if (m->bp.done) return; /* back from the rest of the boot (boot.c) */
  bp_phase(m, m->bp.phase);
  if (m->bp.plan.boot_calls >= m->bp.plan.calls->len) log_brought_up(m);
  else { /* deferred CPUs count once they are up */
    guint online = 0;
    for (guint c = 0; c < m->n_cpus; c++) online += m->cpus[c].state == m->table->online;
    m->res->cpus_online = online;
  }
  m->bp.done = TRUE;
  m->res->all_online_ns = now(m);
  machine_vm_finish(m);
  machine_boot_after_smp(m); /* to "Run /init", when the profile models the whole boot */
}

static void bp_cpu_up(CpuhpMachine *m, guint cpu, guint16 target) {
  CpuhpCpu *c = &m->cpus[cpu];
  m->bp.cpu = cpu;
  c->target = target;
  c->up_prev_state = c->state;
  if (!c->pid) { /* first cpu_up(): threads:prepare will create this CPU's kthreads */
    c->pid = m->next_pid;
    m->next_pid += (int32_t)m->p->kernel.kthreads_per_cpu;
    m->res->cpus[cpu].up_start = now(m);
  }
  bp_next_step(m);
}

void machine_bp_next_cpu(CpuhpMachine *m) {
  GArray *calls = m->bp.plan.calls;
  while (m->bp.next_call < calls->len) {
    if (m->bp.next_call == m->bp.plan.boot_calls && !m->boot.begun) { /* init; the rest is deferred */
      log_brought_up(m);
      if (machine_boot_after_smp(m)) return; /* on to /init first: it comes back here */
    }
    CpuhpUpCall c = g_array_index(calls, CpuhpUpCall, m->bp.next_call++);
    if (m->cpus[c.cpu].state >= c.target) continue; /* _cpu_up() returns at once */
    bp_cpu_up(m, c.cpu, c.target);
    return;
  }
  bp_finish(m);
}

static void ev_bp_callback_done(void *ctx, uint64_t inst);

/* A PREPARE row's instances from m->bp.instance on, on the BP. TRUE: the row is through, every
 * instance's end having been the engine's next event; FALSE: ev_bp_callback_done comes later. */
static gboolean bp_callback_run(CpuhpMachine *m) {
  guint cpu = m->bp.cpu;
  const CpuhpStep *s = m->bp.step;
  for (;;) {
    int64_t ns = draw_state_cost(m, cpu, s, m->bp.instance);
    if (!machine_work_inline(m, ns)) {
      machine_work(m, 0, ns, ev_bp_callback_done, m->bp.instance);
      return FALSE;
    }
    trace(m, CPUHP_TRACE_EXIT, 0, cpu, m->cpus[cpu].state, s, 0);
    if (m->bp.instance + 1 >= cost_of(m, s)->n_costs) return TRUE;
    m->bp.instance++;
    trace(m, CPUHP_TRACE_MULTI_ENTER, 0, cpu, m->cpus[cpu].target, s, 0);
  }
}

static void ev_bp_callback_done(void *ctx, uint64_t inst) {
  CpuhpMachine *m = ctx;
  guint cpu = m->bp.cpu;
  const CpuhpStep *s = m->bp.step;
  trace(m, CPUHP_TRACE_EXIT, 0, cpu, m->cpus[cpu].state, s, 0);
  if (inst + 1 < cost_of(m, s)->n_costs) {
    m->bp.instance = (guint)inst + 1;
    trace(m, CPUHP_TRACE_MULTI_ENTER, 0, cpu, m->cpus[cpu].target, s, 0);
    if (!bp_callback_run(m)) return;
  }
  bp_next_step(m);
}

/* The kick's hypercall exit, if it is one: the call's own work. What a contended host adds
 * to it (now - phase start - work) is time the vCPU waited for a host CPU, which the IRQ
 * exits carry (machine_vm_finish). */
static void kick_exit(CpuhpMachine *m) {
  if (m->arch_run.kick_hypercall)
    machine_vm_exit_record(m, CPUHP_EXIT_HVC64, 1, m->bp.kick_work);
}

static void ev_bp_kick_done(void *ctx, uint64_t unused) {
  CpuhpMachine *m = ctx;
  kick_exit(m);
  trace(m, CPUHP_TRACE_EXIT, 0, m->bp.cpu, m->cpus[m->bp.cpu].state, m->bp.step, 0);
  bp_next_step(m);
}

static void ev_ap_begin(void *ctx, uint64_t cpu) {
  CpuhpMachine *m = ctx;
  CpuhpCpu *c = &m->cpus[cpu];
  m->res->cpus[cpu].kick = now(m);
  if (c->no_alive) return; /* injected: the AP never runs, so it never reports alive */
  c->stages = m->arch->pre_alive;
  c->n_stages = m->arch->n_pre_alive;
  c->stage = 0;
  ap_run(m, (guint)cpu);
}

/* The AP starts executing while the BP finishes its kick. */
static void kick_ap_starts(CpuhpMachine *m, guint cpu) {
  if (!m->host && m->bp.kick_rest > 0) {
    /* The AP's start is the next event unless something else is due now: then it runs here.
     * The BP's end of kick is later either way, so queueing it first changes no order. */
    machine_work(m, 0, m->bp.kick_rest, m->bp.kick_done, 0);
    if (sim_engine_advance(m->e, 0)) ev_ap_begin(m, cpu);
    else sim_engine_schedule(m->e, 0, ev_ap_begin, m, cpu);
    return;
  }
  sim_engine_schedule(m->e, 0, ev_ap_begin, m, cpu);
  machine_work(m, 0, m->bp.kick_rest, m->bp.kick_done, 0);
}

static void ev_bp_kick_ap_starts(void *ctx, uint64_t cpu) { kick_ap_starts(ctx, (guint)cpu); }

/* The wake-up is sent. Under QEMU -icount the udelay() after it lasts to the next tick of a
 * running local timer, and the AP runs from there (docs/profiles.md, "The kick ends at a tick"). */
static void kick_sent(CpuhpMachine *m, guint cpu) {
  if (m->arch_run.kick_warps) sim_engine_schedule(m->e, machine_to_next_tick(m), ev_bp_kick_ap_starts, m, cpu);
  else kick_ap_starts(m, cpu);
}

static void ev_bp_kick_sent(void *ctx, uint64_t cpu) { kick_sent(ctx, (guint)cpu); }

/* The arch kick on the BP: the AP starts `ap_start` into it, as far as the BP got (a vCPU's kick
 * stretches on a contended host, and the AP cannot start before the BP has sent the wake-up). */
static void bp_kick_work(CpuhpMachine *m, guint cpu, SimHandler done) {
  int64_t ap_start = 0;
  int64_t cost = m->arch->kick(m, cpu, &ap_start);
  g_assert(ap_start >= 0 && ap_start <= cost);
  m->bp.kick_rest = cost - ap_start;
  m->bp.kick_work = cost;
  m->bp.kick_done = done;
  /* Every caller up to the handler ends with this call, so when the AP's start is the next
   * event it can come right here. */
  if (machine_work_inline(m, ap_start)) kick_sent(m, cpu);
  else machine_work(m, 0, ap_start, ev_bp_kick_sent, cpu);
}

static void bp_kick(CpuhpMachine *m, guint cpu) {
  /* cpuhp_kick_ap_alive(): cpuhp_can_boot_ap() moves DEAD/KICKED/ALIVE to KICKED, then the arch
   * sends the wake-up and returns without waiting. */
  CpuhpCpu *c = &m->cpus[cpu];
  g_assert(c->sync == SYNC_STATE_DEAD || c->sync == SYNC_STATE_KICKED || c->sync == SYNC_STATE_ALIVE);
  c->sync = SYNC_STATE_KICKED;
  bp_phase(m, CPUHP_BP_KICK);
  if (m->arch->announce) m->arch->announce(m, cpu);
  m->res->cpus[cpu].kick_order = m->n_kicked++;
  bp_kick_work(m, cpu, ev_bp_kick_done);
}

/* -- state 86: cpuhp_bringup_ap() -- */

static void ev_ap_released(void *ctx, uint64_t cpu) {
  CpuhpMachine *m = ctx;
  CpuhpCpu *c = &m->cpus[cpu];
  CpuhpCpuResult *r = &m->res->cpus[cpu];
  r->alive_spin_ns = now(m) - r->alive;
  m->res->ap_spin_ns += r->alive_spin_ns;
  machine_spin(m, (guint)cpu, FALSE);
  c->stages = m->arch->post_release;
  c->n_stages = m->arch->n_post_release;
  c->stage = 0;
  ap_run(m, (guint)cpu);
}

static void bp_release(CpuhpMachine *m) {
  /* cpuhp_wait_for_sync_state() cmpxchg ALIVE -> SHOULD_ONLINE; the AP spinning in
   * cpuhp_ap_sync_alive() sees it; the BP goes on to bringup_wait_for_ap_online(), asleep. */
  guint cpu = m->bp.cpu;
  m->bp.waiting_alive = FALSE;
  m->bp.token++;
  if (m->bp.spinning) machine_spin(m, 0, FALSE);
  m->bp.spinning = FALSE;
  m->cpus[cpu].sync = SYNC_STATE_SHOULD_ONLINE;
  m->res->cpus[cpu].release = now(m);
  bp_phase(m, CPUHP_BP_WAIT_AP);
  machine_vcpu_halt(m, 0, 0);
  if (m->cpus[cpu].self_released) return;
  if (G_LIKELY(!m->mutation)) { /* the last thing of every caller's handler */
    handoff(m, machine_spin_notice(m, cpu), ev_ap_released, cpu);
    return;
  }
  sim_engine_schedule(m->e, machine_spin_notice(m, cpu), ev_ap_released, m, cpu);
  mutate_released(m, cpu, ev_ap_released);
}

static void bp_alive_timeout(CpuhpMachine *m) {
  /* "CPU%u failed to report alive state": state 86 returns -EIO; the sync state stays KICKED. */
  guint cpu = m->bp.cpu;
  m->bp.waiting_alive = FALSE;
  m->bp.token++;
  cpuhp_result_log(m->res, m->res->smp_init_at + now(m), "CPU%u failed to report alive state", cpu);
  cpuhp_result_set_failure(m->res, cpu, "failed to report alive state");
  trace(m, CPUHP_TRACE_EXIT, 0, cpu, m->cpus[cpu].state, m->bp.step, -EIO);
  machine_up_failed(m, cpu, m->bp.step, -EIO);
}

static void bp_sleep(CpuhpMachine *m);

static void ev_bp_sleep_wake(void *ctx, uint64_t token) {
  CpuhpMachine *m = ctx;
  if (token != m->bp.token) return;
  if (m->cpus[m->bp.cpu].sync == SYNC_STATE_ALIVE)
    bp_release(m);
  else if (now(m) - m->bp.wait_start >= m->p->kernel.alive_timeout)
    bp_alive_timeout(m);
  else
    bp_sleep(m);
}

static void bp_sleep(CpuhpMachine *m) {
  /* usleep_range(1000, 2000) between polls once the first millisecond is over. */
  bp_phase(m, CPUHP_BP_ALIVE_SLEEP);
  int64_t d = machine_draw(m, &m->p->kernel.alive_sleep, m->bp.cpu, PURPOSE_ALIVE_SLEEP,
                           m->bp.sleeps++);
  sim_engine_schedule(m->e, d, ev_bp_sleep_wake, m, m->bp.token);
}

static void ev_bp_spin_deadline(void *ctx, uint64_t token) {
  CpuhpMachine *m = ctx;
  if (token != m->bp.token) return;
  m->bp.spinning = FALSE;
  machine_spin(m, 0, FALSE);
  bp_sleep(m);
}

static void ev_bp_alive_seen(void *ctx, uint64_t token) {
  CpuhpMachine *m = ctx;
  if (token != m->bp.token) return;
  bp_release(m);
}

void machine_ap_report_alive(CpuhpMachine *m, guint cpu) {
  CpuhpCpu *c = &m->cpus[cpu];
  g_assert(c->sync == SYNC_STATE_KICKED);
  c->sync = SYNC_STATE_ALIVE;
  m->res->cpus[cpu].alive = now(m);
  machine_spin(m, cpu, TRUE); /* cpuhp_ap_sync_alive(): cpu_relax() until released */
  if (G_UNLIKELY(m->mutation)) mutate_alive(m, cpu, ev_ap_released);
  if (m->bp.waiting_alive && m->bp.cpu == cpu && m->bp.spinning) {
    m->bp.token++; /* the poll loop sees it; its 1 ms deadline no longer matters */
    sim_engine_schedule(m->e, machine_spin_notice(m, 0), ev_bp_alive_seen, m, m->bp.token);
  }
}

static void bp_bringup(CpuhpMachine *m, guint cpu) {
  m->bp.wait_start = now(m);
  m->bp.sleeps = 0;
  m->bp.token++;
  if (m->cpus[cpu].sync == SYNC_STATE_ALIVE) { /* already waiting for us: first poll wins */
    bp_release(m);
    return;
  }
  m->bp.waiting_alive = TRUE;
  m->bp.spinning = TRUE;
  machine_spin(m, 0, TRUE);
  bp_phase(m, CPUHP_BP_ALIVE_SPIN);
  sim_engine_schedule(m->e, m->p->kernel.alive_spin, ev_bp_spin_deadline, m, m->bp.token);
}

/* -- state 86 without split startup: bringup_cpu() -> __cpu_up() -- */

static void ev_bp_running_timeout(void *ctx, uint64_t token) {
  /* "CPU%u: failed to come online": __cpu_up() returns -EIO after cpu_running timed out */
  CpuhpMachine *m = ctx;
  if (token != m->bp.token) return;
  guint cpu = m->bp.cpu;
  m->bp.token++;
  cpuhp_result_log(m->res, m->res->smp_init_at + now(m), "CPU%u: failed to come online", cpu);
  cpuhp_result_set_failure(m->res, cpu, "failed to come online");
  trace(m, CPUHP_TRACE_EXIT, 0, cpu, m->cpus[cpu].state, m->bp.step, -EIO);
  machine_up_failed(m, cpu, m->bp.step, -EIO);
}

static void ev_bp_cpu_on_returned(void *ctx, uint64_t unused) {
  CpuhpMachine *m = ctx;
  kick_exit(m);
  bp_phase(m, CPUHP_BP_WAIT_AP); /* asleep in wait_for_completion_timeout(&cpu_running) */
  machine_vcpu_halt(m, 0, 0);
  m->bp.token++;
  sim_engine_schedule(m->e, m->arch_run.cpu_running_timeout, ev_bp_running_timeout, m, m->bp.token);
}

static void bp_bringup_cpu(CpuhpMachine *m, guint cpu) {
  CpuhpCpu *c = &m->cpus[cpu];
  c->sync = SYNC_STATE_KICKED; /* bookkeeping only: no CORE_SYNC_FULL handshake */
  bp_phase(m, CPUHP_BP_KICK);
  m->res->cpus[cpu].kick_order = m->n_kicked++;
  bp_kick_work(m, cpu, ev_bp_cpu_on_returned);
}

static void ev_bp_online_done(void *ctx, uint64_t unused) {
  CpuhpMachine *m = ctx;
  guint cpu = m->bp.cpu;
  CpuhpCpu *c = &m->cpus[cpu];
  if (G_UNLIKELY(c->result)) { /* __cpuhp_kick_ap(): undo the ONLINE states on the AP thread first */
    machine_online_failed(m, cpu);
    return;
  }
  bp_phase(m, CPUHP_BP_PREPARE);
  trace(m, CPUHP_TRACE_EXIT, 0, cpu, c->state, m->bp.step, 0);
  if (c->state == m->table->online) {
    m->res->cpus[cpu].status = CPUHP_CPU_ONLINE;
    m->res->cpus[cpu].online = now(m);
    double idle = machine_idle_load(m);
    if (m->host) sim_ps_set_load(m->host, cpu, idle); /* online, idle */
    machine_vcpu_halt(m, cpu, idle);
  }
  bp_next_step(m);
}

/* -- the AP's hotplug thread: one ONLINE state per pass of cpuhp_thread_fun() -- */

static void ap_thread_next(CpuhpMachine *m, guint cpu);

static void ap_thread_cb_exit(CpuhpMachine *m, guint cpu) {
  CpuhpCpu *c = &m->cpus[cpu];
  if (m->tracing) /* the row lookup by step is for the trace only */
    trace(m, CPUHP_TRACE_EXIT, cpu, cpu, c->state, cpuhp_table_at(m->table, c->state), 0);
}

static void ev_ap_thread_cb_done(void *ctx, uint64_t cpu) {
  CpuhpMachine *m = ctx;
  ap_thread_cb_exit(m, (guint)cpu);
  ap_thread_next(m, (guint)cpu);
}

/* How many of the rows from `r` on a walk takes at once, right after a row that ran inline and
 * with nothing traced: each can be taken (RunRow.take_ns) and ends by the horizon (so no other
 * event comes between), is within `limit` and is before the injected failure. Moves the clock
 * over them, counting each as an event. */
static inline __attribute__((always_inline)) guint
take_fixed_rows(CpuhpMachine *m, const RunRow *r, guint limit, guint16 fail_step) {
  int64_t t = sim_engine_now(m->e), horizon = sim_engine_horizon(m->e);
  if (horizon < t) return 0; /* nothing fits (and horizon - t could overflow) */
  /* Steps rise along a run list: the failure stops the walk only where it is still ahead. */
  guint stop = fail_step >= r->step && fail_step <= limit ? fail_step : limit + 1;
  guint n = 0;
  uint64_t left = (uint64_t)(horizon - t); /* unsigned: a row that cannot be taken (-1) is above */
  for (; r->step < stop && (uint64_t)r->take_ns <= left; r++, n++) left -= (uint64_t)r->take_ns;
  if (n) sim_engine_advance_to(m->e, horizon - (int64_t)left, n);
  return n;
}

/* What the loop below does row after row, for the rows that can be taken at once: only the
 * state, the cursor and the clock move. */
static void ap_thread_take_fixed(CpuhpMachine *m, CpuhpCpu *c) {
  guint16 *pos = &c->run_pos[CPUHP_SECTION_ONLINE];
  const RunRow *r = &m->rows.run[CPUHP_SECTION_ONLINE][*pos];
  guint n = take_fixed_rows(m, r, c->target, c->fail_step);
  if (n == 0) return;
  c->state = r[n - 1].step;
  *pos = (guint16)(*pos + n);
}

/* The ONLINE rows one after the other; a callback whose end is the engine's next event ends
 * here, without a trip through the queue. */
static void ap_thread_next(CpuhpMachine *m, guint cpu) {
  CpuhpCpu *c = &m->cpus[cpu];
next:;
  const RunRow *rr = NULL;
  const CpuhpStep *s = next_row(m, c->state, c->target, CPUHP_SECTION_ONLINE, &c->run_pos[CPUHP_SECTION_ONLINE], &rr);
  if (!s) { /* target reached: complete(&st->done_up) wakes the BP */
    c->state = c->target;
    m->res->cpus[cpu].online_cb_ns = now(m) - m->res->cpus[cpu].online_cb_ns;
    handoff(m, machine_task_wakeup(m, 0), ev_bp_online_done, 0);
    return;
  }
  c->state = s->step;
  if (G_UNLIKELY(c->fail_step == s->step)) { /* injected: st->result, stop, complete done_up */
    c->fail_step = 0;
    m->res->cpus[cpu].failed_step = s->step;
    c->result = -EAGAIN;
    m->res->cpus[cpu].online_cb_ns = now(m) - m->res->cpus[cpu].online_cb_ns;
    sim_engine_schedule(m->e, machine_task_wakeup(m, 0), ev_bp_online_done, m, 0);
    return;
  }
  trace(m, CPUHP_TRACE_ENTER, cpu, cpu, c->target, s, 0);
  int64_t ns = rr->take_ns >= 0 ? rr->take_ns : draw_state_cost_slow(m, cpu, s, 0);
  if (machine_work_inline(m, ns)) {
    ap_thread_cb_exit(m, cpu);
    if (!m->tracing) ap_thread_take_fixed(m, c);
    goto next;
  }
  machine_work(m, cpu, ns, ev_ap_thread_cb_done, cpu);
}

static void ev_ap_thread_run(void *ctx, uint64_t cpu) {
  CpuhpMachine *m = ctx;
  m->res->cpus[cpu].online_cb_ns = now(m); /* start; turned into a duration at the end */
  ap_thread_next(m, (guint)cpu);
}

/* cpu_bootable(): with nosmt a sibling may run only once — x86 boots every thread once so that
 * it sets CR4.MCE — and it has now booted (cpus_booted_once_mask is set in STARTING). */
static gboolean cpu_bootable(CpuhpMachine *m, guint cpu) {
  return m->p->kernel.nosmt == CPUHP_NOSMT_OFF || cpuhp_topology_threads_per_core(m->topo) < 2 ||
         m->cpus[cpu].topo->primary;
}

static void ev_bp_ap_online_idle(void *ctx, uint64_t unused) {
  /* bringup_wait_for_ap_online() returns: unpark cpuhp/N; cpuhp_kick_ap() wakes it and sleeps
   * on done_up until the ONLINE states are through. */
  CpuhpMachine *m = ctx;
  guint cpu = m->bp.cpu;
  m->bp.token++; /* a non-split bringup's cpu_running timeout no longer matters */
  if (G_UNLIKELY(!cpu_bootable(m, cpu))) { /* -ECANCELED: state 86 fails, the CPU is taken down again */
    cpuhp_result_set_failure(m->res, cpu, "SMT disabled (nosmt): booted once for CR4.MCE, then rolled back");
    trace(m, CPUHP_TRACE_EXIT, 0, cpu, m->cpus[cpu].state, m->bp.step, -ECANCELED);
    bp_phase(m, CPUHP_BP_PREPARE);
    machine_up_failed(m, cpu, m->bp.step, -ECANCELED);
    return;
  }
  bp_phase(m, CPUHP_BP_WAIT_ONLINE);
  machine_vcpu_halt(m, 0, 0);
  handoff(m, machine_task_wakeup(m, cpu), ev_ap_thread_run, cpu);
}

static void ap_online_idle(CpuhpMachine *m, guint cpu) {
  /* cpuhp_online_idle(): sync state ONLINE, st->state = CPUHP_AP_ONLINE_IDLE, complete. */
  CpuhpCpu *c = &m->cpus[cpu];
  c->sync = SYNC_STATE_ONLINE;
  c->state = m->table->ap_online_idle;
  CpuhpCpuResult *r = &m->res->cpus[cpu];
  r->online_idle = now(m);
  r->starting_ns = now(m) - r->release;
  machine_vcpu_halt(m, cpu, 0); /* the idle task runs until cpuhp/N is woken */
  if (m->bp.cpu != cpu) return; /* only a mutated model gets here: nobody waits for this AP */
  handoff(m, machine_task_wakeup(m, 0), ev_bp_ap_online_idle, 0);
}

ApStep machine_ap_notify_starting(CpuhpMachine *m, guint cpu) {
  CpuhpCpu *c = &m->cpus[cpu];
  if (c->state < m->table->bringup_cpu) c->state = m->table->bringup_cpu;
  guint limit = MIN(c->target, m->table->ap_online);
  const RunRow *rr = NULL;
  const CpuhpStep *s = next_row(m, c->state, limit, CPUHP_SECTION_STARTING, &c->run_pos[CPUHP_SECTION_STARTING], &rr);
  if (!s) {
    c->state = (guint16)limit;
    return (ApStep){0, AP_NEXT, AP_WORK};
  }
  c->state = s->step;
  if (!m->host) { /* rows of fixed cost that ap_run() would run inline, one per call: at once */
    guint16 *pos = &c->run_pos[CPUHP_SECTION_STARTING];
    int64_t t = sim_engine_now(m->e), horizon = sim_engine_horizon(m->e);
    guint n = 0; /* ap_run() makes an event of a row's work only when it takes time */
    const RunRow *first = rr;
    if (horizon >= t) { /* else nothing fits (and horizon - t could overflow) */
      uint64_t left = (uint64_t)(horizon - t); /* unsigned: a row that cannot be taken (-1) is above */
      for (; (uint64_t)rr->take_ns <= left && rr[1].step <= limit; rr++) {
        left -= (uint64_t)rr->take_ns;
        n += rr->take_ns > 0;
      }
      t = horizon - (int64_t)left;
    }
    if (rr != first) {
      *pos = (guint16)(*pos + (rr - first));
      c->state = rr->step;
    }
    if (n) sim_engine_advance_to(m->e, t, n);
    s = &m->table->steps[rr->row];
  }
  return (ApStep){rr->take_ns >= 0 ? rr->take_ns : draw_state_cost_slow(m, cpu, s, 0), AP_AGAIN, AP_WORK};
}

/* -- the AP's own code: run its stage list -- */

static void ev_ap_continue(void *ctx, uint64_t cpu) { ap_run(ctx, (guint)cpu); }

void machine_ap_resume(CpuhpMachine *m, guint cpu, int64_t delay) {
  sim_engine_schedule(m->e, delay, ev_ap_continue, m, cpu);
}

static void ap_run(CpuhpMachine *m, guint cpu) {
  CpuhpCpu *c = &m->cpus[cpu];
  while (c->stage < c->n_stages) {
    ApStep st = c->stages[c->stage].fn(m, cpu);
    if (st.flow != AP_AGAIN) c->stage++;
    if (st.flow == AP_BLOCKED) return;
    if (st.delay > 0) {
      /* ev_ap_continue would come back to this loop: when it is the next event, stay */
      if (st.kind == AP_LATENCY ? sim_engine_advance(m->e, st.delay) : machine_work_inline(m, st.delay))
        continue;
      if (st.kind == AP_WORK) machine_work(m, cpu, st.delay, ev_ap_continue, cpu);
      else if (st.kind == AP_BUSY) machine_busy(m, cpu, st.delay, ev_ap_continue, cpu);
      else sim_engine_schedule(m->e, st.delay, ev_ap_continue, m, cpu);
      return;
    }
  }
  if (c->stages != m->arch->pre_alive) {
    ap_online_idle(m, cpu);
  } else if (m->table->kick_ap) {
    machine_ap_report_alive(m, cpu);
  } else { /* no split startup: no handshake, the AP goes on into STARTING */
    m->res->cpus[cpu].alive = m->res->cpus[cpu].release = now(m);
    c->stages = m->arch->post_release;
    c->n_stages = m->arch->n_post_release;
    c->stage = 0;
    ap_run(m, cpu);
  }
}

/* -- one step of cpu_up() on the BP -- */

/* bp_next_step() for the PREPARE rows that can be taken at once: only the states, the cursor
 * and the clock move. The BP stays in its PREPARE phase, so its time still adds up there. */
static void bp_take_fixed(CpuhpMachine *m, CpuhpCpu *c, guint limit) {
  guint16 *pos = &c->run_pos[CPUHP_SECTION_PREPARE];
  const RunRow *r = &m->rows.run[CPUHP_SECTION_PREPARE][*pos];
  g_assert(m->bp.phase == CPUHP_BP_PREPARE);
  guint n = take_fixed_rows(m, r, limit, c->fail_step);
  if (n == 0) return;
  c->state = r[n - 1].step;
  m->bp.step = &m->table->steps[r[n - 1].row];
  m->bp.instance = 0;
  *pos = (guint16)(*pos + n);
}

static void bp_next_step(CpuhpMachine *m) {
  guint cpu = m->bp.cpu;
  CpuhpCpu *c = &m->cpus[cpu];
next:;
  guint limit = MIN(c->target, m->table->bringup_cpu);
  const RunRow *rr = NULL;
  const CpuhpStep *s = next_row(m, c->state, limit, CPUHP_SECTION_PREPARE, &c->run_pos[CPUHP_SECTION_PREPARE], &rr);
  if (!s) {
    machine_bp_next_cpu(m);
    return;
  }
  m->bp.step = s;
  c->state = s->step; /* cpuhp_next_state() moves st->state before the callback runs */
  if (G_UNLIKELY(c->fail_step == s->step)) { /* cpuhp_invoke_callback(): st->fail == state */
    c->fail_step = 0;
    machine_up_failed(m, cpu, s, -EAGAIN);
    return;
  }
  switch ((CpuhpCostModel)rr->cost) {
  case CPUHP_COST_PROFILE:
    bp_phase(m, CPUHP_BP_PREPARE);
    m->bp.instance = 0;
    trace(m, s->multi_instance ? CPUHP_TRACE_MULTI_ENTER : CPUHP_TRACE_ENTER, 0, cpu,
          c->target, s, 0);
    if (bp_callback_run(m)) { /* ran inline to its end: the next row */
      if (!m->tracing) bp_take_fixed(m, c, limit);
      goto next;
    }
    return;
  case CPUHP_COST_KICK:
    trace(m, CPUHP_TRACE_ENTER, 0, cpu, c->target, s, 0);
    bp_kick(m, cpu);
    return;
  case CPUHP_COST_BRINGUP:
    trace(m, CPUHP_TRACE_ENTER, 0, cpu, c->target, s, 0);
    if (m->table->kick_ap) bp_bringup(m, cpu);
    else bp_bringup_cpu(m, cpu);
    return;
  case CPUHP_COST_NONE:
    break;
  }
  g_assert_not_reached();
}
