/* schema.c — the keys of the profile format, one row each: type, bounds, default and meaning.
 *
 * The table is the one place a key is described: binding (value or default) walks it, unknown
 * keys are checked and near misses suggested against it, freeing walks it, and it prints itself
 * as the documentation of the format (cpuhp_profile_schema_text). */
#include <stddef.h>
#include <string.h>

#include "models/profile/dist.h"
#include "models/profile/internal.h"

typedef enum { T_STRING, T_BOOL, T_UINT, T_INT, T_DURATION, T_DIST, T_ENUM, T_PERCENT } FieldType;

static const char *const type_names[] = {"string", "bool", "uint", "int", "duration", "dist",
                                         "enum", "percent"};

typedef struct {
  const char *key;             /* dotted path */
  FieldType type;
  size_t offset;               /* into CpuhpProfile */
  int64_t lo, hi;              /* UINT/INT/DURATION/PERCENT: bounds; STRING: lo = minimum length */
  const char *const *choices;  /* STRING/UINT: allowed values; ENUM: names in enum order */
  const char *def;             /* default as YAML text; NULL: required */
  const char *doc;
} Field;

static const char *const vendors[] = {"intel", "amd", "hygon", "other", NULL};
static const char *const conduits[] = {"hvc", "smc", NULL};
static const char *const alive_syncs[] = {"start", "after_caps", NULL};
static const char *const fw_lock_levels[] = {"system", "cluster", NULL};
static const char *const enumerations[] = {"primaries_first", "interleaved", NULL};
static const char *const hz_values[] = {"100", "250", "300", "1000", NULL};
static const char *const hypervisors[] = {"none", "kvm", "hyperv", NULL};
static const char *const nosmt_values[] = {"off", "on", "force", NULL};
G_STATIC_ASSERT(CPUHP_NOSMT_OFF == 0 && CPUHP_NOSMT_ON == 1 && CPUHP_NOSMT_FORCE == 2);
G_STATIC_ASSERT(CPUHP_HYP_NONE == 0 && CPUHP_HYP_KVM == 1 && CPUHP_HYP_HYPERV == 2);
G_STATIC_ASSERT(CPUHP_ENUM_PRIMARIES_FIRST == 0 && CPUHP_ENUM_INTERLEAVED == 1);

#define OFF(f) offsetof(CpuhpProfile, f)
#define STR(k, f, minlen, ch, def, doc) {k, T_STRING, OFF(f), minlen, 0, ch, def, doc}
#define BOOL(k, f, def, doc) {k, T_BOOL, OFF(f), 0, 0, NULL, def, doc}
#define UINT(k, f, lo, hi, def, doc) {k, T_UINT, OFF(f), lo, hi, NULL, def, doc}
/* Durations and distributions are bounded so that a whole run stays inside int64 ns (dist.h):
 * a cost by PROF_COST_MAX, a cost paid per item of a count by PROF_PER_ITEM_MAX. */
#define DUR(k, f, lo, hi, def, doc) {k, T_DURATION, OFF(f), lo, hi, NULL, def, doc}
#define DIST(k, f, def, doc) {k, T_DIST, OFF(f), 0, PROF_COST_MAX, NULL, def, doc}
#define DIST_PER_ITEM(k, f, def, doc) {k, T_DIST, OFF(f), 0, PROF_PER_ITEM_MAX, NULL, def, doc}
#define COST PROF_COST_MAX
#define PER_ITEM PROF_PER_ITEM_MAX
#define HOUR (INT64_C(3600) * 1000000000)
#define PCT(k, f, hi, def, doc) {k, T_PERCENT, OFF(f), 0, hi, NULL, def, doc}
#define WAKEUP_DEFAULT "{dist: uniform, min: 350us, max: 3.5ms}"
#define CPUS CPUHP_PROFILE_MAX_CPUS

static const Field fields[] = {
  STR("name", name, 1, NULL, NULL, "profile name, shown in reports"),
  STR("description", description, 0, NULL, "\"\"", "free text"),
  STR("arch", arch, 1, NULL, NULL, "architecture; with kernel.version selects the state table"),

  UINT("topology.sockets", topology.sockets, 1, CPUS, NULL, "packages"),
  UINT("topology.cores_per_socket", topology.cores_per_socket, 1, CPUS, NULL, "cores per package"),
  UINT("topology.threads_per_core", topology.threads_per_core, 1, 8, NULL, "SMT threads per core"),
  UINT("topology.numa_nodes", topology.numa_nodes, 0, CPUS, "0",
       "NUMA nodes; 0: one per socket; must divide the sockets or split each socket's cores"),
  {"topology.enumeration", T_ENUM, OFF(topology.enumeration), 0, 0, enumerations, "interleaved",
   "firmware CPU order: every primary thread first, or siblings adjacent"},
  UINT("topology.nr_cpus", topology.nr_cpus, 0, CPUS, "0",
       "nr_cpus=: only CPUs 0..nr_cpus-1 exist; 0: all"),

  STR("kernel.version", kernel.version, 1, NULL, "\"6.12\"",
      "kernel version: selects the state table"),
  STR("kernel.state_table", kernel.state_table, 0, NULL, "\"\"",
      "a state table in YAML, relative to the profile (base table + added/removed/moved states)"),
  BOOL("kernel.hotplug_parallel", kernel.hotplug_parallel, "true", "CONFIG_HOTPLUG_PARALLEL"),
  BOOL("kernel.cpuhp_parallel", kernel.cpuhp_parallel, "true", "cpuhp.parallel="),
  BOOL("kernel.smt_primary_first", kernel.smt_primary_first, "true",
       "CONFIG_HOTPLUG_SMT: bring up primary threads first"),
  BOOL("kernel.parallel_veto", kernel.parallel_veto, "false",
       "the arch refuses parallel bringup (SEV-ES, TDX)"),
  {"kernel.hz", T_UINT, OFF(kernel.hz), 1, G_MAXUINT, hz_values, "250",
   "CONFIG_HZ: jiffy length for delay calibration"},
  BOOL("kernel.lpj_preset", kernel.lpj_preset, "false",
       "lpj= given (or kvmclock): APs skip delay calibration"),
  DUR("kernel.smp_init_at", kernel.smp_init_at, 0, HOUR, "0",
      "boot time of \"smp: Bringing up secondary CPUs\""),
  DUR("kernel.alive_timeout", kernel.alive_timeout, 1, COST, "10s",
      "cpuhp_wait_for_sync_state gives up after this"),
  DUR("kernel.alive_spin", kernel.alive_spin, 0, COST, "1ms",
      "... and polls this long before it sleeps; <= alive_timeout"),
  DIST("kernel.alive_sleep", kernel.alive_sleep, "{dist: uniform, min: 1ms, max: 2ms}",
       "one usleep_range(1000, 2000) as it really sleeps"),
  STR("kernel.cmdline", kernel.cmdline, 0, NULL, "\"\"",
      "kernel command line; its modelled parameters override the keys they stand for"),
  {"kernel.nosmt", T_ENUM, OFF(kernel.nosmt), 0, 0, nosmt_values, "off",
   "nosmt: siblings booted once then rolled back; force: the same at boot"},
  {"kernel.maxcpus", T_INT, OFF(kernel.maxcpus), -1, CPUS, NULL, "-1",
   "maxcpus=: CPUs brought up at boot, the boot CPU included; -1: all"},
  UINT("kernel.nr_cpus", kernel.nr_cpus, 0, CPUS, "0", "nr_cpus=: possible CPUs (cut at the topology); 0: all"),
  BOOL("kernel.tracing_at_boot", kernel.tracing_at_boot, "false",
       "trace_event=/ftrace= on the command line: ring buffer expanded at boot"),
  UINT("kernel.trace_buf_size", kernel.trace_buf_size, 1, G_MAXUINT, "1441792",
       "trace_buf_size=: ring buffer bytes per CPU once expanded"),
  DIST_PER_ITEM("kernel.trace_rb_page", kernel.trace_rb_page, "0",
       "trace_rb_cpu_prepare: cost of one ring-buffer page of the global buffer"),
  UINT("kernel.trace_rb_global", kernel.trace_rb_global, 0, 63, "0",
       "index of the global trace buffer among the trace/RB:prepare instances"),
  UINT("kernel.first_kthread_pid", kernel.first_kthread_pid, 2, 4194304 /* PID_MAX_LIMIT */, "25",
       "pid of the first kthread created for CPU 1"),
  UINT("kernel.kthreads_per_cpu", kernel.kthreads_per_cpu, 1, 1000, "6",
       "kthreads created per CPU in PREPARE"),

  {"host.hypervisor", T_ENUM, OFF(host.hypervisor), 0, 0, hypervisors, "none",
   "what runs the vCPUs: none (bare metal or a translator), kvm, hyperv; the last two count VM exits"},
  UINT("host.pcpus", host.pcpus, 0, CPUS, "0",
       "host CPUs the vCPU threads share (processor sharing); 0: bare metal, each CPU its own"),
  PCT("host.spin_load_pct", host.spin_load_pct, 1000, "100",
       "host share a spinning vCPU takes, in % of a working one (a PAUSE exit may yield it)"),
  PCT("host.idle_load_pct", host.idle_load_pct, 1000, "0",
       "host share an online, idle vCPU still takes, in % (timer ticks, translator housekeeping)"),
  BOOL("host.idle_share", host.idle_share, "false",
       "idle/spin loads are fixed shares taken first, workers share the rest (-icount clock)"),
  DIST("host.first_ap_cold", host.first_ap_cold, "0",
       "extra work of the first AP released (a translator such as TCG meeting the AP code once)"),
  {"host.speed_pct", T_PERCENT, OFF(host.speed_pct), 1, 1000, NULL, "100",
   "host CPU speed against the host the profile was calibrated on: work under host.pcpus takes cost x 100 / speed"},
  PCT("host.idle_drag_pct", host.idle_drag_pct, 100, "0",
      "each online vCPU besides the BP slows every working vCPU by this % of its speed (host wake-ups of its ticks)"),
  PCT("host.tsc_lock_hold_pct", host.tsc_lock_hold_pct, 100, "0",
      "QEMU TCG without icount: % chance that a vCPU the host preempts in a TSC-reading loop holds the lock every RDTSC takes"),
  PCT("host.tsc_lock_requeue_pct", host.tsc_lock_requeue_pct, 99, "0",
      "at each later host tick of a TSC-lock stall, % chance the host runs another waiting thread instead of the holder"),
  BOOL("host.idle_ticks_aligned", host.idle_ticks_aligned, "false",
       "idle vCPUs' ticks fire together (arm64 arch timer): host.idle_load_pct per idle vCPU is a burst the workers wait out"),
  BOOL("host.udelay_warps_to_tick", host.udelay_warps_to_tick, "false",
       "QEMU -icount: the x86 kick's udelay() after the STARTUP IPI lasts to the next tick of a running local timer"),
  UINT("host.tick_hz", host.tick_hz, 0, 100000, "250",
       "host timer ticks/s on a busy host CPU; each one that lands on a running vCPU is an IRQ exit"),
  DUR("host.halt_poll", host.halt_poll, 0, COST, "0",
      "halt_poll_ns: a halted vCPU polls (burning a host CPU) this long before it blocks (adaptive: the most it polls)"),
  BOOL("host.halt_poll_adaptive", host.halt_poll_adaptive, "false",
       "KVM's per-vCPU window: starts at 0, grows after a short halt it missed, shrinks after a long one"),
  UINT("host.halt_poll_grow", host.halt_poll_grow, 0, 64, "2", "halt_poll_ns_grow: the window's growth factor (0: never grows)"),
  DUR("host.halt_poll_grow_start", host.halt_poll_grow_start, 0, COST, "10us",
      "halt_poll_ns_grow_start: the first window after 0"),
  UINT("host.halt_poll_shrink", host.halt_poll_shrink, 0, 64, "0",
       "halt_poll_ns_shrink: the window's divisor after a halt longer than host.halt_poll (0: back to 0)"),
  DIST("host.vcpu_wakeup", host.vcpu_wakeup, "0",
       "a blocked vCPU woken by an IPI or timer until it runs again (host wake-up, switch, entry)"),
  DIST("host.vcpu_reset", host.vcpu_reset, "0",
       "a vCPU's first entry after CPU_ON (reset), serialised on one host-wide lock"),
  DIST_PER_ITEM("host.exit_cost.wfx", host.exit_cost[CPUHP_EXIT_WFX], "0",
       "WFx exit whose wake-up the halt poll catches"),
  DIST_PER_ITEM("host.exit_cost.irq", host.exit_cost[CPUHP_EXIT_IRQ], "0", "one IRQ exit"),
  DIST_PER_ITEM("host.exit_cost.dabt_low", host.exit_cost[CPUHP_EXIT_DABT_LOW], "0",
       "one stage-2 data abort (fault-in or MMIO emulation)"),
  DIST_PER_ITEM("host.exit_cost.sys64", host.exit_cost[CPUHP_EXIT_SYS64], "0",
       "one trapped system register access (also each IPI sent)"),
  DIST_PER_ITEM("host.exit_cost.iabt_low", host.exit_cost[CPUHP_EXIT_IABT_LOW], "0", "one stage-2 instruction abort"),
  UINT("host.ap_exits.dabt_low", host.ap_exits[CPUHP_EXIT_DABT_LOW], 0, 1000000, "0",
       "DABT_LOW exits on each AP's way to ALIVE (first touch, MMIO; x86: EPT violations)"),
  UINT("host.ap_exits.sys64", host.ap_exits[CPUHP_EXIT_SYS64], 0, 1000000, "0",
       "SYS64 exits on each AP's way after release (arm64 ID registers; x86 CPUID/MSR in identify)"),
  UINT("host.ap_exits.iabt_low", host.ap_exits[CPUHP_EXIT_IABT_LOW], 0, 1000000, "0",
       "IABT_LOW exits on each AP's way to ALIVE"),
  /* KVM arm64: the vgic halting the guest (docs/hypervisor.md) */
  DUR("host.halt_guest_per_vcpu", host.halt_guest_per_vcpu, 0, PER_ITEM, "0",
      "KVM GICv3: each AP's ICACTIVER0 write halts and resumes the guest, per vCPU in guest mode"),

  DIST("platform.wakeup", platform.wakeup, "5us",
       "a sleeping task woken from another CPU until it runs"),
  DIST("platform.spin_notice", platform.spin_notice, "100ns",
       "a spinning CPU sees a store from another CPU"),

  STR("x86.vendor", x86.vendor, 1, vendors, "intel", "CPU vendor"),
  UINT("x86.family", x86.family, 0, G_MAXUINT, "6", "CPUID family (decides the init_udelay quirk)"),
  {"x86.init_udelay_us", T_INT, OFF(x86.init_udelay_us), -1, G_MAXINT, NULL, "-1",
   "cpu_init_udelay=; -1: as the kernel's quirk decides"},
  DIST("x86.icr_write", x86.icr_write, "1us", "one ICR write and wait-for-idle"),
  DIST("x86.kick_setup", x86.kick_setup, "20us", "native_kick_ap before the IPIs"),
  DIST("x86.wakeup_primary", x86.wakeup_primary, WAKEUP_DEFAULT,
       "STARTUP IPI to trampoline entry, primary thread"),
  DIST("x86.wakeup_secondary", x86.wakeup_secondary, WAKEUP_DEFAULT,
       "STARTUP IPI to trampoline entry, SMT sibling"),
  DIST("x86.trampoline", x86.trampoline, "2us", "real-mode trampoline held under tr_lock"),
  DIST("x86.early_init", x86.early_init, "20us", "head_64/start_secondary up to load_ucode_ap"),
  DIST("x86.microcode_apply", x86.microcode_apply, "0",
       "load_ucode_ap that writes the patch (first thread of a core)"),
  DIST("x86.microcode_current", x86.microcode_current, "0",
       "load_ucode_ap that finds the revision current"),
  BOOL("x86.microcode_loader", x86.microcode_loader, "true", "false: dis_ucode_ldr / VM, no load"),
  DIST("x86.cpu_init", x86.cpu_init, "10us", "after release: cpu_init .. before identify"),
  DIST("x86.identify", x86.identify, "99us", "identify_secondary_cpu and the rest of ap_starting"),
  BOOL("x86.constant_tsc", x86.constant_tsc, "true",
       "X86_FEATURE_CONSTANT_TSC: calibration reuses CPU0's lpj"),
  BOOL("x86.tsc_reliable", x86.tsc_reliable, "false", "tsc=reliable: no TSC sync test"),
  BOOL("x86.tsc_adjust", x86.tsc_adjust, "true",
       "X86_FEATURE_TSC_ADJUST: only a package's first CPU is tested"),
  BOOL("x86.tsc_unsynchronized", x86.tsc_unsynchronized, "false",
       "unsynchronized_tsc(): no sync test, TSC not trusted"),
  DUR("x86.tsc_sync_first", x86.tsc_sync_first, 0, COST, "20ms",
      "check_tsc_warp loop, package's first CPU"),
  DUR("x86.tsc_sync_other", x86.tsc_sync_other, 0, COST, "2ms", "check_tsc_warp loop, other CPUs"),
  DIST("x86.tsc_sync_overhead", x86.tsc_sync_overhead, "10us",
       "IPI and rendezvous around the warp loop"),
  UINT("x86.tsc_sync_runs", x86.tsc_sync_runs, 1, 3, "1", "warp-test runs (TSC_ADJUST retries)"),
  UINT("x86.calibrate_jiffies", x86.calibrate_jiffies, 1, 1000, "20",
       "jiffies calibrate_delay() spends when it must measure"),
  DIST("x86.online_tail", x86.online_tail, "10us", "set_cpu_online .. cpuhp_online_idle"),
  DUR("x86.sibling_map_per_cpu", x86.sibling_map_per_cpu, 0, PER_ITEM, "0",
      "set_cpu_sibling_map(): per CPU already in cpu_sibling_setup_mask (the match_* walk)"),
  /* the machine's size: cache-line transfers by distance (models/arch/x86_scale.c) */
  DUR("x86.line_local", x86.line_local, 0, PER_ITEM, "0",
      "one cache line moved between two cores of one package"),
  DUR("x86.line_hop", x86.line_hop, 0, PER_ITEM, "0",
      "added to x86.line_local per socket-interconnect (UPI) hop"),
  DUR("x86.line_node_controller", x86.line_node_controller, 0, PER_ITEM, "0",
      "one cache line moved between packages on boards joined by node controllers"),
  UINT("x86.sockets_per_board", x86.sockets_per_board, 1, 1024, "4",
       "packages wired all-to-all (one hop apart) on one board"),
  UINT("x86.glueless_max_sockets", x86.glueless_max_sockets, 1, 1024, "8",
       "largest glueless machine (two hops at most); above it node controllers join the boards"),
  DUR("x86.apicid_scan_per_cpu", x86.apicid_scan_per_cpu, 0, PER_ITEM, "0",
      "head_64.S (parallel bringup): one cpuid_to_apicid[] entry compared, under tr_lock"),
  PCT("x86.store_line_pct", x86.store_line_pct, 100, "0",
      "a loop storing into every CPU's per-CPU data pays this % of a line move per store"),
  BOOL("x86.uv_hub", x86.uv_hub, "false",
       "wakeup_secondary_cpu = uv_wakeup_secondary: INIT and STARTUP as two hub MMR writes"),

  STR("arm64.conduit", arm64.conduit, 1, conduits, "hvc", "PSCI conduit: hvc (hypervisor) or smc (firmware)"),
  DIST("arm64.psci_cpu_on", arm64.psci_cpu_on, "20us", "the BP's PSCI CPU_ON call until it returns"),
  DIST("arm64.power_on", arm64.power_on, "100us", "CPU_ON accepted until the AP runs (VM: secondary_entry; TF-A: warm entry)"),
  DIST("arm64.secondary_startup", arm64.secondary_startup, "50us", "head.S: EL setup, MMU on, __secondary_switched"),
  DIST("arm64.start_kernel", arm64.start_kernel, "100us", "secondary_start_kernel up to notify_cpu_starting"),
  DIST("arm64.online_tail", arm64.online_tail, "50us", "ipi_setup .. set_cpu_online, complete(cpu_running)"),
  DUR("arm64.siblings_per_cpu", arm64.siblings_per_cpu, 0, PER_ITEM, "0",
      "store_cpu_topology(): update_siblings_masks() per online CPU it walks"),
  DUR("arm64.bp_wait_per_cpu", arm64.bp_wait_per_cpu, 0, PER_ITEM, "0",
      "the BP's own work (wake-ups, scheduling) while it waits for the AP, per online CPU"),
  DUR("boot.vmm", boot.vmm, 0, COST, "0", "VMM set-up before the kernel runs, not per vCPU (vCPU costs: boot.terms)"),
  DUR("boot.before_smp", boot.before_smp, 0, COST, "0",
      "kernel entry to \"smp: Bringing up secondary CPUs\" on a 1-CPU boot"),
  DUR("boot.after_smp", boot.after_smp, 0, COST, "0",
      "\"smp: Brought up\" to \"Run /init\" on a 1-CPU boot"),
  PCT("boot.idle_load_pct", boot.idle_load_pct, 100, "host.idle_load_pct",
      "host share an idle online vCPU takes after the window, %"),
  DUR("arm64.cpu_running_timeout", arm64.cpu_running_timeout, 1, COST, "5s", "__cpu_up waits this long for cpu_running"),
  /* bare metal (TF-A) and the split-startup kernels: docs/arm64-baremetal.md */
  STR("arm64.alive_sync", arm64.alive_sync, 1, alive_syncs, "start",
      "where the AP reports alive: start of secondary_start_kernel (RFC) or after_caps"),
  DIST("arm64.cpu_caps", arm64.cpu_caps, "0", "check_local_cpu_capabilities() and cpu_postboot"),
  DIST("arm64.warm_boot", arm64.warm_boot, "0", "TF-A warm boot to the kernel, under the power-domain locks"),
  STR("arm64.fw_lock_level", arm64.fw_lock_level, 1, fw_lock_levels, "system",
      "TF-A PLAT_MAX_PWR_LVL: the warm boots share one system lock, or one per cluster"),
  DIST("arm64.cluster_power_on", arm64.cluster_power_on, "0", "extra power-up latency of a cluster's first CPU"),
  UINT("arm64.cores_per_cluster", arm64.cores_per_cluster, 0, 1024, "0", "cores per cluster power domain; 0: none"),
  UINT("arm64.console_baud", arm64.console_baud, 0, 4000000, "0",
       "serial console baud rate for the APs' pr_info lines; 0: no console (or quiet)"),
  BOOL("arm64.gic_its", arm64.gic_its, "false", "GICv3 ITS: each AP prints its LPI pending table"),
};

static const Field *field_by_key(const char *key) {
  for (guint i = 0; i < G_N_ELEMENTS(fields); i++)
    if (strcmp(fields[i].key, key) == 0) return &fields[i];
  return NULL;
}

/* A section is a proper dotted prefix of some row ("x86"). */
static gboolean is_section(const char *path) {
  gsize n = strlen(path);
  for (guint i = 0; i < G_N_ELEMENTS(fields); i++)
    if (strncmp(fields[i].key, path, n) == 0 && fields[i].key[n] == '.') return TRUE;
  return FALSE;
}

const YtNode *prof_node_at(const YtNode *root, const char *path, gboolean nearest) {
  g_auto(GStrv) parts = g_strsplit(path, ".", -1);
  const YtNode *n = root;
  for (guint i = 0; parts[i]; i++) {
    const YtNode *next = n->kind == YT_MAPPING ? yt_mapping_get(n, parts[i]) : NULL;
    if (!next) return nearest ? n : NULL;
    n = next;
  }
  return n;
}

static char *choices_text(const char *const *choices, const char *sep) {
  return g_strjoinv(sep, (char **)choices);
}

/* ---- unknown keys ---- */

/* Levenshtein distance, for "did you mean". */
static guint edit_distance(const char *a, const char *b) {
  gsize la = strlen(a), lb = strlen(b);
  g_autofree guint *row = g_new(guint, lb + 1);
  for (gsize j = 0; j <= lb; j++) row[j] = (guint)j;
  for (gsize i = 1; i <= la; i++) {
    guint diag = row[0];
    row[0] = (guint)i;
    for (gsize j = 1; j <= lb; j++) {
      guint up = row[j];
      guint best = MIN(up, row[j - 1]) + 1;
      row[j] = MIN(best, diag + (a[i - 1] != b[j - 1]));
      diag = up;
    }
  }
  return row[lb];
}

/* The known key (or section) nearest to an unknown one, or NULL. Caller frees. */
static char *closest_key(const char *path) {
  if (strlen(path) > 80) return NULL;
  const char *leaf = strrchr(path, '.');
  leaf = leaf ? leaf + 1 : path;
  g_autofree char *best = NULL;
  guint best_d = 3; /* suggest only near misses */
  for (guint i = 0; i < G_N_ELEMENTS(fields); i++) {
    const char *k = fields[i].key, *kleaf = strrchr(k, '.');
    g_autofree char *section = kleaf ? g_strndup(k, (gsize)(kleaf - k)) : NULL;
    guint d = edit_distance(path, k);
    if (kleaf && strcmp(kleaf + 1, leaf) == 0) d = MIN(d, 1u); /* right key, wrong section */
    if (d < best_d) g_free(best), best = g_strdup(k), best_d = d;
    if (section && !strchr(path, '.') && (d = edit_distance(path, section)) < best_d)
      g_free(best), best = g_steal_pointer(&section), best_d = d;
  }
  return g_steal_pointer(&best);
}

static gboolean unknown_key(const YtNode *key, const char *path, GError **error) {
  g_autofree char *q = yt_quote(path), *hint = closest_key(path);
  if (hint) return FAIL(key, SCHEMA, "unknown key %s (did you mean '%s'?)", q, hint);
  return FAIL(key, SCHEMA, "unknown key %s", q);
}

gboolean prof_check_keys(const YtNode *map, const char *prefix, GError **error) {
  for (guint i = 0; i < map->keys->len; i++) {
    const YtNode *k = g_ptr_array_index(map->keys, i), *v = g_ptr_array_index(map->items, i);
    g_autofree char *path = prefix ? g_strconcat(prefix, ".", k->text, NULL) : g_strdup(k->text);
    if (!prefix && strcmp(path, "states") == 0) continue;
    if (strcmp(path, "boot.terms") == 0) continue; /* bound by boot.c */
    if (strchr(k->text, '.')) { /* would pass the lookup below, but binding walks nested maps */
      g_autofree char *q = yt_quote(path);
      return FAIL(k, SCHEMA, "unknown key %s: dotted keys must be written as nested mappings", q);
    }
    if (field_by_key(path)) continue;
    if (!is_section(path)) return unknown_key(k, path, error);
    if (yt_is_null(v)) continue;
    if (v->kind != YT_MAPPING)
      return FAIL(v, SCHEMA, "'%s' must be a mapping, got %s", path, yt_kind_name(v));
    if (!prof_check_keys(v, path, error)) return FALSE;
  }
  return TRUE;
}

/* ---- binding ---- */

static gboolean check_bounds(const Field *f, const YtNode *n, int64_t v, gboolean overflow,
                             int64_t type_lo, int64_t type_hi, GError **error) {
  if (!overflow && v >= f->lo && v <= f->hi) return TRUE;
  g_autofree char *q = prof_shown(n);
  char lo[32], hi[32];
  if (f->type == T_DURATION) {
    sim_format_duration(f->lo, lo, sizeof lo);
    sim_format_duration(f->hi, hi, sizeof hi);
  } else {
    g_snprintf(lo, sizeof lo, "%" G_GINT64_FORMAT, f->lo);
    g_snprintf(hi, sizeof hi, "%" G_GINT64_FORMAT, f->hi);
  }
  if (f->lo > type_lo && f->hi < type_hi)
    return FAIL(n, VALUE, "%s must be between %s and %s, got %s", f->key, lo, hi, q);
  /* one bound is the type's: name the one crossed (an overflow is past it, on the sign's side) */
  gboolean below = overflow ? n->text[strspn(n->text, " \t")] == '-' : v < f->lo;
  if (below) return FAIL(n, VALUE, "%s must be at least %s, got %s", f->key, lo, q);
  return FAIL(n, VALUE, "%s must be at most %s, got %s", f->key, hi, q);
}

static gboolean bind_field(CpuhpProfile *prof, const Field *f, const YtNode *n, GError **error) {
  void *dst = (char *)prof + f->offset;
  const char *s;
  int64_t v = 0;
  gboolean overflow = FALSE;
  switch (f->type) {
  case T_STRING:
    if (!(s = prof_need_scalar(n, "a string", error))) return FALSE;
    if ((int64_t)strlen(s) < f->lo) return FAIL(n, VALUE, "%s must not be empty", f->key);
    if (f->choices && !g_strv_contains(f->choices, s)) {
      g_autofree char *q = prof_shown(n), *c = choices_text(f->choices, ", ");
      return FAIL(n, VALUE, "%s must be one of %s, got %s", f->key, c, q);
    }
    *(char **)dst = g_strdup(s);
    return TRUE;
  case T_BOOL:
    return prof_parse_bool(n, (gboolean *)dst, error);
  case T_UINT:
  case T_INT: {
    const char *what = f->type == T_UINT ? "an unsigned integer" : "an integer";
    if (!(s = prof_need_scalar(n, what, error))) return FALSE;
    if (!prof_parse_integer(s, f->type == T_INT, &v, &overflow)) {
      g_autofree char *q = prof_shown(n);
      return FAIL(n, SCHEMA, "expected %s, got %s", what, q);
    }
    gboolean is_uint = f->type == T_UINT;
    if (!check_bounds(f, n, v, overflow, is_uint ? 0 : G_MININT, is_uint ? G_MAXUINT : G_MAXINT,
                      error))
      return FALSE;
    if (f->choices) {
      gboolean found = FALSE;
      for (guint i = 0; f->choices[i]; i++)
        found |= g_ascii_strtoll(f->choices[i], NULL, 10) == v;
      if (!found) {
        g_autofree char *q = prof_shown(n), *c = choices_text(f->choices, ", ");
        return FAIL(n, VALUE, "%s must be one of %s, got %s", f->key, c, q);
      }
    }
    if (is_uint) *(guint *)dst = (guint)v;
    else *(int *)dst = (int)v;
    return TRUE;
  }
  case T_DURATION:
    if (!prof_parse_duration(n, INT64_MAX, &v, error)) return FALSE;
    if (!check_bounds(f, n, v, FALSE, 0, INT64_MAX, error)) return FALSE;
    *(int64_t *)dst = v;
    return TRUE;
  case T_DIST:
    return prof_parse_dist(n, f->hi, (SimDist *)dst, error);
  case T_PERCENT: {
    if (!prof_parse_percent(n, f->key, f->hi, (double *)dst, error)) return FALSE;
    if (*(double *)dst >= f->lo) return TRUE;
    g_autofree char *q = prof_shown(n);
    return FAIL(n, VALUE, "%s must be at least %" G_GINT64_FORMAT " %%, got %s", f->key, f->lo, q);
  }
  case T_ENUM: {
    if (!(s = prof_need_scalar(n, "a name", error))) return FALSE;
    for (guint i = 0; f->choices[i]; i++)
      if (strcmp(f->choices[i], s) == 0) {
        *(int *)dst = (int)i; /* the profile's enums are int-sized, listed in enum order */
        return TRUE;
      }
    g_autofree char *q = prof_shown(n), *c = choices_text(f->choices, ", ");
    return FAIL(n, VALUE, "expected one of %s, got %s", c, q);
  }
  }
  g_assert_not_reached();
}

/* Defaults are YAML text bound by the same code; a default that fails is a bug in the table. */
static void bind_default(CpuhpProfile *prof, const Field *f) {
  if (f->type == T_PERCENT && strchr(f->def, '.')) return; /* another key's value: boot.c binds it */
  g_autoptr(GError) err = NULL;
  g_autoptr(YtNode) n = yt_parse("<schema default>", FALSE, f->def, strlen(f->def),
                                 CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_SYNTAX, &err);
  if (!n || !bind_field(prof, f, n, &err))
    g_error("default of profile key %s is invalid: %s", f->key, err ? err->message : "empty");
}

gboolean prof_bind_fields(CpuhpProfile *prof, const YtNode *root, GError **error) {
  for (guint i = 0; i < G_N_ELEMENTS(fields); i++) {
    const Field *f = &fields[i];
    const YtNode *n = prof_node_at(root, f->key, FALSE);
    if (n) {
      if (!bind_field(prof, f, n, error)) return FALSE;
    } else if (f->def) {
      bind_default(prof, f);
    } else {
      return FAIL(prof_node_at(root, f->key, TRUE), SCHEMA, "missing required key '%s'", f->key);
    }
  }
  return TRUE;
}

void prof_free_fields(CpuhpProfile *prof) {
  for (guint i = 0; i < G_N_ELEMENTS(fields); i++) {
    void *f = (char *)prof + fields[i].offset;
    if (fields[i].type == T_STRING) g_free(*(char **)f);
    if (fields[i].type == T_DIST) sim_dist_clear((SimDist *)f);
  }
}

/* ---- the format as text ---- */

static char *type_text(const Field *f) {
  if (f->choices) {
    g_autofree char *c = choices_text(f->choices, "|");
    return g_strdup_printf("%s %s", type_names[f->type], c);
  }
  if (f->type == T_UINT || f->type == T_INT) {
    int64_t tmax = f->type == T_UINT ? G_MAXUINT : G_MAXINT;
    if (f->hi < tmax)
      return g_strdup_printf("%s %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT, type_names[f->type],
                             f->lo, f->hi);
    if (f->lo != 0) return g_strdup_printf("%s >=%" G_GINT64_FORMAT, type_names[f->type], f->lo);
  }
  if (f->type == T_DURATION && f->lo > 0) return g_strdup("duration >0");
  if (f->type == T_PERCENT) return g_strdup_printf("percent %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT, f->lo, f->hi);
  return g_strdup(type_names[f->type]);
}

static void schema_row(GPtrArray *rows, const char *key, char *type, const char *def, const char *doc) {
  char **row = g_new0(char *, 5);
  row[0] = g_strdup(key);
  row[1] = type;
  row[2] = g_strdup(def);
  row[3] = g_strdup(doc);
  g_ptr_array_add(rows, row);
}

GPtrArray *cpuhp_profile_schema_rows(void) {
  GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
  for (guint i = 0; i < G_N_ELEMENTS(fields); i++)
    schema_row(rows, fields[i].key, type_text(&fields[i]), fields[i].def ? fields[i].def : "(required)", fields[i].doc);
  schema_row(rows, "states", g_strdup("mapping"), "{}",
             "state name -> cost (dist) or {present: bool, cost: dist, instances: [dist], per_possible_cpu: duration, per_online_cpu: duration}");
  schema_row(rows, "boot.terms", g_strdup("mapping"), "{}",
             "term name -> {phase: vmm|before_smp|after_smp, cost, per_possible_cpu, per_possible_pair, per_possible_triple, per_online_cpu, per_online_pair: duration, broadcasts, round_trips, grace_periods: count, source: text (required)}");
  return rows;
}

const char *cpuhp_profile_key_type(const char *key) {
  const Field *f = field_by_key(key);
  return f ? type_names[f->type] : NULL;
}

void cpuhp_profile_schema_text(GString *out) {
  g_autoptr(GPtrArray) rows = cpuhp_profile_schema_rows();
  gsize w[3] = {0, 0, 0};
  for (guint i = 0; i < rows->len; i++)
    for (guint c = 0; c < 3; c++) w[c] = MAX(w[c], strlen(((char **)rows->pdata[i])[c]));
  for (guint i = 0; i < rows->len; i++) {
    char **r = rows->pdata[i];
    g_string_append_printf(out, "%-*s  %-*s  %-*s  %s\n", (int)w[0], r[0], (int)w[1], r[1],
                           (int)w[2], r[2], r[3]);
  }
}
