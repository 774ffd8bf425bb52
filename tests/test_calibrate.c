/* test_calibrate.c — `cpuhpsim calibrate`: callback costs fitted on some real boots must predict
 * the others (the fit carries no total), the written profile is loadable and annotated, the
 * output is deterministic, and bad input is refused whole. */
#include "tests/testutil.h"

#include <glib/gstdio.h>
#include <math.h>

#include "models/kernel/prepare.h"
#include "models/replay/calibrate.h"
#include "sim/output/profile_edit.h"

#define TRACES "tests/data/reference/traces/"  /* the reference boots (tests/data/reference) */
#define LOCAL "tests/data/traces/"              /* an excerpt of a reference boot */

static gint cmp_double(gconstpointer a, gconstpointer b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

#define BASE "scenarios/qemu-tcg-icount-x86_64.yaml"

/* The fit and the profile written with it; the fit's stats in *st. */
static GString *fit_and_write(const CpuhpProfile *p, const char *text, CpuhpMeasured *const *boots,
                              const char *const *names, guint n, CpuhpFit fit, CpuhpCalibrateStats *st) {
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpCalibration) cal = cpuhp_calibrate(p, boots, n, fit, &err);
  if (!cal) fail_msg("%s", err->message);
  *st = cal->stats;
  GString *out = g_string_new(NULL);
  if (!sim_profile_edit_calibrated(out, p, text, cal, boots, names, n, &err)) fail_msg("%s", err->message);
  return out;
}

static GString *calibrate(const char *base, CpuhpFit fit, CpuhpCalibrateStats *st, const char *first, ...) {
  g_autoptr(GPtrArray) boots = g_ptr_array_new_with_free_func((GDestroyNotify)cpuhp_measured_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new();
  va_list ap;
  va_start(ap, first);
  for (const char *f = first; f; f = va_arg(ap, const char *)) {
    g_autofree char *path = g_str_has_prefix(f, "tests/") ? g_strdup(f) : g_strconcat(TRACES, f, NULL);
    g_ptr_array_add(boots, tu_import(path));
    g_ptr_array_add(names, (gpointer)f);
  }
  va_end(ap);
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpProfile) p = cpuhp_machine_load_file(base, NULL, &err);
  if (!p) fail_msg("%s", err->message);
  g_autofree char *text = NULL;
  assert_true(g_file_get_contents(base, &text, NULL, NULL));
  return fit_and_write(p, text, (CpuhpMeasured *const *)boots->pdata, (const char *const *)names->pdata, boots->len, fit, st);
}

static double simulate(const GString *yaml, guint cpus, gboolean parallel) {
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(ov, g_strdup_printf("topology.cores_per_socket=%u", cpus));
  g_ptr_array_add(ov, g_strdup_printf("kernel.cpuhp_parallel=%s", parallel ? "true" : "false"));
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpProfile) p = cpuhp_machine_load_data("scenarios/calibrated.yaml", yaml->str, yaml->len, ov, &err);
  if (!p) fail_msg("%s", err->message);
  g_autoptr(CpuhpResult) r = tu_run(p, 1, FALSE);
  return (double)r->bringup_ns / 1e6;
}

/* Fitted on two serial boots, the profile predicts boots it never saw within 10 %. */
static void test_fit_predicts_other_boots(void **state) {
  (void)state;
  CpuhpCalibrateStats st;
  g_autoptr(GString) y = calibrate(BASE, CPUHP_FIT_MEDIAN, &st, "icount_2_p0_r1.txt.gz", "icount_8_p0_r1.txt.gz", NULL);
  assert_true(st.states_fitted >= 20);
  assert_int_equal(st.samples, 200); /* 25 callbacks x 8 APs; kick and bringup waits excluded */
  static const struct { const char *file; guint cpus; gboolean parallel; } held_out[] = {
      {"icount_4_p0_r1.txt.gz", 4, FALSE}, {"icount_16_p0_r1.txt.gz", 16, FALSE}, {"icount_4_p1_r1.txt.gz", 4, TRUE}};
  for (guint i = 0; i < G_N_ELEMENTS(held_out); i++) {
    g_autofree char *path = g_strconcat(TRACES, held_out[i].file, NULL);
    g_autoptr(CpuhpMeasured) real = tu_import(path);
    double want = (double)real->bringup_ns / 1e6, got = simulate(y, held_out[i].cpus, held_out[i].parallel);
    if (fabs(got - want) > 0.10 * want) fail_msg("%s: real %.1f ms, calibrated profile %.1f ms", held_out[i].file, want, got);
  }
  /* each fitted line says where its number came from */
  assert_non_null(strstr(y->str, "  threads:prepare: "));
  assert_non_null(strstr(y->str, "# n=8 from 2 boots: median "));
  assert_non_null(strstr(y->str, "trace_rb_page: "));
  assert_non_null(strstr(y->str, "#   icount_8_p0_r1.txt.gz (bringup 687.964 ms, 8 CPUs, cpuhp.parallel=0)"));
  /* everything else is the base's, comments included */
  assert_non_null(strstr(y->str, "vendor: amd                 # \"AMD QEMU TCG CPU version 2.5+"));
}

/* The line the fit wrote for `key` (an entry under a block, two spaces in); its value must be
 * `want` ns within 0.5 % (the output rounds to three significant digits). */
static const char *assert_fitted(const GString *y, const char *key, double want) {
  g_autofree char *needle = g_strdup_printf("\n  %s: ", key);
  const char *line = strstr(y->str, needle);
  if (!line) fail_msg("no fitted line for %s", key);
  const char *v = line + strlen(needle);
  g_autofree char *val = g_strndup(v, strcspn(v, " "));
  int64_t got;
  const char *why;
  assert_true(sim_parse_duration(val, &got, &why));
  if (fabs((double)got - want) > 0.005 * want) fail_msg("%s fitted %s, median %.0f ns", key, val, want);
  return line;
}

/* The fit is the median of the timed invocations: check one state against the importer. */
static void test_fit_is_the_median(void **state) {
  (void)state;
  CpuhpCalibrateStats st;
  g_autoptr(GString) y = calibrate(BASE, CPUHP_FIT_MEDIAN, &st, LOCAL "icount_4_p0_r1.txt", NULL);
  g_autoptr(CpuhpMeasured) m = tu_import(LOCAL "icount_4_p0_r1.txt");
  g_autoptr(GArray) d = g_array_new(FALSE, FALSE, sizeof(double));
  for (guint c = 0; c < m->cpus->len; c++) {
    const CpuhpMeasuredCpu *mc = &g_array_index(m->cpus, CpuhpMeasuredCpu, c);
    for (guint k = 0; k < mc->steps->len; k++) {
      const CpuhpMeasuredStep *sp = &g_array_index(mc->steps, CpuhpMeasuredStep, k);
      if (sp->step == 190 && sp->duration >= 0) {
        double v = (double)sp->duration;
        g_array_append_val(d, v);
      }
    }
  }
  assert_int_equal(d->len, 3); /* one RCU/tree:online per AP */
  g_array_sort(d, (GCompareFunc)cmp_double);
  double want = g_array_index(d, double, 1);
  const char *line = assert_fitted(y, "RCU/tree:online", want);
  assert_non_null(strstr(line, "# n=3 from 1 boot: median "));
}

static void test_other_fits_load(void **state) {
  (void)state;
  CpuhpCalibrateStats st;
  g_autoptr(GString) ln = calibrate(BASE, CPUHP_FIT_LOGNORMAL, &st, LOCAL "icount_4_p0_r1.txt", NULL);
  g_autoptr(GString) em = calibrate(BASE, CPUHP_FIT_EMPIRICAL, &st, LOCAL "icount_4_p0_r1.txt", NULL);
  assert_non_null(strstr(ln->str, "{dist: lognormal, median: "));
  assert_non_null(strstr(em->str, "{dist: empirical, samples: ["));
  assert_true(simulate(ln, 4, FALSE) > 0 && simulate(em, 4, FALSE) > 0);
  /* deterministic */
  g_autoptr(GString) again = calibrate(BASE, CPUHP_FIT_EMPIRICAL, &st, LOCAL "icount_4_p0_r1.txt", NULL);
  assert_string_equal(em->str, again->str);
}

/* Where the function tracer recorded the AP's own path (the MTTCG boots), the x86 post-release
 * stages are fitted too: identify is the median of smp_store_cpu_info .. set_cpu_sibling_map. */
static void test_fit_x86_path(void **state) {
  (void)state;
  CpuhpCalibrateStats st;
  g_autoptr(GString) y = calibrate("scenarios/qemu-tcg-mttcg-x86_64.yaml", CPUHP_FIT_MEDIAN, &st, "mttcg/mttcg_8_p0_r1.txt.gz", NULL);
  assert_int_equal(st.platform_fitted, 4);
  g_autoptr(CpuhpMeasured) m = tu_import(TRACES "mttcg/mttcg_8_p0_r1.txt.gz");
  g_autoptr(GArray) d = g_array_new(FALSE, FALSE, sizeof(double));
  for (guint c = 0; c < m->cpus->len; c++) {
    const CpuhpMeasuredCpu *mc = &g_array_index(m->cpus, CpuhpMeasuredCpu, c);
    int64_t a = -1, z = -1;
    for (guint f = 0; mc->cpu && f < mc->functions->len; f++) {
      const CpuhpMeasuredFunc *fn = &g_array_index(mc->functions, CpuhpMeasuredFunc, f);
      if (a < 0 && !strcmp(fn->function, "smp_store_cpu_info")) a = fn->ts;
      if (z < 0 && !strcmp(fn->function, "set_cpu_sibling_map")) z = fn->ts;
    }
    if (a >= 0 && z >= a) {
      double v = (double)(z - a);
      g_array_append_val(d, v);
    }
  }
  assert_int_equal(d->len, 7);
  g_array_sort(d, (GCompareFunc)cmp_double);
  double want = g_array_index(d, double, 3);
  const char *line = assert_fitted(y, "identify", want);
  assert_non_null(strstr(line, "# fitted: smp_store_cpu_info .. set_cpu_sibling_map, n=7"));
  assert_null(strstr(y->str, "identify: 100us")); /* the base's value is replaced, not kept beside */
}

/* The fit itself, before any YAML. On x86 the AP path comes through the arch registry: the same
 * two-CPU MTTCG boot given twice is two samples a stage, each key its median; an arm64 base has
 * no AP-path fit. States come in table order, one cost per instance. */
static void test_fit_result(void **state) {
  (void)state;
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpMeasured) m = tu_import("tests/data/replay/mttcg_2_p1_r1.txt.gz");
  CpuhpMeasured *two[] = {m, m};
  g_autoptr(CpuhpProfile) p = cpuhp_machine_load_file("scenarios/qemu-tcg-mttcg-x86_64.yaml", NULL, &err);
  if (!p) fail_msg("%s", err->message);
  g_autoptr(CpuhpCalibration) cal = cpuhp_calibrate(p, two, 2, CPUHP_FIT_MEDIAN, &err);
  if (!cal) fail_msg("%s", err->message);
  assert_int_equal(cal->stats.platform_fitted, 4);
  guint ap = 0;
  for (guint k = 0; k < cal->keys->len; k++) {
    const CpuhpFitKey *key = &g_array_index(cal->keys, CpuhpFitKey, k);
    if (!key->ap_path) {
      assert_string_equal(key->key, "trace_rb_page");
      continue;
    }
    ap++;
    assert_string_equal(key->block, "x86");
    assert_int_equal(key->spread.n, 2);
    assert_true(key->value == key->spread.median && key->spread.p10 == key->spread.p90);
  }
  assert_int_equal(ap, 4);
  assert_int_equal(cal->states->len, cal->stats.states_fitted);
  guint samples = 0;
  for (guint i = 0; i < cal->states->len; i++) {
    const CpuhpFitState *st = &g_array_index(cal->states, CpuhpFitState, i);
    if (i) assert_true(st->row->step > g_array_index(cal->states, CpuhpFitState, i - 1).row->step);
    assert_int_equal(st->boots, 2);
    assert_true(st->row->multi_instance || st->instances->len == 1);
    const CpuhpFitCost *c = &g_array_index(st->instances, CpuhpFitCost, 0);
    assert_int_equal(c->dist, CPUHP_FIT_MEDIAN);
    if (!st->row->multi_instance) assert_true(c->median == st->spread.median);
    samples += st->spread.n;
  }
  assert_int_equal(samples, cal->stats.samples);

  g_autoptr(CpuhpMeasured) a = tu_import("tests/data/beyond/a_icount_32.txt.gz");
  g_autoptr(CpuhpProfile) arm = cpuhp_machine_load_file("scenarios/qemu-arm64-tcg-icount.yaml", NULL, &err);
  if (!arm) fail_msg("%s", err->message);
  g_autoptr(CpuhpCalibration) on_arm = cpuhp_calibrate(arm, &a, 1, CPUHP_FIT_LOGNORMAL, &err);
  if (!on_arm) fail_msg("%s", err->message);
  assert_int_equal(on_arm->stats.platform_fitted, 0);
  for (guint k = 0; k < on_arm->keys->len; k++) assert_false(g_array_index(on_arm->keys, CpuhpFitKey, k).ap_path);
  guint lognormal = 0;
  for (guint i = 0; i < on_arm->states->len; i++) {
    const CpuhpFitCost *c = &g_array_index(g_array_index(on_arm->states, CpuhpFitState, i).instances, CpuhpFitCost, 0);
    lognormal += c->dist == CPUHP_FIT_LOGNORMAL;
    assert_true(c->dist == CPUHP_FIT_MEDIAN || (c->dist == CPUHP_FIT_LOGNORMAL && c->sigma > 1e-3));
  }
  assert_true(lognormal > 0);
}

/* Stalls (host-side time, replay.h) are left out of the fit: in the 16-vCPU serial boot with the
 * function tracer, 8 of 15 RCU/tree:online callbacks stall ~5 ms in a host fault on guest RAM, so
 * a median over all of them would be a stall; over the rest it is the callback's own cost. */
static void test_stalls_left_out(void **state) {
  (void)state;
  CpuhpCalibrateStats st;
  g_autoptr(GString) y = calibrate("scenarios/qemu-tcg-mttcg-x86_64.yaml", CPUHP_FIT_MEDIAN, &st, "mttcg/mttcg_16_p0_r1.txt.gz", NULL);
  g_autoptr(CpuhpMeasured) m = tu_import(TRACES "mttcg/mttcg_16_p0_r1.txt.gz");
  assert_int_equal(st.stalls, m->stalls->len);
  assert_true(st.stalls >= 8);
  g_autoptr(GArray) d = g_array_new(FALSE, FALSE, sizeof(double));
  guint all = 0;
  for (guint c = 0; c < m->cpus->len; c++) {
    const CpuhpMeasuredCpu *mc = &g_array_index(m->cpus, CpuhpMeasuredCpu, c);
    for (guint k = 0; k < mc->steps->len; k++) {
      const CpuhpMeasuredStep *sp = &g_array_index(mc->steps, CpuhpMeasuredStep, k);
      if (sp->step != 190 || sp->duration < 0) continue;
      all++;
      if (sp->stalled) continue;
      double v = (double)sp->duration;
      g_array_append_val(d, v);
    }
  }
  assert_int_equal(all, 15);
  assert_int_equal(d->len, 7);
  g_array_sort(d, (GCompareFunc)cmp_double);
  const char *line = assert_fitted(y, "RCU/tree:online", g_array_index(d, double, 3));
  assert_non_null(strstr(line, "# n=7 from 1 boot: median "));
  g_autofree char *left = g_strdup_printf("# Left out: %u stalls (callbacks 3 ms or more over their usual time", st.stalls);
  assert_non_null(strstr(y->str, left));
}

/* A base profile's per-CPU terms are kept, and the fit is what is left once they are taken out
 * at each boot's own CPU counts: a simulated boot with known terms gives back its own cost. */
static GString *calibrate_sim(const char *wq_truth, const char *wq_base) {
  const char *path = "scenarios/qemu-arm64-tcg-icount.yaml";
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(ov, g_strdup("host.pcpus=0")); /* exact durations: no sharing of the host thread */
  g_ptr_array_add(ov, g_strdup("topology.cores_per_socket=8"));
  g_ptr_array_add(ov, g_strdup(wq_truth));
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpProfile) truth = cpuhp_machine_load_file(path, ov, &err);
  if (!truth) fail_msg("%s", err->message);
  g_autoptr(CpuhpResult) r = tu_run(truth, 1, TRUE);
  g_autoptr(CpuhpMeasured) m = cpuhp_measured_new_from_result(r, &err);
  assert_non_null(m);
  g_ptr_array_set_size(ov, 0);
  g_ptr_array_add(ov, g_strdup(wq_base));
  g_autoptr(CpuhpProfile) base = cpuhp_machine_load_file(path, ov, &err);
  if (!base) fail_msg("%s", err->message);
  g_autofree char *text = NULL;
  assert_true(g_file_get_contents(path, &text, NULL, NULL));
  CpuhpCalibrateStats st;
  const char *name = "simulated";
  return fit_and_write(base, text, &m, &name, 1, CPUHP_FIT_MEDIAN, &st);
}

static void test_per_cpu_terms_kept(void **state) {
  (void)state;
  const char *truth = "states.workqueue:online={cost: 35us, per_possible_cpu: 15us, per_online_cpu: 2us}";
  g_autoptr(GString) y = calibrate_sim(truth, "states.workqueue:online={cost: 1ms, per_possible_cpu: 15us, per_online_cpu: 2us}");
  assert_non_null(strstr(y->str, "\n  workqueue:online: {cost: 35us, per_possible_cpu: 15us, per_online_cpu: 2us}   # n=7 "));
  /* a base without the terms fits them into the cost: 35 + 15 x 8 + 2 x (median online, 5) */
  g_autoptr(GString) z = calibrate_sim(truth, "states.workqueue:online=1ms");
  assert_non_null(strstr(z->str, "\n  workqueue:online: 165us   # n=7 "));
}

/* The command: writes a loadable file and checks it on each boot; refuses bad input whole. */
static void test_cli(void **state) {
  (void)state;
  g_autofree char *dir = g_dir_make_tmp("cpuhpsim-cal-XXXXXX", NULL);
  g_autofree char *out = g_build_filename(dir, "cal.yaml", NULL);
  TuRan r = tu_run_env(NULL, "calibrate", "--base=" BASE, LOCAL "icount_4_p0_r1.txt", "-o", out, NULL);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.err, "icount_4_p0_r1.txt: real 298.121 ms, simulated "));
  tu_ran_clear(&r);
  r = tu_run_env(NULL, "check", out, NULL);
  assert_int_equal(r.status, 0);
  tu_ran_clear(&r);
  g_autofree char *none = g_build_filename(dir, "none.yaml", NULL);
  static const char *const bad[][4] = {
      {"calibrate", LOCAL "icount_4_p0_r1.txt", NULL},                                /* no --base */
      {"calibrate", "--base=" BASE, "--fit=mean", LOCAL "icount_4_p0_r1.txt"},        /* bad --fit */
      {"calibrate", "--base=" BASE, "tests/data/no-such-trace.txt", NULL},             /* unreadable */
      {"calibrate", "--base=tests/data/bad/alias.yaml", LOCAL "icount_4_p0_r1.txt", NULL},
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    r = tu_run_env(NULL, bad[i][0], bad[i][1], bad[i][2], bad[i][3], "-o", none, NULL);
    if (r.status != 2) fail_msg("case %u: exit %d, stderr %s", i, r.status, r.err);
    guint lines = 0;
    for (const char *c = r.err; *c; c++) lines += *c == '\n';
    assert_int_equal(lines, 1); /* one line */
    tu_ran_clear(&r);
    assert_false(g_file_test(none, G_FILE_TEST_EXISTS));
  }
  /* a base it cannot edit line by line: the file, line and column of the block */
  g_autofree char *flow = g_build_filename(dir, "flow.yaml", NULL);
  assert_true(g_file_set_contents(flow, "name: flow\narch: x86_64\ntopology: {sockets: 1, cores_per_socket: 2, "
                                        "threads_per_core: 1}\nstates: {threads:prepare: 1ms}\n", -1, NULL));
  g_autofree char *base_flag = g_strconcat("--base=", flow, NULL);
  r = tu_run_env(NULL, "calibrate", base_flag, LOCAL "icount_4_p0_r1.txt", "-o", none, NULL);
  assert_int_equal(r.status, 2);
  g_autofree char *want = g_strconcat(flow, ":4:1: states: must be a block mapping", NULL);
  assert_non_null(strstr(r.err, want));
  assert_false(g_file_test(none, G_FILE_TEST_EXISTS));
  tu_ran_clear(&r);
  g_unlink(flow);
  g_unlink(out);
  g_rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_fit_predicts_other_boots), cmocka_unit_test(test_fit_is_the_median),
                                     cmocka_unit_test(test_other_fits_load), cmocka_unit_test(test_fit_x86_path), cmocka_unit_test(test_fit_result),
                                     cmocka_unit_test(test_stalls_left_out), cmocka_unit_test(test_per_cpu_terms_kept),
                                     cmocka_unit_test(test_cli)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
