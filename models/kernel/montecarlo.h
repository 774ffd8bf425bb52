/* montecarlo.h — N independent hardware samples of one (profile, policy).
 *
 * Contract: run i uses seed + i whatever the policy, so comparing policies sample by sample is a
 * paired comparison with common random numbers (the same hardware luck on both sides). */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "models/kernel/bringup.h"

typedef enum {
  CPUHP_METRIC_BRINGUP,    /* to "smp: Brought up" (time to init with deferred onlining) */
  CPUHP_METRIC_ALL_ONLINE, /* until every CPU was brought up */
  CPUHP_METRIC_BP_WAIT,    /* control CPU waiting */
  CPUHP_METRIC_BP_BUSY,    /* control CPU busy-waiting: alive polling + TSC sync */
  CPUHP_METRIC_AP_SPIN,    /* APs' CPU time spinning at ALIVE: a power proxy */
  CPUHP_METRIC_N,
} CpuhpMetric;

const char *cpuhp_metric_key(CpuhpMetric m); /* JSON/CSV key, e.g. "bringup_ns" */
const char *cpuhp_metric_label(CpuhpMetric m);

typedef struct {
  char *policy;
  uint64_t first_seed;
  guint runs;
  int64_t *values[CPUHP_METRIC_N]; /* runs entries each, index = run */
  guint min_online, max_online;
} CpuhpSamples;

/* `opt` gives faults and the policy; its seed is the first seed; trace is ignored (off). */
CpuhpSamples *cpuhp_mc_run(const CpuhpProfile *p, const CpuhpRunOptions *opt, guint runs, GError **error);
void cpuhp_samples_free(CpuhpSamples *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CpuhpSamples, cpuhp_samples_free)
