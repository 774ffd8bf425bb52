/* test_scenarios.c — the seeds' figures from mechanism, determinism, and the simulated cpuhp
 * event sequence against real Linux 6.12 boots (tests/data/reference/traces). */
#include "tests/testutil.h"

#include "sim/output/report.h"

/* Seed 001 / targets T1-T2: the same profile, only cpuhp.parallel changed. */
static void test_skl_serial_and_parallel(void **state) {
  for (uint64_t seed = 1; seed <= 5; seed++) {
    g_autoptr(CpuhpProfile) p0 = tu_profile("kernel.cpuhp_parallel=false", NULL);
    g_autoptr(CpuhpProfile) p1 = tu_profile("kernel.cpuhp_parallel=true", NULL);
    g_autoptr(CpuhpResult) serial = tu_run(p0, seed, FALSE);
    g_autoptr(CpuhpResult) parallel = tu_run(p1, seed, FALSE);
    double s = (double)serial->bringup_ns / 1e6, q = (double)parallel->bringup_ns / 1e6;
    print_message("seed %" G_GUINT64_FORMAT ": serial %.3f ms, parallel %.3f ms\n", seed, s, q);
    assert_true(s >= 800 * 0.85 && s <= 800 * 1.15);
    assert_true(q >= 80 * 0.85 && q <= 80 * 1.15);
    assert_int_equal(serial->cpus_online, 112);
    assert_int_equal(parallel->cpus_online, 112);
    assert_false(serial->parallel);
    assert_true(parallel->parallel && parallel->smt_aware);
    /* serial: the control CPU mostly waits (">80 % of the onlining", seed 001) */
    assert_true(serial->bp_wait_ns > serial->bringup_ns * 8 / 10);
  }
}

static char *render(const CpuhpResult *r, gboolean json) {
  GString *s = g_string_new(NULL);
  if (json) cpuhp_report_json(s, r, NULL);
  else cpuhp_report_ftrace(s, r);
  return g_string_free(s, FALSE);
}

static void test_deterministic(void **state) {
  g_autoptr(CpuhpProfile) p = tu_profile("kernel.cpuhp_parallel=false", NULL);
  g_autoptr(CpuhpResult) a = tu_run(p, 42, TRUE);
  g_autoptr(CpuhpResult) b = tu_run(p, 42, TRUE);
  g_autofree char *ja = render(a, TRUE), *jb = render(b, TRUE);
  g_autofree char *fa = render(a, FALSE), *fb = render(b, FALSE);
  assert_string_equal(ja, jb);
  assert_string_equal(fa, fb);
  g_autoptr(CpuhpResult) c = tu_run(p, 43, TRUE);
  assert_true(c->bringup_ns != a->bringup_ns); /* the seed does reach the draws */
}

/* Common random numbers: a CPU's hardware draws do not depend on the policy. */
static void test_policy_keeps_draws(void **state) {
  g_autoptr(CpuhpProfile) p0 = tu_profile("kernel.cpuhp_parallel=false", NULL);
  g_autoptr(CpuhpProfile) p1 = tu_profile("kernel.cpuhp_parallel=true", NULL);
  g_autoptr(CpuhpResult) a = tu_run(p0, 9, FALSE);
  g_autoptr(CpuhpResult) b = tu_run(p1, 9, FALSE);
  for (guint c = 1; c < a->n_cpus; c++) {
    assert_int_equal(a->cpus[c].wakeup_ns, b->cpus[c].wakeup_ns);
    if (a->cpus[c].primary) assert_int_equal(a->cpus[c].microcode_ns, b->cpus[c].microcode_ns);
  }
}

/* The QEMU guest of the reference traces: an icount platform profile with the topology and
 * parallel setting of the boot. */
static CpuhpProfile *qemu_like(const char *profile, guint cores, guint threads, gboolean parallel) {
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(ov, g_strdup_printf("topology.cores_per_socket=%u", cores));
  g_ptr_array_add(ov, g_strdup_printf("topology.threads_per_core=%u", threads));
  g_ptr_array_add(ov, g_strdup_printf("kernel.cpuhp_parallel=%s", parallel ? "true" : "false"));
  g_autoptr(GError) err = NULL;
  CpuhpProfile *p = cpuhp_machine_load_file(profile, ov, &err);
  if (!p) fail_msg("%s", err->message);
  return p;
}

static gboolean same_event(const CpuhpTraceEvent *a, const CpuhpTraceEvent *b) {
  return a->type == b->type && a->cpu == b->cpu && a->step == b->step && a->target == b->target &&
         a->exec_cpu == b->exec_cpu && a->pid == b->pid && !strcmp(a->comm, b->comm) && !strcmp(a->fn, b->fn);
}

/* Everything but time: which task on which CPU ran which step for which CPU, in order. */
static void compare_sequences_with(const char *profile, const char *path, guint cores, guint threads, gboolean parallel) {
  g_autoptr(GArray) real = tu_read_trace(path);
  if (!real) fail_msg("cannot read %s", path);
  /* the dmesg and trace clocks differ by ~1 us; later dynamic states are seconds away */
  int64_t end = tu_dmesg_time(path, "smp: Brought up") + 10000000;
  int64_t start = tu_dmesg_time(path, "smp: Bringing up secondary CPUs");
  g_autoptr(CpuhpProfile) p = qemu_like(profile, cores, threads, parallel);
  g_autoptr(CpuhpResult) r = tu_run(p, 1, TRUE);
  guint k = 0;
  for (guint i = 0; i < real->len; i++) {
    const CpuhpTraceEvent *a = &g_array_index(real, CpuhpTraceEvent, i);
    if (a->cpu == 0 || a->ts < start || a->ts > end) continue;
    if (k >= r->trace->len) fail_msg("%s: simulation ended before real event %u (step %d)", path, i, a->step);
    const CpuhpTraceEvent *b = &g_array_index(r->trace, CpuhpTraceEvent, k++);
    if (!same_event(a, b)) {
      g_printerr("%s: event %u differs:\n  real %s-%d [%u] cpu %u step %d target/state %d (%s)\n"
                 "  sim  %s-%d [%u] cpu %u step %d target/state %d (%s)\n",
                 path, k - 1, a->comm, a->pid, a->exec_cpu, a->cpu, a->step, a->target, a->fn, b->comm,
                 b->pid, b->exec_cpu, b->cpu, b->step, b->target, b->fn);
      fail_msg("event sequence differs (see above)");
    }
  }
  /* announce_cpu()'s console line: kick order and the kernel's padding. Another CPU's printk
   * can cut the real pr_cont line short (serial boots print calibration messages). */
  g_autofree char *text = tu_read_text(path);
  assert_non_null(text);
  const char *node = g_strrstr(text, ".... node "); /* the DMESG section: whole lines */
  if (!node) { /* arm64 announces no kick order */
    assert_true(strstr(text, "Booted secondary processor") != NULL);
    assert_int_equal(k, r->trace->len);
    return;
  }
  g_autofree char *want = g_strndup(node, strcspn(node, "\r\n"));
  gboolean found = FALSE;
  for (guint i = 0; i < r->log->len; i++)
    found |= g_str_has_prefix(g_array_index(r->log, CpuhpLogLine, i).text, want);
  if (!found) fail_msg("%s: no simulated console line starts with '%s'", path, want);
  assert_true(strlen(want) > strlen(".... node  #0, CPUs:  "));
  if (k != r->trace->len) {
    const CpuhpTraceEvent *b = &g_array_index(r->trace, CpuhpTraceEvent, k);
    fail_msg("%s: %u real events, the simulation has more, from cpu %u step %d", path, k, b->cpu, b->step);
  }
  assert_true(k > 0);
}

static void compare_sequences(const char *path, guint cores, guint threads, gboolean parallel) {
  compare_sequences_with("scenarios/qemu-tcg-icount-x86_64.yaml", path, cores, threads, parallel);
}

static void test_replay_reference_sequences(void **state) {
  compare_sequences("tests/data/traces/icount_4_p0_r1.txt", 4, 1, FALSE);
  compare_sequences("tests/data/traces/icount_4_p1_r1.txt", 4, 1, TRUE);
  compare_sequences("tests/data/traces/icount_8s1c4t2_p1_r1.txt", 4, 2, TRUE);
  g_autoptr(GDir) d = g_dir_open("tests/data/reference/traces", 0, NULL);
  assert_non_null(d);
  guint n = 0;
  for (const char *f; (f = g_dir_read_name(d));) {
    guint cpus, par, run, cores, threads;
    char rest[64];
    if (sscanf(f, "icount_%us1c%ut%u_p%u_r%u%63s", &cpus, &cores, &threads, &par, &run, rest) == 6) {
    } else if (sscanf(f, "icount_%u_p%u_r%u%63s", &cpus, &par, &run, rest) == 4) {
      cores = cpus;
      threads = 1;
    } else {
      continue;
    }
    if (cores * threads < 2 || strcmp(rest, ".txt.gz")) continue;
    g_autofree char *path = g_build_filename("tests/data/reference/traces", f, NULL);
    compare_sequences(path, cores, threads, par == 1);
    n++;
  }
  assert_true(n >= 10);
  /* arm64 (no split startup): a_icount_N and a_mttcg_N_rR, with the arm64 profile */
  g_autoptr(GDir) d2 = g_dir_open("tests/data/reference/traces", 0, NULL);
  assert_non_null(d2);
  guint n_arm = 0;
  for (const char *f; (f = g_dir_read_name(d2));) {
    guint cpus, run;
    char plat[16], rest[64];
    if (sscanf(f, "a_%15[a-z]_%u_r%u%63s", plat, &cpus, &run, rest) != 4 || strcmp(rest, ".txt.gz")) continue;
    g_autofree char *path = g_build_filename("tests/data/reference/traces", f, NULL);
    compare_sequences_with("scenarios/qemu-arm64-tcg-icount.yaml", path, cpus, 1, FALSE);
    n_arm++;
  }
  assert_true(n_arm >= 8);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_skl_serial_and_parallel),
      cmocka_unit_test(test_deterministic),
      cmocka_unit_test(test_policy_keeps_draws),
      cmocka_unit_test(test_replay_reference_sequences),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
