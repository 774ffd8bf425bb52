/* test_icount_clock.c — how the x86 icount clock moves where the model has a mechanism for it:
 * an idle online vCPU's ticks take a fixed share of the one clock (docs/profiles.md, the idle
 * share), and a kick's udelay() ends at the next tick of a running local timer ("The kick ends
 * at a tick"). Measured on the real traces and plugin logs, then the profile held to it. */
#include "tests/testutil.h"

#include <math.h>

#include "models/profile/cmdline.h"

#define TICK_NS 4000000 /* HZ=250 */

static int cmp_name(gconstpointer a, gconstpointer b) { return strcmp(*(char *const *)a, *(char *const *)b); }

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
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free); /* every x86 icount reference boot with APs */
  g_autoptr(GDir) refs = g_dir_open("tests/data/reference/traces", 0, NULL);
  assert_non_null(refs);
  for (const char *f; (f = g_dir_read_name(refs));)
    if (g_str_has_prefix(f, "icount_") && !g_str_has_prefix(f, "icount_1_") && g_str_has_suffix(f, ".txt.gz"))
      g_ptr_array_add(names, g_strdup(f)); /* 1 vCPU: no AP, no kick */
  g_ptr_array_sort(names, cmp_name);
  for (guint i = 0; i < names->len; i++) {
    const char *name = g_ptr_array_index(names, i);
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

  /* The larger boots (tests/data/beyond, 32-192 vCPUs): their tick phase drifts over seconds, so each kick
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
  assert_int_equal(near->len, 1092);
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

/* arm64 icount (tests/data/beyond/arm64-share: every vCPU's instructions in each AP's interval of a
 * 16- and a 128-vCPU boot, from the insn-regions plugin): an idle AP takes the same share of the
 * one clock whatever the number of idle APs, one periodic tick every 4 ms, and the profile's
 * host.idle_load_pct is the 16-vCPU boot's; the own work of an AP's interval grows with the CPUs
 * online (docs/profiles.md, "arm64 at 128 vCPUs"). */
typedef struct {
  double clock, bp, ap, idle_insns, idle_weight, ticks; /* sums over APs; weight: clock x idle APs */
  double own_slope_us;                                   /* least squares of (bp + ap) on k, us */
} ShareRun;

static ShareRun share_run(const char *path, guint from_idle, guint to_idle) {
  g_autofree char *text = tu_read_text(path);
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  ShareRun r = {0};
  TuLine own = {0};
  for (guint i = 1; lines[i] && *lines[i]; i++) {
    double k, clock, bp, ap, idle_aps, idle, ticks;
    assert_int_equal(sscanf(lines[i], "%lf,%lf,%lf,%lf,%lf,%lf,%lf", &k, &clock, &bp, &ap, &idle_aps, &idle, &ticks), 7);
    tu_line_add(&own, k, (bp + ap) * 8e-3); /* us */
    if (idle_aps < from_idle || idle_aps >= to_idle) continue;
    r.clock += clock, r.bp += bp, r.ap += ap, r.idle_insns += idle, r.idle_weight += clock * idle_aps, r.ticks += ticks;
  }
  r.own_slope_us = tu_line_slope(&own);
  return r;
}

static void test_arm64_idle_share(void **state) {
  (void)state;
  const char *dir = "tests/data/beyond/arm64-share";
  g_autofree char *p16 = g_build_filename(dir, "share_16.csv", NULL);
  g_autofree char *p128 = g_build_filename(dir, "share_128_tb256k.csv", NULL);
  ShareRun a = share_run(p16, 1, 1000), b = share_run(p128, 1, 1000);
  double s16 = a.idle_insns / a.idle_weight * 100, s128 = b.idle_insns / b.idle_weight * 100;
  print_message("idle AP's share of the clock: %.3f %% at 16 vCPUs (%.0f ticks, %.0f insns each), %.3f %% at 128 "
                "(%.0f ticks, %.0f each)\n", s16, a.ticks, a.idle_insns / a.ticks, s128, b.ticks, b.idle_insns / b.ticks);
  assert_true(s16 > 0.45 && s16 < 0.56);
  assert_true(fabs(s128 - s16) < 0.04);
  /* the same share with 1 idle AP as with 126, and one tick per 4 ms of the clock each */
  for (guint lo = 1; lo < 127; lo += 21) {
    ShareRun bin = share_run(p128, lo, lo + 21);
    double s = bin.idle_insns / bin.idle_weight * 100, tick_rate = bin.ticks / (bin.idle_weight * 8 / 4e6);
    print_message("  %3u-%3u idle APs: %.3f %%, %.2f ticks per idle AP per 4 ms\n", lo, MIN(lo + 20, 126), s, tick_rate);
    assert_true(fabs(s - s128) < 0.04);
    assert_true(tick_rate > 0.9 && tick_rate < 1.1);
  }
  g_autoptr(CpuhpProfile) p = cpuhp_machine_load_file("scenarios/qemu-arm64-tcg-icount.yaml", NULL, NULL);
  assert_non_null(p);
  print_message("the profile's host.idle_load_pct: %.2f %%\n", p->host.idle_load_pct);
  assert_true(fabs(p->host.idle_load_pct - s16) < 0.01); /* the 16-vCPU measurement */
  /* Near the pole (192 vCPUs, 95 % of the clock idle ticks at the last APs) ticks coalesce: the
   * share falls and an idle AP takes fewer than one tick per 4 ms. */
  g_autofree char *p192 = g_build_filename(dir, "share_192_tb256k.csv", NULL);
  ShareRun low = share_run(p192, 1, 115), high = share_run(p192, 134, 1000);
  double s_low = low.idle_insns / low.idle_weight * 100, s_high = high.idle_insns / high.idle_weight * 100;
  double rate_high = high.ticks / (high.idle_weight * 8 / 4e6);
  print_message("192 vCPUs: %.3f %% with 1-114 idle APs, %.3f %% with 134-190 (%.2f ticks per 4 ms)\n", s_low, s_high,
                rate_high);
  assert_true(fabs(s_low - s16) < 0.03);
  assert_true(s_high < s16 - 0.02 && rate_high < 0.97);
  /* the BP's and the booting AP's own instructions per interval grow with k */
  print_message("own work per AP: %.1f us more per CPU online at 16 vCPUs, %.1f at 128\n", a.own_slope_us, b.own_slope_us);
  assert_true(b.own_slope_us > 14 && b.own_slope_us < 20);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_icount_kick_tick), cmocka_unit_test(test_icount_idle_share),
                                     cmocka_unit_test(test_arm64_idle_share)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
