/* profile.h — a machine profile: typed, validated, loaded from YAML through libyaml.
 *
 * Contract:
 * - Loading is strict. Unknown keys, wrong types, bad units, negative durations, malformed
 *   `states:` entries and topologies that do not add up are errors. Every error is one line,
 *   "FILE:LINE:COL: message" (1-based, pointing at the offending node), or, for a value that
 *   came from an override, "--set KEY=VALUE: message".
 * - A profile knows no kernel: which state table it selects, whether its `states:` names are in
 *   that table and what every run of it shares are the kernel model's business
 *   (models/kernel/prepare.h), which therefore keeps the places it reports errors at (CpuhpLoc).
 * - Overrides ("KEY=VALUE", KEY a dotted path such as "topology.sockets" or
 *   "states.trace/RB:prepare.cost") are applied to the parsed document before it is typed, so
 *   they go through exactly the same checks. VALUE is YAML: a scalar or a flow mapping/sequence
 *   ("{dist: uniform, min: 1ms, max: 2ms}").
 * - Every key has a default in the schema table except those marked required; the schema can
 *   print itself (cpuhp_profile_schema_text), which is the documentation of the format.
 * - The fields are public because the models read them; nothing but the loader (and the kernel
 *   model's prepare step, for `prepared` and a state table's version) writes them. */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "sim/engine/rng.h"

#define CPUHP_PROFILE_ERROR (cpuhp_profile_error_quark())
GQuark cpuhp_profile_error_quark(void);
typedef enum {
  CPUHP_PROFILE_ERROR_IO,     /* cannot read the file */
  CPUHP_PROFILE_ERROR_SYNTAX, /* not YAML */
  CPUHP_PROFILE_ERROR_SCHEMA, /* unknown key, wrong type, missing required key */
  CPUHP_PROFILE_ERROR_VALUE,  /* well-typed but invalid: bad unit, negative, out of range,
                                 topology that does not add up */
} CpuhpProfileError;

/* Where a value was written: a file or a --set argument, and a 1-based line and column. */
typedef struct {
  char *source;            /* GRefString; NULL: not given */
  gboolean from_override;  /* `source` is a "--set KEY=VALUE" argument */
  guint line, col;
} CpuhpLoc;

/* Sets `error` (CPUHP_PROFILE_ERROR, `code`) to "FILE:LINE:COL: message", or "--set ARG:
 * message", for a place kept from loading. */
void cpuhp_profile_error_at(GError **error, CpuhpProfileError code, const CpuhpLoc *at,
                            const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/* Limit on topology size (CPUs after nr_cpus), refused above. */
#define CPUHP_PROFILE_MAX_CPUS 65536u

typedef enum {
  CPUHP_ENUM_PRIMARIES_FIRST, /* firmware lists every primary thread first (many servers) */
  CPUHP_ENUM_INTERLEAVED,     /* siblings adjacent: cpu = (pkg, core, thread) row-major (QEMU) */
} CpuhpEnumeration;

/* What runs the vCPUs (host.hypervisor). */
typedef enum {
  CPUHP_HYP_NONE,   /* bare metal, or a translator (QEMU TCG): no VM exits */
  CPUHP_HYP_KVM,
  CPUHP_HYP_HYPERV,
} CpuhpHypervisor;

/* VM exit types, as `perf kvm stat` names them on arm64. x86 maps onto the same classes:
 * VMCALL -> HVC64, HLT -> WFx, external interrupt -> IRQ, EPT violation -> DABT_LOW/IABT_LOW,
 * WRMSR/RDMSR/CPUID (ICR writes, identify) -> SYS64. */
typedef enum {
  CPUHP_EXIT_HVC64,    /* hypercall: PSCI CPU_ON */
  CPUHP_EXIT_WFX,      /* WFI/WFE (x86 HLT): the vCPU idles, e.g. a sleeping BP */
  CPUHP_EXIT_IRQ,      /* a host interrupt (tick) while the vCPU ran */
  CPUHP_EXIT_DABT_LOW, /* stage-2 data abort: first touch of memory, MMIO (GIC redistributor) */
  CPUHP_EXIT_SYS64,    /* trapped system register: ID registers, ICC_SGI1R (every IPI sent) */
  CPUHP_EXIT_IABT_LOW, /* stage-2 instruction abort */
  CPUHP_EXIT_N,
} CpuhpVmExit;
const char *cpuhp_vm_exit_name(CpuhpVmExit x);

typedef enum {
  CPUHP_NOSMT_OFF,   /* SMT on */
  CPUHP_NOSMT_ON,    /* nosmt: siblings booted once (x86 CR4.MCE), then rolled back */
  CPUHP_NOSMT_FORCE, /* nosmt=force: the same at boot; only forbids re-enabling later */
} CpuhpNosmt;

/* Per-state costs from the profile's `states:` mapping. */
typedef struct {
  char *name;        /* state name string (the kernel model checks it against its table) */
  int present;       /* -1: the table's at_boot default; 0: absent; 1: present */
  SimDist *costs;    /* one per instance (multi-instance states), else exactly one */
  guint n_costs;     /* 0 when the entry only changes `present` */
  /* Callbacks that walk CPU masks (workqueue_online_cpu's for_each_cpu over the pod, ...):
   * ns added per possible CPU, and per CPU in cpu_online_mask when the callback starts. */
  int64_t per_possible_cpu, per_online_cpu;
  /* Where the entry says what only the state table can judge: its name; `present:`; its cost
   * of its own (the first of cost, instances, per_possible_cpu, per_online_cpu); `instances:`.
   * A place not given has a NULL source. */
  CpuhpLoc at, present_at, own_at, instances_at;
} CpuhpStateCost;

/* Where a whole-boot term runs: in the VMM before the kernel starts, in the kernel before
 * "smp: Bringing up secondary CPUs", or after "smp: Brought up" until "Run /init". */
typedef enum {
  CPUHP_BOOT_VMM,
  CPUHP_BOOT_BEFORE_SMP,
  CPUHP_BOOT_AFTER_SMP,
  CPUHP_BOOT_N_PHASES,
} CpuhpBootPhase;
const char *cpuhp_boot_phase_name(CpuhpBootPhase ph);

/* One named piece of the whole boot's per-CPU work (`boot.terms`). The BP does cost, plus
 * per_possible_cpu x N + per_possible_pair x N(N-1)/2 + per_possible_triple x N(N-1)(N-2)/6
 * for N possible CPUs (loops over CPUs nested in loops over CPUs), plus per_online_cpu and
 * per_online_pair for the CPUs online then, of work; then sends `broadcasts` IPIs to every
 * other online CPU and waits for them all, makes `round_trips` sweeps of one IPI at a time to every
 * other online CPU (smp_call_function_single(..., wait=1)), then waits `grace_periods` RCU grace
 * periods. */
typedef struct {
  char *name;
  CpuhpBootPhase phase;
  int64_t cost, per_possible_cpu, per_possible_pair, per_possible_triple, per_online_cpu, per_online_pair;
  guint broadcasts, round_trips, grace_periods;
  char *source;      /* where its numbers come from: required */
  CpuhpLoc at;
} CpuhpBootTerm;

typedef struct _CpuhpProfile {
  char *source;      /* path, or "<embedded>" */
  char *name;
  char *description;
  char *arch;        /* "x86_64" */

  struct {
    guint sockets, cores_per_socket, threads_per_core, numa_nodes;
    CpuhpEnumeration enumeration;
    guint nr_cpus;   /* 0: every CPU exists; else only logical CPUs 0..nr_cpus-1 (nr_cpus=) */
  } topology;

  struct {
    char *version;             /* selects the state table */
    char *state_table;         /* a state table in YAML; its version replaces kernel.version */
    gboolean hotplug_parallel; /* CONFIG_HOTPLUG_PARALLEL */
    gboolean cpuhp_parallel;   /* cpuhp.parallel= */
    gboolean smt_primary_first;/* CONFIG_HOTPLUG_SMT: cpuhp_smt_aware() */
    gboolean parallel_veto;    /* arch_cpuhp_init_parallel_bringup() says no (SEV-ES, TDX) */
    guint hz;                  /* CONFIG_HZ: jiffy length for delay calibration */
    gboolean lpj_preset;       /* lpj= given (or kvmclock): APs skip delay calibration */
    int64_t smp_init_at;       /* boot time of "smp: Bringing up secondary CPUs" (trace clock) */
    int64_t alive_timeout;     /* cpuhp_wait_for_sync_state: 10 s */
    int64_t alive_spin;        /* ... polls this long before it starts sleeping: 1 ms */
    SimDist alive_sleep;       /* one usleep_range(1000, 2000) as it really sleeps */
    char *cmdline;             /* the kernel command line, as given (translated at load time) */
    CpuhpNosmt nosmt;          /* nosmt / nosmt=force */
    int maxcpus;               /* maxcpus= (setup_max_cpus); -1: no limit */
    guint nr_cpus;             /* nr_cpus=: possible CPUs; 0: no limit */
    gboolean tracing_at_boot;  /* trace_event=/ftrace= given: the ring buffer is expanded at boot */
    guint trace_buf_size;      /* trace_buf_size=, bytes per CPU when expanded */
    SimDist trace_rb_page;     /* trace_rb_cpu_prepare(): cost per ring-buffer page */
    guint trace_rb_global;     /* which trace/RB:prepare instance is the global trace buffer */
    guint first_kthread_pid;   /* pid of the first kthread created for CPU 1 */
    guint kthreads_per_cpu;    /* kthreads created per CPU in PREPARE (pids advance by this) */
  } kernel;

  struct {
    CpuhpHypervisor hypervisor;
    guint pcpus;               /* host CPUs the vCPUs share; 0: bare metal, each CPU its own */
    double spin_load_pct;      /* host share a spinning vCPU takes, % of a working one (3 decimals) */
    double idle_load_pct;      /* host share an online, idle vCPU still takes (ticks, housekeeping), % */
    gboolean idle_share;       /* idle and spin loads are fixed shares of the host, taken first
                                  (icount's clock); false: processor sharing by load */
    SimDist first_ap_cold;     /* extra work of the first AP released: a dynamic translator
                                  (QEMU TCG) translating the post-release AP code once */
    guint tick_hz;             /* host timer ticks per second on a busy host CPU: IRQ exits */
    double speed_pct;          /* host CPU speed against the host the costs were measured on, %:
                                  work under host.pcpus takes cost x 100 / speed */
    double idle_drag_pct;      /* each online vCPU besides the BP slows the working vCPUs by this
                                  % of their speed (its ticks wake threads on the host) */
    double tsc_lock_hold_pct;  /* QEMU TCG without icount: a vCPU thread the host preempts in a
                                  TSC-reading loop holds the one lock every RDTSC takes, % */
    double tsc_lock_requeue_pct; /* at each later host tick of such a stall, the host runs another
                                  waiting thread instead of the holder, % */
    gboolean idle_ticks_aligned; /* the idle vCPUs' ticks fire together (a tick device without a
                                  periodic mode): idle_load_pct is one burst per tick that the
                                  working vCPUs wait out, not a processor share */
    gboolean udelay_warps_to_tick; /* QEMU -icount: a udelay() while every other vCPU is halted
                                  or in PAUSE ends at the next tick of a running local timer
                                  (x86: the kick's, after the STARTUP IPI) */
    int64_t halt_poll;         /* KVM halt_poll_ns: a halted vCPU polls this long before blocking
                                  (adaptive: the most a vCPU's window grows to) */
    /* KVM's adaptive window (virt/kvm/kvm_main.c, kvm_vcpu_halt(), grow_/shrink_halt_poll_ns()) */
    gboolean halt_poll_adaptive;
    guint halt_poll_grow;          /* halt_poll_ns_grow */
    int64_t halt_poll_grow_start;  /* halt_poll_ns_grow_start */
    guint halt_poll_shrink;        /* halt_poll_ns_shrink: 0 resets the window */
    SimDist vcpu_wakeup;       /* a blocked vCPU, woken (IPI or timer), until it runs again */
    SimDist vcpu_reset;        /* a started vCPU's first entry (reset), on one host-wide lock */
    SimDist exit_cost[CPUHP_EXIT_N]; /* host time of one exit (HVC64: arm64.psci_cpu_on) */
    guint ap_exits[CPUHP_EXIT_N];    /* exits on each AP's own boot path, by type */
    /* KVM arm64 (docs/hypervisor.md): a GICv3 active-state MMIO access (each AP's ICACTIVER0
     * write in gic_cpu_config()) runs kvm_arm_halt_guest()/kvm_arm_resume_guest(): host time
     * per vCPU then in guest mode (kick, wait for its exit, wake it). 0: not modelled. */
    int64_t halt_guest_per_vcpu;
  } host;

  struct {
    SimDist wakeup;            /* a sleeping task woken from another CPU until it runs */
    SimDist spin_notice;       /* a spinning CPU sees a store from another CPU */
  } platform;

  struct {
    char *vendor;              /* "intel", "amd", "hygon", "other" */
    guint family;              /* CPUID family: decides init_udelay like smp_quirk_init_udelay */
    int init_udelay_us;        /* -1: as the kernel's quirk decides; else cpu_init_udelay= */
    SimDist icr_write;         /* one ICR write and wait-for-idle */
    SimDist kick_setup;        /* native_kick_ap before the IPIs */
    SimDist wakeup_primary;    /* STARTUP IPI to trampoline entry, primary thread */
    SimDist wakeup_secondary;  /* same for an SMT sibling */
    SimDist trampoline;        /* real-mode trampoline held under tr_lock */
    SimDist early_init;        /* head_64/start_secondary up to load_ucode_ap */
    SimDist microcode_apply;   /* load_ucode_ap that writes the patch (first thread of a core) */
    SimDist microcode_current; /* load_ucode_ap that finds the revision current */
    gboolean microcode_loader; /* FALSE: dis_ucode_ldr (and in every VM): no load at all */
    SimDist cpu_init;          /* after release: cpu_init .. before identify */
    SimDist identify;          /* identify_secondary_cpu and the rest of ap_starting */
    gboolean constant_tsc;     /* X86_FEATURE_CONSTANT_TSC: calibration reuses CPU0's lpj */
    gboolean tsc_reliable;     /* tsc=reliable or X86_FEATURE_TSC_RELIABLE: no sync test */
    gboolean tsc_adjust;       /* X86_FEATURE_TSC_ADJUST: only a package's first CPU is tested */
    gboolean tsc_unsynchronized; /* unsynchronized_tsc(): no sync test, TSC not trusted */
    int64_t tsc_sync_first;    /* check_tsc_warp loop_timeout, package's first CPU: 20 ms */
    int64_t tsc_sync_other;    /* ... other CPUs: 2 ms */
    SimDist tsc_sync_overhead; /* IPI, start/stop_count rendezvous around the warp loop */
    guint tsc_sync_runs;       /* warp-test runs (TSC_ADJUST compensation retries), 1..3 */
    guint calibrate_jiffies;   /* jiffies calibrate_delay() spends when it must measure */
    SimDist online_tail;       /* set_cpu_online .. cpuhp_online_idle */
    int64_t sibling_map_per_cpu; /* set_cpu_sibling_map(): per CPU in cpu_sibling_setup_mask */
    /* The machine's size (x86_scale.c): what moving one cache line costs between two cores,
     * by how far apart their packages are, and how the packages are wired. All 0: no cost. */
    int64_t line_local;        /* between two cores of one package */
    int64_t line_hop;          /* added per socket-interconnect (UPI) hop */
    int64_t line_node_controller; /* between packages on two boards joined by node controllers */
    guint sockets_per_board;   /* packages wired all-to-all, one hop apart */
    guint glueless_max_sockets;/* above this many, boards are joined by node controllers */
    int64_t apicid_scan_per_cpu; /* head_64.S: one cpuid_to_apicid[] entry compared under tr_lock */
    gboolean uv_hub;           /* apic->wakeup_secondary_cpu = uv_wakeup_secondary (hub MMRs) */
    double store_line_pct;     /* a loop storing to many CPUs' lines: % of a line move per store */
  } x86;

  struct {
    char *conduit;             /* "hvc" (a hypervisor) or "smc" (firmware, TF-A) */
    SimDist psci_cpu_on;       /* the BP's PSCI CPU_ON call until it returns */
    SimDist power_on;          /* CPU_ON accepted until the AP runs secondary_entry */
    SimDist secondary_startup; /* head.S: EL setup, MMU on, __secondary_switched */
    SimDist start_kernel;      /* secondary_start_kernel() up to notify_cpu_starting() */
    SimDist online_tail;       /* ipi_setup, numa, "Booted secondary processor", set_cpu_online */
    int64_t siblings_per_cpu;  /* store_cpu_topology(): update_siblings_masks() per online CPU */
    int64_t bp_wait_per_cpu;   /* the BP's own work while it waits for the AP, per online CPU */
    int64_t cpu_running_timeout; /* __cpu_up(): wait_for_completion_timeout(&cpu_running) */
    /* Bare metal (TF-A) and the split-startup kernels (docs/arm64-baremetal.md). */
    char *alive_sync;          /* where the AP calls cpuhp_ap_sync_alive(): "start" of
                                  secondary_start_kernel (the RFC) or "after_caps" */
    SimDist cpu_caps;          /* check_local_cpu_capabilities() + cpu_postboot */
    SimDist warm_boot;         /* TF-A psci_warmboot_entrypoint, under the power-domain locks */
    char *fw_lock_level;       /* PLAT_MAX_PWR_LVL's node, whose lock the warm boot holds last:
                                  "system" (one lock) or "cluster" (one per cluster) */
    SimDist cluster_power_on;  /* extra power-up latency of the first CPU woken in a cluster */
    guint cores_per_cluster;   /* cores a cluster power domain holds; 0: no cluster level */
    guint console_baud;        /* serial console printing the APs' pr_info lines; 0: none/quiet */
    gboolean gic_its;          /* an ITS: each AP prints its LPI pending table line */
  } arm64;

  /* The whole boot around the bringup window (`boot:`); modelled only when the section is given. */
  struct {
    gboolean modelled;
    int64_t vmm;               /* VMM work before the kernel runs that does not depend on vCPUs */
    int64_t before_smp;        /* kernel entry to smp_init() on a 1-CPU boot */
    int64_t after_smp;         /* "smp: Brought up" to "Run /init" on a 1-CPU boot */
    double idle_load_pct;      /* host share an idle online vCPU takes after the window
                                  (default: host.idle_load_pct) */
    CpuhpBootTerm *terms;
    guint n_terms;
  } boot;

  CpuhpStateCost *states;
  guint n_states;
  guint *states_by_name; /* indices into states, sorted by name: cpuhp_profile_state() bisects */

  /* Where the keys that select the state table were written (the kernel.version place falls
   * back to arch's when the key is absent). */
  struct {
    CpuhpLoc arch, version, state_table;
  } at;

  /* What the kernel model builds once per load for every run of the profile to share
   * read-only (models/kernel/prepare.h); NULL until then. `free` releases it. */
  struct {
    struct _CpuhpTopology *topo;
    struct _CpuhpRows *rows;
    void (*free)(struct _CpuhpProfile *p);
  } prepared;
} CpuhpProfile;

/* Load and validate. `overrides` holds "KEY=VALUE" strings (may be NULL). A run needs the
 * profile prepared too: models/kernel/prepare.h loads and prepares in one call. */
CpuhpProfile *cpuhp_profile_load_file(const char *path, const GPtrArray *overrides,
                                      GError **error);
/* Same, from memory; `source_name` is what error messages call the file. */
CpuhpProfile *cpuhp_profile_load_data(const char *source_name, const char *yaml, gsize len,
                                      const GPtrArray *overrides, GError **error);
/* The embedded default profile (scenarios/skl-2s-112t.yaml compiled in). */
CpuhpProfile *cpuhp_profile_load_default(const GPtrArray *overrides, GError **error);
void cpuhp_profile_free(CpuhpProfile *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CpuhpProfile, cpuhp_profile_free)

/* The profile's entry for a state name, or NULL. */
const CpuhpStateCost *cpuhp_profile_state(const CpuhpProfile *p, const char *name);
/* Pages of the global trace ring buffer trace/RB:prepare allocates per CPU (trace_buf_size
 * once tracing is on at boot, else the minimal buffer). */
guint64 cpuhp_ring_buffer_pages(const CpuhpProfile *p);
/* Number of logical CPUs that exist (topology product, cut by nr_cpus). */
guint cpuhp_profile_n_cpus(const CpuhpProfile *p);
/* The profile format, one key a line with type, default and meaning. */
void cpuhp_profile_schema_text(GString *out);
/* The same as rows of four strings each (key, type, default, meaning), in the text's order. */
GPtrArray *cpuhp_profile_schema_rows(void);
/* The base type of a scalar key ("bool", "uint", "int", "string", "duration", "dist", "enum",
 * "percent"), or NULL if `key` is not one. */
const char *cpuhp_profile_key_type(const char *key);
/* The embedded default profile's YAML text (what cpuhp_profile_load_default() parses). */
const char *cpuhp_profile_default_yaml(gsize *len);
