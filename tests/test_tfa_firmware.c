/* test_tfa_firmware.c — TF-A as the EL3 firmware under QEMU (tests/data/beyond/tfa): the
 * firmware's part of an AP's bringup, counted instruction by instruction by a QEMU plugin, held
 * against what the bare-metal model (models/arch/psci_firmware.c) takes as given: TF-A's warm
 * boot and the BP's CPU_ON cost the same for every AP whatever the CPU count, most of the warm
 * boot holds the power-domain lock, the BP's part is the small one, and the kernel's own AP path
 * does not change with the firmware. Prints docs/arm64-baremetal.md's two tables ("Ground
 * truth: TF-A under QEMU") and checks that the docs carry the same digits. */
#include "tests/testutil.h"

#include <math.h>

#define TFA "tests/data/beyond/tfa/"
#define ICOUNT_NS 8.0 /* -icount shift=3 */
#define MAX_AP 64

/* One boot's plugin log, per AP: first entries (the vCPU's own running instruction count) at
 * or after its warm boot; -1 where absent. */
typedef struct {
  int64_t warm, acquire, release, el3_exit, switched, cpuinfo, notify;
} ApMarks;

typedef struct {
  guint n_ap;            /* APs with a complete kernel path */
  guint n_cpu_on;        /* the BP's CPU_ON SMCs */
  double cpu_on;         /* mean instructions the BP spends in BL31 per CPU_ON */
  double warm, warm_min, warm_max; /* bl31_warm_entrypoint .. el3_exit */
  double locked;         /* psci_acquire_pwr_domain_locks .. psci_release_pwr_domain_locks */
  double kernel;         /* __secondary_switched .. notify_cpu_starting, mean */
  double per_online;     /* least-squares slope of cpuinfo_store_cpu .. notify_cpu_starting
                            against the AP's index (the CPUs online when it runs) */
} FwCounts;

static int64_t *mark_of(ApMarks *m, const char *name) {
  static const struct { const char *name; size_t off; } names[] = {
      {"bl31_warm_entrypoint", G_STRUCT_OFFSET(ApMarks, warm)},
      {"psci_acquire_pwr_domain_locks", G_STRUCT_OFFSET(ApMarks, acquire)},
      {"psci_release_pwr_domain_locks", G_STRUCT_OFFSET(ApMarks, release)},
      {"el3_exit", G_STRUCT_OFFSET(ApMarks, el3_exit)},
      {"__secondary_switched", G_STRUCT_OFFSET(ApMarks, switched)},
      {"cpuinfo_store_cpu", G_STRUCT_OFFSET(ApMarks, cpuinfo)},
      {"notify_cpu_starting", G_STRUCT_OFFSET(ApMarks, notify)},
  };
  for (guint i = 0; i < G_N_ELEMENTS(names); i++)
    if (strcmp(names[i].name, name) == 0) return (int64_t *)((char *)m + names[i].off);
  return NULL;
}

static FwCounts count_log(const char *path, gboolean tfa) {
  g_autofree char *text = tu_read_text(path);
  if (!text) fail_msg("%s: cannot read", path);
  ApMarks ap[MAX_AP];
  for (guint i = 0; i < MAX_AP; i++) ap[i] = (ApMarks){-1, -1, -1, -1, -1, -1, -1};
  FwCounts c = {0};
  gboolean cpu_on_pending = FALSE;
  double cpu_on_sum = 0;
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  for (char **l = lines; *l; l++) {
    if (!**l || **l == '#') continue;
    g_auto(GStrv) f = g_strsplit(*l, " ", -1);
    if (g_strv_length(f) != 6) fail_msg("%s: malformed line: %s", path, *l);
    guint vcpu = (guint)g_ascii_strtoull(f[1], NULL, 10);
    assert_true(vcpu < MAX_AP);
    if (strcmp(f[2], "F") == 0) {
      int64_t own = g_ascii_strtoll(f[4], NULL, 10);
      if (vcpu == 0) {
        cpu_on_pending |= strcmp(f[3], "psci_cpu_on") == 0;
        continue;
      }
      int64_t *m = mark_of(&ap[vcpu], f[3]);
      /* TF-A functions count from the AP's warm boot on (el3_exit also ends later SMCs) */
      if (m && *m < 0 && (!tfa || ap[vcpu].warm >= 0 || m == &ap[vcpu].warm)) *m = own;
    } else if (vcpu == 0 && cpu_on_pending && strcmp(f[2], "S") == 0 && strcmp(f[3], "O") == 0) {
      cpu_on_sum += (double)g_ascii_strtoll(f[4], NULL, 10); /* the whole SMC, entry to ERET */
      c.n_cpu_on++;
      cpu_on_pending = FALSE;
    }
  }
  TuLine line = {0};
  c.warm_min = INFINITY;
  for (guint v = 1; v < MAX_AP; v++) {
    const ApMarks *a = &ap[v];
    if (a->switched < 0 || a->notify < 0 || a->cpuinfo < 0) continue;
    c.n_ap++;
    c.kernel += (double)(a->notify - a->switched);
    tu_line_add(&line, v, (double)(a->notify - a->cpuinfo));
    if (!tfa) continue;
    if (a->warm < 0 || a->el3_exit < 0 || a->acquire < 0 || a->release < 0) fail_msg("%s: AP %u: no warm boot", path, v);
    double w = (double)(a->el3_exit - a->warm);
    c.warm += w, c.locked += (double)(a->release - a->acquire);
    c.warm_min = MIN(c.warm_min, w), c.warm_max = MAX(c.warm_max, w);
  }
  assert_true(c.n_ap > 0);
  c.kernel /= c.n_ap;
  c.per_online = c.n_ap > 1 ? tu_line_slope(&line) : NAN;
  if (tfa) {
    c.warm /= c.n_ap, c.locked /= c.n_ap;
    if (c.n_cpu_on != c.n_ap) fail_msg("%s: %u CPU_ON calls for %u APs", path, c.n_cpu_on, c.n_ap);
    c.cpu_on = cpu_on_sum / c.n_cpu_on;
  }
  return c;
}

#define DOC "docs/arm64-baremetal.md"
#define DOC_SECTION "## Ground truth: TF-A under QEMU"
static gboolean doc_missing; /* the section: the test fails at its end, after printing every row */

static void assert_doc_row(const char *table, const char *want) {
  doc_missing |= !tu_doc_row(DOC, DOC_SECTION, table, want);
}

/* Instructions, per AP, at 2, 8 and 32 vCPUs. */
static void test_firmware_per_ap(void **state) {
  (void)state;
  static const guint sizes[] = {2, 8, 32};
  FwCounts t[3], q[3];
  printf("  vCPUs  BP CPU_ON  AP warm boot [min..max]  under locks  kernel path TF-A / QEMU  per online CPU TF-A / QEMU\n");
  for (guint i = 0; i < 3; i++) {
    g_autofree char *tp = g_strdup_printf(TFA "regions_tfa_%u.txt.gz", sizes[i]);
    g_autofree char *qp = g_strdup_printf(TFA "regions_qemu_%u.txt.gz", sizes[i]);
    t[i] = count_log(tp, TRUE);
    q[i] = count_log(qp, FALSE);
    assert_int_equal(t[i].n_ap, sizes[i] - 1);
    assert_int_equal(q[i].n_ap, sizes[i] - 1);
    printf("  %5u  %9.0f  %12.0f [%.0f..%.0f]  %11.0f  %11.0f / %.0f  %.0f / %.0f\n", sizes[i], t[i].cpu_on, t[i].warm,
           t[i].warm_min, t[i].warm_max, t[i].locked, t[i].kernel, q[i].kernel, t[i].per_online, q[i].per_online);
    g_autofree char *pol = sizes[i] > 2 ? g_strdup_printf("%.0f / %.0f", t[i].per_online, q[i].per_online) : g_strdup("—");
    g_autofree char *row = g_strdup_printf("| %u | %.0f | %.0f (%.1f µs) | %.0f (%.0f %%) | %.0f / %.0f | %s |", sizes[i], t[i].cpu_on,
                                           t[i].warm, t[i].warm * ICOUNT_NS / 1e3, t[i].locked, 100 * t[i].locked / t[i].warm,
                                           t[i].kernel, q[i].kernel, pol);
    assert_doc_row("| vCPUs | BP: CPU_ON", row);

    /* every AP's warm boot is the same code: within 1 % of each other */
    assert_true(t[i].warm_max <= 1.01 * t[i].warm_min);
    /* most of it holds the power-domain lock, as the model holds all of it */
    assert_true(t[i].locked >= 0.75 * t[i].warm);
    /* the BP's part is the small one (the model: 2 against 16 us) */
    assert_true(t[i].cpu_on < 0.5 * t[i].warm);
  }
  /* neither grows with the CPU count: 32 vCPUs within 2 % of 2 */
  assert_true(fabs(t[2].warm - t[0].warm) <= 0.02 * t[0].warm);
  assert_true(fabs(t[2].cpu_on - t[0].cpu_on) <= 0.1 * t[0].cpu_on);
  /* the kernel's AP path is the same with either firmware (TF-A adds the AP's one SMCCC call),
   * and its growth per online CPU (update_siblings_masks) too, within 5 % */
  for (guint i = 0; i < 3; i++) assert_true(fabs(t[i].kernel - q[i].kernel) <= 0.03 * q[i].kernel);
  for (guint i = 1; i < 3; i++) assert_true(fabs(t[i].per_online - q[i].per_online) <= 0.05 * q[i].per_online);
  if (doc_missing) fail_msg(DOC ": no section '" DOC_SECTION "'");
}

/* The bringup windows with TF-A and with QEMU's PSCI: what the firmware adds per AP, against
 * what its own instructions account for. */
static void test_windows(void **state) {
  (void)state;
  FwCounts fw = count_log(TFA "regions_tfa_8.txt.gz", TRUE);
  double own_us = (fw.cpu_on + fw.warm) * ICOUNT_NS / 1e3;
  static const guint sizes[] = {2, 4, 8, 16, 32};
  for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
    guint n = sizes[i];
    g_autofree char *tp = g_strdup_printf(TFA "tfa_icount_%u_r1.txt.gz", n);
    double tfa = tu_dmesg_window_ms(tp), qemu;
    if (n <= 16) {
      g_autofree char *qp = g_strdup_printf("tests/data/reference/traces/a_icount_%u_r1.txt.gz", n);
      qemu = tu_dmesg_window_ms(qp);
    } else {
      double w[3] = {tu_dmesg_window_ms("tests/data/beyond/a_icount_32.txt.gz"),
                     tu_dmesg_window_ms("tests/data/beyond/a_icount_32_r2.txt.gz"),
                     tu_dmesg_window_ms("tests/data/beyond/a_icount_32_r3.txt.gz")};
      qemu = tu_median(w, 3);
    }
    assert_true(tfa > 0 && qemu > 0);
    double per_ap = (tfa - qemu) * 1e3 / (n - 1);
    printf("  %2u vCPUs: TF-A %.3f ms, QEMU's PSCI %.3f ms: %+.1f us per AP (firmware's own instructions %.1f us)\n", n, tfa,
           qemu, per_ap, own_us);
    g_autofree char *row = g_strdup_printf("| %u | %.3f | %.3f | %+.1f µs |", n, tfa, qemu, per_ap);
    assert_doc_row("| vCPUs | window with TF-A", row);
    /* from 8 vCPUs up the firmware costs each AP more than its own instructions: the rest is
     * QEMU's round robin (docs) */
    if (n >= 8) assert_true(per_ap > own_us);
  }
  /* the second boots of 8 and 32 repeat the first within 0.5 % */
  assert_true(fabs(tu_dmesg_window_ms(TFA "tfa_icount_8_r2.txt.gz") / tu_dmesg_window_ms(TFA "tfa_icount_8_r1.txt.gz") - 1) < 0.005);
  assert_true(fabs(tu_dmesg_window_ms(TFA "tfa_icount_32_r2.txt.gz") / tu_dmesg_window_ms(TFA "tfa_icount_32_r1.txt.gz") - 1) < 0.005);
  if (doc_missing) fail_msg(DOC ": no section '" DOC_SECTION "'");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_firmware_per_ap),
      cmocka_unit_test(test_windows),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
