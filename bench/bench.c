/* bench.c — cpuhpsim's performance figures, printed next to their targets:
 *   1. the engine under the classic hold model (pop one, push one) at 64 .. 65,536 pending;
 *   2. whole bringups of 64 .. 8,192 CPUs, serial and parallel, trace off;
 *   3. Monte Carlo throughput on a 256-CPU machine;
 *   4. memory per pending event;
 *   5. the skl-2s-112t scenario with every distribution fixed, run by cpuhpsim and by an
 *      independent SimPy model (bench/simpy_skl.py): the bringup times must agree to the ns, and
 *      the wall times, taken in alternating rounds, give the speed ratio.
 * Not a test (ctest never runs it): `cmake --build BUILD --target bench`. Exit status 1 only when
 * the SimPy model disagrees with cpuhpsim or something could not run; a missed performance
 * target is reported as MISS, not as a failure. */
#define _GNU_SOURCE /* sched_getcpu(), CPU_SET: section 5 runs both sides on one CPU */
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "models/kernel/bringup.h"
#include "models/kernel/cpuhp.h"
#include "models/kernel/prepare.h"
#include "models/profile/profile.h"
#include "models/kernel/result.h"
#include "sim/engine/engine.h"
#include "sim/engine/eventq.h"

#ifndef CPUHPSIM_BUILD_TYPE
#define CPUHPSIM_BUILD_TYPE "?"
#endif
#ifndef CPUHPSIM_PGO_STEP
#define CPUHPSIM_PGO_STEP ""
#endif
/* Which build the figures are of: profile-guided (bench/pgo-build.sh) or not. */
static const char *pgo_label(void) {
  const char *s = CPUHPSIM_PGO_STEP;
  return !*s ? "" : g_str_equal(s, "use") ? " + profile-guided (bench/pgo-build.sh)" : " + PGO instrumented (slow)";
}

/* Targets of the performance issue; printed beside what was measured. */
#define TARGET_HOLD_EVS 10e6      /* events/s at 8,192 pending */
#define TARGET_8192_WALL_MS 100.0 /* parallel bringup of 8,192 CPUs */
#define TARGET_BYTES_PER_EV 64.0  /* per pending event */
#define TARGET_SIMPY_RATIO 200.0  /* SimPy wall / cpuhpsim wall */
#define C_WARMUP_RUNS 50           /* untimed cpuhp_bringup_run() calls before section 5 times any */
#define ROUND_WARMUP_RUNS 20       /* the same before each round's batch */
#define PY_WARMUP_RUNS 1           /* the same for the SimPy model (simpy_skl.py --warmup) */

/* Every distribution of the SimPy scenario fixed at the middle of its profile range. */
static const char *const fixed_overrides[] = {
    "x86.wakeup_primary=3.45ms",  /* uniform(3.2ms, 3.7ms) */
    "x86.wakeup_secondary=1.175ms", /* uniform(350us, 2ms) */
    "x86.microcode_apply=7.75ms", /* uniform(7.5ms, 8ms) */
    "kernel.alive_sleep=1.5ms",   /* uniform(1ms, 2ms) */
    /* what grows with the machine (x86_scale.h) is not in the SimPy model: off, and the two
     * callbacks whose per-CPU stores it prices back at tglx's measured totals */
    "x86.line_local=0", "x86.line_hop=0", "x86.line_node_controller=0", "x86.apicid_scan_per_cpu=0",
    "x86.store_line_pct=0", "states.smpcfd:prepare=16us", "states.mm/vmstat:online=17us",
};

static gboolean quick;
static gboolean failed; /* something that should have worked did not */

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static int64_t median_i64(int64_t *v, guint n) {
  qsort(v, n, sizeof *v, cmp_i64);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double median_double(double *v, guint n) {
  qsort(v, n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static const char *verdict(gboolean ok) { return ok ? "ok" : "MISS"; }

/* ---- 1. hold model ----------------------------------------------------------------------- */

/* Increments are drawn before timing (xorshift64*, fixed seed; exponential, mean 1 us, at least
 * 1 ns so every event goes through the heap, not the zero-delay lane): the loop measures the
 * queue, not log(). */
#define HOLD_INCR_N 65536u
#define HOLD_SEED UINT64_C(0x2545f4914f6cdd1d)

static int64_t *hold_increments(void) {
  int64_t *incr = g_new(int64_t, HOLD_INCR_N);
  uint64_t s = HOLD_SEED;
  for (guint i = 0; i < HOLD_INCR_N; i++) {
    s ^= s >> 12, s ^= s << 25, s ^= s >> 27;
    double u = (double)((s * UINT64_C(0x2545f4914f6cdd1d)) >> 11) * 0x1.0p-53;
    incr[i] = MAX(1, (int64_t)llround(-1000.0 * log1p(-u)));
  }
  return incr;
}

typedef struct {
  SimEngine *e;
  const int64_t *incr;
  guint k;
  uint64_t left;
} Hold;

static void hold_event(void *ctx, uint64_t arg) {
  Hold *h = ctx;
  sim_engine_schedule(h->e, h->incr[h->k++ & (HOLD_INCR_N - 1)], hold_event, h, arg);
  if (--h->left == 0) sim_engine_stop(h->e);
}

/* Events/s through the engine: dispatch by the run loop, push by sim_engine_schedule. */
/* Median events/s over `reps` (and the best repetition in *best: the machine may be shared). */
static double hold_engine(guint pending, const int64_t *incr, uint64_t per_rep, guint reps, double *best) {
  Hold h = {.e = sim_engine_new(), .incr = incr};
  for (guint i = 0; i < pending; i++) sim_engine_schedule(h.e, incr[h.k++ & (HOLD_INCR_N - 1)], hold_event, &h, i);
  h.left = MAX(per_rep / 4, 4u * pending); /* warm-up: the heap reaches its steady shape */
  sim_engine_run(h.e, INT64_MAX);
  double *rate = g_new(double, reps);
  for (guint r = 0; r < reps; r++) {
    h.left = per_rep;
    int64_t t0 = now_ns();
    uint64_t ran = sim_engine_run(h.e, INT64_MAX);
    rate[r] = (double)ran * 1e9 / (double)(now_ns() - t0);
  }
  g_assert(sim_engine_pending(h.e) == pending);
  double med = median_double(rate, reps);
  *best = rate[reps - 1];
  g_free(rate);
  sim_engine_free(h.e);
  return med;
}

/* Events/s through the bare queue: pop, advance, push. */
static double hold_queue(guint pending, const int64_t *incr, uint64_t per_rep, guint reps, double *best) {
  SimEventQ *q = sim_eventq_new();
  uint64_t seq = 0;
  guint k = 0;
  for (guint i = 0; i < pending; i++) {
    SimEvent ev = {.time = incr[k++ & (HOLD_INCR_N - 1)], .seq = seq++, .arg = i};
    sim_eventq_push(q, &ev);
  }
  double *rate = g_new(double, reps);
  for (guint r = 0; r <= reps; r++) { /* round 0 is the warm-up */
    int64_t t0 = now_ns();
    for (uint64_t n = 0; n < per_rep; n++) {
      SimEvent ev;
      sim_eventq_pop(q, &ev);
      ev.time += incr[k++ & (HOLD_INCR_N - 1)];
      ev.seq = seq++;
      sim_eventq_push(q, &ev);
    }
    if (r) rate[r - 1] = (double)per_rep * 1e9 / (double)(now_ns() - t0);
  }
  double med = median_double(rate, reps);
  *best = rate[reps - 1];
  g_free(rate);
  sim_eventq_free(q);
  return med;
}

static void bench_hold(void) {
  static const guint sizes[] = {64, 1024, 8192, 65536};
  g_autofree int64_t *incr = hold_increments();
  uint64_t per_rep = quick ? 500000 : 4000000;
  guint reps = quick ? 3 : 5;
  printf("\n1. Engine, classic hold model: pop the earliest event, push one at now + exponential(mean 1 us)\n"
         "   (increments from xorshift64*, fixed seed, drawn before timing); %" G_GUINT64_FORMAT
         " events per repetition, median of %u\n\n",
         per_rep, reps);
  printf("   %9s  %22s  %22s  %s\n", "pending", "engine Mev/s (best)", "queue only Mev/s (best)", "target");
  for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
    double eng_best, q_best;
    double eng = hold_engine(sizes[i], incr, per_rep, reps, &eng_best);
    double q = hold_queue(sizes[i], incr, per_rep, reps, &q_best);
    printf("   %9u  %15.1f (%4.1f)  %15.1f (%4.1f)", sizes[i], eng / 1e6, eng_best / 1e6, q / 1e6, q_best / 1e6);
    if (sizes[i] == 8192) printf("  median >= %.0f Mev/s: %s", TARGET_HOLD_EVS / 1e6, verdict(eng >= TARGET_HOLD_EVS));
    printf("\n");
  }
  printf("   engine = sim_engine_run dispatching a handler that calls sim_engine_schedule;"
         " queue only = sim_eventq_pop + sim_eventq_push\n");
}

/* ---- 4. memory per pending event --------------------------------------------------------- */

static void never_run(void *ctx, uint64_t arg) { g_assert_not_reached(); }

static void bench_memory(void) {
  const guint pending = 65536;
  printf("\n4. Memory per pending event\n\n");
  printf("   sizeof(SimEvent)                                 %5zu B\n", sizeof(SimEvent));
#ifdef __GLIBC__
  /* What malloc really handed out (arena + mmapped blocks) for an engine holding `pending`
   * heap events: array slack and the zero-delay ring included. */
  struct mallinfo2 before = mallinfo2();
  SimEngine *e = sim_engine_new();
  for (guint i = 0; i < pending; i++) sim_engine_schedule(e, 1 + i % 977, never_run, NULL, i);
  struct mallinfo2 after = mallinfo2();
  double bytes = (double)((after.uordblks + after.hblkhd) - (before.uordblks + before.hblkhd));
  sim_engine_free(e);
  if (bytes <= 0) /* a sanitizer's malloc does not report to mallinfo2() */
    printf("   engine allocation at %u pending: n/a (malloc is not glibc's here)\n", pending);
  else
    printf("   engine allocation at %u pending (mallinfo2)   %7.2f B/event   target <= %.0f B: %s\n", pending,
           bytes / pending, TARGET_BYTES_PER_EV, verdict(bytes / pending <= TARGET_BYTES_PER_EV));
#else
  printf("   engine allocation at %u pending: n/a (needs glibc mallinfo2)\n", pending);
#endif
}

/* ---- profiles ----------------------------------------------------------------------------- */

/* The embedded default profile (skl-2s-112t) with overrides: the topology (cpus 0: as it is),
 * cpuhp.parallel, then `extra`. */
static CpuhpProfile *load_profile(guint cpus, gboolean parallel, const char *const *extra, guint n_extra) {
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  if (cpus) { /* 2 sockets x cpus/4 cores x 2 threads, one NUMA node per socket */
    g_ptr_array_add(ov, g_strdup("topology.sockets=2"));
    g_ptr_array_add(ov, g_strdup_printf("topology.cores_per_socket=%u", cpus / 4));
    g_ptr_array_add(ov, g_strdup("topology.threads_per_core=2"));
    g_ptr_array_add(ov, g_strdup("topology.numa_nodes=2"));
  }
  g_ptr_array_add(ov, g_strdup_printf("kernel.cpuhp_parallel=%s", parallel ? "true" : "false"));
  for (guint i = 0; i < n_extra; i++) g_ptr_array_add(ov, g_strdup(extra[i]));
  g_autoptr(GError) err = NULL;
  CpuhpProfile *p = cpuhp_machine_load_default(ov, &err);
  if (!p) g_error("bench: profile: %s", err->message); /* the overrides are ours: a bug */
  return p;
}

static CpuhpResult *run_once(const CpuhpProfile *p, uint64_t seed) {
  CpuhpRunOptions opt = {.seed = seed, .trace = FALSE};
  g_autoptr(GError) err = NULL;
  CpuhpResult *r = cpuhp_bringup_run(p, &opt, &err);
  if (!r) g_error("bench: run: %s", err->message);
  return r;
}

/* ---- 2. bringup --------------------------------------------------------------------------- */

typedef struct {
  int64_t wall_ns; /* median */
  uint64_t events;
  int64_t bringup_ns;
  guint online, n_cpus;
  long maxrss_kb; /* the child's peak RSS (VmHWM) */
  gboolean ok;
} BringupRow;

/* This process image's peak RSS in KiB: VmHWM, the high-water mark of the address space exec
 * gave it. Not ru_maxrss: Linux carries that over exec from the parent's forked copy, so every
 * child would report at least the bench's own peak. */
static long peak_rss_kb(void) {
  g_autofree char *status = NULL;
  if (g_file_get_contents("/proc/self/status", &status, NULL, NULL)) {
    const char *l = strstr(status, "\nVmHWM:");
    if (l) return strtol(l + strlen("\nVmHWM:"), NULL, 10);
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

/* One configuration, measured in this process: --row=CPUS:PARALLEL:REPS prints the row. */
static int bringup_row_main(const char *spec) {
  guint64 cpus = 0, parallel = 0, reps = 0;
  g_auto(GStrv) f = g_strsplit(spec, ":", 3);
  if (g_strv_length(f) != 3 || !g_ascii_string_to_unsigned(f[0], 10, 0, CPUHP_PROFILE_MAX_CPUS, &cpus, NULL) ||
      !g_ascii_string_to_unsigned(f[1], 10, 0, 1, &parallel, NULL) ||
      !g_ascii_string_to_unsigned(f[2], 10, 0, 1000, &reps, NULL)) {
    fprintf(stderr, "cpuhpsim_bench: --row=%s: expected CPUS:0|1:REPS\n", spec);
    return 2;
  }
  BringupRow row = {0};
  g_autoptr(CpuhpProfile) p = load_profile((guint)cpus, (gboolean)parallel, NULL, 0);
  if (cpus && reps) {
    g_autofree int64_t *wall = g_new(int64_t, reps);
    for (guint r = 0; r < reps; r++) {
      int64_t t0 = now_ns();
      g_autoptr(CpuhpResult) res = run_once(p, 1);
      wall[r] = now_ns() - t0;
      row.events = res->events;
      row.bringup_ns = res->bringup_ns;
      row.online = res->cpus_online;
      row.n_cpus = res->n_cpus;
    }
    row.wall_ns = median_i64(wall, (guint)reps);
  }
  printf("%" G_GINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GINT64_FORMAT " %u %u %ld\n", row.wall_ns, row.events,
         row.bringup_ns, row.online, row.n_cpus, peak_rss_kb());
  return 0;
}

/* Each configuration runs in a fresh process (this program, --row=...), so that its peak RSS
 * is that configuration's and owes nothing to what ran before. */
static BringupRow bringup_in_child(guint cpus, gboolean parallel, guint reps) {
  BringupRow row = {0};
  g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
  g_autofree char *spec = g_strdup_printf("--row=%u:%d:%u", cpus, parallel ? 1 : 0, reps);
  const char *argv[] = {self, spec, NULL};
  g_autofree char *out = NULL;
  int status = -1;
  g_autoptr(GError) err = NULL;
  if (!self || !g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &err) ||
      !g_spawn_check_wait_status(status, &err) ||
      sscanf(out, "%" G_GINT64_MODIFIER "d %" G_GINT64_MODIFIER "u %" G_GINT64_MODIFIER "d %u %u %ld", &row.wall_ns,
             &row.events, &row.bringup_ns, &row.online, &row.n_cpus, &row.maxrss_kb) != 6) {
    fprintf(stderr, "cpuhpsim_bench: %s: %s\n", spec, err ? err->message : "no result");
    failed = TRUE;
    return (BringupRow){0};
  }
  row.ok = TRUE;
  return row;
}

static void bench_bringup(void) {
  static const guint sizes[] = {64, 512, 2048, 8192};
  guint reps = quick ? 3 : 5;
  BringupRow base = bringup_in_child(0, TRUE, 0);
  printf("\n2. Bringup, embedded skl-2s-112t profile with topology 2 sockets x N/4 cores x 2 threads,\n"
         "   seed 1, trace off; wall = cpuhp_bringup_run() alone (median of %u); RSS = peak RSS (VmHWM) of\n"
         "   a fresh process that ran only that row; +base = minus a process that only loads the profile (%.1f MiB)\n\n",
         reps, base.maxrss_kb / 1024.0);
  printf("   %5s  %-8s  %9s  %9s  %7s  %12s  %9s  %9s  %s\n", "CPUs", "mode", "wall ms", "events", "Mev/s",
         "bringup ms", "RSS MiB", "+base MiB", "target");
  for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
    for (int par = 0; par < 2; par++) {
      BringupRow r = bringup_in_child(sizes[i], par, reps);
      if (!r.ok) {
        printf("   %5u  %-8s  (the child failed)\n", sizes[i], par ? "parallel" : "serial");
        continue;
      }
      double wall_ms = (double)r.wall_ns / 1e6;
      /* A few pages below the base is noise (allocator and stack high-water marks): 0.0, not
       * "-0.0"; anything more negative is printed as it is. */
      double over_base = (double)(r.maxrss_kb - base.maxrss_kb) / 1024.0;
      if (over_base < 0 && over_base > -0.1) over_base = 0;
      printf("   %5u  %-8s  %9.2f  %9" G_GUINT64_FORMAT "  %7.2f  %12.3f  %9.1f  %9.1f", r.n_cpus,
             par ? "parallel" : "serial", wall_ms, r.events, (double)r.events / ((double)r.wall_ns / 1e9) / 1e6,
             (double)r.bringup_ns / 1e6, r.maxrss_kb / 1024.0, over_base);
      if (r.online != r.n_cpus) printf("  (only %u online!)", r.online), failed = TRUE;
      if (sizes[i] == 8192 && par)
        printf("  <= %.0f ms: %s", TARGET_8192_WALL_MS, verdict(wall_ms <= TARGET_8192_WALL_MS));
      printf("\n");
    }
  }
  printf("   bringup ms = simulated time from \"smp: Bringing up secondary CPUs\" to \"smp: Brought up\"\n");
}

/* ---- 3. Monte Carlo ----------------------------------------------------------------------- */

static void bench_montecarlo(void) {
  guint runs = quick ? 50 : 400;
  printf("\n3. Monte Carlo: %u runs of cpuhp_bringup_run() with seeds 1..%u, 256 CPUs (2 x 64 x 2),\n"
         "   trace off, one thread; profile loaded once\n\n",
         runs, runs);
  printf("   %-8s  %9s  %12s  %14s  %22s\n", "mode", "runs/s", "events/run", "Mev/s", "bringup ms mean (min..max)");
  for (int par = 1; par >= 0; par--) {
    g_autoptr(CpuhpProfile) p = load_profile(256, par, NULL, 0);
    double sum = 0;
    int64_t lo = INT64_MAX, hi = 0;
    uint64_t events = 0;
    int64_t t0 = now_ns();
    for (guint s = 1; s <= runs; s++) {
      g_autoptr(CpuhpResult) r = run_once(p, s);
      sum += (double)r->bringup_ns;
      lo = MIN(lo, r->bringup_ns);
      hi = MAX(hi, r->bringup_ns);
      events += r->events;
    }
    double secs = (double)(now_ns() - t0) / 1e9;
    printf("   %-8s  %9.0f  %12.0f  %14.2f  %9.3f (%.3f..%.3f)\n", par ? "parallel" : "serial", runs / secs,
           (double)events / runs, (double)events / secs / 1e6, sum / runs / 1e6, (double)lo / 1e6, (double)hi / 1e6);
  }
}

/* ---- 5. SimPy ----------------------------------------------------------------------------- */

/* Every distribution the models draw from, so that the scenario can be checked all fixed. */
static gboolean all_fixed(const CpuhpProfile *p, GString *why) {
  const struct {
    const char *key;
    const SimDist *d;
  } dists[] = {
      {"kernel.alive_sleep", &p->kernel.alive_sleep},   {"kernel.trace_rb_page", &p->kernel.trace_rb_page},
      {"platform.wakeup", &p->platform.wakeup},
      {"platform.spin_notice", &p->platform.spin_notice}, {"x86.icr_write", &p->x86.icr_write},
      {"x86.kick_setup", &p->x86.kick_setup},           {"x86.wakeup_primary", &p->x86.wakeup_primary},
      {"x86.wakeup_secondary", &p->x86.wakeup_secondary}, {"x86.trampoline", &p->x86.trampoline},
      {"x86.early_init", &p->x86.early_init},           {"x86.microcode_apply", &p->x86.microcode_apply},
      {"x86.microcode_current", &p->x86.microcode_current}, {"x86.cpu_init", &p->x86.cpu_init},
      {"x86.identify", &p->x86.identify},               {"x86.tsc_sync_overhead", &p->x86.tsc_sync_overhead},
      {"x86.online_tail", &p->x86.online_tail},
  };
  for (guint i = 0; i < G_N_ELEMENTS(dists); i++)
    if (dists[i].d->kind != SIM_DIST_FIXED) g_string_append_printf(why, " %s", dists[i].key);
  for (guint i = 0; i < p->n_states; i++)
    for (guint k = 0; k < p->states[i].n_costs; k++)
      if (p->states[i].costs[k].kind != SIM_DIST_FIXED) g_string_append_printf(why, " states.%s", p->states[i].name);
  return why->len == 0;
}

static void json_bool(GString *j, const char *key, gboolean v) { g_string_append_printf(j, "\"%s\": %s, ", key, v ? "true" : "false"); }
static void json_int(GString *j, const char *key, int64_t v) { g_string_append_printf(j, "\"%s\": %" G_GINT64_FORMAT ", ", key, v); }
static void json_str(GString *j, const char *key, const char *v) { g_string_append_printf(j, "\"%s\": \"%s\", ", key, v); }
static void json_dist(GString *j, const char *key, const SimDist *d) { json_int(j, key, d->a); }
static void json_close(GString *j, const char *close) { /* drop the trailing ", " */
  if (g_str_has_suffix(j->str, ", ")) g_string_truncate(j, j->len - 2);
  g_string_append(j, close);
}

/* The scenario as the SimPy model reads it: profile values (all fixed, in ns) and the state table
 * rows with what this profile makes of them. Names are plain ASCII: no escaping needed. */
static char *simpy_params(const CpuhpProfile *p) {
  const CpuhpTable *t = cpuhp_table_lookup(p->arch, p->kernel.version);
  g_assert(t);
  GString *j = g_string_new("{");
  json_str(j, "name", p->name);
  json_str(j, "arch", p->arch);
  g_string_append(j, "\"topology\": {");
  json_int(j, "sockets", p->topology.sockets);
  json_int(j, "cores_per_socket", p->topology.cores_per_socket);
  json_int(j, "threads_per_core", p->topology.threads_per_core);
  json_str(j, "enumeration", p->topology.enumeration == CPUHP_ENUM_PRIMARIES_FIRST ? "primaries_first" : "interleaved");
  json_int(j, "nr_cpus", p->topology.nr_cpus);
  json_close(j, "}, \"kernel\": {");
  json_bool(j, "hotplug_parallel", p->kernel.hotplug_parallel);
  json_bool(j, "cpuhp_parallel", p->kernel.cpuhp_parallel);
  json_bool(j, "smt_primary_first", p->kernel.smt_primary_first);
  json_bool(j, "parallel_veto", p->kernel.parallel_veto);
  json_int(j, "hz", p->kernel.hz);
  json_bool(j, "lpj_preset", p->kernel.lpj_preset);
  json_int(j, "smp_init_at", p->kernel.smp_init_at);
  json_int(j, "alive_timeout", p->kernel.alive_timeout);
  json_int(j, "alive_spin", p->kernel.alive_spin);
  json_dist(j, "alive_sleep", &p->kernel.alive_sleep);
  json_str(j, "nosmt", p->kernel.nosmt == CPUHP_NOSMT_OFF ? "off" : "on");
  json_int(j, "maxcpus", p->kernel.maxcpus);
  json_int(j, "nr_cpus", p->kernel.nr_cpus);
  json_bool(j, "tracing_at_boot", p->kernel.tracing_at_boot);
  json_int(j, "trace_buf_size", p->kernel.trace_buf_size);
  json_dist(j, "trace_rb_page", &p->kernel.trace_rb_page);
  json_int(j, "trace_rb_global", p->kernel.trace_rb_global);
  json_close(j, "}, \"host\": {");
  json_int(j, "pcpus", p->host.pcpus);
  json_close(j, "}, \"platform\": {");
  json_dist(j, "wakeup", &p->platform.wakeup);
  json_dist(j, "spin_notice", &p->platform.spin_notice);
  json_close(j, "}, \"x86\": {");
  json_str(j, "vendor", p->x86.vendor);
  json_int(j, "family", p->x86.family);
  json_int(j, "init_udelay_us", p->x86.init_udelay_us);
  json_dist(j, "icr_write", &p->x86.icr_write);
  json_dist(j, "kick_setup", &p->x86.kick_setup);
  json_dist(j, "wakeup_primary", &p->x86.wakeup_primary);
  json_dist(j, "wakeup_secondary", &p->x86.wakeup_secondary);
  json_dist(j, "trampoline", &p->x86.trampoline);
  json_dist(j, "early_init", &p->x86.early_init);
  json_dist(j, "microcode_apply", &p->x86.microcode_apply);
  json_dist(j, "microcode_current", &p->x86.microcode_current);
  json_bool(j, "microcode_loader", p->x86.microcode_loader);
  json_dist(j, "cpu_init", &p->x86.cpu_init);
  json_dist(j, "identify", &p->x86.identify);
  json_bool(j, "constant_tsc", p->x86.constant_tsc);
  json_bool(j, "tsc_reliable", p->x86.tsc_reliable);
  json_bool(j, "tsc_adjust", p->x86.tsc_adjust);
  json_bool(j, "tsc_unsynchronized", p->x86.tsc_unsynchronized);
  json_int(j, "tsc_sync_first", p->x86.tsc_sync_first);
  json_int(j, "tsc_sync_other", p->x86.tsc_sync_other);
  json_dist(j, "tsc_sync_overhead", &p->x86.tsc_sync_overhead);
  json_int(j, "tsc_sync_runs", p->x86.tsc_sync_runs);
  json_int(j, "calibrate_jiffies", p->x86.calibrate_jiffies);
  json_dist(j, "online_tail", &p->x86.online_tail);
  json_close(j, "}, \"table\": {");
  json_int(j, "kick_ap", t->kick_ap);
  json_int(j, "bringup_cpu", t->bringup_cpu);
  json_int(j, "ap_online", t->ap_online);
  json_int(j, "ap_online_idle", t->ap_online_idle);
  json_int(j, "online", t->online);
  json_close(j, "}, \"rows\": [");
  static const char *const kinds[] = {[CPUHP_COST_PROFILE] = "profile", [CPUHP_COST_KICK] = "kick",
                                      [CPUHP_COST_BRINGUP] = "bringup", [CPUHP_COST_NONE] = "none"};
  for (guint i = 0; i < t->n_steps; i++) {
    const CpuhpStep *s = &t->steps[i];
    const CpuhpStateCost *sc = cpuhp_profile_state(p, s->name);
    gboolean present = sc && sc->present >= 0 ? sc->present : s->at_boot;
    g_string_append(j, "{");
    json_int(j, "step", s->step);
    json_str(j, "name", s->name);
    json_str(j, "section", cpuhp_section_name(s->section));
    json_str(j, "kind", kinds[s->cost]);
    json_bool(j, "startup", s->startup != NULL);
    json_bool(j, "ring_buffer", s->ring_buffer);
    json_bool(j, "present", present);
    g_string_append(j, "\"costs\": [");
    if (sc && sc->n_costs)
      for (guint k = 0; k < sc->n_costs; k++) g_string_append_printf(j, "%s%" G_GINT64_FORMAT, k ? ", " : "", sc->costs[k].a);
    g_string_append(j, "]}");
    if (i + 1 < t->n_steps) g_string_append(j, ", ");
  }
  g_string_append(j, "]}\n");
  return g_string_free(j, FALSE);
}

/* A python3 that can import simpy: --python alone if given, else $CPUHPSIM_PYTHON, python3 on
 * PATH, then Debian's own /usr/bin/python3 (where apt's python3-simpy3 installs, even when PATH
 * finds another python first). */
static char *find_python(const char *forced) {
  const char *cands[] = {forced, forced ? NULL : g_getenv("CPUHPSIM_PYTHON"), forced ? NULL : "python3",
                         forced ? NULL : "/usr/bin/python3"};
  for (guint i = 0; i < G_N_ELEMENTS(cands); i++) {
    if (!cands[i] || !*cands[i]) continue;
    g_autofree char *path = g_find_program_in_path(cands[i]);
    if (!path) continue;
    const char *argv[] = {path, "-c", "import simpy", NULL};
    int status = -1;
    if (g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                     NULL, NULL, &status, NULL) &&
        g_spawn_check_wait_status(status, NULL))
      return g_steal_pointer(&path);
  }
  return NULL;
}

typedef struct {
  int64_t bringup_ns, wall_ns;
  guint64 online, events;
} SimpyOut;

/* One line of the SimPy model: key=value pairs. */
static gboolean parse_simpy_line(const char *line, SimpyOut *o) {
  g_auto(GStrv) kv = g_strsplit_set(line, " \n", -1);
  guint found = 0;
  *o = (SimpyOut){0};
  for (char **s = kv; *s; s++) {
    char *eq = strchr(*s, '=');
    if (!eq) continue;
    *eq = '\0';
    gint64 v = g_ascii_strtoll(eq + 1, NULL, 10);
    if (g_str_equal(*s, "bringup_ns")) o->bringup_ns = v, found |= 1;
    else if (g_str_equal(*s, "wall_ns")) o->wall_ns = v, found |= 2;
    else if (g_str_equal(*s, "cpus_online")) o->online = (guint64)v, found |= 4;
    else if (g_str_equal(*s, "events")) o->events = (guint64)v;
  }
  return found == 7;
}

/* The SimPy model as a server (simpy_skl.py --serve): one timed run per request, so that the
 * benchmark can interleave them with its own runs. */
typedef struct {
  GPid pid;
  FILE *in, *out;
  int64_t start_ns; /* spawn until ready: interpreter start, import, the untimed run */
} SimpyServer;

static void simpy_stop(SimpyServer *s) {
  if (s->in) fclose(s->in); /* end of input: the server returns */
  if (s->out) fclose(s->out);
  if (s->pid) {
    int status;
    waitpid(s->pid, &status, 0);
    g_spawn_close_pid(s->pid);
  }
  *s = (SimpyServer){0};
}

static gboolean simpy_start(SimpyServer *s, const char *python, const char *script, const char *params) {
  g_autofree char *warmup_s = g_strdup_printf("%u", PY_WARMUP_RUNS);
  const char *argv[] = {python, script, params, "--warmup", warmup_s, "--serve", NULL};
  g_autoptr(GError) err = NULL;
  int in_fd, out_fd;
  *s = (SimpyServer){0};
  signal(SIGPIPE, SIG_IGN); /* a server that died: a failed write, not the end of the benchmark */
  int64_t t0 = now_ns();
  if (!g_spawn_async_with_pipes(NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &s->pid, &in_fd,
                                &out_fd, NULL, &err)) {
    printf("   SimPy model failed to start: %s\n", err->message);
    return FALSE;
  }
  s->in = fdopen(in_fd, "w");
  s->out = fdopen(out_fd, "r");
  char line[256];
  if (!s->in || !s->out || !fgets(line, sizeof line, s->out) || !g_str_has_prefix(line, "ready")) {
    printf("   SimPy model did not start (its errors are above)\n");
    simpy_stop(s);
    return FALSE;
  }
  s->start_ns = now_ns() - t0;
  return TRUE;
}

static gboolean simpy_run_one(SimpyServer *s, SimpyOut *o) {
  char line[256];
  if (fputs("run\n", s->in) == EOF || fflush(s->in) != 0 || !fgets(line, sizeof line, s->out)) {
    printf("   SimPy model stopped answering (its errors are above)\n");
    return FALSE;
  }
  if (!parse_simpy_line(line, o)) {
    printf("   SimPy model printed no result: %s", line);
    return FALSE;
  }
  return TRUE;
}

static void bench_simpy(const char *script, const char *python_opt) {
  printf("\n5. The same scenario in SimPy: skl-2s-112t (2 x 28 x 2), kernel policy (parallel = SMT primaries\n"
         "   first, then siblings; serial = cpuhp.parallel=0), every distribution fixed:\n  ");
  for (guint i = 0; i < G_N_ELEMENTS(fixed_overrides); i++) printf(" --set %s", fixed_overrides[i]);
  printf("\n   (the rest of the profile is fixed already). The SimPy model (%s) gets the loaded\n"
         "   profile's values and state rows as JSON and implements the mechanisms itself.\n\n",
         script ? script : "bench/simpy_skl.py");
  g_autofree char *python = find_python(python_opt);
  if (!script || !g_file_test(script, G_FILE_TEST_EXISTS)) {
    printf("   skipped: no SimPy model script (--simpy=PATH/bench/simpy_skl.py)\n");
    return;
  }
  if (!python) {
    printf("   skipped: no python3 that can import simpy. Install it with\n"
           "       apt-get install -y python3-simpy3\n"
           "   (Debian's python3-simpy is SimPy 2, a different API; set CPUHPSIM_PYTHON to choose a python)\n");
    return;
  }
  /* Host noise on a shared VM moves either side's time a lot for tens of ms, so both sides are
   * timed in the same stretches: rounds of a batch of cpuhpsim runs (about half as long as one
   * SimPy run) then one SimPy run. The ratio is the median over the rounds of the SimPy run
   * against the median of its round's batch. While SimPy runs this process sleeps on the pipe,
   * and its first runs after that are slow (caches, a vCPU woken from halt): each batch follows
   * ROUND_WARMUP_RUNS untimed runs, short next to one SimPy run. */
  guint rounds = quick ? 5 : 15, batch = quick ? 21 : 101;
  printf("   %-8s  %14s  %14s  %5s  %12s  %14s  %8s  %s\n", "mode", "cpuhpsim ns", "SimPy ns", "same", "cpuhpsim ms",
         "SimPy ms", "ratio", "target");
  for (int par = 1; par >= 0; par--) {
    g_autoptr(CpuhpProfile) p = load_profile(0, par, fixed_overrides, G_N_ELEMENTS(fixed_overrides));
    g_autoptr(GString) why = g_string_new(NULL);
    if (!all_fixed(p, why)) {
      printf("   not every distribution is fixed:%s\n", why->str);
      failed = TRUE;
      return;
    }
    g_autofree char *json = simpy_params(p);
    g_autofree char *params = NULL;
    g_autoptr(GError) err = NULL;
    int fd = g_file_open_tmp("cpuhpsim-bench-XXXXXX.json", &params, &err);
    if (fd < 0 || !g_file_set_contents(params, json, -1, &err)) {
      printf("   cannot write the parameters: %s\n", err->message);
      failed = TRUE;
      return;
    }
    close(fd);
    /* Both sides on the CPU this process runs on (the server inherits it): they never run at
     * the same time, and noise on one vCPU of this machine would otherwise fall on one side. */
    cpu_set_t all, one;
    gboolean pinned = sched_getaffinity(0, sizeof all, &all) == 0 && sched_getcpu() >= 0;
    if (pinned) {
      CPU_ZERO(&one);
      CPU_SET(sched_getcpu(), &one);
      pinned = sched_setaffinity(0, sizeof one, &one) == 0;
    }
    SimpyServer srv;
    gboolean started = simpy_start(&srv, python, script, params);
    unlink(params);
    if (!started) {
      if (pinned) sched_setaffinity(0, sizeof all, &all);
      failed = TRUE;
      continue;
    }
    g_autofree int64_t *c_all = g_new(int64_t, rounds * batch);
    g_autofree int64_t *c_round = g_new(int64_t, batch);
    g_autofree int64_t *py_all = g_new(int64_t, rounds);
    g_autofree double *ratio = g_new(double, rounds);
    g_autoptr(CpuhpResult) r = NULL;
    SimpyOut s = {0};
    gboolean same = TRUE, ok = TRUE;
    /* Untimed runs first, as the SimPy side does (--warmup): the first few dozen runs after
     * the sections before (65,536 pending events freed, another profile) come out slower. */
    for (guint i = 0; i < C_WARMUP_RUNS; i++) cpuhp_result_free(run_once(p, 1));
    for (guint k = 0; k < rounds && ok; k++) {
      for (guint i = 0; i < ROUND_WARMUP_RUNS; i++) cpuhp_result_free(run_once(p, 1));
      for (guint i = 0; i < batch; i++) {
        g_clear_pointer(&r, cpuhp_result_free);
        int64_t t0 = now_ns();
        r = run_once(p, 1);
        c_round[i] = c_all[k * batch + i] = now_ns() - t0;
      }
      ok = simpy_run_one(&srv, &s);
      if (!ok) break;
      same = same && s.bringup_ns == r->bringup_ns && s.online == r->cpus_online;
      py_all[k] = s.wall_ns;
      ratio[k] = (double)s.wall_ns / (double)median_i64(c_round, batch);
    }
    int64_t py_start = srv.start_ns;
    simpy_stop(&srv);
    if (pinned) sched_setaffinity(0, sizeof all, &all);
    if (!ok) {
      failed = TRUE;
      continue;
    }
    int64_t c_wall = median_i64(c_all, rounds * batch), py_wall = median_i64(py_all, rounds);
    double rt = median_double(ratio, rounds); /* sorts them: the range is ratio[0] .. ratio[rounds - 1] */
    printf("   %-8s  %14" G_GINT64_FORMAT "  %14" G_GINT64_FORMAT "  %5s  %12.3f  %14.1f  %7.0fx  >= %.0fx: %s\n",
           par ? "parallel" : "serial", r->bringup_ns, s.bringup_ns, same ? "yes" : "NO", (double)c_wall / 1e6,
           (double)py_wall / 1e6, rt, TARGET_SIMPY_RATIO, verdict(rt >= TARGET_SIMPY_RATIO));
    printf("   %-8s  events: cpuhpsim %" G_GUINT64_FORMAT " (%.0f ns each), SimPy %" G_GUINT64_FORMAT
           " (%.2f us each); online %u / %" G_GUINT64_FORMAT "\n",
           "", r->events, (double)c_wall / (double)r->events, s.events,
           s.events > 0 ? (double)py_wall / (double)s.events / 1e3 : 0.0, r->cpus_online, s.online);
    printf("   %-8s  ratio by round: %.0fx .. %.0fx; SimPy start (interpreter, import, %u untimed run): %.0f ms%s\n",
           "", ratio[0], ratio[rounds - 1], PY_WARMUP_RUNS, (double)py_start / 1e6,
           pinned ? "" : "; both sides could not be put on one CPU");
    if (!same) failed = TRUE;
  }
  printf("   wall: cpuhpsim = cpuhp_bringup_run(), SimPy = building the model and env.run() in its python\n"
         "   process (interpreter start and import not counted); after %u and %u untimed runs, %u rounds\n"
         "   of %u cpuhpsim runs (after %u untimed) then one SimPy run. ms: medians of all runs; ratio:\n"
         "   median over the rounds of the SimPy run / its round's cpuhpsim median\n",
         C_WARMUP_RUNS, PY_WARMUP_RUNS, rounds, batch, ROUND_WARMUP_RUNS);
}

/* ------------------------------------------------------------------------------------------ */

static char *cpu_model(void) {
  g_autofree char *info = NULL;
  if (!g_file_get_contents("/proc/cpuinfo", &info, NULL, NULL)) return g_strdup("?");
  for (char *l = info; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
    if (!g_str_has_prefix(l, "model name")) continue;
    char *colon = strchr(l, ':'), *end = strchr(l, '\n');
    if (!colon) break;
    return g_strstrip(g_strndup(colon + 1, end ? (gsize)(end - colon - 1) : strlen(colon + 1)));
  }
  return g_strdup("?");
}

int main(int argc, char **argv) {
  g_autofree char *simpy = NULL, *python = NULL;
  g_autofree char *row = NULL;
  gboolean params_only = FALSE;
  gint section = 0;
  GOptionEntry entries[] = {
      {"section", 0, 0, G_OPTION_ARG_INT, &section,
       "Run only section N (1 hold, 2 bringup, 3 Monte Carlo, 4 memory, 5 SimPy; default all)", "N"},
      {"quick", 0, 0, G_OPTION_ARG_NONE, &quick, "Fewer repetitions (a smoke run, not for figures)", NULL},
      {"simpy", 0, 0, G_OPTION_ARG_FILENAME, &simpy, "The SimPy model (bench/simpy_skl.py)", "FILE"},
      {"python", 0, 0, G_OPTION_ARG_FILENAME, &python, "Python interpreter with simpy (default: search)", "PY"},
      {"params", 0, 0, G_OPTION_ARG_NONE, &params_only,
       "Only print the SimPy model's parameters (JSON) for the parallel scenario", NULL},
      {"row", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &row, "One bringup row (internal)", "CPUS:0|1:REPS"},
      G_OPTION_ENTRY_NULL};
  g_autoptr(GOptionContext) ctx = g_option_context_new("- cpuhpsim performance benchmarks");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GError) err = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
    fprintf(stderr, "cpuhpsim_bench: %s\n", err->message);
    return 2;
  }
  if (section < 0 || section > 5) {
    fprintf(stderr, "cpuhpsim_bench: --section: %d is not a section (1 to 5)\n", section);
    return 2;
  }
  if (row) return bringup_row_main(row);
  if (params_only) {
    g_autoptr(CpuhpProfile) p = load_profile(0, TRUE, fixed_overrides, G_N_ELEMENTS(fixed_overrides));
    g_autofree char *json = simpy_params(p);
    fputs(json, stdout);
    return 0;
  }
  g_autofree char *model = cpu_model();
  g_autofree char *load = NULL; /* other work on the machine skews every figure below */
  if (g_file_get_contents("/proc/loadavg", &load, NULL, NULL)) load[strcspn(load, " ")] = '\0';
  printf("cpuhpsim benchmarks: %s build%s, %s, %u CPUs online, load average %s, one thread%s\n", CPUHPSIM_BUILD_TYPE,
         pgo_label(), model, (guint)sysconf(_SC_NPROCESSORS_ONLN), load ? load : "?", quick ? " (--quick: few repetitions)" : "");
  if (!section || section == 1) bench_hold();
  if (!section || section == 2) bench_bringup();
  if (!section || section == 3) bench_montecarlo();
  if (!section || section == 4) bench_memory();
  if (!section || section == 5) bench_simpy(simpy, python);
  fflush(stdout);
  return failed ? 1 : 0;
}
