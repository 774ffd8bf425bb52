/* test_firecracker.c — the Firecracker microVM profile (scenarios/firecracker-x86_64.yaml, seed
 * 004, target T9: "boot time goes up by roughly 2.5ms per existing core") from 1 to 8 vCPUs,
 * topology.cores_per_socket the only thing changed.
 *
 * What the mechanism gives with the guest CPUID Firecracker really has (TSC_ADJUST set, one
 * package): no AP runs the TSC warp test, and each added vCPU costs well under the seed's
 * 2.5 ms, so the profile does NOT reproduce T9 inside the smp_init window. The counterfactual
 * guest without TSC_ADJUST (every AP runs tsc_sync.c's 2 ms warp test) is checked against the
 * T9 band too, so the size of the gap and its cause are both pinned here. */
#include "tests/testutil.h"

#include <math.h>

#define PROFILE "scenarios/firecracker-x86_64.yaml"
#define MAX_VCPUS 8

/* Bringup (ms) of N vCPUs; `extra` is more --set overrides, space-separated, or NULL. Fills *tsc_aps with the
 * number of APs that ran the TSC warp test. */
static double simulate(guint n, const char *extra, guint *tsc_aps) {
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(ov, g_strdup_printf("topology.cores_per_socket=%u", n));
  g_auto(GStrv) sets = g_strsplit(extra ? extra : "", " ", 0);
  for (char **o = sets; *o; o++)
    if (**o) g_ptr_array_add(ov, g_strdup(*o));
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpProfile) p = cpuhp_machine_load_file(PROFILE, ov, &err);
  if (!p) fail_msg("%s", err->message);
  g_autoptr(CpuhpResult) r = tu_run(p, 1, FALSE);
  assert_int_equal(r->cpus_online, n);
  *tsc_aps = 0;
  for (guint c = 1; c < r->n_cpus; c++) {
    *tsc_aps += r->cpus[c].tsc_sync_ns > 0;
    assert_true(r->cpus[c].calibrate_ns <= 0); /* kvmclock lpj / constant TSC: no calibration */
  }
  return (double)r->bringup_ns / 1e6;
}

/* Bringup for 1..MAX_VCPUS; returns the least-squares slope in ms per vCPU. */
static double sweep(const char *extra, double ms[MAX_VCPUS + 1], guint tsc_aps[MAX_VCPUS + 1]) {
  TuLine line = {0};
  for (guint n = 1; n <= MAX_VCPUS; n++) {
    ms[n] = simulate(n, extra, &tsc_aps[n]);
    tu_line_add(&line, n, ms[n]);
  }
  double slope = tu_line_slope(&line);
  for (guint n = 1; n <= MAX_VCPUS; n++)
    print_message("%-22s %u vCPU  bringup %7.3f ms  step %+6.3f ms  TSC warp tests %u\n", extra ? extra : "profile", n,
                  ms[n], n > 1 ? ms[n] - ms[n - 1] : 0.0, tsc_aps[n]);
  print_message("%-22s slope %.3f ms/vCPU\n", extra ? extra : "profile", slope);
  return slope;
}

/* The shipped profile: 1 vCPU has nothing to bring up; every added vCPU costs about the same
 * (linear growth from per-AP work), and no AP runs the TSC warp test: TSC_ADJUST lets
 * tsc_store_and_check_tsc_adjust() skip it for every CPU of the one package. */
static void test_profile(void **state) {
  double ms[MAX_VCPUS + 1];
  guint tsc[MAX_VCPUS + 1];
  double slope = sweep(NULL, ms, tsc);
  assert_true(ms[1] < 0.001);
  for (guint n = 2; n <= MAX_VCPUS; n++) {
    double step = ms[n] - ms[n - 1];
    assert_true(step > 0);
    assert_true(fabs(step - slope) <= 0.25 * slope); /* linear in the vCPUs */
    assert_int_equal(tsc[n], 0);
  }
  /* Recorded, not a target: the mechanism with Firecracker's real CPUID stays far below T9's
   * 2.0-3.0 ms/vCPU band (see the profile header). */
  assert_true(slope > 0 && slope < 2.0);
}

/* Counterfactual: a guest CPUID without TSC_ADJUST (not Firecracker's) booted without the seed's
 * tsc=reliable. Every AP then runs the warp test with loop_timeout() = 2 ms (the BP already sits
 * in the package), and the growth lands in T9's band: each step 2.0-3.0 ms and the slope within
 * 20 % of 2.5 ms. With either one as the seed has it, no AP runs the test. */
static void test_without_tsc_adjust(void **state) {
  double ms[MAX_VCPUS + 1];
  guint tsc[MAX_VCPUS + 1];
  double slope = sweep("x86.tsc_adjust=false x86.tsc_reliable=false", ms, tsc);
  assert_true(ms[1] < 0.001);
  for (guint n = 2; n <= MAX_VCPUS; n++) {
    double step = ms[n] - ms[n - 1];
    assert_true(step >= 2.0 && step <= 3.0);
    assert_int_equal(tsc[n], n - 1);
  }
  assert_true(fabs(slope - 2.5) <= 0.2 * 2.5);
  sweep("x86.tsc_adjust=false", ms, tsc); /* tsc=reliable on its own */
  for (guint n = 2; n <= MAX_VCPUS; n++) assert_int_equal(tsc[n], 0);
}

/* The whole boot, T9's own measure (docs/whole-boot.md): the window plus the two rcu_barrier()
 * calls the seed names. Their grace periods come out 16 ms against the 14 ms the seed measured
 * (within 20 %, from HZ and the RCU geometry alone); the per-vCPU slope is the window's plus the
 * barriers' IPI round trips, about a quarter of T9's 2.5 ms: recorded as the known miss. */
static void test_whole_boot(void **state) {
  (void)state;
  double boot[MAX_VCPUS + 1], win[MAX_VCPUS + 1];
  TuLine line = {0};
  for (guint n = 1; n <= MAX_VCPUS; n++) {
    g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(ov, g_strdup_printf("topology.cores_per_socket=%u", n));
    g_autoptr(GError) err = NULL;
    g_autoptr(CpuhpProfile) p = cpuhp_machine_load_file(PROFILE, ov, &err);
    if (!p) fail_msg("%s", err->message);
    g_autoptr(CpuhpResult) r = tu_run(p, 1, FALSE);
    boot[n] = (double)r->boot_ns / 1e6, win[n] = (double)r->bringup_ns / 1e6;
    if (n == 1) {
      const CpuhpBootSpan *rb = NULL;
      for (guint i = 0; i < r->boot_spans->len; i++)
        if (g_str_equal(g_array_index(r->boot_spans, CpuhpBootSpan, i).name, "rcu_barrier"))
          rb = &g_array_index(r->boot_spans, CpuhpBootSpan, i);
      assert_non_null(rb);
      print_message("rcu_barrier x2 at 1 vCPU: %.3f ms (seed 004: 14 ms)\n", (double)rb->ns / 1e6);
      assert_true(fabs((double)rb->ns / 1e6 - 14.0) <= 0.2 * 14.0);
      assert_true(fabs(boot[1] - 35.3) < 0.001); /* the 1-vCPU boot the profile starts from */
    }
    tu_line_add(&line, n, boot[n]);
    print_message("%u vCPU  whole boot %7.3f ms  window %6.3f ms  rest %7.3f ms\n", n, boot[n], win[n], boot[n] - win[n]);
  }
  double slope = tu_line_slope(&line);
  double wslope = (win[MAX_VCPUS] - win[1]) / (MAX_VCPUS - 1);
  print_message("whole-boot slope %.3f ms/vCPU (window %.3f), seed 004: ~2.5\n", slope, wslope);
  assert_true(slope > wslope); /* the barriers' round trips add per vCPU */
  assert_true(slope < 0.5 * 2.5); /* the known miss: see the profile and docs/whole-boot.md */
}

/* Why a QEMU -icount boot of the seed's own kernel cannot stand for Firecracker
 * (tests/data/beyond/fc-qemu): it grows by milliseconds per vCPU, but because each AP's kick
 * ends at the BP's next tick (the kick's udelay() PAUSE lets QEMU's clock jump to the next
 * deadline), which a KVM guest does not do: without that PAUSE the kick takes microseconds. */
#define FCQ "tests/data/beyond/fc-qemu/"

/* Kicks (cpuhp_kick_ap_alive, step 85, on CPU 0) of a traced boot: durations in ns, and for each
 * the time from the last BP tick inside it to its end (-1: no tick inside). */
static guint fcq_kicks(const char *file, int64_t *dur, int64_t *after_tick, guint max) {
  g_autofree char *text = tu_read_text(file);
  if (!text) fail_msg("%s: cannot read", file);
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  guint n = 0;
  int64_t start = -1, tick = -1;
  for (char **l = lines; *l; l++) {
    const char *cpu0 = strstr(*l, "[000] "), *ev = strstr(*l, ": ");
    long long ts;
    if (!cpu0 || !ev || sscanf(cpu0 + 6, "%*s %lld:", &ts) != 1) continue;
    if (strstr(*l, ": local_timer_entry:")) tick = ts;
    else if (strstr(*l, ": cpuhp_enter:") && strstr(*l, "step:  85 ")) start = ts, tick = -1;
    else if (strstr(*l, ": cpuhp_exit:") && strstr(*l, "step:  85 ") && start >= 0 && n < max) {
      dur[n] = ts - start, after_tick[n++] = tick >= 0 ? ts - tick : -1;
      start = -1;
    }
  }
  return n;
}

static void test_qemu_stand_in(void **state) {
  (void)state;
  static const guint sizes[] = {1, 2, 4, 8};
  TuLine line = {0};
  for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
    g_autofree char *path = g_strdup_printf(FCQ "seed_%u.txt.gz", sizes[i]);
    int64_t init = tu_dmesg_time(path, "Run /init as init process");
    assert_true(init > 0);
    double ms = (double)init / 1e6;
    print_message("QEMU -icount, seed's kernel, %u vCPUs: /init at %.1f ms\n", sizes[i], ms);
    tu_line_add(&line, sizes[i], ms);
  }
  double slope = tu_line_slope(&line);
  print_message("  %.2f ms per vCPU (least squares)\n", slope);
  assert_true(slope > 2.0); /* the growth QEMU shows ... */
  int64_t dur[8], after[8];
  guint n = fcq_kicks(FCQ "trace_4.txt.gz", dur, after, 8);
  assert_int_equal(n, 3);
  for (guint i = 0; i < n; i++) {
    print_message("  kick %u: %.3f ms, ending %.1f us after a BP tick\n", i + 1, (double)dur[i] / 1e6, (double)after[i] / 1e3);
    assert_true(after[i] >= 0 && after[i] <= 50000); /* ... is each kick waiting for the tick */
  }
  n = fcq_kicks(FCQ "trace_4_nopause.txt.gz", dur, after, 8);
  assert_int_equal(n, 3);
  for (guint i = 0; i < n; i++) {
    print_message("  without the PAUSE, kick %u: %.1f us\n", i + 1, (double)dur[i] / 1e3);
    assert_true(dur[i] < 100000 && after[i] < 0); /* no tick inside: it never waited */
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_profile), cmocka_unit_test(test_without_tsc_adjust),
                                     cmocka_unit_test(test_whole_boot), cmocka_unit_test(test_qemu_stand_in)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
