/* cpuhp.h — the cpuhp state space as data, one table per (arch, kernel version).
 *
 * Mirrors `cpuhp_hp_states[]` in kernel/cpu.c: each row is one value of `enum cpuhp_state` with
 * the name string the kernel registers, the startup callback the cpuhp trace prints (%ps), the
 * section it belongs to and who executes it. Costs are not here: they come from the profile, keyed
 * by the state's name string. Rows are sorted by step; states without a startup callback are
 * listed only where the bringup needs them as landmarks (OFFLINE, AP_ONLINE_IDLE, ONLINE). */
#pragma once

#include <glib.h>
#include <stdint.h>

typedef enum {
  CPUHP_SECTION_PREPARE,  /* CPUHP_OFFLINE+1 .. CPUHP_BRINGUP_CPU: on the control CPU */
  CPUHP_SECTION_STARTING, /* CPUHP_AP_IDLE_DEAD .. CPUHP_AP_ONLINE: on the AP, IRQs off */
  CPUHP_SECTION_ONLINE,   /* CPUHP_AP_ONLINE+1 .. CPUHP_ONLINE: on the AP's cpuhp/N thread */
} CpuhpSection;

typedef enum {
  CPUHP_RUNS_BP,        /* the control CPU, in _cpu_up(), process context */
  CPUHP_RUNS_AP_ATOMIC, /* the AP itself from notify_cpu_starting(), never traced */
  CPUHP_RUNS_AP_THREAD, /* the AP's hotplug thread cpuhp/N */
  CPUHP_RUNS_NOBODY,    /* a landmark without a startup callback */
} CpuhpRunner;

typedef enum {
  CPUHP_COST_PROFILE, /* a callback whose cost the profile gives (per instance if multi) */
  CPUHP_COST_KICK,    /* CPUHP_BP_KICK_AP: the arch kick (x86 INIT/SIPI/SIPI) */
  CPUHP_COST_BRINGUP, /* CPUHP_BRINGUP_CPU: the BP's waits for the AP, no cost of its own */
  CPUHP_COST_NONE,    /* landmark */
} CpuhpCostModel;

/* One row of the table. */
typedef struct {
  uint16_t step;           /* enum value in this kernel: what the trace prints as step */
  const char *enum_name;   /* e.g. "CPUHP_CREATE_THREADS" */
  const char *name;        /* registered name, e.g. "threads:prepare"; unique in a table */
  const char *startup;     /* startup callback as the trace prints it; NULL for landmarks */
  const char *teardown;    /* teardown callback (rollback, cpu_down); NULL if none */
  CpuhpSection section;
  CpuhpRunner runs_on;
  CpuhpCostModel cost;
  gboolean multi_instance; /* invoked once per registered instance (cpuhp_multi_enter) */
  gboolean at_boot;        /* registered before smp_init() on a default config; a profile may
                              switch a conditional state on (PMU, Hyper-V, KVM guest ...) */
  gboolean ring_buffer;    /* allocates the trace ring buffers: the global one's cost grows
                              with its pages (trace_buf_size, tracing at boot) */
} CpuhpStep;

typedef struct _CpuhpTable {
  const char *arch;    /* "x86_64" */
  const char *version; /* "6.12" */
  const CpuhpStep *steps;
  guint n_steps;
  /* Landmark steps of this kernel (numbers move between versions). */
  uint16_t kick_ap;        /* CPUHP_BP_KICK_AP, 0 if the kernel has no split startup */
  uint16_t bringup_cpu;    /* CPUHP_BRINGUP_CPU: last BP state */
  uint16_t ap_idle_dead;   /* CPUHP_AP_IDLE_DEAD: first STARTING state, where a dying AP ends */
  uint16_t ap_online;      /* CPUHP_AP_ONLINE: last STARTING state */
  uint16_t teardown_cpu;   /* CPUHP_TEARDOWN_CPU: takedown_cpu(), teardown only, on the BP */
  uint16_t ap_online_idle; /* CPUHP_AP_ONLINE_IDLE */
  uint16_t online;         /* CPUHP_ONLINE */
  /* The same kernel built with CONFIG_HOTPLUG_PARALLEL where the arch only gets split startup
   * with it (arm64: the 2026 RFC); NULL when the config changes no row. */
  const struct _CpuhpTable *split_startup;
} CpuhpTable;

/* NULL when no table is shipped for that pair. */
const CpuhpTable *cpuhp_table_lookup(const char *arch, const char *version);
/* The table a kernel built with that config runs: `t`, or its split-startup twin when
 * hotplug_parallel (CONFIG_HOTPLUG_PARALLEL selects HOTPLUG_SPLIT_STARTUP). */
const CpuhpTable *cpuhp_table_for_config(const CpuhpTable *t, gboolean hotplug_parallel);
/* Comma-separated "arch/version" list of shipped tables, for error messages; static string. */
const char *cpuhp_table_known(void);
/* Row by name string; NULL if absent. */
const CpuhpStep *cpuhp_table_find(const CpuhpTable *t, const char *name);
/* Row by step number; NULL if absent. */
const CpuhpStep *cpuhp_table_at(const CpuhpTable *t, guint step);

/* A state table from YAML (models/kernel/cpuhp_yaml.c): a shipped base with states removed, added or
 * moved; registered so that cpuhp_table_lookup() finds it. Errors as FILE:LINE:COL. */
const CpuhpTable *cpuhp_table_load(const char *path, GError **error);
const CpuhpTable *cpuhp_table_registered(const char *arch, const char *version);
/* What changed from table a to table b, state by state (by name). */
typedef enum {
  CPUHP_TABLE_REMOVED, /* a's row, not in b */
  CPUHP_TABLE_MOVED,   /* at another step in b */
  CPUHP_TABLE_CHANGED, /* at the same step in b, with other callbacks */
  CPUHP_TABLE_ADDED,   /* b's row, not in a */
} CpuhpTableChangeKind;

typedef struct {
  CpuhpTableChangeKind kind;
  const CpuhpStep *a, *b; /* the row in each table; NULL in the one it is not in */
} CpuhpTableChange;

/* CpuhpTableChange: a's rows that b removed, moved or changed, in a's order, then b's added
 * rows in b's order; empty when the tables have the same states. The rows are the tables'
 * (shipped and loaded tables live as long as the process). sim/output/table_diff.c prints it. */
GArray *cpuhp_table_diff(const CpuhpTable *a, const CpuhpTable *b);

/* What a state's callback needs and provides: the kernel's rules for where it may sit in the
 * table, as data. Sections carry their own rules (kernel/cpu.c 6.12: PREPARE runs on the control
 * CPU in _cpu_up(), before the kick; STARTING on the AP from notify_cpu_starting(), IRQs off,
 * through the nofail path; ONLINE on the AP's cpuhp/N thread, cpuhp_thread_fun(), may sleep);
 * a requirement says what the callback's own code adds to them. */
typedef enum {
  CPUHP_NEEDS_ANY,       /* nothing beyond its section (e.g. a callback used at two states) */
  CPUHP_NEEDS_BP,        /* the control CPU in process context, before the AP is kicked: it
                            sets up the AP's data from outside, before the AP runs on it */
  CPUHP_NEEDS_AP_ATOMIC, /* the AP itself with IRQs off (this_cpu_*, the CPU's own hardware) */
  CPUHP_NEEDS_AP_THREAD, /* the AP's cpuhp/N thread, after the AP is online */
  CPUHP_NEEDS_N,
} CpuhpContext;

typedef struct {
  const char *name;     /* the state's registered name */
  CpuhpContext context;
  gboolean sleeps;      /* may sleep: GFP_KERNEL, kthread creation, a mutex */
  const char *provides; /* what its startup sets up that a later state uses; NULL */
  const char *needs;    /* what it uses that an earlier state sets up (another's provides); NULL */
  const char *source;   /* the kernel code this comes from (6.12): file, function, what */
} CpuhpRequirement;

/* The requirement of row `s` of table `t`: the one its YAML row gave (cpuhp_yaml.c), else the
 * kernel's by name; NULL when nothing is known beyond its section. */
const CpuhpRequirement *cpuhp_requirement(const CpuhpTable *t, const CpuhpStep *s);
/* The requirement a loaded table's row gave itself (context, sleeps, needs, provides, source
 * keys); NULL if none. */
const CpuhpRequirement *cpuhp_table_requirement(const CpuhpTable *t, const char *name);
/* The kernel's requirement of the state that provides `what`; NULL if none. */
const CpuhpRequirement *cpuhp_requirement_providing(const char *what);
/* Where a loaded table placed (added, moved: the row or move entry), or removed (the remove
 * entry), state `name`: "FILE:LINE:COL"; NULL for a shipped table or a row kept from the base.
 * Static string (lives as long as the table). */
const char *cpuhp_table_origin(const CpuhpTable *t, const char *name);
/* The table a loaded table is judged against: the one its edits apply to, or its arch's base
 * table for a whole table; NULL for a shipped table. */
const CpuhpTable *cpuhp_table_base(const CpuhpTable *t);
/* The resource the ONLINE section and CPUHP_BRINGUP_CPU run on: the AP's cpuhp/N thread. */
extern const char CPUHP_RESOURCE_THREAD[];
const char *cpuhp_context_name(CpuhpContext c);
gboolean cpuhp_context_parse(const char *text, CpuhpContext *out);

const char *cpuhp_section_name(CpuhpSection s);
const char *cpuhp_runner_name(CpuhpRunner r);
