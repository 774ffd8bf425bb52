/* mutate.c — deliberately broken models (`verify --mutate=NAME`): each one breaks one rule of
 * kernel/cpu.c, so the tests can show the checker catches it. They live here, behind one test
 * of m->mutation at each site, so the bringup's own paths carry none of them. */
#include "models/kernel/machine.h"

static const char *const mutation_names[] = {"none", "sibling-first", "release-two", "no-release-wait",
                                             "prepare-on-ap", "skip-teardown"};
G_STATIC_ASSERT(G_N_ELEMENTS(mutation_names) == CPUHP_MUTATE_N);

const char *cpuhp_mutation_name(CpuhpMutation mu) { return mutation_names[mu]; }

gboolean cpuhp_mutation_parse(const char *name, CpuhpMutation *out) {
  for (guint i = 0; i < CPUHP_MUTATE_N; i++)
    if (g_str_equal(name, mutation_names[i])) {
      *out = (CpuhpMutation)i;
      return TRUE;
    }
  return FALSE;
}

void mutate_plan(CpuhpMachine *m) {
  if (m->mutation != CPUHP_MUTATE_SIBLING_FIRST) return;
  /* wrong on purpose: the siblings' cpu_up() calls before the primary threads' */
  GArray *calls = m->bp.plan.calls;
  g_autoptr(GArray) sorted = g_array_sized_new(FALSE, FALSE, sizeof(CpuhpUpCall), calls->len);
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < calls->len; i++) {
      CpuhpUpCall c = g_array_index(calls, CpuhpUpCall, i);
      if (m->cpus[c.cpu].topo->primary == (pass == 1)) g_array_append_val(sorted, c);
    }
  g_array_set_size(calls, 0);
  g_array_append_vals(calls, sorted->data, sorted->len);
}

guint mutate_exec_cpu(CpuhpMachine *m, guint exec_cpu, guint cpu, const CpuhpStep *s) {
  /* wrong on purpose: PREPARE callbacks on the AP being brought up */
  if (m->mutation == CPUHP_MUTATE_PREPARE_ON_AP && s->section == CPUHP_SECTION_PREPARE &&
      s->cost == CPUHP_COST_PROFILE)
    return cpu;
  return exec_cpu;
}

void mutate_released(CpuhpMachine *m, guint cpu, SimHandler released) {
  if (m->mutation != CPUHP_MUTATE_RELEASE_TWO) return;
  /* wrong on purpose: a second AP that is ALIVE let go with the one released */
  for (guint c = 1; c < m->n_cpus; c++)
    if (c != cpu && m->cpus[c].sync == SYNC_STATE_ALIVE) {
      m->cpus[c].sync = SYNC_STATE_SHOULD_ONLINE;
      m->res->cpus[c].release = sim_engine_now(m->e);
      sim_engine_schedule(m->e, machine_spin_notice(m, c), released, m, c);
      break;
    }
}

void mutate_alive(CpuhpMachine *m, guint cpu, SimHandler released) {
  if (m->mutation != CPUHP_MUTATE_NO_RELEASE_WAIT) return;
  /* wrong on purpose: the AP goes on past ALIVE without waiting to be released */
  m->cpus[cpu].self_released = TRUE;
  sim_engine_schedule(m->e, 0, released, m, cpu);
}

gboolean mutate_rolled_back(CpuhpMachine *m, CpuhpCpu *c) {
  if (m->mutation != CPUHP_MUTATE_SKIP_TEARDOWN) return FALSE;
  /* wrong on purpose: the failed CPU is marked offline without its teardowns */
  c->state = 0;
  c->up_prev_state = 0;
  machine_bp_next_cpu(m);
  return TRUE;
}
