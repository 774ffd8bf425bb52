/* stats.h — summary statistics of Monte Carlo samples (integer ns in, doubles out).
 *
 * Contract: quantiles by nearest rank on the sorted samples, so every reported figure is one of
 * the simulated values; mean and sample standard deviation; deterministic. */
#pragma once

#include <glib.h>
#include <stdint.h>

typedef struct {
  guint n;
  double mean, sd, min, max, p50, p90, p99;
} SimStats;

void sim_stats_compute(const int64_t *v, guint n, SimStats *out);
/* Mean of the paired differences a[i] - b[i] and the half-width of its 95 % confidence
 * interval (normal approximation; 0 with fewer than 2 pairs). */
void sim_stats_paired_diff(const int64_t *a, const int64_t *b, guint n, double *mean, double *ci95);
