/* replay_report.c — `cpuhpsim import` and `cpuhpsim diff` outputs. */
#include "sim/output/replay_report.h"
#include "sim/output/json.h"

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

/* "x.yz" percent of b, or NULL-ish "null" when b is not positive. */
static void pct(GString *out, int64_t a, int64_t b, gboolean json) {
  if (b > 0) g_string_append_printf(out, json ? "%.2f" : "%+.2f %%", 100.0 * (double)(a - b) / (double)b);
  else g_string_append(out, json ? "null" : "-");
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
         "  bringup {method, real_ns, sim_ns, error_ns, error_pct}, real_stalls {count, over_ns}.\n";
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

static void json_step(GString *out, const CpuhpMeasuredStep *s) {
  g_string_append_printf(out, "{\"step\": %d, \"callback\": ", s->step);
  sim_json_write_string(out, s->callback);
  g_string_append_printf(out, ", \"side\": \"%s\", \"multi\": %s, \"target\": %d", cpuhp_side_name(s->side),
                         s->multi ? "true" : "false", s->target);
}

void cpuhp_replay_json(GString *out, const CpuhpMeasured *m) {
  g_string_append(out, "{\n  \"source\": ");
  sim_json_write_string(out, m->source);
  g_string_append(out, ",\n  \"clock\": ");
  sim_json_write_string(out, m->clock);
  g_string_append(out, ",\n  \"clock_from\": ");
  sim_json_write_string(out, m->clock_from);
  g_string_append(out, ",\n  \"cmdline\": ");
  if (m->cmdline) sim_json_write_string(out, m->cmdline);
  else g_string_append(out, "null");
  g_string_append_printf(out, ",\n  \"tsc_khz\": %" G_GUINT64_FORMAT ",\n  \"tsc_from\": ", m->tsc_khz);
  if (m->tsc_from) sim_json_write_string(out, m->tsc_from);
  else g_string_append(out, "null");
  g_string_append_printf(out,
                         ",\n  \"method\": \"%s\",\n  \"bringup_ns\": %" G_GINT64_FORMAT ",\n"
                         "  \"window\": {\"start_ns\": %" G_GINT64_FORMAT ", \"end_ns\": %" G_GINT64_FORMAT "},\n"
                         "  \"trace_window\": {\"start_ns\": %" G_GINT64_FORMAT ", \"end_ns\": %" G_GINT64_FORMAT
                         ", \"first_ap_event_ns\": %" G_GINT64_FORMAT ", \"cpu_up_ns\": %" G_GINT64_FORMAT
                         ", \"bringup_ns\": %" G_GINT64_FORMAT "},\n"
                         "  \"dmesg\": {\"bringing_up_ns\": %" G_GINT64_FORMAT ", \"brought_up_ns\": %" G_GINT64_FORMAT
                         ", \"cpus\": %u},\n",
                         cpuhp_measure_method_name(m->method), m->bringup_ns, m->window_start, m->window_end,
                         m->trace_start, m->trace_end, m->first_ap_event, m->cpu_up_call, m->trace_bringup_ns,
                         m->dmesg_start, m->dmesg_end, m->dmesg_cpus);
  g_string_append_printf(out,
                         "  \"cpus\": %u,\n  \"parallel\": %s,\n  \"smt_primary_first\": %s,\n  \"threads_per_core\": %u,\n"
                         "  \"kick_step\": %d,\n  \"bringup_step\": %d,\n  \"kick_order\": [",
                         m->n_cpus, m->parallel ? "true" : "false", m->smt_primary_first ? "true" : "false",
                         m->threads_per_core, m->kick_step, m->bringup_step);
  for (guint i = 0; i < m->kick_order->len; i++)
    g_string_append_printf(out, "%s%u", i ? ", " : "", g_array_index(m->kick_order, guint, i));
  g_string_append_printf(out,
                         "],\n  \"events\": {\"in_window\": %" G_GUINT64_FORMAT ", \"outside\": %" G_GUINT64_FORMAT
                         ", \"other\": %" G_GUINT64_FORMAT ", \"lost\": %" G_GUINT64_FORMAT
                         ", \"functions_in_window\": %" G_GUINT64_FORMAT ", \"functions_outside\": %" G_GUINT64_FORMAT
                         "},\n  \"per_cpu\": [",
                         m->events_in_window, m->events_outside, m->events_other, m->lost_events,
                         m->functions_in_window, m->functions_outside);
  for (guint i = 0; i < m->cpus->len; i++) {
    const CpuhpMeasuredCpu *c = &g_array_index(m->cpus, CpuhpMeasuredCpu, i);
    g_string_append_printf(out,
                           "%s\n    {\"cpu\": %u, \"first_event_ns\": %" G_GINT64_FORMAT ", \"kick_ns\": %" G_GINT64_FORMAT
                           ", \"bringup_exit_ns\": %" G_GINT64_FORMAT ", \"bp_ns\": %" G_GINT64_FORMAT
                           ", \"ap_ns\": %" G_GINT64_FORMAT ",\n     \"steps\": [",
                           i ? "," : "", c->cpu, c->first_event, c->kick, c->bringup_exit, c->bp_ns, c->ap_ns);
    for (guint k = 0; k < c->steps->len; k++) {
      const CpuhpMeasuredStep *s = &g_array_index(c->steps, CpuhpMeasuredStep, k);
      g_string_append(out, k ? ",\n       " : "\n       ");
      json_step(out, s);
      g_string_append_printf(out, ", \"exec_cpu\": %u, \"comm\": ", s->exec_cpu);
      sim_json_write_string(out, s->comm);
      g_string_append_printf(out, ", \"pid\": %d, \"start_ns\": %" G_GINT64_FORMAT ", \"duration_ns\": %" G_GINT64_FORMAT
                             ", \"ret\": %d}", s->pid, s->start, s->duration, s->ret);
    }
    g_string_append(out, "],\n     \"functions\": [");
    for (guint k = 0; k < c->functions->len; k++) {
      const CpuhpMeasuredFunc *f = &g_array_index(c->functions, CpuhpMeasuredFunc, k);
      g_string_append_printf(out, "%s{\"ts_ns\": %" G_GINT64_FORMAT ", \"function\": ", k ? ",\n       " : "\n       ", f->ts);
      sim_json_write_string(out, f->function);
      g_string_append(out, ", \"parent\": ");
      sim_json_write_string(out, f->parent);
      g_string_append(out, ", \"comm\": ");
      sim_json_write_string(out, f->comm);
      g_string_append_printf(out, ", \"pid\": %d}", f->pid);
    }
    g_string_append(out, "]}");
  }
  g_string_append(out, "\n  ],\n  \"states\": [");
  for (guint i = 0; i < m->states->len; i++) {
    const CpuhpMeasuredState *s = &g_array_index(m->states, CpuhpMeasuredState, i);
    g_string_append_printf(out, "%s\n    {\"step\": %d, \"callback\": ", i ? "," : "", s->step);
    sim_json_write_string(out, s->callback);
    g_string_append_printf(out, ", \"multi\": %s, \"count\": %u, \"timed\": %u, \"mean_ns\": %" G_GINT64_FORMAT
                           ", \"min_ns\": %" G_GINT64_FORMAT ", \"max_ns\": %" G_GINT64_FORMAT "}",
                           s->multi ? "true" : "false", s->count, s->timed, s->mean_ns, s->min_ns, s->max_ns);
  }
  g_string_append_printf(out, "\n  ],\n  \"stall_threshold_ns\": %" G_GINT64_FORMAT ",\n  \"stalls\": [",
                         CPUHP_REPLAY_STALL_NS);
  for (guint i = 0; i < m->stalls->len; i++) {
    const CpuhpMeasuredStall *st = &g_array_index(m->stalls, CpuhpMeasuredStall, i);
    g_string_append_printf(out, "%s\n    {\"cpu\": %u, \"step\": %d, \"callback\": ", i ? "," : "", st->cpu, st->step);
    sim_json_write_string(out, st->callback);
    g_string_append_printf(out, ", \"instance\": %u, \"start_ns\": %" G_GINT64_FORMAT ", \"duration_ns\": %" G_GINT64_FORMAT
                           ", \"usual_ns\": %" G_GINT64_FORMAT "}",
                           st->instance, st->start, st->duration, st->usual);
  }
  g_string_append(out, "\n  ],\n  \"outside\": [");
  for (guint i = 0; i < m->outside->len; i++) {
    const CpuhpMeasuredEvent *e = &g_array_index(m->outside, CpuhpMeasuredEvent, i);
    g_string_append_printf(out, "%s\n    {\"ts_ns\": %" G_GINT64_FORMAT ", \"event\": \"%s\", \"cpu\": %u, \"exec_cpu\": %u"
                           ", \"step\": %d, \"callback\": ", i ? "," : "", e->ts, ev_name(e->type), e->cpu, e->exec_cpu, e->step);
    sim_json_write_string(out, e->callback);
    g_string_append_printf(out, ", \"line\": %u}", e->line);
  }
  g_string_append(out, "\n  ],\n  \"notes\": [");
  for (guint i = 0; i < m->notes->len; i++) {
    g_string_append(out, i ? ", " : "");
    sim_json_write_string(out, m->notes->pdata[i]);
  }
  g_string_append(out, "]\n}\n");
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
  pct(out, d->sim_bringup_ns, d->real_bringup_ns, FALSE);
  g_string_append_printf(out, "), measured by %s\n", d->method == CPUHP_MEASURE_DMESG ? "dmesg" : "the trace window");
  if (d->real_stalls)
    g_string_append_printf(out, "  real stalls        %u callback%s %.3f ms over their usual time in all: host-side time the "
                           "model has no cause for (`import` lists them)\n",
                           d->real_stalls, d->real_stalls == 1 ? "" : "s", ms(d->real_stalled_ns));
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
      pct(out, st->sim_mean_ns, st->real_mean_ns, FALSE);
    }
    g_string_append_c(out, '\n');
  }
}

static void json_step_or_null(GString *out, gboolean has, const CpuhpMeasuredStep *s) {
  if (!has) {
    g_string_append(out, "null");
    return;
  }
  json_step(out, s);
  g_string_append_c(out, '}');
}

void cpuhp_diff_json(GString *out, const char *real_name, const char *sim_name, const CpuhpReplayDiff *d,
                     const CpuhpDiffSimulated *s) {
  g_string_append(out, "{\n  \"real\": ");
  sim_json_write_string(out, real_name);
  g_string_append(out, ",\n  \"sim\": ");
  sim_json_write_string(out, sim_name);
  g_string_append(out, ",\n  \"simulated\": ");
  if (s) {
    g_string_append(out, "{\"profile\": ");
    sim_json_write_string(out, s->profile);
    g_string_append_printf(out, ", \"cpus\": %u, \"threads_per_core\": %u, \"parallel\": %s, \"seed\": %" G_GUINT64_FORMAT
                           ", \"overrides\": [", s->cpus, s->threads_per_core, s->parallel ? "true" : "false", s->seed);
    for (guint i = 0; i < s->overrides->len; i++) {
      g_string_append(out, i ? ", " : "");
      sim_json_write_string(out, s->overrides->pdata[i]);
    }
    g_string_append(out, "], \"cmdline\": ");
    sim_json_write_string(out, s->cmdline);
    g_string_append(out, ", \"cmdline_from\": ");
    sim_json_write_string(out, s->cmdline_from);
    g_string_append(out, "}");
  } else {
    g_string_append(out, "null");
  }
  g_string_append_printf(out, ",\n  \"equal\": %s,\n  \"first_divergence\": ", d->equal ? "true" : "false");
  if (d->first >= 0) {
    const CpuhpDiffCpu *c = &g_array_index(d->cpus, CpuhpDiffCpu, d->first);
    g_string_append_printf(out, "{\"cpu\": %u, \"position\": %u, \"real\": ", c->cpu, c->position);
    json_step_or_null(out, c->has_real, &c->real);
    g_string_append(out, ", \"sim\": ");
    json_step_or_null(out, c->has_sim, &c->sim);
    g_string_append(out, "}");
  } else {
    g_string_append(out, "null");
  }
  g_string_append(out, ",\n  \"per_cpu\": [");
  for (guint i = 0; i < d->cpus->len; i++) {
    const CpuhpDiffCpu *c = &g_array_index(d->cpus, CpuhpDiffCpu, i);
    g_string_append_printf(out, "%s\n    {\"cpu\": %u, \"real_steps\": %u, \"sim_steps\": %u, \"equal\": %s, \"position\": %d}",
                           i ? "," : "", c->cpu, c->real_len, c->sim_len, c->equal ? "true" : "false",
                           c->equal ? -1 : (int)c->position);
  }
  g_string_append(out, "\n  ],\n  \"states\": [");
  for (guint i = 0; i < d->states->len; i++) {
    const CpuhpDiffState *st = &g_array_index(d->states, CpuhpDiffState, i);
    g_string_append_printf(out, "%s\n    {\"step\": %d, \"callback\": ", i ? "," : "", st->step);
    sim_json_write_string(out, st->callback);
    g_string_append_printf(out, ", \"real_count\": %u, \"sim_count\": %u, \"real_mean_ns\": %" G_GINT64_FORMAT
                           ", \"sim_mean_ns\": %" G_GINT64_FORMAT ", \"error_ns\": ",
                           st->real_count, st->sim_count, st->real_mean_ns, st->sim_mean_ns);
    gboolean both = st->real_mean_ns >= 0 && st->sim_mean_ns >= 0;
    if (both) g_string_append_printf(out, "%" G_GINT64_FORMAT, st->sim_mean_ns - st->real_mean_ns);
    else g_string_append(out, "null");
    g_string_append(out, ", \"error_pct\": ");
    pct(out, st->sim_mean_ns, both ? st->real_mean_ns : -1, TRUE);
    g_string_append(out, "}");
  }
  g_string_append_printf(out, "\n  ],\n  \"bringup\": {\"method\": \"%s\", \"real_ns\": %" G_GINT64_FORMAT ", \"sim_ns\": %"
                         G_GINT64_FORMAT ", \"error_ns\": %" G_GINT64_FORMAT ", \"error_pct\": ",
                         cpuhp_measure_method_name(d->method), d->real_bringup_ns, d->sim_bringup_ns,
                         d->sim_bringup_ns - d->real_bringup_ns);
  pct(out, d->sim_bringup_ns, d->real_bringup_ns, TRUE);
  g_string_append_printf(out, "},\n  \"real_stalls\": {\"count\": %u, \"over_ns\": %" G_GINT64_FORMAT "}\n}\n", d->real_stalls,
                         d->real_stalled_ns);
}
