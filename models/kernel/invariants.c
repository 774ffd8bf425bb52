/* invariants.c — kernel/cpu.c's bringup rules (kernel-bringup.md section 8.4) as a table. */
#include "models/kernel/invariants.h"

#include "models/kernel/cpuhp.h"
#include "models/kernel/prepare.h"

static const CpuhpTable *table_of(const CpuhpProfile *p) {
  const CpuhpTable *t = cpuhp_profile_table(p);
  g_assert(t);
  return t;
}

static const CpuhpTraceEvent *ev(const CpuhpResult *r, guint i) {
  return &g_array_index(r->trace, CpuhpTraceEvent, i);
}

/* PREPARE states (and the kick and bringup steps) run on the control CPU; the rest on the AP. */
static gboolean prepare_on_bp(const CpuhpProfile *p, const CpuhpResult *r, GString *why) {
  const CpuhpTable *t = table_of(p);
  for (guint i = 0; i < r->trace->len; i++) {
    const CpuhpTraceEvent *e = ev(r, i);
    if (e->type == CPUHP_TRACE_EXIT) continue;
    gboolean bp_state = e->step <= t->bringup_cpu || e->step == t->teardown_cpu;
    guint want = bp_state ? 0 : e->cpu;
    if (e->exec_cpu != want) {
      g_string_append_printf(why, "CPU%u step %d (%s) ran on CPU%u", e->cpu, e->step, e->fn, e->exec_cpu);
      return FALSE;
    }
  }
  return TRUE;
}

/* Whether the walk up from step `from` to `to` skips every row in between: cpuhp_next_state()
 * passes over states without a startup callback, so st->state can stand above the last traced
 * step at a state that only has a teardown. */
static gboolean only_teardowns_between(const CpuhpTable *t, int from, int to) {
  for (guint i = 0; i < t->n_steps; i++) {
    const CpuhpStep *s = &t->steps[i];
    if (s->step > from && s->step <= to && s->startup) return FALSE;
  }
  return TRUE;
}

/* Per CPU, states go strictly up while it is brought up (a multi-instance state repeats) and
 * strictly down while it is rolled back; a retry after a rollback starts over. A rollback starts
 * where cpuhp_reset_state() puts it: one below st->state, the state that failed (or at it, for the
 * instances a multi-instance state had set up). A failing callback's exit event prints st->state:
 * for CPUHP_BRINGUP_CPU that is as far as the AP got, CPUHP_AP_ONLINE_IDLE after an ONLINE
 * failure, so takedown_cpu() at CPUHP_TEARDOWN_CPU is next (cpuhp_up_callbacks() 6.12). An
 * injected failure (st->fail) is not traced: there the rollback starts at or below the last state
 * entered, or at a teardown-only state the walk up passed over. */
static gboolean states_monotonic(const CpuhpProfile *p, const CpuhpResult *r, GString *why) {
  enum { NONE, UP, DOWN, FAILED };
  const CpuhpTable *t = table_of(p);
  g_autofree int *last = g_new0(int, r->n_cpus); /* last step entered; st->state after a failure */
  g_autofree int *dir = g_new0(int, r->n_cpus);
  g_autofree int *first = g_new0(int, r->n_cpus);      /* the first step the CPU entered */
  g_autofree gboolean *undo = g_new0(gboolean, r->n_cpus); /* a state entered has a teardown */
  for (guint i = 0; i < r->trace->len; i++) {
    const CpuhpTraceEvent *e = ev(r, i);
    if (e->type == CPUHP_TRACE_EXIT) {
      if (e->ret) last[e->cpu] = e->target, dir[e->cpu] = FAILED;
      continue;
    }
    const CpuhpStep *s = cpuhp_table_at(t, (guint)e->step);
    gboolean down = s && s->teardown && g_str_equal(e->fn, s->teardown);
    gboolean multi = s && s->multi_instance;
    int prev = last[e->cpu];
    gboolean ok;
    /* an untraced failure (st->fail) with nothing to undo, then the retry from the start */
    gboolean retry = dir[e->cpu] == UP && r->cpus[e->cpu].failed_step && !undo[e->cpu] && e->step == first[e->cpu];
    if (!down)
      ok = dir[e->cpu] == DOWN || dir[e->cpu] == FAILED || e->step > prev ||
           (e->step == prev && dir[e->cpu] == UP && multi) || retry;
    else if (dir[e->cpu] == UP)
      ok = e->step <= prev || only_teardowns_between(t, prev, e->step);
    else if (dir[e->cpu] == FAILED)
      ok = e->step < prev || (e->step == prev && multi);
    else
      ok = dir[e->cpu] == DOWN && e->step < prev;
    if (!ok) {
      g_string_append_printf(why, "CPU%u: step %d (%s) after %s %d", e->cpu, e->step, e->fn,
                             dir[e->cpu] == FAILED ? "a failure at state" : "step", prev);
      return FALSE;
    }
    if (!first[e->cpu]) first[e->cpu] = e->step;
    if (!down && s && s->teardown) undo[e->cpu] = TRUE;
    last[e->cpu] = e->step;
    dir[e->cpu] = down ? DOWN : UP;
  }
  return TRUE;
}

/* The AP runs STARTING only after it reported ALIVE and the BP released it. */
static gboolean starting_after_alive(const CpuhpProfile *p, const CpuhpResult *r, GString *why) {
  for (guint c = 1; c < r->n_cpus; c++) {
    const CpuhpCpuResult *x = &r->cpus[c];
    if (x->release < 0 && x->online_idle < 0) continue; /* never got past ALIVE */
    if (!(x->kick >= 0 && x->alive > x->kick && x->release >= x->alive &&
          (x->online_idle < 0 || x->online_idle > x->release))) {
      g_string_append_printf(why, "CPU%u: kick %" G_GINT64_FORMAT " alive %" G_GINT64_FORMAT
                             " release %" G_GINT64_FORMAT, c, x->kick, x->alive, x->release);
      return FALSE;
    }
  }
  return TRUE;
}

/* The end of an AP's released stretch: CPUHP_ONLINE, or as far as it got. */
static int64_t released_until(const CpuhpCpuResult *x) {
  return x->online >= 0 ? x->online : x->online_idle >= 0 ? x->online_idle : x->release;
}

/* The BP releases one AP at a time: between one AP's release and its CPUHP_ONLINE (or its
 * failure) no other AP is released. */
static gboolean one_ap_released(const CpuhpProfile *p, const CpuhpResult *r, GString *why) {
  for (guint a = 1; a < r->n_cpus; a++)
    for (guint b = a + 1; b < r->n_cpus; b++) {
      const CpuhpCpuResult *x = &r->cpus[a], *y = &r->cpus[b];
      if (x->release < 0 || y->release < 0) continue;
      if (!(released_until(x) <= y->release || released_until(y) <= x->release)) {
        g_string_append_printf(why, "CPU%u and CPU%u were between release and online together", a, b);
        return FALSE;
      }
    }
  return TRUE;
}

/* SMT-aware parallel bringup: no sibling is kicked before every primary thread is up (each
 * primary that ends online got there before the first sibling's kick). */
static gboolean smt_primary_first(const CpuhpProfile *p, const CpuhpResult *r, GString *why) {
  if (!r->smt_aware) return TRUE;
  int64_t first_sibling = INT64_MAX;
  guint fs = 0;
  for (guint c = 1; c < r->n_cpus; c++)
    if (!r->cpus[c].primary && r->cpus[c].kick >= 0 && r->cpus[c].kick < first_sibling)
      first_sibling = r->cpus[c].kick, fs = c;
  for (guint c = 1; c < r->n_cpus; c++) {
    const CpuhpCpuResult *x = &r->cpus[c];
    if (!x->primary || x->status != CPUHP_CPU_ONLINE) continue;
    if (x->online > first_sibling) {
      g_string_append_printf(why, "sibling CPU%u kicked before primary CPU%u was online", fs, c);
      return FALSE;
    }
  }
  return TRUE;
}

/* No AP is released before its microcode load finished (it loads before reporting ALIVE). */
static gboolean microcode_before_release(const CpuhpProfile *p, const CpuhpResult *r, GString *why) {
  for (guint c = 1; c < r->n_cpus; c++) {
    const CpuhpCpuResult *x = &r->cpus[c];
    if (x->release < 0 || x->ucode_apply[1] < 0) continue;
    if (x->ucode_apply[1] > x->release) {
      g_string_append_printf(why, "CPU%u released at %" G_GINT64_FORMAT " before its microcode load ended at %" G_GINT64_FORMAT,
                             c, x->release, x->ucode_apply[1]);
      return FALSE;
    }
  }
  return TRUE;
}

/* Whether CPU b runs while CPU a, a thread of the same core, writes microcode. */
static gboolean runs_during_microcode(const CpuhpResult *r, guint a, guint b) {
  const CpuhpCpuResult *x = &r->cpus[a], *y = &r->cpus[b];
  if (a == 0 || b == a || x->ucode_apply[0] < 0 || y->package != x->package || y->core != x->core) return FALSE;
  return b == 0 || (y->running >= 0 && y->running < x->ucode_apply[1]);
}

/* While a thread writes microcode, the other threads of its core are quiescent (waiting for
 * INIT/SIPI): the reason for primary-threads-first on x86. */
static gboolean microcode_siblings_quiet(const CpuhpProfile *p, const CpuhpResult *r, GString *why) {
  for (guint a = 1; a < r->n_cpus; a++)
    for (guint b = 0; b < r->n_cpus; b++)
      if (runs_during_microcode(r, a, b)) {
        g_string_append_printf(why, "CPU%u ran while CPU%u (same core) applied microcode", b, a);
        return FALSE;
      }
  return TRUE;
}

/* After a failure the states reached are torn down in reverse and the CPU ends offline
 * (unless a later pass brought it up again); with no teardown among the states it reached
 * (CPUHP_CREATE_THREADS has none) there is nothing to run. */
static gboolean rollback_ends_offline(const CpuhpProfile *p, const CpuhpResult *r, GString *why) {
  const CpuhpTable *t = table_of(p);
  for (guint c = 1; c < r->n_cpus; c++) {
    const CpuhpCpuResult *x = &r->cpus[c];
    if (x->status != CPUHP_CPU_FAILED) continue;
    if (x->online >= 0) {
      g_string_append_printf(why, "CPU%u failed but has an online time", c);
      return FALSE;
    }
    /* the last enter event of this CPU is a teardown of the lowest state with one */
    const CpuhpTraceEvent *last = NULL;
    for (guint i = 0; i < r->trace->len; i++)
      if (ev(r, i)->cpu == c && ev(r, i)->type != CPUHP_TRACE_EXIT) last = ev(r, i);
    if (!last) continue; /* failed before any traced callback */
    gboolean undo = FALSE;
    for (guint i = 0; i < r->trace->len; i++) {
      const CpuhpStep *u = ev(r, i)->cpu == c && ev(r, i)->type != CPUHP_TRACE_EXIT ? cpuhp_table_at(t, (guint)ev(r, i)->step) : NULL;
      if (u && u->teardown) undo = TRUE;
    }
    const CpuhpStep *s = cpuhp_table_at(t, (guint)last->step);
    if (undo && (!s || !s->teardown || !g_str_equal(last->fn, s->teardown))) {
      g_string_append_printf(why, "CPU%u failed but its last callback was %s (step %d), not a teardown", c,
                             last->fn, last->step);
      return FALSE;
    }
  }
  return TRUE;
}

/* Every wait ends: each CPU that was kicked ends online or failed, a failure by timeout waited
 * the kernel's timeout, and the window closes after the last CPU. */
static gboolean waits_end(const CpuhpProfile *p, const CpuhpResult *r, GString *why) {
  guint online = 0;
  for (guint c = 0; c < r->n_cpus; c++) {
    const CpuhpCpuResult *x = &r->cpus[c];
    if (x->status == CPUHP_CPU_ONLINE || x->status == CPUHP_CPU_BOOT) online++;
    if (c > 0 && x->status == CPUHP_CPU_OFFLINE) {
      g_string_append_printf(why, "CPU%u was never brought up nor failed", c);
      return FALSE;
    }
    if (x->online > r->all_online_ns) {
      g_string_append_printf(why, "CPU%u online after the window closed", c);
      return FALSE;
    }
  }
  if (online != r->cpus_online) {
    g_string_append_printf(why, "%u CPUs online but %u reported", online, r->cpus_online);
    return FALSE;
  }
  return TRUE;
}

static const CpuhpInvariant invariants[] = {
    {"prepare_on_bp", "PREPARE callbacks, the kick and the bringup step run only on the control CPU", prepare_on_bp},
    {"states_monotonic", "a CPU's states move strictly up during bringup and strictly down during rollback", states_monotonic},
    {"starting_after_alive", "no AP runs STARTING before it reported ALIVE and was released", starting_after_alive},
    {"one_ap_released", "the control CPU releases one AP at a time", one_ap_released},
    {"smt_primary_first", "with the SMT rule on, no secondary thread is kicked before every primary thread is online", smt_primary_first},
    {"microcode_before_release", "no AP is released before its microcode load finished", microcode_before_release},
    {"microcode_siblings_quiet", "no thread of a core runs while another thread of it writes microcode", microcode_siblings_quiet},
    {"rollback_ends_offline", "after a failure the states reached are torn down in reverse and the CPU ends offline", rollback_ends_offline},
    {"waits_end", "every wait ends or times out as the kernel does; every CPU ends online or failed", waits_end},
};

/* ---- known properties of the kernel ---------------------------------------------------- */

/* The primary thread of the core of `cpu` never came up (never alive, or never released after
 * its bringup failed), and the core has more than two threads. */
static gboolean core_of_dead_primary_smt4(const CpuhpResult *r, guint cpu) {
  const CpuhpCpuResult *x = &r->cpus[cpu];
  guint threads = 0;
  gboolean dead_primary = FALSE;
  for (guint c = 0; c < r->n_cpus; c++) {
    const CpuhpCpuResult *y = &r->cpus[c];
    if (y->package != x->package || y->core != x->core) continue;
    threads++;
    if (y->primary && y->status == CPUHP_CPU_FAILED && y->release < 0) dead_primary = TRUE;
  }
  return dead_primary && threads > 2;
}

/* Two siblings of such a core. */
static gboolean smt4_dead_primary(const CpuhpProfile *p, const CpuhpResult *r, guint a, guint b) {
  return b > 0 && !r->cpus[a].primary && !r->cpus[b].primary && core_of_dead_primary_smt4(r, a);
}

/* CPU c was kicked, then its CPUHP_BRINGUP_CPU failed before the BP released it: nobody waits
 * for it, it goes on alone (microcode, then spinning at ALIVE). */
static gboolean kicked_then_failed(const CpuhpProfile *p, const CpuhpResult *r, guint c) {
  const CpuhpCpuResult *x = &r->cpus[c];
  return c > 0 && x->status == CPUHP_CPU_FAILED && x->kick >= 0 && x->release < 0 &&
         x->failed_step == table_of(p)->bringup_cpu;
}

/* Such a CPU is one of the pair. */
static gboolean kicked_cpu_left_running(const CpuhpProfile *p, const CpuhpResult *r, guint a, guint b) {
  return kicked_then_failed(p, r, a) || kicked_then_failed(p, r, b);
}

static const CpuhpKnownProperty known_properties[] = {
    {"smt4_dead_primary_microcode", "microcode_siblings_quiet",
     "a core's primary thread never comes up (never alive, or its bringup failed): the siblings' "
     "kick pass starts all its siblings at once and, with more than two threads a core, two of "
     "them load microcode together",
     "kernel/cpu.c cpuhp_bringup_cpus_parallel() (6.12): the primary threads' pass, then "
     "cpuhp_bringup_mask() kicks every other thread at once; arch/x86/kernel/cpu/microcode/core.c "
     "load_ucode_ap(); docs/verify.md",
     smt4_dead_primary},
    {"kicked_cpu_left_running", "microcode_siblings_quiet",
     "an AP was kicked but its CPUHP_BRINGUP_CPU then failed before the release: it goes on alone "
     "(microcode load, then spinning at ALIVE for good) while the other threads of its core are "
     "brought up",
     "kernel/cpu.c (6.12): cpuhp_kick_ap_alive() started the AP, cpuhp_up_callbacks() rolls back "
     "without stopping it (CPUHP_BP_KICK_AP has no teardown) and cpuhp_ap_sync_alive() spins until "
     "SYNC_STATE_SHOULD_ONLINE, which only cpuhp_bringup_ap() sets; docs/verify.md",
     kicked_cpu_left_running},
};

const CpuhpKnownProperty *cpuhp_known_properties(guint *n) {
  *n = G_N_ELEMENTS(known_properties);
  return known_properties;
}

const CpuhpInvariant *cpuhp_invariants(guint *n) {
  *n = G_N_ELEMENTS(invariants);
  return invariants;
}

/* The known property that explains the first pair breaking the rule, if every pair is explained
 * by one; NULL otherwise. */
static const CpuhpKnownProperty *known_property(const CpuhpProfile *p, const CpuhpResult *r, const CpuhpInvariant *inv) {
  if (inv->check != microcode_siblings_quiet) return NULL;
  const CpuhpKnownProperty *first = NULL;
  for (guint a = 1; a < r->n_cpus; a++)
    for (guint b = 0; b < r->n_cpus; b++) {
      if (!runs_during_microcode(r, a, b)) continue;
      const CpuhpKnownProperty *k = NULL;
      for (guint i = 0; i < G_N_ELEMENTS(known_properties) && !k; i++)
        if (known_properties[i].explains(p, r, a, b)) k = &known_properties[i];
      if (!k) return NULL;
      if (!first) first = k;
    }
  return first;
}

gboolean cpuhp_violation_fails(const CpuhpViolation *v, gboolean strict) { return !v->known || strict; }

static void clear_violation(gpointer p) { g_free(((CpuhpViolation *)p)->detail); }

GArray *cpuhp_invariants_check(const CpuhpProfile *p, const CpuhpResult *r) {
  g_assert(r->trace); /* the checks read the event sequence */
  GArray *out = g_array_new(FALSE, FALSE, sizeof(CpuhpViolation));
  g_array_set_clear_func(out, clear_violation);
  for (guint i = 0; i < G_N_ELEMENTS(invariants); i++) {
    g_autoptr(GString) why = g_string_new(NULL);
    if (invariants[i].check(p, r, why)) continue;
    CpuhpViolation v = {&invariants[i], g_string_free(g_steal_pointer(&why), FALSE), NULL};
    v.known = known_property(p, r, v.inv);
    g_array_append_val(out, v);
  }
  return out;
}

/* ---- rules over the state table -------------------------------------------------------- */

static const CpuhpTableRule table_rules[] = {
    {"state_context", "each state runs where its callback needs to: the control CPU before the kick, the AP "
                      "with IRQs off (STARTING), or the AP's cpuhp/N thread (ONLINE)"},
    {"no_sleep_in_starting", "no callback that may sleep or allocate with GFP_KERNEL is in STARTING (the AP, "
                             "IRQs off, nofail)"},
    {"provider_first", "a state that uses what another state sets up comes after it; the cpuhp/N thread "
                       "exists before CPUHP_BRINGUP_CPU and every ONLINE state"},
    {"teardown_kept", "a state whose kernel row has a teardown keeps it: rollback and cpu_down undo its startup "
                      "with it"},
};

const CpuhpTableRule *cpuhp_table_rules(guint *n) {
  *n = G_N_ELEMENTS(table_rules);
  return table_rules;
}

/* Where a section runs, for messages (kernel/cpu.c 6.12). */
static const char *section_where(CpuhpSection s) {
  static const char *const where[] = {"on the control CPU", "on the AP with IRQs off",
                                      "on the AP's cpuhp/N thread"};
  return where[s];
}

/* The step range a context is met in: [lo, hi]. */
static void context_range(const CpuhpTable *t, CpuhpContext c, guint *lo, guint *hi) {
  guint kick = t->kick_ap ? t->kick_ap : t->bringup_cpu; /* no split startup: bringup_cpu() kicks */
  if (c == CPUHP_NEEDS_BP) *lo = 1, *hi = kick - 1;
  else if (c == CPUHP_NEEDS_AP_ATOMIC) *lo = t->ap_idle_dead + 1, *hi = t->ap_online - 1;
  else *lo = t->ap_online_idle + 1, *hi = t->online - 1;
}

static void clear_table_violation(gpointer p) { g_free(((CpuhpTableViolation *)p)->detail); }

static void table_violation(GArray *out, const CpuhpTable *t, guint rule, const char *state, const char *source,
                            const char *fmt, ...) G_GNUC_PRINTF(6, 7);
static void table_violation(GArray *out, const CpuhpTable *t, guint rule, const char *state, const char *source,
                            const char *fmt, ...) {
  for (guint i = 0; i < out->len; i++) {
    const CpuhpTableViolation *v = &g_array_index(out, CpuhpTableViolation, i);
    if (v->rule == &table_rules[rule] && g_str_equal(v->state, state)) return; /* one per rule and state */
  }
  va_list ap;
  va_start(ap, fmt);
  CpuhpTableViolation v = {&table_rules[rule], state, cpuhp_table_origin(t, state), g_strdup_vprintf(fmt, ap), source};
  va_end(ap);
  g_array_append_val(out, v);
}

/* The row that provides `what`; NULL if none. */
static const CpuhpStep *provider_of(const CpuhpTable *t, const char *what) {
  for (guint i = 0; i < t->n_steps; i++) {
    const CpuhpRequirement *q = cpuhp_requirement(t, &t->steps[i]);
    if (q && g_strcmp0(q->provides, what) == 0) return &t->steps[i];
  }
  return NULL;
}

/* State `s` and `users` - 1 later ones use `what`: its provider must be in the table, below
 * them. */
static void check_provider(GArray *out, const CpuhpTable *t, const CpuhpStep *s, const char *what, guint users) {
  const CpuhpStep *p = provider_of(t, what);
  const CpuhpRequirement *kernel = cpuhp_requirement_providing(what);
  if (!p && kernel) {
    table_violation(out, t, 2, kernel->name, kernel->source,
                    "%s is not in the table: it sets up %s, which %u state%s need%s, the first %s (step %u)",
                    kernel->name, what, users, users == 1 ? "" : "s", users == 1 ? "s" : "", s->name, s->step);
  } else if (!p) {
    const CpuhpRequirement *q = cpuhp_requirement(t, s);
    table_violation(out, t, 2, s->name, q ? q->source : "the state table",
                    "%s (step %u) needs %s, which no state of the table sets up", s->name, s->step, what);
  } else if (p->step >= s->step) {
    /* name the edited one of the two: the table entry that put it there is the mistake */
    gboolean consumer_edited = cpuhp_table_origin(t, s->name) && !cpuhp_table_origin(t, p->name);
    const CpuhpRequirement *q = cpuhp_requirement(t, consumer_edited ? s : p);
    table_violation(out, t, 2, consumer_edited ? s->name : p->name, q ? q->source : "the state table",
                    "%s (step %u) needs %s, which %s sets up only at step %u", s->name, s->step, what, p->name,
                    p->step);
  }
}

GArray *cpuhp_table_check(const CpuhpTable *t) {
  GArray *out = g_array_new(FALSE, FALSE, sizeof(CpuhpTableViolation));
  g_array_set_clear_func(out, clear_table_violation);
  for (guint i = 0; i < t->n_steps; i++) { /* state_context */
    const CpuhpStep *s = &t->steps[i];
    const CpuhpRequirement *q = s->startup ? cpuhp_requirement(t, s) : NULL;
    if (!q || q->context == CPUHP_NEEDS_ANY) continue;
    guint lo, hi;
    context_range(t, q->context, &lo, &hi);
    if (s->step >= lo && s->step <= hi) continue;
    static const char *const needs[] = {NULL, "on the control CPU before the AP is kicked",
                                        "on the AP itself with IRQs off, in STARTING",
                                        "on the AP's cpuhp/N thread, in ONLINE"};
    table_violation(out, t, 0, s->name, q->source, "%s at step %u is in %s (%s); its callback %s must run %s (steps %u-%u)",
                    s->name, s->step, cpuhp_section_name(s->section), section_where(s->section), s->startup,
                    needs[q->context], lo, hi);
  }
  const CpuhpTable *base = cpuhp_table_base(t);
  for (guint i = 0; base && i < t->n_steps; i++) { /* state_context: a callback moved across sections */
    const CpuhpStep *s = &t->steps[i], *b = s->startup ? cpuhp_table_find(base, s->name) : NULL;
    if (!b || !b->startup || b->section == s->section || b->cost != CPUHP_COST_PROFILE) continue;
    const CpuhpRequirement *q = cpuhp_requirement(t, s);
    table_violation(out, t, 0, s->name, q ? q->source : "include/linux/cpuhotplug.h, kernel/cpu.c cpuhp_hp_states[]",
                    "%s at step %u is in %s (%s); %s/%s registers it at step %u in %s (%s), the context its "
                    "callback %s is written for", s->name, s->step, cpuhp_section_name(s->section),
                    section_where(s->section), base->arch, base->version, b->step, cpuhp_section_name(b->section),
                    section_where(b->section), s->startup);
  }
  for (guint i = 0; i < t->n_steps; i++) { /* no_sleep_in_starting */
    const CpuhpStep *s = &t->steps[i];
    const CpuhpRequirement *q = s->startup ? cpuhp_requirement(t, s) : NULL;
    if (q && q->sleeps && s->section == CPUHP_SECTION_STARTING)
      table_violation(out, t, 1, s->name, q->source,
                      "%s at step %u is in STARTING (on the AP with IRQs off, cannot sleep or fail); its callback %s "
                      "may sleep", s->name, s->step, s->startup);
  }
  const CpuhpStep *first_user = NULL; /* provider_first: the cpuhp/N thread, then each state's needs */
  guint users = 0;
  for (guint i = 0; i < t->n_steps; i++) {
    const CpuhpStep *s = &t->steps[i];
    if (s->startup && (s->step == t->bringup_cpu || s->runs_on == CPUHP_RUNS_AP_THREAD)) {
      if (!first_user) first_user = s;
      users++;
    }
  }
  if (first_user) check_provider(out, t, first_user, CPUHP_RESOURCE_THREAD, users);
  for (guint i = 0; i < t->n_steps; i++) {
    const CpuhpStep *s = &t->steps[i];
    const CpuhpRequirement *q = s->startup ? cpuhp_requirement(t, s) : NULL;
    if (q && q->needs) check_provider(out, t, s, q->needs, 1);
  }
  for (guint i = 0; base && i < t->n_steps; i++) { /* teardown_kept */
    const CpuhpStep *s = &t->steps[i], *b = s->startup ? cpuhp_table_find(base, s->name) : NULL;
    if (b && b->teardown && !s->teardown && b->cost == CPUHP_COST_PROFILE)
      table_violation(out, t, 3, s->name, "kernel/cpu.c cpuhp_up_callbacks(): cpuhp_reset_state() then the teardowns "
                      "of the states reached, in reverse; _cpu_down() the same",
                      "%s (step %u, %s) has no teardown; %s/%s undoes it with %s when a later state fails or the CPU "
                      "goes down", s->name, s->step, s->startup, base->arch, base->version, b->teardown);
  }
  return out;
}
