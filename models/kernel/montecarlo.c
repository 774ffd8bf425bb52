/* montecarlo.c — repeated runs, one seed each. */
#include "models/kernel/montecarlo.h"

#include "models/kernel/policy.h"

const char *cpuhp_metric_key(CpuhpMetric m) {
  static const char *const keys[] = {"bringup_ns", "all_online_ns", "bp_wait_ns", "bp_busy_ns", "ap_spin_ns"};
  return keys[m];
}

const char *cpuhp_metric_label(CpuhpMetric m) {
  static const char *const labels[] = {"bringup (to smp: Brought up)", "all CPUs online", "control CPU waiting",
                                       "control CPU busy-waiting", "AP spin CPU time (power)"};
  return labels[m];
}

CpuhpSamples *cpuhp_mc_run(const CpuhpProfile *p, const CpuhpRunOptions *opt, guint runs, GError **error) {
  g_autoptr(CpuhpSamples) s = g_new0(CpuhpSamples, 1);
  s->first_seed = opt->seed;
  s->runs = runs;
  s->min_online = G_MAXUINT;
  for (CpuhpMetric k = 0; k < CPUHP_METRIC_N; k++) s->values[k] = g_new(int64_t, runs);
  for (guint i = 0; i < runs; i++) {
    CpuhpRunOptions o = *opt;
    o.seed = opt->seed + i;
    o.trace = FALSE;
    g_autoptr(CpuhpResult) r = cpuhp_bringup_run(p, &o, error);
    if (!r) return NULL;
    if (!s->policy) s->policy = g_strdup(r->policy);
    s->values[CPUHP_METRIC_BRINGUP][i] = r->bringup_ns;
    s->values[CPUHP_METRIC_ALL_ONLINE][i] = r->all_online_ns;
    s->values[CPUHP_METRIC_BP_WAIT][i] = r->bp_wait_ns;
    s->values[CPUHP_METRIC_BP_BUSY][i] = r->bp_spin_ns;
    s->values[CPUHP_METRIC_AP_SPIN][i] = r->ap_spin_ns;
    s->min_online = MIN(s->min_online, r->cpus_online);
    s->max_online = MAX(s->max_online, r->cpus_online);
  }
  return g_steal_pointer(&s);
}

void cpuhp_samples_free(CpuhpSamples *s) {
  if (!s) return;
  for (CpuhpMetric k = 0; k < CPUHP_METRIC_N; k++) g_free(s->values[k]);
  g_free(s->policy);
  g_free(s);
}
