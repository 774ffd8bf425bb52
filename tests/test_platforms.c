/* test_platforms.c — QEMU platform profiles against real Linux 6.12 boots
 * (tests/data/reference/traces): the profile was calibrated on a subset; every configuration,
 * calibrated or predicted, must come out within the tolerance, from the mechanism. */
#include "tests/testutil.h"

#include <math.h>

#include "models/profile/cmdline.h"

typedef struct {
  const char *file;    /* under the traces folder */
  guint cores, threads;
  gboolean parallel;
  gboolean training;   /* used to calibrate the profile */
} Config;

static const Config icount[] = {
    {"icount_2_p0_r1.txt.gz", 2, 1, FALSE, TRUE},       {"icount_2_p1_r1.txt.gz", 2, 1, TRUE, FALSE},
    {"icount_4_p0_r1.txt.gz", 4, 1, FALSE, FALSE},      {"icount_4_p1_r1.txt.gz", 4, 1, TRUE, TRUE},
    {"icount_8_p0_r1.txt.gz", 8, 1, FALSE, TRUE},       {"icount_8_p1_r1.txt.gz", 8, 1, TRUE, FALSE},
    {"icount_8s1c4t2_p0_r1.txt.gz", 4, 2, FALSE, FALSE}, {"icount_8s1c4t2_p1_r1.txt.gz", 4, 2, TRUE, TRUE},
    {"icount_16_p0_r1.txt.gz", 16, 1, FALSE, TRUE},     {"icount_16_p1_r1.txt.gz", 16, 1, TRUE, FALSE},
};

static const Config icount_arm64[] = {
    {"a_icount_2_r1.txt.gz", 2, 1, FALSE, TRUE},  {"a_icount_4_r1.txt.gz", 4, 1, FALSE, TRUE},
    {"a_icount_8_r1.txt.gz", 8, 1, FALSE, TRUE},  {"a_icount_16_r1.txt.gz", 16, 1, FALSE, TRUE},
};

/* The median bringup of `seeds` runs (seeds 1..), ms, and [*lo, *hi] their spread. `cmdline`:
 * the boot's kernel command line, or NULL for the profile's. */
static double simulate_runs(const char *profile, const Config *c, const char *cmdline, guint seeds, double *lo,
                            double *hi) {
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  if (cmdline) g_ptr_array_add(ov, cpuhp_cmdline_as_override(cmdline));
  g_ptr_array_add(ov, g_strdup("topology.sockets=1"));
  g_ptr_array_add(ov, g_strdup_printf("topology.cores_per_socket=%u", c->cores));
  g_ptr_array_add(ov, g_strdup_printf("topology.threads_per_core=%u", c->threads));
  g_ptr_array_add(ov, g_strdup_printf("kernel.cpuhp_parallel=%s", c->parallel ? "true" : "false"));
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpProfile) p = cpuhp_machine_load_file(profile, ov, &err);
  if (!p) fail_msg("%s", err->message);
  double ms[16];
  g_assert(seeds >= 1 && seeds <= G_N_ELEMENTS(ms));
  for (guint s = 0; s < seeds; s++) {
    g_autoptr(CpuhpResult) r = tu_run(p, s + 1, FALSE);
    assert_int_equal(r->cpus_online, c->cores * c->threads);
    ms[s] = (double)r->bringup_ns / 1e6;
  }
  qsort(ms, seeds, sizeof ms[0], tu_cmp_double);
  *lo = ms[0], *hi = ms[seeds - 1];
  return ms[seeds / 2];
}

static double simulate_cmdline(const char *profile, const Config *c, const char *cmdline) {
  double lo, hi;
  return simulate_runs(profile, c, cmdline, 1, &lo, &hi);
}

static double simulate(const char *profile, const Config *c) {
  return simulate_cmdline(profile, c, NULL);
}

/* The MTTCG profile draws each AP's TSC-lock stalls (host.tsc_lock_*), heavy-tailed as the real
 * ones: its rows are the median of MTTCG_SEEDS runs, as the real column is a median of boots. */
#define MTTCG_SEEDS 9

/* docs/profiles.md's row for `boot` ("| icount_2_p0 | calibration | 98.8 | 99.7 | +0.9 % |") says what
 * this run found: real and simulated ms to 0.1, the error to 0.1 % (U+2212 for a minus). */
static void check_readme_row(const char *boot, gboolean training, double real, double sim) {
  g_autofree char *readme = NULL;
  assert_true(g_file_get_contents("docs/profiles.md", &readme, NULL, NULL));
  double err = (sim - real) / real * 100;
  g_autofree char *pct = g_strdup_printf("%.1f %%", fabs(err));
  g_autofree char *want = g_strdup_printf("\n| %s | %s | %.1f | %.1f | %s%s |\n", boot, training ? "calibration" : "prediction",
                                          real, sim, err < 0 && strcmp(pct, "0.0 %") ? "\u2212" : "+", pct);
  if (!strstr(readme, want)) fail_msg("docs/profiles.md lacks the row%s", want);
}

/* icount: bringup = dmesg "smp: Brought up" - "smp: Bringing up secondary CPUs" (docs/profiles.md).
 * At most `max_training` of the configs calibrated the profile. */
static void check_icount(const char *profile, const Config *configs, guint n_configs, guint max_training) {
  guint checked = 0, training = 0;
  for (guint i = 0; i < n_configs; i++) {
    const Config *c = &configs[i];
    g_autofree char *path = g_build_filename("tests/data/reference/traces", c->file, NULL);
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) fail_msg("%s: missing", path);
    double real = tu_dmesg_window_ms(path);
    double sim = simulate(profile, c);
    double err = (sim - real) / real * 100;
    print_message("%-28s %-10s real %8.1f ms  sim %8.1f ms  %+5.1f %%\n", c->file, c->training ? "training" : "predicted",
                  real, sim, err);
    assert_true(fabs(err) <= 10.0);
    g_autofree char *boot = g_strndup(c->file, strlen(c->file) - strlen("_r1.txt.gz"));
    check_readme_row(boot, c->training, real, sim);
    checked++;
    training += c->training;
  }
  if (checked) assert_true(training <= max_training);
}

static void test_icount_x86(void **state) {
  check_icount("scenarios/qemu-tcg-icount-x86_64.yaml", icount, G_N_ELEMENTS(icount), G_N_ELEMENTS(icount) / 2);
}

static void test_icount_arm64(void **state) {
  /* the per-AP growth terms need all four reference boots (2 and 8 alone give half the idle
   * share); its predictions are the held-out a_icount_32/64/96 of test_beyond_reference */
  check_icount("scenarios/qemu-arm64-tcg-icount.yaml", icount_arm64, G_N_ELEMENTS(icount_arm64), G_N_ELEMENTS(icount_arm64));
}

/* The boot's kernel command line as dmesg shows it ("Command line: ..."), read here without
 * `import`; NULL when absent. */
static char *boot_cmdline(const char *path) {
  g_autofree char *text = tu_gunzip(path);
  const char *tag = "] Command line: "; /* x86; arm64 prints "Kernel command line: " */
  const char *c = text ? strstr(text, tag) : NULL;
  if (!c && text) c = strstr(text, tag = "] Kernel command line: ");
  if (!c) return NULL;
  c += strlen(tag);
  return g_strchomp(g_strndup(c, strcspn(c, "\r\n")));
}

/* The three icount_8 boots among the MTTCG set (harness kboot_*.sh): the same icount platform
 * as the profile's calibration boots, but another command line: quiet, lpj= preset (no delay
 * calibration: that was 80 ms of each AP's 95 there), trace_clock=x86-tsc and the function
 * tracer. None of them calibrated anything; simulated with each boot's own command line, the
 * profile must predict the median trace window within 10 %, as for the other icount boots. */
static void test_icount_x86_kboot(void **state) {
  for (int par = 0; par <= 1; par++) {
    double runs[3];
    guint n = 0;
    g_autofree char *cmdline = NULL;
    for (int r = 1; r <= 3; r++) {
      g_autofree char *path = g_strdup_printf("tests/data/reference/traces/mttcg/icount_8_p%d_r%d.txt.gz", par, r);
      double ms = tu_mttcg_bringup_ms(path);
      if (ms <= 0) continue;
      runs[n++] = ms;
      g_autofree char *c = boot_cmdline(path);
      assert_non_null(c);
      assert_non_null(strstr(c, "lpj="));
      if (!cmdline) cmdline = g_steal_pointer(&c);
      else assert_string_equal(c, cmdline); /* the three runs of a configuration share it */
    }
    if (n == 0) fail_msg("icount_8_p%d (kboot): no boot of it measured", par);
    qsort(runs, n, sizeof runs[0], tu_cmp_double);
    double real = runs[n / 2];
    Config c = {"icount_8 (kboot)", 8, 1, par, FALSE};
    double sim = simulate_cmdline("scenarios/qemu-tcg-icount-x86_64.yaml", &c, cmdline);
    double without = simulate("scenarios/qemu-tcg-icount-x86_64.yaml", &c);
    double err = (sim - real) / real * 100;
    print_message("icount_8_p%d (kboot)          predicted  median of %u %8.1f ms  sim %8.1f ms  %+5.1f %%"
                  "  (profile's command line: %.1f ms)\n", par, n, real, sim, err, without);
    assert_true(fabs(err) <= 10.0);
    assert_true(without > 2 * real); /* the boot's own command line is what makes it right */
  }
}

static const Config mttcg[] = {
    {"mttcg_2_p0_noftrace", 2, 1, FALSE, TRUE},       {"mttcg_2_p1_noftrace", 2, 1, TRUE, FALSE},
    {"mttcg_4_p0_noftrace", 4, 1, FALSE, FALSE},      {"mttcg_4_p1_noftrace", 4, 1, TRUE, TRUE},
    {"mttcg_8_p0_noftrace", 8, 1, FALSE, TRUE},       {"mttcg_8_p1_noftrace", 8, 1, TRUE, FALSE},
    {"mttcg_8s1c4t2_p0_noftrace", 4, 2, FALSE, TRUE}, {"mttcg_8s1c4t2_p1_noftrace", 4, 2, TRUE, FALSE},
    {"mttcg_16_p0_noftrace", 16, 1, FALSE, FALSE},    {"mttcg_16_p1_noftrace", 16, 1, TRUE, TRUE},
};

static void test_mttcg_x86(void **state) {
  guint checked = 0, training = 0;
  for (guint i = 0; i < G_N_ELEMENTS(mttcg); i++) {
    double runs[3];
    guint n = 0;
    for (int r = 1; r <= 3; r++) {
      g_autofree char *path = g_strdup_printf("tests/data/reference/traces/mttcg/%s_r%d.txt.gz", mttcg[i].file, r);
      double ms = tu_mttcg_bringup_ms(path);
      if (ms > 0) runs[n++] = ms;
    }
    if (n == 0) fail_msg("%s: no boot of it measured", mttcg[i].file);
    qsort(runs, n, sizeof runs[0], tu_cmp_double);
    double real = runs[n / 2];
    double lo, hi, sim = simulate_runs("scenarios/qemu-tcg-mttcg-x86_64.yaml", &mttcg[i], NULL, MTTCG_SEEDS, &lo, &hi);
    double err = (sim - real) / real * 100;
    print_message("%-28s %-10s median of %u %8.1f ms (%.1f..%.1f)  sim median of %u %8.1f ms (%.1f..%.1f)  %+5.1f %%\n",
                  mttcg[i].file, mttcg[i].training ? "training" : "predicted", n, real, runs[0], runs[n - 1], MTTCG_SEEDS,
                  sim, lo, hi, err);
    /* 8 vCPUs, parallel=1: +17.8 % before the TSC lock's stalls, +21.5 % with them; its boots
     * spread 80-146 ms (docs/profiles.md, "x86: QEMU MTTCG") */
    assert_true(fabs(err) <= (strcmp(mttcg[i].file, "mttcg_8_p1_noftrace") ? 20.0 : 25.0));
    checked++;
    training += mttcg[i].training;
  }
  if (checked) assert_true(training * 2 <= G_N_ELEMENTS(mttcg));
}

/* arm64 MTTCG (scenarios/qemu-arm64-tcg-mttcg.yaml): a_mttcg_N_r{1,2,3}.txt, bringup by dmesg
 * (the arch timer's counter follows the host clock under MTTCG: dmesg does not run slow here,
 * it equals the trace window). `within` marks the configurations the model meets within 20 %
 * of the median of 3 runs. The others are known gaps, all from a mechanism the model lacks
 * (docs/profiles.md, "arm64: QEMU MTTCG"): ~6 ms stalls of the BP inside PREPARE allocations
 * (trace_rb_cpu_prepare, workqueue_prepare_cpu, smpboot_create_threads) at the same 9 of 15 APs
 * in every 16-vCPU boot and once in 2 of the 3 2-vCPU boots, plus an 11-17 ms stall in the
 * last AP's ONLINE callbacks at 16; and, at 4, APs slower than at 8 without a stall. Those only
 * add time: a gap must stay an underestimate, bounded so that a change of the model shows.
 * The stalls are the host faulting in guest RAM (docs/host-first-touch.md), which the model
 * leaves out by design. `import` takes out only the stalls inside callbacks: at 16 vCPUs every
 * other AP still takes 7.6-15.9 ms outside its STARTING interval against 2.6-5.7 ms for the
 * APs between, so even without those stalls the 16-vCPU median stays a known gap (-36 %). At
 * 2 vCPUs a single AP gives `import` nothing to compare a callback with, so its stall stays in. */
typedef struct {
  guint cpus;
  gboolean training;          /* used to calibrate the profile */
  gboolean within;            /* within 20 % of the median */
  double floor_pct;           /* known gap: the error must stay in [floor_pct, 0) */
  gboolean stall_free_within; /* within 20 % of the median once import's stalls are taken out */
} Arm64Mttcg;

static const Arm64Mttcg arm64_mttcg[] = {
    {2, TRUE, FALSE, -50.0, FALSE},
    {4, FALSE, FALSE, -30.0, FALSE},
    {8, TRUE, TRUE, 0, TRUE},
    {16, FALSE, FALSE, -70.0, FALSE},
};

static void test_mttcg_arm64(void **state) {
  const char *profile = "scenarios/qemu-arm64-tcg-mttcg.yaml";
  guint checked = 0, training = 0;
  for (guint i = 0; i < G_N_ELEMENTS(arm64_mttcg); i++) {
    const Arm64Mttcg *a = &arm64_mttcg[i];
    const Config c = {NULL, a->cpus, 1, FALSE, a->training};
    double runs[3], stall_free[3];
    guint n = 0;
    for (int r = 1; r <= 3; r++) {
      g_autofree char *path = g_strdup_printf("tests/data/reference/traces/a_mttcg_%u_r%d.txt.gz", a->cpus, r);
      if (!g_file_test(path, G_FILE_TEST_EXISTS)) fail_msg("%s: missing", path);
      int64_t t0 = tu_dmesg_time(path, "smp: Bringing up secondary"), t1 = tu_dmesg_time(path, "smp: Brought up");
      assert_true(t0 > 0 && t1 > t0);
      runs[n] = (double)(t1 - t0) / 1e6;
      /* the per-CPU callback sequences (step, callback, side, multi-instance, target) */
      g_autoptr(CpuhpMeasured) real = tu_import(path);
      stall_free[n] = runs[n] - (double)cpuhp_measured_stalled_ns(real) / 1e6;
      n++;
      g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
      g_ptr_array_add(ov, g_strdup_printf("topology.cores_per_socket=%u", a->cpus));
      g_autoptr(GError) err = NULL;
      g_autoptr(CpuhpProfile) p = cpuhp_machine_load_file(profile, ov, &err);
      if (!p) fail_msg("%s", err->message);
      g_autoptr(CpuhpResult) res = tu_run(p, 1, TRUE);
      g_autoptr(CpuhpMeasured) sim = cpuhp_measured_new_from_result(res, &err);
      if (!sim) fail_msg("%s", err->message);
      g_autoptr(CpuhpReplayDiff) d = cpuhp_replay_diff(real, sim);
      if (!d->equal) fail_msg("%s: callback sequence differs from the simulation's (cpuhpsim diff %s --profile=%s)", path, path, profile);
      assert_int_equal(d->cpus->len, a->cpus - 1);
    }
    if (n == 0) fail_msg("a_mttcg_%u: no boot of it measured", a->cpus);
    qsort(runs, n, sizeof runs[0], tu_cmp_double);
    qsort(stall_free, n, sizeof stall_free[0], tu_cmp_double);
    double real = runs[n / 2], real_free = stall_free[n / 2];
    double sim = simulate(profile, &c);
    double err = (sim - real) / real * 100, err_free = (sim - real_free) / real_free * 100;
    print_message("a_mttcg_%-3u %-10s median of %u %8.1f ms  sim %8.1f ms  %+5.1f %%%s; without stalls %8.1f ms  %+5.1f %%\n",
                  a->cpus, a->training ? "training" : "predicted", n, real, sim, err, a->within ? "" : "  (known gap)",
                  real_free, err_free);
    if (a->within) {
      assert_true(fabs(err) <= 20.0);
    } else {
      assert_true(err < 0 && err >= a->floor_pct);
    }
    if (a->stall_free_within) assert_true(fabs(err_free) <= 20.0);
    checked++;
    training += a->training;
  }
  if (checked) assert_true(training * 2 <= G_N_ELEMENTS(arm64_mttcg));
}

/* Real boots of sizes the reference data lacks (tests/data/beyond, made with the reference
 * harness; no profile saw them): the icount profiles, topology and cpuhp.parallel= changed only,
 * against the dmesg window: #20's bar, within 5 % (the kboot rows, timed on the trace window
 * with another command line, within 10 %). */
typedef enum {
  REF,   /* the reference harness's command line (the profile's), timed on the dmesg window */
  KBOOT, /* the MTTCG harness's (quiet, lpj=, x86-tsc trace clock): simulated with the boot's own
          * command line, timed on the trace window */
  OWN,   /* the reference harness with one parameter changed: the boot's own command line, dmesg */
} Timing;

typedef struct {
  const char *file;
  const char *profile;
  guint sockets, cores, threads;
  int parallel;          /* -1: arm64, no cpuhp.parallel */
  double lo_pct, hi_pct; /* the error must stay in [lo, hi] */
  Timing how;
} Beyond;

static const Beyond beyond[] = {
    /* x86 icount, dmesg window: #20's bar, within 5 % of boots no profile saw */
    {"icount_32_p0", "qemu-tcg-icount-x86_64", 1, 32, 1, 0, -5, 5, REF},
    {"icount_32_p1", "qemu-tcg-icount-x86_64", 1, 32, 1, 1, -5, 5, REF},
    {"icount_64_p0", "qemu-tcg-icount-x86_64", 1, 64, 1, 0, -5, 5, REF},
    {"icount_64_p1", "qemu-tcg-icount-x86_64", 1, 64, 1, 1, -5, 5, REF},
    {"icount_96_p0", "qemu-tcg-icount-x86_64", 1, 96, 1, 0, -5, 5, REF},
    {"icount_96_p1", "qemu-tcg-icount-x86_64", 1, 96, 1, 1, -5, 5, REF},
    {"icount_128_p0", "qemu-tcg-icount-x86_64", 1, 128, 1, 0, -5, 5, REF},
    {"icount_128_p1", "qemu-tcg-icount-x86_64", 1, 128, 1, 1, -5, 5, REF},
    {"icount_192_p0", "qemu-tcg-icount-x86_64", 1, 192, 1, 0, -5, 5, REF},
    {"icount_192_p1", "qemu-tcg-icount-x86_64", 1, 192, 1, 1, -5, 5, REF},
    {"icount_16s2c4t2_p0", "qemu-tcg-icount-x86_64", 2, 4, 2, 0, -5, 5, REF},
    {"icount_16s2c4t2_p1", "qemu-tcg-icount-x86_64", 2, 4, 2, 1, -5, 5, REF},
    {"icount_32s2c8t2_p0", "qemu-tcg-icount-x86_64", 2, 8, 2, 0, -5, 5, REF},
    {"icount_32s2c8t2_p1", "qemu-tcg-icount-x86_64", 2, 8, 2, 1, -5, 5, REF},
    {"a_icount_32", "qemu-arm64-tcg-icount", 1, 32, 1, -1, -5, 5, REF},
    {"a_icount_64", "qemu-arm64-tcg-icount", 1, 64, 1, -1, -5, 5, REF},
    {"a_icount_96", "qemu-arm64-tcg-icount", 1, 96, 1, -1, -5, 5, REF},
    /* 128 and 160 vCPUs need trace_buf_size=256K (1M and 512K leave CPUs offline:
     * tests/data/beyond/README.md), so they are simulated with their own command line */
    {"a_icount_128_tb256k", "qemu-arm64-tcg-icount", 1, 128, 1, -1, -5, 5, OWN},
    {"a_icount_160_tb256k", "qemu-arm64-tcg-icount", 1, 160, 1, -1, -5, 5, OWN},
    /* A known miss, held where it is: 95 % of the clock is idle ticks at the last APs, and there
     * the idle APs' share falls from 0.50 to 0.46 % as ticks coalesce (arm64-share); so close to
     * the law's pole that moves the stretch twofold (docs/profiles.md, "arm64 at 128 vCPUs"). */
    {"a_icount_192_tb256k", "qemu-arm64-tcg-icount", 1, 192, 1, -1, 10, 30, OWN},
    {"kboot_icount_8_p0", "qemu-tcg-icount-x86_64", 1, 8, 1, 0, -10, 10, KBOOT},
    {"kboot_icount_16_p0", "qemu-tcg-icount-x86_64", 1, 16, 1, 0, -10, 10, KBOOT},
    {"kboot_icount_16_p1", "qemu-tcg-icount-x86_64", 1, 16, 1, 1, -10, 10, KBOOT},
    {"kboot_icount_32_p0", "qemu-tcg-icount-x86_64", 1, 32, 1, 0, -5, 5, KBOOT},
    {"kboot_icount_32_p1", "qemu-tcg-icount-x86_64", 1, 32, 1, 1, -5, 5, KBOOT},
    {"kboot_icount_64_p0", "qemu-tcg-icount-x86_64", 1, 64, 1, 0, -5, 5, KBOOT},
    {"kboot_icount_64_p1", "qemu-tcg-icount-x86_64", 1, 64, 1, 1, -5, 5, KBOOT},
    {"kboot_icount_96_p0", "qemu-tcg-icount-x86_64", 1, 96, 1, 0, -5, 5, KBOOT},
    {"kboot_icount_96_p1", "qemu-tcg-icount-x86_64", 1, 96, 1, 1, -5, 5, KBOOT},
    {"kboot_icount_128_p0", "qemu-tcg-icount-x86_64", 1, 128, 1, 0, -5, 5, KBOOT},
    {"kboot_icount_128_p1", "qemu-tcg-icount-x86_64", 1, 128, 1, 1, -5, 5, KBOOT},
    {"kboot_icount_192_p0", "qemu-tcg-icount-x86_64", 1, 192, 1, 0, -5, 5, KBOOT},
    /* a known miss, held where it is: the parallel kernel's bringup step and workqueue_online_cpu()
     * come out 12-15 % short at 192 vCPUs, where the idle share stretches the clock 4.2 times */
    {"kboot_icount_192_p1", "qemu-tcg-icount-x86_64", 1, 192, 1, 1, -12, -5, KBOOT},
};

static double simulate_beyond(const Beyond *b, const char *cmdline) {
  g_autofree char *path = g_strdup_printf("scenarios/%s.yaml", b->profile);
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  if (cmdline) g_ptr_array_add(ov, cpuhp_cmdline_as_override(cmdline));
  g_ptr_array_add(ov, g_strdup_printf("topology.sockets=%u", b->sockets));
  g_ptr_array_add(ov, g_strdup_printf("topology.cores_per_socket=%u", b->cores));
  g_ptr_array_add(ov, g_strdup_printf("topology.threads_per_core=%u", b->threads));
  g_ptr_array_add(ov, g_strdup("topology.numa_nodes=1"));
  if (b->parallel >= 0) g_ptr_array_add(ov, g_strdup_printf("kernel.cpuhp_parallel=%s", b->parallel ? "true" : "false"));
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpProfile) p = cpuhp_machine_load_file(path, ov, &err);
  if (!p) fail_msg("%s", err->message);
  g_autoptr(CpuhpResult) r = tu_run(p, 1, FALSE);
  assert_int_equal(r->cpus_online, b->sockets * b->cores * b->threads);
  return (double)r->bringup_ns / 1e6;
}

static void test_beyond_reference(void **state) {
  for (guint i = 0; i < G_N_ELEMENTS(beyond); i++) {
    const Beyond *b = &beyond[i];
    g_autofree char *path = g_strdup_printf("tests/data/beyond/%s.txt.gz", b->file);
    g_autofree char *cmdline = b->how != REF ? boot_cmdline(path) : NULL;
    if (b->how != REF) assert_non_null(cmdline);
    double real = b->how == KBOOT ? tu_mttcg_bringup_ms(path) : tu_dmesg_window_ms(path);
    if (real <= 0) fail_msg("%s: no bringup window", path);
    double sim = simulate_beyond(b, cmdline), err = (sim - real) / real * 100;
    print_message("%-20s real %8.1f ms  sim %8.1f ms  %+5.1f %%\n", b->file, real, sim, err);
    if (err < b->lo_pct || err > b->hi_pct)
      fail_msg("%s: %+.1f %% is outside [%+.0f, %+.0f] %%", b->file, err, b->lo_pct, b->hi_pct);
  }
}

/* docs/profiles.md's "Predictions beyond the reference data": every row is what the profile predicts now,
 * and where a real boot exists (tests/data/beyond) its time and the error as that boot gives them. */
static void test_doc_predictions(void **state) {
  (void)state;
  g_autofree char *readme = NULL;
  assert_true(g_file_get_contents("docs/profiles.md", &readme, NULL, NULL));
  const char *sec = strstr(readme, "\n## Predictions beyond the reference data\n");
  assert_non_null(sec);
  const char *end = strstr(sec + 4, "\n## ");
  g_autofree char *body = g_strndup(sec, end ? (gsize)(end - sec) : strlen(sec));
  g_auto(GStrv) lines = g_strsplit(body, "\n", -1);
  guint rows = 0, real_rows = 0;
  for (char **l = lines; *l; l++) {
    if (!g_str_has_prefix(*l, "| `")) continue;
    g_auto(GStrv) f = g_strsplit(*l, "|", -1); /* "", profile, smp, parallel, ms, "" */
    assert_true(g_strv_length(f) >= 5);
    g_autofree char *prof = g_strndup(g_strstrip(f[1]) + 1, strlen(g_strstrip(f[1])) - 2);
    g_autofree char *smp = g_strndup(g_strstrip(f[2]) + 1, strlen(g_strstrip(f[2])) - 2);
    guint n = 0, sk = 1, co = 0, th = 1;
    if (sscanf(smp, "%u,sockets=%u,cores=%u,threads=%u", &n, &sk, &co, &th) != 4) {
      assert_int_equal(sscanf(smp, "%u", &n), 1);
      co = n;
    }
    assert_int_equal(sk * co * th, n);
    g_autofree char *path = g_strdup_printf("scenarios/%s.yaml", prof);
    g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(ov, g_strdup_printf("topology.sockets=%u", sk));
    g_ptr_array_add(ov, g_strdup_printf("topology.cores_per_socket=%u", co));
    g_ptr_array_add(ov, g_strdup_printf("topology.threads_per_core=%u", th));
    g_ptr_array_add(ov, g_strdup("topology.numa_nodes=1"));
    const char *par = g_strstrip(f[3]);
    if (*par != '-') g_ptr_array_add(ov, g_strdup_printf("kernel.cpuhp_parallel=%s", *par == '1' ? "true" : "false"));
    g_autoptr(GError) err = NULL;
    g_autoptr(CpuhpProfile) p = cpuhp_machine_load_file(path, ov, &err);
    if (!p) fail_msg("%s", err->message);
    g_autoptr(CpuhpResult) r = tu_run(p, 1, FALSE);
    g_autofree char *got = g_strdup_printf("%.1f", (double)r->bringup_ns / 1e6);
    if (strcmp(got, g_strstrip(f[4]))) fail_msg("docs/profiles.md says %s %s p%s: %s ms; the profile predicts %s ms", prof, smp, par, f[4], got);
    assert_true(g_strv_length(f) >= 7); /* ..., real boot, error, "" */
    const char *real_s = g_strstrip(f[5]);
    gboolean arm = g_str_has_prefix(prof, "qemu-arm64");
    g_autofree char *tag = sk > 1 || th > 1 ? g_strdup_printf("%us%uc%ut%u", n, sk, co, th) : g_strdup_printf("%u", n);
    g_autofree char *file = arm ? g_strdup_printf("tests/data/beyond/a_icount_%u.txt.gz", n)
                                : g_strdup_printf("tests/data/beyond/icount_%s_p%s.txt.gz", tag, par);
    gboolean have = strstr(prof, "icount") && g_file_test(file, G_FILE_TEST_EXISTS);
    if (!have) {
      assert_string_equal(real_s, "-");
    } else {
      double real = tu_dmesg_window_ms(file), sim = (double)r->bringup_ns / 1e6;
      g_autofree char *want_real = g_strdup_printf("%.1f", real);
      g_autofree char *want_err = g_strdup_printf("%+.1f %%", (sim - real) / real * 100);
      if (strcmp(real_s, want_real) || strcmp(g_strstrip(f[6]), want_err))
        fail_msg("docs/profiles.md says %s %s p%s: real %s, error %s; %s gives %s, %s", prof, smp, par, real_s, f[6], file,
                 want_real, want_err);
      real_rows++;
    }
    rows++;
  }
  assert_true(rows >= 18);
  guint kboot = 0;
  for (guint i = 0; i < G_N_ELEMENTS(beyond); i++) kboot += beyond[i].how != REF; /* not in the table */
  assert_int_equal(real_rows, G_N_ELEMENTS(beyond) - kboot);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_icount_x86),
                                     cmocka_unit_test(test_doc_predictions), cmocka_unit_test(test_icount_arm64),
                                     cmocka_unit_test(test_icount_x86_kboot), cmocka_unit_test(test_beyond_reference),
                                     cmocka_unit_test(test_mttcg_x86), cmocka_unit_test(test_mttcg_arm64)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
