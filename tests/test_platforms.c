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

#define TICK_NS 4000000 /* HZ=250 */

/* The kicks (cpuhp_kick_ap_alive, step 85, on the BP) of a trace, held to one tick phase: the
 * median of their ends folded around the first one's. Returns the largest distance of a kick's
 * end from the first phase point after its start; *n gets the number of kicks, *total their
 * summed length. */
static int64_t kicks_off_phase(const GArray *ev, guint *n, int64_t *total) {
  g_autoptr(GArray) start = g_array_new(FALSE, FALSE, sizeof(int64_t));
  g_autoptr(GArray) end = g_array_new(FALSE, FALSE, sizeof(int64_t));
  for (guint k = 0; k < ev->len; k++) {
    const CpuhpTraceEvent *e = &g_array_index(ev, CpuhpTraceEvent, k);
    if (e->step == 85 && e->exec_cpu == 0) g_array_append_val(e->type == CPUHP_TRACE_EXIT ? end : start, e->ts);
  }
  assert_int_equal(start->len, end->len);
  assert_true(end->len > 0);
  int64_t e0 = g_array_index(end, int64_t, 0);
  g_autofree int64_t *fold = g_new(int64_t, end->len);
  for (guint k = 0; k < end->len; k++) {
    int64_t d = (g_array_index(end, int64_t, k) - e0) % TICK_NS;
    fold[k] = d > TICK_NS / 2 ? d - TICK_NS : d < -TICK_NS / 2 ? d + TICK_NS : d;
  }
  qsort(fold, end->len, sizeof *fold, tu_cmp_i64);
  int64_t phase = e0 + fold[end->len / 2], bad = 0;
  *total = 0;
  for (guint k = 0; k < end->len; k++) {
    int64_t s = g_array_index(start, int64_t, k), to_tick = ((phase - s) % TICK_NS + TICK_NS) % TICK_NS;
    bad = MAX(bad, ABS(g_array_index(end, int64_t, k) - (s + to_tick)));
    *total += g_array_index(end, int64_t, k) - s;
  }
  *n = end->len;
  return bad;
}

/* The second of each AP's three trace_rb_cpu_prepare() calls (the global ring buffer's 1 MB) in
 * a simulated serial trace, on the BP: its durations into dur[], in AP order. Returns how many. */
static guint rb_durations(const GArray *ev, double *dur, guint max) {
  guint n = 0, seen = 0;
  int64_t start = -1;
  for (guint k = 0; k < ev->len && n < max; k++) {
    const CpuhpTraceEvent *e = &g_array_index(ev, CpuhpTraceEvent, k);
    if (e->step != 56 || e->exec_cpu != 0) continue;
    if (e->type != CPUHP_TRACE_EXIT) start = ++seen % 3 == 2 ? e->ts : -1;
    else if (start >= 0) dur[n++] = (double)(e->ts - start);
  }
  return n;
}

/* Why an idle online vCPU slows the one at work as 1 / (1 - n x share) under -icount, n idle
 * (docs/profiles.md, "The idle share"). One host thread runs every vCPU and the clock counts
 * all their instructions; an idle vCPU runs its periodic tick every 4 ms of that clock, a fixed
 * share of it whoever else runs. A plugin trace of a serial 64-vCPU boot (tests/data/beyond/grow,
 * "SEQ VCPU F NAME VCPU_INSNS GLOBAL" at each function entry) shows it: in the global ring
 * buffer's allocation the BP's own instructions stay flat from the first AP to the last while
 * every other vCPU's grow with their ticks. The profile's share is the measured mean tick. */
static void test_icount_idle_share(void **state) {
  (void)state;
  g_autofree char *log = tu_read_text("tests/data/beyond/grow/plugin_64_p0.win.log.gz");
  assert_non_null(log);
  g_auto(GStrv) lines = g_strsplit(log, "\n", -1);
  enum { VCPUS = 64 };
  gint64 last[VCPUS], w0 = -1, w1 = -1, rb_own[3 * VCPUS], rb_all[3 * VCPUS];
  guint n_rb = 0;
  for (guint v = 0; v < VCPUS; v++) last[v] = -1;
  for (char **l = lines; *l; l++) { /* the window: the first to the last cpuhp_bringup_ap() */
    gint64 g;
    if (sscanf(*l, "%*u 0 F cpuhp_bringup_ap %*d %" G_GINT64_FORMAT, &g) == 1) w0 = w0 < 0 ? g : w0, w1 = g;
  }
  assert_true(w0 > 0 && w1 > w0);
  double tick_insns = 0;
  guint gaps = 0;
  for (char **l = lines; *l; l++) {
    guint vcpu;
    char name[64];
    gint64 own, global;
    if (sscanf(*l, "%*u %u F %63s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT, &vcpu, name, &own, &global) != 4) continue;
    assert_true(vcpu < VCPUS);
    if (g_str_equal(name, "trace_rb_cpu_prepare")) {
      assert_int_equal(vcpu, 0); /* serial: the BP runs every PREPARE callback */
      assert_true(n_rb < G_N_ELEMENTS(rb_own));
      rb_own[n_rb] = own, rb_all[n_rb++] = global;
    } else if (g_str_equal(name, "tick_handle_periodic") && vcpu) {
      if (last[vcpu] >= 0 && global >= w0 && global <= w1) tick_insns += (double)(own - last[vcpu]), gaps++;
      last[vcpu] = own;
    }
  }
  assert_true(gaps > 10000);
  double share = tick_insns / gaps * 8 / TICK_NS * 100;
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpProfile) p = cpuhp_machine_load_file("scenarios/qemu-tcg-icount-x86_64.yaml", NULL, &err);
  if (!p) fail_msg("%s", err->message);
  print_message("an idle vCPU in the window: %.0f instructions a tick (%u ticks), %.3f %% of the clock (profile: %.2f %%)\n",
                tick_insns / gaps, gaps, share, p->host.idle_load_pct);
  assert_true(p->host.idle_share);
  assert_true(fabs(share - p->host.idle_load_pct) <= 0.05 * p->host.idle_load_pct);

  /* per AP k (k - 1 APs idle): the BP's instructions, and the clock against each law */
  assert_int_equal(n_rb, 3 * VCPUS); /* the first three: the BP's own buffers, at boot */
  double c = share / 100, own[VCPUS - 1], clock[VCPUS - 1], err_share = 0, err_weight = 0;
  for (guint k = 1; k < VCPUS; k++) {
    guint i = 3 * k + 1;
    own[k - 1] = (double)(rb_own[i + 1] - rb_own[i]), clock[k - 1] = (double)(rb_all[i + 1] - rb_all[i]);
    double ratio = clock[k - 1] / own[k - 1], idle = k - 1;
    if (k >= VCPUS / 2) err_share += fabs(ratio * (1 - idle * c) - 1), err_weight += fabs(ratio / (1 + idle * c) - 1);
  }
  double sorted[VCPUS - 1];
  memcpy(sorted, own, sizeof own);
  double mid = tu_median(sorted, VCPUS - 1), spread = 0, ratio = clock[VCPUS - 2] / own[VCPUS - 2];
  for (guint k = 0; k < VCPUS - 1; k++) spread = MAX(spread, fabs(own[k] / mid - 1));
  err_share /= VCPUS / 2, err_weight /= VCPUS / 2;
  print_message("the BP's own work: %.0f k instructions at every AP (within %.1f %%); the clock at the last AP: %.3f x it\n",
                mid / 1e3, spread * 100, ratio);
  print_message("APs %u..%u: 1 / (1 - n x share) off by %.2f %% on average, 1 + n x share by %.2f %%\n", VCPUS / 2,
                VCPUS - 1, err_share * 100, err_weight * 100);
  assert_true(spread < 0.08);
  assert_true(ratio > 1.3);
  assert_true(err_share < 0.02);
  assert_true(err_weight > 2 * err_share);

  /* the profile does the same: its serial 64-vCPU boot with lpj= slows the last AP's buffer as much */
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(ov, cpuhp_cmdline_as_override("lpj=1"));
  g_ptr_array_add(ov, g_strdup("topology.cores_per_socket=64"));
  g_ptr_array_add(ov, g_strdup("kernel.cpuhp_parallel=false"));
  g_autoptr(CpuhpProfile) p64 = cpuhp_machine_load_file("scenarios/qemu-tcg-icount-x86_64.yaml", ov, &err);
  if (!p64) fail_msg("%s", err->message);
  g_autoptr(CpuhpResult) r = tu_run(p64, 1, TRUE);
  double dur[VCPUS];
  assert_int_equal(rb_durations(r->trace, dur, VCPUS), VCPUS - 1);
  double real_growth = clock[VCPUS - 2] / clock[0], sim_growth = dur[VCPUS - 2] / dur[0];
  print_message("last AP's buffer against the first's: real %.3f, simulated %.3f\n", real_growth, sim_growth);
  assert_true(fabs(sim_growth / real_growth - 1) < 0.05);
}

/* Why the x86 icount kick spreads from 0.2 to 3.8 ms (docs/profiles.md, "The kick ends at a
 * tick"): under -icount the kick's udelay() lets the clock jump to the next tick of a running
 * local timer, so every kick of a reference boot ends at the same phase of the 4 ms tick
 * (HZ=250). Measured on the real traces and a plugin trace, then the profile held to it. */
static void test_icount_kick_tick(void **state) {
  (void)state;
  const int64_t tick = TICK_NS, slack = 150000;
  guint kicks = 0;
  int64_t worst = 0;
  for (guint i = 0; i < G_N_ELEMENTS(icount) + 2; i++) { /* and the two second 16-vCPU boots */
    const char *name = i < G_N_ELEMENTS(icount) ? icount[i].file
                                                 : i == G_N_ELEMENTS(icount) ? "icount_16_p0_r2.txt.gz" : "icount_16_p1_r2.txt.gz";
    g_autofree char *path = g_build_filename("tests/data/reference/traces", name, NULL);
    g_autoptr(GArray) ev = tu_read_trace(path);
    assert_non_null(ev);
    guint n = 0;
    int64_t total, bad = kicks_off_phase(ev, &n, &total);
    print_message("%-28s %2u kicks, each at the boot's tick phase within %.3f ms\n", name, n, (double)bad / 1e6);
    assert_true(bad <= slack);
    worst = MAX(worst, bad), kicks += n;
  }
  print_message("%u kicks, worst %.3f ms\n", kicks, (double)worst / 1e6);
  assert_int_equal(kicks, 96);

  /* The 12 larger boots (tests/data/beyond): their tick phase drifts over seconds, so each kick
   * is held to the grid of the kick before it; some end one tick later. */
  g_autoptr(GArray) near = g_array_new(FALSE, FALSE, sizeof(int64_t));
  guint late = 0;
  g_autoptr(GDir) dir = g_dir_open("tests/data/beyond", 0, NULL);
  assert_non_null(dir);
  for (const char *f; (f = g_dir_read_name(dir));) {
    if (!g_str_has_prefix(f, "icount_")) continue;
    g_autofree char *path = g_build_filename("tests/data/beyond", f, NULL);
    g_autoptr(GArray) ev = tu_read_trace(path);
    assert_non_null(ev);
    int64_t start = -1, prev_end = -1;
    for (guint k = 0; k < ev->len; k++) {
      const CpuhpTraceEvent *e = &g_array_index(ev, CpuhpTraceEvent, k);
      if (e->step != 85 || e->exec_cpu != 0) continue;
      if (e->type != CPUHP_TRACE_EXIT) {
        start = e->ts;
        continue;
      }
      if (prev_end >= 0) {
        int64_t r = e->ts - (start + ((prev_end - start) % tick + tick) % tick);
        int64_t d = MIN(ABS(r), ABS(r - tick));
        late += ABS(r - tick) < ABS(r);
        g_array_append_val(near, d);
      }
      prev_end = e->ts;
    }
  }
  g_array_sort(near, tu_cmp_i64);
  int64_t p95 = g_array_index(near, int64_t, near->len * 95 / 100);
  print_message("beyond: %u kicks after the first, 95 %% within %.3f ms of a tick, %u a tick later\n", near->len,
                (double)p95 / 1e6, late);
  assert_int_equal(near->len, 712);
  assert_true(p95 <= 600000);

  /* Which tick ends the wait (tests/data/beyond/kick-tick: a plugin's log of function entries,
   * "SEQ VCPU F NAME VCPU_INSNS GLOBAL"): after each kick's udelay(10), with no instruction run
   * in between, a timer interrupt of a CPU whose periodic local timer runs, the BP's or an AP's. */
  g_autofree char *log = tu_read_text("tests/data/beyond/kick-tick/plugin_8_p0.log.gz");
  assert_non_null(log);
  g_auto(GStrv) lines = g_strsplit(log, "\n", -1);
  gboolean periodic[8] = {FALSE};
  guint n_kicks = 0, by_ap = 0, udelays = 0;
  gint64 udelay_at = -1;
  for (char **l = lines; *l; l++) {
    guint vcpu;
    char name[64];
    gint64 global;
    if (sscanf(*l, "%*u %u F %63s %*d %" G_GINT64_FORMAT, &vcpu, name, &global) != 3 || vcpu >= 8) continue;
    if (g_str_equal(name, "lapic_timer_set_periodic")) periodic[vcpu] = TRUE;
    else if (vcpu == 0 && g_str_equal(name, "cpuhp_kick_ap_alive")) udelays = 0, udelay_at = -1, n_kicks++;
    else if (vcpu == 0 && n_kicks && g_str_equal(name, "__const_udelay") && ++udelays == 2) udelay_at = global;
    else if (udelay_at >= 0 && g_str_equal(name, "asm_sysvec_apic_timer_interrupt")) {
      assert_true(global - udelay_at < 200); /* the clock went straight to the deadline */
      assert_true(periodic[vcpu]);
      by_ap += vcpu != 0, udelay_at = -1;
    }
  }
  print_message("plugin trace, 8 vCPUs serial with lpj=: %u kicks, %u of them ended by an AP's tick\n", n_kicks, by_ap);
  assert_int_equal(n_kicks, 7);
  assert_true(by_ap > 0);

  /* The profile does the same: with the reference command line every simulated kick ends at
   * one phase too (each AP's timer starts after its jiffy-aligned calibration); with lpj= the
   * APs' ticks fall elsewhere and the serial kicks end sooner, as in the kboot boots. */
  double mean_kick[2] = {0};
  for (int lpj = 0; lpj <= 1; lpj++)
    for (int parallel = 0; parallel <= 1; parallel++) {
      g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
      if (lpj) g_ptr_array_add(ov, cpuhp_cmdline_as_override("lpj=1"));
      g_ptr_array_add(ov, g_strdup("topology.cores_per_socket=16"));
      g_ptr_array_add(ov, g_strdup_printf("kernel.cpuhp_parallel=%s", parallel ? "true" : "false"));
      g_autoptr(GError) err = NULL;
      g_autoptr(CpuhpProfile) p = cpuhp_machine_load_file("scenarios/qemu-tcg-icount-x86_64.yaml", ov, &err);
      if (!p) fail_msg("%s", err->message);
      g_autoptr(CpuhpResult) r = tu_run(p, 1, TRUE);
      guint n = 0;
      int64_t sum, bad = kicks_off_phase(r->trace, &n, &sum);
      print_message("simulated 16 vCPUs p%d%s: kicks %.2f ms on average, at one tick phase within %.3f ms\n", parallel,
                    lpj ? " lpj=" : "", (double)sum / n / 1e6, (double)bad / 1e6);
      assert_int_equal(n, 15);
      if (!lpj || parallel) assert_true(bad <= slack); /* only the BP's timer, or all on its grid */
      if (!parallel) mean_kick[lpj] = (double)sum / n;
    }
  assert_true(mean_kick[1] < 0.6 * mean_kick[0]);

  /* Parallel with lpj= (kboot_icount_16_p1): no AP's timer runs during the kicks, so each ends at
   * the BP's tick and an AP's PREPARE work plus its kick fill whole jiffies, in the real boot
   * (every cycle 4) and in the simulated one (4 or 5: its PREPARE work is longer). */
  for (int sim = 0; sim <= 1; sim++) {
    g_autoptr(CpuhpMeasured) m = NULL;
    if (!sim) {
      m = tu_import("tests/data/beyond/kboot_icount_16_p1.txt.gz");
    } else {
      g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
      g_ptr_array_add(ov, cpuhp_cmdline_as_override("console=ttyS0 panic=-1 quiet log_buf_len=4M trace_event=cpuhp:* "
                                                    "trace_buf_size=1M trace_clock=x86-tsc lpj=10384480 cpuhp.parallel=1"));
      g_ptr_array_add(ov, g_strdup("topology.cores_per_socket=16"));
      g_autoptr(GError) err = NULL;
      g_autoptr(CpuhpProfile) p = cpuhp_machine_load_file("scenarios/qemu-tcg-icount-x86_64.yaml", ov, &err);
      if (!p) fail_msg("%s", err->message);
      g_autoptr(CpuhpResult) r = tu_run(p, 1, TRUE);
      m = cpuhp_measured_new_from_result(r, &err);
      if (!m) fail_msg("%s", err->message);
    }
    g_autoptr(GArray) ends = g_array_new(FALSE, FALSE, sizeof(int64_t));
    int64_t total = 0;
    for (guint i = 0; i < m->cpus->len; i++) {
      const CpuhpMeasuredCpu *c = &g_array_index(m->cpus, CpuhpMeasuredCpu, i);
      for (guint k = 0; k < c->steps->len; k++) {
        const CpuhpMeasuredStep *st = &g_array_index(c->steps, CpuhpMeasuredStep, k);
        if (st->step != m->kick_step || st->duration < 0) continue;
        int64_t end = st->start + st->duration;
        g_array_append_val(ends, end);
        total += st->duration;
      }
    }
    assert_int_equal(ends->len, 15);
    g_array_sort(ends, tu_cmp_i64);
    guint jiffies[8] = {0};
    for (guint k = 1; k < ends->len; k++) {
      int64_t cycle = g_array_index(ends, int64_t, k) - g_array_index(ends, int64_t, k - 1);
      int64_t whole = (cycle + TICK_NS / 2) / TICK_NS;
      assert_true(ABS(cycle - whole * TICK_NS) <= 50000 && whole < 8);
      jiffies[whole]++;
    }
    print_message("%s 16 vCPUs p1 lpj=: kicks %.2f ms on average; AP cycles of 4 jiffies: %u, of 5: %u\n",
                  sim ? "simulated" : "real", (double)total / ends->len / 1e6, jiffies[4], jiffies[5]);
    if (!sim) assert_int_equal(jiffies[4], 14);
    else assert_int_equal(jiffies[4] + jiffies[5], 14);
  }
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
  const char *c = text ? strstr(text, "] Command line: ") : NULL;
  if (!c) return NULL;
  c += strlen("] Command line: ");
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
typedef struct {
  const char *file;
  const char *profile;
  guint sockets, cores, threads;
  int parallel;          /* -1: arm64, no cpuhp.parallel */
  double lo_pct, hi_pct; /* the error must stay in [lo, hi] */
  gboolean kboot;        /* the MTTCG harness's command line (quiet, lpj=, x86-tsc trace clock):
                          * simulated with the boot's own command line, timed on the trace window */
} Beyond;

static const Beyond beyond[] = {
    /* x86 icount, dmesg window: #20's bar, within 5 % of boots no profile saw */
    {"icount_32_p0", "qemu-tcg-icount-x86_64", 1, 32, 1, 0, -5, 5, FALSE},
    {"icount_32_p1", "qemu-tcg-icount-x86_64", 1, 32, 1, 1, -5, 5, FALSE},
    {"icount_64_p0", "qemu-tcg-icount-x86_64", 1, 64, 1, 0, -5, 5, FALSE},
    {"icount_64_p1", "qemu-tcg-icount-x86_64", 1, 64, 1, 1, -5, 5, FALSE},
    {"icount_96_p0", "qemu-tcg-icount-x86_64", 1, 96, 1, 0, -5, 5, FALSE},
    {"icount_96_p1", "qemu-tcg-icount-x86_64", 1, 96, 1, 1, -5, 5, FALSE},
    {"icount_128_p0", "qemu-tcg-icount-x86_64", 1, 128, 1, 0, -5, 5, FALSE},
    {"icount_128_p1", "qemu-tcg-icount-x86_64", 1, 128, 1, 1, -5, 5, FALSE},
    {"icount_16s2c4t2_p0", "qemu-tcg-icount-x86_64", 2, 4, 2, 0, -5, 5, FALSE},
    {"icount_16s2c4t2_p1", "qemu-tcg-icount-x86_64", 2, 4, 2, 1, -5, 5, FALSE},
    {"icount_32s2c8t2_p0", "qemu-tcg-icount-x86_64", 2, 8, 2, 0, -5, 5, FALSE},
    {"icount_32s2c8t2_p1", "qemu-tcg-icount-x86_64", 2, 8, 2, 1, -5, 5, FALSE},
    {"a_icount_32", "qemu-arm64-tcg-icount", 1, 32, 1, -1, -5, 5, FALSE},
    {"a_icount_64", "qemu-arm64-tcg-icount", 1, 64, 1, -1, -5, 5, FALSE},
    {"a_icount_96", "qemu-arm64-tcg-icount", 1, 96, 1, -1, -5, 5, FALSE},
    {"kboot_icount_8_p0", "qemu-tcg-icount-x86_64", 1, 8, 1, 0, -10, 10, TRUE},
    {"kboot_icount_16_p0", "qemu-tcg-icount-x86_64", 1, 16, 1, 0, -10, 10, TRUE},
    {"kboot_icount_16_p1", "qemu-tcg-icount-x86_64", 1, 16, 1, 1, -10, 10, TRUE},
    {"kboot_icount_32_p0", "qemu-tcg-icount-x86_64", 1, 32, 1, 0, -5, 5, TRUE},
    {"kboot_icount_32_p1", "qemu-tcg-icount-x86_64", 1, 32, 1, 1, -5, 5, TRUE},
    {"kboot_icount_64_p0", "qemu-tcg-icount-x86_64", 1, 64, 1, 0, -5, 5, TRUE},
    {"kboot_icount_64_p1", "qemu-tcg-icount-x86_64", 1, 64, 1, 1, -5, 5, TRUE},
    {"kboot_icount_96_p0", "qemu-tcg-icount-x86_64", 1, 96, 1, 0, -5, 5, TRUE},
    {"kboot_icount_96_p1", "qemu-tcg-icount-x86_64", 1, 96, 1, 1, -5, 5, TRUE},
    {"kboot_icount_128_p0", "qemu-tcg-icount-x86_64", 1, 128, 1, 0, -5, 5, TRUE},
    {"kboot_icount_128_p1", "qemu-tcg-icount-x86_64", 1, 128, 1, 1, -5, 5, TRUE},
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
    g_autofree char *cmdline = b->kboot ? boot_cmdline(path) : NULL;
    if (b->kboot) assert_non_null(cmdline);
    double real = b->kboot ? tu_mttcg_bringup_ms(path) : tu_dmesg_window_ms(path);
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
  for (guint i = 0; i < G_N_ELEMENTS(beyond); i++) kboot += beyond[i].kboot;
  assert_int_equal(real_rows, G_N_ELEMENTS(beyond) - kboot);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_icount_x86), cmocka_unit_test(test_icount_kick_tick), cmocka_unit_test(test_icount_idle_share),
                                     cmocka_unit_test(test_doc_predictions), cmocka_unit_test(test_icount_arm64),
                                     cmocka_unit_test(test_icount_x86_kboot), cmocka_unit_test(test_beyond_reference),
                                     cmocka_unit_test(test_mttcg_x86), cmocka_unit_test(test_mttcg_arm64)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
