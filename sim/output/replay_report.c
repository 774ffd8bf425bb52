/* replay_report.c — `cpuhpsim import` and `cpuhpsim diff` outputs. */
#include "sim/output/replay_report.h"
#include "sim/output/json_write.h"

#include <string.h>

static double ms(int64_t ns) { return (double)ns / 1e6; }

/* A time column in ms, "-" for -1 (never happened). */
static void text_ms(GString *out, int width, int64_t ns) {
  if (ns < 0) g_string_append_printf(out, " %*s", width - 1, "-");
  else g_string_append_printf(out, " %*.3f", width - 1, ms(ns));
}

static const char *ev_name(CpuhpTraceType t) {
  return t == CPUHP_TRACE_EXIT ? "exit" : t == CPUHP_TRACE_MULTI_ENTER ? "multi_enter" : "enter";
}

/* How far a is from b, in percent of b; "-" (JSON: null) when b is not positive. */
static void pct(GString *out, int64_t a, int64_t b) {
  if (b > 0) g_string_append_printf(out, "%+.2f %%", 100.0 * (double)(a - b) / (double)b);
  else g_string_append(out, "-");
}

static void pct_json(SimJsonWriter *w, const char *key, int64_t a, int64_t b) {
  if (b > 0) sim_jw_double(w, key, 100.0 * (double)(a - b) / (double)b, 2);
  else sim_jw_null(w, key);
}

const char *cpuhp_replay_json_keys(void) {
  return "JSON keys (import): source, clock, clock_from, cmdline (null when the input does not show\n"
         "  it), tsc_khz, tsc_from, method (\"dmesg\"|\"trace\"), bringup_ns, window {start_ns, end_ns},\n"
         "  trace_window {start_ns, end_ns, first_ap_event_ns, cpu_up_ns, bringup_ns}, dmesg\n"
         "  {bringing_up_ns, brought_up_ns, cpus}, cpus, parallel, smt_primary_first, threads_per_core,\n"
         "  kick_step, bringup_step, kick_order [cpu...], events {in_window, outside, other, lost,\n"
         "  functions_in_window, functions_outside}, per_cpu [{cpu, first_event_ns, kick_ns,\n"
         "  bringup_exit_ns, bp_ns, ap_ns, steps [{step, callback, side (\"BP\"|\"AP\"), multi, target,\n"
         "  exec_cpu, comm, pid, start_ns, duration_ns, ret}], functions [{ts_ns, function, parent, comm,\n"
         "  pid}]}], states [{step, callback, multi, count, timed, mean_ns, min_ns, max_ns}],\n"
         "  stall_threshold_ns, stalls [{cpu, step, callback, instance, start_ns, duration_ns, usual_ns}],\n"
         "  outside [{ts_ns, event, cpu, exec_cpu, step, callback, line}], notes [text]. window and\n"
         "  trace_window are ns on the trace clock, dmesg on the log clock; per_cpu and outside times are\n"
         "  ns from window.start_ns; -1 = absent.\n"
         "JSON keys (diff): real, sim, simulated {profile, cpus, threads_per_core, parallel, seed,\n"
         "  overrides, cmdline, cmdline_from (\"real\"|\"profile\"|\"--cmdline\"|\"--set\")} or null,\n"
         "  equal, first_divergence {cpu, position, real, sim} or null (real/sim: {step, callback, side,\n"
         "  multi, target} or null), per_cpu [{cpu, real_steps, sim_steps, equal, position}], states\n"
         "  [{step, callback, real_count, sim_count, real_mean_ns, sim_mean_ns, error_ns, error_pct}],\n"
         "  bringup {method, real_ns, sim_ns, error_ns, error_pct}, real_stalls {count, over_ns}, sim_stalls\n"
         "  {count, over_ns} (the same rule on SIM).\n";
}

/* ---- import --------------------------------------------------------------------------- */

void cpuhp_replay_text(GString *out, const CpuhpMeasured *m) {
  g_string_append_printf(out, "cpuhpsim import: %s\n", m->source);
  g_string_append_printf(out, "  trace clock        %s (%s)\n", m->clock, m->clock_from);
  if (m->cmdline) g_string_append_printf(out, "  command line       %s\n", m->cmdline);
  if (m->tsc_khz)
    g_string_append_printf(out, "  TSC rate           %" G_GUINT64_FORMAT ".%03" G_GUINT64_FORMAT " MHz, from \"%s\"\n",
                           m->tsc_khz / 1000, m->tsc_khz % 1000, m->tsc_from);
  g_string_append_printf(out, "  bringup time       %12.3f ms   (%s)\n", ms(m->bringup_ns),
                         m->method == CPUHP_MEASURE_DMESG
                             ? "dmesg: \"smp: Bringing up secondary CPUs\" to \"smp: Brought up\""
                             : "trace: first AP cpuhp event (or its _cpu_up) to the last AP's bringup-step exit");
  int64_t boot, before, after;
  if (cpuhp_measured_boot(m, &boot, &before, &after))
    g_string_append_printf(out, "  whole boot         %12.3f ms   (dmesg: \"Linux version\" to \"Run /init as init process\": "
                           "%.3f ms before the window, %.3f ms after it)\n", ms(boot), ms(before), ms(after));
  if (m->trace_bringup_ns >= 0)
    g_string_append_printf(out, "  trace window       %12.3f ms   (%s to the last AP's step-%d exit)\n",
                           ms(m->trace_bringup_ns),
                           m->cpu_up_call >= 0 ? "the _cpu_up call before the first AP event" : "first AP event",
                           m->bringup_step);
  g_string_append_printf(out, "  CPUs               %u", m->n_cpus);
  if (m->dmesg_cpus) g_string_append_printf(out, " (dmesg: %u brought up)", m->dmesg_cpus);
  g_string_append_printf(out, "\n  bringup mode       %s", m->parallel ? "parallel: APs kicked to " : "serial");
  if (m->parallel) g_string_append_printf(out, "step %d first", m->kick_step);
  if (m->smt_primary_first) g_string_append_printf(out, ", SMT primary threads first (%u threads/core)", m->threads_per_core);
  g_string_append(out, "\n  kick order        ");
  for (guint i = 0; i < m->kick_order->len; i++) g_string_append_printf(out, " %u", g_array_index(m->kick_order, guint, i));
  g_string_append_printf(out, "\n  cpuhp events       %" G_GUINT64_FORMAT " in the window, %" G_GUINT64_FORMAT
                         " outside (listed below)\n", m->events_in_window, m->events_outside);
  if (m->functions_in_window || m->functions_outside)
    g_string_append_printf(out, "  function tracer    %" G_GUINT64_FORMAT " lines in the window, %" G_GUINT64_FORMAT " outside\n",
                           m->functions_in_window, m->functions_outside);
  for (guint i = 0; i < m->notes->len; i++) g_string_append_printf(out, "  note: %s\n", (char *)m->notes->pdata[i]);

  g_string_append(out, "\nper CPU, ms from the window start  functions  steps  first event      kick  bringup exit  BP callbacks  AP callbacks\n");
  for (guint i = 0; i < m->cpus->len; i++) {
    const CpuhpMeasuredCpu *c = &g_array_index(m->cpus, CpuhpMeasuredCpu, i);
    g_string_append_printf(out, "  cpu %-5u %35u %6u", c->cpu, c->functions->len, c->steps->len);
    text_ms(out, 13, c->first_event);
    text_ms(out, 10, c->kick);
    text_ms(out, 14, c->bringup_exit);
    g_string_append_printf(out, " %13.3f %13.3f\n", ms(c->bp_ns), ms(c->ap_ns));
  }
  g_string_append(out, "\nper state (in the window)                        count     mean ms      min ms      max ms\n");
  for (guint i = 0; i < m->states->len; i++) {
    const CpuhpMeasuredState *s = &g_array_index(m->states, CpuhpMeasuredState, i);
    g_autofree char *name = g_strdup_printf("%s%s", s->callback, s->multi ? " (multi)" : "");
    g_string_append_printf(out, "  %3d %-40s %7u", s->step, name, s->count);
    if (s->timed) g_string_append_printf(out, " %11.3f %11.3f %11.3f\n", ms(s->mean_ns), ms(s->min_ns), ms(s->max_ns));
    else g_string_append(out, "           -           -           -\n");
  }
  g_string_append_printf(out,
                         "\nstalls: %u callbacks ran %.0f ms or more over the same callback's usual time (its lower "
                         "quartile over the CPUs; %.3f ms over in all)\n",
                         m->stalls->len, ms(CPUHP_REPLAY_STALL_NS), ms(cpuhp_measured_stalled_ns(m)));
  if (m->stalls->len)
    g_string_append(out, "  time the guest's work does not explain: under QEMU, often the host faulting in guest RAM\n"
                         "  (docs/host-first-touch.md)\n"
                         "    cpu  step callback                                  start ms   duration ms   usual ms\n");
  for (guint i = 0; i < m->stalls->len; i++) {
    const CpuhpMeasuredStall *st = &g_array_index(m->stalls, CpuhpMeasuredStall, i);
    g_autofree char *name = st->instance ? g_strdup_printf("%s #%u", st->callback, st->instance + 1) : g_strdup(st->callback);
    g_string_append_printf(out, "  %5u  %4d %-40s %11.3f %13.3f %10.3f\n", st->cpu, st->step, name, ms(st->start),
                           ms(st->duration), ms(st->usual));
  }
  g_string_append_printf(out, "\noutside the window: %u cpuhp events (ms from the window start)\n", m->outside->len);
  for (guint i = 0; i < m->outside->len; i++) {
    const CpuhpMeasuredEvent *e = &g_array_index(m->outside, CpuhpMeasuredEvent, i);
    g_string_append_printf(out, "  %12.3f  cpu %-4u on [%03u] %-11s step %3d %s", ms(e->ts), e->cpu, e->exec_cpu,
                           ev_name(e->type), e->step, e->callback);
    if (e->line) g_string_append_printf(out, "  (line %u)", e->line);
    g_string_append_c(out, '\n');
  }
  g_string_append(out, "\nper-CPU sequences (ms from the window start)\n");
  for (guint i = 0; i < m->cpus->len; i++) {
    const CpuhpMeasuredCpu *c = &g_array_index(m->cpus, CpuhpMeasuredCpu, i);
    g_string_append_printf(out, "  cpu %u\n", c->cpu);
    for (guint k = 0; k < c->steps->len; k++) {
      const CpuhpMeasuredStep *s = &g_array_index(c->steps, CpuhpMeasuredStep, k);
      g_string_append_printf(out, "    %12.3f ", ms(s->start));
      if (s->duration >= 0) g_string_append_printf(out, "%10.3f", ms(s->duration));
      else g_string_append_printf(out, "%10s", "-");
      g_string_append_printf(out, "  %s  %3d  %s%s  (target %d, %s-%d)", cpuhp_side_name(s->side), s->step, s->callback,
                             s->multi ? " (multi)" : "", s->target, s->comm, s->pid);
      if (s->ret) g_string_append_printf(out, "  ret %d", s->ret);
      g_string_append_c(out, '\n');
    }
    for (guint k = 0; k < c->functions->len; k++) {
      const CpuhpMeasuredFunc *f = &g_array_index(c->functions, CpuhpMeasuredFunc, k);
      g_string_append_printf(out, "    %12.3f  function  %s <- %s  (%s-%d)\n", ms(f->ts), f->function, f->parent, f->comm,
                             f->pid);
    }
  }
}

/* A step's identity: what import's steps and diff's divergences share. */
static void json_step(SimJsonWriter *w, const CpuhpMeasuredStep *s) {
  sim_jw_int(w, "step", s->step);
  sim_jw_string(w, "callback", s->callback);
  sim_jw_string(w, "side", cpuhp_side_name(s->side));
  sim_jw_bool(w, "multi", s->multi);
  sim_jw_int(w, "target", s->target);
}

/* A per-CPU record's steps and functions, one a line under it. */
enum { PER_CPU_INDENT = 5, PER_CPU_ITEM_INDENT = 7 };

void cpuhp_replay_json(GString *out, const CpuhpMeasured *m) {
  g_autoptr(SimJsonWriter) w = sim_jw_new(out);
  sim_jw_begin_object(w, NULL, SIM_JW_LINES);
  sim_jw_string(w, "source", m->source);
  sim_jw_string(w, "clock", m->clock);
  sim_jw_string(w, "clock_from", m->clock_from);
  sim_jw_string(w, "cmdline", m->cmdline);
  sim_jw_uint(w, "tsc_khz", m->tsc_khz);
  sim_jw_string(w, "tsc_from", m->tsc_from);
  sim_jw_string(w, "method", cpuhp_measure_method_name(m->method));
  sim_jw_int(w, "bringup_ns", m->bringup_ns);
  sim_jw_begin_object(w, "window", SIM_JW_INLINE);
  sim_jw_int(w, "start_ns", m->window_start);
  sim_jw_int(w, "end_ns", m->window_end);
  sim_jw_end_object(w);
  sim_jw_begin_object(w, "trace_window", SIM_JW_INLINE);
  sim_jw_int(w, "start_ns", m->trace_start);
  sim_jw_int(w, "end_ns", m->trace_end);
  sim_jw_int(w, "first_ap_event_ns", m->first_ap_event);
  sim_jw_int(w, "cpu_up_ns", m->cpu_up_call);
  sim_jw_int(w, "bringup_ns", m->trace_bringup_ns);
  sim_jw_end_object(w);
  sim_jw_begin_object(w, "dmesg", SIM_JW_INLINE);
  sim_jw_int(w, "bringing_up_ns", m->dmesg_start);
  sim_jw_int(w, "brought_up_ns", m->dmesg_end);
  sim_jw_uint(w, "cpus", m->dmesg_cpus);
  sim_jw_int(w, "kernel_start_ns", m->dmesg_kernel_start);
  sim_jw_int(w, "init_ns", m->dmesg_init);
  sim_jw_end_object(w);
  sim_jw_uint(w, "cpus", m->n_cpus);
  sim_jw_bool(w, "parallel", m->parallel);
  sim_jw_bool(w, "smt_primary_first", m->smt_primary_first);
  sim_jw_uint(w, "threads_per_core", m->threads_per_core);
  sim_jw_int(w, "kick_step", m->kick_step);
  sim_jw_int(w, "bringup_step", m->bringup_step);
  sim_jw_begin_array(w, "kick_order", SIM_JW_INLINE);
  for (guint i = 0; i < m->kick_order->len; i++) sim_jw_uint(w, NULL, g_array_index(m->kick_order, guint, i));
  sim_jw_end_array(w);
  sim_jw_begin_object(w, "events", SIM_JW_INLINE);
  sim_jw_uint(w, "in_window", m->events_in_window);
  sim_jw_uint(w, "outside", m->events_outside);
  sim_jw_uint(w, "other", m->events_other);
  sim_jw_uint(w, "lost", m->lost_events);
  sim_jw_uint(w, "functions_in_window", m->functions_in_window);
  sim_jw_uint(w, "functions_outside", m->functions_outside);
  sim_jw_end_object(w);
  sim_jw_begin_array(w, "per_cpu", SIM_JW_LINES);
  for (guint i = 0; i < m->cpus->len; i++) {
    const CpuhpMeasuredCpu *c = &g_array_index(m->cpus, CpuhpMeasuredCpu, i);
    sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
    sim_jw_uint(w, "cpu", c->cpu);
    sim_jw_int(w, "first_event_ns", c->first_event);
    sim_jw_int(w, "kick_ns", c->kick);
    sim_jw_int(w, "bringup_exit_ns", c->bringup_exit);
    sim_jw_int(w, "bp_ns", c->bp_ns);
    sim_jw_int(w, "ap_ns", c->ap_ns);
    sim_jw_newline(w, PER_CPU_INDENT);
    sim_jw_begin_array(w, "steps", SIM_JW_INLINE);
    for (guint k = 0; k < c->steps->len; k++) {
      const CpuhpMeasuredStep *s = &g_array_index(c->steps, CpuhpMeasuredStep, k);
      sim_jw_newline(w, PER_CPU_ITEM_INDENT);
      sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
      json_step(w, s);
      sim_jw_uint(w, "exec_cpu", s->exec_cpu);
      sim_jw_string(w, "comm", s->comm);
      sim_jw_int(w, "pid", s->pid);
      sim_jw_int(w, "start_ns", s->start);
      sim_jw_int(w, "duration_ns", s->duration);
      sim_jw_int(w, "ret", s->ret);
      sim_jw_end_object(w);
    }
    sim_jw_end_array(w);
    sim_jw_newline(w, PER_CPU_INDENT);
    sim_jw_begin_array(w, "functions", SIM_JW_INLINE);
    for (guint k = 0; k < c->functions->len; k++) {
      const CpuhpMeasuredFunc *f = &g_array_index(c->functions, CpuhpMeasuredFunc, k);
      sim_jw_newline(w, PER_CPU_ITEM_INDENT);
      sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
      sim_jw_int(w, "ts_ns", f->ts);
      sim_jw_string(w, "function", f->function);
      sim_jw_string(w, "parent", f->parent);
      sim_jw_string(w, "comm", f->comm);
      sim_jw_int(w, "pid", f->pid);
      sim_jw_end_object(w);
    }
    sim_jw_end_array(w);
    sim_jw_end_object(w);
  }
  sim_jw_end_array(w);
  sim_jw_begin_array(w, "states", SIM_JW_LINES);
  for (guint i = 0; i < m->states->len; i++) {
    const CpuhpMeasuredState *s = &g_array_index(m->states, CpuhpMeasuredState, i);
    sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
    sim_jw_int(w, "step", s->step);
    sim_jw_string(w, "callback", s->callback);
    sim_jw_bool(w, "multi", s->multi);
    sim_jw_uint(w, "count", s->count);
    sim_jw_uint(w, "timed", s->timed);
    sim_jw_int(w, "mean_ns", s->mean_ns);
    sim_jw_int(w, "min_ns", s->min_ns);
    sim_jw_int(w, "max_ns", s->max_ns);
    sim_jw_end_object(w);
  }
  sim_jw_end_array(w);
  sim_jw_int(w, "stall_threshold_ns", CPUHP_REPLAY_STALL_NS);
  sim_jw_begin_array(w, "stalls", SIM_JW_LINES);
  for (guint i = 0; i < m->stalls->len; i++) {
    const CpuhpMeasuredStall *st = &g_array_index(m->stalls, CpuhpMeasuredStall, i);
    sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
    sim_jw_uint(w, "cpu", st->cpu);
    sim_jw_int(w, "step", st->step);
    sim_jw_string(w, "callback", st->callback);
    sim_jw_uint(w, "instance", st->instance);
    sim_jw_int(w, "start_ns", st->start);
    sim_jw_int(w, "duration_ns", st->duration);
    sim_jw_int(w, "usual_ns", st->usual);
    sim_jw_end_object(w);
  }
  sim_jw_end_array(w);
  sim_jw_begin_array(w, "outside", SIM_JW_LINES);
  for (guint i = 0; i < m->outside->len; i++) {
    const CpuhpMeasuredEvent *e = &g_array_index(m->outside, CpuhpMeasuredEvent, i);
    sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
    sim_jw_int(w, "ts_ns", e->ts);
    sim_jw_string(w, "event", ev_name(e->type));
    sim_jw_uint(w, "cpu", e->cpu);
    sim_jw_uint(w, "exec_cpu", e->exec_cpu);
    sim_jw_int(w, "step", e->step);
    sim_jw_string(w, "callback", e->callback);
    sim_jw_uint(w, "line", e->line);
    sim_jw_end_object(w);
  }
  sim_jw_end_array(w);
  sim_jw_begin_array(w, "notes", SIM_JW_INLINE);
  for (guint i = 0; i < m->notes->len; i++) sim_jw_string(w, NULL, m->notes->pdata[i]);
  sim_jw_end_array(w);
  sim_jw_end_object(w);
  g_string_append_c(out, '\n');
}

/* ---- diff ----------------------------------------------------------------------------- */

static void text_step(GString *out, gboolean has, const CpuhpMeasuredStep *s) {
  if (!has) {
    g_string_append(out, "(nothing: the sequence ended)");
    return;
  }
  g_string_append_printf(out, "step %d %s%s on the %s, target %d", s->step, s->callback, s->multi ? " (multi)" : "",
                         cpuhp_side_name(s->side), s->target);
}

void cpuhp_diff_text(GString *out, const char *real_name, const char *sim_name, const CpuhpReplayDiff *d,
                     const CpuhpDiffSimulated *s) {
  g_string_append_printf(out, "cpuhpsim diff: real %s\n               sim  %s\n", real_name, sim_name);
  if (s) {
    g_string_append_printf(out, "  simulated          %s as 1 socket x %u cores x %u thread%s, cpuhp.parallel=%d, seed %" G_GUINT64_FORMAT "\n",
                           s->profile, s->cpus / s->threads_per_core, s->threads_per_core, s->threads_per_core > 1 ? "s" : "",
                           s->parallel, s->seed);
    g_string_append_printf(out, "  command line       %s (%s)\n", *s->cmdline ? s->cmdline : "(none)",
                           !strcmp(s->cmdline_from, "real")      ? "the real boot's"
                           : !strcmp(s->cmdline_from, "profile") ? "the profile's kernel.cmdline"
                                                                 : s->cmdline_from);
  }
  if (d->equal) {
    g_string_append_printf(out, "  sequences          equal (%u CPU%s with cpuhp events)\n", d->cpus->len, d->cpus->len == 1 ? "" : "s");
  } else {
    const CpuhpDiffCpu *c = &g_array_index(d->cpus, CpuhpDiffCpu, d->first);
    g_string_append_printf(out, "  sequences          DIFFER: first divergence on cpu %u at position %u\n", c->cpu, c->position);
    g_string_append(out, "    real  ");
    text_step(out, c->has_real, &c->real);
    g_string_append(out, "\n    sim   ");
    text_step(out, c->has_sim, &c->sim);
    g_string_append_c(out, '\n');
  }
  g_string_append_printf(out, "  bringup time       real %.3f ms, sim %.3f ms, error %+.3f ms (", ms(d->real_bringup_ns),
                         ms(d->sim_bringup_ns), ms(d->sim_bringup_ns - d->real_bringup_ns));
  pct(out, d->sim_bringup_ns, d->real_bringup_ns);
  g_string_append_printf(out, "), measured by %s\n", d->method == CPUHP_MEASURE_DMESG ? "dmesg" : "the trace window");
  if (d->real_boot_ns >= 0) {
    static const char *const what[] = {"kernel to /init", "  before smp_init", "  after smp_init"};
    int64_t rv[] = {d->real_boot_ns, d->real_before_ns, d->real_after_ns}, sv[] = {d->sim_boot_ns, d->sim_before_ns, d->sim_after_ns};
    for (guint i = 0; i < 3; i++) {
      g_string_append_printf(out, "  %-18s real %.3f ms, sim %.3f ms, error %+.3f ms (", what[i], ms(rv[i]), ms(sv[i]), ms(sv[i] - rv[i]));
      pct(out, sv[i], rv[i]);
      g_string_append(out, ")\n");
    }
  }
  /* under icount a callback can pass import's threshold from the model's own mechanisms (the
   * idle share at the last APs): only the stalled time beyond the simulated is unexplained */
  if (d->real_stalls)
    g_string_append_printf(out, "  real stalls        %u callback%s %.3f ms over their usual time in all; sim %u, %.3f ms by "
                           "the same rule: the rest is time the model has no cause for (`import` lists them)\n",
                           d->real_stalls, d->real_stalls == 1 ? "" : "s", ms(d->real_stalled_ns), d->sim_stalls,
                           ms(d->sim_stalled_ns));
  g_string_append(out, "\nper CPU            real steps  sim steps\n");
  for (guint i = 0; i < d->cpus->len; i++) {
    const CpuhpDiffCpu *c = &g_array_index(d->cpus, CpuhpDiffCpu, i);
    g_string_append_printf(out, "  cpu %-5u %17u %10u   ", c->cpu, c->real_len, c->sim_len);
    if (c->equal) {
      g_string_append(out, "equal\n");
      continue;
    }
    g_string_append_printf(out, "differs at %u: real ", c->position);
    text_step(out, c->has_real, &c->real);
    g_string_append(out, "; sim ");
    text_step(out, c->has_sim, &c->sim);
    g_string_append_c(out, '\n');
  }
  g_string_append(out, "\nper state (sim - real)                      real n  sim n  real mean ms  sim mean ms   error ms   error\n");
  for (guint i = 0; i < d->states->len; i++) {
    const CpuhpDiffState *st = &g_array_index(d->states, CpuhpDiffState, i);
    g_string_append_printf(out, "  %3d %-38s %6u %6u", st->step, st->callback, st->real_count, st->sim_count);
    if (st->real_mean_ns >= 0) g_string_append_printf(out, " %13.3f", ms(st->real_mean_ns));
    else g_string_append_printf(out, " %13s", "-");
    if (st->sim_mean_ns >= 0) g_string_append_printf(out, " %12.3f", ms(st->sim_mean_ns));
    else g_string_append_printf(out, " %12s", "-");
    if (st->real_mean_ns >= 0 && st->sim_mean_ns >= 0) {
      g_string_append_printf(out, " %+10.3f   ", ms(st->sim_mean_ns - st->real_mean_ns));
      pct(out, st->sim_mean_ns, st->real_mean_ns);
    }
    g_string_append_c(out, '\n');
  }
}

static void json_step_or_null(SimJsonWriter *w, const char *key, gboolean has, const CpuhpMeasuredStep *s) {
  if (!has) {
    sim_jw_null(w, key);
    return;
  }
  sim_jw_begin_object(w, key, SIM_JW_INLINE);
  json_step(w, s);
  sim_jw_end_object(w);
}

void cpuhp_diff_json(GString *out, const char *real_name, const char *sim_name, const CpuhpReplayDiff *d,
                     const CpuhpDiffSimulated *s) {
  g_autoptr(SimJsonWriter) w = sim_jw_new(out);
  sim_jw_begin_object(w, NULL, SIM_JW_LINES);
  sim_jw_string(w, "real", real_name);
  sim_jw_string(w, "sim", sim_name);
  if (s) {
    sim_jw_begin_object(w, "simulated", SIM_JW_INLINE);
    sim_jw_string(w, "profile", s->profile);
    sim_jw_uint(w, "cpus", s->cpus);
    sim_jw_uint(w, "threads_per_core", s->threads_per_core);
    sim_jw_bool(w, "parallel", s->parallel);
    sim_jw_uint(w, "seed", s->seed);
    sim_jw_begin_array(w, "overrides", SIM_JW_INLINE);
    for (guint i = 0; i < s->overrides->len; i++) sim_jw_string(w, NULL, s->overrides->pdata[i]);
    sim_jw_end_array(w);
    sim_jw_string(w, "cmdline", s->cmdline);
    sim_jw_string(w, "cmdline_from", s->cmdline_from);
    sim_jw_end_object(w);
  } else {
    sim_jw_null(w, "simulated");
  }
  sim_jw_bool(w, "equal", d->equal);
  if (d->first >= 0) {
    const CpuhpDiffCpu *c = &g_array_index(d->cpus, CpuhpDiffCpu, d->first);
    sim_jw_begin_object(w, "first_divergence", SIM_JW_INLINE);
    sim_jw_uint(w, "cpu", c->cpu);
    sim_jw_uint(w, "position", c->position);
    json_step_or_null(w, "real", c->has_real, &c->real);
    json_step_or_null(w, "sim", c->has_sim, &c->sim);
    sim_jw_end_object(w);
  } else {
    sim_jw_null(w, "first_divergence");
  }
  sim_jw_begin_array(w, "per_cpu", SIM_JW_LINES);
  for (guint i = 0; i < d->cpus->len; i++) {
    const CpuhpDiffCpu *c = &g_array_index(d->cpus, CpuhpDiffCpu, i);
    sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
    sim_jw_uint(w, "cpu", c->cpu);
    sim_jw_uint(w, "real_steps", c->real_len);
    sim_jw_uint(w, "sim_steps", c->sim_len);
    sim_jw_bool(w, "equal", c->equal);
    sim_jw_int(w, "position", c->equal ? -1 : (int64_t)c->position);
    sim_jw_end_object(w);
  }
  sim_jw_end_array(w);
  sim_jw_begin_array(w, "states", SIM_JW_LINES);
  for (guint i = 0; i < d->states->len; i++) {
    const CpuhpDiffState *st = &g_array_index(d->states, CpuhpDiffState, i);
    gboolean both = st->real_mean_ns >= 0 && st->sim_mean_ns >= 0;
    sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
    sim_jw_int(w, "step", st->step);
    sim_jw_string(w, "callback", st->callback);
    sim_jw_uint(w, "real_count", st->real_count);
    sim_jw_uint(w, "sim_count", st->sim_count);
    sim_jw_int(w, "real_mean_ns", st->real_mean_ns);
    sim_jw_int(w, "sim_mean_ns", st->sim_mean_ns);
    if (both) sim_jw_int(w, "error_ns", st->sim_mean_ns - st->real_mean_ns);
    else sim_jw_null(w, "error_ns");
    pct_json(w, "error_pct", st->sim_mean_ns, both ? st->real_mean_ns : -1);
    sim_jw_end_object(w);
  }
  sim_jw_end_array(w);
  sim_jw_begin_object(w, "bringup", SIM_JW_INLINE);
  sim_jw_string(w, "method", cpuhp_measure_method_name(d->method));
  sim_jw_int(w, "real_ns", d->real_bringup_ns);
  sim_jw_int(w, "sim_ns", d->sim_bringup_ns);
  sim_jw_int(w, "error_ns", d->sim_bringup_ns - d->real_bringup_ns);
  pct_json(w, "error_pct", d->sim_bringup_ns, d->real_bringup_ns);
  sim_jw_end_object(w);
  if (d->real_boot_ns >= 0) {
    static const char *const keys[] = {"boot", "before_smp", "after_smp"};
    int64_t rv[] = {d->real_boot_ns, d->real_before_ns, d->real_after_ns}, sv[] = {d->sim_boot_ns, d->sim_before_ns, d->sim_after_ns};
    for (guint i = 0; i < 3; i++) {
      sim_jw_begin_object(w, keys[i], SIM_JW_INLINE);
      sim_jw_int(w, "real_ns", rv[i]);
      sim_jw_int(w, "sim_ns", sv[i]);
      sim_jw_int(w, "error_ns", sv[i] - rv[i]);
      pct_json(w, "error_pct", sv[i], rv[i]);
      sim_jw_end_object(w);
    }
  }
  sim_jw_begin_object(w, "real_stalls", SIM_JW_INLINE);
  sim_jw_uint(w, "count", d->real_stalls);
  sim_jw_int(w, "over_ns", d->real_stalled_ns);
  sim_jw_end_object(w);
  sim_jw_begin_object(w, "sim_stalls", SIM_JW_INLINE);
  sim_jw_uint(w, "count", d->sim_stalls);
  sim_jw_int(w, "over_ns", d->sim_stalled_ns);
  sim_jw_end_object(w);
  sim_jw_end_object(w);
  g_string_append_c(out, '\n');
}
