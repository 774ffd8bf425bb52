/* test_mttcg_beyond.c — the MTTCG profiles against MTTCG boots made on another host
 * (tests/data/beyond/mttcg): x86 from 2 to 128 vCPUs, both kernels; arm64 from 2 to 96. The
 * host's speed (host.speed_pct, one number) is calibrated on that host's own small boots; every
 * other row is predicted. The profiles were calibrated on the reference host's boots of at most
 * 16 vCPUs.
 *
 * What it checks: the calibrated rows; the small predictions within 10-15 % (x86) or 20 %
 * (arm64), and arm64 96 vCPUs within 20 % of the boots with guest RAM faulted in first (64 and
 * 96 with the ITS rescan's cost also measured on that host, a second host number);
 * the idle-vCPU drag (host.idle_drag_pct, measured) moves every larger x86 prediction toward the
 * boot; the misses stay what docs/profiles.md says they are, so that a change which closes them
 * (or widens them) shows here; the arm64 STARTING slopes the docs give (QEMU's ITS rescan); the
 * aligned tick bursts (host.idle_ticks_aligned) against their law; and the x86 boots with guest
 * RAM faulted in first, whose growth is a tail of rendezvous waits. */
#include "tests/testutil.h"

#include <math.h>

static const guint sizes[] = {2, 4, 8, 16, 32, 64, 128};

typedef struct {
  double median, min, max;
  double stall_free;  /* median of the boots without their stalls (import's: host faults, jiffy waits) */
  guint n;
} Boots;

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
  b.median = tu_median(ms, b.n);
  b.stall_free = tu_median(free_ms, b.n);
  b.min = ms[0];
  b.max = ms[b.n - 1];
  return b;
}

#define X86 "scenarios/qemu-tcg-mttcg-x86_64.yaml"
#define ARM64 "scenarios/qemu-arm64-tcg-mttcg.yaml"

/* x86: this host's host.tsc_lock_hold_pct and _requeue_pct, fitted on its own boots of at most 16
 * vCPUs (the TSC lock, below); < 0: the profile's. */
typedef struct {
  double hold, requeue;
} LockFit;
static LockFit tsc_lock_host = {-1, -1};
static LockFit other_host_fit(void);

/* When > 0: the arm64 ITS rescan's cost per online vCPU as measured on the host being predicted
 * (us of that host's time), instead of the profile's reference-host figure scaled by the speed. */
static double its_host_us;

/* Seeds per simulated row: the TSC lock's stalls are drawn per AP, heavy-tailed as the real
 * ones, so a row is the median of runs as the real column is the median of boots. */
#define SEEDS 21

/* The spread of the last simulate() call's runs, ms. */
static double sim_min, sim_max;

/* Bringup of `profile` with n CPUs at host.speed_pct `speed`, ms: the median over SEEDS seeds.
 * par < 0: the profile's kernel (arm64 has no cpuhp.parallel); drag < 0: the profile's
 * host.idle_drag_pct. */
static double simulate(const char *profile, guint n, int par, double speed, double drag) {
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(ov, g_strdup_printf("topology.cores_per_socket=%u", n));
  if (its_host_us > 0) /* profile durations are reference-host time: x speed / 100 */
    g_ptr_array_add(ov, g_strdup_printf("states.irqchip/arm/gicv3:starting.per_online_cpu=%.3fus", its_host_us * speed / 100));
  if (par >= 0) g_ptr_array_add(ov, g_strdup_printf("kernel.cpuhp_parallel=%s", par ? "true" : "false"));
  if (tsc_lock_host.hold >= 0 && !strcmp(profile, X86)) {
    g_ptr_array_add(ov, g_strdup_printf("host.tsc_lock_hold_pct=%.0f", tsc_lock_host.hold));
    g_ptr_array_add(ov, g_strdup_printf("host.tsc_lock_requeue_pct=%.0f", tsc_lock_host.requeue));
  }
  g_ptr_array_add(ov, g_strdup_printf("host.speed_pct=%.3f", speed));
  if (drag >= 0) g_ptr_array_add(ov, g_strdup_printf("host.idle_drag_pct=%.3f", drag));
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpProfile) p = cpuhp_machine_load_file(profile, ov, &err);
  if (!p) fail_msg("%s", err->message);
  double ms[SEEDS];
  for (guint s = 0; s < SEEDS; s++) {
    g_autoptr(CpuhpResult) r = tu_run(p, s + 1, FALSE);
    assert_int_equal(r->cpus_online, n);
    ms[s] = (double)r->bringup_ns / 1e6;
  }
  double median = tu_median(ms, SEEDS); /* sorts them */
  sim_min = ms[0], sim_max = ms[SEEDS - 1];
  return median;
}

/* host.speed_pct from the real medians of the sizes sz[use[i]] (kernel par as in simulate()):
 * the speed at which the simulated times' geometric mean equals the real medians' (fixed
 * point: time scales about as 1 / speed). */
static double calibrate_speed(const char *profile, const guint *sz, const Boots *real, const guint *use, guint n_use,
                              int par) {
  double speed = 100;
  for (int it = 0; it < 6; it++) {
    double lr = 0;
    for (guint i = 0; i < n_use; i++) lr += log(simulate(profile, sz[use[i]], par, speed, -1) / real[use[i]].median);
    speed *= exp(lr / n_use);
  }
  return speed;
}

/* A row of a table in docs/profiles.md: the section's table row whose first cell is `name`;
 * its 3rd to 5th cells are the real median, cpuhpsim's time and the error, as printed here. */
typedef struct {
  double real, sim, err;
} DocRow;

static double doc_number(const char *cell) {
  g_autoptr(GString) s = g_string_new(NULL);
  for (const char *c = cell; *c; c++) {
    if (g_str_has_prefix(c, "\u2212")) { /* the docs' minus sign */
      g_string_append_c(s, '-');
      c += strlen("\u2212") - 1;
    } else if (g_ascii_isdigit(*c) || *c == '.' || *c == '-' || *c == '+') {
      g_string_append_c(s, *c);
    }
  }
  char *end = NULL;
  double v = g_ascii_strtod(s->str, &end);
  if (!s->len || *end) fail_msg("docs/profiles.md: '%s' is not a number", cell);
  return v;
}

static DocRow doc_row(const char *section, const char *name) {
  g_autofree char *md = NULL;
  assert_true(g_file_get_contents("docs/profiles.md", &md, NULL, NULL));
  g_autofree char *head = g_strdup_printf("\n## %s", section), *prefix = g_strdup_printf("| %s |", name);
  const char *sec = strstr(md, head);
  if (!sec) fail_msg("docs/profiles.md: no section '%s'", section);
  const char *end = strstr(sec + 1, "\n## ");
  g_autofree char *body = g_strndup(sec, end ? (gsize)(end - sec) : strlen(sec));
  g_auto(GStrv) lines = g_strsplit(body, "\n", -1);
  for (char **l = lines; *l; l++) {
    if (!g_str_has_prefix(*l, prefix)) continue;
    g_auto(GStrv) f = g_strsplit(*l, "|", -1); /* "", name, role, real, sim, error, ... */
    if (g_strv_length(f) < 7) fail_msg("docs/profiles.md: row '%s' has too few cells", name);
    return (DocRow){doc_number(f[3]), doc_number(f[4]), doc_number(f[5])};
  }
  fail_msg("docs/profiles.md, '%s': no row '%s'", section, name);
  return (DocRow){0};
}

/* The docs print each row as this test does, to 0.1: a change of the model or the data that
 * moves a row shows here until the docs say it too. */
static void assert_doc_row(const char *section, const char *name, double real, double sim, double err) {
  DocRow d = doc_row(section, name);
  if (fabs(d.real - real) > 0.051 || fabs(d.sim - sim) > 0.051 || fabs(d.err - err) > 0.051)
    fail_msg("row %s: real %.1f, sim %.1f, %+.1f %% now; docs/profiles.md (\"%s\") says %.1f, %.1f, %+.1f %%", name, real, sim, err, section,
             d.real, d.sim, d.err);
}

static void test_mttcg_other_host(void **state) {
  (void)state;
  Boots real[2][G_N_ELEMENTS(sizes)]; /* each file read once: [parallel][size] */
  for (int par = 0; par <= 1; par++)
    for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) real[par][i] = boots(sizes[i], par);
  const guint serial_248[] = {0, 1, 2}; /* the serial 2, 4 and 8-vCPU boots */
  tsc_lock_host = other_host_fit();
  print_message("host.tsc_lock_hold_pct = %.0f, host.tsc_lock_requeue_pct = %.0f (fitted on this host's 8 and 16-vCPU "
                "function-traced boots)\n", tsc_lock_host.hold, tsc_lock_host.requeue);
  double speed = calibrate_speed(X86, sizes, real[0], serial_248, 3, 0);
  print_message("host.speed_pct = %.1f (calibrated on this host's 2, 4, 8-vCPU serial boots)\n", speed);
  assert_true(speed > 50 && speed < 110); /* the hosts are of one kind: 1.6-2.7x at the extremes */
  double sim_p0[G_N_ELEMENTS(sizes)];
  for (int par = 0; par <= 1; par++)
    for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
      guint n = sizes[i];
      const Boots b = real[par][i];
      double plain = simulate(X86, n, par, speed, 0), sim = simulate(X86, n, par, speed, -1);
      double err = (sim - b.median) / b.median * 100;
      gboolean training = par == 0 && n <= 8;
      print_message("mttcg_%-3u p%d  %-10s  real median of %u %9.1f ms (%.1f..%.1f)  sim median of %u %9.1f ms "
                    "(%.1f..%.1f)  %+6.1f %%  (no idle drag %9.1f); without stalls %9.1f ms %+6.1f %%\n", n, par,
                    training ? "calibrated" : "predicted", b.n, b.median, b.min, b.max, SEEDS, sim, sim_min, sim_max, err,
                    plain, b.stall_free, (sim - b.stall_free) / b.stall_free * 100);
      if (par == 0) sim_p0[i] = sim;
      else print_message("             parallel=1 slowdown: real %.2f, sim %.2f\n", b.median / real[0][i].median, sim / sim_p0[i]);
      if (training || n == 2) assert_true(fabs(err) <= 10.0);
      else if (n < 16) assert_true(fabs(err) <= 15.0);
      if (n >= 16) assert_true(sim > plain); /* each idle online vCPU slows the ones at work */
      g_autofree char *name = g_strdup_printf("mttcg_%u_p%d", n, par);
      assert_doc_row("x86: QEMU MTTCG on another host", name, b.median, sim, err);
    }
}

/* -- arm64 (scenarios/qemu-arm64-tcg-mttcg.yaml): a_mttcg_N_rR, 2 to 96 vCPUs -- */

static const guint a_sizes[] = {2, 4, 8, 16, 32, 64, 96};

/* Median of the dmesg bringup windows of one size (on arm64 dmesg reads the arch timer's
 * counter, which follows the host clock under MTTCG: the README of the reference data). */
/* The dmesg bringup windows (ms) of the boots r1..r8 of size n named by `fmt` (one %u, one %d)
 * that exist, into ms[8]; their number. */
static guint dmesg_windows(const char *fmt, guint n, double *ms) {
  guint k = 0;
  for (int r = 1; r <= 8; r++) {
    g_autofree char *path = g_strdup_printf(fmt, n, r);
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) continue;
    double v = tu_dmesg_window_ms(path);
    if (v <= 0) fail_msg("%s: no bringup window in it", path);
    ms[k++] = v;
  }
  return k;
}

static Boots a_boots(guint n) {
  double ms[8];
  Boots b = {0};
  b.n = dmesg_windows("tests/data/beyond/mttcg/a_mttcg_%u_r%d.txt.gz", n, ms);
  if (b.n < 3) fail_msg("a_mttcg_%u: %u boots, want 3", n, b.n);
  b.median = tu_median(ms, b.n); /* sorts them */
  b.min = ms[0];
  b.max = ms[b.n - 1];
  return b;
}

/* Each AP's dmesg STARTING interval ("Detected PIPT I-cache on CPUn" to "CPUn: Booted secondary
 * processor") against the CPUs online before it (n for CPU n), from CPU 2 on: the least-squares
 * slope, us per online vCPU, over every boot named by `fmt` (one %u for the size, one %d for the
 * repeat). QEMU's answer to each AP's ITS INVALL rescans the pending table of every LPI-enabled
 * redistributor (docs/profiles.md, "arm64: QEMU MTTCG on another host"). */
/* The dmesg time (ns) of the first line holding `needle` not followed by a digit, or -1. */
static int64_t dmesg_time_of(const char *text, const char *needle) {
  for (const char *hit = strstr(text, needle); hit; hit = strstr(hit + 1, needle))
    if (!g_ascii_isdigit(hit[strlen(needle)])) return tu_dmesg_stamp(text, hit);
  return -1;
}

static double starting_slope_us(const char *fmt, guint n) {
  TuLine line = {0};
  for (int r = 1; r <= 8; r++) {
    g_autofree char *path = g_strdup_printf(fmt, n, r);
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) continue;
    g_autofree char *text = tu_read_text(path);
    if (!text) fail_msg("%s: cannot read it", path);
    for (guint c = 2; c < n; c++) {
      g_autofree char *det = g_strdup_printf("Detected PIPT I-cache on CPU%u", c);
      g_autofree char *up = g_strdup_printf("CPU%u: Booted secondary processor", c);
      int64_t a = dmesg_time_of(text, det), b = dmesg_time_of(text, up);
      if (a < 0 || b < a) fail_msg("%s: no STARTING interval for CPU%u", path, c);
      tu_line_add(&line, c, (double)(b - a) / 1e3);
    }
  }
  if (line.n < 3) fail_msg("%s (n = %u): fewer than 3 STARTING intervals", fmt, n);
  return tu_line_slope(&line);
}

/* The predictions held within 20 % of the median; the others are docs/profiles.md's known
 * misses ("arm64: QEMU MTTCG on another host"), which every row must equal: the host's first
 * touch of guest RAM, which the model leaves out, from 16 vCPUs on. */
static const guint a_within[] = {2, 4};

/* Median of the boots with guest RAM faulted in first (-mem-prealloc: no first-touch step at
 * 64 and 96 vCPUs), 0 when there are none of that size. */
static double a_prealloc_median(guint n) {
  double ms[8];
  guint k = dmesg_windows("tests/data/beyond/mttcg/prealloc/a_pre_%u_r%d.txt.gz", n, ms);
  return k ? tu_median(ms, k) : 0;
}

/* Held within 20 % of the -mem-prealloc median (64 is a known miss, -22.4 %: docs/profiles.md). */
static const guint a_prealloc_within[] = {96};

static void test_mttcg_arm64_other_host(void **state) {
  (void)state;
  Boots real[G_N_ELEMENTS(a_sizes)];
  for (guint i = 0; i < G_N_ELEMENTS(a_sizes); i++) real[i] = a_boots(a_sizes[i]);
  /* The host's speed from the size the profile reproduces on its own host (8 vCPUs, +1.5 %);
   * at 2 and 4 it is short there too (known gaps), so those would carry the gaps into the
   * speed. What calibrating on 2, 4 and 8 as the x86 test does would give is printed too. */
  const guint use8[] = {2}, use248[] = {0, 1, 2};
  double speed = calibrate_speed(ARM64, a_sizes, real, use8, 1, -1);
  double speed248 = calibrate_speed(ARM64, a_sizes, real, use248, 3, -1);
  print_message("arm64 host.speed_pct = %.1f (calibrated on this host's 8-vCPU boots; on 2, 4, 8: %.1f)\n", speed,
                speed248);
  assert_true(speed > 50 && speed < 110);
  double sims[G_N_ELEMENTS(a_sizes)];
  for (guint i = 0; i < G_N_ELEMENTS(a_sizes); i++) sims[i] = simulate(ARM64, a_sizes[i], -1, speed, -1);
  for (guint i = 0; i < G_N_ELEMENTS(a_sizes); i++) {
    guint n = a_sizes[i];
    const Boots b = real[i];
    double sim = sims[i], alt = simulate(ARM64, n, -1, speed248, -1);
    double err = (sim - b.median) / b.median * 100;
    double pre = a_prealloc_median(n), pre_err = pre > 0 ? (sim - pre) / pre * 100 : 0;
    print_message("a_mttcg_%-3u %-10s  real median of %u %8.1f ms (%.1f..%.1f)  sim %8.1f ms  %+6.1f %%"
                  "  (speed from 2/4/8: %+6.1f %%); against 8 vCPUs real %.2f, sim %.2f;"
                  " -mem-prealloc median %.1f ms, %+.1f %%\n",
                  n, n == 8 ? "calibrated" : "predicted", b.n, b.median, b.min, b.max, sim, err,
                  (alt - b.median) / b.median * 100, b.median / real[2].median, sim / sims[2], pre, pre_err);
    if (n == 8) assert_true(fabs(err) <= 2.0);
    for (guint k = 0; k < G_N_ELEMENTS(a_prealloc_within); k++)
      if (a_prealloc_within[k] == n) assert_true(pre > 0 && fabs(pre_err) <= 20.0);
    for (guint k = 0; k < G_N_ELEMENTS(a_within); k++)
      if (a_within[k] == n) assert_true(fabs(err) <= 20.0);
    g_autofree char *name = g_strdup_printf("%u", n);
    assert_doc_row("arm64: QEMU MTTCG on another host", name, b.median, sim, err);
  }
  /* The variant with a second number for this host: the ITS rescan's cost per online vCPU from
   * its own 8-vCPU boots (their STARTING slope). QEMU rescans the pending tables one byte read
   * at a time, which this host runs slower than the rest of the bringup, so host.speed_pct
   * alone scales it short (docs/profiles.md). */
  its_host_us = starting_slope_us("tests/data/beyond/mttcg/a_mttcg_%u_r%d.txt.gz", 8);
  double speed2 = calibrate_speed(ARM64, a_sizes, real, use8, 1, -1);
  print_message("arm64, speed (%.1f) and ITS rescan (%.1f us per online vCPU) from this host's 8-vCPU boots:\n", speed2,
                its_host_us);
  static const guint big[] = {32, 64, 96};
  for (guint i = 0; i < G_N_ELEMENTS(big); i++) {
    double sim = simulate(ARM64, big[i], -1, speed2, -1), pre = a_prealloc_median(big[i]);
    double pre_err = (sim - pre) / pre * 100;
    print_message("a_mttcg_%-3u sim %8.1f ms; -mem-prealloc median %8.1f ms, %+.1f %%\n", big[i], sim, pre, pre_err);
    if (big[i] >= 64) assert_true(fabs(pre_err) <= 20.0);
  }
  its_host_us = 0;
}

static void test_arm64_its_invall_slope(void **state) {
  (void)state;
  static const struct {
    const char *fmt;
    guint n;
    double doc;
  } rows[] = {{"tests/data/beyond/mttcg/a_mttcg_%u_r%d.txt.gz", 8, 89},
              {"tests/data/beyond/mttcg/a_mttcg_%u_r%d.txt.gz", 16, 130},
              {"tests/data/beyond/mttcg/a_mttcg_%u_r%d.txt.gz", 32, 104},
              {"tests/data/beyond/mttcg/a_mttcg_%u_r%d.txt.gz", 96, 134},
              {"tests/data/beyond/mttcg/prealloc/a_pre_%u_r%d.txt.gz", 16, 113},
              {"tests/data/beyond/mttcg/prealloc/a_pre_%u_r%d.txt.gz", 96, 136}};
  for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
    double s = starting_slope_us(rows[i].fmt, rows[i].n);
    print_message("%-52s n=%-3u STARTING interval +%.1f us per online vCPU (docs: %.0f)\n", rows[i].fmt, rows[i].n, s,
                  rows[i].doc);
    assert_true(fabs(s - rows[i].doc) < 0.5); /* the README's figures are these, rounded */
  }
}

/* host.idle_ticks_aligned (models/kernel/machine.c): the idle vCPUs' ticks as one burst per tick
 * that the vCPUs at work wait out. Bringup of the arm64 profile at 16 vCPUs with only the idle
 * load changed: as a processor share, 5 % per idle vCPU never fills the 2 host CPUs (15 x 5 % +
 * 1 working < 2), so nothing slows; as aligned bursts every AP slows by 1 / (1 - 5 % x idle / 2),
 * between the first AP's factor and the last's. */
static double bringup_ms(const char *load, const char *aligned) {
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(ov, g_strdup("topology.cores_per_socket=16"));
  g_ptr_array_add(ov, g_strdup(load));
  g_ptr_array_add(ov, g_strdup(aligned));
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpProfile) p = cpuhp_machine_load_file(ARM64, ov, &err);
  if (!p) fail_msg("%s", err->message);
  g_autoptr(CpuhpResult) r = tu_run(p, 1, FALSE);
  assert_int_equal(r->cpus_online, 16);
  return (double)r->bringup_ns / 1e6;
}

/* Each AP's span between the first call of `from` and the next of `to` in a function-traced
 * boot, ms, into v[], with its CPU number into cpu[]; how many (at most `max`). */
static guint ap_spans(const CpuhpMeasured *m, const char *from, const char *to, double *v, guint *cpu, guint max) {
  guint n = 0;
  for (guint c = 0; c < m->cpus->len && n < max; c++) {
    const CpuhpMeasuredCpu *mc = &g_array_index(m->cpus, CpuhpMeasuredCpu, c);
    int64_t a = -1, b = -1;
    for (guint k = 0; k < mc->functions->len; k++) {
      const CpuhpMeasuredFunc *f = &g_array_index(mc->functions, CpuhpMeasuredFunc, k);
      if (a < 0 && !strcmp(f->function, from)) a = f->ts;
      else if (a >= 0 && b < 0 && !strcmp(f->function, to)) b = f->ts;
    }
    if (mc->cpu && a >= 0 && b >= 0) cpu[n] = mc->cpu, v[n++] = (double)(b - a) / 1e6;
  }
  return n;
}

/* Those spans' mean, median and longest, ms. */
static void ap_span(const CpuhpMeasured *m, const char *from, const char *to, double *mean, double *median, double *max) {
  double v[256];
  guint cpu[256], n = ap_spans(m, from, to, v, cpu, G_N_ELEMENTS(v));
  assert_true(n > 0);
  *mean = 0, *max = 0;
  for (guint i = 0; i < n; i++) *mean += v[i] / n, *max = MAX(*max, v[i]);
  *median = tu_median(v, n);
}

/* x86 boots with guest RAM faulted in first (README there): the host's first touches gone, the
 * 32-vCPU serial boots still take ~1.7 times the model, and what grows sits in rendezvous waits
 * with long tails (docs/profiles.md, "The TSC warp test's tail"). */
static void test_x86_prealloc_waits(void **state) {
  (void)state;
  static const char *const pre[] = {"8_p0_pre_r1", "8_p0_pre_r2", "8_p0_pre_r3", "32_p0_pre_r1", "32_p0_pre_r3"};
  double ms[5];
  for (guint i = 0; i < G_N_ELEMENTS(pre); i++) {
    g_autofree char *path = g_strdup_printf("tests/data/beyond/mttcg/prealloc/mttcg_%s.txt.gz", pre[i]);
    ms[i] = tu_mttcg_bringup_ms(path);
    print_message("mttcg_%s: %.1f ms\n", pre[i], ms[i]);
  }
  assert_true(ms[3] > 420 && ms[4] > 420);
  for (guint n = 8; n <= 32; n += 24) {
    g_autofree char *path = g_strdup_printf("tests/data/beyond/mttcg/ftrace/mttcg_%u_p0_preft_r1.txt.gz", n);
    g_autoptr(CpuhpMeasured) m = tu_import(path);
    double tsc[3], out[3];
    ap_span(m, "check_tsc_sync_target", "calibrate_delay", &tsc[0], &tsc[1], &tsc[2]);
    ap_span(m, "cpuhp_ap_sync_alive", "fpu__init_cpu", &out[0], &out[1], &out[2]);
    print_message("%u vCPUs: TSC warp test mean %.2f median %.2f max %.1f ms; out of the alive spin mean %.2f "
                  "median %.2f max %.1f ms\n", n, tsc[0], tsc[1], tsc[2], out[0], out[1], out[2]);
    assert_true(tsc[1] < 2.5 && out[1] < 0.1); /* the usual AP: the 2 ms loop, a quick release */
    if (n == 32) assert_true(tsc[0] > tsc[1] + 2 && out[0] > out[1] + 1 && MAX(tsc[2], out[2]) > 20);
  }
}

/* -- The TSC lock (host.tsc_lock_*; docs/profiles.md, "The TSC lock") --
 * Fitted on the function-traced serial boots of at most 16 vCPUs of both hosts: how often an
 * AP's warp test runs over its boot's median by more than 1 ms (a stall detected), and by how
 * much. The host tick T is 4 ms (both hosts' kernels: HZ=250), the guest's jiffy 4 ms. */

typedef struct {
  guint idle;   /* online vCPUs besides the BP while it ran: CPU n's test, n - 1 */
  double extra; /* over the boot's median test, ms */
  double loop;  /* the boot's median test, ms */
} Warp;

static void warps_of(const char *path, GArray *out) {
  g_autoptr(CpuhpMeasured) m = tu_import(path);
  double v[256], sorted[256];
  guint cpu[256], n = ap_spans(m, "check_tsc_sync_target", "calibrate_delay", v, cpu, G_N_ELEMENTS(v));
  if (n < 3) fail_msg("%s: %u warp tests", path, n);
  memcpy(sorted, v, n * sizeof *v);
  double median = tu_median(sorted, n);
  for (guint i = 0; i < n; i++) g_array_append_val(out, ((Warp){cpu[i] - 1, v[i] - median, median}));
}

/* The boots named by `fmt` (one %u: the size, one %d: the repeat) that exist, r1..r8. */
static GArray *warps_of_boots(const char *fmt, const guint *sizes_, guint n_sizes) {
  GArray *w = g_array_new(FALSE, FALSE, sizeof(Warp));
  for (guint i = 0; i < n_sizes; i++)
    for (int r = 1; r <= 8; r++) {
      g_autofree char *path = g_strdup_printf(fmt, sizes_[i], r);
      if (g_file_test(path, G_FILE_TEST_EXISTS)) warps_of(path, w);
    }
  return w;
}

#define HOST_TICK_MS 4.0
#define JIFFY_MS 4.0 /* the guest's HZ=250 */
#define HOST_CPUS 2.0
#define DETECT_MS 1.0

/* A stall lasts to the next host tick, U(0, T), plus T for each tick the host gives another
 * waiting thread instead (probability q each): how often it passes DETECT_MS, its mean when it
 * does, and its mean. */
typedef struct {
  double detected, tail, mean;
} StallLaw;

static StallLaw stall_law(double q) {
  double short_p = (1 - q) * DETECT_MS / HOST_TICK_MS; /* no requeue, and the tick came early */
  double mean = HOST_TICK_MS / 2 + HOST_TICK_MS * q / (1 - q);
  return (StallLaw){1 - short_p, (mean - short_p * DETECT_MS / 2) / (1 - short_p), mean};
}

/* The stall rate of one test (machine_tsc_lock_stall(), 2 host CPUs, serial: two busy threads):
 * host ticks in the loop, times the chance one finds a thread waiting, times the hold chance. */
static double stall_rate(const Warp *w, double hold) {
  double ticks = HOST_CPUS * w->loop / HOST_TICK_MS;
  double waiting = 1 - exp(-(double)w->idle * HOST_TICK_MS / (JIFFY_MS * HOST_CPUS));
  return ticks * waiting * hold;
}

static double requeue_fit(const GArray *w) {
  double sum = 0, best = 0, best_err = INFINITY;
  guint n = 0;
  for (guint i = 0; i < w->len; i++)
    if (g_array_index(w, Warp, i).extra > DETECT_MS) sum += g_array_index(w, Warp, i).extra, n++;
  assert_true(n >= 5);
  for (int k = 0; k < 96; k++) { /* the q whose detected stalls' mean is the boots' */
    double err = fabs(stall_law(k / 100.0).tail - sum / n);
    if (err < best_err) best_err = err, best = k / 100.0;
  }
  return best;
}

/* One host's fit on its calibration boots: q from the detected stalls' mean length, then the
 * hold chance whose expected number of detected stalls is the boots'. */
static LockFit lock_fit(const GArray *w) {
  LockFit f = {0, requeue_fit(w)};
  double lo = 0, hi = 1, seen = 0;
  for (guint i = 0; i < w->len; i++) seen += g_array_index(w, Warp, i).extra > DETECT_MS;
  for (int it = 0; it < 60; it++) {
    double h = (lo + hi) / 2, want = 0;
    for (guint i = 0; i < w->len; i++)
      want += 1 - exp(-stall_rate(&g_array_index(w, Warp, i), h) * stall_law(f.requeue).detected);
    *(want < seen ? &lo : &hi) = h;
  }
  f.hold = (lo + hi) / 2;
  return f;
}

static const guint small[] = {8, 16};

/* The reference host's function-traced serial boots of 8 and 16 vCPUs. */
static GArray *ref_warps(void) { return warps_of_boots("tests/data/reference/traces/mttcg/mttcg_%u_p0_r%d.txt.gz", small, 2); }

/* This host's: 8 and 16 vCPUs with guest RAM faulted in first, and one 8-vCPU boot without. */
static GArray *other_warps(void) {
  GArray *w = warps_of_boots("tests/data/beyond/mttcg/ftrace/mttcg_%u_p0_preft_r%d.txt.gz", small, 2);
  g_autoptr(GArray) plain8 = warps_of_boots("tests/data/beyond/mttcg/ftrace/mttcg_%u_p0_r%d.txt.gz", small, 1);
  g_array_append_vals(w, plain8->data, plain8->len);
  return w;
}

/* This host's fit, % (computed once): what the x86 rows of this host simulate with. */
static LockFit other_host_fit(void) {
  static LockFit pct = {-1, -1};
  if (pct.hold < 0) {
    g_autoptr(GArray) w = other_warps();
    LockFit f = lock_fit(w);
    pct = (LockFit){round(f.hold * 100), round(f.requeue * 100)};
  }
  return pct;
}

/* The shipped profile's TSC-lock numbers, %. */
static LockFit profile_lock(void) {
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpProfile) p = cpuhp_machine_load_file(X86, NULL, &err);
  if (!p) fail_msg("%s", err->message);
  return (LockFit){p->host.tsc_lock_hold_pct, p->host.tsc_lock_requeue_pct};
}

static void test_tsc_lock_fit(void **state) {
  (void)state;
  g_autoptr(GArray) ref = ref_warps();
  g_autoptr(GArray) other = other_warps();
  LockFit r = lock_fit(ref), o = lock_fit(other);
  print_message("TSC lock fit: reference host %u warp tests: hold %.1f %%, requeue %.0f %%; this host %u: hold %.1f %%, "
                "requeue %.0f %%\n", ref->len, r.hold * 100, r.requeue * 100, other->len, o.hold * 100, o.requeue * 100);
  LockFit shipped = profile_lock();
  assert_true(fabs(shipped.hold - round(r.hold * 100)) < 0.01); /* the profile's are the fit */
  assert_true(fabs(shipped.requeue - round(r.requeue * 100)) < 0.01);
  assert_true(fabs(r.hold - o.hold) < 0.05); /* QEMU's lock: the same on both hosts */
  assert_true(o.requeue > r.requeue + 0.3);   /* the hosts' schedulers: not the same */
}

/* Per AP, the simulated stalls of profile X86 with the TSC lock's `pct` at n vCPUs, serial, over
 * seeds 1..seeds: detected ones (> 1 ms) per test, and their time per test, ms. */
static void sim_stalls(guint n, guint seeds, LockFit pct, double *detected, double *per_test) {
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(ov, g_strdup_printf("topology.cores_per_socket=%u", n));
  g_ptr_array_add(ov, g_strdup("kernel.cpuhp_parallel=false"));
  g_ptr_array_add(ov, g_strdup_printf("host.tsc_lock_hold_pct=%.0f", pct.hold));
  g_ptr_array_add(ov, g_strdup_printf("host.tsc_lock_requeue_pct=%.0f", pct.requeue));
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpProfile) p = cpuhp_machine_load_file(X86, ov, &err);
  if (!p) fail_msg("%s", err->message);
  double seen = 0, ms = 0, tests = 0;
  for (guint s = 1; s <= seeds; s++) {
    g_autoptr(CpuhpResult) r = tu_run(p, s, FALSE);
    for (guint c = 1; c < r->n_cpus; c++) {
      double v = (double)r->cpus[c].tsc_lock_stall_ns / 1e6;
      tests++;
      if (v > DETECT_MS) seen++, ms += v;
    }
  }
  *detected = seen / tests, *per_test = ms / tests;
}

static void real_stalls(const GArray *w, double *detected, double *per_test) {
  double seen = 0, ms = 0;
  for (guint i = 0; i < w->len; i++) {
    double e = g_array_index(w, Warp, i).extra;
    if (e > DETECT_MS) seen++, ms += e;
  }
  *detected = seen / w->len, *per_test = ms / w->len;
}

/* The simulation draws what the law says (machine_tsc_lock_stall() against the closed form), and
 * this host's larger boots, held out, against what the fit on its small ones predicts. */
static void test_tsc_lock_predictions(void **state) {
  (void)state;
  LockFit other = other_host_fit();
  static const guint big[] = {32, 64, 128};
  for (guint i = 0; i < G_N_ELEMENTS(big); i++) {
    guint one[] = {big[i]};
    g_autoptr(GArray) w = warps_of_boots("tests/data/beyond/mttcg/ftrace/mttcg_%u_p0_preft_r%d.txt.gz", one, 1);
    g_autoptr(GArray) plain = warps_of_boots("tests/data/beyond/mttcg/ftrace/mttcg_%u_p0_r%d.txt.gz", one, 1);
    g_array_append_vals(w, plain->data, plain->len);
    double rd, rm, sd, sm;
    real_stalls(w, &rd, &rm);
    sim_stalls(big[i], 8, other, &sd, &sm);
    print_message("%3u vCPUs (predicted): warp tests over their median by > 1 ms: real %.2f, sim %.2f; their time per "
                  "test: real %.2f ms, sim %.2f ms (%u tests)\n", big[i], rd, sd, rm, sm, w->len);
    assert_true(fabs(sd - rd) <= 0.1);
    if (big[i] == 32) assert_true(sm < rm);   /* the known miss: its stalls run longest */
    else assert_true(fabs(sm - rm) <= 0.3 * rm); /* 64 and 128 */
  }
  /* the law: 16 vCPUs with each host's fit */
  LockFit hosts[] = {profile_lock(), other};
  for (guint h = 0; h < G_N_ELEMENTS(hosts); h++) {
    double q = hosts[h].requeue / 100, sd, sm, law_d = 0, law_m = 0;
    sim_stalls(16, 40, hosts[h], &sd, &sm);
    for (guint c = 1; c < 16; c++) { /* the simulated test's loop: 2 ms and its overhead, ~0.3 */
      double rate = stall_rate(&(Warp){c - 1, 0, 2.3}, hosts[h].hold / 100);
      law_d += (1 - exp(-rate * stall_law(q).detected)) / 15;
      law_m += rate * stall_law(q).mean / 15;
    }
    print_message("16 vCPUs, hold %.0f %%, requeue %.0f %%: detected stalls per test sim %.3f, law %.3f; time per test sim "
                  "%.2f, law (all stalls) %.2f ms\n", hosts[h].hold, q * 100, sd, law_d, sm, law_m);
    assert_true(fabs(sd - law_d) < 0.04 && sm < law_m * 1.1 && sm > law_m * 0.6);
  }
}

/* What the host threads did (tsc-lock/, README there: perf's scheduler events and samples over
 * three 32-vCPU boots, reduced by host_threads.py): the long tests are a test thread kept
 * waiting while other vCPU threads run; the idle vCPUs' long runs end on the host's 4 ms tick;
 * their time goes to QEMU's TSC read. */
static void test_tsc_lock_host_threads(void **state) {
  (void)state;
  guint slow = 0, usual = 0, usual_quiet = 0;
  for (int r = 1; r <= 2; r++) {
    g_autofree char *path = g_strdup_printf("tests/data/beyond/mttcg/tsc-lock/sched_r%d.warps.csv", r);
    g_autofree char *text = tu_read_text(path);
    if (!text) fail_msg("%s: cannot read it", path);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (char **l = lines + 1; *l && **l; l++) {
      double v[8];
      if (sscanf(*l, "%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) != 8)
        fail_msg("%s: bad row '%s'", path, *l);
      if (v[2] >= 3) { /* ap,n_idle,warp,bp_run,bp_wait,ap_run,ap_wait,others_run */
        slow++;
        assert_true(MAX(v[4], v[6]) >= 1 && v[7] >= 1);
      } else if (v[2] < 2.5) {
        usual++, usual_quiet += v[7] < 1;
      }
    }
  }
  g_autofree char *bursts = tu_read_text("tests/data/beyond/mttcg/tsc-lock/sched_r2.bursts.csv");
  assert_non_null(bursts);
  guint runs = 0, on_tick = 0;
  g_auto(GStrv) bl = g_strsplit(bursts, "\n", -1);
  for (char **l = bl + 1; *l && **l; l++) {
    double cpu, at, ms;
    if (sscanf(*l, "%lf,%lf,%lf", &cpu, &at, &ms) != 3) fail_msg("sched_r2.bursts.csv: bad row '%s'", *l);
    runs++, on_tick += ms >= 3.9 && ms <= 4.1;
  }
  double all, tsc = tu_frame_samples("tests/data/beyond/mttcg/tsc-lock/sched_r3.samples.csv", "cpu_get_ticks", &all);
  print_message("host threads: %u warp tests over 3 ms, each with a test thread waiting and other vCPUs running; %u of %u "
                "usual ones without; idle vCPU runs over 0.5 ms: %u, %u of them one host tick (3.9-4.1 ms); their "
                "samples in cpu_get_ticks: %.0f of %.0f\n", slow, usual_quiet, usual, runs, on_tick, tsc, all);
  assert_true(slow >= 10 && usual_quiet >= usual * 9 / 10);
  assert_true(runs >= 20 && on_tick * 4 >= runs);
  assert_true(tsc >= all / 2);
}

static void test_idle_tick_bursts(void **state) {
  (void)state;
  double none = bringup_ms("host.idle_load_pct=0", "host.idle_ticks_aligned=false");
  double none_aligned = bringup_ms("host.idle_load_pct=0", "host.idle_ticks_aligned=true");
  double shared = bringup_ms("host.idle_load_pct=5", "host.idle_ticks_aligned=false");
  double bursts = bringup_ms("host.idle_load_pct=5", "host.idle_ticks_aligned=true");
  print_message("16 vCPUs: no idle load %.3f ms; 5 %% as a share %.3f ms; as aligned bursts %.3f ms\n", none, shared,
                bursts);
  assert_true(none_aligned == none && shared == none);
  assert_true(bursts > none / (1 - 0.05 * 1 / 2) && bursts < none / (1 - 0.05 * 15 / 2));
  /* more load than the host can give: the workers keep a trickle and the run still ends */
  assert_true(bringup_ms("host.idle_load_pct=100", "host.idle_ticks_aligned=true") > 10 * none);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_mttcg_other_host),
                                     cmocka_unit_test(test_mttcg_arm64_other_host),
                                     cmocka_unit_test(test_arm64_its_invall_slope),
                                     cmocka_unit_test(test_idle_tick_bursts), cmocka_unit_test(test_x86_prealloc_waits),
                                     cmocka_unit_test(test_tsc_lock_fit), cmocka_unit_test(test_tsc_lock_predictions),
                                     cmocka_unit_test(test_tsc_lock_host_threads)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
