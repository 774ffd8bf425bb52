/* test_golden.c — golden event sequences and fingerprints for every profile in scenarios/, both
 * bringup modes, seed 1. A behavioural change of the model fails here with the first differing
 * event. After an intended change: CPUHPSIM_UPDATE_GOLDEN=1 ctest -R golden, and review the
 * diff of tests/data/golden/ in the commit. */
#include "tests/testutil.h"

#include <glib/gstdio.h>

#include "models/kernel/invariants.h"
#include "sim/output/fingerprint.h"

static void check_one(const char *yaml, const char *name, int parallel, GString *fingerprints) {
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(ov, g_strdup_printf("kernel.cpuhp_parallel=%s", parallel ? "true" : "false"));
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpProfile) p = cpuhp_machine_load_file(yaml, ov, &err);
  if (!p) fail_msg("%s", err->message);
  g_autoptr(CpuhpResult) r = tu_run(p, 1, TRUE);
  g_autoptr(GArray) bad = cpuhp_invariants_check(p, r); /* shipped scenarios obey the rules */
  if (bad->len) fail_msg("%s: %s", name, g_array_index(bad, CpuhpViolation, 0).detail);
  g_autoptr(GString) got = g_string_new(NULL);
  cpuhp_canonical_events(got, r);
  uint64_t fp = cpuhp_fingerprint(r);
  g_string_append_printf(fingerprints, "%s p%d seed 1: %016" G_GINT64_MODIFIER "x\n", name, parallel, fp);
  g_autofree char *path = g_strdup_printf("tests/data/golden/%s-p%d.events", name, parallel);
  if (g_getenv("CPUHPSIM_UPDATE_GOLDEN")) {
    assert_true(g_file_set_contents(path, got->str, (gssize)got->len, NULL));
    return;
  }
  g_autofree char *want = NULL;
  if (!g_file_get_contents(path, &want, NULL, NULL)) fail_msg("%s missing: run CPUHPSIM_UPDATE_GOLDEN=1 ctest -R golden", path);
  if (g_str_equal(want, got->str)) return;
  g_auto(GStrv) a = g_strsplit(want, "\n", -1), b = g_strsplit(got->str, "\n", -1);
  guint i = 0;
  while (a[i] && b[i] && g_str_equal(a[i], b[i])) i++;
  g_printerr("%s: first difference at line %u\n", path, i + 1);
  for (guint k = i > 2 ? i - 2 : 0; k < i + 3; k++) {
    if (k < g_strv_length(a)) g_printerr("  golden %5u: %s\n", k + 1, a[k]);
    if (k < g_strv_length(b)) g_printerr("  now    %5u: %s\n", k + 1, b[k]);
  }
  fail_msg("%s: event sequence changed", name);
}

static gint cmp_names(gconstpointer a, gconstpointer b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void test_golden_scenarios(void **state) {
  g_autoptr(GDir) d = g_dir_open("scenarios", 0, NULL);
  assert_non_null(d);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
  for (const char *f; (f = g_dir_read_name(d));)
    if (g_str_has_suffix(f, ".yaml")) g_ptr_array_add(files, g_strdup(f));
  g_ptr_array_sort(files, cmp_names); /* readdir order is not stable */
  assert_true(files->len >= 1);
  g_autoptr(GString) fps = g_string_new(NULL);
  for (guint i = 0; i < files->len; i++) {
    const char *f = files->pdata[i];
    g_autofree char *yaml = g_build_filename("scenarios", f, NULL);
    g_autofree char *name = g_strndup(f, strlen(f) - 5);
    for (int par = 0; par <= 1; par++) check_one(yaml, name, par, fps);
  }
  const char *list = "tests/data/golden/FINGERPRINTS";
  if (g_getenv("CPUHPSIM_UPDATE_GOLDEN")) {
    assert_true(g_file_set_contents(list, fps->str, (gssize)fps->len, NULL));
    return;
  }
  g_autofree char *want = NULL;
  assert_true(g_file_get_contents(list, &want, NULL, NULL));
  assert_string_equal(want, fps->str);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_golden_scenarios)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
