/* fingerprint.c — canonical event text and its FNV-1a hash. */
#include "sim/output/fingerprint.h"

void cpuhp_canonical_events(GString *out, const CpuhpResult *r) {
  g_assert(r->trace);
  static const char kind[] = {'E', 'M', 'X'};
  for (guint i = 0; i < r->trace->len; i++) {
    const CpuhpTraceEvent *e = &g_array_index(r->trace, CpuhpTraceEvent, i);
    g_string_append_printf(out, "%" G_GINT64_FORMAT " %c %u %u %d %d %d %s\n", e->ts, kind[e->type], e->exec_cpu,
                           e->cpu, e->target, e->step, e->ret, e->type == CPUHP_TRACE_EXIT ? "-" : e->fn);
  }
  for (guint c = 0; c < r->n_cpus; c++) {
    const CpuhpCpuResult *x = &r->cpus[c];
    g_string_append_printf(out, "cpu %u %d %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
                           " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n", c, x->status, x->kick, x->running, x->alive,
                           x->release, x->online_idle, x->online);
  }
  for (guint i = 0; i < r->log->len; i++) {
    const CpuhpLogLine *l = &g_array_index(r->log, CpuhpLogLine, i);
    g_string_append_printf(out, "log %" G_GINT64_FORMAT " %s\n", l->ts, l->text);
  }
  g_string_append_printf(out, "end %" G_GINT64_FORMAT " %u\n", r->bringup_ns, r->cpus_online);
}

uint64_t cpuhp_fingerprint(const CpuhpResult *r) {
  g_autoptr(GString) s = g_string_new(NULL);
  cpuhp_canonical_events(s, r);
  uint64_t h = UINT64_C(0xcbf29ce484222325);
  for (gsize i = 0; i < s->len; i++) {
    h ^= (unsigned char)s->str[i];
    h *= UINT64_C(0x100000001b3);
  }
  return h;
}
