/* perfetto.c — Chrome trace-event JSON of a bringup (see perfetto.h).
 *
 * Slices are collected per track first, then sorted and checked for nesting before anything is
 * written: the JSON format has no notion of a track's stack, so a slice that partially overlaps
 * its parent is shown wrongly (or dropped) by the viewers. On a simulated run nothing needs
 * fixing; the check only guards against a broken input (an imported trace with lost events),
 * where an overlapping slice is cut at its parent's end and says so ("clipped"). */
#include "sim/output/perfetto.h"
#include "sim/output/json.h"

#include <stdlib.h>
#include <string.h>

#include "models/replay/replay.h"

#define PID 1

typedef struct {
  guint tid;
  gint cpu;           /* the CPU it is about; -1 none */
  int64_t start, end; /* ns from the window start */
  char *name;
  const char *cat;
  char *args; /* members of the args object, "" for none */
  guint seq;  /* insertion order: the last tie-break, for determinism */
} Slice;

typedef struct {
  GArray *slices; /* Slice */
} Builder;

/* Integer ns as microseconds with three decimals: exact, locale-free. */
static void us(GString *out, int64_t ns) {
  if (ns < 0) {
    g_string_append_c(out, '-');
    ns = -ns;
  }
  g_string_append_printf(out, "%" G_GINT64_FORMAT ".%03d", ns / 1000, (int)(ns % 1000));
}

static void add(Builder *b, guint tid, gint cpu, int64_t start, int64_t end, const char *cat, char *name, char *args) {
  if (g_str_equal(cat, "phase") || g_str_equal(cat, "wait")) { /* derived: an empty one says nothing */
    if (end <= start) {
      g_free(name);
      g_free(args);
      return;
    }
  }
  Slice s = {.tid = tid, .cpu = cpu, .start = start, .end = MAX(start, end), .name = name, .cat = cat,
             .args = args ? args : g_strdup(""), .seq = b->slices->len};
  g_array_append_val(b->slices, s);
}

static void slice_clear(gpointer p) {
  Slice *s = p;
  g_free(s->name);
  g_free(s->args);
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
        char *a = g_strdup_printf("%s%s\"clipped\": true", s->args, *s->args ? ", " : "");
        g_free(s->args);
        s->args = a;
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

static char *callback_args(const CpuhpTraceEvent *e, const CpuhpTraceEvent *x, const char *extra) {
  GString *a = g_string_new(NULL);
  g_string_append_printf(a, "\"cpu\": %u, \"step\": %d, \"target\": %d", e->cpu, e->step, e->target);
  if (e->type == CPUHP_TRACE_MULTI_ENTER) g_string_append(a, ", \"multi_instance\": true");
  if (x) g_string_append_printf(a, ", \"state\": %d, \"ret\": %d", x->target, x->ret);
  if (extra) g_string_append_printf(a, ", %s", extra);
  g_string_append_printf(a, ", \"comm\": ");
  sim_json_write_string(a, e->comm);
  g_string_append_printf(a, ", \"pid\": %d", e->pid);
  return g_string_free(a, FALSE);
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
  add(b, g->exec_cpu, (gint)g->cpu, g->start, g->last, "cpu_up", g_strdup_printf("_cpu_up CPU%u, target %d", g->cpu, g->target),
      g_strdup_printf("\"cpu\": %u, \"target\": %d", g->cpu, g->target));
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
      add(b, o->exec_cpu, (gint)o->enter->cpu, o->ts, ts, "cpuhp", g_strdup(o->enter->fn), callback_args(o->enter, NULL, "\"unfinished\": true"));
      g_array_remove_index(open, (guint)j);
    }
    const Open *o = &g_array_index(open, Open, k);
    add(b, o->exec_cpu, (gint)o->enter->cpu, o->ts, ts, "cpuhp", g_strdup(o->enter->fn), callback_args(o->enter, t, NULL));
    g_array_remove_index(open, (guint)k);
  }
  close_group(b, &g);
  for (guint j = 0; j < open->len; j++) {
    const Open *o = &g_array_index(open, Open, j);
    add(b, o->exec_cpu, (gint)o->enter->cpu, o->ts, end, "cpuhp", g_strdup(o->enter->fn), callback_args(o->enter, NULL, "\"unfinished\": true"));
  }
  return end;
}

/* ---- slices from the milestones --------------------------------------------------------- */

static const char *const ap_phase[] = {
    "wake-up (kick to first instruction)", "early boot to ALIVE", "spinning at ALIVE",
    "STARTING to online-idle", "ONLINE (cpuhp/N callbacks)",
};

static char *failure_args(const CpuhpCpuResult *c) {
  GString *a = g_string_new("\"unfinished\": true, \"failure\": ");
  sim_json_write_string(a, cpuhp_cpu_failure(c));
  return g_string_free(a, FALSE);
}

static void ap_phases(Builder *b, const CpuhpResult *r, guint cpu, int64_t last) {
  const CpuhpCpuResult *c = &r->cpus[cpu];
  int64_t m[] = {c->kick, c->running, c->alive, c->release, c->online_idle, c->online};
  G_STATIC_ASSERT(G_N_ELEMENTS(m) == G_N_ELEMENTS(ap_phase) + 1);
  for (guint i = 0; i < G_N_ELEMENTS(ap_phase); i++) {
    if (m[i] < 0) break;
    if (m[i + 1] >= 0) {
      add(b, cpu, (gint)cpu, m[i], m[i + 1], "phase", g_strdup(ap_phase[i]), NULL);
      continue;
    }
    if (c->status == CPUHP_CPU_FAILED) /* the phase the CPU failed in, up to its last record */
      add(b, cpu, (gint)cpu, m[i], MAX(m[i], last), "phase", g_strdup(ap_phase[i]), failure_args(c));
    break;
  }
  if (c->ucode_apply[0] >= 0 && c->ucode_apply[1] >= c->ucode_apply[0])
    add(b, cpu, (gint)cpu, c->ucode_apply[0], c->ucode_apply[1], "phase", g_strdup("microcode write (load_ucode_ap)"), NULL);
}

/* The BP's waits inside the bringup step of `cpu`: the BP callback slice for this CPU that
 * spans its release (cpuhp_bringup_ap, or bringup_cpu without split startup). */
static void bp_waits(Builder *b, const CpuhpResult *r, guint cpu) {
  const CpuhpCpuResult *c = &r->cpus[cpu];
  if (c->release < 0) return;
  const Slice *step = NULL;
  for (guint i = 0; i < b->slices->len && !step; i++) {
    const Slice *s = &g_array_index(b->slices, Slice, i);
    if (s->tid == 0 && s->cpu == (gint)cpu && !strcmp(s->cat, "cpuhp") && s->start <= c->release &&
        s->end >= c->release)
      step = s;
  }
  if (!step) return;
  int64_t s0 = step->start, s1 = step->end;
  add(b, 0, (gint)cpu, s0, c->release, "wait", g_strdup("wait for ALIVE (poll, then sleep)"), g_strdup_printf("\"cpu\": %u", cpu));
  if (c->online_idle < 0 || c->online_idle > s1) return;
  add(b, 0, (gint)cpu, c->release, c->online_idle, "wait", g_strdup(cpuhp_bp_phase_name(CPUHP_BP_WAIT_AP)),
      g_strdup_printf("\"cpu\": %u", cpu));
  if (c->online == s1)
    add(b, 0, (gint)cpu, c->online_idle, s1, "wait", g_strdup(cpuhp_bp_phase_name(CPUHP_BP_WAIT_ONLINE)),
        g_strdup_printf("\"cpu\": %u", cpu));
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

static void counter(GString *out, const char *name, const char *key, int initial, GArray *steps) {
  qsort(steps->data, steps->len, sizeof(Step), cmp_step);
  int v = initial;
  guint i = 0;
  int64_t ts = 0;
  while (TRUE) { /* one sample per distinct time (the window start first): the value after it */
    for (; i < steps->len && g_array_index(steps, Step, i).ts <= ts; i++) v += g_array_index(steps, Step, i).delta;
    g_string_append(out, ",\n{\"name\": ");
    sim_json_write_string(out, name);
    g_string_append_printf(out, ", \"ph\": \"C\", \"pid\": %d, \"ts\": ", PID);
    us(out, ts);
    g_string_append_printf(out, ", \"args\": {\"%s\": %d}}", key, v);
    if (i >= steps->len) break;
    ts = g_array_index(steps, Step, i).ts;
  }
}

void cpuhp_perfetto_write(GString *out, const CpuhpResult *r) {
  Builder b = {g_array_new(FALSE, FALSE, sizeof(Slice))};
  g_array_set_clear_func(b.slices, slice_clear);
  g_autofree int64_t *last = g_new(int64_t, MAX(r->n_cpus, 1));
  for (guint c = 0; c < r->n_cpus; c++) last[c] = -1;
  int64_t end = trace_slices(&b, r, last);
  end = MAX(end, MAX(r->bringup_ns, r->all_online_ns));
  for (guint c = 1; c < r->n_cpus; c++) {
    ap_phases(&b, r, c, last[c]);
    bp_waits(&b, r, c);
  }
  nest(&b);

  g_string_append(out, "{\"displayTimeUnit\": \"ns\", \"otherData\": {\"generator\": \"cpuhpsim\", \"profile\": ");
  sim_json_write_string(out, r->profile ? r->profile : "");
  g_string_append(out, ", \"policy\": ");
  sim_json_write_string(out, r->policy ? r->policy : "");
  g_string_append_printf(out, ", \"seed\": %" G_GUINT64_FORMAT ", \"parallel\": %s, \"cpus\": %u, \"cpus_online\": %u, "
                         "\"bringup_ns\": %" G_GINT64_FORMAT ", \"time_origin\": \"smp: Bringing up secondary CPUs\"},\n"
                         "\"traceEvents\": [\n",
                         r->seed, r->parallel ? "true" : "false", r->n_cpus, r->cpus_online, r->bringup_ns);
  g_string_append_printf(out, "{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": %d, \"args\": {\"name\": \"machine\"}}", PID);
  for (guint c = 0; c < r->n_cpus; c++) {
    g_string_append_printf(out, ",\n{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": %d, \"tid\": %u, \"args\": {\"name\": ", PID, c);
    g_autofree char *tn = c ? g_strdup_printf("CPU%u (AP, cpuhp/%u)", c, c) : g_strdup("CPU0 (BP, swapper/0)");
    sim_json_write_string(out, tn);
    g_string_append_printf(out, "}},\n{\"name\": \"thread_sort_index\", \"ph\": \"M\", \"pid\": %d, \"tid\": %u, "
                           "\"args\": {\"sort_index\": %u}}", PID, c, c);
  }
  for (guint i = 0; i < b.slices->len; i++) {
    const Slice *s = &g_array_index(b.slices, Slice, i);
    g_string_append(out, ",\n{\"name\": ");
    sim_json_write_string(out, s->name);
    g_string_append_printf(out, ", \"cat\": \"%s\", \"ph\": \"X\", \"pid\": %d, \"tid\": %u, \"ts\": ", s->cat, PID, s->tid);
    us(out, s->start);
    g_string_append(out, ", \"dur\": ");
    us(out, s->end - s->start);
    g_string_append_printf(out, ", \"args\": {%s}}", s->args);
  }
  for (guint i = 0; i < r->log->len; i++) {
    const CpuhpLogLine *l = &g_array_index(r->log, CpuhpLogLine, i);
    g_string_append(out, ",\n{\"name\": ");
    sim_json_write_string(out, l->text);
    g_string_append_printf(out, ", \"cat\": \"console\", \"ph\": \"i\", \"s\": \"t\", \"pid\": %d, \"tid\": 0, \"ts\": ", PID);
    us(out, l->ts - r->smp_init_at);
    g_string_append(out, "}");
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
  counter(out, "CPUs online", "cpus", booted, online);
  if (any_alive) counter(out, "APs spinning at ALIVE", "aps", 0, spin);
  g_string_append(out, "\n]}\n");
  g_array_unref(b.slices);
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
    Rec e = {.rec = {.ts = st->start, .pid = st->pid, .exec_cpu = st->exec_cpu,
                     .type = st->multi ? CPUHP_TRACE_MULTI_ENTER : CPUHP_TRACE_ENTER, .cpu = it->cpu,
                     .target = st->target, .step = st->step},
             .seq = recs->len};
    g_strlcpy(e.rec.comm, st->comm, sizeof e.rec.comm);
    g_strlcpy(e.rec.fn, st->callback, sizeof e.rec.fn);
    g_array_append_val(recs, e);
    if (st->duration < 0) continue;
    Rec x = e;
    x.rec.type = CPUHP_TRACE_EXIT;
    x.rec.ts = st->start + st->duration;
    x.rec.target = st->step;
    x.rec.ret = st->ret;
    x.rec.fn[0] = '\0';
    x.seq = recs->len;
    g_array_append_val(recs, x);
  }
  qsort(recs->data, recs->len, sizeof(Rec), cmp_rec);
  r->trace = g_array_sized_new(FALSE, FALSE, sizeof(CpuhpTraceEvent), recs->len);
  for (guint i = 0; i < recs->len; i++) g_array_append_val(r->trace, g_array_index(recs, Rec, i).rec);
  return r;
}
