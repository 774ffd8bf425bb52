/* replay_diff.c — one measured timeline against another: per-CPU callback sequences position by
 * position, per-state mean durations, bringup time measured the same way on both sides. */
#include <string.h>

#include "models/replay/replay.h"

static gboolean same_step(const CpuhpMeasuredStep *a, const CpuhpMeasuredStep *b) {
  return a->step == b->step && a->target == b->target && a->side == b->side && a->multi == b->multi &&
         !strcmp(a->callback, b->callback);
}

static void diff_cpu(CpuhpReplayDiff *d, guint cpu, const CpuhpMeasuredCpu *a, const CpuhpMeasuredCpu *b) {
  CpuhpDiffCpu dc = {.cpu = cpu, .real_len = a ? a->steps->len : 0, .sim_len = b ? b->steps->len : 0};
  if (!dc.real_len && !dc.sim_len) return; /* only function-tracer lines ran there */
  guint k = 0, n = MIN(dc.real_len, dc.sim_len);
  while (k < n && same_step(&g_array_index(a->steps, CpuhpMeasuredStep, k), &g_array_index(b->steps, CpuhpMeasuredStep, k)))
    k++;
  dc.equal = k == dc.real_len && k == dc.sim_len;
  if (!dc.equal) {
    dc.position = k;
    if ((dc.has_real = k < dc.real_len)) dc.real = g_array_index(a->steps, CpuhpMeasuredStep, k);
    if ((dc.has_sim = k < dc.sim_len)) dc.sim = g_array_index(b->steps, CpuhpMeasuredStep, k);
    if (d->first < 0) d->first = (int)d->cpus->len;
    d->equal = FALSE;
  }
  g_array_append_val(d->cpus, dc);
}

static int cmp_key(const CpuhpMeasuredState *a, const CpuhpMeasuredState *b) {
  if (a->step != b->step) return a->step < b->step ? -1 : 1;
  return strcmp(a->callback, b->callback);
}

CpuhpReplayDiff *cpuhp_replay_diff(const CpuhpMeasured *real, const CpuhpMeasured *sim) {
  CpuhpReplayDiff *d = g_new0(CpuhpReplayDiff, 1);
  d->cpus = g_array_new(FALSE, FALSE, sizeof(CpuhpDiffCpu));
  d->states = g_array_new(FALSE, FALSE, sizeof(CpuhpDiffState));
  d->equal = TRUE;
  d->first = -1;
  /* both CPU lists are sorted by number: merge them */
  for (guint i = 0, j = 0; i < real->cpus->len || j < sim->cpus->len;) {
    const CpuhpMeasuredCpu *a = i < real->cpus->len ? &g_array_index(real->cpus, CpuhpMeasuredCpu, i) : NULL;
    const CpuhpMeasuredCpu *b = j < sim->cpus->len ? &g_array_index(sim->cpus, CpuhpMeasuredCpu, j) : NULL;
    guint cpu = a && (!b || a->cpu <= b->cpu) ? a->cpu : b->cpu;
    if (a && a->cpu == cpu) i++;
    else a = NULL;
    if (b && b->cpu == cpu) j++;
    else b = NULL;
    diff_cpu(d, cpu, a, b);
  }
  /* so are the state lists, by (step, callback) */
  for (guint i = 0, j = 0; i < real->states->len || j < sim->states->len;) {
    const CpuhpMeasuredState *a = i < real->states->len ? &g_array_index(real->states, CpuhpMeasuredState, i) : NULL;
    const CpuhpMeasuredState *b = j < sim->states->len ? &g_array_index(sim->states, CpuhpMeasuredState, j) : NULL;
    int c = !a ? 1 : !b ? -1 : cmp_key(a, b);
    const CpuhpMeasuredState *k = c <= 0 ? a : b;
    CpuhpDiffState ds = {.step = k->step, .real_mean_ns = -1, .sim_mean_ns = -1};
    g_strlcpy(ds.callback, k->callback, sizeof ds.callback);
    if (c <= 0) {
      ds.real_count = a->count;
      ds.real_mean_ns = a->mean_ns;
      i++;
    }
    if (c >= 0) {
      ds.sim_count = b->count;
      ds.sim_mean_ns = b->mean_ns;
      j++;
    }
    g_array_append_val(d->states, ds);
  }
  if (real->method == CPUHP_MEASURE_DMESG && sim->method == CPUHP_MEASURE_DMESG) {
    d->method = CPUHP_MEASURE_DMESG;
    d->real_bringup_ns = real->bringup_ns;
    d->sim_bringup_ns = sim->bringup_ns;
  } else {
    /* the trace window is the one measure every timeline with an AP has */
    d->method = CPUHP_MEASURE_TRACE;
    d->real_bringup_ns = real->trace_bringup_ns;
    d->sim_bringup_ns = sim->trace_bringup_ns;
  }
  d->real_boot_ns = d->sim_boot_ns = d->real_before_ns = d->sim_before_ns = d->real_after_ns = d->sim_after_ns = -1;
  int64_t rb, rbe, ra, sb, sbe, sa;
  if (cpuhp_measured_boot(real, &rb, &rbe, &ra) && cpuhp_measured_boot(sim, &sb, &sbe, &sa)) {
    d->real_boot_ns = rb, d->real_before_ns = rbe, d->real_after_ns = ra;
    d->sim_boot_ns = sb, d->sim_before_ns = sbe, d->sim_after_ns = sa;
  }
  d->real_stalls = real->stalls->len;
  d->real_stalled_ns = cpuhp_measured_stalled_ns(real);
  d->sim_stalls = sim->stalls->len;
  d->sim_stalled_ns = cpuhp_measured_stalled_ns(sim);
  return d;
}

void cpuhp_replay_diff_free(CpuhpReplayDiff *d) {
  if (!d) return;
  g_array_unref(d->cpus);
  g_array_unref(d->states);
  g_free(d);
}
