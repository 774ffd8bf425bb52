/* test_invariants.c — every invariant holds on correct runs and fires on a result broken in
 * exactly its way (a failing twin per rule), and the x86 microcode rule catches the arm64 RFC's
 * "SMT primary-first off" when applied to an SMT x86 machine. The table rules hold on every
 * shipped state table and catch a developer's edits, naming the state, the table entry and the
 * requirement. */
#include "tests/testutil.h"

#include <glib/gstdio.h>

#include "models/kernel/arch.h"
#include "models/kernel/invariants.h"
#include "models/kernel/policy.h"

static CpuhpProfile *small(gboolean parallel, gboolean smt_rule) {
  return tu_profile("topology.sockets=1", "topology.cores_per_socket=3", "topology.threads_per_core=2",
                    "topology.numa_nodes=0", "topology.enumeration=interleaved",
                    parallel ? "kernel.cpuhp_parallel=true" : "kernel.cpuhp_parallel=false",
                    smt_rule ? "kernel.smt_primary_first=true" : "kernel.smt_primary_first=false", NULL);
}

static GPtrArray *violated(const CpuhpProfile *p, const CpuhpResult *r) {
  g_autoptr(GArray) v = cpuhp_invariants_check(p, r);
  GPtrArray *names = g_ptr_array_new();
  for (guint i = 0; i < v->len; i++) g_ptr_array_add(names, (gpointer)g_array_index(v, CpuhpViolation, i).inv->name);
  return names;
}

static void assert_only(const CpuhpProfile *p, const CpuhpResult *r, const char *name) {
  g_autoptr(GPtrArray) v = violated(p, r);
  if (v->len != 1 || !g_str_equal(v->pdata[0], name)) {
    for (guint i = 0; i < v->len; i++) g_printerr("violated: %s\n", (char *)v->pdata[i]);
    fail_msg("expected exactly %s to fire", name);
  }
}

static CpuhpTraceEvent *find(CpuhpResult *r, guint cpu, int step, CpuhpTraceType type) {
  for (guint i = 0; i < r->trace->len; i++) {
    CpuhpTraceEvent *e = &g_array_index(r->trace, CpuhpTraceEvent, i);
    if (e->cpu == cpu && e->step == step && e->type == type) return e;
  }
  fail_msg("no event cpu %u step %d", cpu, step);
  return NULL;
}

static void test_hold_on_correct_runs(void **state) {
  for (int par = 0; par <= 1; par++)
    for (uint64_t seed = 1; seed <= 4; seed++) {
      g_autoptr(CpuhpProfile) p = small(par, TRUE);
      g_autoptr(CpuhpResult) r = tu_run(p, seed, TRUE);
      g_autoptr(GPtrArray) v = violated(p, r);
      assert_int_equal(v->len, 0);
    }
  guint n;
  const CpuhpInvariant *inv = cpuhp_invariants(&n);
  assert_true(n >= 9);
  for (guint i = 0; i < n; i++) assert_true(inv[i].name && inv[i].rule && inv[i].check);
}

static void test_each_has_a_failing_twin(void **state) {
  g_autoptr(CpuhpProfile) p = small(TRUE, TRUE);
  { /* a PREPARE callback on an AP */
    g_autoptr(CpuhpResult) r = tu_run(p, 1, TRUE);
    find(r, 2, 38, CPUHP_TRACE_ENTER)->exec_cpu = 2;
    assert_only(p, r, "prepare_on_bp");
  }
  { /* a state going backwards during bringup */
    g_autoptr(CpuhpResult) r = tu_run(p, 1, TRUE);
    CpuhpTraceEvent *e = find(r, 2, 188, CPUHP_TRACE_ENTER);
    e->step = 151;
    e->fn = "irq_affinity_online_cpu";
    assert_only(p, r, "states_monotonic");
  }
  { /* released before ALIVE */
    g_autoptr(CpuhpResult) r = tu_run(p, 1, TRUE);
    r->cpus[2].alive = r->cpus[2].release + 1;
    assert_only(p, r, "starting_after_alive");
  }
  { /* two APs released at once */
    g_autoptr(CpuhpResult) r = tu_run(p, 1, TRUE);
    r->cpus[4].release = r->cpus[2].release + 1;
    r->cpus[4].alive = MIN(r->cpus[4].alive, r->cpus[4].release);
    assert_only(p, r, "one_ap_released");
  }
  { /* a sibling kicked before the last primary was online */
    g_autoptr(CpuhpResult) r = tu_run(p, 1, TRUE);
    r->cpus[1].kick = r->cpus[4].online - 1;
    assert_only(p, r, "smt_primary_first");
  }
  { /* released while still loading microcode */
    g_autoptr(CpuhpResult) r = tu_run(p, 1, TRUE);
    r->cpus[2].ucode_apply[1] = r->cpus[2].release + 1;
    assert_only(p, r, "microcode_before_release");
  }
  { /* a sibling running during its primary's microcode write */
    g_autoptr(CpuhpResult) r = tu_run(p, 1, TRUE);
    r->cpus[3].running = r->cpus[2].ucode_apply[0] + 1;
    assert_only(p, r, "microcode_siblings_quiet");
  }
  { /* failed but its last callback is not a teardown */
    g_autoptr(CpuhpResult) r = tu_run(p, 1, TRUE);
    r->cpus[5].status = CPUHP_CPU_FAILED;
    r->cpus[5].online = -1;
    r->cpus_online--;
    assert_only(p, r, "rollback_ends_offline");
  }
  { /* a CPU left neither online nor failed */
    g_autoptr(CpuhpResult) r = tu_run(p, 1, TRUE);
    r->cpus[5].status = CPUHP_CPU_OFFLINE;
    assert_only(p, r, "waits_end");
  }
}

static CpuhpResult *run_failing(const CpuhpProfile *p, const char *spec, gboolean parallel) {
  CpuhpFault f;
  g_autoptr(GError) err = NULL;
  if (!cpuhp_fault_parse(p, "--fail", spec, FALSE, &f, &err)) fail_msg("%s", err->message);
  g_autoptr(CpuhpPolicy) pol = cpuhp_policy_parse(parallel ? "kernel" : "serial", NULL);
  CpuhpRunOptions opt = {.seed = 1, .trace = TRUE, .policy = pol, .faults = &f, .n_faults = 1};
  CpuhpResult *r = cpuhp_bringup_run(p, &opt, &err);
  assert_non_null(r);
  return r;
}

/* The failing exit of state 86 for `cpu` (its st->state is as far as the AP got). */
static CpuhpTraceEvent *failed_bringup(CpuhpResult *r, guint cpu) {
  for (guint i = 0; i < r->trace->len; i++) {
    CpuhpTraceEvent *e = &g_array_index(r->trace, CpuhpTraceEvent, i);
    if (e->cpu == cpu && e->step == 86 && e->type == CPUHP_TRACE_EXIT && e->ret) return e;
  }
  fail_msg("no failing exit of state 86 for CPU%u", cpu);
  return NULL;
}

/* The first ONLINE state fails after the AP reached CPUHP_AP_ONLINE_IDLE: the AP thread has
 * nothing to undo, state 86 returns the error with st->state = 146 and the BP's rollback starts
 * at CPUHP_TEARDOWN_CPU (145, takedown_cpu) — above the last step traced for the CPU (86). That is
 * the kernel's own sequence (cpuhp_up_callbacks() -> cpuhp_reset_state()), serial and parallel. */
static void test_online_failure_rollback_holds(void **state) {
  for (int par = 0; par <= 1; par++) {
    g_autoptr(CpuhpProfile) p = tu_profile("topology.sockets=1", "topology.cores_per_socket=2",
                                           "topology.threads_per_core=1", "topology.numa_nodes=0", NULL);
    g_autoptr(CpuhpResult) r = run_failing(p, "1:smpboot/threads:online", par);
    CpuhpTraceEvent *x = failed_bringup(r, 1);
    assert_int_equal(x->target, 146);
    const CpuhpTraceEvent *next = x + 1;
    assert_int_equal(next->step, 145);
    assert_string_equal(next->fn, "takedown_cpu");
    g_autoptr(GPtrArray) v = violated(p, r);
    for (guint i = 0; i < v->len; i++) g_printerr("violated: %s\n", (char *)v->pdata[i]);
    assert_int_equal(v->len, 0);
    /* the same rollback after a failure the AP never got past state 86 with: 145 is above it */
    x->target = 86;
    assert_only(p, r, "states_monotonic");
  }
  { /* a PREPARE failure: the rollback starts below the failed state, never at or above it */
    g_autoptr(CpuhpProfile) p = small(FALSE, TRUE);
    g_autoptr(CpuhpResult) r = run_failing(p, "2:workqueue:prepare", FALSE);
    g_autoptr(GPtrArray) v = violated(p, r);
    assert_int_equal(v->len, 0);
    CpuhpTraceEvent *e = NULL; /* its first teardown becomes one of a state it never reached */
    for (guint i = 0; i < r->trace->len && !e; i++) {
      CpuhpTraceEvent *y = &g_array_index(r->trace, CpuhpTraceEvent, i);
      if (y->cpu == 2 && y->type == CPUHP_TRACE_ENTER && g_str_has_suffix(y->fn, "_dead_cpu")) e = y;
    }
    assert_non_null(e);
    e->step = 45;
    e->fn = "rcutree_dead_cpu";
    assert_only(p, r, "states_monotonic");
  }
}

/* A failure with nothing to undo: CPUHP_CREATE_THREADS (step 1) has no teardown, so after
 * perf:prepare (2) fails no teardown runs; serial, the CPU ends failed after a startup callback;
 * parallel, the online pass retries it from step 1. Both are the kernel's own sequence. */
static void test_failure_with_nothing_to_undo_holds(void **state) {
  g_autoptr(CpuhpProfile) p = tu_profile("topology.sockets=1", "topology.cores_per_socket=2",
                                         "topology.threads_per_core=1", "topology.numa_nodes=0", NULL);
  for (int par = 0; par <= 1; par++) {
    g_autoptr(CpuhpResult) r = run_failing(p, "1:perf:prepare", par);
    g_autoptr(GPtrArray) v = violated(p, r);
    for (guint i = 0; i < v->len; i++) g_printerr("violated: %s\n", (char *)v->pdata[i]);
    assert_int_equal(v->len, 0);
    guint entered = 0;
    for (guint i = 0; i < r->trace->len; i++) {
      const CpuhpTraceEvent *e = &g_array_index(r->trace, CpuhpTraceEvent, i);
      if (e->cpu == 1 && e->type != CPUHP_TRACE_EXIT && e->step == 1) entered++;
    }
    assert_int_equal(entered, par ? 2 : 1); /* the retry, in parallel */
  }
  { /* a state with a teardown reached, and none run: still caught */
    g_autoptr(CpuhpResult) r = run_failing(p, "1:perf:prepare", FALSE);
    CpuhpTraceEvent *e = find(r, 1, 1, CPUHP_TRACE_ENTER);
    e->step = 2;
    e->fn = "perf_event_init_cpu";
    assert_only(p, r, "rollback_ends_offline");
  }
}

/* The arm64 RFC's change (no primary-first rule) expressed in a profile: on an x86 machine with
 * SMT and a microcode loader, the rule exists for a reason, and the check says which. */
static void test_smt_rule_off_on_x86(void **state) {
  g_autoptr(CpuhpProfile) p = small(TRUE, FALSE);
  g_autoptr(CpuhpResult) r = tu_run(p, 1, TRUE);
  g_autoptr(GPtrArray) v = violated(p, r);
  assert_int_equal(v->len, 1);
  assert_string_equal(v->pdata[0], "microcode_siblings_quiet");
  /* without a microcode loader (every VM) the same ordering is harmless */
  g_autoptr(CpuhpProfile) q = tu_profile("topology.sockets=1", "topology.cores_per_socket=3",
                                         "topology.threads_per_core=2", "topology.numa_nodes=0",
                                         "topology.enumeration=interleaved", "kernel.smt_primary_first=false",
                                         "x86.microcode_loader=false", NULL);
  g_autoptr(CpuhpResult) s = tu_run(q, 1, TRUE);
  g_autoptr(GPtrArray) w = violated(q, s);
  assert_int_equal(w->len, 0);
}


/* ---- table rules ---- */

static GArray *table_check_file(const char *path) {
  g_autoptr(GError) e = NULL;
  const CpuhpTable *t = cpuhp_table_load(path, &e);
  if (!t) fail_msg("%s: %s", path, e->message);
  return cpuhp_table_check(t);
}

/* Exactly one violation of `rule` for `state`, from table entry `origin`, whose detail has `needle`. */
static void assert_table_violation(GArray *v, const char *rule, const char *state, const char *origin,
                                   const char *needle) {
  guint hits = 0;
  for (guint i = 0; i < v->len; i++) {
    const CpuhpTableViolation *x = &g_array_index(v, CpuhpTableViolation, i);
    if (!g_str_equal(x->rule->name, rule) || !g_str_equal(x->state, state)) continue;
    hits++;
    if (!x->origin || !g_str_has_suffix(x->origin, origin)) fail_msg("%s %s: origin %s, not %s", rule, state, x->origin, origin);
    if (!strstr(x->detail, needle)) fail_msg("%s %s: '%s' has no '%s'", rule, state, x->detail, needle);
    assert_non_null(x->source);
  }
  if (hits != 1) fail_msg("%u violations of %s for %s", hits, rule, state);
}

/* Every table the project ships, split-startup builds included, meets its states' requirements. */
static void test_shipped_tables_hold(void **state) {
  guint n = 0;
  for (guint i = 0; cpuhp_arch_nth(i); i++)
    for (guint k = 0; k < cpuhp_arch_nth(i)->n_tables; k++)
      for (const CpuhpTable *t = cpuhp_arch_nth(i)->tables[k]; t; t = t->split_startup == t ? NULL : t->split_startup) {
        g_autoptr(GArray) v = cpuhp_table_check(t);
        for (guint j = 0; j < v->len; j++)
          g_printerr("%s/%s: %s %s\n", t->arch, t->version, g_array_index(v, CpuhpTableViolation, j).state,
                     g_array_index(v, CpuhpTableViolation, j).detail);
        assert_int_equal(v->len, 0);
        n++;
      }
  assert_true(n >= 3); /* x86_64, arm64 and its split-startup build */
}

/* The three mistakes of issue 23, each an edit of the shipped x86 table, each caught alone. */
static void test_table_edits_caught(void **state) {
  g_autoptr(GArray) wq = table_check_file("tests/data/tables/edit-wq-starting.yaml");
  assert_int_equal(wq->len, 2);
  assert_table_violation(wq, "state_context", "workqueue:prepare", "edit-wq-starting.yaml:5:8",
                         "must run on the control CPU before the AP is kicked");
  assert_table_violation(wq, "no_sleep_in_starting", "workqueue:prepare", "edit-wq-starting.yaml:5:8", "may sleep");
  g_autoptr(GArray) sched = table_check_file("tests/data/tables/edit-sched-prepare.yaml");
  assert_int_equal(sched->len, 1);
  assert_table_violation(sched, "state_context", "sched:starting", "edit-sched-prepare.yaml:5:8",
                         "must run on the AP itself with IRQs off, in STARTING");
  g_autoptr(GArray) threads = table_check_file("tests/data/tables/edit-no-threads.yaml");
  assert_int_equal(threads->len, 1);
  assert_table_violation(threads, "provider_first", "threads:prepare", "edit-no-threads.yaml:5:10",
                         "sets up the AP's cpuhp/N thread, which 14 states need, the first cpu:bringup");
  /* the unedited moves of foo.yaml (tmigr:prepare earlier, relay:prepare gone) break nothing */
  g_autoptr(GArray) foo = table_check_file("tests/data/tables/foo.yaml");
  assert_int_equal(foo->len, 0);
}

/* A provider moved after its user: the edited one of the two is named. */
static void test_provider_moved_after_user(void **state) {
  g_autofree char *dir = g_dir_make_tmp("cpuhpsim-table-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "t.yaml", NULL);
  assert_true(g_file_set_contents(path, "base: x86_64/6.12\nversion: \"6.12+late-tmigr\"\n"
                                        "move: {\"tmigr:online\": 186, \"RCU/tree:online\": 191}\n"
                                        "remove: [\"hrtimers:prepare\"]\n", -1, NULL));
  g_autoptr(GArray) v = table_check_file(path);
  /* RCU/tree:online moved but still after its provider: fine; hrtimers:dying lost its provider */
  assert_int_equal(v->len, 1);
  assert_table_violation(v, "provider_first", "hrtimers:prepare", "t.yaml:4:10", "the AP's hrtimer bases");
  g_unlink(path);
  g_rmdir(dir);
}

/* A new row's own requirement keys are checked like the kernel's rows; a bad value is an error
 * at its FILE:LINE:COL. */
static void test_new_rows_requirements(void **state) {
  g_autoptr(GArray) v = table_check_file("tests/data/tables/edit-new-state.yaml");
  assert_int_equal(v->len, 2);
  assert_table_violation(v, "no_sleep_in_starting", "bar:starting", "edit-new-state.yaml:8:5", "bar_starting_cpu may sleep");
  assert_table_violation(v, "provider_first", "bar:online", "edit-new-state.yaml:9:5",
                         "needs baz's per-CPU data, which no state of the table sets up");
  g_autofree char *dir = g_dir_make_tmp("cpuhpsim-table-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "bad.yaml", NULL);
  assert_true(g_file_set_contents(path, "base: x86_64/6.12\nversion: \"6.12+bad\"\nadd:\n"
                                        "  - {step: 63, name: \"q:prepare\", startup: q, context: irq}\n", -1, NULL));
  g_autoptr(GError) e = NULL;
  assert_null(cpuhp_table_load(path, &e));
  assert_non_null(strstr(e->message, "bad.yaml:4:56: 'context': expected any, bp, ap-atomic or ap-thread"));
  g_unlink(path);
  g_rmdir(dir);
}

/* A state with no requirement of its own, moved into another section: its callback was written
 * for the context of the section the base table registers it in. A state that lost the teardown
 * its base row has. */
static void test_moved_across_sections(void **state) {
  g_autofree char *dir = g_dir_make_tmp("cpuhpsim-table-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "t.yaml", NULL);
  assert_true(g_file_set_contents(path, "base: x86_64/6.12\nversion: \"6.12+rcu-starting\"\n"
                                        "move: {\"RCU/tree:online\": 120, \"random:prepare\": 36}\n", -1, NULL));
  g_autoptr(GArray) v = table_check_file(path);
  assert_int_equal(v->len, 1); /* random:prepare stays in PREPARE: fine */
  assert_table_violation(v, "state_context", "RCU/tree:online", "t.yaml:3:8",
                         "x86_64/6.12 registers it at step 190 in ONLINE");
  /* a row re-added without the teardown the kernel's has */
  assert_true(g_file_set_contents(path, "base: x86_64/6.12\nversion: \"6.12+no-rcu-teardown\"\n"
                                        "remove: [\"RCU/tree:prepare\"]\n"
                                        "add: [{step: 45, name: \"RCU/tree:prepare\", startup: rcutree_prepare_cpu}]\n",
                                  -1, NULL));
  g_autoptr(GArray) w = table_check_file(path);
  assert_int_equal(w->len, 1);
  assert_table_violation(w, "teardown_kept", "RCU/tree:prepare", "t.yaml:4:7", "undoes it with rcutree_dead_cpu");
  g_unlink(path);
  g_rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hold_on_correct_runs),
      cmocka_unit_test(test_each_has_a_failing_twin),
      cmocka_unit_test(test_online_failure_rollback_holds),
      cmocka_unit_test(test_failure_with_nothing_to_undo_holds),
      cmocka_unit_test(test_smt_rule_off_on_x86),
      cmocka_unit_test(test_shipped_tables_hold),
      cmocka_unit_test(test_table_edits_caught),
      cmocka_unit_test(test_provider_moved_after_user),
      cmocka_unit_test(test_new_rows_requirements),
      cmocka_unit_test(test_moved_across_sections),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
