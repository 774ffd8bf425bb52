/* test_profile.c — profile loading: typed values, defaults, overrides, and every error path.
 *
 * Runs from the repository root (ctest sets the working directory), so paths in error messages
 * are the relative ones the bad-input corpus expects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "models/kernel/prepare.h"
#include "models/profile/profile.h"

#define GOOD "tests/data/good/"
#define BAD_DIR "tests/data/bad"
#define MS(x) ((int64_t)(x) * 1000000)
#define US(x) ((int64_t)(x) * 1000)

/* NULL-terminated override list, as the CLI would build it. */
static GPtrArray *sets(const char *first, ...) {
  GPtrArray *a = g_ptr_array_new();
  va_list ap;
  va_start(ap, first);
  for (const char *s = first; s; s = va_arg(ap, const char *)) g_ptr_array_add(a, (char *)s);
  va_end(ap);
  return a;
}

static CpuhpProfile *load_ok(const char *path, const GPtrArray *overrides) {
  g_autoptr(GError) err = NULL;
  CpuhpProfile *p = cpuhp_machine_load_file(path, overrides, &err);
  if (!p) fail_msg("%s: unexpected error: %s", path, err->message);
  return p;
}

/* Loads `path` with overrides and returns the error message (caller frees); fails if it loads. */
static char *load_err(const char *path, const GPtrArray *overrides, gint *code) {
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpProfile) p = cpuhp_machine_load_file(path, overrides, &err);
  if (p) fail_msg("%s: loaded, but an error was expected", path);
  assert_non_null(err);
  assert_true(err->domain == CPUHP_PROFILE_ERROR);
  if (code) *code = err->code;
  assert_null(strchr(err->message, '\n'));
  return g_strdup(err->message);
}

static void assert_dist(const SimDist *d, SimDistKind kind, int64_t a, int64_t b) {
  assert_int_equal(d->kind, kind);
  assert_int_equal(d->a, a);
  assert_int_equal(d->b, b);
}

static void test_minimal_defaults(void **state) {
  g_autoptr(CpuhpProfile) p = load_ok(GOOD "minimal.yaml", NULL);
  assert_string_equal(p->source, GOOD "minimal.yaml");
  assert_string_equal(p->name, "minimal");
  assert_string_equal(p->description, "");
  assert_string_equal(p->arch, "x86_64");
  assert_int_equal(p->topology.sockets, 2);
  assert_int_equal(p->topology.cores_per_socket, 4);
  assert_int_equal(p->topology.threads_per_core, 2);
  assert_int_equal(p->topology.numa_nodes, 2); /* 0 resolves to one per socket */
  assert_int_equal(p->topology.enumeration, CPUHP_ENUM_INTERLEAVED);
  assert_int_equal(p->topology.nr_cpus, 0);
  assert_int_equal(cpuhp_profile_n_cpus(p), 16);

  assert_string_equal(p->kernel.version, "6.12");
  assert_true(p->kernel.hotplug_parallel);
  assert_true(p->kernel.cpuhp_parallel);
  assert_true(p->kernel.smt_primary_first);
  assert_false(p->kernel.parallel_veto);
  assert_int_equal(p->kernel.hz, 250);
  assert_false(p->kernel.lpj_preset);
  assert_int_equal(p->kernel.smp_init_at, 0);
  assert_int_equal(p->kernel.alive_timeout, MS(10000));
  assert_int_equal(p->kernel.alive_spin, MS(1));
  assert_dist(&p->kernel.alive_sleep, SIM_DIST_UNIFORM, MS(1), MS(2));
  assert_int_equal(p->kernel.first_kthread_pid, 25);
  assert_int_equal(p->kernel.kthreads_per_cpu, 6);

  assert_dist(&p->platform.wakeup, SIM_DIST_FIXED, US(5), 0);
  assert_dist(&p->platform.spin_notice, SIM_DIST_FIXED, 100, 0);

  assert_string_equal(p->x86.vendor, "intel");
  assert_int_equal(p->x86.family, 6);
  assert_int_equal(p->x86.init_udelay_us, -1);
  assert_dist(&p->x86.icr_write, SIM_DIST_FIXED, US(1), 0);
  assert_dist(&p->x86.kick_setup, SIM_DIST_FIXED, US(20), 0);
  assert_dist(&p->x86.wakeup_primary, SIM_DIST_UNIFORM, US(350), US(3500));
  assert_dist(&p->x86.wakeup_secondary, SIM_DIST_UNIFORM, US(350), US(3500));
  assert_dist(&p->x86.trampoline, SIM_DIST_FIXED, US(2), 0);
  assert_dist(&p->x86.early_init, SIM_DIST_FIXED, US(20), 0);
  assert_dist(&p->x86.microcode_apply, SIM_DIST_FIXED, 0, 0);
  assert_dist(&p->x86.microcode_current, SIM_DIST_FIXED, 0, 0);
  assert_true(p->x86.microcode_loader);
  assert_dist(&p->x86.cpu_init, SIM_DIST_FIXED, US(10), 0);
  assert_dist(&p->x86.identify, SIM_DIST_FIXED, US(99), 0);
  assert_true(p->x86.constant_tsc);
  assert_false(p->x86.tsc_reliable);
  assert_true(p->x86.tsc_adjust);
  assert_false(p->x86.tsc_unsynchronized);
  assert_int_equal(p->x86.tsc_sync_first, MS(20));
  assert_int_equal(p->x86.tsc_sync_other, MS(2));
  assert_dist(&p->x86.tsc_sync_overhead, SIM_DIST_FIXED, US(10), 0);
  assert_int_equal(p->x86.tsc_sync_runs, 1);
  assert_int_equal(p->x86.calibrate_jiffies, 20);
  assert_dist(&p->x86.online_tail, SIM_DIST_FIXED, US(10), 0);

  assert_int_equal(p->n_states, 0);
  assert_null(cpuhp_profile_state(p, "threads:prepare"));
}

static void test_full_profile(void **state) {
  g_autoptr(CpuhpProfile) p = load_ok(GOOD "full.yaml", NULL);
  assert_string_equal(p->name, "full");
  assert_string_equal(p->description, "a profile that sets everything");
  assert_int_equal(p->topology.numa_nodes, 4);
  assert_int_equal(p->topology.enumeration, CPUHP_ENUM_PRIMARIES_FIRST);
  assert_int_equal(p->topology.nr_cpus, 20);
  assert_int_equal(cpuhp_profile_n_cpus(p), 20);

  assert_false(p->kernel.hotplug_parallel);
  assert_false(p->kernel.cpuhp_parallel);
  assert_false(p->kernel.smt_primary_first);
  assert_true(p->kernel.parallel_veto);
  assert_int_equal(p->kernel.hz, 1000);
  assert_true(p->kernel.lpj_preset);
  assert_int_equal(p->kernel.smp_init_at, MS(1250));
  assert_int_equal(p->kernel.alive_timeout, MS(5000));
  assert_int_equal(p->kernel.alive_spin, US(500));
  assert_dist(&p->kernel.alive_sleep, SIM_DIST_NORMAL, US(1500), US(200));
  assert_int_equal(p->kernel.first_kthread_pid, 30);
  assert_int_equal(p->kernel.kthreads_per_cpu, 7);
  assert_dist(&p->platform.wakeup, SIM_DIST_EXPONENTIAL, US(4), 0);
  assert_dist(&p->platform.spin_notice, SIM_DIST_FIXED, 150, 0);

  assert_string_equal(p->x86.vendor, "amd");
  assert_int_equal(p->x86.family, 25);
  assert_int_equal(p->x86.init_udelay_us, 0);
  assert_dist(&p->x86.icr_write, SIM_DIST_FIXED, US(2), 0);
  assert_dist(&p->x86.kick_setup, SIM_DIST_FIXED, US(21), 0);
  assert_dist(&p->x86.wakeup_primary, SIM_DIST_LOGNORMAL, US(400), 0);
  assert_true(p->x86.wakeup_primary.sigma == 0.25);
  assert_int_equal(p->x86.wakeup_secondary.kind, SIM_DIST_EMPIRICAL);
  assert_int_equal(p->x86.wakeup_secondary.n_samples, 3);
  assert_int_equal(p->x86.wakeup_secondary.samples[0], US(10));
  assert_int_equal(p->x86.wakeup_secondary.samples[2], US(30));
  assert_dist(&p->x86.microcode_apply, SIM_DIST_FIXED, MS(1), 0);
  assert_false(p->x86.microcode_loader);
  assert_dist(&p->x86.identify, SIM_DIST_UNIFORM, US(90), US(110));
  assert_false(p->x86.constant_tsc);
  assert_true(p->x86.tsc_reliable);
  assert_false(p->x86.tsc_adjust);
  assert_true(p->x86.tsc_unsynchronized);
  assert_int_equal(p->x86.tsc_sync_first, MS(21));
  assert_int_equal(p->x86.tsc_sync_other, MS(3));
  assert_int_equal(p->x86.tsc_sync_runs, 3);
  assert_int_equal(p->x86.calibrate_jiffies, 25);
  assert_dist(&p->x86.online_tail, SIM_DIST_FIXED, US(12), 0);

  /* States keep document order and every entry form. */
  assert_int_equal(p->n_states, 5);
  assert_string_equal(p->states[0].name, "threads:prepare");
  const CpuhpStateCost *s = cpuhp_profile_state(p, "threads:prepare");
  assert_ptr_equal(s, &p->states[0]);
  assert_int_equal(s->present, -1);
  assert_int_equal(s->n_costs, 1);
  assert_dist(&s->costs[0], SIM_DIST_FIXED, US(98), 0);
  s = cpuhp_profile_state(p, "perf/x86:prepare");
  assert_non_null(s);
  assert_int_equal(s->present, 1);
  assert_int_equal(s->n_costs, 0);
  s = cpuhp_profile_state(p, "trace/RB:prepare");
  assert_int_equal(s->n_costs, 2);
  assert_dist(&s->costs[0], SIM_DIST_FIXED, MS(11), 0);
  assert_dist(&s->costs[1], SIM_DIST_UNIFORM, MS(1), MS(2));
  s = cpuhp_profile_state(p, "sched:starting");
  assert_dist(&s->costs[0], SIM_DIST_UNIFORM, US(1), US(3));
  s = cpuhp_profile_state(p, "workqueue:online");
  assert_int_equal(s->present, 0);
  assert_dist(&s->costs[0], SIM_DIST_FIXED, US(40), 0);
  assert_null(cpuhp_profile_state(p, "cpu:kick_ap"));
}

static void test_null_sections(void **state) {
  static const char yaml[] = "name: n\narch: x86_64\ntopology: {sockets: 1, cores_per_socket: 3, "
                             "threads_per_core: 1}\nkernel:\nx86: ~\nstates:\n";
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpProfile) p = cpuhp_machine_load_data("mem", yaml, strlen(yaml), NULL, &err);
  assert_non_null(p);
  assert_int_equal(p->kernel.hz, 250);
  assert_int_equal(p->n_states, 0);
  assert_int_equal(cpuhp_profile_n_cpus(p), 3);
}

static void test_overrides_scalar(void **state) {
  g_autoptr(GPtrArray) o = sets("topology.sockets=4", "topology.sockets=3", "kernel.hz=1000",
                                "description=", "x86.family=23", "x86.vendor=hygon",
                                "kernel.smp_init_at=2s", "topology.enumeration=primaries_first",
                                "name=\"quoted name\"", NULL);
  g_autoptr(CpuhpProfile) p = load_ok(GOOD "minimal.yaml", o);
  assert_int_equal(p->topology.sockets, 3); /* later overrides win */
  assert_int_equal(p->topology.numa_nodes, 3);
  assert_int_equal(p->kernel.hz, 1000);
  assert_string_equal(p->description, "");
  assert_int_equal(p->x86.family, 23); /* x86 did not exist: created */
  assert_string_equal(p->x86.vendor, "hygon");
  assert_int_equal(p->kernel.smp_init_at, MS(2000));
  assert_int_equal(p->topology.enumeration, CPUHP_ENUM_PRIMARIES_FIRST);
  assert_string_equal(p->name, "quoted name");
  assert_int_equal(cpuhp_profile_n_cpus(p), 24);
}

static void test_overrides_dist(void **state) {
  g_autoptr(GPtrArray) o = sets("x86.icr_write={dist: uniform, min: 1us, max: 2us}",
                                "kernel.alive_sleep=3ms", "x86.identify={dist: empirical, "
                                "samples: [1us, 2us]}", "topology={sockets: 1, "
                                "cores_per_socket: 2, threads_per_core: 1}", NULL);
  g_autoptr(CpuhpProfile) p = load_ok(GOOD "full.yaml", o);
  assert_dist(&p->x86.icr_write, SIM_DIST_UNIFORM, US(1), US(2));
  assert_dist(&p->kernel.alive_sleep, SIM_DIST_FIXED, MS(3), 0);
  assert_int_equal(p->x86.identify.kind, SIM_DIST_EMPIRICAL);
  assert_int_equal(p->x86.identify.n_samples, 2);
  /* A whole mapping replaced: nr_cpus and numa_nodes from the file are gone. */
  assert_int_equal(p->topology.nr_cpus, 0);
  assert_int_equal(p->topology.numa_nodes, 1);
  assert_int_equal(cpuhp_profile_n_cpus(p), 2);
}

static void test_overrides_states(void **state) {
  g_autoptr(GPtrArray) o = sets("states.threads:prepare.cost=50us",      /* bare cost wrapped */
                                "states.sched:starting.present=false",   /* dist mapping wrapped */
                                "states.perf/x86:prepare.present=false", /* existing entry */
                                "states.trace/RB:prepare=11ms",          /* entry replaced */
                                "states.hrtimers:prepare={cost: 7us}",   /* new entry */
                                NULL);
  g_autoptr(CpuhpProfile) p = load_ok(GOOD "full.yaml", o);
  assert_int_equal(p->n_states, 6);
  const CpuhpStateCost *s = cpuhp_profile_state(p, "threads:prepare");
  assert_int_equal(s->n_costs, 1);
  assert_dist(&s->costs[0], SIM_DIST_FIXED, US(50), 0);
  s = cpuhp_profile_state(p, "sched:starting");
  assert_int_equal(s->present, 0);
  assert_dist(&s->costs[0], SIM_DIST_UNIFORM, US(1), US(3));
  assert_int_equal(cpuhp_profile_state(p, "perf/x86:prepare")->present, 0);
  s = cpuhp_profile_state(p, "trace/RB:prepare");
  assert_int_equal(s->n_costs, 1);
  assert_dist(&s->costs[0], SIM_DIST_FIXED, MS(11), 0);
  s = cpuhp_profile_state(p, "hrtimers:prepare");
  assert_ptr_equal(s, &p->states[5]);
  assert_dist(&s->costs[0], SIM_DIST_FIXED, US(7), 0);

  /* A state left empty (null) in the file takes an entry from an override. */
  static const char yaml[] = "name: n\narch: x86_64\ntopology: {sockets: 1, cores_per_socket: 1, "
                             "threads_per_core: 1}\nstates:\n  perf/x86:prepare:\n";
  g_autoptr(GPtrArray) o1 = sets("states.perf/x86:prepare.present=true", NULL);
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpProfile) r = cpuhp_machine_load_data("mem", yaml, strlen(yaml), o1, &err);
  assert_non_null(r);
  assert_int_equal(r->states[0].present, 1);
  assert_int_equal(r->states[0].n_costs, 0);
  g_autoptr(CpuhpProfile) r2 = cpuhp_machine_load_data("mem", yaml, strlen(yaml), NULL, &err);
  assert_null(r2);
  assert_string_equal(err->message, "mem:5:20: expected a duration, got an empty value");

  /* `states` created by an override on a profile without one. */
  g_autoptr(GPtrArray) o2 = sets("states.perf/x86:prepare.present=true", NULL);
  g_autoptr(CpuhpProfile) q = load_ok(GOOD "minimal.yaml", o2);
  assert_int_equal(q->n_states, 1);
  assert_int_equal(q->states[0].present, 1);
  assert_int_equal(q->states[0].n_costs, 0);
}

static void test_override_errors(void **state) {
  static const struct {
    const char *set, *message; /* message after "--set SET: " */
    CpuhpProfileError code;
  } cases[] = {
    {"topology.sockets", "expected KEY=VALUE", CPUHP_PROFILE_ERROR_SCHEMA},
    {"=2", "empty key", CPUHP_PROFILE_ERROR_SCHEMA},
    {"topology..sockets=2", "empty component in key", CPUHP_PROFILE_ERROR_SCHEMA},
    {"kernel.=2", "empty component in key", CPUHP_PROFILE_ERROR_SCHEMA},
    {"a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q=1", "key nested too deep", CPUHP_PROFILE_ERROR_SCHEMA},
    {"x86.icr_write=-3ms", "negative duration '-3ms'", CPUHP_PROFILE_ERROR_VALUE},
    {"x86.icr_write=5", "duration needs a unit: ns, us, ms or s '5'", CPUHP_PROFILE_ERROR_VALUE},
    {"x86.foo=1", "unknown key 'x86.foo'", CPUHP_PROFILE_ERROR_SCHEMA},
    {"x86={icr_wrte: 1us}", "unknown key 'x86.icr_wrte' (did you mean 'x86.icr_write'?)",
     CPUHP_PROFILE_ERROR_SCHEMA},
    {"x86.icr_write={dist: uniform, min: 1us", "did not find expected ',' or '}'",
     CPUHP_PROFILE_ERROR_SYNTAX},
    {"x86.icr_write={dist: uniform, min: 2us, max: 1us}", "uniform max '1us' is below min '2us'",
     CPUHP_PROFILE_ERROR_VALUE},
    {"name.first=x", "'name' is a scalar, not a mapping", CPUHP_PROFILE_ERROR_SCHEMA},
    {"topology={sockets: 2}", "missing required key 'topology.cores_per_socket'",
     CPUHP_PROFILE_ERROR_SCHEMA},
    {"topology.nr_cpus=17", "nr_cpus 17 is more than the 16 CPUs of the topology",
     CPUHP_PROFILE_ERROR_VALUE},
    {"kernel.hz=[250]", "expected an unsigned integer, got a sequence", CPUHP_PROFILE_ERROR_SCHEMA},
    {"kernel.hz=&a 250", "aliases are not supported (anchor '&a')", CPUHP_PROFILE_ERROR_SYNTAX},
    {"kernel.hz=250\n---\n300", "more than one document", CPUHP_PROFILE_ERROR_SYNTAX},
    {"kernel.version=6.1", "no state table for x86_64/6.1 (known: x86_64/6.12, arm64/6.12)",
     CPUHP_PROFILE_ERROR_VALUE},
    {"states.cpu:kick_ap=1us", "state 'cpu:kick_ap' has no cost of its own:",
     CPUHP_PROFILE_ERROR_SCHEMA},
    {"states.nope:prepare.cost=1us", "unknown state 'nope:prepare' in the x86_64/6.12 table",
     CPUHP_PROFILE_ERROR_SCHEMA},
    {"states.threads:prepare.instances=[1us]", "state 'threads:prepare' is not multi-instance",
     CPUHP_PROFILE_ERROR_SCHEMA},
    {"states.perf/x86:prepare.present=yes", "expected true or false, got 'yes'",
     CPUHP_PROFILE_ERROR_SCHEMA},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GPtrArray) o = sets("kernel.hz=300", cases[i].set, NULL);
    gint code = -1;
    g_autofree char *msg = load_err(GOOD "minimal.yaml", o, &code);
    g_autofree char *arg = g_strescape(cases[i].set, NULL); /* newlines are shown escaped */
    g_autofree char *want = g_strdup_printf("--set %s: %s", arg, cases[i].message);
    if (!g_str_has_prefix(msg, want)) fail_msg("got  %s\nwant %s", msg, want);
    assert_int_equal(code, cases[i].code);
  }
}

/* Errors in the file are still reported at the file when overrides are present, and an override
 * that fixes a bad file makes it load. */
static void test_override_fixes_file(void **state) {
  g_autoptr(GPtrArray) o = sets("x86.icr_write=3ms", NULL);
  g_autoptr(CpuhpProfile) p = load_ok(BAD_DIR "/duration_negative.yaml", o);
  assert_dist(&p->x86.icr_write, SIM_DIST_FIXED, MS(3), 0);
  g_autoptr(GPtrArray) o2 = sets("kernel.hz=1000", NULL);
  g_autofree char *msg = load_err(BAD_DIR "/duration_negative.yaml", o2, NULL);
  assert_string_equal(msg, BAD_DIR "/duration_negative.yaml:9:14: negative duration '-3ms'");
}

static gint cmp_names(gconstpointer a, gconstpointer b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every file in tests/data/bad fails with the error its first line announces. */
static void test_bad_corpus(void **state) {
  g_autoptr(GError) err = NULL;
  g_autoptr(GDir) dir = g_dir_open(BAD_DIR, 0, &err);
  assert_non_null(dir);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  for (const char *n; (n = g_dir_read_name(dir));)
    if (g_str_has_suffix(n, ".yaml")) g_ptr_array_add(names, g_strdup(n));
  g_ptr_array_sort(names, cmp_names);
  assert_true(names->len >= 40);
  guint failures = 0;
  for (guint i = 0; i < names->len; i++) {
    g_autofree char *path = g_build_filename(BAD_DIR, names->pdata[i], NULL);
    g_autofree char *text = NULL;
    gsize len;
    assert_true(g_file_get_contents(path, &text, &len, NULL));
    const char *nl = memchr(text, '\n', len);
    if (!g_str_has_prefix(text, "# expect: ") || !nl) fail_msg("%s: no '# expect:' line", path);
    g_autofree char *expect = g_strndup(text + 10, (gsize)(nl - text - 10));
    g_autofree char *want = g_strdup_printf("%s:%s", path, expect);
    g_autoptr(GError) e = NULL;
    g_autoptr(CpuhpProfile) p = cpuhp_machine_load_file(path, NULL, &e);
    if (p) {
      print_error("%s: loaded, expected %s\n", path, want);
      failures++;
    } else if (strchr(e->message, '\n') || !g_str_has_prefix(e->message, want)) {
      print_error("%s:\n  got  %s\n  want %s\n", path, e->message, want);
      failures++;
    }
  }
  assert_int_equal(failures, 0);
}

static void test_data_errors(void **state) {
  g_autoptr(GError) err = NULL;
  assert_null(cpuhp_machine_load_data("mem", "", 0, NULL, &err));
  assert_string_equal(err->message, "mem:1:1: empty profile");
  assert_int_equal(err->code, CPUHP_PROFILE_ERROR_SYNTAX);
  g_clear_error(&err);

  assert_null(cpuhp_machine_load_data("mem", "---\n...\n", 8, NULL, &err));
  assert_true(g_str_has_suffix(err->message, ": empty profile"));
  g_clear_error(&err);

  /* Just over the limit: refused before parsing. */
  gsize big = (16u << 20) + 1;
  g_autofree char *buf = g_malloc(big);
  memset(buf, '#', big);
  assert_null(cpuhp_machine_load_data("big", buf, big, NULL, &err));
  assert_string_equal(err->message, "big: profile larger than 16 MiB");
  assert_int_equal(err->code, CPUHP_PROFILE_ERROR_IO);
  g_clear_error(&err);

  /* A NUL byte in the middle of data with an explicit length. */
  static const char nul[] = "name: a\0b\narch: x86_64\n";
  assert_null(cpuhp_machine_load_data("nul", nul, sizeof nul - 1, NULL, &err));
  assert_true(g_str_has_prefix(err->message, "nul:1:8: control characters are not allowed"));
  g_clear_error(&err);

  /* NULL GError: no crash, still NULL. */
  assert_null(cpuhp_machine_load_data("mem", "a: [", 4, NULL, NULL));
  g_autoptr(GPtrArray) o = sets("x86.icr_write={", NULL);
  assert_null(cpuhp_machine_load_file(GOOD "minimal.yaml", o, NULL));

  /* Error messages stay on one line whatever the source name holds. */
  assert_null(cpuhp_machine_load_data("two\nlines", "[", 1, NULL, &err));
  assert_null(strchr(err->message, '\n'));
  assert_true(g_str_has_prefix(err->message, "two\\nlines:"));
  g_clear_error(&err);

  /* So does a state's name, before anything says it is one. */
  static const char tab[] = "name: n\narch: x86_64\ntopology: {sockets: 1, cores_per_socket: 1, "
                            "threads_per_core: 1}\nstates:\n  \"a\\tb\": {foo: 1us}\n";
  assert_null(cpuhp_machine_load_data("mem", tab, sizeof tab - 1, NULL, &err));
  assert_string_equal(err->message, "mem:5:12: unknown key 'foo' in state 'a\\tb' (expected present, "
                                    "cost, instances, per_possible_cpu or per_online_cpu)");
}

static void test_file_errors(void **state) {
  gint code;
  g_autofree char *m1 = load_err("tests/data/no-such-profile.yaml", NULL, &code);
  assert_string_equal(m1, "tests/data/no-such-profile.yaml: No such file or directory");
  assert_int_equal(code, CPUHP_PROFILE_ERROR_IO);
  g_autofree char *m2 = load_err("tests/data", NULL, &code);
  assert_string_equal(m2, "tests/data: Is a directory");
  assert_int_equal(code, CPUHP_PROFILE_ERROR_IO);
}

static void test_n_cpus(void **state) {
  g_autoptr(GPtrArray) o = sets("topology.nr_cpus=5", NULL);
  g_autoptr(CpuhpProfile) p = load_ok(GOOD "minimal.yaml", o);
  assert_int_equal(cpuhp_profile_n_cpus(p), 5);
  g_autoptr(GPtrArray) o2 = sets("topology.nr_cpus=16", NULL);
  g_autoptr(CpuhpProfile) q = load_ok(GOOD "minimal.yaml", o2);
  assert_int_equal(cpuhp_profile_n_cpus(q), 16);
  g_autoptr(GPtrArray) o3 = sets("topology={sockets: 1, cores_per_socket: 32768, "
                                 "threads_per_core: 2, numa_nodes: 4}", NULL);
  g_autoptr(CpuhpProfile) r = load_ok(GOOD "minimal.yaml", o3);
  assert_int_equal(cpuhp_profile_n_cpus(r), CPUHP_PROFILE_MAX_CPUS);
  assert_int_equal(r->topology.numa_nodes, 4);
}

static void test_load_default(void **state) {
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpProfile) p = cpuhp_machine_load_default(NULL, &err);
  if (!p) fail_msg("default profile: %s", err->message);
  assert_string_equal(p->source, "<embedded>");
  assert_int_equal(cpuhp_profile_n_cpus(p), 112); /* skl-2s-112t */
  g_autoptr(GPtrArray) o = sets("topology.nr_cpus=8", NULL);
  g_autoptr(CpuhpProfile) q = cpuhp_machine_load_default(o, &err);
  assert_non_null(q);
  assert_int_equal(cpuhp_profile_n_cpus(q), 8);
  g_autoptr(GPtrArray) o2 = sets("x86.nope=1", NULL);
  assert_null(cpuhp_machine_load_default(o2, &err));
  assert_string_equal(err->message, "--set x86.nope=1: unknown key 'x86.nope'");
}

/* The schema prints every key once, and docs/profile-schema.md carries exactly that text. */
static void test_schema_text(void **state) {
  g_autoptr(GString) s = g_string_new(NULL);
  cpuhp_profile_schema_text(s);
  static const char *const keys[] = {"name", "topology.sockets", "topology.enumeration",
                                     "kernel.alive_sleep", "platform.wakeup", "x86.online_tail", "host.idle_share",
                                     "states"};
  for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
    g_autofree char *first = g_strdup_printf("%s ", keys[i]);
    g_autofree char *later = g_strdup_printf("\n%s ", keys[i]);
    assert_true(g_str_has_prefix(s->str, first) || strstr(s->str, later));
  }
  assert_non_null(strstr(s->str, "(required)"));
  assert_non_null(strstr(s->str, "{dist: uniform, min: 350us, max: 3.5ms}"));
  guint lines = 0;
  for (const char *c = s->str; *c; c++) lines += *c == '\n';
  assert_int_equal(lines, 118); /* 116 table rows + states + boot.terms */

  g_autofree char *doc = NULL;
  assert_true(g_file_get_contents("docs/profile-schema.md", &doc, NULL, NULL));
  const char *begin = strstr(doc, "<!-- schema:begin -->\n```text\n");
  const char *end = strstr(doc, "```\n<!-- schema:end -->");
  assert_non_null(begin);
  assert_non_null(end);
  begin += strlen("<!-- schema:begin -->\n```text\n");
  g_autofree char *block = g_strndup(begin, (gsize)(end - begin));
  if (strcmp(block, s->str) != 0)
    fail_msg("docs/profile-schema.md is out of date; regenerate the block from "
             "cpuhp_profile_schema_text");
}

/* Hostile input: every prefix of a valid file and random byte edits must give a profile or a
 * one-line error, never a crash or leak (the ASan build checks the latter). */
static void test_mangled_input(void **state) {
  g_autofree char *text = NULL;
  gsize len;
  assert_true(g_file_get_contents(GOOD "full.yaml", &text, &len, NULL));
  guint loaded = 0;
  for (gsize n = 0; n <= len; n++) {
    g_autoptr(GError) err = NULL;
    g_autoptr(CpuhpProfile) p = cpuhp_machine_load_data("cut", text, n, NULL, &err);
    if (p) loaded++;
    else assert_true(g_str_has_prefix(err->message, "cut:") && !strchr(err->message, '\n'));
  }
  assert_true(loaded > 0); /* the whole file, at least */
  static const char junk[] = "\t\n:{}[],&*!|>'\"%@`#-?\x01\x80\xff 0a";
  guint64 x = 88172645463325252u;
  for (guint round = 0; round < 1500; round++) {
    g_autofree char *m = g_memdup2(text, len);
    for (guint k = 0; k < 1 + round % 4; k++) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift: deterministic */
      m[x % len] = junk[(x >> 32) % (sizeof junk - 1)];
    }
    g_autoptr(GError) err = NULL;
    g_autoptr(CpuhpProfile) p = cpuhp_machine_load_data("mut", m, len, NULL, &err);
    if (!p) assert_true(g_str_has_prefix(err->message, "mut:") && !strchr(err->message, '\n'));
  }
}

/* Loading alone knows no kernel: what only the state table can judge is kept with its place,
 * and the kernel model's prepare step reports it there; runs get what it builds. */
static void test_load_then_prepare(void **state) {
  static const char yaml[] = "name: n\narch: x86_64\nkernel: {version: \"9.9\"}\n"
                             "topology: {sockets: 1, cores_per_socket: 2, threads_per_core: 1}\n"
                             "states:\n  no:such: 1us\n";
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpProfile) p = cpuhp_profile_load_data("mem", yaml, strlen(yaml), NULL, &err);
  assert_non_null(p);
  assert_null(p->prepared.topo);
  assert_null(p->prepared.rows);
  assert_int_equal(p->n_states, 1);
  assert_int_equal(p->states[0].at.line, 6);
  assert_int_equal(p->states[0].at.col, 3);
  assert_null(p->states[0].present_at.source);
  assert_int_equal(p->states[0].own_at.col, 12);
  assert_false(cpuhp_prepare(p, &err));
  assert_string_equal(err->message, "mem:3:19: no state table for x86_64/9.9 (known: x86_64/6.12, "
                                    "arm64/6.12)");
  g_clear_error(&err);

  g_autoptr(GPtrArray) o = sets("kernel.version=6.12", NULL);
  g_autoptr(CpuhpProfile) q = cpuhp_profile_load_data("mem", yaml, strlen(yaml), o, &err);
  assert_non_null(q);
  assert_false(cpuhp_prepare(q, &err));
  assert_string_equal(err->message, "mem:6:3: unknown state 'no:such' in the x86_64/6.12 table");
  g_clear_error(&err);

  g_autoptr(GPtrArray) o2 = sets("kernel.version=6.12", "states={threads:prepare: 1us}", NULL);
  g_autoptr(CpuhpProfile) r = cpuhp_profile_load_data("mem", yaml, strlen(yaml), o2, &err);
  assert_non_null(r);
  assert_true(cpuhp_prepare(r, &err));
  assert_int_equal(cpuhp_topology_n_cpus(cpuhp_topology_of(r)), 2);
  assert_ptr_equal(cpuhp_profile_rows(r)->table, cpuhp_profile_table(r));
  assert_ptr_equal(cpuhp_profile_rows(r), r->prepared.rows);
}

static void test_free_null(void **state) {
  cpuhp_profile_free(NULL);
}

int main(void) {
  /* Paths in expected messages are relative to the repository root. */
  if (chdir(CPUHPSIM_SOURCE_DIR) != 0) return 1;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_minimal_defaults),
    cmocka_unit_test(test_full_profile),
    cmocka_unit_test(test_null_sections),
    cmocka_unit_test(test_overrides_scalar),
    cmocka_unit_test(test_overrides_dist),
    cmocka_unit_test(test_overrides_states),
    cmocka_unit_test(test_override_errors),
    cmocka_unit_test(test_override_fixes_file),
    cmocka_unit_test(test_bad_corpus),
    cmocka_unit_test(test_data_errors),
    cmocka_unit_test(test_file_errors),
    cmocka_unit_test(test_n_cpus),
    cmocka_unit_test(test_load_default),
    cmocka_unit_test(test_schema_text),
    cmocka_unit_test(test_mangled_input),
    cmocka_unit_test(test_load_then_prepare),
    cmocka_unit_test(test_free_null),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
