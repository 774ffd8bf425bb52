/* rows.c — a profile's state table as a bringup walks it (rows.h). */
#include "models/kernel/rows.h"

#include "models/kernel/arch.h"
#include "models/kernel/prepare.h"

static const SimDist zero_cost = {.kind = SIM_DIST_FIXED};

CpuhpRows *cpuhp_rows_new(const CpuhpProfile *p, const CpuhpTable *t) {
  CpuhpRows *r = g_new0(CpuhpRows, 1);
  r->table = t;
  guint n_cpus = cpuhp_topology_n_cpus(cpuhp_topology_of(p));
  RowCost *cost = g_new0(RowCost, t->n_steps);
  r->cost = cost;
  const CpuhpArch *arch = cpuhp_arch_lookup(p->arch);
  for (guint i = 0; i < t->n_steps; i++) {
    const CpuhpStep *s = &t->steps[i];
    const CpuhpStateCost *sc = cpuhp_profile_state(p, s->name);
    RowCost *rc = &cost[i];
    rc->present = sc && sc->present >= 0 ? sc->present : s->at_boot;
    rc->costs = sc && sc->n_costs ? sc->costs : &zero_cost;
    rc->n_costs = sc && sc->n_costs ? sc->n_costs : 1;
    rc->per_possible_cpu = sc ? sc->per_possible_cpu : 0;
    rc->per_online_cpu = sc ? sc->per_online_cpu : 0;
    if (arch && arch->row_terms) arch->row_terms(p, s, &rc->per_possible_cpu, &rc->per_online_cpu);
    const SimDist *d0 = &rc->costs[0];
    gboolean same = d0->kind == SIM_DIST_FIXED && rc->per_online_cpu == 0 &&
                    !(s->ring_buffer && p->kernel.trace_rb_global == 0);
    rc->fixed_ns = same ? d0->a + rc->per_possible_cpu * (int64_t)n_cpus : -1;
  }
  for (guint sec = 0; sec < G_N_ELEMENTS(r->run); sec++) {
    RunRow *run = g_new(RunRow, t->n_steps + 2) + 1;
    r->run[sec] = run;
    run[-1] = (RunRow){.step = 0, .take_ns = -1};
    guint n = 0;
    for (guint i = 0; i < t->n_steps; i++) {
      const CpuhpStep *s = &t->steps[i];
      g_assert(s->step < RUN_END && i < G_MAXUINT16);
      if (s->section != sec || !s->startup || !cost[i].present) continue;
      gboolean single = s->cost == CPUHP_COST_PROFILE && cost[i].n_costs == 1;
      run[n++] = (RunRow){.step = s->step, .row = (guint16)i, .cost = (guint8)s->cost,
                          .take_ns = sec != CPUHP_SECTION_PREPARE || single ? cost[i].fixed_ns : -1};
    }
    run[n] = (RunRow){.step = RUN_END};
    r->n_run[sec] = n;
  }
  return r;
}

void cpuhp_rows_free(CpuhpRows *r) {
  if (!r) return;
  g_free((RowCost *)r->cost);
  for (guint sec = 0; sec < G_N_ELEMENTS(r->run); sec++) g_free((RunRow *)r->run[sec] - 1);
  g_free(r);
}
