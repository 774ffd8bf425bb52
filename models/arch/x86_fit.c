/* x86_fit.c — the x86 AP path's costs from the function tracer's milestones. */
#include "models/arch/x86_fit.h"

#include <string.h>

#include "models/replay/calibrate.h"

/* Per AP, the time between two traced functions' first calls; each pair is one model stage. */
static const struct {
  const char *from, *to, *key, *what;
  gboolean minus_loop; /* the TSC warp test: less its loop_timeout, what is left is overhead */
} x86_stages[] = {
    {"fpu__init_cpu", "smp_store_cpu_info", "cpu_init", "released: cpu_init .. identify", FALSE},
    {"smp_store_cpu_info", "set_cpu_sibling_map", "identify", "smp_store_cpu_info .. set_cpu_sibling_map", FALSE},
    {"check_tsc_sync_target", "calibrate_delay", "tsc_sync_overhead", "check_tsc_sync_target .. calibrate_delay, less the 2 ms loop", TRUE},
    {"set_cpu_online", "cpuhp_online_idle", "online_tail", "set_cpu_online .. cpuhp_online_idle", FALSE},
};

static int64_t first_call(const CpuhpMeasuredCpu *c, const char *fn) {
  for (guint i = 0; c->functions && i < c->functions->len; i++) {
    const CpuhpMeasuredFunc *f = &g_array_index(c->functions, CpuhpMeasuredFunc, i);
    if (!strcmp(f->function, fn)) return f->ts;
  }
  return -1;
}

void x86_fit_ap_path(CpuhpMeasured *const *boots, guint n_boots, GArray *keys) {
  for (guint k = 0; k < G_N_ELEMENTS(x86_stages); k++) {
    g_autoptr(GArray) ns = g_array_new(FALSE, FALSE, sizeof(int64_t));
    for (guint b = 0; b < n_boots; b++)
      for (guint c = 0; c < boots[b]->cpus->len; c++) {
        const CpuhpMeasuredCpu *mc = &g_array_index(boots[b]->cpus, CpuhpMeasuredCpu, c);
        int64_t a = first_call(mc, x86_stages[k].from), z = first_call(mc, x86_stages[k].to);
        if (mc->cpu == 0 || a < 0 || z < a) continue;
        int64_t d = z - a;
        if (x86_stages[k].minus_loop) {
          if (d < 2000000) continue; /* the test did not run on this AP */
          d -= 2000000;              /* check_tsc_warp's loop_timeout for a non-first CPU */
          if (d > 2000000) continue; /* a package's first CPU: its 20 ms loop */
        }
        g_array_append_val(ns, d);
      }
    if (ns->len < 2) continue;
    CpuhpFitSpread s = cpuhp_fit_spread(ns);
    CpuhpFitKey key = {.block = "x86", .key = x86_stages[k].key, .value = s.median, .basis = x86_stages[k].what, .spread = s};
    g_array_append_val(keys, key);
  }
}
