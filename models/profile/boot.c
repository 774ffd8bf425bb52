/* boot.c — the profile's `boot.terms` mapping: the per-CPU work of the whole boot outside the
 * bringup window, one named term each, {phase, cost, per_possible_cpu, per_online_cpu,
 * per_cpu_pair, broadcasts, grace_periods, source}.
 *
 * Only the form is checked here; what a term costs in a run is the kernel model's business
 * (models/kernel/boot.c). Every term must say where it comes from (`source:`): a kernel line,
 * a datasheet, a public measurement or the boots it was fitted on. */
#include <string.h>

#include "models/profile/dist.h"
#include "models/profile/internal.h"

#define MAX_TERMS 256u
#define MAX_COUNT 100000u
/* 65,536 CPUs x 100 ms, 2^31 pairs x 1 ms, 4.7e13 triples x 100 us stay inside int64 ns. */
#define PER_CPU_MAX (INT64_C(100) * 1000000)
#define PER_PAIR_MAX INT64_C(1000000)
#define PER_TRIPLE_MAX INT64_C(100000)

static const char *const phase_names[] = {"vmm", "before_smp", "after_smp", NULL};

const char *cpuhp_boot_phase_name(CpuhpBootPhase ph) {
  g_assert((guint)ph < CPUHP_BOOT_N_PHASES);
  return phase_names[ph];
}

static gboolean parse_count(const YtNode *n, const char *what, guint *out, GError **error) {
  const char *s = prof_need_scalar(n, "a count", error);
  if (!s) return FALSE;
  int64_t v;
  gboolean overflow = FALSE;
  if (!prof_parse_integer(s, FALSE, &v, &overflow) || overflow || v > MAX_COUNT) {
    g_autofree char *q = prof_shown(n);
    return FAIL(n, VALUE, "%s: expected a count from 0 to %u, got %s", what, MAX_COUNT, q);
  }
  *out = (guint)v;
  return TRUE;
}

static gboolean bind_term(CpuhpBootTerm *t, const YtNode *v, GError **error) {
  g_autofree char *name = yt_escape(t->name);
  if (v->kind != YT_MAPPING)
    return FAIL(v, SCHEMA, "boot term '%s': expected a mapping {phase, cost, per_online_cpu, ..., "
                "source}, got %s", name, yt_kind_name(v));
  const YtNode *phase = NULL, *source = NULL;
  for (guint i = 0; i < v->keys->len; i++) {
    const YtNode *k = g_ptr_array_index(v->keys, i), *x = g_ptr_array_index(v->items, i);
    const char *key = k->text;
    gboolean ok = TRUE;
    if (strcmp(key, "phase") == 0) phase = x;
    else if (strcmp(key, "source") == 0) source = x;
    else if (strcmp(key, "cost") == 0) ok = prof_parse_duration(x, PROF_COST_MAX, &t->cost, error);
    else if (strcmp(key, "per_possible_cpu") == 0) ok = prof_parse_duration(x, PER_CPU_MAX, &t->per_possible_cpu, error);
    else if (strcmp(key, "per_online_cpu") == 0) ok = prof_parse_duration(x, PER_CPU_MAX, &t->per_online_cpu, error);
    else if (strcmp(key, "per_possible_pair") == 0) ok = prof_parse_duration(x, PER_PAIR_MAX, &t->per_possible_pair, error);
    else if (strcmp(key, "per_possible_triple") == 0) ok = prof_parse_duration(x, PER_TRIPLE_MAX, &t->per_possible_triple, error);
    else if (strcmp(key, "per_online_pair") == 0) ok = prof_parse_duration(x, PER_PAIR_MAX, &t->per_online_pair, error);
    else if (strcmp(key, "broadcasts") == 0) ok = parse_count(x, "broadcasts", &t->broadcasts, error);
    else if (strcmp(key, "grace_periods") == 0) ok = parse_count(x, "grace_periods", &t->grace_periods, error);
    else if (strcmp(key, "round_trips") == 0) ok = parse_count(x, "round_trips", &t->round_trips, error);
    else {
      g_autofree char *q = yt_quote(key);
      return FAIL(k, SCHEMA, "unknown key %s in boot term '%s' (expected phase, cost, "
                  "per_possible_cpu, per_possible_pair, per_possible_triple, per_online_cpu, per_online_pair, "
                  "broadcasts, round_trips, grace_periods or "
                  "source)", q, name);
    }
    if (!ok) return FALSE;
  }
  if (!phase) return FAIL(v, SCHEMA, "boot term '%s': missing key 'phase' (vmm, before_smp or after_smp)", name);
  const char *ph = prof_need_scalar(phase, "a phase", error);
  if (!ph) return FALSE;
  guint i = 0;
  while (phase_names[i] && strcmp(phase_names[i], ph) != 0) i++;
  if (!phase_names[i]) {
    g_autofree char *q = prof_shown(phase);
    return FAIL(phase, VALUE, "boot term '%s': phase must be vmm, before_smp or after_smp, got %s", name, q);
  }
  t->phase = (CpuhpBootPhase)i;
  if (!source)
    return FAIL(v, SCHEMA, "boot term '%s': missing key 'source' (the kernel line, datasheet, "
                "measurement or boots its numbers come from)", name);
  const char *src = prof_need_scalar(source, "a text", error);
  if (!src) return FALSE;
  if (!*src) return FAIL(source, VALUE, "boot term '%s': 'source' is empty", name);
  t->source = g_strdup(src);
  if (t->phase != CPUHP_BOOT_AFTER_SMP && (t->broadcasts || t->round_trips || t->grace_periods || t->per_online_cpu || t->per_online_pair))
    return FAIL(v, VALUE, "boot term '%s': only after_smp terms have online CPUs to pay for "
                "(per_online_cpu, per_online_pair, broadcasts, round_trips, grace_periods)", name);
  return TRUE;
}

/* The longest whole boot a profile may describe: its terms at the topology's CPU count, every
 * IPI and grace period at the profile's costs, slowed by the worst host sharing, must stay far
 * inside int64 ns (1e17 ns: three years). Checked in double, term by term, so the message can
 * name the term that goes over. */
#define BOOT_MAX_NS 1e17

static gboolean bound_terms(const CpuhpProfile *prof, const YtNode *terms, GError **error) {
  double n = cpuhp_profile_n_cpus(prof), pairs = n * (n - 1) / 2, triples = pairs * (n - 2) / 3;
  double ipi = sim_dist_mean(&prof->x86.icr_write) + sim_dist_mean(&prof->host.exit_cost[CPUHP_EXIT_SYS64]) +
               sim_dist_mean(&prof->platform.wakeup) + sim_dist_mean(&prof->host.vcpu_wakeup);
  double gp = (3 + n / 256) * 1e9 / (prof->kernel.hz ? prof->kernel.hz : 100);
  /* the host pool's slowdown of the BP with every other CPU idle: the processor-sharing law, or
   * under host.idle_share the workers' rest of the servers, floored at 1 % (sim/engine/pspool.c) */
  double idle = (n - 1) * MAX(prof->boot.idle_load_pct, prof->host.idle_load_pct) / 100, servers = prof->host.pcpus;
  double share = prof->host.idle_share && servers > 0 ? 1 / MIN(1.0, MAX(servers - idle, 0.01 * servers)) : 1 + idle;
  double total = (double)prof->boot.vmm + (double)prof->boot.before_smp + (double)prof->boot.after_smp * share;
  for (guint i = 0; i < prof->boot.n_terms; i++) {
    const CpuhpBootTerm *t = &prof->boot.terms[i];
    double work = (double)t->cost + (double)t->per_possible_cpu * n + (double)t->per_possible_pair * pairs +
                  (double)t->per_possible_triple * triples + (double)t->per_online_cpu * n + (double)t->per_online_pair * pairs;
    total += work * (t->phase == CPUHP_BOOT_AFTER_SMP ? share : 1) +
             ((double)t->broadcasts + (double)t->round_trips * n) * n * ipi + (double)t->grace_periods * gp;
    if (total > BOOT_MAX_NS)
      return FAIL(g_ptr_array_index(terms->keys, i), VALUE, "boot term '%s': the whole boot would take over %.0e ns "
                  "at %.0f CPUs (the terms, their IPIs and grace periods added up)", t->name, BOOT_MAX_NS, n);
  }
  return TRUE;
}

gboolean prof_bind_boot(CpuhpProfile *prof, const YtNode *root, GError **error) {
  const YtNode *boot = yt_mapping_get(root, "boot");
  prof->boot.modelled = boot && !yt_is_null(boot);
  if (!prof_node_at(root, "boot.idle_load_pct", FALSE)) prof->boot.idle_load_pct = prof->host.idle_load_pct;
  const YtNode *terms = prof->boot.modelled ? yt_mapping_get(boot, "terms") : NULL;
  if (!terms || yt_is_null(terms)) return TRUE;
  if (terms->kind != YT_MAPPING)
    return FAIL(terms, SCHEMA, "'boot.terms' must be a mapping from term names to terms, got %s",
                yt_kind_name(terms));
  if (terms->keys->len > MAX_TERMS)
    return FAIL(terms, VALUE, "boot.terms: at most %u terms, got %u", MAX_TERMS, terms->keys->len);
  prof->boot.terms = g_new0(CpuhpBootTerm, terms->keys->len);
  for (guint i = 0; i < terms->keys->len; i++) {
    const YtNode *k = g_ptr_array_index(terms->keys, i), *v = g_ptr_array_index(terms->items, i);
    CpuhpBootTerm *t = &prof->boot.terms[prof->boot.n_terms++]; /* counted now: freed on failure */
    t->name = g_strdup(k->text);
    prof_loc_set(&t->at, k);
    if (!bind_term(t, v, error)) return FALSE;
  }
  return bound_terms(prof, terms, error);
}

void prof_free_boot(CpuhpProfile *prof) {
  for (guint i = 0; i < prof->boot.n_terms; i++) {
    g_free(prof->boot.terms[i].name);
    g_free(prof->boot.terms[i].source);
    prof_loc_clear(&prof->boot.terms[i].at);
  }
  g_free(prof->boot.terms);
}
