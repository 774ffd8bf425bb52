/* hypervisor.c — what a hypervisor adds to the simulated machine (host.hypervisor: kvm,
 * hyperv): VM exits counted by type with their host time, halt polling and the wake-up of a
 * blocked vCPU, the host-wide lock a started vCPU's first entry takes, and IRQ exits from host
 * ticks on busy host CPUs (so they grow with the number of vCPUs running at once). Bare metal
 * and translators (none) get none of it: every function is then a no-op returning 0.
 *
 * Why a sleeping wait costs more in a VM than a spinning one: the guest idles with WFI, KVM
 * polls for halt_poll ns (the vCPU keeps its host CPU; host.halt_poll_adaptive: for the vCPU's
 * own window, which KVM adapts after every halt) and then blocks the vCPU thread; a
 * wake-up that comes after that pays a host wake-up, a context switch and an entry
 * (host.vcpu_wakeup). A spinning vCPU (arm64 cpu_relax() is an untrapped `yield`) never exits,
 * but takes a host CPU from everybody else. */
#include "models/kernel/machine.h"

static gboolean vm(const CpuhpMachine *m) { return m->p->host.hypervisor != CPUHP_HYP_NONE; }

static int64_t draw_exits(CpuhpMachine *m, guint cpu, CpuhpVmExit x, guint64 n) {
  const SimDist *d = &m->p->host.exit_cost[x];
  if (d->kind == SIM_DIST_FIXED) return (int64_t)n * d->a;
  int64_t ns = 0;
  for (guint64 i = 0; i < n; i++)
    ns += machine_draw(m, d, cpu, PURPOSE_VM_EXIT + x, m->cpus[cpu].n_exit_draws++);
  return ns;
}

void machine_vm_exit_record(CpuhpMachine *m, CpuhpVmExit x, guint64 n, int64_t ns) {
  if (!vm(m)) return;
  m->res->vm_exits[x] += n;
  m->res->vm_exit_ns[x] += ns;
}

int64_t machine_vm_exits(CpuhpMachine *m, guint cpu, CpuhpVmExit x, guint64 n) {
  if (!vm(m) || !n) return 0;
  int64_t ns = draw_exits(m, cpu, x, n);
  machine_vm_exit_record(m, x, n, ns);
  return ns;
}

int64_t machine_vm_ap_exits(CpuhpMachine *m, guint cpu, CpuhpVmExit x) {
  return machine_vm_exits(m, cpu, x, m->p->host.ap_exits[x]);
}

static void ev_poll_end(void *ctx, uint64_t arg) {
  CpuhpMachine *m = ctx;
  guint cpu = (guint)(arg & 0xffffffffu);
  CpuhpCpu *c = &m->cpus[cpu];
  if (c->halted && c->halt_token == (guint)(arg >> 32)) sim_ps_set_load(m->host, cpu, c->rest_load);
}

/* KVM's adaptive window after a halt of halt_ns (kvm_vcpu_halt(): measured until the vCPU runs
 * again): a halt the window covered leaves it; one longer than the maximum shrinks it
 * (shrink_halt_poll_ns(): divided, or reset when the divisor is 0, and below grow_start it is
 * 0); a shorter one it missed grows it (grow_halt_poll_ns(): multiplied, at least grow_start),
 * never beyond the maximum. */
static void adapt_poll_window(const CpuhpMachine *m, CpuhpCpu *c, int64_t halt_ns) {
  const int64_t max = m->p->host.halt_poll, start = m->p->host.halt_poll_grow_start;
  int64_t w = c->poll_window;
  if (halt_ns <= w) return;
  if (w && halt_ns > max) {
    guint shrink = m->p->host.halt_poll_shrink;
    w = shrink ? w / shrink : 0;
    if (w < start) w = 0;
  } else if (w < max && halt_ns < max) {
    guint grow = m->p->host.halt_poll_grow;
    if (!grow) return;
    w *= grow;
    if (w < start) w = start;
  }
  c->poll_window = MIN(w, max);
}

/* How long this vCPU's halt polls; the adaptive window changes only when a halt ends. */
static int64_t poll_of(const CpuhpMachine *m, const CpuhpCpu *c) {
  return m->p->host.halt_poll_adaptive ? c->poll_window : m->p->host.halt_poll;
}

void machine_vcpu_halt(CpuhpMachine *m, guint cpu, double rest_load) {
  if (!vm(m)) return;
  CpuhpCpu *c = &m->cpus[cpu];
  c->halted = TRUE;
  c->halted_at = sim_engine_now(m->e);
  c->rest_load = rest_load;
  c->halt_token++;
  int64_t poll = poll_of(m, c);
  sim_ps_set_load(m->host, cpu, poll > 0 ? 1.0 : rest_load); /* polling takes a host CPU */
  if (poll > 0)
    sim_engine_schedule(m->e, poll, ev_poll_end, m, (uint64_t)c->halt_token << 32 | cpu);
}

int64_t machine_vcpu_wake(CpuhpMachine *m, guint cpu) {
  if (!vm(m)) return 0;
  CpuhpCpu *c = &m->cpus[cpu];
  if (!c->halted) return 0;
  c->halted = FALSE;
  c->halt_token++;
  sim_ps_set_load(m->host, cpu, 0);
  /* The waker's IPI: a trapped ICC_SGI1R write (x86: an ICR write) on the waking CPU. */
  int64_t ns = machine_vm_exits(m, cpu, CPUHP_EXIT_SYS64, 1);
  int64_t wfx, halted_ns = sim_engine_now(m->e) - c->halted_at;
  if (halted_ns < poll_of(m, c)) {
    wfx = draw_exits(m, cpu, CPUHP_EXIT_WFX, 1); /* the poll saw it: no schedule-out */
  } else {
    wfx = machine_draw(m, &m->p->host.vcpu_wakeup, cpu, PURPOSE_VCPU_WAKEUP, c->n_exit_draws++);
    m->res->vcpu_blocked_wakeups++;
  }
  machine_vm_exit_record(m, CPUHP_EXIT_WFX, 1, wfx);
  if (m->p->host.halt_poll_adaptive) adapt_poll_window(m, c, halted_ns + wfx);
  return ns + wfx;
}

/* -- a started vCPU's first entry: reset under the host-wide lock -- */

static void ev_reset_done(void *ctx, uint64_t cpu) {
  CpuhpMachine *m = ctx;
  sim_lock_release(m->vm_lock);
  machine_ap_resume(m, (guint)cpu, 0);
}

static void ev_reset_granted(void *ctx, uint64_t cpu) {
  CpuhpMachine *m = ctx;
  int64_t ns = machine_draw(m, &m->p->host.vcpu_reset, (guint)cpu, PURPOSE_VCPU_RESET, 0);
  sim_engine_schedule(m->e, ns, ev_reset_done, m, cpu);
}

ApStep machine_vcpu_first_entry(CpuhpMachine *m, guint cpu) {
  const SimDist *d = &m->p->host.vcpu_reset;
  if (!vm(m) || (d->kind == SIM_DIST_FIXED && d->a == 0)) return (ApStep){0, AP_NEXT, AP_WORK};
  sim_lock_acquire(m->vm_lock, ev_reset_granted, m, cpu);
  return (ApStep){0, AP_BLOCKED, AP_WORK};
}

void machine_vm_finish(CpuhpMachine *m) {
  if (!vm(m)) return;
  /* Host ticks land on whatever vCPU holds a host CPU: busy host CPU time x tick rate. */
  double busy = sim_ps_busy_ns(m->host);
  guint64 n = (guint64)(busy * m->p->host.tick_hz / 1e9 + 0.5);
  machine_vm_exits(m, 0, CPUHP_EXIT_IRQ, n);
  /* A vCPU preempted by the host scheduler leaves on the tick's IRQ exit and re-enters when it
   * runs again: `perf kvm stat` counts that wait in the IRQ exit's time (the RFC's IRQ exits
   * average 1.2-2.3 ms). Processor sharing spreads the same wait over all work; it is charged
   * here, once, and the exits taken during work (a hypercall) keep their own handling time. */
  if (n) machine_vm_exit_record(m, CPUHP_EXIT_IRQ, 0, (int64_t)(sim_ps_wait_ns(m->host) + 0.5));
  m->res->host_busy_ns = (int64_t)(busy + 0.5);
  m->res->vm = TRUE;
}
