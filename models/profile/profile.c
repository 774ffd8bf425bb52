/* profile.c — machine profiles: YAML tree + overrides, bound to CpuhpProfile by a schema table.
 *
 * The pipeline is parse (yamltree.c) -> apply --set overrides to the tree -> reject unknown
 * keys -> bind every schema row (value or default) -> bind `states` -> cross-field checks.
 * Overrides edit the tree, not the struct, so they pass exactly the checks the file does. */
#include "models/profile/profile.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "models/profile/cmdline.h"
#include "models/kernel/rows.h"
#include "models/kernel/topology.h"
#include "models/profile/yamltree.h"

G_DEFINE_QUARK(cpuhp-profile-error-quark, cpuhp_profile_error)

#define MAX_PROFILE_BYTES (16u << 20)
#define MAX_INSTANCES 64u
#define MAX_SAMPLES 1000000u
#define MAX_OVERRIDE_DEPTH 16u

extern const char cpuhp_default_profile_yaml[];
extern const size_t cpuhp_default_profile_yaml_len;

/* Sets *error at node `at` and evaluates to FALSE (needs `error` in scope). */
#define FAIL(at, code, ...) \
  (yt_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_##code, at, __VA_ARGS__), FALSE)

/* ---- the schema ---- */

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
#define DUR(k, f, lo, def, doc) {k, T_DURATION, OFF(f), lo, INT64_MAX, NULL, def, doc}
#define DIST(k, f, def, doc) {k, T_DIST, OFF(f), 0, 0, NULL, def, doc}
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
  DUR("kernel.smp_init_at", kernel.smp_init_at, 0, "0",
      "boot time of \"smp: Bringing up secondary CPUs\""),
  DUR("kernel.alive_timeout", kernel.alive_timeout, 1, "10s",
      "cpuhp_wait_for_sync_state gives up after this"),
  DUR("kernel.alive_spin", kernel.alive_spin, 0, "1ms",
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
  DIST("kernel.trace_rb_page", kernel.trace_rb_page, "0",
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
  DIST("host.first_ap_cold", host.first_ap_cold, "0",
       "extra work of the first AP released (a translator such as TCG meeting the AP code once)"),
  UINT("host.tick_hz", host.tick_hz, 0, 100000, "250",
       "host timer ticks/s on a busy host CPU; each one that lands on a running vCPU is an IRQ exit"),
  DUR("host.halt_poll", host.halt_poll, 0, "0",
      "halt_poll_ns: a halted vCPU polls (burning a host CPU) this long before it blocks"),
  DIST("host.vcpu_wakeup", host.vcpu_wakeup, "0",
       "a blocked vCPU woken by an IPI or timer until it runs again (host wake-up, switch, entry)"),
  DIST("host.vcpu_reset", host.vcpu_reset, "0",
       "a vCPU's first entry after CPU_ON (reset), serialised on one host-wide lock"),
  DIST("host.exit_cost.wfx", host.exit_cost[CPUHP_EXIT_WFX], "0",
       "WFx exit whose wake-up the halt poll catches"),
  DIST("host.exit_cost.irq", host.exit_cost[CPUHP_EXIT_IRQ], "0", "one IRQ exit"),
  DIST("host.exit_cost.dabt_low", host.exit_cost[CPUHP_EXIT_DABT_LOW], "0",
       "one stage-2 data abort (fault-in or MMIO emulation)"),
  DIST("host.exit_cost.sys64", host.exit_cost[CPUHP_EXIT_SYS64], "0",
       "one trapped system register access (also each IPI sent)"),
  DIST("host.exit_cost.iabt_low", host.exit_cost[CPUHP_EXIT_IABT_LOW], "0", "one stage-2 instruction abort"),
  UINT("host.ap_exits.dabt_low", host.ap_exits[CPUHP_EXIT_DABT_LOW], 0, 1000000, "0",
       "DABT_LOW exits on each AP's way to ALIVE (first touch, MMIO; x86: EPT violations)"),
  UINT("host.ap_exits.sys64", host.ap_exits[CPUHP_EXIT_SYS64], 0, 1000000, "0",
       "SYS64 exits on each AP's way after release (arm64 ID registers; x86 CPUID/MSR in identify)"),
  UINT("host.ap_exits.iabt_low", host.ap_exits[CPUHP_EXIT_IABT_LOW], 0, 1000000, "0",
       "IABT_LOW exits on each AP's way to ALIVE"),

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
  DUR("x86.tsc_sync_first", x86.tsc_sync_first, 0, "20ms",
      "check_tsc_warp loop, package's first CPU"),
  DUR("x86.tsc_sync_other", x86.tsc_sync_other, 0, "2ms", "check_tsc_warp loop, other CPUs"),
  DIST("x86.tsc_sync_overhead", x86.tsc_sync_overhead, "10us",
       "IPI and rendezvous around the warp loop"),
  UINT("x86.tsc_sync_runs", x86.tsc_sync_runs, 1, 3, "1", "warp-test runs (TSC_ADJUST retries)"),
  UINT("x86.calibrate_jiffies", x86.calibrate_jiffies, 1, 1000, "20",
       "jiffies calibrate_delay() spends when it must measure"),
  DIST("x86.online_tail", x86.online_tail, "10us", "set_cpu_online .. cpuhp_online_idle"),
  DUR("x86.sibling_map_per_cpu", x86.sibling_map_per_cpu, 0, "0",
      "set_cpu_sibling_map(): per CPU already in cpu_sibling_setup_mask (the match_* walk)"),

  STR("arm64.conduit", arm64.conduit, 1, conduits, "hvc", "PSCI conduit: hvc (hypervisor) or smc (firmware)"),
  DIST("arm64.psci_cpu_on", arm64.psci_cpu_on, "20us", "the BP's PSCI CPU_ON call until it returns"),
  DIST("arm64.power_on", arm64.power_on, "100us", "CPU_ON accepted until the AP runs secondary_entry"),
  DIST("arm64.secondary_startup", arm64.secondary_startup, "50us", "head.S: EL setup, MMU on, __secondary_switched"),
  DIST("arm64.start_kernel", arm64.start_kernel, "100us", "secondary_start_kernel up to notify_cpu_starting"),
  DIST("arm64.online_tail", arm64.online_tail, "50us", "ipi_setup .. set_cpu_online, complete(cpu_running)"),
  DUR("arm64.siblings_per_cpu", arm64.siblings_per_cpu, 0, "0",
      "store_cpu_topology(): update_siblings_masks() per online CPU it walks"),
  DUR("arm64.cpu_running_timeout", arm64.cpu_running_timeout, 1, "5s", "__cpu_up waits this long for cpu_running"),
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

/* ---- tree helpers ---- */

/* The node at a dotted path; else, with `nearest`, the deepest node on the way (the enclosing
 * mapping of a missing key), else NULL. */
static const YtNode *node_at(const YtNode *root, const char *path, gboolean nearest) {
  g_auto(GStrv) parts = g_strsplit(path, ".", -1);
  const YtNode *n = root;
  for (guint i = 0; parts[i]; i++) {
    const YtNode *next = n->kind == YT_MAPPING ? yt_mapping_get(n, parts[i]) : NULL;
    if (!next) return nearest ? n : NULL;
    n = next;
  }
  return n;
}

/* `shown` for a message: 'text', or "an empty value". */
static char *shown(const YtNode *n) {
  if (n->kind != YT_SCALAR) return g_strdup(yt_kind_name(n));
  if (yt_is_null(n)) return g_strdup("an empty value");
  return yt_quote(n->text);
}

/* Text for a message without quotes ("x86_64/6.1"): escaped and shortened like yt_quote, since
 * user text may hold newlines or invalid UTF-8 and every error must stay one line. */
static char *unquoted(const char *text) {
  char *q = yt_quote(text);
  gsize n = strlen(q);
  memmove(q, q + 1, n - 2);
  q[n - 2] = '\0';
  return q;
}

static char *choices_text(const char *const *choices, const char *sep) {
  return g_strjoinv(sep, (char **)choices);
}

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

/* Every key must be a row, a section or `states` (whose keys are checked when bound). */
static gboolean check_keys(const YtNode *map, const char *prefix, GError **error) {
  for (guint i = 0; i < map->keys->len; i++) {
    const YtNode *k = g_ptr_array_index(map->keys, i), *v = g_ptr_array_index(map->items, i);
    g_autofree char *path = prefix ? g_strconcat(prefix, ".", k->text, NULL) : g_strdup(k->text);
    if (!prefix && strcmp(path, "states") == 0) continue;
    if (strchr(k->text, '.')) { /* would pass the lookup below, but binding walks nested maps */
      g_autofree char *q = yt_quote(path);
      return FAIL(k, SCHEMA, "unknown key %s: dotted keys must be written as nested mappings", q);
    }
    if (field_by_key(path)) continue;
    if (!is_section(path)) return unknown_key(k, path, error);
    if (yt_is_null(v)) continue;
    if (v->kind != YT_MAPPING)
      return FAIL(v, SCHEMA, "'%s' must be a mapping, got %s", path, yt_kind_name(v));
    if (!check_keys(v, path, error)) return FALSE;
  }
  return TRUE;
}

/* ---- scalar types ---- */

static const char *need_scalar(const YtNode *n, const char *what, GError **error) {
  if (n->kind == YT_SCALAR) return n->text;
  (void)FAIL(n, SCHEMA, "expected %s, got %s", what, yt_kind_name(n));
  return NULL;
}

static gboolean parse_bool(const YtNode *n, gboolean *out, GError **error) {
  const char *s = need_scalar(n, "true or false", error);
  if (!s) return FALSE;
  if (strcmp(s, "true") != 0 && strcmp(s, "false") != 0) {
    g_autofree char *q = shown(n);
    return FAIL(n, SCHEMA, "expected true or false, got %s", q);
  }
  *out = s[0] == 't';
  return TRUE;
}

/* Decimal integer, optional '-' when `sign`; FALSE on syntax; *overflow when out of int64. */
static gboolean parse_integer(const char *s, gboolean sign, int64_t *out, gboolean *overflow) {
  gboolean neg = sign && *s == '-';
  if (neg) s++;
  if (!g_ascii_isdigit(*s) || (s[0] == '0' && s[1] != '\0')) return FALSE;
  uint64_t v = 0;
  *overflow = FALSE;
  for (; *s; s++) {
    if (!g_ascii_isdigit(*s)) return FALSE;
    if (v > (UINT64_MAX - 9) / 10) *overflow = TRUE;
    else v = v * 10 + (uint64_t)(*s - '0');
  }
  if (v > (uint64_t)INT64_MAX + neg) *overflow = TRUE;
  if (!*overflow) *out = neg ? (int64_t)(0 - v) : (int64_t)v;
  return TRUE;
}

static gboolean check_bounds(const Field *f, const YtNode *n, int64_t v, gboolean overflow,
                             int64_t type_lo, int64_t type_hi, GError **error) {
  if (!overflow && v >= f->lo && v <= f->hi) return TRUE;
  g_autofree char *q = shown(n);
  char lo[32], hi[32];
  if (f->type == T_DURATION) {
    sim_format_duration(f->lo, lo, sizeof lo);
    sim_format_duration(f->hi, hi, sizeof hi);
  } else {
    g_snprintf(lo, sizeof lo, "%" G_GINT64_FORMAT, f->lo);
    g_snprintf(hi, sizeof hi, "%" G_GINT64_FORMAT, f->hi);
  }
  if (f->lo <= type_lo) return FAIL(n, VALUE, "%s must be at most %s, got %s", f->key, hi, q);
  if (f->hi >= type_hi) return FAIL(n, VALUE, "%s must be at least %s, got %s", f->key, lo, q);
  return FAIL(n, VALUE, "%s must be between %s and %s, got %s", f->key, lo, hi, q);
}

static gboolean parse_duration_node(const YtNode *n, int64_t *out, GError **error) {
  const char *s = need_scalar(n, "a duration", error);
  const char *why;
  if (!s) return FALSE;
  if (sim_parse_duration(s, out, &why)) return TRUE;
  if (yt_is_null(n)) return FAIL(n, SCHEMA, "expected a duration, got an empty value");
  g_autofree char *q = shown(n);
  return FAIL(n, VALUE, "%s %s", why, q);
}

/* ---- distributions ---- */

static const struct {
  const char *name;
  SimDistKind kind;
  const char *params[2]; /* second may be NULL */
} dist_kinds[] = {
  {"fixed", SIM_DIST_FIXED, {"value", NULL}},
  {"uniform", SIM_DIST_UNIFORM, {"min", "max"}},
  {"normal", SIM_DIST_NORMAL, {"mean", "sd"}},
  {"lognormal", SIM_DIST_LOGNORMAL, {"median", "sigma"}},
  {"exponential", SIM_DIST_EXPONENTIAL, {"mean", NULL}},
  {"empirical", SIM_DIST_EMPIRICAL, {"samples", NULL}},
};

static gboolean is_dist_mapping(const YtNode *n) {
  return n->kind == YT_MAPPING && yt_mapping_get(n, "dist") != NULL;
}

static gboolean parse_sigma(const YtNode *n, double *out, GError **error) {
  const char *s = need_scalar(n, "a number", error);
  if (!s) return FALSE;
  /* Plain decimal notation only: strtod would also take "inf", "nan" and hex. */
  char *end = NULL;
  double v = NAN;
  if (*s && s[strspn(s, "0123456789.eE+-")] == '\0') v = g_ascii_strtod(s, &end);
  if (end && *end == '\0' && isfinite(v) && v >= 0) {
    *out = v;
    return TRUE;
  }
  g_autofree char *q = shown(n);
  return FAIL(n, VALUE, "sigma must be a finite number >= 0, got %s", q);
}

static gboolean parse_samples(const YtNode *n, SimDist *d, GError **error) {
  if (n->kind != YT_SEQUENCE)
    return FAIL(n, SCHEMA, "samples must be a sequence of durations, got %s", yt_kind_name(n));
  if (n->items->len < 1 || n->items->len > MAX_SAMPLES)
    return FAIL(n, VALUE, "empirical samples: need 1 to %u durations, got %u", MAX_SAMPLES,
                n->items->len);
  g_autofree int64_t *v = g_new(int64_t, n->items->len);
  for (guint i = 0; i < n->items->len; i++)
    if (!parse_duration_node(g_ptr_array_index(n->items, i), &v[i], error)) return FALSE;
  d->samples = g_steal_pointer(&v);
  d->n_samples = n->items->len;
  return TRUE;
}

/* A duration scalar (fixed), or {dist: KIND, params...}. On failure `out` holds nothing. */
static gboolean parse_dist(const YtNode *n, SimDist *out, GError **error) {
  *out = (SimDist){0};
  if (n->kind == YT_SCALAR) {
    out->kind = SIM_DIST_FIXED;
    return parse_duration_node(n, &out->a, error);
  }
  if (n->kind != YT_MAPPING)
    return FAIL(n, SCHEMA, "expected a duration or a {dist: ...} mapping, got %s", yt_kind_name(n));
  const YtNode *kn = yt_mapping_get(n, "dist");
  if (!kn)
    return FAIL(n, SCHEMA, "a distribution needs a 'dist' key (fixed, uniform, normal, "
                           "lognormal, exponential or empirical)");
  const char *kind = need_scalar(kn, "a distribution name", error);
  if (!kind) return FALSE;
  guint k = 0;
  while (k < G_N_ELEMENTS(dist_kinds) && strcmp(dist_kinds[k].name, kind) != 0) k++;
  if (k == G_N_ELEMENTS(dist_kinds)) {
    g_autofree char *q = shown(kn);
    return FAIL(kn, VALUE, "unknown distribution %s (expected fixed, uniform, normal, "
                            "lognormal, exponential or empirical)", q);
  }
  const char *const *params = dist_kinds[k].params;
  g_autofree char *expected = params[1] ? g_strdup_printf("%s, %s", params[0], params[1])
                                        : g_strdup(params[0]);
  for (guint i = 0; i < n->keys->len; i++) {
    const YtNode *key = g_ptr_array_index(n->keys, i);
    const char *t = key->text;
    if (strcmp(t, "dist") == 0 || strcmp(t, params[0]) == 0 || g_strcmp0(t, params[1]) == 0)
      continue;
    g_autofree char *q = yt_quote(t);
    return FAIL(key, SCHEMA, "unknown key %s in a %s distribution (expected %s)", q, kind,
                expected);
  }
  const YtNode *p[2] = {NULL, NULL};
  for (guint i = 0; i < 2 && params[i]; i++)
    if (!(p[i] = yt_mapping_get(n, params[i])))
      return FAIL(n, SCHEMA, "%s distribution needs '%s'", kind, params[i]);

  SimDist d = {.kind = dist_kinds[k].kind};
  switch (d.kind) {
  case SIM_DIST_FIXED:
  case SIM_DIST_EXPONENTIAL:
    if (!parse_duration_node(p[0], &d.a, error)) return FALSE;
    break;
  case SIM_DIST_UNIFORM:
  case SIM_DIST_NORMAL:
    if (!parse_duration_node(p[0], &d.a, error) || !parse_duration_node(p[1], &d.b, error))
      return FALSE;
    if (d.kind == SIM_DIST_UNIFORM && d.a > d.b) {
      g_autofree char *qa = shown(p[0]), *qb = shown(p[1]);
      return FAIL(p[1], VALUE, "uniform max %s is below min %s", qb, qa);
    }
    break;
  case SIM_DIST_LOGNORMAL:
    if (!parse_duration_node(p[0], &d.a, error)) return FALSE;
    if (d.a <= 0) return FAIL(p[0], VALUE, "lognormal median must be > 0");
    if (!parse_sigma(p[1], &d.sigma, error)) return FALSE;
    break;
  case SIM_DIST_EMPIRICAL:
    if (!parse_samples(p[0], &d, error)) return FALSE;
    break;
  }
  *out = d;
  return TRUE;
}

/* ---- binding ---- */

static gboolean bind_field(CpuhpProfile *prof, const Field *f, const YtNode *n, GError **error) {
  void *dst = (char *)prof + f->offset;
  const char *s;
  int64_t v = 0;
  gboolean overflow = FALSE;
  switch (f->type) {
  case T_STRING:
    if (!(s = need_scalar(n, "a string", error))) return FALSE;
    if ((int64_t)strlen(s) < f->lo) return FAIL(n, VALUE, "%s must not be empty", f->key);
    if (f->choices && !g_strv_contains(f->choices, s)) {
      g_autofree char *q = shown(n), *c = choices_text(f->choices, ", ");
      return FAIL(n, VALUE, "%s must be one of %s, got %s", f->key, c, q);
    }
    *(char **)dst = g_strdup(s);
    return TRUE;
  case T_BOOL:
    return parse_bool(n, (gboolean *)dst, error);
  case T_UINT:
  case T_INT: {
    const char *what = f->type == T_UINT ? "an unsigned integer" : "an integer";
    if (!(s = need_scalar(n, what, error))) return FALSE;
    if (!parse_integer(s, f->type == T_INT, &v, &overflow)) {
      g_autofree char *q = shown(n);
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
        g_autofree char *q = shown(n), *c = choices_text(f->choices, ", ");
        return FAIL(n, VALUE, "%s must be one of %s, got %s", f->key, c, q);
      }
    }
    if (is_uint) *(guint *)dst = (guint)v;
    else *(int *)dst = (int)v;
    return TRUE;
  }
  case T_DURATION:
    if (!parse_duration_node(n, &v, error)) return FALSE;
    if (!check_bounds(f, n, v, FALSE, 0, INT64_MAX, error)) return FALSE;
    *(int64_t *)dst = v;
    return TRUE;
  case T_DIST:
    return parse_dist(n, (SimDist *)dst, error);
  case T_PERCENT: { /* a decimal with at most 3 places: 34, 0.7, 12.125 */
    if (!(s = need_scalar(n, "a percentage", error))) return FALSE;
    const char *c = s;
    int64_t whole = 0, frac = 0, scale = 1000;
    gboolean ok = g_ascii_isdigit(*c), big = FALSE;
    for (; g_ascii_isdigit(*c); c++) {
      if (whole > 1000000) big = TRUE; /* far out of range: stop growing */
      else whole = whole * 10 + (*c - '0');
    }
    if (ok && *c == '.') {
      ok = g_ascii_isdigit(c[1]);
      for (c++; ok && g_ascii_isdigit(*c) && scale > 1; c++) frac += (scale /= 10) * (*c - '0');
    }
    if (!ok || *c) {
      g_autofree char *q = shown(n);
      return FAIL(n, SCHEMA, "expected a percentage (a number with at most 3 decimals), got %s", q);
    }
    if (big || whole * 1000 + frac > f->hi * 1000) {
      g_autofree char *q = shown(n);
      return FAIL(n, VALUE, "%s must be between 0 and %" G_GINT64_FORMAT ", got %s", f->key, f->hi, q);
    }
    *(double *)dst = (double)(whole * 1000 + frac) / 1000.0;
    return TRUE;
  }
  case T_ENUM: {
    if (!(s = need_scalar(n, "a name", error))) return FALSE;
    for (guint i = 0; f->choices[i]; i++)
      if (strcmp(f->choices[i], s) == 0) {
        *(int *)dst = (int)i; /* the profile's enums are int-sized, listed in enum order */
        return TRUE;
      }
    g_autofree char *q = shown(n), *c = choices_text(f->choices, ", ");
    return FAIL(n, VALUE, "expected one of %s, got %s", c, q);
  }
  }
  g_assert_not_reached();
}

/* Defaults are YAML text bound by the same code; a default that fails is a bug in the table. */
static void bind_default(CpuhpProfile *prof, const Field *f) {
  g_autoptr(GError) err = NULL;
  g_autoptr(YtNode) n = yt_parse("<schema default>", FALSE, f->def, strlen(f->def),
                                 CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_SYNTAX, &err);
  if (!n || !bind_field(prof, f, n, &err))
    g_error("default of profile key %s is invalid: %s", f->key, err ? err->message : "empty");
}

static gboolean bind_fields(CpuhpProfile *prof, const YtNode *root, GError **error) {
  for (guint i = 0; i < G_N_ELEMENTS(fields); i++) {
    const Field *f = &fields[i];
    const YtNode *n = node_at(root, f->key, FALSE);
    if (n) {
      if (!bind_field(prof, f, n, error)) return FALSE;
    } else if (f->def) {
      bind_default(prof, f);
    } else {
      return FAIL(node_at(root, f->key, TRUE), SCHEMA, "missing required key '%s'", f->key);
    }
  }
  return TRUE;
}

static const char *no_cost_reason(CpuhpCostModel m) {
  switch (m) {
  case CPUHP_COST_KICK:
    return "the kick is modelled by the arch keys (x86.icr_write, x86.wakeup_*)";
  case CPUHP_COST_BRINGUP: return "the control CPU only waits for the AP here";
  case CPUHP_COST_NONE: return "it is a landmark without a callback";
  case CPUHP_COST_PROFILE: break;
  }
  g_assert_not_reached();
}

static gboolean bind_instances(CpuhpStateCost *sc, const CpuhpStep *row, const YtNode *n,
                               GError **error) {
  if (!row->multi_instance)
    return FAIL(n, SCHEMA, "state '%s' is not multi-instance: give 'cost', not 'instances'",
                row->name);
  if (n->kind != YT_SEQUENCE)
    return FAIL(n, SCHEMA, "instances must be a sequence of costs, got %s", yt_kind_name(n));
  if (n->items->len < 1 || n->items->len > MAX_INSTANCES)
    return FAIL(n, VALUE, "instances: need 1 to %u costs, got %u", MAX_INSTANCES, n->items->len);
  sc->costs = g_new0(SimDist, n->items->len);
  for (; sc->n_costs < n->items->len; sc->n_costs++)
    if (!parse_dist(g_ptr_array_index(n->items, sc->n_costs), &sc->costs[sc->n_costs], error))
      return FALSE;
  return TRUE;
}

/* One `states:` entry: a cost (dist), or {present, cost, instances, per_possible_cpu,
 * per_online_cpu}. */
static gboolean bind_state(CpuhpStateCost *sc, const CpuhpStep *row, const YtNode *v,
                           GError **error) {
  const YtNode *present = NULL, *cost = NULL, *instances = NULL, *per_possible = NULL, *per_online = NULL;
  if (v->kind == YT_SCALAR || is_dist_mapping(v)) {
    cost = v;
  } else if (v->kind == YT_MAPPING) {
    for (guint i = 0; i < v->keys->len; i++) {
      const YtNode *k = g_ptr_array_index(v->keys, i), *x = g_ptr_array_index(v->items, i);
      if (strcmp(k->text, "present") == 0) present = x;
      else if (strcmp(k->text, "cost") == 0) cost = x;
      else if (strcmp(k->text, "instances") == 0) instances = x;
      else if (strcmp(k->text, "per_possible_cpu") == 0) per_possible = x;
      else if (strcmp(k->text, "per_online_cpu") == 0) per_online = x;
      else {
        g_autofree char *q = yt_quote(k->text);
        return FAIL(k, SCHEMA, "unknown key %s in state '%s' (expected present, cost, instances, "
                    "per_possible_cpu or per_online_cpu)", q, row->name);
      }
    }
    if (!present && !cost && !instances && !per_possible && !per_online)
      return FAIL(v, SCHEMA, "state '%s': empty entry (give present, cost or instances)",
                  row->name);
  } else {
    return FAIL(v, SCHEMA, "state '%s': expected a cost or a {present, cost, instances} "
                           "mapping, got %s", row->name, yt_kind_name(v));
  }
  const YtNode *own = cost ? cost : instances ? instances : per_possible ? per_possible : per_online;
  if (row->cost != CPUHP_COST_PROFILE && own)
    return FAIL(own, SCHEMA, "state '%s' has no cost of its own: %s", row->name, no_cost_reason(row->cost));
  if (row->cost != CPUHP_COST_PROFILE && present)
    return FAIL(present, SCHEMA, "state '%s' cannot be switched on or off: %s", row->name,
                no_cost_reason(row->cost));
  if (cost && instances)
    return FAIL(v, SCHEMA, "state '%s': 'cost' and 'instances' are mutually exclusive", row->name);
  gboolean on;
  if (present) {
    if (!parse_bool(present, &on, error)) return FALSE;
    sc->present = on;
  }
  if (cost) {
    sc->costs = g_new0(SimDist, 1);
    if (!parse_dist(cost, &sc->costs[0], error)) return FALSE;
    sc->n_costs = 1;
  }
  if (per_possible && !parse_duration_node(per_possible, &sc->per_possible_cpu, error)) return FALSE;
  if (per_online && !parse_duration_node(per_online, &sc->per_online_cpu, error)) return FALSE;
  return !instances || bind_instances(sc, row, instances, error);
}

static gint cmp_state_name(gconstpointer a, gconstpointer b, gpointer states) {
  const CpuhpStateCost *st = states;
  return strcmp(st[*(const guint *)a].name, st[*(const guint *)b].name);
}

static gboolean bind_states(CpuhpProfile *prof, const CpuhpTable *t, const YtNode *states,
                            GError **error) {
  if (!states || yt_is_null(states)) return TRUE;
  if (states->kind != YT_MAPPING)
    return FAIL(states, SCHEMA, "'states' must be a mapping from state names to costs, got %s",
                yt_kind_name(states));
  prof->states = g_new0(CpuhpStateCost, states->keys->len);
  for (guint i = 0; i < states->keys->len; i++) {
    const YtNode *k = g_ptr_array_index(states->keys, i), *v = g_ptr_array_index(states->items, i);
    const CpuhpStep *row = cpuhp_table_find(t, k->text);
    if (!row) {
      g_autofree char *q = yt_quote(k->text);
      return FAIL(k, SCHEMA, "unknown state %s in the %s/%s table", q, t->arch, t->version);
    }
    CpuhpStateCost *sc = &prof->states[prof->n_states++]; /* counted now: freed on failure */
    sc->name = g_strdup(k->text);
    sc->present = -1;
    if (!bind_state(sc, row, v, error)) return FALSE;
  }
  prof->states_by_name = g_new(guint, prof->n_states);
  for (guint i = 0; i < prof->n_states; i++) prof->states_by_name[i] = i;
  g_qsort_with_data(prof->states_by_name, (gint)prof->n_states, sizeof(guint), cmp_state_name, prof->states);
  return TRUE;
}

/* ---- cross-field checks ---- */

static gboolean arch_known(const char *arch) {
  g_auto(GStrv) known = g_strsplit(cpuhp_table_known(), ", ", -1);
  gsize n = strlen(arch);
  for (guint i = 0; known[i]; i++)
    if (strncmp(known[i], arch, n) == 0 && known[i][n] == '/') return TRUE;
  return FALSE;
}

/* The given node for the first path that exists, else the enclosing mapping of the first. */
static const YtNode *where(const YtNode *root, const char *a, const char *b) {
  const YtNode *n = node_at(root, a, FALSE);
  if (!n && b) n = node_at(root, b, FALSE);
  return n ? n : node_at(root, a, TRUE);
}

static gboolean check_topology(CpuhpProfile *p, const YtNode *root, GError **error) {
  guint s = p->topology.sockets, c = p->topology.cores_per_socket;
  guint64 total = (guint64)s * c * p->topology.threads_per_core;
  if (total > CPUHP_PROFILE_MAX_CPUS)
    return FAIL(where(root, "topology", NULL), VALUE,
                "topology has %" G_GUINT64_FORMAT " CPUs (%u x %u x %u), more than the limit of "
                "%u (CPUHP_PROFILE_MAX_CPUS)", total, s, c, p->topology.threads_per_core,
                CPUHP_PROFILE_MAX_CPUS);
  guint nn = p->topology.numa_nodes;
  if (nn == 0) p->topology.numa_nodes = nn = s;
  if (!(s % nn == 0 || (nn % s == 0 && c % (nn / s) == 0)))
    return FAIL(where(root, "topology.numa_nodes", NULL), VALUE,
                "topology does not add up: %u NUMA nodes for %u socket(s) of %u cores (numa_nodes "
                "must divide the sockets, or be a multiple of them that splits each socket's "
                "cores evenly)", nn, s, c);
  if (p->topology.nr_cpus > total)
    return FAIL(where(root, "topology.nr_cpus", NULL), VALUE,
                "nr_cpus %u is more than the %" G_GUINT64_FORMAT " CPUs of the topology",
                p->topology.nr_cpus, total);
  return TRUE;
}

/* kernel.state_table: load it (relative to the profile) and use its version. */
static gboolean load_state_table(CpuhpProfile *p, const YtNode *root, GError **error) {
  if (!*p->kernel.state_table) return TRUE;
  g_autofree char *dir = g_str_has_prefix(p->source, "<") ? g_strdup(".") : g_path_get_dirname(p->source);
  g_autofree char *path = g_path_is_absolute(p->kernel.state_table)
                              ? g_strdup(p->kernel.state_table)
                              : g_build_filename(dir, p->kernel.state_table, NULL);
  g_autoptr(GError) e = NULL;
  const CpuhpTable *t = cpuhp_table_load(path, &e);
  if (!t) return FAIL(where(root, "kernel.state_table", NULL), VALUE, "kernel.state_table: %s", e->message);
  if (!g_str_equal(t->arch, p->arch))
    return FAIL(where(root, "kernel.state_table", NULL), VALUE, "kernel.state_table: a table for %s, not %s", t->arch,
                p->arch);
  g_free(p->kernel.version);
  p->kernel.version = g_strdup(t->version);
  return TRUE;
}

static gboolean check_profile(CpuhpProfile *p, const YtNode *root, GError **error) {
  if (!load_state_table(p, root, error)) return FALSE;
  if (!arch_known(p->arch)) {
    g_autofree char *q = yt_quote(p->arch);
    return FAIL(where(root, "arch", NULL), VALUE, "no state table for arch %s (known: %s)", q,
                cpuhp_table_known());
  }
  const CpuhpTable *t = cpuhp_profile_table(p);
  if (!t) {
    g_autofree char *v = unquoted(p->kernel.version);
    return FAIL(where(root, "kernel.version", "arch"), VALUE,
                "no state table for %s/%s (known: %s)", p->arch, v, cpuhp_table_known());
  }
  if (!check_topology(p, root, error)) return FALSE;
  cpuhp_topology_free(p->topo);
  p->topo = cpuhp_topology_new(p);
  if (p->host.hypervisor != CPUHP_HYP_NONE && !p->host.pcpus)
    return FAIL(where(root, "host.hypervisor", NULL), VALUE,
                "host.hypervisor: a hypervisor runs the vCPUs on host CPUs: set host.pcpus");
  if (p->kernel.alive_spin > p->kernel.alive_timeout) {
    char spin[32], timeout[32];
    return FAIL(where(root, "kernel.alive_spin", "kernel.alive_timeout"), VALUE,
                "kernel.alive_spin (%s) is longer than kernel.alive_timeout (%s)",
                sim_format_duration(p->kernel.alive_spin, spin, sizeof spin),
                sim_format_duration(p->kernel.alive_timeout, timeout, sizeof timeout));
  }
  if (!bind_states(p, t, yt_mapping_get(root, "states"), error)) return FALSE;
  cpuhp_rows_free(p->rows);
  p->rows = cpuhp_rows_new(p, t);
  return TRUE;
}

/* ---- overrides ---- */

static gboolean override_error(const char *arg, GError **error, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
static gboolean override_error(const char *arg, GError **error, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  yt_set_error_at(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_SCHEMA, arg, TRUE, 0, 0, "%s",
                  msg);
  return FALSE;
}

/* "KEY=VALUE": VALUE is a YAML document; KEY a dotted path whose missing mappings are created.
 * A state given as a bare cost becomes {cost: ...} when the path reaches inside it, so
 * "states.X.present=true" works whichever form the file used. */
static gboolean apply_override(YtNode *root, const char *arg, GError **error) {
  const char *eq = strchr(arg, '=');
  if (!eq) return override_error(arg, error, "expected KEY=VALUE");
  g_autofree char *key = g_strndup(arg, (gsize)(eq - arg));
  g_auto(GStrv) parts = g_strsplit(key, ".", -1);
  guint n = g_strv_length(parts);
  if (n == 0) return override_error(arg, error, "empty key");
  for (guint i = 0; i < n; i++)
    if (!*parts[i]) return override_error(arg, error, "empty component in key");
  if (n > MAX_OVERRIDE_DEPTH) return override_error(arg, error, "key nested too deep");

  g_autoptr(GError) err = NULL;
  g_autoptr(YtNode) value = yt_parse(arg, TRUE, eq + 1, strlen(eq + 1), CPUHP_PROFILE_ERROR,
                                     CPUHP_PROFILE_ERROR_SYNTAX, &err);
  if (err) {
    g_propagate_error(error, g_steal_pointer(&err));
    return FALSE;
  }
  if (!value) value = yt_scalar_new_at("", arg, TRUE, 1, 1); /* "--set description=" */

  g_autoptr(GString) path = g_string_new(NULL);
  YtNode *cur = root;
  for (guint i = 0; i + 1 < n; i++) {
    g_string_append_printf(path, "%s%s", i ? "." : "", parts[i]);
    YtNode *next = yt_mapping_get(cur, parts[i]);
    gint pos = yt_mapping_index(cur, parts[i]);
    if (!next) {
      next = yt_mapping_new(value);
      yt_mapping_set(cur, yt_scalar_new(parts[i], value), next);
    } else if (yt_is_null(next)) {
      next = yt_mapping_new(value);
      yt_node_free(yt_mapping_replace_at(cur, (guint)pos, next));
    } else if (i == 1 && strcmp(parts[0], "states") == 0 &&
               (next->kind != YT_MAPPING || is_dist_mapping(next))) {
      YtNode *entry = yt_mapping_new(next);
      yt_mapping_replace_at(cur, (guint)pos, entry);
      yt_mapping_set(entry, yt_scalar_new("cost", next), next);
      next = entry;
    } else if (next->kind != YT_MAPPING) {
      g_autofree char *q = yt_quote(path->str); /* keys from the file may hold newlines */
      return override_error(arg, error, "%s is %s, not a mapping", q, yt_kind_name(next));
    }
    cur = next;
  }
  YtNode *leaf = yt_scalar_new(parts[n - 1], value); /* before the steal: order of evaluation */
  yt_mapping_set(cur, leaf, g_steal_pointer(&value));
  return TRUE;
}

/* ---- public API ---- */

void cpuhp_profile_free(CpuhpProfile *p) {
  if (!p) return;
  for (guint i = 0; i < G_N_ELEMENTS(fields); i++) {
    void *f = (char *)p + fields[i].offset;
    if (fields[i].type == T_STRING) g_free(*(char **)f);
    if (fields[i].type == T_DIST) sim_dist_clear((SimDist *)f);
  }
  for (guint i = 0; i < p->n_states; i++) {
    for (guint j = 0; j < p->states[i].n_costs; j++) sim_dist_clear(&p->states[i].costs[j]);
    g_free(p->states[i].costs);
    g_free(p->states[i].name);
  }
  g_free(p->states);
  g_free(p->states_by_name);
  cpuhp_topology_free(p->topo);
  cpuhp_rows_free(p->rows);
  g_free(p->source);
  g_free(p);
}

/* kernel.cmdline: its modelled parameters become overrides of the keys they stand for, applied
 * after the user's own, as a real command line has the last word over the kernel's defaults. */
static gboolean apply_cmdline(YtNode *root, GError **error) {
  const YtNode *n = node_at(root, "kernel.cmdline", FALSE);
  if (!n || n->kind != YT_SCALAR || yt_is_null(n)) return TRUE; /* type errors: at binding */
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GError) err = NULL;
  if (!cpuhp_cmdline_overrides(n->text, ov, &err)) return FAIL(n, VALUE, "kernel.cmdline: %s", err->message);
  for (guint i = 0; i < ov->len; i++)
    if (!apply_override(root, ov->pdata[i], error)) return FALSE;
  return TRUE;
}

CpuhpProfile *cpuhp_profile_load_data(const char *source_name, const char *yaml, gsize len,
                                      const GPtrArray *overrides, GError **error) {
  g_return_val_if_fail(source_name && (yaml || len == 0), NULL);
  if (len > MAX_PROFILE_BYTES) {
    g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_IO,
                "%s: profile larger than 16 MiB", source_name);
    return NULL;
  }
  g_autoptr(GError) err = NULL;
  g_autoptr(YtNode) root = yt_parse(source_name, FALSE, yaml ? yaml : "", len, CPUHP_PROFILE_ERROR,
                                    CPUHP_PROFILE_ERROR_SYNTAX, &err);
  if (err) {
    g_propagate_error(error, g_steal_pointer(&err));
    return NULL;
  }
  if (!root || yt_is_null(root)) {
    yt_set_error_at(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_SYNTAX, source_name, FALSE,
                    root ? root->line : 1, root ? root->col : 1, "empty profile");
    return NULL;
  }
  if (root->kind != YT_MAPPING) {
    (void)FAIL(root, SCHEMA, "the top level must be a mapping of keys, got %s", yt_kind_name(root));
    return NULL;
  }
  for (guint i = 0; overrides && i < overrides->len; i++)
    if (!apply_override(root, g_ptr_array_index(overrides, i), error)) return NULL;
  if (!apply_cmdline(root, error)) return NULL;
  if (!check_keys(root, NULL, error)) return NULL;

  g_autoptr(CpuhpProfile) p = g_new0(CpuhpProfile, 1);
  p->source = g_strdup(source_name);
  if (!bind_fields(p, root, error) || !check_profile(p, root, error)) return NULL;
  return g_steal_pointer(&p);
}

CpuhpProfile *cpuhp_profile_load_file(const char *path, const GPtrArray *overrides,
                                      GError **error) {
  /* Stop reading just past the limit, so /dev/zero or a huge file cannot exhaust memory. */
  FILE *f = fopen(path, "rb");
  if (!f) {
    int e = errno;
    g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_IO, "%s: %s", path, g_strerror(e));
    return NULL;
  }
  g_autoptr(GByteArray) buf = g_byte_array_new();
  guint8 chunk[65536];
  size_t got;
  while (buf->len <= MAX_PROFILE_BYTES && (got = fread(chunk, 1, sizeof chunk, f)) > 0)
    g_byte_array_append(buf, chunk, (guint)got);
  int e = ferror(f) ? errno : 0;
  fclose(f);
  if (e) {
    g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_IO, "%s: %s", path, g_strerror(e));
    return NULL;
  }
  return cpuhp_profile_load_data(path, (const char *)buf->data, buf->len, overrides, error);
}

CpuhpProfile *cpuhp_profile_load_default(const GPtrArray *overrides, GError **error) {
  return cpuhp_profile_load_data("<embedded>", cpuhp_default_profile_yaml,
                                 cpuhp_default_profile_yaml_len, overrides, error);
}

const CpuhpStateCost *cpuhp_profile_state(const CpuhpProfile *p, const char *name) {
  /* A bringup looks up every row of its table: bisect (names are unique, the loader checks). */
  guint lo = 0, hi = p->states_by_name ? p->n_states : 0;
  while (lo < hi) {
    guint mid = lo + (hi - lo) / 2;
    int c = strcmp(p->states[p->states_by_name[mid]].name, name);
    if (c == 0) return &p->states[p->states_by_name[mid]];
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}


guint cpuhp_profile_n_cpus(const CpuhpProfile *p) {
  guint n = p->topology.sockets * p->topology.cores_per_socket * p->topology.threads_per_core;
  if (p->topology.nr_cpus && p->topology.nr_cpus < n) n = p->topology.nr_cpus;
  if (p->kernel.nr_cpus && p->kernel.nr_cpus < n) n = p->kernel.nr_cpus; /* nr_cpus= */
  return n;
}

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
  if (f->type == T_PERCENT) return g_strdup_printf("percent 0..%" G_GINT64_FORMAT, f->hi);
  return g_strdup(type_names[f->type]);
}

void cpuhp_profile_schema_text(GString *out) {
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
  gsize w[3] = {0, 0, 0};
  for (guint i = 0; i < G_N_ELEMENTS(fields); i++) {
    const Field *f = &fields[i];
    char **row = g_new0(char *, 5);
    row[0] = g_strdup(f->key);
    row[1] = type_text(f);
    row[2] = g_strdup(f->def ? f->def : "(required)");
    row[3] = g_strdup(f->doc);
    g_ptr_array_add(rows, row);
  }
  char **st = g_new0(char *, 5);
  st[0] = g_strdup("states");
  st[1] = g_strdup("mapping");
  st[2] = g_strdup("{}");
  st[3] = g_strdup("state name -> cost (dist) or {present: bool, cost: dist, instances: [dist], per_possible_cpu: duration, per_online_cpu: duration}");
  g_ptr_array_add(rows, st);
  for (guint i = 0; i < rows->len; i++)
    for (guint c = 0; c < 3; c++) w[c] = MAX(w[c], strlen(((char **)rows->pdata[i])[c]));
  for (guint i = 0; i < rows->len; i++) {
    char **r = rows->pdata[i];
    g_string_append_printf(out, "%-*s  %-*s  %-*s  %s\n", (int)w[0], r[0], (int)w[1], r[1],
                           (int)w[2], r[2], r[3]);
  }
}

const CpuhpTable *cpuhp_profile_table(const CpuhpProfile *p) {
  return cpuhp_table_for_config(cpuhp_table_lookup(p->arch, p->kernel.version), p->kernel.hotplug_parallel);
}

const char *cpuhp_vm_exit_name(CpuhpVmExit x) {
  static const char *const names[] = {"HVC64", "WFx", "IRQ", "DABT_LOW", "SYS64", "IABT_LOW"};
  G_STATIC_ASSERT(G_N_ELEMENTS(names) == CPUHP_EXIT_N);
  return names[x];
}

/* trace_buf_size once the command line asked for tracing at boot, else the minimal buffer;
 * ring_buffer_alloc() rounds up and takes at least 2 pages. */
guint64 cpuhp_ring_buffer_pages(const CpuhpProfile *p) {
  const guint64 page = 4096 - 16; /* BUF_PAGE_SIZE: a page less its header */
  guint64 bytes = p->kernel.tracing_at_boot ? p->kernel.trace_buf_size : 1;
  return MAX((bytes + page - 1) / page, 2);
}

const CpuhpRows *cpuhp_profile_rows(const CpuhpProfile *p) {
  g_assert(p->rows); /* built at load */
  return p->rows;
}
