/* test_random_machines.c — every shipped profile under random host sharing, hypervisor
 * settings, kernel builds, topologies and faults (one fixed seed, so the same 2000 machines each
 * time): every run ends, every CPU is online or failed as injected, the kernel's rules hold
 * (--check's invariants) and the time accounts add up. This is how the kick-vs-contended-host
 * race was found; under ASan+UBSan (CI) it also checks memory. */
#include "tests/testutil.h"

#include "models/kernel/invariants.h"

static const char *const profiles[] = {
    "scenarios/skl-2s-112t.yaml",         "scenarios/qemu-tcg-icount-x86_64.yaml", "scenarios/qemu-tcg-mttcg-x86_64.yaml",
    "scenarios/qemu-arm64-tcg-icount.yaml", "scenarios/qemu-arm64-tcg-mttcg.yaml", "scenarios/qemu-arm64-kvm-128.yaml",
    "scenarios/hyperv-arm64-96.yaml",     "scenarios/firecracker-x86_64.yaml",
};

#define PICK(rng, ...) ({                                   \
  static const char *const o_[] = {__VA_ARGS__};            \
  o_[g_rand_int_range(rng, 0, G_N_ELEMENTS(o_))];           \
})

static void test_random_machines(void **state) {
  (void)state;
  g_autoptr(GRand) rng = g_rand_new_with_seed(20261123);
  guint runs = 0, failed_cpus = 0;
  for (guint i = 0; i < 2000; i++) {
    const char *path = profiles[g_rand_int_range(rng, 0, G_N_ELEMENTS(profiles))];
    guint sockets = g_rand_int_range(rng, 1, 3), cores = g_rand_int_range(rng, 1, 9), threads = g_rand_int_range(rng, 1, 3);
    g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(ov, g_strdup_printf("topology.sockets=%u", sockets));
    g_ptr_array_add(ov, g_strdup_printf("topology.cores_per_socket=%u", cores));
    g_ptr_array_add(ov, g_strdup_printf("topology.threads_per_core=%u", threads));
    g_ptr_array_add(ov, g_strdup("topology.numa_nodes=0"));
    g_ptr_array_add(ov, g_strdup_printf("host.hypervisor=%s", PICK(rng, "none", "kvm", "hyperv")));
    g_ptr_array_add(ov, g_strdup_printf("host.pcpus=%d", g_rand_int_range(rng, 1, 7)));
    g_ptr_array_add(ov, g_strdup_printf("host.halt_poll=%s", PICK(rng, "0", "10us", "150us", "2ms")));
    g_ptr_array_add(ov, g_strdup_printf("host.vcpu_wakeup=%s", PICK(rng, "0", "5us", "300us")));
    g_ptr_array_add(ov, g_strdup_printf("host.vcpu_reset=%s", PICK(rng, "0", "50us", "800us")));
    g_ptr_array_add(ov, g_strdup_printf("host.spin_load_pct=%s", PICK(rng, "0", "50", "100", "300")));
    g_ptr_array_add(ov, g_strdup_printf("host.idle_load_pct=%s", PICK(rng, "0", "30", "100")));
    g_ptr_array_add(ov, g_strdup_printf("host.tick_hz=%s", PICK(rng, "0", "250", "1000")));
    g_ptr_array_add(ov, g_strdup_printf("host.first_ap_cold=%s", PICK(rng, "0", "500us")));
    g_ptr_array_add(ov, g_strdup_printf("kernel.hotplug_parallel=%s", PICK(rng, "true", "false")));
    g_ptr_array_add(ov, g_strdup_printf("kernel.cpuhp_parallel=%s", PICK(rng, "true", "false")));
    g_autoptr(GError) err = NULL;
    g_autoptr(CpuhpProfile) p = cpuhp_machine_load_file(path, ov, &err);
    if (!p) continue; /* a topology the profile refuses (NUMA layout): a clear error, fine */
    guint n = cpuhp_profile_n_cpus(p);
    CpuhpFault faults[2];
    guint n_faults = 0;
    if (n > 1 && g_rand_int_range(rng, 0, 4) == 0) {
      g_autofree char *spec = g_strdup_printf("%u:%s", g_rand_int_range(rng, 1, n),
                                              PICK(rng, "workqueue:prepare", "threads:prepare", "sched:active"));
      if (cpuhp_fault_parse(p, "--fail", spec, FALSE, &faults[n_faults], NULL)) n_faults++;
    }
    if (n > 1 && g_rand_int_range(rng, 0, 6) == 0) {
      g_autofree char *spec = g_strdup_printf("%u", g_rand_int_range(rng, 1, n));
      if (cpuhp_fault_parse(p, "--no-alive", spec, TRUE, &faults[n_faults], NULL)) n_faults++;
    }
    CpuhpRunOptions opt = {.seed = g_rand_int_range(rng, 1, 1000), .trace = TRUE, .faults = faults, .n_faults = n_faults};
    g_autoptr(CpuhpResult) r = cpuhp_bringup_run(p, &opt, &err);
    if (!r) fail_msg("run %u (%s): %s", i, path, err->message);
    guint online = 0, failed = 0;
    for (guint c = 0; c < r->n_cpus; c++) {
      online += r->cpus[c].status == CPUHP_CPU_ONLINE || c == 0;
      failed += r->cpus[c].failure != NULL;
    }
    /* the boot CPU, the APs that came up, the APs a fault or nosmt took down: nothing else */
    if (online + failed < r->n_cpus) fail_msg("run %u (%s, %u CPUs): %u online, %u failed", i, path, n, online, failed);
    if (online != r->cpus_online) fail_msg("run %u: %u CPUs online, the log says %u", i, online, r->cpus_online);
    g_autoptr(GArray) bad = cpuhp_invariants_check(p, r);
    if (bad->len) fail_msg("run %u (%s): %s", i, path, g_array_index(bad, CpuhpViolation, 0).detail);
    int64_t phases = 0;
    for (CpuhpBpPhase ph = 0; ph < CPUHP_BP_N_PHASES; ph++) phases += r->bp_phase_ns[ph];
    if (phases > r->all_online_ns) fail_msg("run %u: BP phases %" G_GINT64_FORMAT " > window", i, phases);
    failed_cpus += failed;
    runs++;
  }
  assert_true(runs >= 1500);
  assert_true(failed_cpus > 0); /* the faults did bite */
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_random_machines)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
