/* test_perfetto.c — the Chrome trace-event JSON of `run --perfetto` and `import --perfetto`:
 * strictly valid JSON (our own strict reader, and python3's json module when there is one),
 * slices that nest properly on every track, the tracks and counters the viewer needs, and the
 * same bytes for the same run. Also the strict JSON reader itself. */
#include "tests/testutil.h"

#include <glib/gstdio.h>
#include <sys/wait.h>

#include "models/replay/replay.h"
#include "sim/output/bootlog.h"
#include "sim/output/json.h"
#include "sim/output/perfetto.h"

/* ---- the strict reader ------------------------------------------------------------------ */

static void test_json_reader(void **state) {
  static const char *const good[] = {
      "{}", "[]", " {\"a\": [1, -0, 0.5, 1e3, 2E-2, true, false, null, \"x\\u00e9\\ud83d\\ude00\\n\"]}\n", "\"s\"", "0",
  };
  for (guint i = 0; i < G_N_ELEMENTS(good); i++) {
    g_autoptr(GError) err = NULL;
    g_autoptr(SimJson) j = sim_json_parse(good[i], strlen(good[i]), &err);
    if (!j) fail_msg("%s: %s", good[i], err->message);
  }
  static const char *const bad[] = {
      "",           "{",           "[1,]",          "{\"a\":1,}",    "01",           "1.",          "-",
      ".5",         "1e",          "{\"a\" 1}",     "{a: 1}",        "\"\t\"",       "\"\\x\"",     "\"\\ud800\"",
      "\"\\udc00\"", "[1] [2]",     "{\"a\":1,\"a\":2}", "tru",       "'s'",          "[1 2]",       "\xff",
      "NaN",        "\"abc",
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) err = NULL;
    g_autoptr(SimJson) j = sim_json_parse(bad[i], strlen(bad[i]), &err);
    if (j) fail_msg("accepted bad JSON: %s", bad[i]);
    assert_non_null(err);
    assert_null(strchr(err->message, '\n'));
  }
  g_autoptr(SimJson) n = sim_json_parse("[12.345, 7, -0.5, 1.2345]", 25, NULL);
  int64_t v;
  assert_true(sim_json_milli(n->items->pdata[0], &v));
  assert_int_equal(v, 12345);
  assert_true(sim_json_milli(n->items->pdata[1], &v));
  assert_int_equal(v, 7000);
  assert_true(sim_json_milli(n->items->pdata[2], &v));
  assert_int_equal(v, -500);
  assert_false(sim_json_milli(n->items->pdata[3], &v)); /* sub-ns: not ours */
  assert_true(sim_json_int(n->items->pdata[1], &v));
  assert_false(sim_json_int(n->items->pdata[0], &v));
}

/* ---- checking a trace ------------------------------------------------------------------- */

typedef struct {
  int64_t start, end;
  const char *name, *cat;
} Span;

static int cmp_span(const void *a, const void *b) {
  const Span *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  return (x->end < y->end) - (x->end > y->end); /* longer first: the parent */
}

typedef struct {
  guint n_slices, n_cpuhp, n_phase, n_wait, n_cpu_up, n_unfinished, n_threads;
  guint n_wake, n_early, n_online_phase, n_ucode; /* phases by name */
  int online_last, online_max, spin_last, spin_max;
  gboolean has_spin;
} Summary;

static int64_t milli(const SimJson *ev, const char *key) {
  int64_t v = 0;
  if (!sim_json_milli(sim_json_get(ev, key), &v)) fail_msg("event without a fixed-point %s", key);
  return v;
}

/* Parses `text` strictly and checks every rule of perfetto.h; returns what it counted. */
static Summary check_trace(const char *text, guint n_cpus) {
  Summary s = {.online_last = -1, .spin_last = -1};
  g_autoptr(GError) err = NULL;
  g_autoptr(SimJson) root = sim_json_parse(text, strlen(text), &err);
  if (!root) fail_msg("invalid JSON: %s", err->message);
  const SimJson *evs = sim_json_get(root, "traceEvents");
  assert_non_null(evs);
  assert_int_equal(evs->type, SIM_JSON_ARRAY);
  assert_string_equal(sim_json_get_str(root, "displayTimeUnit"), "ns");
  g_autoptr(GHashTable) tracks = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, (GDestroyNotify)g_array_unref);
  g_autofree gboolean *named = g_new0(gboolean, n_cpus);
  gboolean process_named = FALSE;
  for (guint i = 0; i < evs->items->len; i++) {
    const SimJson *ev = evs->items->pdata[i];
    const char *ph = sim_json_get_str(ev, "ph"), *name = sim_json_get_str(ev, "name");
    int64_t pid = -1, tid = -1;
    assert_non_null(ph);
    assert_non_null(name);
    assert_true(sim_json_int(sim_json_get(ev, "pid"), &pid));
    assert_int_equal(pid, 1);
    const SimJson *args = sim_json_get(ev, "args");
    if (!strcmp(ph, "M")) {
      if (!strcmp(name, "process_name")) process_named = !strcmp(sim_json_get_str(args, "name"), "machine");
      if (!strcmp(name, "thread_name")) {
        assert_true(sim_json_int(sim_json_get(ev, "tid"), &tid));
        assert_true(tid >= 0 && tid < (int64_t)n_cpus);
        g_autofree char *want = tid ? g_strdup_printf("CPU%d (AP, cpuhp/%d)", (int)tid, (int)tid) : g_strdup("CPU0 (BP, swapper/0)");
        assert_string_equal(sim_json_get_str(args, "name"), want);
        named[tid] = TRUE;
        s.n_threads++;
      }
    } else if (!strcmp(ph, "X")) {
      assert_true(sim_json_int(sim_json_get(ev, "tid"), &tid));
      assert_true(tid >= 0 && tid < (int64_t)n_cpus);
      Span sp = {milli(ev, "ts"), 0, name, sim_json_get_str(ev, "cat")};
      int64_t dur = milli(ev, "dur");
      assert_true(dur >= 0);
      assert_true(sp.start >= 0);
      sp.end = sp.start + dur;
      assert_null(sim_json_get(args, "clipped")); /* nothing needed fixing */
      if (sim_json_get(args, "unfinished")) s.n_unfinished++;
      GArray *t = g_hash_table_lookup(tracks, GINT_TO_POINTER(tid));
      if (!t) g_hash_table_insert(tracks, GINT_TO_POINTER(tid), t = g_array_new(FALSE, FALSE, sizeof(Span)));
      g_array_append_val(t, sp);
      s.n_slices++;
      assert_non_null(sp.cat);
      if (!strcmp(sp.cat, "cpuhp")) s.n_cpuhp++;
      else if (!strcmp(sp.cat, "phase")) {
        s.n_phase++;
        s.n_wake += !strcmp(name, "wake-up (kick to first instruction)");
        s.n_early += !strcmp(name, "early boot to ALIVE");
        s.n_online_phase += !strcmp(name, "ONLINE (cpuhp/N callbacks)");
        s.n_ucode += !strcmp(name, "microcode write (load_ucode_ap)");
      }
      else if (!strcmp(sp.cat, "wait")) s.n_wait++;
      else if (!strcmp(sp.cat, "cpu_up")) s.n_cpu_up++;
      else fail_msg("unknown category %s", sp.cat);
    } else if (!strcmp(ph, "C")) {
      int64_t v;
      milli(ev, "ts");
      if (!strcmp(name, "CPUs online")) {
        assert_true(sim_json_int(sim_json_get(args, "cpus"), &v));
        assert_true(v >= s.online_last); /* CPUs only come online during bringup */
        s.online_last = (int)v;
        s.online_max = MAX(s.online_max, (int)v);
      } else if (!strcmp(name, "APs spinning at ALIVE")) {
        assert_true(sim_json_int(sim_json_get(args, "aps"), &v));
        assert_true(v >= 0);
        s.has_spin = TRUE;
        s.spin_last = (int)v;
        s.spin_max = MAX(s.spin_max, (int)v);
      } else {
        fail_msg("unknown counter %s", name);
      }
    } else if (!strcmp(ph, "i")) {
      milli(ev, "ts");
    } else {
      fail_msg("unexpected event type %s", ph);
    }
  }
  assert_true(process_named);
  assert_int_equal(s.n_threads, n_cpus);
  for (guint c = 0; c < n_cpus; c++) assert_true(named[c]);
  /* nesting: on each track, sorted by start (parents first), every slice ends inside the
   * innermost slice that contains its start */
  GHashTableIter it;
  gpointer key, val;
  g_hash_table_iter_init(&it, tracks);
  while (g_hash_table_iter_next(&it, &key, &val)) {
    GArray *t = val;
    qsort(t->data, t->len, sizeof(Span), cmp_span);
    g_autoptr(GArray) stack = g_array_new(FALSE, FALSE, sizeof(Span));
    for (guint i = 0; i < t->len; i++) {
      const Span *sp = &g_array_index(t, Span, i);
      while (stack->len) {
        const Span *top = &g_array_index(stack, Span, stack->len - 1);
        if (top->end > sp->start || (top->start == sp->start && top->end == sp->end)) break;
        g_array_set_size(stack, stack->len - 1);
      }
      if (stack->len) {
        const Span *top = &g_array_index(stack, Span, stack->len - 1);
        if (sp->end > top->end)
          fail_msg("track %d: %s [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "] overlaps %s [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]",
                   GPOINTER_TO_INT(key), sp->name, sp->start, sp->end, top->name, top->start, top->end);
      }
      g_array_append_val(stack, *sp);
    }
  }
  return s;
}

static guint enters(const CpuhpResult *r) {
  guint n = 0;
  for (guint i = 0; i < r->trace->len; i++) n += g_array_index(r->trace, CpuhpTraceEvent, i).type != CPUHP_TRACE_EXIT;
  return n;
}

static char *trace_of(const CpuhpResult *r) {
  GString *s = g_string_new(NULL);
  cpuhp_perfetto_write(s, r);
  return g_string_free(s, FALSE);
}

/* ---- simulated runs --------------------------------------------------------------------- */

static void test_default_112(void **state) {
  g_autoptr(CpuhpProfile) p = tu_profile(NULL);
  g_autoptr(CpuhpResult) r = tu_run(p, 1, TRUE);
  assert_int_equal(r->n_cpus, 112);
  g_autofree char *a = trace_of(r);
  Summary s = check_trace(a, r->n_cpus);
  assert_int_equal(s.n_cpuhp, enters(r));    /* one slice per callback */
  /* every AP's phases; the microcode write on the 55 primary APs (siblings find it current) */
  assert_int_equal(s.n_wake, 111);
  assert_int_equal(s.n_early, 111);
  assert_int_equal(s.n_online_phase, 111);
  assert_int_equal(s.n_ucode, 55);
  assert_true(s.n_wait >= 111 * 2);      /* the BP's waits in each bringup step (an empty one is left out) */
  assert_int_equal(s.n_cpu_up, 111 * 2); /* parallel: a kick pass and an online pass per AP */
  assert_int_equal(s.n_unfinished, 0);
  assert_int_equal(s.online_last, 112);
  assert_true(s.has_spin);
  assert_int_equal(s.spin_last, 0);
  assert_true(s.spin_max > 1); /* parallel: many APs wait at ALIVE at once */
  /* the same run, the same bytes; a fresh run of the same inputs too */
  g_autofree char *b = trace_of(r);
  assert_string_equal(a, b);
  g_autoptr(CpuhpResult) r2 = tu_run(p, 1, TRUE);
  g_autofree char *c = trace_of(r2);
  assert_string_equal(a, c);
}

static void test_serial_and_faults(void **state) {
  g_autoptr(CpuhpProfile) p = tu_profile("kernel.cpuhp_parallel=false", NULL);
  g_autoptr(CpuhpResult) r = tu_run(p, 3, TRUE);
  g_autofree char *a = trace_of(r);
  Summary s = check_trace(a, r->n_cpus);
  assert_int_equal(s.n_cpu_up, 111); /* serial: one cpu_up() per AP */
  assert_int_equal(s.spin_max, 1);   /* serial: never two APs at ALIVE */
  assert_int_equal(s.online_last, 112);

  /* a PREPARE failure, an ONLINE failure, an AP that never runs: rolled back, still nested */
  g_autoptr(CpuhpProfile) q = tu_profile("topology.nr_cpus=8", NULL);
  static const struct {
    const char *spec;
    gboolean no_alive;
  } specs[] = {{"2:workqueue:prepare", FALSE}, {"3:sched:active", FALSE}, {"5", TRUE}};
  CpuhpFault faults[G_N_ELEMENTS(specs)];
  for (guint i = 0; i < G_N_ELEMENTS(specs); i++) {
    g_autoptr(GError) err = NULL;
    if (!cpuhp_fault_parse(q, specs[i].no_alive ? "--no-alive" : "--fail", specs[i].spec, specs[i].no_alive, &faults[i], &err))
      fail_msg("%s", err->message);
  }
  for (guint par = 0; par < 2; par++) {
    g_autoptr(CpuhpProfile) q2 = tu_profile("topology.nr_cpus=8", par ? "kernel.cpuhp_parallel=true" : "kernel.cpuhp_parallel=false", NULL);
    CpuhpRunOptions opt = {.seed = 1, .trace = TRUE, .faults = faults, .n_faults = G_N_ELEMENTS(faults)};
    g_autoptr(GError) err = NULL;
    g_autoptr(CpuhpResult) f = cpuhp_bringup_run(q2, &opt, &err);
    if (!f) fail_msg("%s", err->message);
    g_autofree char *t = trace_of(f);
    Summary fs = check_trace(t, f->n_cpus);
    assert_int_equal(fs.online_last, (int)f->cpus_online);
    assert_true(fs.n_unfinished >= 1); /* the failed CPUs' open phases say so */
    assert_int_equal(fs.spin_last, 0);
  }
}

/* ---- the command line -------------------------------------------------------------------- */

static int spawn(const char *const *argv, char **out, char **err) {
  int wait = 0;
  g_autoptr(GError) e = NULL;
  if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err, &wait, &e)) fail_msg("spawn: %s", e->message);
  return g_spawn_check_wait_status(wait, NULL) ? 0 : (WIFEXITED(wait) ? WEXITSTATUS(wait) : 128);
}

static void assert_one_line(const char *s) {
  const char *nl = strchr(s, '\n');
  assert_non_null(nl);
  assert_int_equal(nl[1], '\0');
}

/* python3's own json module agrees it is JSON (skipped without python3) */
static void python_accepts(const char *path) {
  g_autofree char *py = g_find_program_in_path("python3");
  if (!py) return;
  const char *argv[] = {py, "-c", "import json, sys; json.load(open(sys.argv[1], encoding='utf-8'))", path, NULL};
  g_autofree char *out = NULL, *err = NULL;
  if (spawn(argv, &out, &err) != 0) fail_msg("python3 json.load refused %s: %s", path, err);
}

static void test_cli(void **state) {
  g_autofree char *dir = g_dir_make_tmp("cpuhpsim-XXXXXX", NULL);
  g_autofree char *f1 = g_build_filename(dir, "a.json", NULL), *f2 = g_build_filename(dir, "b.json", NULL);
  g_autofree char *o1 = g_strconcat("--perfetto=", f1, NULL), *o2 = g_strconcat("--perfetto=", f2, NULL);
  g_autofree char *out = NULL, *err = NULL;
  const char *a1[] = {CPUHPSIM_BINARY, "run", o1, NULL};
  assert_int_equal(spawn(a1, &out, &err), 0);
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  const char *a2[] = {CPUHPSIM_BINARY, "run", o2, NULL};
  assert_int_equal(spawn(a2, &out, &err), 0);
  g_autofree char *t1 = NULL, *t2 = NULL;
  assert_true(g_file_get_contents(f1, &t1, NULL, NULL));
  assert_true(g_file_get_contents(f2, &t2, NULL, NULL));
  assert_string_equal(t1, t2); /* deterministic bytes across two processes */
  Summary s = check_trace(t1, 112);
  assert_int_equal(s.online_last, 112);
  python_accepts(f1);
  /* the file equals what the library writes for the same run */
  g_autoptr(CpuhpProfile) p = tu_profile(NULL);
  g_autoptr(CpuhpResult) r = tu_run(p, 1, TRUE);
  g_autofree char *lib = trace_of(r);
  assert_string_equal(t1, lib);

  static const char *const bad[][2] = {{"--perfetto=", "--perfetto"}, {"--runs=2", "--perfetto"}};
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    const char *argv[] = {CPUHPSIM_BINARY, "run", bad[i][0], i ? o1 : NULL, NULL};
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    assert_int_equal(spawn(argv, &out, &err), 2);
    assert_one_line(err);
    assert_non_null(strstr(err, bad[i][1]));
  }
  /* an unwritable output: exit 1, one line, nothing left behind */
  g_autofree char *nodir = g_build_filename(dir, "missing", "x.json", NULL);
  g_autofree char *o3 = g_strconcat("--perfetto=", nodir, NULL);
  const char *a3[] = {CPUHPSIM_BINARY, "run", "--cpus=4", o3, NULL};
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  assert_int_equal(spawn(a3, &out, &err), 1);
  assert_one_line(err);
  assert_false(g_file_test(nodir, G_FILE_TEST_EXISTS));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  g_unlink(f1);
  g_unlink(f2);
  g_rmdir(dir);
}

/* ---- a real boot, imported ------------------------------------------------------------- */

static void test_import(void **state) {
  static const struct {
    const char *file;
    guint cpus;
  } boots[] = {{"tests/data/traces/icount_4_p1_r1.txt", 4}, {"tests/data/traces/icount_8s1c4t2_p1_r1.txt", 8},
               {"tests/data/replay/mttcg_2_p1_r1.txt.gz", 2}};
  guint checked = 0;
  for (guint i = 0; i < G_N_ELEMENTS(boots); i++) {
    if (!g_file_test(boots[i].file, G_FILE_TEST_EXISTS)) continue;
    g_autoptr(GError) err = NULL;
    g_autoptr(CpuhpMeasured) m = sim_bootlog_measure_file(boots[i].file, &err);
    if (!m) fail_msg("%s", err->message);
    g_autoptr(CpuhpResult) r = cpuhp_perfetto_result_from_measured(m);
    g_autofree char *t = trace_of(r);
    Summary s = check_trace(t, r->n_cpus);
    assert_int_equal(r->n_cpus, boots[i].cpus);
    assert_int_equal(s.online_last, (int)boots[i].cpus);
    assert_false(s.has_spin);     /* a trace does not show ALIVE: no counter made up */
    assert_int_equal(s.n_phase, 0); /* nor phases */
    assert_true(s.n_cpuhp > 10 * (boots[i].cpus - 1));
    /* `cpuhpsim import FILE --perfetto=OUT` writes the same bytes */
    g_autofree char *dir = g_dir_make_tmp("cpuhpsim-XXXXXX", NULL);
    g_autofree char *f = g_build_filename(dir, "imp.json", NULL);
    g_autofree char *o = g_strconcat("--perfetto=", f, NULL);
    const char *argv[] = {CPUHPSIM_BINARY, "import", boots[i].file, o, NULL};
    g_autofree char *out = NULL, *e = NULL, *bytes = NULL;
    assert_int_equal(spawn(argv, &out, &e), 0);
    assert_true(g_file_get_contents(f, &bytes, NULL, NULL));
    assert_string_equal(bytes, t);
    python_accepts(f);
    g_unlink(f);
    g_rmdir(dir);
    checked++;
  }
  assert_true(checked >= 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_json_reader), cmocka_unit_test(test_default_112), cmocka_unit_test(test_serial_and_faults),
      cmocka_unit_test(test_cli),         cmocka_unit_test(test_import),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
