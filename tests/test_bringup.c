/* test_bringup.c — flow invariants of kernel/cpu.c on many topologies and modes, and the
 * mechanisms one at a time (alive timeout, microcode sibling rule, TSC sync, calibration). */
#include "tests/testutil.h"

#include "models/kernel/cpuhp.h"
#include "models/kernel/invariants.h"
#include "models/kernel/policy.h"

/* The ordering and causality rules of docs/kernel-bringup.md section 8.4. */
static void check_invariants(const CpuhpProfile *p, const CpuhpResult *r) {
  const CpuhpTable *t = cpuhp_table_lookup(p->arch, p->kernel.version);
  assert_non_null(r->trace);
  g_autofree int *last_step = g_new0(int, r->n_cpus);
  g_autofree int *open_on = g_new0(int, r->n_cpus); /* executor -> cpu with an open callback + 1 */
  for (guint i = 0; i < r->trace->len; i++) {
    const CpuhpTraceEvent *e = &g_array_index(r->trace, CpuhpTraceEvent, i);
    assert_true(e->cpu < r->n_cpus && e->cpu > 0);
    /* PREPARE (and the kick and bringup steps) only on the control CPU; the rest on the AP */
    if (e->step <= t->bringup_cpu) {
      assert_int_equal(e->exec_cpu, 0);
      assert_int_equal(e->pid, 1);
    } else {
      assert_int_equal(e->exec_cpu, e->cpu);
    }
    if (e->type == CPUHP_TRACE_EXIT) {
      assert_int_equal(open_on[e->exec_cpu], e->cpu + 1);
      open_on[e->exec_cpu] = 0;
      continue;
    }
    /* callbacks on one executor never nest, except the AP thread inside the BP's step 86 */
    assert_int_equal(open_on[e->exec_cpu], 0);
    open_on[e->exec_cpu] = (int)e->cpu + 1;
    /* each CPU's states strictly increase (a multi-instance state repeats) */
    const CpuhpStep *s = cpuhp_table_at(t, (guint)e->step);
    assert_non_null(s);
    assert_true(e->step > last_step[e->cpu] || (e->step == last_step[e->cpu] && s->multi_instance));
    last_step[e->cpu] = e->step;
    assert_true(e->ts >= r->smp_init_at && e->ts <= r->smp_init_at + r->bringup_ns);
  }
  guint online = 0;
  for (guint c = 0; c < r->n_cpus; c++) {
    const CpuhpCpuResult *x = &r->cpus[c];
    if (x->status == CPUHP_CPU_BOOT || x->status == CPUHP_CPU_ONLINE) online++;
    if (x->status != CPUHP_CPU_ONLINE) continue;
    /* kick -> alive -> released -> online-idle -> online: STARTING never before ALIVE */
    assert_true(x->up_start >= 0 && x->kick >= x->up_start);
    assert_true(x->alive > x->kick);
    assert_true(x->release >= x->alive);
    assert_true(x->online_idle > x->release);
    assert_true(x->online > x->online_idle);
  }
  assert_int_equal(online, r->cpus_online);
  /* one AP at a time between release and CPUHP_ONLINE */
  for (guint a = 1; a < r->n_cpus; a++)
    for (guint b = 1; b < r->n_cpus; b++) {
      const CpuhpCpuResult *x = &r->cpus[a], *y = &r->cpus[b];
      if (a == b || x->online < 0 || y->online < 0) continue;
      assert_true(x->online <= y->release || y->online <= x->release);
    }
  if (!r->parallel) { /* serial: the next CPU starts after the previous one is online */
    for (guint c = 2; c < r->n_cpus; c++)
      if (r->cpus[c].up_start >= 0 && r->cpus[c - 1].online >= 0)
        assert_true(r->cpus[c].up_start >= r->cpus[c - 1].online);
  } else {
    int64_t first_release = INT64_MAX, last_kick_primary = -1, first_kick_sibling = INT64_MAX,
            last_online_primary = -1;
    for (guint c = 1; c < r->n_cpus; c++) {
      const CpuhpCpuResult *x = &r->cpus[c];
      if (x->primary || !r->smt_aware) first_release = MIN(first_release, x->release);
      if (x->primary) {
        last_kick_primary = MAX(last_kick_primary, x->kick);
        last_online_primary = MAX(last_online_primary, x->online);
      } else {
        first_kick_sibling = MIN(first_kick_sibling, x->kick);
      }
    }
    if (r->smt_aware) { /* no sibling kicked before every primary is kicked, and online */
      assert_true(last_kick_primary < first_kick_sibling);
      assert_true(last_online_primary <= first_kick_sibling);
    } else { /* every kick of the group before the first release */
      for (guint c = 1; c < r->n_cpus; c++) assert_true(r->cpus[c].kick <= first_release);
    }
  }
  /* the control CPU's time adds up to the window */
  int64_t sum = 0;
  for (CpuhpBpPhase ph = 0; ph < CPUHP_BP_N_PHASES; ph++) {
    assert_true(r->bp_phase_ns[ph] >= 0);
    sum += r->bp_phase_ns[ph];
  }
  assert_int_equal(sum, r->bringup_ns);
}

static void run_and_check(uint64_t seed, const char *first, ...) {
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  va_list ap;
  va_start(ap, first);
  for (const char *s = first; s; s = va_arg(ap, const char *)) g_ptr_array_add(ov, g_strdup(s));
  va_end(ap);
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpProfile) p = cpuhp_machine_load_default(ov, &err);
  if (!p) fail_msg("%s", err->message);
  g_autoptr(CpuhpResult) r = tu_run(p, seed, TRUE);
  check_invariants(p, r);
  g_autoptr(GArray) v = cpuhp_invariants_check(p, r); /* the shipped checker agrees */
  if (v->len) fail_msg("%s: %s", g_array_index(v, CpuhpViolation, 0).inv->name, g_array_index(v, CpuhpViolation, 0).detail);
  assert_int_equal(r->cpus_online, r->n_cpus);
}

static void test_invariants_matrix(void **state) {
  static const char *const topo[][4] = {
      {"topology.sockets=1", "topology.cores_per_socket=1", "topology.threads_per_core=1", "topology.enumeration=interleaved"},
      {"topology.sockets=1", "topology.cores_per_socket=4", "topology.threads_per_core=1", "topology.enumeration=interleaved"},
      {"topology.sockets=1", "topology.cores_per_socket=4", "topology.threads_per_core=2", "topology.enumeration=interleaved"},
      {"topology.sockets=2", "topology.cores_per_socket=3", "topology.threads_per_core=2", "topology.enumeration=primaries_first"},
      {"topology.sockets=1", "topology.cores_per_socket=3", "topology.threads_per_core=4", "topology.enumeration=interleaved"},
      {"topology.sockets=3", "topology.cores_per_socket=2", "topology.threads_per_core=2", "topology.enumeration=interleaved"},
  };
  /* Without the SMT rule a sibling may run while its primary writes microcode (the checker
   * flags it, test_invariants shows it); that mode is run as in a VM, without a loader. */
  static const char *const modes[][3] = {
      {"kernel.cpuhp_parallel=false", "kernel.smt_primary_first=true", "x86.microcode_loader=true"},
      {"kernel.cpuhp_parallel=true", "kernel.smt_primary_first=true", "x86.microcode_loader=true"},
      {"kernel.cpuhp_parallel=true", "kernel.smt_primary_first=false", "x86.microcode_loader=false"},
  };
  for (guint t = 0; t < G_N_ELEMENTS(topo); t++)
    for (guint m = 0; m < G_N_ELEMENTS(modes); m++)
      for (uint64_t seed = 1; seed <= 3; seed++)
        run_and_check(seed, topo[t][0], topo[t][1], topo[t][2], topo[t][3], "topology.numa_nodes=0",
                      modes[m][0], modes[m][1], modes[m][2], NULL);
  /* a cut topology (nr_cpus) and the default machine */
  run_and_check(1, "topology.nr_cpus=7", "topology.sockets=3", "topology.cores_per_socket=2",
                "topology.numa_nodes=0", NULL);
  run_and_check(1, NULL);
  run_and_check(1, "kernel.cpuhp_parallel=false", NULL);
}

static void test_one_cpu(void **state) {
  g_autoptr(CpuhpProfile) p = tu_profile("topology.sockets=1", "topology.cores_per_socket=1",
                                         "topology.threads_per_core=1", "topology.numa_nodes=0", NULL);
  g_autoptr(CpuhpResult) r = tu_run(p, 1, TRUE);
  assert_int_equal(r->cpus_online, 1);
  assert_int_equal(r->bringup_ns, 0);
  assert_int_equal(r->trace->len, 0);
}

/* An AP that never reports alive costs the BP the kernel's 10 s, is marked failed, and the
 * boot goes on with the others. */
static void test_alive_timeout(void **state) {
  for (int par = 0; par <= 1; par++) {
    g_autoptr(CpuhpProfile) p = tu_profile(
        "topology.sockets=1", "topology.cores_per_socket=2", "topology.threads_per_core=2",
        "topology.numa_nodes=0", "topology.enumeration=interleaved", "x86.wakeup_secondary=11s",
        par ? "kernel.cpuhp_parallel=true" : "kernel.cpuhp_parallel=false", NULL);
    g_autoptr(CpuhpResult) r = tu_run(p, 1, TRUE);
    /* CPUs 1 and 3 are siblings that need 11 s. Serially each costs the full 10 s and fails.
     * In parallel both were kicked up front: CPU 1 fails after 10 s, and by the time the BP
     * waits for CPU 3 its 11 s are nearly over, so it comes up. */
    assert_int_equal(r->cpus[1].status, CPUHP_CPU_FAILED);
    assert_int_equal(r->cpus[3].status, par ? CPUHP_CPU_ONLINE : CPUHP_CPU_FAILED);
    assert_int_equal(r->cpus[2].status, CPUHP_CPU_ONLINE);
    assert_int_equal(r->cpus_online, par ? 3 : 2);
    assert_string_equal(r->cpus[1].failure, "failed to report alive state");
    int64_t want = par ? 11000000000LL : 2 * p->kernel.alive_timeout;
    assert_true(r->bringup_ns >= want && r->bringup_ns < want + 100000000);
    gboolean logged = FALSE;
    for (guint i = 0; i < r->log->len; i++)
      logged |= g_str_equal(g_array_index(r->log, CpuhpLogLine, i).text, "CPU1 failed to report alive state");
    assert_true(logged);
    /* the failed step 86 exits with -EIO */
    gboolean eio = FALSE;
    for (guint i = 0; i < r->trace->len; i++) {
      const CpuhpTraceEvent *e = &g_array_index(r->trace, CpuhpTraceEvent, i);
      eio |= e->type == CPUHP_TRACE_EXIT && e->cpu == 1 && e->step == 86 && e->ret == -5;
    }
    assert_true(eio);
  }
}

/* Without the primary-first rule both threads of a core start at once: the sibling (shorter
 * SIPI response) reaches load_ucode_ap first and writes the patch while its primary waits —
 * the overlap the rule exists to prevent. With the rule, the primary loads and the sibling,
 * kicked later, finds the revision current. */
static void test_microcode_sibling_rule(void **state) {
  for (int rule = 0; rule <= 1; rule++) {
    g_autoptr(CpuhpProfile) p = tu_profile(
        "topology.sockets=1", "topology.cores_per_socket=4", "topology.threads_per_core=2",
        "topology.numa_nodes=0", "topology.enumeration=interleaved", "kernel.cpuhp_parallel=true",
        rule ? "kernel.smt_primary_first=true" : "kernel.smt_primary_first=false", NULL);
    g_autoptr(CpuhpResult) r = tu_run(p, 1, FALSE);
    const CpuhpCpuResult *pri = &r->cpus[2], *sib = &r->cpus[3]; /* core 1 */
    assert_true(pri->primary && !sib->primary && pri->core == sib->core);
    if (rule) {
      assert_true(pri->microcode_ns >= 7500000);
      assert_true(sib->microcode_ns < 10000);
    } else {
      assert_true(sib->microcode_ns >= 7500000);  /* the sibling applied it */
      assert_true(pri->microcode_ns > 1000000);   /* the primary waited for it */
      assert_true(pri->alive < sib->alive + 100000);
    }
    /* CPU 1, CPU 0's sibling: the boot CPU's core was updated before smp_init */
    assert_true(r->cpus[1].microcode_ns < 10000);
  }
}

static void test_tsc_sync_rules(void **state) {
  /* TSC_ADJUST: only the first CPU of socket 1 runs the 20 ms test */
  g_autoptr(CpuhpProfile) p = tu_profile("topology.nr_cpus=40", NULL);
  g_autoptr(CpuhpResult) r = tu_run(p, 1, FALSE);
  for (guint c = 1; c < r->n_cpus; c++) {
    if (c == 28) assert_true(r->cpus[c].tsc_sync_ns >= 20000000 && r->cpus[c].tsc_sync_ns < 20100000);
    else assert_int_equal(r->cpus[c].tsc_sync_ns, 0);
  }
  /* no TSC_ADJUST (AMD Zen 3): every AP, 2 ms, 20 ms for a new package */
  g_autoptr(CpuhpProfile) q = tu_profile("topology.nr_cpus=40", "x86.tsc_adjust=false", NULL);
  g_autoptr(CpuhpResult) s = tu_run(q, 1, FALSE);
  for (guint c = 1; c < s->n_cpus; c++) {
    int64_t want = c == 28 ? 20000000 : 2000000;
    assert_true(s->cpus[c].tsc_sync_ns >= want && s->cpus[c].tsc_sync_ns < want + 100000);
  }
  assert_true(s->bp_phase_ns[CPUHP_BP_TSC_SYNC] > 38 * 2000000);
  /* tsc=reliable: no test at all */
  g_autoptr(CpuhpProfile) u = tu_profile("x86.tsc_reliable=true", NULL);
  g_autoptr(CpuhpResult) v = tu_run(u, 1, FALSE);
  assert_int_equal(v->bp_phase_ns[CPUHP_BP_TSC_SYNC], 0);
}

static void test_delay_calibration(void **state) {
  g_autoptr(CpuhpProfile) p = tu_profile("topology.nr_cpus=4", "x86.constant_tsc=false", NULL);
  g_autoptr(CpuhpResult) r = tu_run(p, 1, FALSE);
  int64_t jiffy = 1000000000 / p->kernel.hz;
  for (guint c = 1; c < 4; c++) {
    int64_t ns = r->cpus[c].calibrate_ns;
    assert_true(ns > 20 * jiffy && ns <= 21 * jiffy); /* waits for a jiffy edge, then 20 */
  }
  g_autoptr(CpuhpProfile) q = tu_profile("topology.nr_cpus=4", "x86.constant_tsc=false",
                                         "kernel.lpj_preset=true", NULL);
  g_autoptr(CpuhpResult) s = tu_run(q, 1, FALSE);
  for (guint c = 1; c < 4; c++) assert_int_equal(s->cpus[c].calibrate_ns, 0);
  assert_true(r->bringup_ns > s->bringup_ns + 3 * 20 * jiffy);
}

/* A callback that walks CPU masks costs per CPU in them: workqueue_online_cpu's for_each_cpu
 * over the pod grows with the possible CPUs, a walk of cpu_online_mask with the CPUs online
 * when it starts (serial bringup: the BP and APs 1..c when AP c runs its ONLINE states). */
static void test_mask_walk_costs(void **state) {
  g_autoptr(CpuhpProfile) p = tu_profile("topology.nr_cpus=8", "kernel.cpuhp_parallel=false",
                                         "states.workqueue:online={cost: 10us, per_possible_cpu: 2us, per_online_cpu: 3us}",
                                         NULL);
  const CpuhpStep *row = cpuhp_table_find(cpuhp_profile_table(p), "workqueue:online");
  assert_non_null(row);
  g_autoptr(CpuhpResult) r = tu_run(p, 1, TRUE);
  int64_t enter[8] = {0};
  guint seen = 0;
  for (guint i = 0; i < r->trace->len; i++) {
    const CpuhpTraceEvent *e = &g_array_index(r->trace, CpuhpTraceEvent, i);
    if (e->step != (int32_t)row->step || e->cpu == 0) continue;
    if (e->type == CPUHP_TRACE_EXIT) {
      assert_int_equal(e->ts - enter[e->cpu], 10000 + 2000 * 8 + 3000 * (int64_t)(e->cpu + 1));
      seen++;
    } else {
      enter[e->cpu] = e->ts;
    }
  }
  assert_int_equal(seen, 7);
  /* without the terms the cost is the plain one */
  g_autoptr(CpuhpProfile) q = tu_profile("topology.nr_cpus=8", "kernel.cpuhp_parallel=false",
                                         "states.workqueue:online=10us", NULL);
  g_autoptr(CpuhpResult) t = tu_run(q, 1, FALSE);
  assert_int_equal(r->bringup_ns - t->bringup_ns, 7 * 2000 * 8 + 3000 * (2 + 3 + 4 + 5 + 6 + 7 + 8));
}

/* The control CPU's alive wait: caught while polling when the AP is quick, otherwise found at
 * the end of a 1-2 ms sleep. */
static void test_alive_wait_mechanism(void **state) {
  g_autoptr(CpuhpProfile) fast = tu_profile("topology.nr_cpus=2", "kernel.cpuhp_parallel=false",
                                            "x86.wakeup_primary=300us", "x86.microcode_apply=0", NULL);
  g_autoptr(CpuhpResult) r = tu_run(fast, 1, FALSE);
  assert_int_equal(r->bp_phase_ns[CPUHP_BP_ALIVE_SLEEP], 0);
  /* polled from the end of the kick until the 300 us wake-up (plus early init) was over */
  assert_true(r->bp_phase_ns[CPUHP_BP_ALIVE_SPIN] > 250000 && r->bp_phase_ns[CPUHP_BP_ALIVE_SPIN] < 350000);
  assert_true(r->cpus[1].release - r->cpus[1].alive < 1000);
  g_autoptr(CpuhpProfile) slow = tu_profile("topology.nr_cpus=2", "kernel.cpuhp_parallel=false",
                                            "x86.wakeup_primary=1500us", "x86.microcode_apply=0",
                                            "kernel.alive_sleep=2ms", NULL);
  g_autoptr(CpuhpResult) s = tu_run(slow, 1, FALSE);
  assert_int_equal(s->bp_phase_ns[CPUHP_BP_ALIVE_SPIN], 1000000);
  assert_int_equal(s->bp_phase_ns[CPUHP_BP_ALIVE_SLEEP], 2000000);
  /* found at the end of the sleep, 3 ms after the wait started */
  assert_true(s->cpus[1].release - s->cpus[1].alive > 1000000);
}

/* The shipped profiles the speed-up tests run on: bare metal, QEMU TCG x86 and arm64, VMs whose
 * vCPUs share host CPUs. */
static const char *const shipped[] = {NULL /* the embedded skl-2s-112t */, "scenarios/qemu-tcg-icount-x86_64.yaml",
                                      "scenarios/qemu-tcg-mttcg-x86_64.yaml", "scenarios/qemu-arm64-tcg-icount.yaml",
                                      "scenarios/qemu-arm64-kvm-128.yaml", "scenarios/hyperv-arm64-96.yaml"};

static CpuhpProfile *load_shipped(const char *file, gboolean parallel) {
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(ov, g_strdup_printf("kernel.cpuhp_parallel=%s", parallel ? "true" : "false"));
  g_autoptr(GError) err = NULL;
  CpuhpProfile *p = file ? cpuhp_machine_load_file(file, ov, &err) : cpuhp_machine_load_default(ov, &err);
  if (!p) fail_msg("%s", err->message);
  return p;
}

/* Without tracing, a run of fixed-cost rows that ends before any other event is taken at once
 * (bp_take_fixed, ap_thread_take_fixed); with tracing every row goes through the loop one by one.
 * The two must give the same run: every figure, per-CPU record and console line, and the same
 * event count. Over the shipped profiles (bare metal, VMs with shared host CPUs), both modes, an
 * injected failure and a variable-cost profile (per online CPU terms). */
static void assert_same_run(const CpuhpResult *a, const CpuhpResult *b) {
  assert_int_equal(a->bringup_ns, b->bringup_ns);
  assert_int_equal(a->all_online_ns, b->all_online_ns);
  assert_int_equal(a->events, b->events);
  assert_int_equal(a->cpus_online, b->cpus_online);
  assert_int_equal(a->ap_spin_ns, b->ap_spin_ns);
  assert_memory_equal(a->bp_phase_ns, b->bp_phase_ns, sizeof a->bp_phase_ns);
  assert_int_equal(a->n_cpus, b->n_cpus);
  for (guint c = 0; c < a->n_cpus; c++) { /* every byte but the failure's pointer, then its text */
    CpuhpCpuResult ca, cb;
    memcpy(&ca, &a->cpus[c], sizeof ca);
    memcpy(&cb, &b->cpus[c], sizeof cb);
    ca.failure = cb.failure = NULL;
    assert_memory_equal(&ca, &cb, sizeof ca);
    assert_string_equal(cpuhp_cpu_failure(&a->cpus[c]), cpuhp_cpu_failure(&b->cpus[c]));
  }
  assert_int_equal(a->log->len, b->log->len);
  for (guint i = 0; i < a->log->len; i++) {
    assert_int_equal(g_array_index(a->log, CpuhpLogLine, i).ts, g_array_index(b->log, CpuhpLogLine, i).ts);
    assert_string_equal(g_array_index(a->log, CpuhpLogLine, i).text, g_array_index(b->log, CpuhpLogLine, i).text);
  }
}

static void assert_same_trace(const CpuhpResult *a, const CpuhpResult *b) {
  assert_non_null(a->trace);
  assert_non_null(b->trace);
  assert_int_equal(a->trace->len, b->trace->len);
  for (guint i = 0; i < a->trace->len; i++) { /* field by field: the names are each run's own copies */
    const CpuhpTraceEvent *x = &g_array_index(a->trace, CpuhpTraceEvent, i), *y = &g_array_index(b->trace, CpuhpTraceEvent, i);
    assert_true(x->ts == y->ts && x->pid == y->pid && x->cpu == y->cpu && x->target == y->target && x->step == y->step &&
                x->ret == y->ret && x->exec_cpu == y->exec_cpu && x->type == y->type);
    assert_string_equal(x->comm, y->comm);
    assert_string_equal(x->fn, y->fn);
  }
}

/* Runs `p` with options `a` and with `b`: the two runs must agree in every figure, and event for
 * event in the trace when both are traced. */
static void assert_options_same(const CpuhpProfile *p, const CpuhpRunOptions *a, const CpuhpRunOptions *b) {
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpResult) ra = cpuhp_bringup_run(p, a, &err);
  if (!ra) fail_msg("%s", err->message);
  g_autoptr(CpuhpResult) rb = cpuhp_bringup_run(p, b, &err);
  if (!rb) fail_msg("%s", err->message);
  assert_same_run(ra, rb);
  if (a->trace && b->trace) assert_same_trace(ra, rb);
}

static void test_untraced_run_same(void **state) {
  guint compared = 0;
  for (guint f = 0; f < G_N_ELEMENTS(shipped); f++)
    for (int par = 0; par <= 1; par++) {
      g_autoptr(CpuhpProfile) p = load_shipped(shipped[f], par);
      for (uint64_t seed = 1; seed <= 2; seed++) {
        CpuhpFault fault = {.cpu = cpuhp_profile_n_cpus(p) - 1}; /* the last AP */
        assert_true(fault.cpu > 0);
        const CpuhpStep *ws = cpuhp_table_find(cpuhp_profile_table(p), "workqueue:online");
        assert_non_null(ws);
        fault.step = ws->step;
        for (int faulted = 0; faulted <= 1; faulted++) {
          CpuhpRunOptions a = {.seed = seed, .trace = TRUE, .faults = &fault, .n_faults = (guint)faulted};
          CpuhpRunOptions b = a;
          b.trace = FALSE;
          assert_options_same(p, &a, &b);
          compared++;
        }
      }
    }
  assert_int_equal(compared, G_N_ELEMENTS(shipped) * 2 * 2 * 2);
}

/* Every shortcut past the queue (continuations run in place, runs of fixed-cost rows taken at
 * once, hand-offs, the free trampoline lock) must leave the run as the queue would make it:
 * the same figures, records, console, event count and, traced, the same trace event for event.
 * Over the shipped profiles, both modes, a failed callback, an AP that never comes alive, and
 * two more policies. */
static void test_inline_same_as_queue(void **state) {
  static const char *const policies[] = {NULL, "waves:3", "numa-first"};
  guint compared = 0;
  for (guint f = 0; f < G_N_ELEMENTS(shipped); f++)
    for (int par = 0; par <= 1; par++) {
      g_autoptr(CpuhpProfile) p = load_shipped(shipped[f], par);
      guint last = cpuhp_profile_n_cpus(p) - 1;
      const CpuhpStep *ws = cpuhp_table_find(cpuhp_profile_table(p), "workqueue:online");
      assert_non_null(ws);
      CpuhpFault faults[][1] = {{{.cpu = last, .step = ws->step}}, {{.cpu = last, .no_alive = TRUE}}};
      for (guint pol = 0; pol < G_N_ELEMENTS(policies); pol++) {
        g_autoptr(CpuhpPolicy) policy = policies[pol] ? cpuhp_policy_parse(policies[pol], NULL) : NULL;
        if (policies[pol] && (!par || !cpuhp_profile_table(p)->kick_ap)) continue; /* parallel policies */
        for (guint fi = 0; fi <= G_N_ELEMENTS(faults); fi++)
          for (int traced = 0; traced <= 1; traced++) {
            CpuhpRunOptions a = {.seed = 3, .trace = traced, .policy = policy,
                                 .faults = fi ? faults[fi - 1] : NULL, .n_faults = fi ? 1 : 0};
            CpuhpRunOptions q = a;
            q.queue_every_event = TRUE;
            assert_options_same(p, &a, &q);
            compared++;
          }
      }
    }
  assert_true(compared >= G_N_ELEMENTS(shipped) * 2 * 3 * 2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_invariants_matrix),   cmocka_unit_test(test_one_cpu),
      cmocka_unit_test(test_alive_timeout),       cmocka_unit_test(test_microcode_sibling_rule),
      cmocka_unit_test(test_tsc_sync_rules),      cmocka_unit_test(test_delay_calibration),
      cmocka_unit_test(test_alive_wait_mechanism), cmocka_unit_test(test_mask_walk_costs),
      cmocka_unit_test(test_untraced_run_same),
      cmocka_unit_test(test_inline_same_as_queue),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
