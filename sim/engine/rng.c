/* rng.c — counter-based streams (a keyed 64-bit mix) and duration distributions. */
#include "sim/engine/rng.h"

#include <math.h>
#include <string.h>

/* SplitMix64's finaliser: a bijection with full avalanche, so distinct keys give independent-
 * looking outputs. Chaining it over the key words makes the value a hash of the whole key. */
static inline uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

uint64_t sim_rng_bits(uint64_t seed, SimRngKey key, uint32_t sub) {
  uint64_t h = mix64(seed + UINT64_C(0x9e3779b97f4a7c15));
  h = mix64(h ^ (((uint64_t)key.cpu << 32) | key.purpose));
  h = mix64(h ^ (((uint64_t)key.draw << 32) | sub) ^ UINT64_C(0x632be59bd9b4e019));
  return h;
}

double sim_rng_uniform(uint64_t seed, SimRngKey key, uint32_t sub) {
  return (double)(sim_rng_bits(seed, key, sub) >> 11) * 0x1.0p-53;
}

static double std_normal(uint64_t seed, SimRngKey key, uint32_t sub) {
  /* Box-Muller on two uniforms; 1-u keeps log() away from 0. */
  double u1 = 1.0 - sim_rng_uniform(seed, key, sub);
  double u2 = sim_rng_uniform(seed, key, sub + 1);
  return sqrt(-2.0 * log(u1)) * cos(2.0 * G_PI * u2);
}

static int64_t clamp_ns(double v) {
  if (!(v > 0.0)) return 0;
  if (v >= 9.0e18) return INT64_C(9000000000000000000);
  return (int64_t)llround(v);
}

static int64_t dist_draw(const SimDist *d, uint64_t seed, SimRngKey key) {
  switch (d->kind) {
  case SIM_DIST_FIXED:
    return d->a;
  case SIM_DIST_UNIFORM: {
    uint64_t span = (uint64_t)(d->b - d->a) + 1;
    return d->a + (int64_t)(sim_rng_bits(seed, key, 0) % span);
  }
  case SIM_DIST_NORMAL:
    /* Truncated at 0 by redrawing: a few tries, then clamp (only reachable for mean << sd). */
    for (uint32_t t = 0; t < 16; t++) {
      double v = (double)d->a + (double)d->b * std_normal(seed, key, 2 * t);
      if (v >= 0.0) return clamp_ns(v);
    }
    return 0;
  case SIM_DIST_LOGNORMAL:
    return clamp_ns((double)d->a * exp(d->sigma * std_normal(seed, key, 0)));
  case SIM_DIST_EXPONENTIAL:
    return clamp_ns(-(double)d->a * log(1.0 - sim_rng_uniform(seed, key, 0)));
  case SIM_DIST_EMPIRICAL:
    g_assert(d->n_samples > 0);
    return d->samples[sim_rng_bits(seed, key, 0) % d->n_samples];
  }
  g_assert_not_reached();
}

int64_t sim_dist_sample(const SimDist *d, uint64_t seed, SimRngKey key) {
  int64_t v = dist_draw(d, seed, key);
  return d->max > 0 && v > d->max ? d->max : v;
}

double sim_dist_mean(const SimDist *d) {
  switch (d->kind) {
  case SIM_DIST_FIXED: return (double)d->a;
  case SIM_DIST_UNIFORM: return ((double)d->a + (double)d->b) / 2.0;
  case SIM_DIST_NORMAL: return (double)d->a; /* truncation ignored: reports only */
  case SIM_DIST_LOGNORMAL: return (double)d->a * exp(d->sigma * d->sigma / 2.0);
  case SIM_DIST_EXPONENTIAL: return (double)d->a;
  case SIM_DIST_EMPIRICAL: {
    double s = 0;
    for (guint i = 0; i < d->n_samples; i++) s += (double)d->samples[i];
    return d->n_samples ? s / d->n_samples : 0.0;
  }
  }
  g_assert_not_reached();
}

void sim_dist_copy(SimDist *dst, const SimDist *src) {
  *dst = *src;
  if (src->samples) dst->samples = g_memdup2(src->samples, src->n_samples * sizeof(int64_t));
}

void sim_dist_clear(SimDist *d) {
  g_clear_pointer(&d->samples, g_free);
  d->n_samples = 0;
}

char *sim_dist_describe(const SimDist *d) {
  char a[32], b[32];
  sim_format_duration(d->a, a, sizeof a);
  sim_format_duration(d->b, b, sizeof b);
  switch (d->kind) {
  case SIM_DIST_FIXED: return g_strdup(a);
  case SIM_DIST_UNIFORM: return g_strdup_printf("uniform(%s, %s)", a, b);
  case SIM_DIST_NORMAL: return g_strdup_printf("normal(%s, sd %s)", a, b);
  case SIM_DIST_LOGNORMAL: return g_strdup_printf("lognormal(median %s, sigma %g)", a, d->sigma);
  case SIM_DIST_EXPONENTIAL: return g_strdup_printf("exponential(mean %s)", a);
  case SIM_DIST_EMPIRICAL: return g_strdup_printf("empirical(%u samples)", d->n_samples);
  }
  g_assert_not_reached();
}

static const struct {
  const char *name;
  int64_t ns;
  int digits; /* decimal digits below the unit that still are whole ns */
} units[] = {{"ns", 1, 0}, {"us", 1000, 3}, {"ms", 1000000, 6}, {"s", 1000000000, 9}};

gboolean sim_parse_duration(const char *text, int64_t *out_ns, const char **why) {
  const char *p = text;
  if (*p == '-') { *why = "negative duration"; return FALSE; }
  if (*p == '+') p++;
  uint64_t whole = 0;
  int nwhole = 0;
  for (; g_ascii_isdigit(*p); p++, nwhole++) {
    if (whole > (UINT64_MAX - 9) / 10) { *why = "duration out of range"; return FALSE; }
    whole = whole * 10 + (uint64_t)(*p - '0');
  }
  const char *frac = NULL;
  int nfrac = 0;
  if (*p == '.') {
    frac = ++p;
    for (; g_ascii_isdigit(*p); p++) nfrac++;
  }
  if (nwhole == 0 && nfrac == 0) { *why = "not a duration (expected e.g. 350us, 3.5ms, 2s)"; return FALSE; }
  if (*p == '\0') {
    if (whole == 0 && nfrac == 0) { *out_ns = 0; return TRUE; }
    *why = "duration needs a unit: ns, us, ms or s";
    return FALSE;
  }
  for (guint u = 0; u < G_N_ELEMENTS(units); u++) {
    if (strcmp(p, units[u].name) != 0) continue;
    if (nfrac > units[u].digits) {
      /* Digits below 1 ns must all be zero. */
      for (int i = units[u].digits; i < nfrac; i++)
        if (frac[i] != '0') { *why = "duration finer than 1ns"; return FALSE; }
    }
    if (whole > (uint64_t)INT64_MAX / (uint64_t)units[u].ns) { *why = "duration out of range"; return FALSE; }
    uint64_t ns = whole * (uint64_t)units[u].ns;
    uint64_t scale = (uint64_t)units[u].ns;
    for (int i = 0; i < nfrac && i < units[u].digits; i++) {
      scale /= 10;
      ns += (uint64_t)(frac[i] - '0') * scale;
    }
    if (ns > (uint64_t)INT64_MAX) { *why = "duration out of range"; return FALSE; }
    *out_ns = (int64_t)ns;
    return TRUE;
  }
  *why = "unknown duration unit (use ns, us, ms or s)";
  return FALSE;
}

const char *sim_format_duration(int64_t ns, char *buf, gsize len) {
  if (ns == 0) { g_snprintf(buf, len, "0"); return buf; }
  for (int u = G_N_ELEMENTS(units) - 1; u >= 0; u--) {
    int64_t unit = units[u].ns;
    if (ns < unit && u > 0) continue;
    int64_t whole = ns / unit, rest = ns % unit;
    if (rest == 0) { g_snprintf(buf, len, "%" G_GINT64_FORMAT "%s", whole, units[u].name); return buf; }
    char frac[16];
    g_snprintf(frac, sizeof frac, "%0*" G_GINT64_FORMAT, units[u].digits, rest);
    for (int i = (int)strlen(frac) - 1; i > 0 && frac[i] == '0'; i--) frac[i] = '\0';
    g_snprintf(buf, len, "%" G_GINT64_FORMAT ".%s%s", whole, frac, units[u].name);
    return buf;
  }
  g_snprintf(buf, len, "%" G_GINT64_FORMAT "ns", ns);
  return buf;
}
