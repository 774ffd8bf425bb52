/* stats.c — nearest-rank quantiles, mean, sd, paired differences. */
#include "sim/output/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

static double rank(const int64_t *sorted, guint n, double q) {
  guint k = (guint)ceil(q * n);
  return (double)sorted[k ? k - 1 : 0];
}

void sim_stats_compute(const int64_t *v, guint n, SimStats *out) {
  memset(out, 0, sizeof *out);
  out->n = n;
  if (!n) return;
  g_autofree int64_t *s = g_memdup2(v, n * sizeof *v);
  qsort(s, n, sizeof *s, cmp_i64);
  double sum = 0, sq = 0;
  for (guint i = 0; i < n; i++) sum += (double)s[i];
  out->mean = sum / n;
  for (guint i = 0; i < n; i++) sq += ((double)s[i] - out->mean) * ((double)s[i] - out->mean);
  out->sd = n > 1 ? sqrt(sq / (n - 1)) : 0;
  out->min = (double)s[0];
  out->max = (double)s[n - 1];
  out->p50 = rank(s, n, 0.50);
  out->p90 = rank(s, n, 0.90);
  out->p99 = rank(s, n, 0.99);
}

void sim_stats_paired_diff(const int64_t *a, const int64_t *b, guint n, double *mean, double *ci95) {
  g_autofree int64_t *d = g_new(int64_t, MAX(n, 1));
  for (guint i = 0; i < n; i++) d[i] = a[i] - b[i];
  SimStats s;
  sim_stats_compute(d, n, &s);
  *mean = s.mean;
  *ci95 = n > 1 ? 1.96 * s.sd / sqrt((double)n) : 0;
}
