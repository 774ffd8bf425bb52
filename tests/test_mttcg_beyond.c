/* test_mttcg_beyond.c — the MTTCG x86 profile against MTTCG boots made on another host, from 2
 * to 128 vCPUs (tests/data/beyond/mttcg): the host's speed is calibrated on that host's own
 * serial 2, 4 and 8-vCPU boots (host.speed_pct, one number); every other row is predicted. The
 * profile was calibrated on the reference host's boots of at most 16 vCPUs.
 *
 * What it checks: the calibrated rows within 10 %; the parallel kernel's 2-vCPU boot, where
 * nothing spins, within 10 %; the idle-vCPU drag (host.idle_drag_pct, measured) moves every
 * larger prediction toward the boot; and the misses stay what docs/profiles.md says they are,
 * so that a change which closes them (or widens them) shows here. */
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

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_mttcg_other_host)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
