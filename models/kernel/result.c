/* result.c — result container. */
#include "models/kernel/result.h"

const char *cpuhp_bp_phase_name(CpuhpBpPhase ph) {
  static const char *const names[] = {
      [CPUHP_BP_PREPARE] = "PREPARE callbacks",
      [CPUHP_BP_KICK] = "kick (cpu:kick_ap)",
      [CPUHP_BP_ALIVE_SPIN] = "alive wait, polling",
      [CPUHP_BP_ALIVE_SLEEP] = "alive wait, sleeping",
      [CPUHP_BP_WAIT_AP] = "wait: AP STARTING..online-idle",
      [CPUHP_BP_TSC_SYNC] = "TSC sync source (IRQ)",
      [CPUHP_BP_WAIT_ONLINE] = "wait: ONLINE callbacks",
  };
  return names[ph];
}

gboolean cpuhp_bp_phase_is_wait(CpuhpBpPhase ph) {
  return ph == CPUHP_BP_ALIVE_SPIN || ph == CPUHP_BP_ALIVE_SLEEP || ph == CPUHP_BP_WAIT_AP ||
         ph == CPUHP_BP_WAIT_ONLINE;
}

CpuhpResult *cpuhp_result_new(guint n_cpus) {
  CpuhpResult *r = g_new0(CpuhpResult, 1);
  r->n_cpus = n_cpus;
  r->cpus = g_new0(CpuhpCpuResult, n_cpus);
  r->log = g_array_new(FALSE, TRUE, sizeof(CpuhpLogLine));
  r->boot_ns = r->boot_vmm_ns = r->boot_before_ns = r->boot_after_ns = -1;
  return r;
}

void cpuhp_result_free(CpuhpResult *r) {
  if (!r) return;
  g_free(r->profile);
  g_free(r->policy);
  g_free(r->topology);
  g_free(r->arch);
  g_free(r->kernel);
  for (guint c = 0; c < r->n_cpus; c++) g_free(r->cpus[c].failure);
  g_free(r->cpus);
  if (r->trace) g_array_unref(r->trace);
  if (r->trace_names) g_string_chunk_free(r->trace_names);
  for (guint i = 0; i < r->log->len; i++) g_free(g_array_index(r->log, CpuhpLogLine, i).text);
  g_array_unref(r->log);
  if (r->boot_spans) {
    for (guint i = 0; i < r->boot_spans->len; i++) g_free(g_array_index(r->boot_spans, CpuhpBootSpan, i).name);
    g_array_unref(r->boot_spans);
  }
  g_free(r);
}

void cpuhp_result_trace_new(CpuhpResult *r, guint reserve) {
  g_assert(!r->trace);
  r->trace = g_array_sized_new(FALSE, FALSE, sizeof(CpuhpTraceEvent), reserve);
  r->trace_names = g_string_chunk_new(4096);
}

const char *cpuhp_result_intern(CpuhpResult *r, const char *s) {
  g_assert(r->trace_names);
  return g_string_chunk_insert_const(r->trace_names, s);
}

void cpuhp_result_log(CpuhpResult *r, int64_t ts, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  CpuhpLogLine l = {ts, g_strdup_vprintf(fmt, ap)};
  va_end(ap);
  g_array_append_val(r->log, l);
}

void cpuhp_result_log_text(CpuhpResult *r, int64_t ts, const char *text) {
  CpuhpLogLine l = {ts, g_strdup(text)};
  g_array_append_val(r->log, l);
}

void cpuhp_result_set_failure(CpuhpResult *r, guint cpu, const char *fmt, ...) {
  g_assert(cpu < r->n_cpus);
  va_list ap;
  va_start(ap, fmt);
  g_free(r->cpus[cpu].failure);
  r->cpus[cpu].failure = g_strdup_vprintf(fmt, ap);
  va_end(ap);
}

const char *cpuhp_cpu_failure(const CpuhpCpuResult *c) { return c->failure ? c->failure : ""; }
