/* test_platforms.c — QEMU platform profiles against real Linux 6.12 boots
 * (shared/reference/traces): the profile was calibrated on a subset; every configuration,
 * calibrated or predicted, must come out within the tolerance, from the mechanism. */
#include "tests/testutil.h"

#include <math.h>

typedef struct {
  const char *file;    /* under the traces folder */
  guint cores, threads;
  gboolean parallel;
  gboolean training;   /* used to calibrate the profile */
} Config;

static const Config icount[] = {
    {"icount_2_p0_r1.txt", 2, 1, FALSE, TRUE},       {"icount_2_p1_r1.txt", 2, 1, TRUE, FALSE},
    {"icount_4_p0_r1.txt", 4, 1, FALSE, FALSE},      {"icount_4_p1_r1.txt", 4, 1, TRUE, TRUE},
    {"icount_8_p0_r1.txt", 8, 1, FALSE, TRUE},       {"icount_8_p1_r1.txt", 8, 1, TRUE, FALSE},
    {"icount_8s1c4t2_p0_r1.txt", 4, 2, FALSE, FALSE}, {"icount_8s1c4t2_p1_r1.txt", 4, 2, TRUE, TRUE},
    {"icount_16_p0_r1.txt", 16, 1, FALSE, TRUE},     {"icount_16_p1_r1.txt", 16, 1, TRUE, FALSE},
};

static double simulate(const char *profile, const Config *c) {
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(ov, g_strdup("topology.sockets=1"));
  g_ptr_array_add(ov, g_strdup_printf("topology.cores_per_socket=%u", c->cores));
  g_ptr_array_add(ov, g_strdup_printf("topology.threads_per_core=%u", c->threads));
  g_ptr_array_add(ov, g_strdup_printf("kernel.cpuhp_parallel=%s", c->parallel ? "true" : "false"));
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpProfile) p = cpuhp_profile_load_file(profile, ov, &err);
  if (!p) fail_msg("%s", err->message);
  g_autoptr(CpuhpResult) r = tu_run(p, 1, FALSE);
  assert_int_equal(r->cpus_online, c->cores * c->threads);
  return (double)r->bringup_ns / 1e6;
}

/* icount: bringup = dmesg "smp: Brought up" - "smp: Bringing up secondary CPUs" (README). */
static void test_icount_x86(void **state) {
  guint checked = 0, training = 0;
  for (guint i = 0; i < G_N_ELEMENTS(icount); i++) {
    g_autofree char *path = g_build_filename("../shared/reference/traces", icount[i].file, NULL);
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
      g_free(path);
      path = g_build_filename("tests/data/traces", icount[i].file, NULL); /* excerpts */
      if (!g_file_test(path, G_FILE_TEST_EXISTS)) continue;
    }
    double real = (double)(tu_dmesg_time(path, "smp: Brought up") - tu_dmesg_time(path, "smp: Bringing up secondary")) / 1e6;
    double sim = simulate("scenarios/qemu-tcg-icount-x86_64.yaml", &icount[i]);
    double err = (sim - real) / real * 100;
    print_message("%-28s %-10s real %8.1f ms  sim %8.1f ms  %+5.1f %%\n", icount[i].file,
                  icount[i].training ? "training" : "predicted", real, sim, err);
    assert_true(fabs(err) <= 10.0);
    checked++;
    training += icount[i].training;
  }
  assert_true(checked >= 3);
  assert_true(training * 2 <= G_N_ELEMENTS(icount)); /* calibrated on at most half */
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_icount_x86)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
