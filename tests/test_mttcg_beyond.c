/* test_mttcg_beyond.c — the MTTCG profiles against MTTCG boots made on another host
 * (tests/data/beyond/mttcg): x86 from 2 to 128 vCPUs, both kernels; arm64 from 2 to 96. The
 * host's speed (host.speed_pct, one number) is calibrated on that host's own small boots; every
 * other row is predicted. The profiles were calibrated on the reference host's boots of at most
 * 16 vCPUs.
 *
 * What it checks: the calibrated rows; the small predictions within 10-15 % (x86) or 20 %
 * (arm64); the idle-vCPU drag (host.idle_drag_pct, measured) moves every larger x86 prediction
 * toward the boot; and the misses stay what docs/profiles.md says they are, so that a change
 * which closes them (or widens them) shows here. */
#include "tests/testutil.h"

#include <math.h>

static const guint sizes[] = {2, 4, 8, 16, 32, 64, 128};

typedef struct {
  double median, min, max;
  double stall_free;  /* median of the boots without their stalls (import's: host faults, jiffy waits) */
  guint n;
} Boots;

static double median(double *v, guint n) {
  qsort(v, n, sizeof v[0], tu_cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Every kept boot of one size and kernel (oopsed boots were not kept: README). */
static Boots boots(guint n, int par) {
  double ms[8], free_ms[8];
  Boots b = {0};
  for (int r = 1; r <= 8; r++) {
    g_autofree char *path = g_strdup_printf("tests/data/beyond/mttcg/mttcg_%u_p%d_noftrace_r%d.txt.gz", n, par, r);
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) continue;
    double v = tu_mttcg_bringup_ms(path);
    if (v <= 0) fail_msg("%s: no bringup window in it", path);
    g_autoptr(CpuhpMeasured) real = tu_import(path);
    free_ms[b.n] = v - (double)cpuhp_measured_stalled_ns(real) / 1e6;
    ms[b.n++] = v;
  }
  if (b.n < 2) fail_msg("mttcg_%u_p%d: %u boots, want at least 2", n, par, b.n);
  b.median = median(ms, b.n);
  b.stall_free = median(free_ms, b.n);
  b.min = ms[0];
  b.max = ms[b.n - 1];
  return b;
}

static double simulate(guint n, int par, double speed, double drag) {
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(ov, g_strdup_printf("topology.cores_per_socket=%u", n));
  g_ptr_array_add(ov, g_strdup_printf("kernel.cpuhp_parallel=%s", par ? "true" : "false"));
  g_ptr_array_add(ov, g_strdup_printf("host.speed_pct=%.3f", speed));
  if (drag >= 0) g_ptr_array_add(ov, g_strdup_printf("host.idle_drag_pct=%.3f", drag));
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpProfile) p = cpuhp_machine_load_file("scenarios/qemu-tcg-mttcg-x86_64.yaml", ov, &err);
  if (!p) fail_msg("%s", err->message);
  g_autoptr(CpuhpResult) r = tu_run(p, 1, FALSE);
  assert_int_equal(r->cpus_online, n);
  return (double)r->bringup_ns / 1e6;
}

/* host.speed_pct from the serial 2/4/8-vCPU boots (serial[i] for sizes[i]): the speed at which
 * the simulated times' geometric mean equals the real medians' (fixed point: time scales about
 * as 1 / speed). */
static double calibrate_speed(const Boots *serial) {
  double speed = 100;
  for (int it = 0; it < 6; it++) {
    double lr = 0;
    for (guint i = 0; i < 3; i++) lr += log(simulate(sizes[i], 0, speed, -1) / serial[i].median);
    speed *= exp(lr / 3);
  }
  return speed;
}

/* docs/profiles.md, "MTTCG on another host": the error each prediction has, to 1 %. A miss may
 * move by 3 points before the docs must be rewritten. */
typedef struct {
  guint n;
  int par;
  double err_pct;
} KnownMiss;
static const KnownMiss misses[] = {
    {16, 0, -35}, {32, 0, -49}, {64, 0, -50}, {128, 0, -73},
    {16, 1, -22}, {32, 1, -14}, {64, 1, -59}, {128, 1, -29},
};

static void test_mttcg_other_host(void **state) {
  (void)state;
  Boots real[2][G_N_ELEMENTS(sizes)]; /* each file read once: [parallel][size] */
  for (int par = 0; par <= 1; par++)
    for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) real[par][i] = boots(sizes[i], par);
  double speed = calibrate_speed(real[0]);
  print_message("host.speed_pct = %.1f (calibrated on this host's 2, 4, 8-vCPU serial boots)\n", speed);
  assert_true(speed > 50 && speed < 110); /* the hosts are of one kind: 1.6-2.7x at the extremes */
  double sim_p0[G_N_ELEMENTS(sizes)];
  for (int par = 0; par <= 1; par++)
    for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
      guint n = sizes[i];
      const Boots b = real[par][i];
      double sim = simulate(n, par, speed, -1), plain = simulate(n, par, speed, 0);
      double err = (sim - b.median) / b.median * 100;
      gboolean training = par == 0 && n <= 8;
      print_message("mttcg_%-3u p%d  %-10s  real median of %u %9.1f ms (%.1f..%.1f)  sim %9.1f ms  %+6.1f %%"
                    "  (no idle drag %9.1f); without stalls %9.1f ms %+6.1f %%\n", n, par,
                    training ? "calibrated" : "predicted", b.n, b.median, b.min, b.max, sim, err, plain, b.stall_free,
                    (sim - b.stall_free) / b.stall_free * 100);
      if (par == 0) sim_p0[i] = sim;
      else print_message("             parallel=1 slowdown: real %.2f, sim %.2f\n", b.median / real[0][i].median, sim / sim_p0[i]);
      if (training || n == 2) {
        assert_true(fabs(err) <= 10.0);
        continue;
      }
      if (n >= 16) assert_true(sim > plain); /* each idle online vCPU slows the ones at work */
      if (n < 16) {
        assert_true(fabs(err) <= 15.0);
        continue;
      }
      gboolean found = FALSE;
      for (guint k = 0; k < G_N_ELEMENTS(misses); k++)
        if (misses[k].n == n && misses[k].par == par) {
          found = TRUE;
          if (fabs(err - misses[k].err_pct) > 3)
            fail_msg("mttcg_%u_p%d: %+.1f %% now, docs/profiles.md says %+.0f %%", n, par, err, misses[k].err_pct);
        }
      assert_true(found);
    }
}

/* -- arm64 (scenarios/qemu-arm64-tcg-mttcg.yaml): a_mttcg_N_rR, 2 to 96 vCPUs -- */

static const guint a_sizes[] = {2, 4, 8, 16, 32, 64, 96};

/* Median of the dmesg bringup windows of one size (on arm64 dmesg reads the arch timer's
 * counter, which follows the host clock under MTTCG: the README of the reference data). */
static Boots a_boots(guint n) {
  double ms[8];
  Boots b = {0};
  for (int r = 1; r <= 8; r++) {
    g_autofree char *path = g_strdup_printf("tests/data/beyond/mttcg/a_mttcg_%u_r%d.txt.gz", n, r);
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) continue;
    double v = tu_dmesg_window_ms(path);
    if (v <= 0) fail_msg("%s: no bringup window in it", path);
    ms[b.n++] = v;
  }
  if (b.n < 3) fail_msg("a_mttcg_%u: %u boots, want 3", n, b.n);
  b.median = median(ms, b.n);
  b.min = ms[0];
  b.max = ms[b.n - 1];
  return b;
}

static double a_simulate(guint n, double speed) {
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(ov, g_strdup_printf("topology.cores_per_socket=%u", n));
  g_ptr_array_add(ov, g_strdup_printf("host.speed_pct=%.3f", speed));
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpProfile) p = cpuhp_machine_load_file("scenarios/qemu-arm64-tcg-mttcg.yaml", ov, &err);
  if (!p) fail_msg("%s", err->message);
  g_autoptr(CpuhpResult) r = tu_run(p, 1, FALSE);
  assert_int_equal(r->cpus_online, n);
  return (double)r->bringup_ns / 1e6;
}

/* host.speed_pct on the sizes in `use` (indexes into a_sizes), as calibrate_speed() does. */
static double a_calibrate(const Boots *real, const guint *use, guint n_use) {
  double speed = 100;
  for (int it = 0; it < 6; it++) {
    double lr = 0;
    for (guint i = 0; i < n_use; i++) lr += log(a_simulate(a_sizes[use[i]], speed) / real[use[i]].median);
    speed *= exp(lr / n_use);
  }
  return speed;
}

/* docs/profiles.md, "arm64: QEMU MTTCG on another host": each row's error to 1 %. `bar` rows
 * must also stay within 20 % of the median; the others are the known gaps of the reference
 * host's boots (docs/profiles.md, "arm64: QEMU MTTCG"). */
typedef struct {
  guint n;
  double err_pct;
  gboolean bar;
} ArmRow;
static const ArmRow a_rows[] = {
    {2, -10, TRUE}, {4, -8, TRUE}, {16, -51, FALSE},
    {32, -15, TRUE}, {64, +23, FALSE}, {96, +42, FALSE},
};

static void test_mttcg_arm64_other_host(void **state) {
  (void)state;
  Boots real[G_N_ELEMENTS(a_sizes)];
  for (guint i = 0; i < G_N_ELEMENTS(a_sizes); i++) real[i] = a_boots(a_sizes[i]);
  /* The host's speed from the size the profile reproduces on its own host (8 vCPUs, +1.5 %);
   * at 2 and 4 it is short there too (known gaps), so those would carry the gaps into the
   * speed. What calibrating on 2, 4 and 8 as the x86 test does would give is printed too. */
  const guint use8[] = {2}, use248[] = {0, 1, 2};
  double speed = a_calibrate(real, use8, 1), speed248 = a_calibrate(real, use248, 3);
  print_message("arm64 host.speed_pct = %.1f (calibrated on this host's 8-vCPU boots; on 2, 4, 8: %.1f)\n", speed,
                speed248);
  assert_true(speed > 50 && speed < 110);
  double sim8 = a_simulate(8, speed);
  for (guint i = 0; i < G_N_ELEMENTS(a_sizes); i++) {
    guint n = a_sizes[i];
    const Boots b = real[i];
    double sim = a_simulate(n, speed), alt = a_simulate(n, speed248);
    double err = (sim - b.median) / b.median * 100;
    print_message("a_mttcg_%-3u %-10s  real median of %u %8.1f ms (%.1f..%.1f)  sim %8.1f ms  %+6.1f %%"
                  "  (speed from 2/4/8: %+6.1f %%); against 8 vCPUs real %.2f, sim %.2f\n",
                  n, n == 8 ? "calibrated" : "predicted", b.n, b.median, b.min, b.max, sim, err,
                  (alt - b.median) / b.median * 100, b.median / real[2].median, sim / sim8);
    if (n == 8) {
      assert_true(fabs(err) <= 2.0);
      continue;
    }
    gboolean found = FALSE;
    for (guint k = 0; k < G_N_ELEMENTS(a_rows); k++)
      if (a_rows[k].n == n) {
        found = TRUE;
        if (a_rows[k].bar) assert_true(fabs(err) <= 20.0);
        if (fabs(err - a_rows[k].err_pct) > 3)
          fail_msg("a_mttcg_%u: %+.1f %% now, docs/profiles.md says %+.0f %%", n, err, a_rows[k].err_pct);
      }
    assert_true(found);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_mttcg_other_host),
                                     cmocka_unit_test(test_mttcg_arm64_other_host)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
