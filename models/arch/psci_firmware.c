/* psci_firmware.c — an arm64 AP on bare metal before and beside the kernel: PSCI CPU_ON served
 * by TF-A at EL3 (power-up by the platform's SCP, per cluster and per core; the warm boot under
 * the power-domain locks) and the serial console the AP prints its boot lines through.
 *
 * TF-A (lib/psci): psci_cpu_on_start() holds only the target's per-CPU lock, so the BP's calls
 * do not contend; psci_warmboot_entrypoint() takes the locks of every parent power domain up to
 * get_power_on_target_pwrlvl(), which is PLAT_MAX_PWR_LVL for a CPU that was off, so every warm
 * boot holds that level's node lock through psci_cpu_on_finish() (GIC redistributor wake-up, CPU
 * interface), the EL3 exit context and psci_set_pwr_domains_to_run(). With PLAT_MAX_PWR_LVL 2
 * (N1SDP, Morello, FVP) that node is the system's, one lock for every AP; with 1 (the Neoverse
 * RD platforms, QEMU virt) it is the AP's cluster, so APs of different clusters do not wait for
 * each other (arm64.fw_lock_level). */
#include "models/arch/arm64.h"

#include <stdarg.h>

/* The cluster power domain of `cpu`: its package and its core's index in the package over
 * cores_per_cluster. */
static guint cluster_of(const CpuhpMachine *m, guint cpu) {
  const CpuhpTopoCpu *t = m->cpus[cpu].topo;
  guint cps = m->p->topology.cores_per_socket;
  return t->package * cps + (t->core - t->package * cps) / m->p->arm64.cores_per_cluster;
}

void arm64_fw_setup(CpuhpMachine *m) {
  guint n = 1;
  if (g_str_equal(m->p->arm64.fw_lock_level, "cluster"))
    n = cpuhp_topology_n_packages(m->topo) * MAX(m->p->topology.cores_per_socket, 1);
  for (guint i = 0; i < n; i++) g_ptr_array_add(m->fw_locks, sim_lock_new(m->e));
}

static SimLock *fw_lock_of(CpuhpMachine *m, guint cpu) {
  if (m->fw_locks->len == 1) return g_ptr_array_index(m->fw_locks, 0);
  guint cl = m->p->arm64.cores_per_cluster ? cluster_of(m, cpu) : m->cpus[cpu].topo->core;
  g_assert(cl < m->fw_locks->len);
  return g_ptr_array_index(m->fw_locks, cl);
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

/* -- the warm boot on the power-domain lock -- */

static void ev_warm_boot_done(void *ctx, uint64_t cpu) {
  CpuhpMachine *m = ctx;
  sim_lock_release(fw_lock_of(m, (guint)cpu)); /* psci_release_pwr_domain_locks(), ERET */
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
  sim_lock_acquire(fw_lock_of(m, cpu), ev_warm_boot_locked, m, cpu);
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
