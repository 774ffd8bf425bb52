/* cmd_verify.c — `cpuhpsim verify`: property sweep of the kernel's bringup rules over odd
 * topologies, policies, faults, timings and seeds. Every rule broken anywhere is reported, each
 * shrunk to the smallest configuration that still breaks it the same way and written out as a
 * replayable ftrace file; a known property of the real kernel is listed apart and fails the gate
 * only under --strict. */
#include <stdio.h>
#include <string.h>

#include "models/kernel/bringup.h"
#include "models/kernel/invariants.h"
#include "models/kernel/policy.h"
#include "models/kernel/prepare.h"
#include "models/kernel/topology.h"
#include "sim/cli/cli.h"
#include "sim/cli/cmds.h"
#include "sim/output/json_write.h"
#include "sim/output/outfile.h"
#include "sim/output/report.h"

typedef struct {
  const char *topology; /* SxCxT */
  guint cut;            /* nr_cpus (0: all) — a sibling cut off leaves its core half present */
  guint pcpus;          /* host CPUs (0: bare metal) — more vCPUs than host CPUs */
} Topo;

/* Smallest first: shrinking walks this list upwards. */
static const Topo topos[] = {
    {"1x1x1", 0, 0}, {"1x2x1", 0, 0}, {"1x2x2", 0, 0}, {"1x3x1", 0, 0}, {"1x2x2", 3, 0},
    {"2x1x2", 0, 0}, {"1x4x1", 0, 1}, {"1x2x2", 0, 1}, {"1x3x2", 5, 0}, {"1x3x2", 0, 0},
    {"2x2x2", 0, 0}, {"1x4x2", 0, 0}, {"1x2x4", 0, 0}, {"2x3x2", 0, 0},
};
/* Orderings the kernel's rules allow; `parallel` (no SMT rule) is a what-if that breaks the
 * x86 microcode rule by design, so it is not part of the property space. */
static const char *const policies[] = {"kernel", "serial", "parallel-smt", "waves:2", "deferred:2", "numa-first",
                                       "socket-interleaved"};
/* Siblings faster than primaries; idle vCPUs loading a shared host (with the topologies that
 * have one: the BP's work stretches under the APs). */
static const char *const timings[] = {"", "x86.wakeup_secondary=0", "host.idle_load_pct=100"};

/* An injected fault: which CPU (the first AP, the last CPU, the last primary AP, the last
 * sibling) and what. */
typedef enum { ON_FIRST, ON_LAST, ON_PRIMARY, ON_SIBLING } FaultCpu;
typedef struct {
  gboolean no_alive; /* the AP never reports alive; else STATE fails (cpuN/hotplug/fail) */
  FaultCpu on;
  const char *state; /* a state name, for a failure */
} Fault;

/* Crossed with every policy and timing: no fault, a PREPARE and an ONLINE failure, a dead AP. */
static const Fault classic_faults[] = {
    {FALSE, ON_LAST, NULL}, /* none: state NULL and not no_alive */
    {FALSE, ON_FIRST, "workqueue:prepare"},
    {FALSE, ON_LAST, "sched:active"},
    {TRUE, ON_FIRST, NULL},
};
/* Every fault of the state table (below) runs with these, at normal timing: the kernel's own
 * order, serial, and parallel with the SMT rule. */
static const guint fault_policies[] = {0, 1, 2};

typedef struct {
  guint topo, policy, fault, timing;
  guint64 seed;
} Point;

/* What is verified: a profile (NULL: embedded) with the user's --set overrides, a model, and
 * the faults: classic_faults, then one per state that can fail (see state_faults()). */
typedef struct {
  const char *profile;
  char **set;
  CpuhpMutation mu;
  GArray *faults; /* Fault */
} Target;

static guint topo_cpus(const Topo *t) {
  guint s, c, th;
  sscanf(t->topology, "%ux%ux%u", &s, &c, &th);
  return t->cut ? t->cut : s * c * th;
}

/* The CPU a fault goes to on this machine; 0 (none: the boot CPU cannot fail) if it has none. */
static guint fault_cpu(const CpuhpProfile *p, FaultCpu on) {
  const CpuhpTopology *t = cpuhp_topology_of(p);
  guint n = cpuhp_topology_n_cpus(t);
  if (on == ON_FIRST) return n > 1 ? 1 : 0;
  if (on == ON_LAST) return n - 1;
  for (guint c = n - 1; c > 0; c--)
    if (cpuhp_topology_cpu(t, c)->primary == (on == ON_PRIMARY)) return c;
  return 0;
}

/* "CPU:STATE" or "CPU" for the fault on this machine; NULL if it has no such CPU. */
static char *fault_spec(const CpuhpProfile *p, const Fault *fa) {
  guint cpu = fault_cpu(p, fa->on);
  if (!cpu) return NULL;
  return fa->no_alive ? g_strdup_printf("%u", cpu) : g_strdup_printf("%u:%s", cpu, fa->state);
}

static CpuhpProfile *point_profile(const Target *tg, const Point *pt) {
  const Topo *t = &topos[pt->topo];
  g_auto(CliFlags) f = {0};
  f.topology = g_strdup(t->topology);
  f.set = g_strdupv(tg->set); /* the user's first: the point's topology and timing win */
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  if (cli_overrides("verify", &f, ov)) return NULL;
  if (t->cut) g_ptr_array_add(ov, g_strdup_printf("topology.nr_cpus=%u", t->cut));
  if (t->pcpus) g_ptr_array_add(ov, g_strdup_printf("host.pcpus=%u", t->pcpus));
  if (*timings[pt->timing]) g_ptr_array_add(ov, g_strdup(timings[pt->timing]));
  return cli_load(tg->profile, ov);
}

/* Runs one point; NULL if it does not apply (e.g. a fault on a CPU that does not exist). */
static CpuhpResult *run_point(const Target *tg, const Point *pt, CpuhpProfile **prof_out) {
  g_autoptr(CpuhpProfile) p = point_profile(tg, pt);
  if (!p) return NULL;
  g_autoptr(CpuhpPolicy) pol = cpuhp_policy_parse(policies[pt->policy], NULL);
  const Fault *fa = &g_array_index(tg->faults, Fault, pt->fault);
  CpuhpFault fault;
  guint n_faults = 0;
  if (fa->no_alive || fa->state) {
    g_autofree char *spec = fault_spec(p, fa);
    if (!spec || !cpuhp_fault_parse(p, "fault", spec, fa->no_alive, &fault, NULL)) return NULL;
    n_faults = 1;
  }
  CpuhpRunOptions opt = {.seed = pt->seed, .trace = TRUE, .mutation = tg->mu, .policy = pol,
                         .faults = &fault, .n_faults = n_faults};
  CpuhpResult *r = cpuhp_bringup_run(p, &opt, NULL); /* NULL: the policy cannot plan here */
  if (r && prof_out) *prof_out = g_steal_pointer(&p);
  return r;
}

/* The faults the kernel can inject (cpuN/hotplug/fail) in `p`'s state table, each on a primary
 * thread and on a sibling: every state with a startup callback that write_cpuhp_fail() accepts
 * — PREPARE and ONLINE states; the atomic STARTING states cannot fail (cpuhp_fault_parse()
 * says which, from the table) — and an AP that never comes alive. */
static void state_faults(const CpuhpProfile *p, GArray *out) {
  const CpuhpTable *t = cpuhp_profile_table(p);
  guint n = cpuhp_profile_n_cpus(p);
  for (int on = ON_PRIMARY; on <= ON_SIBLING; on++) {
    for (guint i = 0; i < t->n_steps && n > 1; i++) {
      g_autofree char *spec = g_strdup_printf("%u:%s", n - 1, t->steps[i].name);
      CpuhpFault f;
      if (!cpuhp_fault_parse(p, "fault", spec, FALSE, &f, NULL)) continue;
      Fault fa = {FALSE, (FaultCpu)on, g_intern_string(t->steps[i].name)}; /* outlives p's table */
      g_array_append_val(out, fa);
    }
    Fault dead = {TRUE, (FaultCpu)on, NULL};
    g_array_append_val(out, dead);
  }
}

/* One way a rule broke: the rule, and the known property it is (NULL: none). */
typedef struct {
  const CpuhpInvariant *inv;
  const CpuhpKnownProperty *known;
  gboolean fails;  /* counts against the gate: not known, or --strict */
  Point first;     /* the first point of the sweep that broke it so */
  guint n_runs;    /* runs that broke it so */
  /* after shrinking */
  Point best;
  guint cpus;
  char *detail, *run_line, *trace;
} Finding;

static void finding_clear(gpointer data) {
  Finding *f = data;
  g_free(f->detail);
  g_free(f->run_line);
  g_free(f->trace);
}

static const CpuhpViolation *violation_of(GArray *v, const Finding *f) {
  for (guint i = 0; i < v->len; i++) {
    const CpuhpViolation *x = &g_array_index(v, CpuhpViolation, i);
    if (x->inv == f->inv && x->known == f->known) return x;
  }
  return NULL;
}

/* Whether `pt` with one of the seeds 1..runs breaks the rule the way `f` did; the seed that
 * does goes in pt. */
static gboolean breaks_with_some_seed(const Target *tg, Point *pt, guint64 runs, const Finding *f) {
  for (guint64 s = 1; s <= runs; s++) {
    pt->seed = s;
    g_autoptr(CpuhpProfile) p = NULL; /* run_point() hands over the profile it loaded */
    g_autoptr(CpuhpResult) r = run_point(tg, pt, &p);
    if (!r) continue;
    g_autoptr(GArray) v = cpuhp_invariants_check(p, r);
    if (violation_of(v, f)) return TRUE;
  }
  return FALSE;
}

static char *run_line(const Target *tg, const Point *pt, const CpuhpProfile *p) {
  const Topo *t = &topos[pt->topo];
  GString *out = g_string_new("cpuhpsim run");
  if (tg->profile) g_string_append_printf(out, " %s", tg->profile);
  for (char **s = tg->set; s && *s; s++) g_string_append_printf(out, " --set %s", *s);
  g_string_append_printf(out, " --topology=%s", t->topology);
  if (t->cut) g_string_append_printf(out, " --cpus=%u", t->cut);
  if (t->pcpus) g_string_append_printf(out, " --set host.pcpus=%u", t->pcpus);
  if (*timings[pt->timing]) g_string_append_printf(out, " --set %s", timings[pt->timing]);
  g_string_append_printf(out, " --policy=%s --seed=%" G_GUINT64_FORMAT, policies[pt->policy], pt->seed);
  const Fault *fa = &g_array_index(tg->faults, Fault, pt->fault);
  if (fa->no_alive || fa->state) {
    g_autofree char *spec = fault_spec(p, fa);
    g_string_append_printf(out, " --%s=%s", fa->no_alive ? "no-alive" : "fail", spec);
  }
  g_string_append(out, " --check");
  return g_string_free(out, FALSE);
}

/* The trace file of the i-th counterexample written: `path`, then path-RULE.trace. */
static char *trace_path(const char *path, guint i, const Finding *f) {
  if (i == 0) return g_strdup(path);
  g_autofree char *stem = g_str_has_suffix(path, ".trace") ? g_strndup(path, strlen(path) - 6) : g_strdup(path);
  return g_strdup_printf("%s-%s.trace", stem, f->known ? f->known->name : f->inv->name);
}

/* Smallest topology, then simplest timing, that breaks the rule the same way; then its detail,
 * run line and (for a failure) its trace. FALSE: the trace could not be written. */
static gboolean shrink(const Target *tg, guint64 runs, Finding *f, const char *path, guint *n_traces) {
  Point best = f->first;
  for (guint t = 0; t <= f->first.topo; t++) {
    if (t == best.topo || topo_cpus(&topos[t]) > topo_cpus(&topos[best.topo])) continue;
    Point pt = {t, f->first.policy, f->first.fault, f->first.timing, 0};
    if (breaks_with_some_seed(tg, &pt, runs, f)) best = pt;
  }
  if (best.timing) {
    Point pt = best;
    pt.timing = 0;
    if (breaks_with_some_seed(tg, &pt, runs, f)) best = pt;
  }
  f->best = best;
  g_autoptr(CpuhpProfile) p = NULL; /* run_point() hands over the profile it loaded */
  g_autoptr(CpuhpResult) r = run_point(tg, &best, &p);
  g_assert(r);
  g_autoptr(GArray) v = cpuhp_invariants_check(p, r);
  const CpuhpViolation *viol = violation_of(v, f);
  g_assert(viol);
  f->cpus = r->n_cpus;
  f->detail = g_strdup(viol->detail);
  f->run_line = run_line(tg, &best, p);
  if (!f->fails) return TRUE;
  f->trace = trace_path(path, (*n_traces)++, f);
  g_autoptr(GString) t = g_string_new(NULL);
  cpuhp_report_ftrace(t, r);
  g_autoptr(GError) err = NULL;
  if (sim_output_write(f->trace, t->str, t->len, &err)) return TRUE;
  fprintf(stderr, "cpuhpsim verify: --ftrace: %s\n", err->message);
  return FALSE;
}

typedef struct {
  guint n_runs, n_points, n_inv, n_failing;
  gboolean strict;
  CpuhpMutation mu;
  const CpuhpTable *table;
  GArray *table_violations; /* CpuhpTableViolation */
  guint n_table_rules;
  GArray *changes; /* RowChange, when the table edits a base */
} Summary;

/* "FILE:LINE:COL" of the edit, or the table's name for a shipped row. */
static char *table_where(const Summary *s, const CpuhpTableViolation *v) {
  return v->origin ? g_strdup(v->origin) : g_strdup_printf("table %s/%s", s->table->arch, s->table->version);
}

/* The rows a loaded table changed from its base (cpuhp_table_diff()), each with the table rules
 * its change broke; NULL for a shipped table. */
typedef struct {
  const CpuhpTableChange *c;
  const char *name;
  GPtrArray *breaks; /* rule names */
} RowChange;

static void row_change_clear(gpointer p) { g_ptr_array_unref(((RowChange *)p)->breaks); }

static GArray *table_changes(const Summary *s, GArray *diff) {
  GArray *out = g_array_new(FALSE, FALSE, sizeof(RowChange));
  g_array_set_clear_func(out, row_change_clear);
  for (guint i = 0; i < diff->len; i++) {
    const CpuhpTableChange *c = &g_array_index(diff, CpuhpTableChange, i);
    RowChange rc = {c, c->a ? c->a->name : c->b->name, g_ptr_array_new()};
    for (guint k = 0; k < s->table_violations->len; k++) {
      const CpuhpTableViolation *v = &g_array_index(s->table_violations, CpuhpTableViolation, k);
      if (g_str_equal(v->state, rc.name)) g_ptr_array_add(rc.breaks, (gpointer)v->rule->name);
    }
    g_array_append_val(out, rc);
  }
  return out;
}

static const char *change_kind(CpuhpTableChangeKind k) {
  static const char *const names[] = {"removed", "moved", "changed", "added"};
  return names[k];
}

static void print_changes_text(const Summary *s, GArray *changes) {
  const CpuhpTable *base = cpuhp_table_base(s->table);
  printf("verify: state table %s/%s changes %u row%s of %s/%s:\n", s->table->arch, s->table->version, changes->len,
         changes->len == 1 ? "" : "s", base->arch, base->version);
  for (guint i = 0; i < changes->len; i++) {
    const RowChange *rc = &g_array_index(changes, RowChange, i);
    g_autofree char *steps = rc->c->kind == CPUHP_TABLE_MOVED ? g_strdup_printf(" %u -> %u", rc->c->a->step, rc->c->b->step)
                             : g_strdup_printf(" at %u", (rc->c->a ? rc->c->a : rc->c->b)->step);
    g_autofree char *rules = NULL;
    if (rc->breaks->len) {
      g_ptr_array_add(rc->breaks, NULL);
      rules = g_strjoinv(", ", (char **)rc->breaks->pdata);
      g_ptr_array_set_size(rc->breaks, rc->breaks->len - 1);
    }
    printf("  %s %s%s: %s%s\n", rc->name, change_kind(rc->c->kind), steps, rules ? "breaks " : "breaks no table rule",
           rules ? rules : "");
  }
}

static void print_table_text(const Summary *s) {
  for (guint i = 0; i < s->table_violations->len; i++) {
    const CpuhpTableViolation *v = &g_array_index(s->table_violations, CpuhpTableViolation, i);
    g_autofree char *where = table_where(s, v);
    printf("verify: VIOLATED %s (state table): %s\n  %s: %s: %s\n  source: %s\n", v->rule->name, v->rule->rule, where,
           v->state, v->detail, v->source);
  }
  if (s->table_violations->len) {
    g_autoptr(GHashTable) rules = g_hash_table_new(NULL, NULL);
    for (guint i = 0; i < s->table_violations->len; i++)
      g_hash_table_add(rules, (gpointer)g_array_index(s->table_violations, CpuhpTableViolation, i).rule);
    printf("verify: state table %s/%s: %u of %u table rules VIOLATED\n", s->table->arch, s->table->version,
           g_hash_table_size(rules), s->n_table_rules);
  } else {
    printf("verify: state table %s/%s: all %u table rules hold\n", s->table->arch, s->table->version,
           s->n_table_rules);
  }
  if (s->changes && s->changes->len) print_changes_text(s, s->changes);
}

static void print_text(const Summary *s, GArray *found) {
  print_table_text(s);
  for (guint i = 0; i < found->len; i++) {
    const Finding *f = &g_array_index(found, Finding, i);
    if (!f->fails) continue;
    printf("verify: VIOLATED %s: %s\n  %s\n  minimal counterexample (%u CPUs): %s\n  trace: %s\n", f->inv->name,
           f->inv->rule, f->detail, f->cpus, f->run_line, f->trace);
    if (f->known) printf("  known property of the kernel (failed by --strict): %s\n", f->known->name);
  }
  for (guint i = 0; i < found->len; i++) {
    const Finding *f = &g_array_index(found, Finding, i);
    if (f->fails) continue;
    printf("verify: known property of the kernel, not a failure (--strict fails it): %s\n  %s\n"
           "  breaks %s: %s\n  source: %s\n  in %u runs; smallest (%u CPUs): %s\n",
           f->known->name, f->known->what, f->inv->name, f->detail, f->known->source, f->n_runs, f->cpus,
           f->run_line);
  }
  const char *model = s->mu ? " (mutated model)" : "";
  guint n_known = 0;
  for (guint i = 0; i < found->len; i++) n_known += !g_array_index(found, Finding, i).fails;
  if (s->n_failing > s->table_violations->len) {
    g_autoptr(GHashTable) rules = g_hash_table_new(NULL, NULL);
    for (guint i = 0; i < found->len; i++)
      if (g_array_index(found, Finding, i).fails) g_hash_table_add(rules, (gpointer)g_array_index(found, Finding, i).inv);
    printf("verify: %u runs over %u configurations%s, %u of %u invariants VIOLATED\n", s->n_runs, s->n_points, model,
           g_hash_table_size(rules), s->n_inv);
  } else if (n_known) {
    printf("verify: %u runs over %u configurations%s, all %u invariants hold but %u known propert%s of the kernel\n",
           s->n_runs, s->n_points, model, s->n_inv, n_known, n_known == 1 ? "y" : "ies");
  } else {
    printf("verify: %u runs over %u configurations%s, all %u invariants hold\n", s->n_runs, s->n_points, model,
           s->n_inv);
  }
  if (s->mu && s->n_failing > s->table_violations->len)
    printf("  model: mutated (%s), so the run lines need the same broken model\n", cpuhp_mutation_name(s->mu));
}

static void json_finding(SimJsonWriter *w, const Finding *f) {
  sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
  sim_jw_string(w, "rule", f->inv->name);
  sim_jw_string(w, "text", f->inv->rule);
  sim_jw_string(w, "detail", f->detail);
  sim_jw_string(w, "known", f->known ? f->known->name : NULL);
  if (f->known) {
    sim_jw_string(w, "what", f->known->what);
    sim_jw_string(w, "source", f->known->source);
  }
  sim_jw_uint(w, "runs", f->n_runs);
  sim_jw_uint(w, "cpus", f->cpus);
  sim_jw_string(w, "run", f->run_line);
  sim_jw_string(w, "trace", f->trace);
  sim_jw_end_object(w);
}

static void print_json(const Summary *s, GArray *found) {
  g_autoptr(GString) out = g_string_new(NULL);
  {
    g_autoptr(SimJsonWriter) w = sim_jw_new(out);
    sim_jw_begin_object(w, NULL, SIM_JW_LINES);
    sim_jw_bool(w, "passed", s->n_failing == 0);
    sim_jw_bool(w, "strict", s->strict);
    sim_jw_string(w, "model", s->mu ? cpuhp_mutation_name(s->mu) : "kernel");
    sim_jw_uint(w, "runs", s->n_runs);
    sim_jw_uint(w, "configurations", s->n_points);
    sim_jw_uint(w, "invariants", s->n_inv);
    g_autofree char *table = g_strdup_printf("%s/%s", s->table->arch, s->table->version);
    sim_jw_string(w, "table", table);
    sim_jw_uint(w, "table_rules", s->n_table_rules);
    cpuhp_report_table_violations_json(w, s->table_violations, SIM_JW_LINES);
    sim_jw_begin_array(w, "table_changes", SIM_JW_LINES);
    for (guint i = 0; s->changes && i < s->changes->len; i++) {
      const RowChange *rc = &g_array_index(s->changes, RowChange, i);
      sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
      sim_jw_string(w, "state", rc->name);
      sim_jw_string(w, "change", change_kind(rc->c->kind));
      if (rc->c->a) sim_jw_uint(w, "from", rc->c->a->step);
      if (rc->c->b) sim_jw_uint(w, "to", rc->c->b->step);
      sim_jw_begin_array(w, "breaks", SIM_JW_INLINE);
      for (guint k = 0; k < rc->breaks->len; k++) sim_jw_string(w, NULL, rc->breaks->pdata[k]);
      sim_jw_end_array(w);
      sim_jw_end_object(w);
    }
    sim_jw_end_array(w);
    for (int known = 0; known <= 1; known++) {
      sim_jw_begin_array(w, known ? "known_properties" : "violations", SIM_JW_LINES);
      for (guint i = 0; i < found->len; i++) {
        const Finding *f = &g_array_index(found, Finding, i);
        if (f->fails != !known) continue;
        json_finding(w, f);
      }
      sim_jw_end_array(w);
    }
    sim_jw_end_object(w);
  }
  printf("%s\n", out->str);
}

/* Runs `pt` with seeds 1..runs and records how each broke a rule. TRUE if the point applies. */
static gboolean sweep_point(const Target *tg, Point *pt, guint64 runs, gboolean strict, GArray *found, guint *n_runs) {
  gboolean ran = FALSE;
  for (guint64 seed = 1; seed <= runs; seed++) {
    pt->seed = seed;
    g_autoptr(CpuhpProfile) p = NULL; /* run_point() hands over the profile it loaded */
    g_autoptr(CpuhpResult) r = run_point(tg, pt, &p);
    if (!r) continue;
    ran = TRUE;
    (*n_runs)++;
    g_autoptr(GArray) v = cpuhp_invariants_check(p, r);
    for (guint i = 0; i < v->len; i++) {
      const CpuhpViolation *x = &g_array_index(v, CpuhpViolation, i);
      Finding *hit = NULL;
      for (guint k = 0; k < found->len && !hit; k++)
        if (violation_of(v, &g_array_index(found, Finding, k)) == x) hit = &g_array_index(found, Finding, k);
      if (!hit) {
        Finding key = {.inv = x->inv, .known = x->known, .fails = !x->known || strict, .first = *pt};
        g_array_append_val(found, key);
        hit = &g_array_index(found, Finding, found->len - 1);
      }
      hit->n_runs++;
    }
  }
  return ran;
}

/* Finding order: the invariants' order, a rule's known property after its plain breakage. */
static gint finding_cmp(gconstpointer a, gconstpointer b) {
  const Finding *x = a, *y = b;
  if (x->inv != y->inv) return x->inv < y->inv ? -1 : 1;
  return (x->known != NULL) - (y->known != NULL);
}

int cmd_verify(int argc, char **argv) {
  g_auto(CliFlags) f = {0};
  g_autofree char *mutate = NULL, *ftrace = NULL;
  gboolean strict = FALSE;
  GOptionEntry entries[] = {
      cli_option(CLI_OPT_SET, &f),
      cli_option_help(CLI_OPT_RUNS, &f, "Seeds per configuration (default 3)"),
      cli_option_format(&f, "text|json"),
      {"strict", 0, 0, G_OPTION_ARG_NONE, &strict, "Fail on the known properties of the kernel too", NULL},
      {"ftrace", 0, 0, G_OPTION_ARG_FILENAME, &ftrace,
       "Where the counterexample's trace goes (default verify-counterexample.trace; with several broken rules the "
       "others go to FILE-RULE.trace)", "FILE"},
      {"mutate", 0, 0, G_OPTION_ARG_STRING, &mutate, "Verify a deliberately broken model (sibling-first, release-two, no-release-wait, prepare-on-ap, skip-teardown): the checker must catch it", "NAME"},
      G_OPTION_ENTRY_NULL};
  int status;
  if (!cli_parse("verify", &argc, &argv, entries, "[PROFILE]",
                 "Check the profile's state table against what each state needs (where its callback\n"
                 "must run, whether it sleeps, what it depends on), then the kernel's bringup rules\n"
                 "(see `run --check`) on every combination of odd\n"
                 "topologies (1 CPU, a sibling cut off, more vCPUs than host CPUs ...), policies,\n"
                 "injected faults (every state the kernel lets fail, from the state table, on a\n"
                 "primary and a sibling), timings and seeds. Every rule that broke is reported with the\n"
                 "smallest configuration that breaks it and a trace that replays it. A known property\n"
                 "of the real kernel (its own logic breaks a rule; the source is named) is listed apart.\n"
                 "Exit 0: every rule held but known properties; 1: a rule broke (or, with --strict, a\n"
                 "known property showed); 2: a usage error.",
                 &status))
    return status;
  guint64 runs = 3;
  if (f.runs && (!cli_parse_u64(f.runs, 1000, &runs) || !runs)) return cli_fail("verify", "--runs: expected 1 to 1000, got '%s'", f.runs);
  const char *format = f.format ? f.format : "text";
  if (!g_str_equal(format, "text") && !g_str_equal(format, "json"))
    return cli_fail("verify", "--format: expected text or json, got '%s'", format);
  CpuhpMutation mu = CPUHP_MUTATE_NONE;
  if (mutate && !cpuhp_mutation_parse(mutate, &mu)) return cli_fail("verify", "--mutate: unknown mutation '%s'", mutate);
  const char *profile = argc > 1 ? argv[1] : NULL;
  const CpuhpTable *table = NULL;
  g_autoptr(GArray) all_faults = g_array_new(FALSE, FALSE, sizeof(Fault));
  g_array_append_vals(all_faults, classic_faults, G_N_ELEMENTS(classic_faults));
  { /* a bad profile or --set is a usage error, before any run */
    g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
    if ((status = cli_overrides("verify", &f, ov))) return status;
    g_autoptr(CpuhpProfile) p = cli_load(profile, ov);
    if (!p) return 2;
    state_faults(p, all_faults);
    table = cpuhp_profile_table(p); /* shipped and loaded tables live as long as the process */
  }
  const Target tg = {profile, f.set, mu, all_faults};
  g_autoptr(GArray) table_violations = cpuhp_table_check(table);
  Summary s = {.strict = strict, .mu = mu, .table = table, .table_violations = table_violations,
               .n_failing = table_violations->len};
  cpuhp_table_rules(&s.n_table_rules);
  g_autoptr(GArray) diff = cpuhp_table_base(table) ? cpuhp_table_diff(cpuhp_table_base(table), table) : NULL;
  g_autoptr(GArray) changes = diff ? table_changes(&s, diff) : NULL;
  s.changes = changes;
  cpuhp_invariants(&s.n_inv);
  g_autoptr(GArray) found = g_array_new(FALSE, TRUE, sizeof(Finding));
  g_array_set_clear_func(found, finding_clear);
  for (guint t = 0; t < G_N_ELEMENTS(topos); t++) {
    for (guint po = 0; po < G_N_ELEMENTS(policies); po++)
      for (guint fa = 0; fa < G_N_ELEMENTS(classic_faults); fa++)
        for (guint ti = 0; ti < G_N_ELEMENTS(timings); ti++) {
          Point pt = {t, po, fa, ti, 0};
          s.n_points += sweep_point(&tg, &pt, runs, strict, found, &s.n_runs);
        }
    for (guint fa = G_N_ELEMENTS(classic_faults); fa < all_faults->len; fa++)
      for (guint i = 0; i < G_N_ELEMENTS(fault_policies); i++) {
        Point pt = {t, fault_policies[i], fa, 0, 0};
        s.n_points += sweep_point(&tg, &pt, runs, strict, found, &s.n_runs);
      }
  }
  g_array_sort(found, finding_cmp);
  guint n_traces = 0;
  for (guint i = 0; i < found->len; i++) {
    Finding *x = &g_array_index(found, Finding, i);
    if (!shrink(&tg, runs, x, ftrace ? ftrace : "verify-counterexample.trace", &n_traces)) return 1;
    s.n_failing += x->fails;
  }
  if (g_str_equal(format, "json"))
    print_json(&s, found);
  else
    print_text(&s, found);
  return s.n_failing ? 1 : 0;
}
