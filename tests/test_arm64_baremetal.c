/* test_arm64_baremetal.c — the bare-metal arm64 server (scenarios/arm64-server-baremetal.yaml):
 * PSCI CPU_ON through TF-A, the SCP's per-cluster and per-core power-up, the warm boot on the
 * power-domain lock (the system's or the cluster's), and the APs' console lines at the baud rate. The order of the three
 * kernels and parallel bringup's saving must come out of the split between what an AP does
 * before ALIVE (overlapped) and after release (serialized). */
#include "tests/testutil.h"

#include <math.h>

#define BARE "scenarios/arm64-server-baremetal.yaml"

typedef enum { NO_PATCH, PARALLEL0, PARALLEL1 } Kernel;

/* Kernel `k` of the bare-metal profile with `cores` cores on 2 sockets, plus overrides. */
static CpuhpResult *run_bare(Kernel k, guint cores, const char *extra, ...) {
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(ov, g_strdup_printf("kernel.hotplug_parallel=%s", k == NO_PATCH ? "false" : "true"));
  g_ptr_array_add(ov, g_strdup_printf("kernel.cpuhp_parallel=%s", k == PARALLEL1 ? "true" : "false"));
  g_ptr_array_add(ov, g_strdup_printf("topology.cores_per_socket=%u", cores / 2));
  va_list ap;
  va_start(ap, extra);
  for (const char *s = extra; s; s = va_arg(ap, const char *)) g_ptr_array_add(ov, g_strdup(s));
  va_end(ap);
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpProfile) p = cpuhp_machine_load_file(BARE, ov, &err);
  if (!p) fail_msg("%s", err->message);
  CpuhpResult *r = tu_run(p, 1, FALSE);
  assert_int_equal(r->cpus_online, cores);
  assert_false(r->vm);
  return r;
}

static double ms(const CpuhpResult *r) { return (double)r->bringup_ns / 1e6; }

static int64_t alive_wait(const CpuhpResult *r) {
  return r->bp_phase_ns[CPUHP_BP_ALIVE_SPIN] + r->bp_phase_ns[CPUHP_BP_ALIVE_SLEEP];
}

/* At 32, 96 and 288 cores, with the serial console and quiet: parallel=1 is the fastest (the
 * firmware part overlaps); parallel=0 is the slowest, because a cluster's first CPU takes
 * longer than the BP's 1 ms alive poll to come alive and the BP then sleeps 1-2 ms, while the
 * unpatched kernel is woken by the AP's complete(). */
static void test_order(void **state) {
  (void)state;
  static const guint sizes[] = {32, 96, 288};
  static const char *const consoles[] = {"arm64.console_baud=115200", "arm64.console_baud=0"};
  for (guint i = 0; i < G_N_ELEMENTS(sizes); i++)
    for (guint j = 0; j < G_N_ELEMENTS(consoles); j++) {
      g_autoptr(CpuhpResult) none = run_bare(NO_PATCH, sizes[i], consoles[j], NULL);
      g_autoptr(CpuhpResult) p0 = run_bare(PARALLEL0, sizes[i], consoles[j], NULL);
      g_autoptr(CpuhpResult) p1 = run_bare(PARALLEL1, sizes[i], consoles[j], NULL);
      if (!(p1->bringup_ns < none->bringup_ns && none->bringup_ns < p0->bringup_ns))
        fail_msg("%u cores, %s: none %.3f p0 %.3f p1 %.3f ms", sizes[i], consoles[j], ms(none), ms(p0), ms(p1));
    }
}

/* The saving is the firmware part, not the console: parallel=1 saves the same with the serial
 * console as without it (the lines are printed after release, serialized in every kernel),
 * while the totals differ by more than ten times; and p0 - p1 is what the BP spent waiting
 * for ALIVE in p0 beyond what it waits in p1. */
static void test_saving_decomposition(void **state) {
  (void)state;
  g_autoptr(CpuhpResult) p0c = run_bare(PARALLEL0, 96, "arm64.console_baud=115200", NULL);
  g_autoptr(CpuhpResult) p1c = run_bare(PARALLEL1, 96, "arm64.console_baud=115200", NULL);
  g_autoptr(CpuhpResult) p0q = run_bare(PARALLEL0, 96, "arm64.console_baud=0", NULL);
  g_autoptr(CpuhpResult) p1q = run_bare(PARALLEL1, 96, "arm64.console_baud=0", NULL);
  assert_true(p1c->bringup_ns > 10 * p1q->bringup_ns);
  double save_c = (double)(p0c->bringup_ns - p1c->bringup_ns), save_q = (double)(p0q->bringup_ns - p1q->bringup_ns);
  assert_true(save_q > 0);
  if (fabs(save_c - save_q) > 0.05 * save_q) fail_msg("saving %.3f ms with console, %.3f quiet", save_c / 1e6, save_q / 1e6);
  double waited = (double)(alive_wait(p0q) - alive_wait(p1q));
  if (fabs(save_q - waited) > 0.05 * save_q) fail_msg("saving %.3f ms, alive wait %.3f ms", save_q / 1e6, waited / 1e6);
  /* the console is the serialized part: each AP's release -> online-idle holds its lines */
  for (guint c = 1; c < p1c->n_cpus; c++)
    assert_true(p1c->cpus[c].online_idle - p1c->cpus[c].release > 20 * 1000 * 1000);
}

/* Ablation: without the cluster power-up every AP is alive within the BP's 1 ms poll, so the
 * serial split kernel and the unpatched one come within 5 % (their wait mechanisms differ only
 * in a task wake-up); parallel=1 still saves the per-core power-up. */
static void test_cluster_power_up_ablation(void **state) {
  (void)state;
  g_autoptr(CpuhpResult) none = run_bare(NO_PATCH, 96, "arm64.console_baud=0", "arm64.cluster_power_on=0", NULL);
  g_autoptr(CpuhpResult) p0 = run_bare(PARALLEL0, 96, "arm64.console_baud=0", "arm64.cluster_power_on=0", NULL);
  g_autoptr(CpuhpResult) p1 = run_bare(PARALLEL1, 96, "arm64.console_baud=0", "arm64.cluster_power_on=0", NULL);
  assert_int_equal(p0->bp_phase_ns[CPUHP_BP_ALIVE_SLEEP], 0);
  if (fabs(ms(p0) - ms(none)) > 0.05 * ms(none)) fail_msg("none %.3f p0 %.3f ms", ms(none), ms(p0));
  assert_true(ms(p1) < 0.5 * ms(p0));
}

/* TF-A's warm boot holds the root power-domain lock: with a warm boot longer than the BP's
 * time between kicks, parallel=1's APs come alive one warm boot apart. */
static gint cmp_i64(gconstpointer a, gconstpointer b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

static void test_warm_boot_lock(void **state) {
  (void)state;
  g_autoptr(CpuhpResult) r = run_bare(PARALLEL1, 32, "arm64.console_baud=0", "arm64.warm_boot=2ms", NULL);
  g_autoptr(GArray) alive = g_array_new(FALSE, FALSE, sizeof(int64_t));
  for (guint c = 1; c < r->n_cpus; c++) g_array_append_val(alive, r->cpus[c].alive);
  g_array_sort(alive, cmp_i64);
  for (guint i = 1; i < alive->len; i++)
    assert_true(g_array_index(alive, int64_t, i) - g_array_index(alive, int64_t, i - 1) >= 2 * 1000 * 1000);
  /* the kicks come far closer together than that */
  assert_true(r->cpus[r->n_cpus - 1].kick - r->cpus[1].kick < (int64_t)(r->n_cpus - 2) * 1000 * 1000);
}

/* With PLAT_MAX_PWR_LVL at the cluster (arm64.fw_lock_level: cluster) a warm boot holds only its
 * cluster's lock: the two cores of a dual-core cluster still leave EL3 one after the other, but
 * the clusters do not wait for each other, so the 31 warm boots of 2 ms take about half as long. */
static void test_warm_boot_lock_per_cluster(void **state) {
  (void)state;
  g_autoptr(CpuhpResult) r = run_bare(PARALLEL1, 32, "arm64.console_baud=0", "arm64.warm_boot=2ms",
                                      "arm64.fw_lock_level=cluster", NULL);
  for (guint c = 2; c + 1 < r->n_cpus; c += 2) /* 2c and 2c+1 share a cluster; CPU 1 the BP's */
    assert_true(llabs(r->cpus[c + 1].alive - r->cpus[c].alive) >= 2 * 1000 * 1000);
  int64_t first = INT64_MAX, last = 0;
  for (guint c = 1; c < r->n_cpus; c++) {
    first = MIN(first, r->cpus[c].alive);
    last = MAX(last, r->cpus[c].alive);
  }
  if (last - first >= 16 * 2 * 1000 * 1000)
    fail_msg("warm boots span %.3f ms: serialized across clusters", (double)(last - first) / 1e6);
}

/* Each AP prints its four lines (three without an ITS) through the console. */
static void test_console_lines(void **state) {
  (void)state;
  g_autoptr(CpuhpResult) its = run_bare(PARALLEL1, 32, NULL);
  g_autoptr(CpuhpResult) no_its = run_bare(PARALLEL1, 32, "arm64.gic_its=false", NULL);
  g_autoptr(CpuhpResult) quiet = run_bare(PARALLEL1, 32, "arm64.console_baud=0", NULL);
  guint booted = 0;
  for (guint i = 0; i < its->log->len; i++)
    booted += strstr(g_array_index(its->log, CpuhpLogLine, i).text, ": Booted secondary processor 0x") != NULL;
  assert_int_equal(booted, 31);
  assert_int_equal(its->log->len - quiet->log->len, 4 * 31);
  assert_int_equal(no_its->log->len - quiet->log->len, 3 * 31);
  assert_true(no_its->bringup_ns < its->bringup_ns);
}

/* The split-startup series reports alive after check_local_cpu_capabilities(): parallel=1
 * overlaps the feature checks too and saves cpu_caps per AP over the RFC; serial kernels do
 * not care where the handshake sits. */
static void test_alive_after_caps(void **state) {
  (void)state;
  g_autoptr(CpuhpResult) rfc = run_bare(PARALLEL1, 96, "arm64.console_baud=0", "arm64.cpu_caps=100us", NULL);
  g_autoptr(CpuhpResult) split = run_bare(PARALLEL1, 96, "arm64.console_baud=0", "arm64.cpu_caps=100us",
                                          "arm64.alive_sync=after_caps", NULL);
  double saved = (double)(rfc->bringup_ns - split->bringup_ns), want = 95 * 100e3;
  if (fabs(saved - want) > 0.1 * want) fail_msg("after_caps saves %.3f ms, want %.3f", saved / 1e6, want / 1e6);
  g_autoptr(CpuhpResult) none_rfc = run_bare(NO_PATCH, 96, "arm64.console_baud=0", NULL);
  g_autoptr(CpuhpResult) none_split = run_bare(NO_PATCH, 96, "arm64.console_baud=0", "arm64.alive_sync=after_caps", NULL);
  assert_int_equal(none_rfc->bringup_ns, none_split->bringup_ns);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_order),
      cmocka_unit_test(test_saving_decomposition),
      cmocka_unit_test(test_cluster_power_up_ablation),
      cmocka_unit_test(test_warm_boot_lock),
      cmocka_unit_test(test_warm_boot_lock_per_cluster),
      cmocka_unit_test(test_console_lines),
      cmocka_unit_test(test_alive_after_caps),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
