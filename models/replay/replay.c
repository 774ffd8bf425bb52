/* replay.c — the measured timeline of a real (or simulated) bringup: trace clock and its unit,
 * the bringup window, per-CPU callback sequences, per-state statistics, kick order. */
#include "models/replay/replay.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/replay/replay_input.h"

G_DEFINE_QUARK(cpuhp-replay-error-quark, cpuhp_replay_error)

const char *cpuhp_side_name(CpuhpSide s) { return s == CPUHP_SIDE_AP ? "AP" : "BP"; }

const char *cpuhp_measure_method_name(CpuhpMeasureMethod m) {
  return m == CPUHP_MEASURE_DMESG ? "dmesg" : "trace";
}

static CpuhpMeasured *measured_alloc(const char *source) {
  CpuhpMeasured *m = g_new0(CpuhpMeasured, 1);
  m->source = g_strdup(source);
  m->kick_order = g_array_new(FALSE, FALSE, sizeof(guint));
  m->cpus = g_array_new(FALSE, FALSE, sizeof(CpuhpMeasuredCpu));
  m->states = g_array_new(FALSE, FALSE, sizeof(CpuhpMeasuredState));
  m->stalls = g_array_new(FALSE, FALSE, sizeof(CpuhpMeasuredStall));
  m->outside = g_array_new(FALSE, FALSE, sizeof(CpuhpMeasuredEvent));
  m->notes = g_ptr_array_new_with_free_func(g_free);
  m->window_start = m->window_end = m->trace_start = m->trace_end = -1;
  m->first_ap_event = m->cpu_up_call = m->dmesg_start = m->dmesg_end = m->trace_bringup_ns = -1;
  m->dmesg_kernel_start = m->dmesg_init = m->dmesg_sched_clock_stable = -1;
  m->threads_per_core = 1;
  return m;
}

void cpuhp_measured_free(CpuhpMeasured *m) {
  if (!m) return;
  g_free(m->source);
  g_free(m->clock);
  g_free(m->clock_from);
  g_free(m->cmdline);
  g_free(m->cmdline_from);
  g_free(m->tsc_from);
  g_array_unref(m->kick_order);
  for (guint i = 0; i < m->cpus->len; i++) {
    CpuhpMeasuredCpu *c = &g_array_index(m->cpus, CpuhpMeasuredCpu, i);
    g_array_unref(c->steps);
    g_array_unref(c->functions);
  }
  g_array_unref(m->cpus);
  g_array_unref(m->states);
  g_array_unref(m->stalls);
  g_array_unref(m->outside);
  g_ptr_array_unref(m->notes);
  g_free(m);
}

const CpuhpMeasuredCpu *cpuhp_measured_cpu(const CpuhpMeasured *m, guint cpu) {
  guint lo = 0, hi = m->cpus->len; /* sorted by number */
  while (lo < hi) {
    guint mid = lo + (hi - lo) / 2;
    const CpuhpMeasuredCpu *c = &g_array_index(m->cpus, CpuhpMeasuredCpu, mid);
    if (c->cpu == cpu) return c;
    if (c->cpu < cpu) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

int64_t cpuhp_measured_stalled_ns(const CpuhpMeasured *m) {
  int64_t ns = 0;
  for (guint i = 0; i < m->stalls->len; i++) {
    const CpuhpMeasuredStall *st = &g_array_index(m->stalls, CpuhpMeasuredStall, i);
    ns += st->duration - st->usual;
  }
  return ns;
}

static void note(CpuhpMeasured *m, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void note(CpuhpMeasured *m, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  g_ptr_array_add(m->notes, g_strdup_vprintf(fmt, ap));
  va_end(ap);
}

/* ---- the trace clock ------------------------------------------------------------------ */

/* "2596.102" MHz -> kHz; FALSE unless a plausible rate (1 MHz .. 100 GHz). */
static gboolean mhz_to_khz(const char *s, guint64 *khz) {
  guint64 ip = 0, fp = 0;
  int nd = 0, nf = 0;
  for (; g_ascii_isdigit(*s) && nd < 6; s++, nd++) ip = ip * 10 + (guint64)(*s - '0');
  if (*s == '.')
    for (s++; g_ascii_isdigit(*s); s++)
      if (nf < 3) fp = fp * 10 + (guint64)(*s - '0'), nf++;
  if (!nd || strncmp(s, " MHz", 4)) return FALSE;
  for (; nf < 3; nf++) fp *= 10;
  *khz = ip * 1000 + fp;
  return *khz >= 1000 && *khz <= 100000000;
}

/* The TSC rate the kernel reports; the refined calibration wins over the early one. */
static void find_tsc(CpuhpMeasured *m, const ReplayInput *in) {
  static const char *const keys[] = {"tsc: Refined TSC clocksource calibration: ", "tsc: Detected "};
  for (guint k = 0; k < G_N_ELEMENTS(keys) && !m->tsc_khz; k++)
    for (guint i = 0; i < in->log->len; i++) {
      const ReplayLogLine *l = &g_array_index(in->log, ReplayLogLine, i);
      const char *hit = strstr(l->text, keys[k]);
      guint64 khz;
      if (hit && mhz_to_khz(hit + strlen(keys[k]), &khz)) {
        m->tsc_khz = khz;
        m->tsc_from = g_strdup(hit);
        break;
      }
    }
}

static gboolean fail(GError **error, int code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static gboolean fail(GError **error, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error_literal(error, CPUHP_REPLAY_ERROR, code, msg);
  return FALSE;
}

static gboolean decide_clock(CpuhpMeasured *m, const ReplayInput *in, GError **error) {
  const char *c = in->cmdline ? strstr(in->cmdline, "trace_clock=") : NULL;
  if (c && (c == in->cmdline || c[-1] == ' ')) {
    m->clock = g_strndup(c + 12, strcspn(c + 12, " \t"));
    m->clock_from = g_strdup(in->cmdline_from);
  } else if (in->info_clock) {
    m->clock = g_strdup(in->info_clock);
    m->clock_from = g_strdup("tracing/trace_clock");
  }
  find_tsc(m, in);
  gboolean tsc_named = m->clock && !strcmp(m->clock, "x86-tsc");
  if (in->raw_ts) {
    if (m->clock && (!strcmp(m->clock, "counter") || !strcmp(m->clock, "uptime")))
      return fail(error, CPUHP_REPLAY_ERROR_FORMAT, "%s: trace_clock=%s: its timestamps have no time unit", in->name,
                  m->clock);
    if (!m->tsc_khz)
      return fail(error, CPUHP_REPLAY_ERROR_FORMAT,
                  "%s: the trace timestamps are raw counts (trace_clock=%s) and the log gives no TSC rate "
                  "(\"tsc: Refined TSC clocksource calibration\" or \"tsc: Detected ... MHz\")",
                  in->name, m->clock ? m->clock : "x86-tsc?");
    if (!tsc_named) {
      note(m, "timestamps are raw counts and no trace_clock is named: read as x86-tsc cycles");
      g_free(m->clock);
      g_free(m->clock_from);
      m->clock = g_strdup("x86-tsc");
      m->clock_from = g_strdup("guessed from the raw-count timestamps");
    }
  } else {
    m->tsc_khz = 0; /* ns timestamps need no rate */
    g_clear_pointer(&m->tsc_from, g_free);
    if (tsc_named) note(m, "trace_clock=x86-tsc, but the timestamps are in seconds: read as ns");
    if (!m->clock) {
      m->clock = g_strdup("unknown");
      m->clock_from = g_strdup("not named in the input; timestamps in seconds");
    }
  }
  return TRUE;
}

/* cycles -> ns without overflow for any plausible boot (< ~31 years). */
static gboolean cycles_to_ns(int64_t c, guint64 khz, int64_t *ns) {
  guint64 u = (guint64)c, ms = u / khz;
  if (ms > 1000000000000ULL) return FALSE;
  *ns = (int64_t)(ms * 1000000ULL + (u % khz) * 1000000ULL / khz);
  return TRUE;
}

static int cmp_rec(gconstpointer a, gconstpointer b) {
  const ReplayRec *x = a, *y = b;
  if (x->rec.ts != y->rec.ts) return x->rec.ts < y->rec.ts ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* ---- the window ----------------------------------------------------------------------- */

static void find_landmark_steps(CpuhpMeasured *m, const GArray *recs) {
  for (guint i = 0; i < recs->len; i++) {
    const ReplayRec *r = &g_array_index(recs, ReplayRec, i);
    if (r->is_func || r->rec.type == CPUHP_TRACE_EXIT) continue;
    if (!m->kick_step && !strcmp(r->rec.fn, "cpuhp_kick_ap_alive")) m->kick_step = r->rec.step;
    if (!m->bringup_step && (!strcmp(r->rec.fn, "cpuhp_bringup_ap") || !strcmp(r->rec.fn, "bringup_cpu")))
      m->bringup_step = r->rec.step;
  }
}

/* First AP event, the _cpu_up call just before it (same task, no cpuhp event in between), the
 * last AP's exit of the bringup step. */
static void find_trace_window(CpuhpMeasured *m, const GArray *recs) {
  guint first = recs->len;
  for (guint i = 0; i < recs->len && first == recs->len; i++) {
    const ReplayRec *r = &g_array_index(recs, ReplayRec, i);
    if (!r->is_func && r->rec.cpu != 0) first = i;
  }
  if (first == recs->len) return;
  const ReplayRec *f = &g_array_index(recs, ReplayRec, first);
  m->first_ap_event = f->rec.ts;
  for (guint i = first; i-- > 0;) {
    const ReplayRec *r = &g_array_index(recs, ReplayRec, i);
    if (!r->is_func) break;
    if (!strcmp(r->function, "_cpu_up") && r->rec.pid == f->rec.pid) m->cpu_up_call = r->rec.ts;
  }
  m->trace_start = m->cpu_up_call >= 0 ? m->cpu_up_call : m->first_ap_event;
  g_autoptr(GHashTable) done = g_hash_table_new(NULL, NULL);
  int64_t end = -1, last_ap = -1;
  for (guint i = first; i < recs->len; i++) {
    const ReplayRec *r = &g_array_index(recs, ReplayRec, i);
    if (r->is_func || r->rec.cpu == 0) continue;
    last_ap = r->rec.ts;
    if (r->rec.type == CPUHP_TRACE_EXIT && r->rec.step == m->bringup_step &&
        g_hash_table_add(done, GUINT_TO_POINTER(r->rec.cpu)))
      end = MAX(end, r->rec.ts);
  }
  if (end < 0) {
    end = last_ap;
    note(m, "no AP finished its bringup step (%d): the window ends at the last AP event", m->bringup_step);
  }
  m->trace_end = end;
  m->trace_bringup_ns = m->trace_end - m->trace_start;
}

/* "smp: Brought up" before "smp: Bringing up" on the log's clock would be a negative bringup. */
static gboolean find_dmesg(CpuhpMeasured *m, const ReplayInput *in, GError **error) {
  guint start_line = 0;
  for (guint i = 0; i < in->log->len; i++) {
    const ReplayLogLine *l = &g_array_index(in->log, ReplayLogLine, i);
    if (m->dmesg_kernel_start < 0 && g_str_has_prefix(l->text, "Linux version ")) m->dmesg_kernel_start = l->ts;
    if (m->dmesg_init < 0 && m->dmesg_end >= 0 && strstr(l->text, "Run /init as init process")) m->dmesg_init = l->ts;
    if (m->dmesg_sched_clock_stable < 0 && strstr(l->text, "sched_clock: Marking stable")) m->dmesg_sched_clock_stable = l->ts;
    if (m->dmesg_start < 0 && strstr(l->text, "smp: Bringing up secondary CPUs")) {
      m->dmesg_start = l->ts;
      start_line = l->line;
    } else if (m->dmesg_start >= 0 && m->dmesg_end < 0) {
      const char *b = strstr(l->text, "smp: Brought up ");
      const char *comma = b ? strstr(b, ", ") : NULL;
      if (!b) continue;
      if (l->ts < m->dmesg_start)
        return fail(error, CPUHP_REPLAY_ERROR_FORMAT,
                    "%s:%u:1: \"smp: Brought up\" is stamped before \"smp: Bringing up secondary "
                    "CPUs\" (line %u): a negative bringup", in->name, l->line, start_line);
      m->dmesg_end = l->ts;
      if (comma) m->dmesg_cpus = (guint)MIN(strtoul(comma + 2, NULL, 10), CPUHP_REPLAY_MAX_CPU + 1);
    }
  }
  return TRUE;
}

/* Each CPU's trace buffer is in time order (the kernel merges the buffers by time, a dump may
 * print them one after another): an event stamped before the one above it in the same buffer
 * would pair an enter and exit across the gap (a negative or bogus duration). */
static gboolean check_order(const ReplayInput *in, GError **error) {
  g_autoptr(GHashTable) last = g_hash_table_new(NULL, NULL); /* exec cpu -> index + 1 */
  for (guint i = 0; i < in->recs->len; i++) {
    const ReplayRec *r = &g_array_index(in->recs, ReplayRec, i);
    gpointer key = GUINT_TO_POINTER(r->rec.exec_cpu);
    guint prev = GPOINTER_TO_UINT(g_hash_table_lookup(last, key));
    const ReplayRec *p = prev ? &g_array_index(in->recs, ReplayRec, prev - 1) : NULL;
    if (p && r->line && r->rec.ts < p->rec.ts)
      return fail(error, CPUHP_REPLAY_ERROR_FORMAT,
                  "%s:%u:1: event stamped before the previous event of CPU %u's buffer (line %u): "
                  "timestamps out of order", in->name, r->line, r->rec.exec_cpu, p->line);
    g_hash_table_insert(last, key, GUINT_TO_POINTER(i + 1));
  }
  return TRUE;
}

/* The boot's own CPU count bounds every CPU number of the trace: dmesg's "Brought up N CPUs",
 * or the highest CPU kicked or brought up (an event of those steps). A corrupt cpu field
 * (0065535) must not make diff or calibrate simulate 65536 CPUs. An excerpt with neither has
 * no count of its own: only the reader's limit applies. */
static gboolean check_cpus(CpuhpMeasured *m, const ReplayInput *in, GError **error) {
  guint bound = m->dmesg_cpus;
  for (guint i = 0; i < in->recs->len; i++) {
    const ReplayRec *r = &g_array_index(in->recs, ReplayRec, i);
    if (!r->is_func && (r->rec.step == m->bringup_step || (m->kick_step && r->rec.step == m->kick_step)))
      bound = MAX(bound, r->rec.cpu + 1);
  }
  if (!bound) return TRUE;
  for (guint i = 0; i < in->recs->len; i++) {
    const ReplayRec *r = &g_array_index(in->recs, ReplayRec, i);
    guint cpu = MAX(r->is_func ? 0 : r->rec.cpu, r->rec.exec_cpu);
    if (r->line && cpu >= bound)
      return fail(error, CPUHP_REPLAY_ERROR_FORMAT,
                  "%s:%u:1: cpu %u is beyond the boot's %u CPUs (%s)", in->name, r->line, cpu, bound,
                  m->dmesg_cpus ? "dmesg \"smp: Brought up\" and the CPUs kicked" : "the CPUs kicked");
  }
  return TRUE;
}

/* ---- sequences and statistics --------------------------------------------------------- */

typedef struct {
  CpuhpMeasured *m;
  GHashTable *cpu_index; /* cpu -> index + 1 in m->cpus */
  GHashTable *open;      /* (cpu << 16 | step) -> index + 1 in that CPU's steps */
  guint64 unmatched;
} Builder;

static CpuhpMeasuredCpu *cpu_get(Builder *b, guint cpu, gboolean create) {
  guint idx = GPOINTER_TO_UINT(g_hash_table_lookup(b->cpu_index, GUINT_TO_POINTER(cpu)));
  if (idx) return &g_array_index(b->m->cpus, CpuhpMeasuredCpu, idx - 1);
  if (!create) return NULL;
  CpuhpMeasuredCpu c = {.cpu = cpu, .steps = g_array_new(FALSE, FALSE, sizeof(CpuhpMeasuredStep)),
                        .functions = g_array_new(FALSE, FALSE, sizeof(CpuhpMeasuredFunc)),
                        .first_event = -1, .kick = -1, .bringup_exit = -1};
  g_array_append_val(b->m->cpus, c);
  g_hash_table_insert(b->cpu_index, GUINT_TO_POINTER(cpu), GUINT_TO_POINTER(b->m->cpus->len));
  return &g_array_index(b->m->cpus, CpuhpMeasuredCpu, b->m->cpus->len - 1);
}

static void add_event(Builder *b, const CpuhpTraceEvent *e) {
  CpuhpMeasured *m = b->m;
  int64_t rel = e->ts - m->window_start;
  gpointer key = GUINT_TO_POINTER(e->cpu << 16 | (guint)e->step);
  if (e->type == CPUHP_TRACE_EXIT) {
    CpuhpMeasuredCpu *c = cpu_get(b, e->cpu, FALSE);
    guint idx = c ? GPOINTER_TO_UINT(g_hash_table_lookup(b->open, key)) : 0;
    if (!idx) {
      b->unmatched++;
      return;
    }
    CpuhpMeasuredStep *s = &g_array_index(c->steps, CpuhpMeasuredStep, idx - 1);
    s->duration = rel - s->start;
    s->ret = e->ret;
    g_hash_table_remove(b->open, key);
    if (e->step == m->bringup_step && c->bringup_exit < 0) c->bringup_exit = rel;
    return;
  }
  CpuhpMeasuredCpu *c = cpu_get(b, e->cpu, TRUE);
  CpuhpMeasuredStep s = {.step = e->step, .target = e->target, .side = e->exec_cpu == e->cpu ? CPUHP_SIDE_AP : CPUHP_SIDE_BP,
                         .multi = e->type == CPUHP_TRACE_MULTI_ENTER, .exec_cpu = e->exec_cpu, .pid = e->pid,
                         .start = rel, .duration = -1};
  g_strlcpy(s.callback, e->fn, sizeof s.callback);
  g_strlcpy(s.comm, e->comm, sizeof s.comm);
  g_array_append_val(c->steps, s);
  g_hash_table_insert(b->open, key, GUINT_TO_POINTER(c->steps->len));
  if (c->first_event < 0) c->first_event = rel;
  if (c->kick < 0 && e->step == (m->kick_step ? m->kick_step : m->bringup_step)) c->kick = rel;
}

static int cmp_cpu(gconstpointer a, gconstpointer b) {
  guint x = ((const CpuhpMeasuredCpu *)a)->cpu, y = ((const CpuhpMeasuredCpu *)b)->cpu;
  return x < y ? -1 : x > y;
}

static int cmp_state(gconstpointer a, gconstpointer b) {
  const CpuhpMeasuredState *x = a, *y = b;
  if (x->step != y->step) return x->step < y->step ? -1 : 1;
  return strcmp(x->callback, y->callback);
}

static void build_states(CpuhpMeasured *m) {
  g_autoptr(GHashTable) idx = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GArray) sums = g_array_new(FALSE, TRUE, sizeof(double));
  for (guint i = 0; i < m->cpus->len; i++) {
    const CpuhpMeasuredCpu *c = &g_array_index(m->cpus, CpuhpMeasuredCpu, i);
    for (guint k = 0; k < c->steps->len; k++) {
      const CpuhpMeasuredStep *s = &g_array_index(c->steps, CpuhpMeasuredStep, k);
      g_autofree char *key = g_strdup_printf("%d\t%s", s->step, s->callback);
      guint at = GPOINTER_TO_UINT(g_hash_table_lookup(idx, key));
      if (!at) {
        CpuhpMeasuredState st = {.step = s->step, .multi = s->multi, .mean_ns = -1, .min_ns = -1, .max_ns = -1};
        g_strlcpy(st.callback, s->callback, sizeof st.callback);
        g_array_append_val(m->states, st);
        g_array_set_size(sums, m->states->len);
        at = m->states->len;
        g_hash_table_insert(idx, g_steal_pointer(&key), GUINT_TO_POINTER(at));
      }
      CpuhpMeasuredState *st = &g_array_index(m->states, CpuhpMeasuredState, at - 1);
      st->count++;
      st->multi |= s->multi;
      if (s->duration < 0) continue;
      st->timed++;
      g_array_index(sums, double, at - 1) += (double)s->duration;
      st->min_ns = st->min_ns < 0 ? s->duration : MIN(st->min_ns, s->duration);
      st->max_ns = MAX(st->max_ns, s->duration);
    }
  }
  for (guint i = 0; i < m->states->len; i++) {
    CpuhpMeasuredState *st = &g_array_index(m->states, CpuhpMeasuredState, i);
    if (st->timed) st->mean_ns = (int64_t)llround(g_array_index(sums, double, i) / st->timed);
  }
  g_array_sort(m->states, cmp_state);
}

static int cmp_i64(gconstpointer a, gconstpointer b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

static int cmp_stall(gconstpointer a, gconstpointer b) {
  const CpuhpMeasuredStall *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  return (x->cpu > y->cpu) - (x->cpu < y->cpu);
}

/* The i-th invocation of each (step, callback) on each CPU: key "step\tcallback\ti". */
static char *instance_key(const CpuhpMeasuredStep *s, guint instance) {
  return g_strdup_printf("%d\t%s\t%u", s->step, s->callback, instance);
}

/* Each CPU's numbering of its invocations of every state, in trace order. */
static guint next_instance(GHashTable *seen, const CpuhpMeasuredStep *s) {
  g_autofree char *key = g_strdup_printf("%d\t%s", s->step, s->callback);
  guint n = GPOINTER_TO_UINT(g_hash_table_lookup(seen, key));
  g_hash_table_replace(seen, g_steal_pointer(&key), GUINT_TO_POINTER(n + 1));
  return n;
}

/* Stalls against each callback instance's lower quartile over the CPUs (see CpuhpMeasuredStall). */
static void find_stalls(CpuhpMeasured *m) {
  g_autoptr(GHashTable) durations =
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_array_unref);
  for (int pass = 0; pass < 2; pass++) {
    for (guint i = 0; i < m->cpus->len; i++) {
      const CpuhpMeasuredCpu *c = &g_array_index(m->cpus, CpuhpMeasuredCpu, i);
      g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
      for (guint k = 0; k < c->steps->len; k++) {
        CpuhpMeasuredStep *s = &g_array_index(c->steps, CpuhpMeasuredStep, k);
        guint inst = next_instance(seen, s);
        if (s->duration < 0 || s->step == m->kick_step || s->step == m->bringup_step) continue;
        g_autofree char *key = instance_key(s, inst);
        GArray *d = g_hash_table_lookup(durations, key);
        if (pass == 0) {
          if (!d) g_hash_table_insert(durations, g_strdup(key), d = g_array_new(FALSE, FALSE, sizeof(int64_t)));
          g_array_append_val(d, s->duration);
          continue;
        }
        if (d->len < CPUHP_REPLAY_STALL_MIN_CPUS) continue;
        int64_t usual = g_array_index(d, int64_t, (d->len - 1) / 4);
        if (s->duration - usual < CPUHP_REPLAY_STALL_NS) continue;
        CpuhpMeasuredStall st = {.cpu = c->cpu, .step = s->step, .instance = inst, .start = s->start,
                                 .duration = s->duration, .usual = usual};
        g_strlcpy(st.callback, s->callback, sizeof st.callback);
        g_array_append_val(m->stalls, st);
        s->stalled = TRUE;
      }
    }
    if (pass == 0) { /* sort each list once, for its quartile */
      GHashTableIter it;
      gpointer v;
      g_hash_table_iter_init(&it, durations);
      while (g_hash_table_iter_next(&it, NULL, &v)) g_array_sort(v, cmp_i64);
    }
  }
  g_array_sort(m->stalls, cmp_stall);
}

static int cmp_kick(gconstpointer a, gconstpointer b, gpointer data) {
  const CpuhpMeasured *m = data;
  const CpuhpMeasuredCpu *x = cpuhp_measured_cpu(m, *(const guint *)a), *y = cpuhp_measured_cpu(m, *(const guint *)b);
  if (x->kick != y->kick) return x->kick < y->kick ? -1 : 1;
  return x->cpu < y->cpu ? -1 : x->cpu > y->cpu;
}

/* Kick order, parallel mode, and SMT primary-first ordering as the kernel's
 * cpuhp_bringup_cpus_parallel() makes it: every CPU with cpu % T == 0 (thread 0 of its core with
 * the interleaved numbering of these guests) before the others, each group ascending. */
static void find_order(CpuhpMeasured *m) {
  guint max_cpu = 0;
  for (guint i = 0; i < m->cpus->len; i++) {
    const CpuhpMeasuredCpu *c = &g_array_index(m->cpus, CpuhpMeasuredCpu, i);
    max_cpu = MAX(max_cpu, c->cpu);
    if (c->cpu != 0 && c->kick >= 0) g_array_append_val(m->kick_order, c->cpu);
    for (guint k = 0; c->cpu != 0 && m->kick_step && k < c->steps->len; k++)
      m->parallel |= g_array_index(c->steps, CpuhpMeasuredStep, k).target == m->kick_step;
  }
  m->n_cpus = MAX(MAX(max_cpu + 1, m->dmesg_cpus), 1);
  g_array_sort_with_data(m->kick_order, cmp_kick, m);
  const guint *k = (const guint *)m->kick_order->data, n = m->kick_order->len;
  gboolean ascending = TRUE;
  for (guint i = 1; i < n; i++) ascending &= k[i - 1] < k[i];
  for (guint t = 2; t <= 8 && !ascending && n >= 2; t++) {
    if (m->n_cpus % t) continue;
    guint i = 0;
    gboolean match = TRUE;
    for (guint pass = 0; pass < 2 && match; pass++)
      for (guint cpu = 1; cpu < m->n_cpus && match; cpu++) {
        if ((cpu % t == 0) != (pass == 0) || !cpuhp_measured_cpu(m, cpu) || cpuhp_measured_cpu(m, cpu)->kick < 0)
          continue;
        match = i < n && k[i++] == cpu;
      }
    if (match && i == n) {
      m->smt_primary_first = TRUE;
      m->threads_per_core = t;
      break;
    }
  }
  if (!ascending && !m->smt_primary_first) note(m, "the kick order is neither ascending nor primary threads first");
}

/* `simulated`: a run with nothing to bring up (one CPU) traces nothing, and that is no error. */
static gboolean build(CpuhpMeasured *m, ReplayInput *in, gboolean simulated, GError **error) {
  guint n_cpuhp = 0;
  for (guint i = 0; i < in->recs->len; i++) n_cpuhp += !g_array_index(in->recs, ReplayRec, i).is_func;
  if (!n_cpuhp && !simulated) {
    if (in->panic)
      return fail(error, CPUHP_REPLAY_ERROR_EMPTY, "%s: no cpuhp events: the boot died before its trace was dumped (\"%s\")",
                  in->name, in->panic);
    return fail(error, CPUHP_REPLAY_ERROR_EMPTY,
                "%s: no cpuhp events (no cpuhp_enter/cpuhp_exit trace lines; trace with trace_event=cpuhp:*)", in->name);
  }
  if (!decide_clock(m, in, error)) return FALSE;
  if (!simulated && in->cmdline) {
    m->cmdline = g_strchomp(g_strdup(in->cmdline));
    m->cmdline_from = g_strdup(in->cmdline_from);
    m->cmdline_line = in->cmdline_line;
    m->cmdline_col = in->cmdline_col;
  }
  for (guint i = 0; in->raw_ts && i < in->recs->len; i++) {
    ReplayRec *r = &g_array_index(in->recs, ReplayRec, i);
    if (!cycles_to_ns(r->rec.ts, m->tsc_khz, &r->rec.ts))
      return fail(error, CPUHP_REPLAY_ERROR_FORMAT, "%s:%u:1: timestamp too large for a %" G_GUINT64_FORMAT " kHz TSC",
                  in->name, r->line, m->tsc_khz);
  }
  if (!check_order(in, error)) return FALSE;
  g_array_sort(in->recs, cmp_rec); /* the kernel merges CPU buffers by time; make sure */
  find_landmark_steps(m, in->recs);
  gboolean assumed = !m->bringup_step;
  if (assumed) m->bringup_step = 86; /* CPUHP_BRINGUP_CPU in 6.12 */
  find_trace_window(m, in->recs);
  if (assumed && m->first_ap_event >= 0)
    note(m, "no bringup callback (cpuhp_bringup_ap, bringup_cpu) in the trace: step 86 assumed");
  if (!find_dmesg(m, in, error) || !check_cpus(m, in, error)) return FALSE;
  if (!in->raw_ts && m->dmesg_start >= 0 && m->dmesg_end >= 0) {
    m->method = CPUHP_MEASURE_DMESG;
    m->window_start = m->dmesg_start;
    m->window_end = m->dmesg_end;
  } else if (m->first_ap_event >= 0) {
    m->method = CPUHP_MEASURE_TRACE;
    m->window_start = m->trace_start;
    m->window_end = m->trace_end;
  } else {
    m->method = CPUHP_MEASURE_TRACE;
    m->window_start = m->window_end = in->recs->len ? g_array_index(in->recs, ReplayRec, 0).rec.ts : 0;
  }
  if (m->first_ap_event < 0) note(m, "no secondary CPU in the trace: nothing was brought up");
  m->bringup_ns = m->window_end - m->window_start;
  /* local_clock() before sched_clock is marked stable goes through sched_clock_local()
   * (kernel/sched/clock.c), which clamps each CPU's clock to one tick past its last tick */
  gboolean local = m->clock && (!strcmp(m->clock, "local") || !strcmp(m->clock, "global") || !strcmp(m->clock, "perf"));
  if (local && !in->raw_ts && m->first_ap_event >= 0 && m->dmesg_sched_clock_stable > m->trace_start)
    note(m, "trace_clock=%s reads local_clock(), and sched_clock was marked stable only at %.3f s, after the window: "
         "until then each CPU's clock is held within a tick of its last tick (sched_clock_local()), so one callback's "
         "time can be off by up to a tick, a span of several ticks not (trace_clock=x86-tsc avoids it)",
         m->clock, (double)m->dmesg_sched_clock_stable / 1e9);

  Builder b = {.m = m, .cpu_index = g_hash_table_new(NULL, NULL), .open = g_hash_table_new(NULL, NULL)};
  for (guint i = 0; i < in->recs->len; i++) {
    const ReplayRec *r = &g_array_index(in->recs, ReplayRec, i);
    gboolean inside = m->trace_start >= 0 && r->rec.ts >= m->trace_start && r->rec.ts <= m->trace_end;
    if (r->is_func) {
      if (!inside) {
        m->functions_outside++;
        continue;
      }
      m->functions_in_window++;
      CpuhpMeasuredFunc f = {.ts = r->rec.ts - m->window_start, .pid = r->rec.pid};
      g_strlcpy(f.function, r->function, sizeof f.function);
      g_strlcpy(f.parent, r->parent, sizeof f.parent);
      g_strlcpy(f.comm, r->rec.comm, sizeof f.comm);
      g_array_append_val(cpu_get(&b, r->rec.exec_cpu, TRUE)->functions, f);
    } else if (inside) {
      m->events_in_window++;
      add_event(&b, &r->rec);
    } else {
      m->events_outside++;
      CpuhpMeasuredEvent e = {.ts = r->rec.ts - m->window_start, .type = r->rec.type, .cpu = r->rec.cpu,
                              .exec_cpu = r->rec.exec_cpu, .step = r->rec.step, .line = r->line};
      g_strlcpy(e.callback, r->rec.fn, sizeof e.callback);
      g_array_append_val(m->outside, e);
    }
  }
  g_hash_table_unref(b.cpu_index);
  g_hash_table_unref(b.open);
  g_array_sort(m->cpus, cmp_cpu);
  for (guint i = 0; i < m->cpus->len; i++) {
    CpuhpMeasuredCpu *c = &g_array_index(m->cpus, CpuhpMeasuredCpu, i);
    for (guint k = 0; k < c->steps->len; k++) {
      const CpuhpMeasuredStep *s = &g_array_index(c->steps, CpuhpMeasuredStep, k);
      if (s->duration < 0 || s->step == m->kick_step || s->step == m->bringup_step) continue;
      *(s->side == CPUHP_SIDE_AP ? &c->ap_ns : &c->bp_ns) += s->duration;
    }
  }
  find_order(m);
  build_states(m);
  find_stalls(m);
  m->events_other = in->other;
  m->lost_events = in->lost;
  if (b.unmatched) note(m, "%" G_GUINT64_FORMAT " exits without their enter in the window", b.unmatched);
  if (in->lost) note(m, "the trace lost %" G_GUINT64_FORMAT " events (ring buffer full)", in->lost);
  if (in->trace_unterminated) note(m, "the TRACE section is not terminated: the log may be cut short");
  return TRUE;
}

void replay_input_init(ReplayInput *in, const char *name) {
  memset(in, 0, sizeof *in);
  in->name = g_strdup(name);
  in->recs = g_array_new(FALSE, FALSE, sizeof(ReplayRec));
  in->names = g_string_chunk_new(1024);
  in->log = g_array_new(FALSE, FALSE, sizeof(ReplayLogLine));
}

void replay_input_clear(ReplayInput *in) {
  g_free(in->name);
  g_array_unref(in->recs);
  g_string_chunk_free(in->names);
  for (guint i = 0; i < in->log->len; i++) g_free(g_array_index(in->log, ReplayLogLine, i).text);
  g_array_unref(in->log);
  g_free(in->cmdline);
  g_free(in->cmdline_from);
  g_free(in->info_clock);
  g_free(in->panic);
  memset(in, 0, sizeof *in);
}

static CpuhpMeasured *build_or_free(ReplayInput *in, gboolean simulated, GError **error) {
  CpuhpMeasured *m = measured_alloc(in->name);
  gboolean ok = build(m, in, simulated, error);
  replay_input_clear(in);
  if (ok) return m;
  cpuhp_measured_free(m);
  return NULL;
}

CpuhpMeasured *cpuhp_measured_new_from_input(ReplayInput *in, GError **error) {
  return build_or_free(in, FALSE, error);
}

CpuhpMeasured *cpuhp_measured_new_from_result(const CpuhpResult *r, GError **error) {
  g_assert(r->trace); /* the run must have been made with trace = TRUE */
  ReplayInput in;
  replay_input_init(&in, "simulation");
  for (guint i = 0; i < r->trace->len; i++) {
    ReplayRec rr = {.seq = i, .rec = g_array_index(r->trace, CpuhpTraceEvent, i)};
    g_array_append_val(in.recs, rr);
  }
  for (guint i = 0; i < r->log->len; i++) {
    const CpuhpLogLine *l = &g_array_index(r->log, CpuhpLogLine, i);
    ReplayLogLine ll = {.ts = l->ts, .text = g_strdup(l->text)};
    g_array_append_val(in.log, ll);
  }
  in.cmdline = g_strdup("trace_clock=simulation"); /* ns since boot, like the global clock */
  in.cmdline_from = g_strdup("cpuhpsim run");
  CpuhpMeasured *m = build_or_free(&in, TRUE, error);
  if (m && r->boot_ns >= 0 && m->dmesg_start >= 0) {
    m->dmesg_kernel_start = m->dmesg_start - r->boot_before_ns;
    m->kernel_start_modelled = TRUE;
  }
  return m;
}

gboolean cpuhp_measured_boot(const CpuhpMeasured *m, int64_t *boot, int64_t *before, int64_t *after) {
  if ((m->dmesg_kernel_start < 0 && !m->kernel_start_modelled) || m->dmesg_init < 0 || m->dmesg_start < 0 || m->dmesg_end < 0) return FALSE;
  *boot = m->dmesg_init - m->dmesg_kernel_start;
  *before = m->dmesg_start - m->dmesg_kernel_start;
  *after = m->dmesg_init - m->dmesg_end;
  return TRUE;
}
