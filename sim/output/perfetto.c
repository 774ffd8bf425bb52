/* perfetto.c — Chrome trace-event JSON of a bringup (see perfetto.h).
 *
 * Slices are collected per track first, then sorted and checked for nesting before anything is
 * written: the JSON format has no notion of a track's stack, so a slice that partially overlaps
 * its parent is shown wrongly (or dropped) by the viewers. On a simulated run nothing needs
 * fixing; the check only guards against a broken input (an imported trace with lost events),
 * where an overlapping slice is cut at its parent's end and says so ("clipped"). */
#include "sim/output/perfetto.h"
#include "sim/output/json_write.h"

#include <stdlib.h>
#include <string.h>

#include "models/replay/replay.h"
#include "sim/output/outfile.h"

#define PID 1

/* What a slice is, its "cat" in the JSON (slice_cat). */
typedef enum { CAT_CPUHP, CAT_CPU_UP, CAT_PHASE, CAT_WAIT, CAT_BOOT } SliceCat;
static const char *const slice_cat[] = {"cpuhp", "cpu_up", "phase", "wait", "boot"};

/* 64 bytes: a 65,536-CPU run has millions of them, all held for sorting (docs/performance.md). */
typedef struct {
  int64_t start, end; /* ns from the window start */
  const char *name;   /* static, a trace record's fn, or owned (`owns_name`) */
  /* what its args say, by cat: CAT_CPUHP the records (exit NULL: it never returned), CAT_CPU_UP
   * the target, CAT_WAIT the CPU, CAT_PHASE of a failed CPU the failure */
  const CpuhpTraceEvent *enter;
  union {
    const CpuhpTraceEvent *exit; /* CAT_CPUHP */
    const char *failure;         /* CAT_PHASE */
  };
  guint tid;
  gint cpu;           /* the CPU it is about; -1 none */
  int32_t target;
  guint seq;          /* insertion order: the last tie-break, for determinism */
  uint8_t cat;        /* SliceCat */
  uint8_t clipped;    /* cut at its parent's end (see nest()) */
  uint8_t owns_name;  /* name is g_free()d with the slice */
} Slice;
G_STATIC_ASSERT(sizeof(Slice) <= 64);

typedef struct {
  GArray *slices; /* Slice */
} Builder;

/* Takes s.name if s.owns_name. */
static void add(Builder *b, Slice s) {
  if ((s.cat == CAT_PHASE || s.cat == CAT_WAIT) && s.end <= s.start) {
    if (s.owns_name) g_free((char *)s.name); /* derived: an empty one says nothing */
    return;
  }
  s.end = MAX(s.start, s.end);
  s.seq = b->slices->len;
  g_array_append_val(b->slices, s);
}

static void slice_clear(gpointer p) {
  Slice *s = p;
  if (s->owns_name) g_free((char *)s->name);
}

static int cmp_slice(const void *a, const void *b) {
  const Slice *x = a, *y = b;
  if (x->tid != y->tid) return x->tid < y->tid ? -1 : 1;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  if (x->end != y->end) return x->end > y->end ? -1 : 1; /* the longer one is the parent */
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sorts, then cuts any slice that would end after its parent (see the file comment). */
static void nest(Builder *b) {
  qsort(b->slices->data, b->slices->len, sizeof(Slice), cmp_slice);
  g_autoptr(GArray) stack = g_array_new(FALSE, FALSE, sizeof(guint));
  for (guint i = 0; i < b->slices->len; i++) {
    Slice *s = &g_array_index(b->slices, Slice, i);
    if (i && g_array_index(b->slices, Slice, i - 1).tid != s->tid) g_array_set_size(stack, 0);
    while (stack->len) {
      const Slice *top = &g_array_index(b->slices, Slice, g_array_index(stack, guint, stack->len - 1));
      if (top->end > s->start || (top->end == s->start && top->start == s->start)) break;
      g_array_set_size(stack, stack->len - 1);
    }
    if (stack->len) {
      const Slice *top = &g_array_index(b->slices, Slice, g_array_index(stack, guint, stack->len - 1));
      if (s->end > top->end) {
        s->end = top->end;
        s->clipped = TRUE;
      }
    }
    g_array_append_val(stack, i);
  }
}

/* ---- slices from the trace records ------------------------------------------------------ */

typedef struct {
  guint exec_cpu;
  const CpuhpTraceEvent *enter;
  int64_t ts;
} Open;

static void add_callback(Builder *b, const Open *o, const CpuhpTraceEvent *exit, int64_t end) {
  add(b, (Slice){.tid = o->exec_cpu, .cpu = (gint)o->enter->cpu, .start = o->ts, .end = end, .cat = CAT_CPUHP,
                 .name = o->enter->fn, .enter = o->enter, .exit = exit});
}

/* A run of the BP's callbacks for one CPU: one _cpu_up(cpu, target) call. */
typedef struct {
  gboolean open;
  guint exec_cpu, cpu;
  int32_t target;
  int64_t start, last;
} Group;

static void close_group(Builder *b, Group *g) {
  if (!g->open) return;
  char *name = g_strdup_printf("_cpu_up CPU%u, target %d", g->cpu, g->target);
  add(b, (Slice){.tid = g->exec_cpu, .cpu = (gint)g->cpu, .start = g->start, .end = g->last, .cat = CAT_CPU_UP,
                 .name = name, .owns_name = TRUE, .target = g->target});
  g->open = FALSE;
}

/* Callback slices; last[cpu] = the last record concerning each CPU; returns the last record. */
static int64_t trace_slices(Builder *b, const CpuhpResult *r, int64_t *last) {
  int64_t end = 0;
  if (!r->trace) return end;
  g_autoptr(GArray) open = g_array_new(FALSE, FALSE, sizeof(Open));
  Group g = {0};
  for (guint i = 0; i < r->trace->len; i++) {
    const CpuhpTraceEvent *t = &g_array_index(r->trace, CpuhpTraceEvent, i);
    int64_t ts = t->ts - r->smp_init_at;
    end = MAX(end, ts);
    if (t->cpu < r->n_cpus) last[t->cpu] = MAX(last[t->cpu], ts);
    if (t->exec_cpu == 0 && t->cpu != 0) { /* the BP working for one AP */
      if (g.open && g.cpu != t->cpu) close_group(b, &g);
      if (!g.open) g = (Group){TRUE, 0, t->cpu, t->target, ts, ts};
      g.last = ts;
    }
    if (t->type != CPUHP_TRACE_EXIT) {
      Open o = {t->exec_cpu, t, ts};
      g_array_append_val(open, o);
      continue;
    }
    /* the innermost open callback of this CPU and step on the same track */
    gint k = (gint)open->len - 1;
    for (; k >= 0; k--) {
      const Open *o = &g_array_index(open, Open, k);
      if (o->exec_cpu == t->exec_cpu && o->enter->cpu == t->cpu && o->enter->step == t->step) break;
    }
    if (k < 0) continue; /* an exit without its enter (trace started late): nothing to draw */
    for (gint j = (gint)open->len - 1; j > k; j--) { /* enters on this track never exited */
      const Open *o = &g_array_index(open, Open, j);
      if (o->exec_cpu != t->exec_cpu) continue;
      add_callback(b, o, NULL, ts);
      g_array_remove_index(open, (guint)j);
    }
    const Open *o = &g_array_index(open, Open, k);
    add_callback(b, o, t, ts);
    g_array_remove_index(open, (guint)k);
  }
  close_group(b, &g);
  for (guint j = 0; j < open->len; j++) {
    const Open *o = &g_array_index(open, Open, j);
    add_callback(b, o, NULL, end);
  }
  return end;
}

/* ---- slices from the milestones --------------------------------------------------------- */

static const char *const ap_phase[] = {
    "wake-up (kick to first instruction)", "early boot to ALIVE", "spinning at ALIVE",
    "STARTING to online-idle", "ONLINE (cpuhp/N callbacks)",
};

static void ap_phases(Builder *b, const CpuhpResult *r, guint cpu, int64_t last) {
  const CpuhpCpuResult *c = &r->cpus[cpu];
  int64_t m[] = {c->kick, c->running, c->alive, c->release, c->online_idle, c->online};
  G_STATIC_ASSERT(G_N_ELEMENTS(m) == G_N_ELEMENTS(ap_phase) + 1);
  for (guint i = 0; i < G_N_ELEMENTS(ap_phase); i++) {
    if (m[i] < 0) break;
    if (m[i + 1] >= 0) {
      add(b, (Slice){.tid = cpu, .cpu = (gint)cpu, .start = m[i], .end = m[i + 1], .cat = CAT_PHASE,
                     .name = ap_phase[i]});
      continue;
    }
    if (c->status == CPUHP_CPU_FAILED) /* the phase the CPU failed in, up to its last record */
      add(b, (Slice){.tid = cpu, .cpu = (gint)cpu, .start = m[i], .end = MAX(m[i], last), .cat = CAT_PHASE,
                     .name = ap_phase[i], .failure = cpuhp_cpu_failure(c)});
    break;
  }
  if (c->ucode_apply[0] >= 0 && c->ucode_apply[1] >= c->ucode_apply[0])
    add(b, (Slice){.tid = cpu, .cpu = (gint)cpu, .start = c->ucode_apply[0], .end = c->ucode_apply[1], .cat = CAT_PHASE,
                   .name = "microcode write (load_ucode_ap)"});
}

/* The BP's waits inside the bringup step of `cpu`: the BP callback slice for this CPU that
 * spans its release (cpuhp_bringup_ap, or bringup_cpu without split startup). */
static void bp_waits(Builder *b, const CpuhpResult *r, guint cpu, guint step_at) {
  const CpuhpCpuResult *c = &r->cpus[cpu];
  if (c->release < 0 || !step_at) return;
  const Slice *step = &g_array_index(b->slices, Slice, step_at - 1);
  int64_t s0 = step->start, s1 = step->end;
  add(b, (Slice){.tid = 0, .cpu = (gint)cpu, .start = s0, .end = c->release, .cat = CAT_WAIT,
                 .name = "wait for ALIVE (poll, then sleep)"});
  if (c->online_idle < 0 || c->online_idle > s1) return;
  add(b, (Slice){.tid = 0, .cpu = (gint)cpu, .start = c->release, .end = c->online_idle, .cat = CAT_WAIT,
                 .name = cpuhp_bp_phase_name(CPUHP_BP_WAIT_AP)});
  if (c->online == s1)
    add(b, (Slice){.tid = 0, .cpu = (gint)cpu, .start = c->online_idle, .end = s1, .cat = CAT_WAIT,
                   .name = cpuhp_bp_phase_name(CPUHP_BP_WAIT_ONLINE)});
}

/* For each CPU, 1 + the index of the first BP callback slice about it that spans its release,
 * or 0: one pass over the slices, not one per CPU (quadratic at 16,384 CPUs). */
static guint *bp_steps(const Builder *b, const CpuhpResult *r) {
  guint *at = g_new0(guint, MAX(r->n_cpus, 1));
  for (guint i = 0; i < b->slices->len; i++) {
    const Slice *s = &g_array_index(b->slices, Slice, i);
    if (s->tid != 0 || s->cpu < 0 || (guint)s->cpu >= r->n_cpus || at[s->cpu] || s->cat != CAT_CPUHP) continue;
    int64_t rel = r->cpus[s->cpu].release;
    if (rel >= 0 && s->start <= rel && s->end >= rel) at[s->cpu] = i + 1;
  }
  return at;
}

/* ---- counters ----------------------------------------------------------------------------- */

typedef struct {
  int64_t ts;
  int delta;
} Step;

static int cmp_step(const void *a, const void *b) {
  const Step *x = a, *y = b;
  return (x->ts > y->ts) - (x->ts < y->ts);
}

/* Where the bytes go: `out` kept whole, or drained into `of` between events once it holds a
 * MiB, so that memory does not grow with the file (65,536 CPUs write half a GB). */
typedef struct {
  SimJsonWriter *w;
  GString *out;
  SimOutfile *of;
  GError **error;
  gboolean failed;
} Sink;

static void drain(Sink *k, gsize above) {
  if (!k->of || k->out->len <= above) return;
  if (!k->failed && !sim_outfile_write(k->of, k->out->str, k->out->len, k->error)) k->failed = TRUE;
  g_string_truncate(k->out, 0);
}

/* Starts the next event of traceEvents, one a line. Times in an event are microseconds with
 * three decimals: integer ns written as thousandths, exact. */
static void begin_event(Sink *k, const char *name) {
  SimJsonWriter *w = k->w;
  drain(k, 1u << 20);
  sim_jw_newline(w, 0);
  sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
  sim_jw_string(w, "name", name);
}

/* A metadata or counter event, up to its args. */
static void begin_event_ph(Sink *k, const char *name, const char *ph) {
  SimJsonWriter *w = k->w;
  begin_event(k, name);
  sim_jw_string(w, "ph", ph);
  sim_jw_int(w, "pid", PID);
}

static void counter(Sink *k, const char *name, const char *key, int initial, GArray *steps) {
  SimJsonWriter *w = k->w;
  qsort(steps->data, steps->len, sizeof(Step), cmp_step);
  int v = initial;
  guint i = 0;
  int64_t ts = 0;
  while (TRUE) { /* one sample per distinct time (the window start first): the value after it */
    for (; i < steps->len && g_array_index(steps, Step, i).ts <= ts; i++) v += g_array_index(steps, Step, i).delta;
    begin_event_ph(k, name, "C");
    sim_jw_milli(w, "ts", ts);
    sim_jw_begin_object(w, "args", SIM_JW_INLINE);
    sim_jw_int(w, key, v);
    sim_jw_end_object(w);
    sim_jw_end_object(w);
    if (i >= steps->len) break;
    ts = g_array_index(steps, Step, i).ts;
  }
}

static void slice_args(SimJsonWriter *w, const Slice *s) {
  sim_jw_begin_object(w, "args", SIM_JW_INLINE);
  if (s->enter) {
    const CpuhpTraceEvent *e = s->enter;
    sim_jw_uint(w, "cpu", e->cpu);
    sim_jw_int(w, "step", e->step);
    sim_jw_int(w, "target", e->target);
    if (e->type == CPUHP_TRACE_MULTI_ENTER) sim_jw_bool(w, "multi_instance", TRUE);
    if (s->exit) { /* CAT_CPUHP: the union holds exit */
      sim_jw_int(w, "state", s->exit->target);
      sim_jw_int(w, "ret", s->exit->ret);
    } else {
      sim_jw_bool(w, "unfinished", TRUE);
    }
    sim_jw_string(w, "comm", e->comm);
    sim_jw_int(w, "pid", e->pid);
  } else if (s->cat == CAT_CPU_UP) {
    sim_jw_int(w, "cpu", s->cpu);
    sim_jw_int(w, "target", s->target);
  } else if (s->cat == CAT_WAIT) {
    sim_jw_int(w, "cpu", s->cpu);
  } else if (s->failure) {
    sim_jw_bool(w, "unfinished", TRUE);
    sim_jw_string(w, "failure", s->failure);
  }
  if (s->clipped) sim_jw_bool(w, "clipped", TRUE);
  sim_jw_end_object(w);
}

/* The whole boot on a track of its own below the CPUs: each phase, and its pieces inside it.
 * Times stay relative to the window start, so what comes before it is negative. */
static void boot_slices(Builder *b, const CpuhpResult *r) {
  guint tid = r->n_cpus;
  int64_t kernel = -r->boot_before_ns;
  Slice phases[] = {
      {.tid = tid, .cpu = -1, .start = kernel - r->boot_vmm_ns, .end = kernel, .name = "VMM before the kernel", .cat = CAT_BOOT},
      {.tid = tid, .cpu = -1, .start = kernel, .end = 0, .name = "kernel entry to smp_init", .cat = CAT_BOOT},
      {.tid = tid, .cpu = -1, .start = 0, .end = r->bringup_ns, .name = "bringup window (smp_init)", .cat = CAT_BOOT},
      {.tid = tid, .cpu = -1, .start = r->bringup_ns, .end = r->bringup_ns + r->boot_after_ns,
       .name = "after smp_init to /init", .cat = CAT_BOOT},
  };
  for (guint i = 0; i < G_N_ELEMENTS(phases); i++)
    if (phases[i].end > phases[i].start) add(b, phases[i]);
  for (guint i = 0; i < r->boot_spans->len; i++) {
    const CpuhpBootSpan *s = &g_array_index(r->boot_spans, CpuhpBootSpan, i);
    if (s->ns > 0)
      add(b, (Slice){.tid = tid, .cpu = -1, .start = s->start, .end = s->start + s->ns, .name = s->name, .cat = CAT_BOOT});
  }
}

static void write_events(Sink *sink, const CpuhpResult *r) {
  GString *out = sink->out;
  Builder b = {g_array_new(FALSE, FALSE, sizeof(Slice))};
  g_array_set_clear_func(b.slices, slice_clear);
  g_autofree int64_t *last = g_new(int64_t, MAX(r->n_cpus, 1));
  for (guint c = 0; c < r->n_cpus; c++) last[c] = -1;
  int64_t end = trace_slices(&b, r, last);
  end = MAX(end, MAX(r->bringup_ns, r->all_online_ns));
  g_autofree guint *steps = bp_steps(&b, r); /* the waits go after every cpuhp slice */
  for (guint c = 1; c < r->n_cpus; c++) {
    ap_phases(&b, r, c, last[c]);
    bp_waits(&b, r, c, steps[c]);
  }
  if (r->boot_spans) boot_slices(&b, r);
  nest(&b);

  g_autoptr(SimJsonWriter) w = sim_jw_new(out);
  Sink k = *sink;
  k.w = w;
  sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
  sim_jw_string(w, "displayTimeUnit", "ns");
  sim_jw_begin_object(w, "otherData", SIM_JW_INLINE);
  sim_jw_string(w, "generator", "cpuhpsim");
  sim_jw_string(w, "profile", r->profile ? r->profile : "");
  sim_jw_string(w, "policy", r->policy ? r->policy : "");
  sim_jw_uint(w, "seed", r->seed);
  sim_jw_bool(w, "parallel", r->parallel);
  sim_jw_uint(w, "cpus", r->n_cpus);
  sim_jw_uint(w, "cpus_online", r->cpus_online);
  sim_jw_int(w, "bringup_ns", r->bringup_ns);
  sim_jw_string(w, "time_origin", "smp: Bringing up secondary CPUs");
  sim_jw_end_object(w);
  sim_jw_newline(w, 0);
  sim_jw_begin_array(w, "traceEvents", SIM_JW_INLINE);
  begin_event_ph(&k, "process_name", "M");
  sim_jw_begin_object(w, "args", SIM_JW_INLINE);
  sim_jw_string(w, "name", "machine");
  sim_jw_end_object(w);
  sim_jw_end_object(w);
  for (guint c = 0; c < r->n_cpus; c++) {
    begin_event_ph(&k, "thread_name", "M");
    sim_jw_uint(w, "tid", c);
    g_autofree char *tn = c ? g_strdup_printf("CPU%u (AP, cpuhp/%u)", c, c) : g_strdup("CPU0 (BP, swapper/0)");
    sim_jw_begin_object(w, "args", SIM_JW_INLINE);
    sim_jw_string(w, "name", tn);
    sim_jw_end_object(w);
    sim_jw_end_object(w);
    begin_event_ph(&k, "thread_sort_index", "M");
    sim_jw_uint(w, "tid", c);
    sim_jw_begin_object(w, "args", SIM_JW_INLINE);
    sim_jw_uint(w, "sort_index", c);
    sim_jw_end_object(w);
    sim_jw_end_object(w);
  }
  if (r->boot_spans) {
    begin_event_ph(&k, "thread_name", "M");
    sim_jw_uint(w, "tid", r->n_cpus);
    sim_jw_begin_object(w, "args", SIM_JW_INLINE);
    sim_jw_string(w, "name", "whole boot (kernel entry to Run /init)");
    sim_jw_end_object(w);
    sim_jw_end_object(w);
  }
  for (guint i = 0; i < b.slices->len; i++) {
    const Slice *s = &g_array_index(b.slices, Slice, i);
    begin_event(&k, s->name);
    sim_jw_string(w, "cat", slice_cat[s->cat]);
    sim_jw_string(w, "ph", "X");
    sim_jw_int(w, "pid", PID);
    sim_jw_uint(w, "tid", s->tid);
    sim_jw_milli(w, "ts", s->start);
    sim_jw_milli(w, "dur", s->end - s->start);
    slice_args(w, s);
    sim_jw_end_object(w);
  }
  for (guint i = 0; i < r->log->len; i++) {
    const CpuhpLogLine *l = &g_array_index(r->log, CpuhpLogLine, i);
    begin_event(&k, l->text);
    sim_jw_string(w, "cat", "console");
    sim_jw_string(w, "ph", "i");
    sim_jw_string(w, "s", "t");
    sim_jw_int(w, "pid", PID);
    sim_jw_int(w, "tid", 0);
    sim_jw_milli(w, "ts", l->ts - r->smp_init_at);
    sim_jw_end_object(w);
  }

  g_autoptr(GArray) online = g_array_new(FALSE, FALSE, sizeof(Step));
  g_autoptr(GArray) spin = g_array_new(FALSE, FALSE, sizeof(Step));
  int booted = 0;
  gboolean any_alive = FALSE;
  for (guint c = 0; c < r->n_cpus; c++) {
    const CpuhpCpuResult *cr = &r->cpus[c];
    if (cr->status == CPUHP_CPU_BOOT) {
      booted++;
      continue;
    }
    if (cr->online >= 0) g_array_append_val(online, ((Step){cr->online, 1}));
    if (cr->alive < 0) continue;
    any_alive = TRUE;
    g_array_append_val(spin, ((Step){cr->alive, 1}));
    /* never released (rolled back while spinning): it stopped at its last record */
    int64_t stop = cr->release >= 0 ? cr->release : MAX(cr->alive, last[c] >= 0 ? last[c] : end);
    g_array_append_val(spin, ((Step){stop, -1}));
  }
  counter(&k, "CPUs online", "cpus", booted, online);
  if (any_alive) counter(&k, "APs spinning at ALIVE", "aps", 0, spin);
  sim_jw_newline(w, 0);
  sim_jw_end_array(w);
  sim_jw_end_object(w);
  g_string_append_c(out, '\n');
  g_array_unref(b.slices);
  drain(&k, 0);
  sink->failed = k.failed;
}

void cpuhp_perfetto_write(GString *out, const CpuhpResult *r) { write_events(&(Sink){.out = out}, r); }

gboolean cpuhp_perfetto_stream(SimOutfile *of, const CpuhpResult *r, GError **error) {
  g_autoptr(GString) out = g_string_new(NULL);
  Sink k = {.out = out, .of = of, .error = error};
  write_events(&k, r);
  return !k.failed;
}

/* ---- a measured (real) timeline in the writer's form --------------------------------------- */

typedef struct {
  const CpuhpMeasuredStep *st;
  guint cpu, order;
} Item;

static int cmp_item(const void *a, const void *b) {
  const Item *x = a, *y = b;
  if (x->st->exec_cpu != y->st->exec_cpu) return x->st->exec_cpu < y->st->exec_cpu ? -1 : 1;
  if (x->st->start != y->st->start) return x->st->start < y->st->start ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

typedef struct {
  CpuhpTraceEvent rec;
  guint seq;
} Rec;

static int cmp_rec(const void *a, const void *b) {
  const Rec *x = a, *y = b;
  if (x->rec.ts != y->rec.ts) return x->rec.ts < y->rec.ts ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

CpuhpResult *cpuhp_perfetto_result_from_measured(const CpuhpMeasured *m) {
  guint n = MAX(m->n_cpus, 1);
  g_autoptr(GArray) items = g_array_new(FALSE, FALSE, sizeof(Item));
  for (guint i = 0; i < m->cpus->len; i++) {
    const CpuhpMeasuredCpu *mc = &g_array_index(m->cpus, CpuhpMeasuredCpu, i);
    n = MAX(n, mc->cpu + 1);
    for (guint k = 0; k < mc->steps->len; k++) {
      const CpuhpMeasuredStep *st = &g_array_index(mc->steps, CpuhpMeasuredStep, k);
      n = MAX(n, st->exec_cpu + 1);
      Item it = {st, mc->cpu, items->len};
      g_array_append_val(items, it);
    }
  }
  CpuhpResult *r = cpuhp_result_new(n);
  cpuhp_result_trace_new(r, 0);
  r->profile = g_strdup(m->source);
  r->policy = g_strdup(m->parallel ? "measured: parallel" : "measured: serial");
  r->parallel = m->parallel;
  r->smt_aware = m->smt_primary_first;
  r->bringup_ns = r->all_online_ns = m->bringup_ns;
  for (guint c = 0; c < n; c++)
    r->cpus[c] = (CpuhpCpuResult){.cpu = c, .status = c ? CPUHP_CPU_OFFLINE : CPUHP_CPU_BOOT, .up_start = -1, .kick = -1,
                                  .alive = -1, .release = -1, .online_idle = -1, .online = c ? -1 : 0, .running = -1,
                                  .ucode_apply = {-1, -1}};
  r->cpus_online = 1;
  for (guint i = 0; i < m->cpus->len; i++) {
    const CpuhpMeasuredCpu *mc = &g_array_index(m->cpus, CpuhpMeasuredCpu, i);
    CpuhpCpuResult *c = &r->cpus[mc->cpu];
    if (mc->cpu == 0) continue;
    c->kick = mc->kick;
    c->online = mc->bringup_exit;
    if (c->online >= 0) {
      c->status = CPUHP_CPU_ONLINE;
      r->cpus_online++;
    }
  }
  /* per track in time order, enter before exit, so that sorting by (time, seq) keeps every
   * track's nesting even where an exit and the next enter share a timestamp */
  qsort(items->data, items->len, sizeof(Item), cmp_item);
  g_autoptr(GArray) recs = g_array_new(FALSE, FALSE, sizeof(Rec));
  for (guint i = 0; i < items->len; i++) {
    const Item *it = &g_array_index(items, Item, i);
    const CpuhpMeasuredStep *st = it->st;
    Rec e = {.rec = {.ts = st->start, .pid = st->pid, .exec_cpu = (uint16_t)st->exec_cpu,
                     .type = st->multi ? CPUHP_TRACE_MULTI_ENTER : CPUHP_TRACE_ENTER, .cpu = it->cpu,
                     .target = st->target, .step = st->step,
                     .comm = cpuhp_result_intern(r, st->comm), .fn = cpuhp_result_intern(r, st->callback)},
             .seq = recs->len};
    g_array_append_val(recs, e);
    if (st->duration < 0) continue;
    Rec x = e;
    x.rec.type = CPUHP_TRACE_EXIT;
    x.rec.ts = st->start + st->duration;
    x.rec.target = st->step;
    x.rec.ret = st->ret;
    x.rec.fn = "";
    x.seq = recs->len;
    g_array_append_val(recs, x);
  }
  qsort(recs->data, recs->len, sizeof(Rec), cmp_rec);
  for (guint i = 0; i < recs->len; i++) g_array_append_val(r->trace, g_array_index(recs, Rec, i).rec);
  return r;
}
