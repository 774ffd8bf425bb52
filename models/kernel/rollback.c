/* rollback.c — what kernel/cpu.c does when a startup callback fails during bringup (6.12).
 *
 * cpuhp_reset_state() turns the CPU round: st->state steps back over the failed state, the
 * target becomes the state cpu_up() started from, and the teardown callbacks of the states
 * reached run in decreasing order (cpuhp_next_state() skips states without one). An ONLINE
 * failure is first undone on the AP's own thread (__cpuhp_kick_ap), then state 86 fails and the
 * BP takes the CPU down: takedown_cpu() (stop_machine, DYING callbacks on the AP, the AP dies),
 * finish_cpu(), the PREPARE teardowns. In parallel bringup's second pass cpu_up() only rolls back
 * to CPUHP_BP_KICK_AP and cpuhp_bringup_mask() finishes the walk to CPUHP_OFFLINE. The CPU stays
 * offline, the boot goes on with the next CPU; a CPU failed in the first pass is retried from
 * scratch by the second. Teardown callbacks themselves cost no time here (the profile has no
 * teardown costs yet); the wake-ups and IPIs around takedown_cpu() do. */
#include "models/kernel/machine.h"

#include <errno.h>

static const CpuhpStep *row(CpuhpMachine *m, guint i) { return &m->table->steps[i]; }

/* Highest row at or below `from` and above `to` whose teardown runs in this walk. */
static gint next_teardown(CpuhpMachine *m, guint from, guint to, gboolean on_ap_thread) {
  for (gint i = (gint)m->table->n_steps - 1; i >= 0; i--) {
    const CpuhpStep *s = row(m, (guint)i);
    if (s->step > from) continue;
    if (s->step <= to) break;
    if (!s->teardown || !m->rows.cost[i].present) continue;
    gboolean ap_thread = s->runs_on == CPUHP_RUNS_AP_THREAD;
    gboolean bp = s->runs_on == CPUHP_RUNS_BP; /* PREPARE rows, the bringup and teardown steps */
    if (on_ap_thread ? ap_thread : bp) return i;
  }
  return -1;
}

/* ---- the BP's walk ---------------------------------------------------------------------- */

static void bp_walk(CpuhpMachine *m);

static void ev_bp_teardown_done(void *ctx, uint64_t i) {
  CpuhpMachine *m = ctx;
  guint cpu = m->bp.cpu;
  machine_trace(m, CPUHP_TRACE_EXIT, 0, cpu, m->cpus[cpu].state, row(m, (guint)i)->step, NULL, 0);
  bp_walk(m);
}

/* takedown_cpu(): park cpuhp/N, stop_machine(take_cpu_down) on the AP — __cpu_disable() and the
 * DYING teardowns with IRQs off — then wait for the AP to report dead. Two cross-CPU hand-offs. */
static int64_t takedown_cpu(CpuhpMachine *m, guint cpu) {
  CpuhpCpu *c = &m->cpus[cpu];
  int64_t ns = machine_task_wakeup(m, cpu) + machine_task_wakeup(m, 0);
  m->pkg_booted[c->topo->package]--; /* it leaves its package's mask */
  machine_set_cpu_online(m, cpu, FALSE); /* __cpu_disable() */
  c->sync = SYNC_STATE_DEAD;
  return ns;
}

static void bp_walk(CpuhpMachine *m) {
  guint cpu = m->bp.cpu;
  CpuhpCpu *c = &m->cpus[cpu];
  gint i = next_teardown(m, c->state, m->bp.walk_to, FALSE);
  if (i < 0) {
    c->state = m->bp.walk_to;
    if (c->state > 0) { /* cpuhp_bringup_mask(): the rest of the way to CPUHP_OFFLINE */
      m->bp.walk_to = 0;
      bp_walk(m);
      return;
    }
    c->up_prev_state = 0;
    machine_bp_next_cpu(m);
    return;
  }
  const CpuhpStep *s = row(m, (guint)i);
  c->state = s->step - 1; /* cpuhp_next_state() going down: state_to_run = st->state-- */
  machine_trace(m, CPUHP_TRACE_ENTER, 0, cpu, c->target, s->step, s->teardown, 0);
  int64_t ns = 0;
  if (s->step == m->table->teardown_cpu) {
    ns = takedown_cpu(m, cpu);
    c->state = m->table->ap_idle_dead; /* cpuhp_report_idle_dead() on the dying AP */
  }
  sim_engine_schedule(m->e, ns, ev_bp_teardown_done, m, (uint64_t)i);
}

void machine_up_failed(CpuhpMachine *m, guint cpu, const CpuhpStep *s, int ret) {
  CpuhpCpu *c = &m->cpus[cpu];
  CpuhpCpuResult *r = &m->res->cpus[cpu];
  if (!r->failed_step) r->failed_step = s->step;
  r->failed_ret = ret;
  r->status = CPUHP_CPU_FAILED;
  if (!r->failure) {
    const CpuhpStep *f = cpuhp_table_at(m->table, r->failed_step);
    cpuhp_result_set_failure(m->res, cpu, "CPU UP failed (%d) CPU %u state %s (%u)", ret, cpu,
                             f ? f->name : "?", r->failed_step);
  }
  /* cpuhp_reset_state() */
  c->state--;
  c->target = c->up_prev_state;
  m->bp.walk_to = c->up_prev_state;
  if (G_UNLIKELY(m->mutation) && mutate_rolled_back(m, c)) return;
  bp_walk(m);
}

/* ---- an ONLINE failure: first undone on the AP's thread ---------------------------------- */

static void ap_thread_walk(CpuhpMachine *m, guint cpu);

static void ev_ap_teardown_done(void *ctx, uint64_t cpu) {
  CpuhpMachine *m = ctx;
  CpuhpCpu *c = &m->cpus[cpu];
  machine_trace(m, CPUHP_TRACE_EXIT, (guint)cpu, (guint)cpu, c->state, c->walk_step, NULL, 0);
  ap_thread_walk(m, (guint)cpu);
}

static void ev_bp_online_rolled_back(void *ctx, uint64_t unused) {
  CpuhpMachine *m = ctx;
  guint cpu = m->bp.cpu;
  CpuhpCpu *c = &m->cpus[cpu];
  const CpuhpStep *bringup = cpuhp_table_at(m->table, m->table->bringup_cpu);
  int ret = c->result;
  c->result = 0;
  /* state 86 returns the thread's error */
  machine_trace(m, CPUHP_TRACE_EXIT, 0, cpu, c->state, bringup->step, NULL, ret);
  machine_up_failed(m, cpu, bringup, ret);
}

static void ap_thread_walk(CpuhpMachine *m, guint cpu) {
  CpuhpCpu *c = &m->cpus[cpu];
  gint i = next_teardown(m, c->state, m->table->ap_online_idle, TRUE);
  if (i < 0) { /* target reached: complete done_up, the BP wakes */
    c->state = m->table->ap_online_idle;
    sim_engine_schedule(m->e, machine_task_wakeup(m, 0), ev_bp_online_rolled_back, m, 0);
    return;
  }
  const CpuhpStep *s = row(m, (guint)i);
  c->state = s->step - 1;
  c->walk_step = s->step;
  machine_trace(m, CPUHP_TRACE_ENTER, cpu, cpu, c->target, s->step, s->teardown, 0);
  sim_engine_schedule(m->e, 0, ev_ap_teardown_done, m, cpu);
}

static void ev_ap_thread_rollback(void *ctx, uint64_t cpu) { ap_thread_walk(ctx, (guint)cpu); }

void machine_online_failed(CpuhpMachine *m, guint cpu) {
  CpuhpCpu *c = &m->cpus[cpu];
  g_assert(c->result != 0);
  /* cpuhp_reset_state(cpu, st, prev_state = CPUHP_AP_ONLINE_IDLE), then kick the thread again */
  c->state--;
  c->target = m->table->ap_online_idle;
  sim_engine_schedule(m->e, machine_task_wakeup(m, cpu), ev_ap_thread_rollback, m, cpu);
}
