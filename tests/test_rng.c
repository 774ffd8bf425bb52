/* test_rng.c — counter-based streams, distributions, duration text. */
#include "tests/testutil.h"

#include <math.h>

#include "sim/engine/rng.h"

static void test_same_key_same_value(void **state) {
  SimRngKey k = {3, 90, 0};
  assert_int_equal(sim_rng_bits(7, k, 0), sim_rng_bits(7, k, 0));
  assert_true(sim_rng_bits(7, k, 0) != sim_rng_bits(8, k, 0));
}

/* A CPU's draws do not depend on what other CPUs drew, nor on draw order. */
static void test_streams_are_independent(void **state) {
  uint64_t before[16], after[16];
  for (uint32_t d = 0; d < 16; d++) before[d] = sim_rng_bits(1, (SimRngKey){3, 42, d}, 0);
  for (uint32_t d = 0; d < 1000; d++) (void)sim_rng_bits(1, (SimRngKey){5, 42, d}, 0);
  for (uint32_t d = 16; d-- > 0;) after[d] = sim_rng_bits(1, (SimRngKey){3, 42, d}, 0);
  assert_memory_equal(before, after, sizeof before);
}

/* Keys that differ in any one field give different values: no collisions over 200k keys. */
static void test_no_collisions(void **state) {
  g_autoptr(GHashTable) seen = g_hash_table_new(g_int64_hash, g_int64_equal);
  g_autofree uint64_t *vals = g_new(uint64_t, 200000);
  guint n = 0;
  for (uint32_t cpu = 0; cpu < 50; cpu++)
    for (uint32_t purpose = 0; purpose < 40; purpose++)
      for (uint32_t draw = 0; draw < 50; draw++)
        for (uint32_t sub = 0; sub < 2; sub++) {
          vals[n] = sim_rng_bits(99, (SimRngKey){cpu, purpose, draw}, sub);
          assert_false(g_hash_table_contains(seen, &vals[n]));
          g_hash_table_add(seen, &vals[n]);
          n++;
        }
  assert_int_equal(n, 200000);
}

static void test_uniform_is_uniform(void **state) {
  guint bins[10] = {0};
  const guint n = 100000;
  for (uint32_t d = 0; d < n; d++) {
    double u = sim_rng_uniform(5, (SimRngKey){1, 2, d}, 0);
    assert_true(u >= 0.0 && u < 1.0);
    bins[(int)(u * 10)]++;
  }
  double chi = 0;
  for (int b = 0; b < 10; b++) chi += pow(bins[b] - n / 10.0, 2) / (n / 10.0);
  assert_true(chi < 27.9); /* chi-square, 9 dof, p = 0.001 */
}

static double sample_mean(const SimDist *d, guint n, int64_t *lo, int64_t *hi) {
  double s = 0;
  *lo = INT64_MAX;
  *hi = INT64_MIN;
  for (uint32_t i = 0; i < n; i++) {
    int64_t v = sim_dist_sample(d, 11, (SimRngKey){0, 1, i});
    assert_true(v >= 0);
    s += (double)v;
    *lo = MIN(*lo, v);
    *hi = MAX(*hi, v);
  }
  return s / n;
}

static void test_distributions(void **state) {
  int64_t lo, hi;
  SimDist fixed = sim_dist_fixed(4200);
  assert_true(sample_mean(&fixed, 100, &lo, &hi) == 4200.0);
  SimDist uni = {.kind = SIM_DIST_UNIFORM, .a = 350000, .b = 3500000};
  double m = sample_mean(&uni, 50000, &lo, &hi);
  assert_true(lo >= 350000 && hi <= 3500000);
  assert_true(fabs(m - 1925000) < 20000);
  SimDist norm = {.kind = SIM_DIST_NORMAL, .a = 1000000, .b = 100000};
  m = sample_mean(&norm, 50000, &lo, &hi);
  assert_true(fabs(m - 1000000) < 3000);
  SimDist trunc = {.kind = SIM_DIST_NORMAL, .a = 0, .b = 100000}; /* half of it below 0 */
  m = sample_mean(&trunc, 50000, &lo, &hi);
  assert_true(lo >= 0 && m > 70000 && m < 90000); /* half-normal mean = sd * sqrt(2/pi) = 79.8k */
  SimDist ex = {.kind = SIM_DIST_EXPONENTIAL, .a = 500000};
  m = sample_mean(&ex, 50000, &lo, &hi);
  assert_true(fabs(m - 500000) < 10000);
  int64_t samples[] = {10, 20, 30};
  SimDist emp = {.kind = SIM_DIST_EMPIRICAL, .samples = samples, .n_samples = 3};
  for (uint32_t i = 0; i < 1000; i++) {
    int64_t x = sim_dist_sample(&emp, 1, (SimRngKey){0, 0, i});
    assert_true(x == 10 || x == 20 || x == 30);
  }
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

static void test_lognormal_median(void **state) {
  SimDist logn = {.kind = SIM_DIST_LOGNORMAL, .a = 2000000, .sigma = 0.5};
  g_autofree int64_t *v = g_new(int64_t, 20001);
  for (uint32_t i = 0; i < 20001; i++) v[i] = sim_dist_sample(&logn, 3, (SimRngKey){0, 9, i});
  qsort(v, 20001, sizeof(int64_t), cmp_i64);
  assert_true(llabs(v[10000] - 2000000) < 40000);
}

static void test_parse_duration(void **state) {
  static const struct {
    const char *text;
    int64_t ns;
  } good[] = {{"350us", 350000}, {"3.5ms", 3500000}, {"2s", 2000000000}, {"800ns", 800},
              {"0", 0}, {"0.000001ms", 1}, {"1.5us", 1500}, {"9223372036s", 9223372036000000000LL}};
  for (guint i = 0; i < G_N_ELEMENTS(good); i++) {
    int64_t ns = -1;
    const char *why = NULL;
    assert_true(sim_parse_duration(good[i].text, &ns, &why));
    assert_int_equal(ns, good[i].ns);
  }
  static const char *const bad[] = {"-3ms", "3", "3 ms", "ms", "3.5", "1.5ns", "3h", "",
                                    "99999999999s", "1e3us", "0x10ms", "3..5ms"};
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    int64_t ns;
    const char *why = NULL;
    assert_false(sim_parse_duration(bad[i], &ns, &why));
    assert_non_null(why);
  }
}

static void test_format_duration(void **state) {
  char buf[32];
  assert_string_equal(sim_format_duration(3500000, buf, sizeof buf), "3.5ms");
  assert_string_equal(sim_format_duration(800, buf, sizeof buf), "800ns");
  assert_string_equal(sim_format_duration(2000000000, buf, sizeof buf), "2s");
  assert_string_equal(sim_format_duration(1500, buf, sizeof buf), "1.5us");
  assert_string_equal(sim_format_duration(0, buf, sizeof buf), "0");
  /* round trip */
  for (int64_t ns = 1; ns < INT64_C(4000000000000); ns = ns * 7 + 3) {
    int64_t back;
    const char *why;
    assert_true(sim_parse_duration(sim_format_duration(ns, buf, sizeof buf), &back, &why));
    assert_int_equal(back, ns);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_same_key_same_value), cmocka_unit_test(test_streams_are_independent),
      cmocka_unit_test(test_no_collisions),       cmocka_unit_test(test_uniform_is_uniform),
      cmocka_unit_test(test_distributions),       cmocka_unit_test(test_lognormal_median),
      cmocka_unit_test(test_parse_duration),      cmocka_unit_test(test_format_duration),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
