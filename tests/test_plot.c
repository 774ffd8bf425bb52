/* test_plot.c — `cpuhpsim plot`: one-line errors and exit 2 for bad input and for a missing
 * plotting tool (naming the Debian package); with gnuplot installed, non-empty PNG and SVG
 * figures from a profile, from run JSON and from sweep rows, the same bytes twice, an old
 * figure left alone by a failing run; with matplotlib, a PDF with embedded TrueType fonts.
 * Figures for papers: --size gives the PDF page, --data keeps the tables, and titles speak
 * the reader's words (no file names, no flags).
 * And the measured points of plots/data: each row is docs/profiles.md's figure, recomputed from the
 * real boots of tests/data/reference. */
#include "tests/testutil.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sys/wait.h>

#include <gio/gio.h>


static void assert_one_line(const char *s) {
  const char *nl = strchr(s, '\n');
  if (!nl || nl[1]) fail_msg("not one line: %s", s);
}

static void expect_fail(int status, const char *want, TuRan r) {
  if (r.status != status) fail_msg("exit %d, want %d: %s", r.status, status, r.err);
  assert_one_line(r.err);
  if (!strstr(r.err, want)) fail_msg("error does not say %s: %s", want, r.err);
  tu_ran_clear(&r);
}

static void test_errors(void **state) {
  g_autofree char *dir = g_dir_make_tmp("cpuhpsim-XXXXXX", NULL);
  g_autofree char *png = g_build_filename(dir, "f.png", NULL);
  g_autofree char *o = g_strconcat("--output=", png, NULL);
  expect_fail(2, "KIND", tu_run_env(NULL, "plot", NULL));
  expect_fail(2, "unknown KIND 'pie'", tu_run_env(NULL, "plot", "pie", o, NULL));
  expect_fail(2, "-o", tu_run_env(NULL, "plot", "timeline", NULL));
  expect_fail(2, "--size", tu_run_env(NULL, "plot", "timeline", o, "--size=wide", NULL));
  expect_fail(2, "--size", tu_run_env(NULL, "plot", "timeline", o, "--size=3x", NULL));
  expect_fail(2, "--size", tu_run_env(NULL, "plot", "timeline", o, "--size=3mm", NULL));
  expect_fail(2, "--font-size", tu_run_env(NULL, "plot", "timeline", o, "--font-size=0", NULL));
  expect_fail(2, ".png, .svg or .pdf", tu_run_env(NULL, "plot", "timeline", "-o", "x.jpg", NULL));
  expect_fail(2, "--backend", tu_run_env(NULL, "plot", "timeline", o, "--backend=excel", NULL));
  expect_fail(2, "--metric", tu_run_env(NULL, "plot", "cdf", o, "--metric=speed", NULL));
  expect_fail(2, "--reference", tu_run_env(NULL, "plot", "timeline", o, "--reference=plots/data/qemu-reference.tsv", NULL));
  expect_fail(2, "--runs", tu_run_env(NULL, "plot", "timeline", o, "--runs=3", NULL));
  expect_fail(2, "--where", tu_run_env(NULL, "plot", "cdf", o, "--where=nokey", NULL));
  expect_fail(2, "unexpected argument", tu_run_env(NULL, "plot", "timeline", "a.yaml", "b.yaml", o, NULL));
  expect_fail(2, "no hypervisor", tu_run_env(NULL, "plot", "vmexits", o, NULL)); /* bare metal */
  expect_fail(2, "skl-2s-112t has no boot: section", tu_run_env(NULL, "plot", "boot", o, NULL));
  expect_fail(2, "--cpus: boot draws machine sizes by --topology", tu_run_env(NULL, "plot", "boot", o, "--cpus=8", NULL));
  expect_fail(2, "--parallel", tu_run_env(NULL, "plot", "vmexits", "scenarios/qemu-arm64-kvm-128.yaml", "--parallel=1", o, NULL));
  /* a missing tool: one line naming the package, exit 2, before any simulation */
  g_auto(GStrv) env = g_get_environ();
  env = g_environ_setenv(env, "PATH", dir, TRUE); /* an empty folder: no gnuplot */
  env = g_environ_unsetenv(env, "CPUHPSIM_GNUPLOT");
  expect_fail(2, "apt-get install gnuplot", tu_run_env(env, "plot", "timeline", o, NULL));
  env = g_environ_setenv(env, "CPUHPSIM_PYTHON", "/nonexistent/python3", TRUE);
  expect_fail(2, "apt-get install python3-matplotlib", tu_run_env(env, "plot", "timeline", o, "--backend=matplotlib", NULL));
  assert_false(g_file_test(png, G_FILE_TEST_EXISTS));
  g_rmdir(dir);
}

static gboolean have_gnuplot(void) {
  g_autofree char *g = g_find_program_in_path("gnuplot");
  return g != NULL;
}

static gboolean contains(GBytes *b, const char *needle) {
  gsize len, n = strlen(needle);
  const char *d = g_bytes_get_data(b, &len);
  for (gsize i = 0; i + n <= len; i++)
    if (!memcmp(d + i, needle, n)) return TRUE;
  return FALSE;
}

/* Runs `plot ... -o DIR/NAME`, checks exit 0 and returns the figure's bytes. */
static GBytes *figure(const char *dir, const char *name, const char *const *args) {
  g_autofree char *path = g_build_filename(dir, name, NULL);
  g_autofree char *o = g_strconcat("--output=", path, NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new();
  g_ptr_array_add(argv, (gpointer)CPUHPSIM_BINARY);
  g_ptr_array_add(argv, (gpointer) "plot");
  for (const char *const *a = args; *a; a++) g_ptr_array_add(argv, (gpointer)*a);
  g_ptr_array_add(argv, o);
  g_ptr_array_add(argv, NULL);
  g_autofree char *out = NULL, *err = NULL;
  int wait = 0;
  if (!g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &wait, NULL) ||
      !g_spawn_check_wait_status(wait, NULL))
    fail_msg("plot %s failed: %s", name, err ? err : "");
  assert_string_equal(out, "");
  char *bytes;
  gsize len;
  assert_true(g_file_get_contents(path, &bytes, &len, NULL));
  g_unlink(path);
  return g_bytes_new_take(bytes, len);
}

/* The page of a PDF in points, from its first /MediaBox. */
static void page_size(GBytes *pdf, double *w, double *h) {
  gsize len;
  const char *d = g_bytes_get_data(pdf, &len), *key = "/MediaBox";
  for (gsize i = 0; i + strlen(key) < len; i++)
    if (!memcmp(d + i, key, strlen(key))) {
      g_autofree char *s = g_strndup(d + i, MIN(len - i, 80));
      double x0, y0;
      assert_int_equal(sscanf(s, "/MediaBox [ %lf %lf %lf %lf", &x0, &y0, w, h), 4);
      return;
    }
  fail_msg("no /MediaBox");
}

/* --data=FILE's text; the labels in it read as words: no file names, no flags. */
static char *data_of(const char *path) {
  char *text = NULL;
  assert_true(g_file_get_contents(path, &text, NULL, NULL));
  g_unlink(path);
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  for (char **l = lines; *l; l++) {
    if (!g_str_has_prefix(*l, "# title: ") && !g_str_has_prefix(*l, "# subtitle: ") && !g_str_has_prefix(*l, "# xlabel: ") &&
        !g_str_has_prefix(*l, "# bars: ") && !g_str_has_prefix(*l, "# series: "))
      continue;
    if (strstr(*l, ".jsonl") || strstr(*l, ".csv") || strstr(*l, ".json") || strstr(*l, "--"))
      fail_msg("a label with a file name or a flag: %s", *l);
  }
  return text;
}

/* Figures for papers from one back end: a column-wide PDF page, --data's tables, labels in words. */
static void paper(const char *dir, const char *backend, const char *rows) {
  g_autofree char *data = g_build_filename(dir, "fig.tsv", NULL);
  g_autofree char *dopt = g_strconcat("--data=", data, NULL), *bopt = g_strconcat("--backend=", backend, NULL);
  const char *col[] = {"cdf", "--cpus=8", "--runs=10", "--size=column", "--font-size=8", bopt, dopt, NULL};
  g_autoptr(GBytes) a = figure(dir, "col.pdf", col);
  double w, h;
  page_size(a, &w, &h);
  if (fabs(w - 3.33 * 72) > 1 || fabs(h - 3.33 * 0.65 * 72) > 1) fail_msg("%s: page %g x %g pt", backend, w, h);
  g_autofree char *cd = data_of(data);
  assert_non_null(strstr(cd, "# kind: cdf\n"));
  assert_non_null(strstr(cd, "# width_in: 3.33\n# height_in: 2.1645\n# font_pt: 8\n"));
  assert_non_null(strstr(cd, "# table cdf_0\n# value_ms\tfraction_of_runs_at_or_below\n"));
  assert_non_null(strstr(cd, "# table cdf_1\n"));
  const char *cm[] = {"timeline", "--cpus=4", "--size=8.5x5.5cm", bopt, NULL};
  g_autoptr(GBytes) b = figure(dir, "cm.pdf", cm);
  page_size(b, &w, &h);
  if (fabs(w - 8.5 / 2.54 * 72) > 1 || fabs(h - 5.5 / 2.54 * 72) > 1) fail_msg("%s: page %g x %g pt", backend, w, h);
  /* without the options: the page the script chose, and no size in the data */
  const char *plain[] = {"cdf", "--cpus=8", "--runs=10", bopt, dopt, NULL};
  g_autoptr(GBytes) c = figure(dir, "plain.pdf", plain);
  page_size(c, &w, &h);
  if (fabs(w - 3.33 * 72) < 20) fail_msg("%s: a figure without --size is column-wide", backend);
  g_autofree char *pd = data_of(data);
  assert_null(strstr(pd, "width_in"));
  assert_null(strstr(pd, "font_pt"));
  /* from sweep rows: the profile and the selection in words */
  const char *sr[] = {"scaling", rows, "--where=policy=kernel", bopt, dopt, NULL};
  g_autoptr(GBytes) d = figure(dir, "sr.svg", sr);
  assert_true(g_bytes_get_size(d) > 0);
  g_autofree char *sd = data_of(data);
  assert_non_null(strstr(sd, "# title: Bringup time against CPU count: skl-2s-112t\n"));
  assert_non_null(strstr(sd, "# subtitle: from a sweep, policy kernel: mean per point"));
  assert_non_null(strstr(sd, "# table series_0\n# cpus\tmean_ms\tmin_ms\tmax_ms\truns\n4\t"));
  const char *cr[] = {"cdf", rows, "--where=cpus=8", bopt, dopt, NULL};
  g_autoptr(GBytes) e = figure(dir, "cr.svg", cr);
  assert_true(g_bytes_get_size(e) > 0);
  g_autofree char *rd = data_of(data);
  assert_non_null(strstr(rd, "from a sweep, 8 CPUs"));
  /* simulated machine sizes in words */
  const char *st[] = {"scaling", "--topology=1x2x1,1x4x1", "--runs=1", bopt, dopt, NULL};
  g_autoptr(GBytes) f = figure(dir, "st.svg", st);
  assert_true(g_bytes_get_size(f) > 0);
  g_autofree char *td = data_of(data);
  assert_non_null(strstr(td, "# xlabel: logical CPUs (simulated: topologies 1x2x1 to 1x4x1)\n"));
}

static void assert_png(GBytes *b) {
  gsize len;
  const guint8 *d = g_bytes_get_data(b, &len);
  assert_true(len > 2000);
  assert_memory_equal(d, "\x89PNG\r\n\x1a\n", 8);
}

/* The python3 `plot` would use: python3 on PATH, else Debian's. */
static gboolean have_matplotlib(void) {
  const char *cands[] = {"python3", "/usr/bin/python3"};
  for (guint i = 0; i < G_N_ELEMENTS(cands); i++) {
    g_autofree char *py = g_find_program_in_path(cands[i]);
    if (!py) continue;
    const char *argv[] = {py, "-c", "import matplotlib", NULL};
    int wait = 0;
    if (g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL,
                     NULL, &wait, NULL) &&
        g_spawn_check_wait_status(wait, NULL))
      return TRUE;
  }
  return FALSE;
}

static void test_gnuplot(void **state) {
  if (!have_gnuplot()) skip(); /* plotting is optional: apt-get install gnuplot */
  g_autofree char *dir = g_dir_make_tmp("cpuhpsim-XXXXXX", NULL);
  /* from a profile, each kind */
  const char *tl[] = {"timeline", "--cpus=8", NULL};
  g_autoptr(GBytes) a = figure(dir, "t.png", tl);
  assert_png(a);
  g_autoptr(GBytes) b = figure(dir, "t.png", tl);
  assert_true(g_bytes_equal(a, b)); /* same data, same figure */
  const char *ph[] = {"phases", "--cpus=8", NULL};
  g_autoptr(GBytes) c = figure(dir, "p.png", ph);
  assert_png(c);
  const char *cd[] = {"cdf", "--cpus=8", "--runs=20", "--policy=kernel", "--policy=waves:2", NULL};
  g_autoptr(GBytes) d = figure(dir, "c.png", cd);
  assert_png(d);
  const char *vx[] = {"vmexits", "scenarios/qemu-arm64-kvm-128.yaml", "--set=topology.cores_per_socket=8", NULL};
  g_autoptr(GBytes) vxa = figure(dir, "vx.svg", vx);
  assert_true(contains(vxa, "cpuhp.parallel=1 (bringup "));
  assert_true(contains(vxa, "HVC64"));
  const char *bt[] = {"boot", "scenarios/qemu-tcg-icount-x86_64.yaml", "--topology=1x1x1,1x8x1", NULL};
  g_autoptr(GBytes) bta = figure(dir, "bt.svg", bt);
  assert_true(contains(bta, "Where the boot time goes: qemu-tcg-icount-x86_64"));
  assert_true(contains(bta, "8 CPUs"));
  assert_true(contains(bta, "kernel entry to smp_init"));
  const char *sc[] = {"scaling", "scenarios/qemu-tcg-icount-x86_64.yaml", "--topology=1x2x1,1x4x1", "--runs=2",
                      "--reference=plots/data/qemu-reference.tsv", NULL};
  g_autoptr(GBytes) e = figure(dir, "s.svg", sc);
  g_autofree char *svg = g_strndup(g_bytes_get_data(e, NULL), g_bytes_get_size(e));
  assert_non_null(strstr(svg, "<svg"));
  assert_non_null(strstr(svg, "measured, cpuhp.parallel=0 (real boots)"));
  assert_non_null(strstr(svg, "Bringup time against CPU count: qemu-tcg-icount-x86_64"));

  /* from files of ours: run JSON and sweep rows (JSON lines and CSV give the same series) */
  g_autofree char *json = g_build_filename(dir, "run.json", NULL);
  TuRan r = tu_run_env(NULL, "run", "--cpus=8", "--format=json", NULL);
  assert_int_equal(r.status, 0);
  assert_true(g_file_set_contents(json, r.out, -1, NULL));
  tu_ran_clear(&r);
  const char *tj[] = {"timeline", json, NULL};
  g_autoptr(GBytes) f = figure(dir, "tj.png", tj);
  assert_png(f);
  const char *pj[] = {"phases", json, json, NULL};
  g_autoptr(GBytes) g = figure(dir, "pj.png", pj);
  assert_png(g);
  g_autofree char *yaml = g_build_filename(dir, "sweep.yaml", NULL);
  g_autofree char *prof = g_build_filename(CPUHPSIM_SOURCE_DIR, "scenarios", "skl-2s-112t.yaml", NULL);
  g_autofree char *sweep = g_strdup_printf("profile: %s\nseed: 1\nruns: 3\naxes:\n  cpus: [4, 8]\n  policy: [kernel, serial]\n", prof);
  assert_true(g_file_set_contents(yaml, sweep, -1, NULL));
  g_autofree char *rows = g_build_filename(dir, "rows.jsonl", NULL), *csv = g_build_filename(dir, "rows.csv", NULL);
  TuRan s1 = tu_run_env(NULL, "sweep", yaml, "-o", rows, NULL), s2 = tu_run_env(NULL, "sweep", yaml, "--format=csv", "-o", csv, NULL);
  assert_int_equal(s1.status, 0);
  assert_int_equal(s2.status, 0);
  tu_ran_clear(&s1);
  tu_ran_clear(&s2);
  const char *sj[] = {"scaling", rows, NULL};
  g_autoptr(GBytes) h = figure(dir, "sj.svg", sj);
  const char *sv[] = {"scaling", csv, NULL};
  g_autoptr(GBytes) k = figure(dir, "sv.svg", sv);
  g_autofree char *hs = g_strndup(g_bytes_get_data(h, NULL), g_bytes_get_size(h));
  g_autofree char *ks = g_strndup(g_bytes_get_data(k, NULL), g_bytes_get_size(k));
  assert_non_null(strstr(hs, ">serial<"));
  assert_non_null(strstr(ks, ">serial<"));
  const char *cj[] = {"cdf", rows, "--where=cpus=8", NULL};
  g_autoptr(GBytes) l = figure(dir, "cj.png", cj);
  assert_png(l);
  paper(dir, "gnuplot", rows);
  if (have_matplotlib()) paper(dir, "matplotlib", rows);

  /* a failing plot leaves an existing figure alone */
  g_autofree char *keep = g_build_filename(dir, "keep.png", NULL);
  g_autofree char *o = g_strconcat("--output=", keep, NULL);
  assert_true(g_file_set_contents(keep, "old", -1, NULL));
  TuRan bad = tu_run_env(NULL, "plot", "timeline", "--cpus=0", o, NULL);
  assert_int_equal(bad.status, 2);
  tu_ran_clear(&bad);
  TuRan bad2 = tu_run_env(NULL, "plot", "scaling", rows, "--where=cpus=999", o, NULL);
  assert_int_equal(bad2.status, 2);
  assert_one_line(bad2.err);
  tu_ran_clear(&bad2);
  g_autofree char *kept = NULL;
  assert_true(g_file_get_contents(keep, &kept, NULL, NULL));
  assert_string_equal(kept, "old");
  const char *files[] = {keep, json, yaml, rows, csv};
  for (guint i = 0; i < G_N_ELEMENTS(files); i++) g_unlink(files[i]);
  assert_int_equal(g_rmdir(dir), 0); /* and nothing else was left in it */
}

static void test_matplotlib(void **state) {
  if (!have_matplotlib()) skip(); /* apt-get install python3-matplotlib */
  g_autofree char *dir = g_dir_make_tmp("cpuhpsim-XXXXXX", NULL);
  const char *tl[] = {"timeline", "--cpus=8", "--backend=matplotlib", NULL};
  g_autoptr(GBytes) a = figure(dir, "t.pdf", tl);
  g_autoptr(GBytes) b = figure(dir, "t.pdf", tl);
  assert_true(g_bytes_get_size(a) > 2000);
  assert_memory_equal(g_bytes_get_data(a, NULL), "%PDF-", 5);
  assert_true(contains(a, "/FontFile2"));  /* TrueType font program embedded */
  assert_false(contains(a, "/Type3"));     /* no bitmap-ish Type 3 fonts */
  assert_true(g_bytes_equal(a, b));        /* no creation date: same bytes */
  const char *sc[] = {"scaling", "scenarios/qemu-tcg-mttcg-x86_64.yaml", "--topology=1x2x1,1x4x1", "--runs=2",
                      "--reference=plots/data/qemu-reference.tsv", "--backend=matplotlib", NULL};
  g_autoptr(GBytes) c = figure(dir, "s.png", sc);
  assert_png(c);
  const char *ph[] = {"phases", "--cpus=4", "--backend=matplotlib", NULL};
  g_autoptr(GBytes) d = figure(dir, "p.svg", ph);
  assert_true(contains(d, "<svg"));
  const char *cd[] = {"cdf", "--cpus=4", "--runs=10", "--backend=matplotlib", NULL};
  g_autoptr(GBytes) e = figure(dir, "c.pdf", cd);
  assert_true(contains(e, "/FontFile2"));
  assert_int_equal(g_rmdir(dir), 0);
}

/* ---- plots/data/qemu-reference.tsv --------------------------------------------------------- */


static void test_reference_data(void **state) {
  g_autofree char *text = NULL, *readme = NULL;
  assert_true(g_file_get_contents("plots/data/qemu-reference.tsv", &text, NULL, NULL));
  assert_true(g_file_get_contents("docs/profiles.md", &readme, NULL, NULL));
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  guint rows = 0, recomputed = 0;
  for (char **l = lines; *l; l++) {
    if (!**l || **l == '#') continue;
    g_auto(GStrv) f = g_strsplit(*l, "\t", -1);
    assert_int_equal(g_strv_length(f), 6);
    double v = g_ascii_strtod(f[3], NULL);
    g_auto(GStrv) boots = g_strsplit(f[5], ",", -1);
    if (g_str_has_prefix(boots[0], "tests/data/beyond/")) { /* a boot kept here: always at hand */
      assert_string_equal(f[4], "dmesg");
      assert_int_equal(g_strv_length(boots), 1);
      /* docs/profiles.md's "Predictions beyond the reference data" row for it gives this value as real */
      guint sk, co, th;
      assert_int_equal(sscanf(f[1], "%ux%ux%u", &sk, &co, &th), 3);
      g_autofree char *smp = sk > 1 || th > 1 ? g_strdup_printf("%u,sockets=%u,cores=%u,threads=%u", sk * co * th, sk, co, th)
                                              : g_strdup_printf("%u", co);
      gboolean arm = g_str_has_prefix(f[0], "qemu-arm64");
      g_autofree char *row_start = arm ? g_strdup_printf("\n| `%s` | `%s` | - ", f[0], smp)
                                       : g_strdup_printf("\n| `%s` | `%s` | %s | ", f[0], smp, f[2]);
      const char *row = strstr(readme, row_start);
      if (!row) fail_msg("docs/profiles.md has no prediction row for %s %s p%s", f[0], smp, f[2]);
      g_auto(GStrv) cells = g_strsplit(row + 1, "|", 8);
      assert_true(g_strv_length(cells) >= 7);
      if (fabs(g_ascii_strtod(g_strstrip(cells[5]), NULL) - v) > 1e-9)
        fail_msg("%s: %s in plots/data, %s in docs/profiles.md", boots[0], f[3], cells[5]);
      double real = tu_dmesg_window_ms(boots[0]);
      if (fabs(real - v) > 0.05 + 1e-9) fail_msg("%s: the boot gives %.3f ms, plots/data says %.1f", boots[0], real, v);
      rows++;
      recomputed++;
      continue;
    }
    /* the docs/profiles.md row of this configuration ("| icount_2_p0 | role | real |") has this value */
    g_autofree char *base = g_path_get_basename(boots[0]);
    char *cut = strstr(base, "_noftrace");
    if (!cut) cut = strstr(base, "_r1");
    assert_non_null(cut);
    *cut = '\0';
    g_autofree char *row_start = g_strdup_printf("\n| %s | ", base);
    const char *row = strstr(readme, row_start);
    if (!row) fail_msg("docs/profiles.md has no row for %s", base);
    g_auto(GStrv) cells = g_strsplit(row + 1, "|", 5);
    assert_true(g_strv_length(cells) >= 4);
    if (fabs(g_ascii_strtod(g_strstrip(cells[3]), NULL) - v) > 1e-9)
      fail_msg("%s: %s in plots/data, %s in docs/profiles.md", base, f[3], cells[3]);
    /* and the value recomputed from the real boots */
    double ms[3];
    guint n = 0;
    for (guint i = 0; boots[i]; i++) {
      g_autofree char *path = g_build_filename("tests/data/reference/traces", boots[i], NULL);
      if (!g_file_test(path, G_FILE_TEST_EXISTS)) fail_msg("%s: missing", path);
      if (!strcmp(f[4], "dmesg"))
        ms[n++] = tu_dmesg_window_ms(path);
      else if (!strcmp(f[4], "tsc-median"))
        ms[n++] = tu_mttcg_bringup_ms(path);
      else
        fail_msg("unknown method %s", f[4]);
    }
    rows++;
    qsort(ms, n, sizeof ms[0], tu_cmp_double);
    double real = ms[n / 2];
    if (fabs(real - v) > 0.05 + 1e-9) fail_msg("%s: the boots give %.3f ms, plots/data says %.1f", base, real, v);
    recomputed++;
  }
  assert_int_equal(rows, 30);
  assert_int_equal(recomputed, rows); /* every row, from its boots */
  print_message("plots/data/qemu-reference.tsv: %u rows match docs/profiles.md, %u recomputed from the real boots\n", rows, recomputed);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_gnuplot),
      cmocka_unit_test(test_matplotlib),
      cmocka_unit_test(test_reference_data),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
