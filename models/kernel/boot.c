/* boot.c — the whole boot around the bringup window: what each extra CPU costs from the VMM
 * and kernel entry to "Run /init as init process".
 *
 * The profile's `boot:` gives what a 1-CPU boot measures (boot.vmm, before_smp, after_smp) and
 * named per-CPU terms (boot.terms), each from the kernel's code. Before the window nothing but
 * the BP runs: its terms are plain sums. After it the BP's work runs on the host model like the
 * window's, so where vCPUs share host CPUs every idle online vCPU slows it (boot.idle_load_pct);
 * IPIs and RCU grace periods are waits, not work. */
#include "models/kernel/machine.h"

/* kernel/rcu/tree.c: RCU_JIFFIES_TILL_FORCE_QS (1 + (HZ > 250) + (HZ > 500)), and
 * rcu_init_geometry() adds nr_cpu_ids / RCU_JIFFIES_FQS_DIV (256) to jiffies_till_first_fqs.
 * An idle CPU (dyntick-idle) is reported by the first force-quiescent-state scan; the GP
 * kthread waits that many jiffies, plus the wait for the next tick. */
static int64_t grace_period_ns(const CpuhpMachine *m) {
  guint hz = m->p->kernel.hz, possible = m->n_cpus;
  int64_t jiffies = 1 + (hz > 250) + (hz > 500) + possible / 256 + 1;
  return jiffies * machine_jiffy_ns(m);
}

static int64_t term_work(const CpuhpMachine *m, const CpuhpBootTerm *t) {
  int64_t n = m->n_cpus, online = m->n_online;
  return t->cost + t->per_possible_cpu * n + t->per_possible_pair * (n * (n - 1) / 2) +
         t->per_possible_triple * (n * (n - 1) / 2 * (n - 2) / 3) + t->per_online_cpu * online +
         t->per_online_pair * (online * (online - 1) / 2);
}

/* on_each_cpu(..., wait=1): the BP sends an IPI to every other online CPU (an ICR write, in a
 * VM a trapped MSR/system-register write), then waits for the slowest handler: a halted CPU
 * woken (platform.wakeup), a blocked vCPU thread woken first (host.vcpu_wakeup). */
static int64_t broadcast_send_ns(const CpuhpMachine *m) {
  int64_t send = m->arch_run.ipi_send_ns;
  if (m->p->host.hypervisor != CPUHP_HYP_NONE) send += (int64_t)sim_dist_mean(&m->p->host.exit_cost[CPUHP_EXIT_SYS64]);
  return send * (int64_t)(m->n_online - 1);
}

static int64_t broadcast_wait_ns(const CpuhpMachine *m) {
  if (m->n_online < 2) return 0;
  int64_t w = (int64_t)sim_dist_mean(&m->p->platform.wakeup);
  if (m->p->host.hypervisor != CPUHP_HYP_NONE) w += (int64_t)sim_dist_mean(&m->p->host.vcpu_wakeup);
  return w;
}

static void span(CpuhpResult *r, const char *name, CpuhpBootPhase ph, int64_t start, int64_t ns, int64_t work) {
  CpuhpBootSpan s = {g_strdup(name), ph, start, ns, work};
  g_array_append_val(r->boot_spans, s);
}

void machine_boot_before_smp(CpuhpMachine *m) {
  const CpuhpProfile *p = m->p;
  if (!p->boot.modelled) return;
  CpuhpResult *r = m->res;
  r->boot_spans = g_array_new(FALSE, FALSE, sizeof(CpuhpBootSpan));
  int64_t phase_ns[CPUHP_BOOT_N_PHASES] = {p->boot.vmm, p->boot.before_smp, 0};
  for (guint i = 0; i < p->boot.n_terms; i++)
    if (p->boot.terms[i].phase != CPUHP_BOOT_AFTER_SMP) phase_ns[p->boot.terms[i].phase] += term_work(m, &p->boot.terms[i]);
  r->boot_vmm_ns = phase_ns[CPUHP_BOOT_VMM];
  r->boot_before_ns = phase_ns[CPUHP_BOOT_BEFORE_SMP];
  /* laid out back to back, ending at the window start: the fixed part first, then the terms */
  int64_t t = -(r->boot_vmm_ns + r->boot_before_ns);
  static const char *const fixed[] = {"VMM set-up (1 vCPU)", "kernel entry to smp_init (1 CPU)"};
  for (CpuhpBootPhase ph = CPUHP_BOOT_VMM; ph <= CPUHP_BOOT_BEFORE_SMP; ph++) {
    int64_t base = ph == CPUHP_BOOT_VMM ? p->boot.vmm : p->boot.before_smp;
    if (base) span(r, fixed[ph], ph, t, base, base);
    t += base;
    for (guint i = 0; i < p->boot.n_terms; i++) {
      const CpuhpBootTerm *bt = &p->boot.terms[i];
      if (bt->phase != ph) continue;
      int64_t w = term_work(m, bt);
      span(r, bt->name, ph, t, w, w);
      t += w;
    }
  }
}

static void ev_boot_next(void *ctx, uint64_t part);

/* One piece after the window: its work on the BP (stretched by the host), then its waits. */
static void boot_piece(CpuhpMachine *m) {
  const CpuhpProfile *p = m->p;
  m->boot.since = sim_engine_now(m->e);
  if (m->boot.term > p->boot.n_terms) { /* past the fixed rest: /init runs */
    CpuhpResult *r = m->res;
    r->boot_after_ns = sim_engine_now(m->e) - r->bringup_ns;
    r->boot_ns = r->boot_vmm_ns + r->boot_before_ns + r->bringup_ns + r->boot_after_ns;
    cpuhp_result_log_text(r, m->res->smp_init_at + sim_engine_now(m->e), "Run /init as init process");
    m->bp.phase_since = sim_engine_now(m->e); /* none of it is the window's */
    m->bp.irq_ns = 0;
    machine_bp_next_cpu(m);
    return;
  }
  int64_t work = m->boot.term < p->boot.n_terms ? term_work(m, &p->boot.terms[m->boot.term]) : p->boot.after_smp;
  if (m->boot.term < p->boot.n_terms) work += p->boot.terms[m->boot.term].broadcasts * broadcast_send_ns(m);
  machine_work(m, 0, work, ev_boot_next, 0);
}

static void ev_boot_waited(void *ctx, uint64_t work_end) {
  CpuhpMachine *m = ctx;
  const CpuhpProfile *p = m->p;
  int64_t now = sim_engine_now(m->e);
  const char *name = m->boot.term < p->boot.n_terms ? p->boot.terms[m->boot.term].name : "smp_init to /init (1 CPU)";
  span(m->res, name, CPUHP_BOOT_AFTER_SMP, m->boot.since - m->res->bringup_ns, now - m->boot.since,
       (int64_t)work_end - m->boot.since);
  do m->boot.term++;
  while (m->boot.term < p->boot.n_terms && p->boot.terms[m->boot.term].phase != CPUHP_BOOT_AFTER_SMP);
  boot_piece(m);
}

static void ev_boot_next(void *ctx, uint64_t unused) {
  CpuhpMachine *m = ctx;
  const CpuhpProfile *p = m->p;
  (void)unused;
  int64_t wait = 0;
  if (m->boot.term < p->boot.n_terms) {
    const CpuhpBootTerm *t = &p->boot.terms[m->boot.term];
    wait = t->broadcasts * broadcast_wait_ns(m) + t->grace_periods * grace_period_ns(m);
    /* one CPU at a time: the send, then that CPU's wake-up, before the next */
    if (m->n_online > 1) wait += t->round_trips * (broadcast_send_ns(m) + (int64_t)(m->n_online - 1) * broadcast_wait_ns(m));
  }
  sim_engine_schedule(m->e, wait, ev_boot_waited, m, (uint64_t)sim_engine_now(m->e));
}

gboolean machine_boot_after_smp(CpuhpMachine *m) {
  const CpuhpProfile *p = m->p;
  if (m->boot.begun || !p->boot.modelled) return FALSE;
  m->boot.begun = TRUE;
  /* the BP leaves the window; the after-smp terms first, then the fixed rest (term n_terms) */
  if (m->host)
    for (guint c = 1; c < m->n_cpus; c++)
      if (m->cpus[c].state == m->table->online) sim_ps_set_load(m->host, c, p->boot.idle_load_pct / 100.0);
  m->boot.term = 0;
  while (m->boot.term < p->boot.n_terms && p->boot.terms[m->boot.term].phase != CPUHP_BOOT_AFTER_SMP) m->boot.term++;
  boot_piece(m);
  return TRUE;
}
