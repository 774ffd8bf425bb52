/* cmd_verify.c — `cpuhpsim verify`: property sweep of the kernel's bringup rules over odd
 * topologies, policies, faults, timings and seeds; a violation is shrunk to the smallest
 * configuration that still breaks the same rule and written out as a replayable ftrace file. */
#include <stdio.h>
#include <string.h>

#include "models/kernel/bringup.h"
#include "models/kernel/invariants.h"
#include "models/kernel/policy.h"
#include "sim/output/outfile.h"
#include "sim/cli/cli.h"
#include "sim/cli/cmds.h"
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
static const char *const faults[] = {"", "fail=1:workqueue:prepare", "fail=LAST:sched:active", "no-alive=1"};
/* Siblings faster than primaries; idle vCPUs loading a shared host (with the topologies that
 * have one: the BP's work stretches under the APs). */
static const char *const timings[] = {"", "x86.wakeup_secondary=0", "host.idle_load_pct=100"};

typedef struct {
  guint topo, policy, fault, timing;
  guint64 seed;
} Point;

/* What is verified: a profile (NULL: embedded) with the user's --set overrides, a model. */
typedef struct {
  const char *profile;
  char **set;
  CpuhpMutation mu;
} Target;

static guint topo_cpus(const Topo *t) {
  guint s, c, th;
  sscanf(t->topology, "%ux%ux%u", &s, &c, &th);
  return t->cut ? t->cut : s * c * th;
}

/* Runs one point; NULL if it does not apply (e.g. a fault on a CPU that does not exist). */
static CpuhpResult *run_point(const Target *tg, const Point *pt, CpuhpProfile **prof_out, GError **error) {
  const Topo *t = &topos[pt->topo];
  guint n = topo_cpus(t);
  g_auto(CliFlags) f = {0};
  f.topology = g_strdup(t->topology);
  f.set = g_strdupv(tg->set); /* the user's first: the point's topology and timing win */
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  if (cli_overrides("verify", &f, ov)) return NULL;
  if (t->cut) g_ptr_array_add(ov, g_strdup_printf("topology.nr_cpus=%u", t->cut));
  if (t->pcpus) g_ptr_array_add(ov, g_strdup_printf("host.pcpus=%u", t->pcpus));
  if (*timings[pt->timing]) g_ptr_array_add(ov, g_strdup(timings[pt->timing]));
  g_autoptr(CpuhpProfile) p = cli_load(tg->profile, ov);
  if (!p) return NULL;
  g_autoptr(CpuhpPolicy) pol = cpuhp_policy_parse(policies[pt->policy], error);
  g_autoptr(GArray) fl = g_array_new(FALSE, FALSE, sizeof(CpuhpFault));
  const char *spec = faults[pt->fault];
  if (*spec) {
    g_autofree char *cpu_last = g_strdup_printf("%u", n - 1);
    g_autofree char *s = g_strdup(spec + (g_str_has_prefix(spec, "fail=") ? 5 : 9));
    gboolean no_alive = g_str_has_prefix(spec, "no-alive=");
    g_auto(GStrv) parts = g_strsplit(s, "LAST", 2);
    g_autofree char *resolved = g_strjoinv(cpu_last, parts);
    CpuhpFault fault;
    if (!cpuhp_fault_parse(p, "fault", resolved, no_alive, &fault, NULL)) return NULL;
    g_array_append_val(fl, fault);
  }
  CpuhpRunOptions opt = {.seed = pt->seed, .trace = TRUE, .mutation = tg->mu, .policy = pol,
                         .faults = (CpuhpFault *)fl->data, .n_faults = fl->len};
  CpuhpResult *r = cpuhp_bringup_run(p, &opt, NULL); /* NULL: the policy cannot plan here */
  if (r && prof_out) *prof_out = g_steal_pointer(&p);
  return r;
}

/* The name of the first invariant a point violates, or NULL. */
static const CpuhpViolation *first_violation(const CpuhpProfile *p, const CpuhpResult *r, GArray **keep) {
  *keep = cpuhp_invariants_check(p, r);
  return (*keep)->len ? &g_array_index(*keep, CpuhpViolation, 0) : NULL;
}

/* Whether `pt` with one of the seeds 1..runs breaks rule `inv`; the seed that does goes in pt. */
static gboolean breaks_with_some_seed(const Target *tg, Point *pt, guint64 runs, const char *inv) {
  for (guint64 s = 1; s <= runs; s++) {
    pt->seed = s;
    g_autoptr(CpuhpProfile) p = NULL; /* run_point() hands over the profile it loaded */
    g_autoptr(CpuhpResult) r = run_point(tg, pt, &p, NULL);
    if (!r) continue;
    g_autoptr(GArray) v = NULL;
    const CpuhpViolation *viol = first_violation(p, r, &v);
    if (viol && g_str_equal(viol->inv->name, inv)) return TRUE;
  }
  return FALSE;
}

static void describe(GString *out, const Target *tg, const Point *pt) {
  const Topo *t = &topos[pt->topo];
  for (char **s = tg->set; s && *s; s++) g_string_append_printf(out, "--set %s ", *s);
  g_string_append_printf(out, "--topology=%s", t->topology);
  if (t->cut) g_string_append_printf(out, " --cpus=%u", t->cut);
  if (t->pcpus) g_string_append_printf(out, " --set host.pcpus=%u", t->pcpus);
  if (*timings[pt->timing]) g_string_append_printf(out, " --set %s", timings[pt->timing]);
  g_string_append_printf(out, " --policy=%s --seed=%" G_GUINT64_FORMAT, policies[pt->policy], pt->seed);
  if (*faults[pt->fault]) {
    g_autofree char *cpu_last = g_strdup_printf("%u", topo_cpus(t) - 1);
    g_auto(GStrv) parts = g_strsplit(faults[pt->fault], "LAST", 2);
    g_autofree char *resolved = g_strjoinv(cpu_last, parts);
    g_string_append_printf(out, " --%s", resolved);
  }
}

int cmd_verify(int argc, char **argv) {
  g_auto(CliFlags) f = {0};
  g_autofree char *mutate = NULL, *ftrace = NULL;
  GOptionEntry entries[] = {
      cli_option(CLI_OPT_SET, &f),
      cli_option_help(CLI_OPT_RUNS, &f, "Seeds per configuration (default 3)"),
      {"ftrace", 0, 0, G_OPTION_ARG_FILENAME, &ftrace, "Where the counterexample's trace goes (default verify-counterexample.trace)", "FILE"},
      {"mutate", 0, 0, G_OPTION_ARG_STRING, &mutate, "Verify a deliberately broken model (sibling-first, release-two, no-release-wait, prepare-on-ap, skip-teardown): the checker must catch it", "NAME"},
      G_OPTION_ENTRY_NULL};
  int status;
  if (!cli_parse("verify", &argc, &argv, entries, "[PROFILE]",
                 "Check the kernel's bringup rules (see `run --check`) on every combination of odd\n"
                 "topologies (1 CPU, a sibling cut off, more vCPUs than host CPUs ...), policies,\n"
                 "injected faults, timings and seeds. Exit 0: every rule held; 1: a rule broke; the\n"
                 "smallest configuration that breaks it is printed, with a trace that replays it.",
                 &status))
    return status;
  guint64 runs = 3;
  if (f.runs && (!cli_parse_u64(f.runs, 1000, &runs) || !runs)) return cli_fail("verify", "--runs: expected 1 to 1000, got '%s'", f.runs);
  CpuhpMutation mu = CPUHP_MUTATE_NONE;
  if (mutate && !cpuhp_mutation_parse(mutate, &mu)) return cli_fail("verify", "--mutate: unknown mutation '%s'", mutate);
  const char *profile = argc > 1 ? argv[1] : NULL;
  const Target tg = {profile, f.set, mu};
  { /* a bad profile or --set is a usage error, before any run */
    g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
    if ((status = cli_overrides("verify", &f, ov))) return status;
    g_autoptr(CpuhpProfile) p = cli_load(profile, ov);
    if (!p) return 2;
  }
  guint n_runs = 0, n_points = 0;
  Point bad = {0};
  const char *bad_inv = NULL;
  for (guint t = 0; t < G_N_ELEMENTS(topos) && !bad_inv; t++)
    for (guint po = 0; po < G_N_ELEMENTS(policies) && !bad_inv; po++)
      for (guint fa = 0; fa < G_N_ELEMENTS(faults) && !bad_inv; fa++)
        for (guint ti = 0; ti < G_N_ELEMENTS(timings) && !bad_inv; ti++) {
          gboolean ran = FALSE;
          for (guint64 s = 1; s <= runs && !bad_inv; s++) {
            Point pt = {t, po, fa, ti, s};
            g_autoptr(CpuhpProfile) p = NULL; /* run_point() hands over the profile it loaded */
            g_autoptr(CpuhpResult) r = run_point(&tg, &pt, &p, NULL);
            if (!r) continue;
            ran = TRUE;
            n_runs++;
            g_autoptr(GArray) v = NULL;
            const CpuhpViolation *viol = first_violation(p, r, &v);
            if (viol) bad = pt, bad_inv = viol->inv->name;
          }
          n_points += ran;
        }
  guint n_inv;
  cpuhp_invariants(&n_inv);
  if (!bad_inv) {
    printf("verify: %u runs over %u configurations%s, all %u invariants hold\n", n_runs, n_points,
           mu ? " (mutated model)" : "", n_inv);
    return 0;
  }
  /* shrink: the smallest topology, then the simplest timing, that breaks the same rule */
  Point best = bad;
  for (guint t = 0; t <= bad.topo; t++) {
    if (t == best.topo || topo_cpus(&topos[t]) > topo_cpus(&topos[best.topo])) continue;
    Point pt = {t, bad.policy, bad.fault, bad.timing, 0};
    if (breaks_with_some_seed(&tg, &pt, runs, bad_inv)) best = pt;
  }
  if (best.timing) {
    Point pt = best;
    pt.timing = 0;
    if (breaks_with_some_seed(&tg, &pt, runs, bad_inv)) best = pt;
  }
  g_autoptr(CpuhpProfile) p = NULL; /* run_point() hands over the profile it loaded */
  g_autoptr(CpuhpResult) r = run_point(&tg, &best, &p, NULL);
  g_assert(r);
  g_autoptr(GArray) v = NULL;
  const CpuhpViolation *viol = first_violation(p, r, &v);
  g_assert(viol);
  g_autoptr(GString) how = g_string_new(NULL);
  describe(how, &tg, &best);
  g_autoptr(GString) t = g_string_new(NULL);
  cpuhp_report_ftrace(t, r);
  const char *path = ftrace ? ftrace : "verify-counterexample.trace";
  g_autoptr(GError) err = NULL;
  if (!sim_output_write(path, t->str, t->len, &err)) {
    fprintf(stderr, "cpuhpsim verify: --ftrace: %s\n", err->message);
    return 1;
  }
  printf("verify: VIOLATED %s: %s\n  %s\n  minimal counterexample (%u CPUs): cpuhpsim run%s%s %s --check\n"
         "  trace: %s\n", viol->inv->name, viol->inv->rule, viol->detail, r->n_cpus, profile ? " " : "",
         profile ? profile : "", how->str, path);
  for (guint i = 1; i < v->len; i++)
    printf("  also violated: %s: %s\n", g_array_index(v, CpuhpViolation, i).inv->name, g_array_index(v, CpuhpViolation, i).detail);
  if (mu) printf("  model: mutated (%s), so the run line needs the same broken model\n", cpuhp_mutation_name(mu));
  return 1;
}
