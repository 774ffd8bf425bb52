/* psci_firmware.c — an arm64 AP on bare metal before and beside the kernel: PSCI CPU_ON served
 * by TF-A at EL3 (power-up by the platform's SCP, per cluster and per core; the warm boot under
 * the power-domain locks) and the serial console the AP prints its boot lines through.
 *
 * TF-A (lib/psci): psci_cpu_on_start() holds only the target's per-CPU lock, so the BP's calls
 * do not contend; psci_warmboot_entrypoint() takes the locks of every parent power domain up to
 * get_power_on_target_pwrlvl(), which is PLAT_MAX_PWR_LVL for a CPU that was off, so every warm
 * boot holds the root node's lock through psci_cpu_on_finish() (GIC redistributor wake-up, CPU
 * interface), the EL3 exit context and psci_set_pwr_domains_to_run(). */
#include "models/arch/arm64.h"

#include <stdarg.h>

/* The cluster power domain of `cpu`: its package and its core's index in the package over
 * cores_per_cluster. */
static guint cluster_of(const CpuhpMachine *m, guint cpu) {
  const CpuhpTopoCpu *t = m->cpus[cpu].topo;
  guint cps = m->p->topology.cores_per_socket;
  return t->package * cps + (t->core - t->package * cps) / m->p->arm64.cores_per_cluster;
}

/* No other CPU of the cluster runs: not the BP's, and none kicked before. */
static gboolean cluster_is_off(CpuhpMachine *m, guint cpu) {
  guint cl = cluster_of(m, cpu);
  for (guint c = 0; c < m->n_cpus; c++) {
    if (c == cpu || cluster_of(m, c) != cl) continue;
    if (c == 0 || m->res->cpus[c].kick >= 0) return FALSE;
  }
  return TRUE;
}

ApStep arm64_fw_power_on(CpuhpMachine *m, guint cpu) {
  int64_t ns = machine_draw(m, &m->p->arm64.power_on, cpu, PURPOSE_WAKEUP, 0);
  if (m->p->arm64.cores_per_cluster && cluster_is_off(m, cpu))
    ns += machine_draw(m, &m->p->arm64.cluster_power_on, cpu, PURPOSE_WAKEUP, 1);
  m->res->cpus[cpu].wakeup_ns = ns;
  return (ApStep){ns, AP_NEXT, AP_LATENCY};
}

/* -- the warm boot on the root power-domain lock -- */

static void ev_warm_boot_done(void *ctx, uint64_t cpu) {
  CpuhpMachine *m = ctx;
  sim_lock_release(m->fw_lock); /* psci_release_pwr_domain_locks(), then ERET to the kernel */
  machine_ap_resume(m, (guint)cpu, 0);
}

static void ev_warm_boot_locked(void *ctx, uint64_t cpu) {
  CpuhpMachine *m = ctx;
  int64_t ns = machine_draw(m, &m->p->arm64.warm_boot, (guint)cpu, PURPOSE_EARLY_INIT, 1);
  sim_engine_schedule(m->e, ns, ev_warm_boot_done, m, cpu);
}

ApStep arm64_fw_warm_boot(CpuhpMachine *m, guint cpu) {
  const SimDist *d = &m->p->arm64.warm_boot;
  if (d->kind == SIM_DIST_FIXED && d->a == 0) return (ApStep){0, AP_NEXT, AP_WORK};
  sim_lock_acquire(m->fw_lock, ev_warm_boot_locked, m, cpu);
  return (ApStep){0, AP_BLOCKED, AP_WORK};
}

/* -- the console -- */

/* MPIDR as these servers lay it out (Aff2 package, Aff1 core) and an N1 r3p1 MIDR; the
 * addresses stand for the firmware's: the lines' lengths, which set their time, are those of
 * the kernel's formats (fixed-width %010lx, %08x and %pa). */
#define ARM64_MIDR 0x413fd0c1u
#define RDIST_BASE 0x100100140000ull
#define LPI_BASE 0x80000000ull

static gsize log_line(CpuhpMachine *m, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static gsize log_line(CpuhpMachine *m, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *text = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  cpuhp_result_log_text(m->res, m->p->kernel.smp_init_at + sim_engine_now(m->e), text);
  return strlen(text);
}

int64_t arm64_console_line(CpuhpMachine *m, guint cpu, Arm64ConsoleLine line) {
  guint baud = m->p->arm64.console_baud;
  if (!baud) return 0;
  const CpuhpTopoCpu *t = m->cpus[cpu].topo;
  guint core = t->core - t->package * m->p->topology.cores_per_socket;
  guint64 mpidr = (guint64)t->package << 16 | (guint64)core << 8 | t->thread;
  gsize len = 0;
  switch (line) {
  case ARM64_LINE_ICACHE:
    len = log_line(m, "Detected PIPT I-cache on CPU%u", cpu);
    break;
  case ARM64_LINE_RDIST:
    len = log_line(m, "GICv3: CPU%u: found redistributor %" G_GINT64_MODIFIER "x region %u:0x%016" G_GINT64_MODIFIER "x",
                   cpu, mpidr, t->package, (guint64)(RDIST_BASE + ((guint64)t->package << 40) + (guint64)core * 0x20000));
    break;
  case ARM64_LINE_LPI:
    if (!m->p->arm64.gic_its) return 0;
    len = log_line(m, "GICv3: CPU%u: using allocated LPI pending table @0x%016" G_GINT64_MODIFIER "x", cpu,
                   (guint64)(LPI_BASE + (guint64)cpu * 0x10000));
    break;
  case ARM64_LINE_BOOTED:
    len = log_line(m, "CPU%u: Booted secondary processor 0x%010" G_GINT64_MODIFIER "x [0x%08x]", cpu, mpidr,
                   ARM64_MIDR);
    break;
  }
  /* "[%5lu.%06lu] " (printk.time) before it, "\r\n" after (uart_console_write); 8N1 framing:
   * 10 bits a character. */
  guint64 chars = 15 + len + 2;
  return (int64_t)(chars * 10 * G_GUINT64_CONSTANT(1000000000) / baud);
}
