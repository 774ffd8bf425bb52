/* rng.h — counter-based random streams and the duration distributions built on them.
 *
 * Contract: a value is a pure function of (seed, cpu, purpose, draw, sub). There is no hidden
 * state, so changing what one CPU does can never shift the numbers another CPU sees (common
 * random numbers across policies). `sub` indexes the uniforms one sample consumes (Box-Muller
 * uses two; truncation retries use more). */
#pragma once

#include <glib.h>
#include <stdint.h>

/* A stream key: whose draw, for what, which one. */
typedef struct {
  uint32_t cpu;     /* logical CPU, or SIM_RNG_GLOBAL for machine-wide draws */
  uint32_t purpose; /* what is drawn: cpuhp state number, or a SimRngPurpose */
  uint32_t draw;    /* n-th draw of that (cpu, purpose): retries, poll iterations */
} SimRngKey;

#define SIM_RNG_GLOBAL UINT32_MAX

/* 64 uniformly distributed bits. */
uint64_t sim_rng_bits(uint64_t seed, SimRngKey key, uint32_t sub);
/* Uniform double in [0, 1) with 53 bits of precision. */
double sim_rng_uniform(uint64_t seed, SimRngKey key, uint32_t sub);

typedef enum {
  SIM_DIST_FIXED,       /* value */
  SIM_DIST_UNIFORM,     /* min .. max */
  SIM_DIST_NORMAL,      /* mean, sd; truncated at 0 (redrawn, then clamped) */
  SIM_DIST_LOGNORMAL,   /* median (= e^mu), sigma (of the log) */
  SIM_DIST_EXPONENTIAL, /* mean */
  SIM_DIST_EMPIRICAL,   /* one of samples[], equally likely */
} SimDistKind;

/* A distribution of durations in integer nanoseconds. Plain value type except `samples`,
 * which the owner frees with sim_dist_clear(). */
typedef struct {
  SimDistKind kind;
  int64_t a;        /* FIXED: value; UNIFORM: min; NORMAL/EXPONENTIAL: mean; LOGNORMAL: median */
  int64_t b;        /* UNIFORM: max; NORMAL: sd */
  double sigma;     /* LOGNORMAL: sigma of the underlying normal */
  int64_t *samples; /* EMPIRICAL (owned) */
  guint n_samples;
  int64_t max;      /* > 0: draws clamp to it (a normal's or lognormal's tail); 0: none */
} SimDist;

static inline SimDist sim_dist_fixed(int64_t ns) {
  return (SimDist){.kind = SIM_DIST_FIXED, .a = ns};
}
/* Draws one value (>= 0, and <= d->max when that is set) for `key`. */
int64_t sim_dist_sample(const SimDist *d, uint64_t seed, SimRngKey key);
/* Expected value in ns (for reports and for sanity checks, never for results). */
double sim_dist_mean(const SimDist *d);
void sim_dist_copy(SimDist *dst, const SimDist *src);
void sim_dist_clear(SimDist *d);
/* "uniform(350us, 3.5ms)"-style text; caller frees. */
char *sim_dist_describe(const SimDist *d);

/* Durations: "350us", "3.5ms", "2s", "800ns", "0". Exact decimal arithmetic, no floating point.
 * Returns FALSE (and sets *why to a static string) on a bad number, unknown unit, negative value
 * or overflow. */
gboolean sim_parse_duration(const char *text, int64_t *out_ns, const char **why);
/* Shortest exact rendering: 3500000 -> "3.5ms". Writes into buf (>= 32 bytes). */
const char *sim_format_duration(int64_t ns, char *buf, gsize len);
