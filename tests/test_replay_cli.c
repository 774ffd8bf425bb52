/* test_replay_cli.c — `cpuhpsim diff` (models/replay/replay_diff.c: real boots against the simulated
 * QEMU-like profile and against each other) and the `import` / `diff` commands as a user meets
 * them: outputs, exit statuses, one-line errors. */
#include "tests/testutil.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sys/wait.h>

#include "models/replay/replay.h"
#include "sim/output/bootlog.h"

#define REF "tests/data/reference/traces"


/* ---- diff -------------------------------------------------------------------------------- */

/* tests/test_scenarios.c qemu_like(): the QEMU guest of the reference traces as overrides of the
 * default profile (no PMU, three trace ring buffers); the diff adds the trace's topology and
 * cpuhp.parallel itself. */
static const char *const qemu_sets[] = {"states.perf/x86:prepare.present=false", "states.perf/x86:starting.present=false",
                                        "states.perf/x86:online.present=false",
                                        "states.trace/RB:prepare={instances: [130us, 11ms, 130us]}"};

static CpuhpMeasured *simulated(const CpuhpMeasured *real, const char *extra) {
  g_autofree char *c = g_strdup_printf("topology.cores_per_socket=%u", real->n_cpus / real->threads_per_core);
  g_autofree char *t = g_strdup_printf("topology.threads_per_core=%u", real->threads_per_core);
  g_autoptr(CpuhpProfile) p =
      tu_profile("topology.sockets=1", c, t, "topology.numa_nodes=0", "topology.enumeration=interleaved",
                 real->parallel ? "kernel.cpuhp_parallel=true" : "kernel.cpuhp_parallel=false", qemu_sets[0],
                 qemu_sets[1], extra ? extra : qemu_sets[2], qemu_sets[3], NULL);
  g_autoptr(CpuhpResult) r = tu_run(p, 1, TRUE);
  g_autoptr(GError) err = NULL;
  CpuhpMeasured *m = cpuhp_measured_new_from_result(r, &err);
  if (!m) fail_msg("from_result: %s", err->message);
  assert_int_equal(m->bringup_ns, r->bringup_ns); /* dmesg's window is the model's */
  return m;
}

static void test_diff_library(void **state) {
  g_autoptr(CpuhpMeasured) p1 = tu_import("tests/data/traces/icount_4_p1_r1.txt");
  g_autoptr(CpuhpMeasured) p0 = tu_import("tests/data/traces/icount_4_p0_r1.txt");
  g_autoptr(CpuhpMeasured) sim = simulated(p1, NULL);
  g_autoptr(CpuhpReplayDiff) same = cpuhp_replay_diff(p1, sim);
  assert_true(same->equal);
  assert_int_equal(same->first, -1);
  assert_int_equal(same->cpus->len, 3);
  assert_int_equal(same->method, CPUHP_MEASURE_DMESG);
  assert_int_equal(same->real_bringup_ns, 290116000LL);
  assert_int_equal(same->sim_bringup_ns, sim->bringup_ns);
  const CpuhpDiffState *rb = NULL;
  for (guint i = 0; i < same->states->len; i++)
    if (g_array_index(same->states, CpuhpDiffState, i).step == 56) rb = &g_array_index(same->states, CpuhpDiffState, i);
  assert_non_null(rb);
  assert_int_equal(rb->real_count, 9);
  assert_int_equal(rb->sim_count, 9);
  assert_int_equal(rb->real_mean_ns, tu_state_of(p1, 56, "trace_rb_cpu_prepare")->mean_ns);
  /* serial against parallel: the very first step differs in its target (236 vs 85) */
  g_autoptr(CpuhpReplayDiff) d = cpuhp_replay_diff(p0, p1);
  assert_false(d->equal);
  const CpuhpDiffCpu *c = &g_array_index(d->cpus, CpuhpDiffCpu, d->first);
  assert_int_equal(c->cpu, 1);
  assert_int_equal(c->position, 0);
  assert_int_equal(c->real.target, 236);
  assert_int_equal(c->sim.target, 85);
  /* a PMU the guest does not have: perf/x86:online on every AP after perf:online */
  g_autoptr(CpuhpMeasured) pmu = simulated(p1, "states.perf/x86:online.present=true");
  g_autoptr(CpuhpReplayDiff) e = cpuhp_replay_diff(p1, pmu);
  assert_false(e->equal);
  c = &g_array_index(e->cpus, CpuhpDiffCpu, e->first);
  assert_int_equal(c->cpu, 1);
  assert_int_equal(c->position, 19);
  assert_true(c->has_real && c->has_sim);
  assert_string_equal(c->real.callback, "tmigr_cpu_online");
  assert_string_equal(c->sim.callback, "x86_pmu_online_cpu");
  assert_int_equal(c->sim.step, 156);
  assert_int_equal(c->sim.side, CPUHP_SIDE_AP);
}

/* Every x86 reference boot's sequences are the QEMU-like profile's; arm64's are not (no kick
 * state, gic_check_rdist in PREPARE). */
static void test_diff_reference(void **state) {
  const char *dirs[] = {REF, REF "/mttcg"};
  guint n = 0;
  for (guint k = 0; k < G_N_ELEMENTS(dirs); k++) {
    g_autoptr(GDir) d = g_dir_open(dirs[k], 0, NULL);
    assert_non_null(d);
    for (const char *f; (f = g_dir_read_name(d));) {
      g_autofree char *path = g_build_filename(dirs[k], f, NULL);
      if (g_file_test(path, G_FILE_TEST_IS_DIR) || strstr(f, ".fail1.")) continue;
      g_autoptr(CpuhpMeasured) real = tu_import(path);
      g_autoptr(CpuhpMeasured) sim = simulated(real, NULL);
      g_autoptr(CpuhpReplayDiff) diff = cpuhp_replay_diff(real, sim);
      if (g_str_has_prefix(f, "a_")) {
        assert_false(diff->equal);
        const CpuhpDiffCpu *c = &g_array_index(diff->cpus, CpuhpDiffCpu, diff->first);
        assert_string_equal(c->real.callback, "gic_check_rdist");
        continue;
      }
      if (!diff->equal) {
        const CpuhpDiffCpu *c = &g_array_index(diff->cpus, CpuhpDiffCpu, diff->first);
        fail_msg("%s: cpu %u differs at %u: real %d %s, sim %d %s", f, c->cpu, c->position, c->real.step,
                 c->real.callback, c->sim.step, c->sim.callback);
      }
      assert_int_equal(diff->method, real->method);
      n++;
    }
  }
  print_message("%u x86 reference boots: sequences equal to the simulation's\n", n);
}

/* ---- the program ---------------------------------------------------------------------------- */

typedef struct {
  int status;
  char *out, *err;
} Ran;

static Ran run_argv(GPtrArray *args) {
  g_ptr_array_insert(args, 0, (gpointer)CPUHPSIM_BINARY);
  g_ptr_array_add(args, NULL);
  Ran r = {0};
  int wait = 0;
  g_autoptr(GError) err = NULL;
  if (!g_spawn_sync(NULL, (char **)args->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &r.out, &r.err, &wait, &err))
    fail_msg("spawn: %s", err->message);
  r.status = WIFEXITED(wait) ? WEXITSTATUS(wait) : 128;
  return r;
}

static Ran run(const char *first, ...) {
  g_autoptr(GPtrArray) args = g_ptr_array_new();
  va_list ap;
  va_start(ap, first);
  for (const char *s = first; s; s = va_arg(ap, const char *)) g_ptr_array_add(args, (gpointer)s);
  va_end(ap);
  return run_argv(args);
}

static void ran_clear(Ran *r) {
  g_free(r->out);
  g_free(r->err);
}

static void assert_one_line(const char *s) {
  const char *nl = strchr(s, '\n');
  if (!nl || nl[1]) fail_msg("not one line on stderr: '%s'", s);
}

static Ran diff_profile(const char *real, const char *extra, const char *format) {
  g_autoptr(GPtrArray) args = g_ptr_array_new();
  g_ptr_array_add(args, "diff");
  g_ptr_array_add(args, (gpointer)real);
  g_ptr_array_add(args, "--profile=scenarios/skl-2s-112t.yaml");
  for (guint i = 0; i < G_N_ELEMENTS(qemu_sets); i++) {
    g_ptr_array_add(args, "--set");
    g_ptr_array_add(args, (gpointer)(extra && i == 2 ? extra : qemu_sets[i]));
  }
  if (format) g_ptr_array_add(args, (gpointer)format);
  return run_argv(args);
}

static void test_cli_diff(void **state) {
  const char *excerpts[] = {"tests/data/traces/icount_4_p0_r1.txt", "tests/data/traces/icount_4_p1_r1.txt",
                            "tests/data/traces/icount_8s1c4t2_p1_r1.txt", "tests/data/replay/mttcg_2_p1_r1.txt.gz"};
  for (guint i = 0; i < G_N_ELEMENTS(excerpts); i++) {
    Ran r = diff_profile(excerpts[i], NULL, NULL);
    if (r.status) fail_msg("%s: exit %d\n%s%s", excerpts[i], r.status, r.out, r.err);
    assert_non_null(strstr(r.out, "sequences          equal ("));
    assert_string_equal(r.err, "");
    ran_clear(&r);
  }
  Ran r = diff_profile(excerpts[2], "states.perf/x86:online.present=true", NULL);
  assert_int_equal(r.status, 1);
  assert_non_null(strstr(r.out, "simulated          skl-2s-112t as 1 socket x 4 cores x 2 threads, cpuhp.parallel=1"));
  assert_non_null(strstr(r.out, "DIFFER: first divergence on cpu 1 at position 19\n"
                                "    real  step 186 tmigr_cpu_online on the AP, target 236\n"
                                "    sim   step 156 x86_pmu_online_cpu on the AP, target 236\n"));
  ran_clear(&r);
  r = diff_profile(excerpts[2], "states.perf/x86:online.present=true", "--format=json");
  assert_int_equal(r.status, 1);
  assert_non_null(strstr(r.out, "\"equal\": false,\n  \"first_divergence\": {\"cpu\": 1, \"position\": 19, \"real\": "
                                "{\"step\": 186, \"callback\": \"tmigr_cpu_online\", \"side\": \"AP\", \"multi\": false, "
                                "\"target\": 236}, \"sim\": {\"step\": 156, \"callback\": \"x86_pmu_online_cpu\""));
  assert_non_null(strstr(r.out, "\"bringup\": {\"method\": \"dmesg\", \"real_ns\": 675966000, "));
  ran_clear(&r);
  /* two trace files: a simulated one written by `run --ftrace` against the real one */
  g_autofree char *dir = g_dir_make_tmp("cpuhpsim-replay-XXXXXX", NULL);
  g_autofree char *trace = g_build_filename(dir, "sim.trace", NULL);
  g_autofree char *opt = g_strconcat("--ftrace=", trace, NULL);
  r = run("run", "--topology=1x4x1", "--parallel=1", "--set", "topology.numa_nodes=0", "--set", qemu_sets[0], "--set",
          qemu_sets[1], "--set", qemu_sets[2], "--set", qemu_sets[3], opt, NULL);
  assert_int_equal(r.status, 0);
  ran_clear(&r);
  r = run("diff", excerpts[1], trace, NULL);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.out, "measured by the trace window"));
  ran_clear(&r);
  r = run("diff", excerpts[0], trace, "--format=json", NULL);
  assert_int_equal(r.status, 1);
  assert_non_null(strstr(r.out, "\"first_divergence\": {\"cpu\": 1, \"position\": 0, "));
  ran_clear(&r);
  g_unlink(trace);
  g_rmdir(dir);
}

static int64_t json_sim_ns(const char *out) {
  const char *b = strstr(out, "\"bringup\": {");
  const char *s = b ? strstr(b, "\"sim_ns\": ") : NULL;
  assert_non_null(s);
  return g_ascii_strtoll(s + strlen("\"sim_ns\": "), NULL, 10);
}

/* diff simulates with the real boot's kernel command line: this boot ran with lpj= (no delay
 * calibration on the APs), which the icount profile's own command line does not have. */
static void test_cli_diff_cmdline(void **state) {
  const char *real = "tests/data/replay/mttcg_2_p1_r1.txt.gz", *prof = "--profile=scenarios/qemu-tcg-icount-x86_64.yaml";
  Ran imp = run("import", real, NULL);
  assert_non_null(strstr(imp.out, "\n  command line       console=ttyS0 panic=-1 quiet log_buf_len=4M trace_event=cpuhp:* "));
  ran_clear(&imp);
  Ran r = run("diff", real, prof, "--format=json", NULL), k = run("diff", real, prof, "--profile-cmdline", "--format=json", NULL),
      c = run("diff", real, prof, "--cmdline=lpj=4000000 trace_buf_size=1M trace_event=cpuhp:*", "--format=json", NULL),
      t = run("diff", real, prof, NULL);
  assert_int_equal(r.status, 0);
  assert_int_equal(k.status, 0);
  assert_int_equal(c.status, 0);
  assert_non_null(strstr(r.out, "\"cmdline_from\": \"real\"}"));
  assert_non_null(strstr(r.out, "\"cmdline\": \"console=ttyS0 panic=-1 quiet "));
  assert_non_null(strstr(k.out, "\"cmdline\": \"console=ttyS0 panic=-1 loglevel=7 trace_event=cpuhp:* trace_buf_size=1M "
                                "trace_clock=global\", \"cmdline_from\": \"profile\"}"));
  assert_non_null(strstr(c.out, "\"cmdline_from\": \"--cmdline\"}"));
  assert_non_null(strstr(t.out, " lpj=10384480 cpuhp.parallel=1 (the real boot's)\n"));
  /* the one AP calibrates its delay loop (19 jiffies at HZ=250) only with the profile's line */
  int64_t with = json_sim_ns(r.out), without = json_sim_ns(k.out);
  assert_true(without - with > 70000000);
  assert_int_equal(json_sim_ns(c.out), with); /* the same modelled parameters, the same run */
  ran_clear(&r);
  ran_clear(&k);
  ran_clear(&c);
  ran_clear(&t);
  /* a --set kernel.cmdline is the user's choice: it stays */
  Ran s = run("diff", real, prof, "--set", "kernel.cmdline=lpj=1", "--format=json", NULL);
  assert_non_null(strstr(s.out, "\"cmdline\": \"lpj=1\", \"cmdline_from\": \"--set\"}"));
  ran_clear(&s);
  /* REAL's own line with a malformed modelled parameter: an error at its place in REAL, before
   * anything is simulated or written */
  g_autofree char *text = tu_gunzip(real);
  assert_non_null(text);
  g_autofree char *dir = g_dir_make_tmp("cpuhpsim-cmdline-XXXXXX", NULL);
  g_autofree char *bad_path = g_build_filename(dir, "badlpj.txt", NULL);
  g_autofree char *out_path = g_build_filename(dir, "out.yaml", NULL);
  g_autofree char *out_opt = g_strconcat("--output=", out_path, NULL);
  g_auto(GStrv) parts = g_strsplit(text, "lpj=10384480", -1);
  g_autofree char *bad_text = g_strjoinv("lpj=abc", parts);
  assert_true(g_file_set_contents(bad_path, bad_text, -1, NULL));
  g_autofree char *why_real = g_strdup_printf("%s:7:9: kernel command line: lpj=abc: expected an unsigned number\n", bad_path);
  Ran bd = run("diff", bad_path, "--profile=default", NULL),
      bc = run("calibrate", "--base=scenarios/qemu-tcg-mttcg-x86_64.yaml", out_opt, bad_path, NULL);
  assert_int_equal(bd.status, 2);
  assert_string_equal(bd.err, why_real);
  assert_int_equal(bc.status, 2);
  assert_string_equal(bc.err, why_real);
  assert_false(g_file_test(out_path, G_FILE_TEST_EXISTS));
  ran_clear(&bd);
  ran_clear(&bc);
  Ran ok = run("diff", bad_path, "--profile=default", "--profile-cmdline", NULL); /* the way around it */
  assert_int_equal(ok.status, 1);                                                  /* (sequences differ) */
  ran_clear(&ok);
  g_unlink(bad_path);
  g_rmdir(dir);
  const char *bad[][5] = {{"diff", real, "--cmdline=lpj=1", NULL},
                          {"diff", real, "--profile-cmdline", NULL},
                          {"diff", real, "--profile=default", "--cmdline=lpj=1", "--profile-cmdline"},
                          {"diff", real, "--profile=default", "--cmdline=lpj=x", NULL}};
  const char *why[] = {"cpuhpsim diff: --cmdline and --profile-cmdline need --profile\n",
                       "cpuhpsim diff: --cmdline and --profile-cmdline need --profile\n",
                       "cpuhpsim diff: give --cmdline or --profile-cmdline, not both\n",
                       "cpuhpsim diff: --cmdline: lpj=x: expected an unsigned number\n"};
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GPtrArray) args = g_ptr_array_new();
    for (guint j = 0; j < 5 && bad[i][j]; j++) g_ptr_array_add(args, (gpointer)bad[i][j]);
    Ran b = run_argv(args);
    assert_int_equal(b.status, 2);
    assert_string_equal(b.err, why[i]);
    assert_string_equal(b.out, "");
    ran_clear(&b);
  }
}

static void test_cli_import(void **state) {
  Ran a = run("import", "--format=json", "tests/data/replay/mttcg_2_p1_r1.txt.gz", NULL);
  Ran b = run("import", "tests/data/replay/mttcg_2_p1_r1.txt.gz", "--format=json", NULL);
  assert_int_equal(a.status, 0);
  assert_string_equal(a.out, b.out);
  static const char *const keys[] = {
      "\"clock\": \"x86-tsc\"", "\"tsc_khz\": 2596126", "\"tsc_from\": \"tsc: Detected 2596.126 MHz processor\"",
      "\"method\": \"trace\"", "\"bringup_ns\": 15940932,", "\"trace_window\": {\"start_ns\": ", "\"cpu_up_ns\": ",
      "\"dmesg\": {\"bringing_up_ns\": 1854344000, \"brought_up_ns\": 1869293000, \"cpus\": 2, \"kernel_start_ns\": -1, \"init_ns\": -1}", "\"cpus\": 2,",
      "\"parallel\": true,", "\"kick_order\": [1],", "\"events\": {\"in_window\": 54, \"outside\": 34,",
      "\"per_cpu\": [", "\"steps\": [", "\"side\": \"BP\"", "\"side\": \"AP\"", "\"functions\": [",
      "\"function\": \"load_ucode_ap\", \"parent\": \"start_secondary\"",
      "{\"step\": 56, \"callback\": \"trace_rb_cpu_prepare\", \"multi\": true, \"count\": 3, \"timed\": 3,",
      "\"outside\": [", "\"callback\": \"zs_cpu_prepare\"", "\"notes\": []"};
  for (guint i = 0; i < G_N_ELEMENTS(keys); i++)
    if (!strstr(a.out, keys[i])) fail_msg("missing %s", keys[i]);
  ran_clear(&a);
  ran_clear(&b);
  Ran t = run("import", "tests/data/traces/icount_8s1c4t2_p1_r1.txt", NULL);
  assert_int_equal(t.status, 0);
  assert_non_null(strstr(t.out, "  bringup time            675.966 ms   (dmesg: "));
  assert_non_null(strstr(t.out, "  kick order         2 4 6 1 3 5 7\n"));
  assert_non_null(strstr(t.out, "SMT primary threads first (2 threads/core)"));
  ran_clear(&t);
  /* a ns clock read through local_clock() before "sched_clock: Marking stable" (the reference
   * x86 boots, trace_clock=global) is held to a tick past each CPU's last tick: import says so;
   * a TSC-clocked boot of the same kernel gets no such note */
  Ran sc = run("import", "tests/data/reference/traces/icount_4_p1_r1.txt.gz", NULL),
      tc = run("import", "tests/data/beyond/kboot_icount_8_p0.txt.gz", NULL);
  assert_int_equal(sc.status, 0);
  assert_int_equal(tc.status, 0);
  assert_non_null(strstr(sc.out, "  note: trace_clock=global reads local_clock(), and sched_clock was marked stable only at "
                                  "6.579 s, after the window: "));
  assert_null(strstr(tc.out, "sched_clock"));
  ran_clear(&sc);
  ran_clear(&tc);
  /* stalls (tests/data/replay/stalls.txt: test_replay's trace with CPU 3's first callback 3 ms over) */
  Ran st = run("import", "tests/data/replay/stalls.txt", NULL), sj = run("import", "tests/data/replay/stalls.txt",
                                                                          "--format=json", NULL);
  assert_int_equal(st.status, 0);
  assert_non_null(strstr(st.out, "\nstalls: 1 callbacks ran 3 ms or more over the same callback's usual time (its lower "
                                  "quartile over the CPUs; 3.000 ms over in all)\n"));
  assert_non_null(strstr(st.out, "\n      3     1 smpboot_create_threads                        17.180         3.500      0.500\n"));
  assert_non_null(strstr(sj.out, "\"stall_threshold_ns\": 3000000,\n  \"stalls\": [\n    {\"cpu\": 3, \"step\": 1, "
                                 "\"callback\": \"smpboot_create_threads\", \"instance\": 0, \"start_ns\": 17180000, "
                                 "\"duration_ns\": 3500000, \"usual_ns\": 500000}\n  ],"));
  ran_clear(&st);
  ran_clear(&sj);
  /* diff says how much of the real time was stalls (the sequences differ here: exit 1) */
  Ran dt = run("diff", "tests/data/replay/stalls.txt", "--profile=default", NULL),
      dj = run("diff", "tests/data/replay/stalls.txt", "--profile=default", "--format=json", NULL);
  assert_non_null(strstr(dt.out, "\n  real stalls        1 callback 3.000 ms over their usual time in all; sim 0, 0.000 ms by "
                                  "the same rule: "));
  assert_non_null(strstr(dj.out, "\n  \"real_stalls\": {\"count\": 1, \"over_ns\": 3000000},\n  \"sim_stalls\": {\"count\": 0, "
                                 "\"over_ns\": 0}\n}\n"));
  ran_clear(&dt);
  ran_clear(&dj);
  /* usage errors: one line, exit 2 */
  const char *bad[][4] = {{"import", NULL},
                          {"import", "--format=xml", "tests/data/traces/icount_4_p1_r1.txt", NULL},
                          {"import", "a", "b", NULL},
                          {"diff", "tests/data/traces/icount_4_p1_r1.txt", NULL},
                          {"diff", "tests/data/traces/icount_4_p1_r1.txt", "--set", "kernel.hz=100"},
                          {"diff", "tests/data/traces/icount_4_p1_r1.txt", "x", "--profile=default"},
                          {"diff", "tests/data/traces/icount_4_p1_r1.txt", "--profile=nope.yaml", NULL},
                          {"diff", "tests/data/traces/icount_4_p1_r1.txt", "--profile=default", "--set=nokey=1"},
                          {"diff", "tests/data/bad-traces/empty.txt", "--profile=default", NULL}};
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GPtrArray) args = g_ptr_array_new();
    for (guint k = 0; k < 4 && bad[i][k]; k++) g_ptr_array_add(args, (gpointer)bad[i][k]);
    Ran r = run_argv(args);
    if (r.status != 2) fail_msg("%s %s: exit %d", bad[i][0], bad[i][1] ? bad[i][1] : "", r.status);
    assert_one_line(r.err);
    assert_string_equal(r.out, "");
    ran_clear(&r);
  }
}


/* What that note is about, measured (tests/data/beyond/trace-clock): the reference 8-vCPU serial
 * boot again, under the insn-regions plugin, which logs every vCPU's instructions so far at each
 * AP's smpboot_create_threads() (8 ns each under -icount: a lower bound of the time between
 * two, the clock only ever jumping ahead of them). Between two APs the trace clock moves in whole
 * jiffies (the APs' delay calibration ends on one), and in some of those spans by less than the
 * vCPUs executed: a clock held back, then let go. */
static void test_trace_clock_held(void **state) {
  (void)state;
  g_autoptr(CpuhpMeasured) m = tu_import("tests/data/beyond/trace-clock/plugin_8_p0.txt.gz");
  g_autofree char *log = tu_read_text("tests/data/beyond/trace-clock/plugin_8_p0.bp.log.gz");
  assert_non_null(log);
  g_auto(GStrv) lines = g_strsplit(log, "\n", -1);
  int64_t insns[8];
  guint n = 0;
  for (char **l = lines; *l; l++) {
    gint64 all;
    if (sscanf(*l, "%*u 0 F smpboot_create_threads %*d %" G_GINT64_FORMAT, &all) == 1 && n < 8) insns[n++] = all;
  }
  assert_int_equal(n, 7); /* APs 1..7, in order */
  guint behind = 0;
  for (guint k = 1; k < n; k++) {
    const CpuhpMeasuredCpu *a = &g_array_index(m->cpus, CpuhpMeasuredCpu, k - 1), *b = &g_array_index(m->cpus, CpuhpMeasuredCpu, k);
    const CpuhpMeasuredStep *sa = &g_array_index(a->steps, CpuhpMeasuredStep, 0), *sb = &g_array_index(b->steps, CpuhpMeasuredStep, 0);
    assert_int_equal(sa->step, 1);
    assert_int_equal(sb->step, 1);
    int64_t traced = sb->start - sa->start, executed = (insns[k] - insns[k - 1]) * 8, jiffy = 4000000;
    int64_t off = (traced + jiffy / 2) % jiffy - jiffy / 2;
    print_message("AP %u to %u: trace %.3f ms, the vCPUs' instructions %.3f ms\n", k, k + 1, (double)traced / 1e6,
                  (double)executed / 1e6);
    assert_true(ABS(off) <= 50000);
    behind += traced + 1000000 < executed;
  }
  assert_true(behind >= 2);

  /* The profile's five training boots booted again with trace_clock=x86-tsc, the TSC itself: the
   * same totals, and per callback the time the held clock moved between neighbours */
  static const char *const boots[] = {"2_p0", "4_p1", "8_p0", "8s1c4t2_p1", "16_p0"};
  double wq[2] = {0}, threads[2] = {0};
  guint n_wq = 0;
  for (guint i = 0; i < G_N_ELEMENTS(boots); i++) {
    g_autofree char *ref = g_strdup_printf("tests/data/reference/traces/icount_%s_r1.txt.gz", boots[i]);
    g_autofree char *tsc = g_strdup_printf("tests/data/beyond/trace-clock/tsc_%s.txt.gz", boots[i]);
    g_autoptr(CpuhpMeasured) g = tu_import(ref), t = tu_import(tsc);
    assert_true(fabs((double)t->bringup_ns / (double)g->bringup_ns - 1) < 0.01);
    for (int side = 0; side < 2; side++) {
      const CpuhpMeasuredState *w = tu_state_of(side ? t : g, 38, "workqueue_prepare_cpu"),
                               *th = tu_state_of(side ? t : g, 1, "smpboot_create_threads");
      wq[side] += (double)w->timed * (double)w->mean_ns, threads[side] += (double)th->timed * (double)th->mean_ns;
      n_wq += side ? 0 : w->timed;
    }
  }
  print_message("%u APs: workqueue_prepare_cpu %.3f ms on the global clock, %.3f on the TSC; smpboot_create_threads "
                "%.3f and %.3f\n", n_wq, wq[0] / n_wq / 1e6, wq[1] / n_wq / 1e6, threads[0] / n_wq / 1e6, threads[1] / n_wq / 1e6);
  assert_int_equal(n_wq, 33);
  assert_true(wq[0] - wq[1] > 0.3e6 * n_wq && threads[1] - threads[0] > 0.1e6 * n_wq);
}

/* Every bad trace: the program prints the library's one line and exits 2. */
static void test_cli_bad_traces(void **state) {
  g_autoptr(GDir) d = g_dir_open("tests/data/bad-traces", 0, NULL);
  assert_non_null(d);
  guint n = 0;
  for (const char *f; (f = g_dir_read_name(d)); n++) {
    g_autofree char *path = g_build_filename("tests/data/bad-traces", f, NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(CpuhpMeasured) m = sim_bootlog_measure_file(path, &err);
    assert_null(m);
    g_autofree char *line = g_strconcat(err->message, "\n", NULL);
    for (int json = 0; json < 2; json++) {
      Ran r = run("import", path, json ? "--format=json" : "--format=text", NULL);
      assert_int_equal(r.status, 2);
      assert_string_equal(r.err, line);
      assert_string_equal(r.out, "");
      ran_clear(&r);
    }
    Ran r = run("diff", path, "--profile=default", NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, line);
    ran_clear(&r);
  }
  assert_true(n >= 20);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_diff_library), cmocka_unit_test(test_diff_reference),
      cmocka_unit_test(test_cli_diff),     cmocka_unit_test(test_cli_diff_cmdline), cmocka_unit_test(test_cli_import),
      cmocka_unit_test(test_trace_clock_held), cmocka_unit_test(test_cli_bad_traces),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
