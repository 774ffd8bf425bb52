/* table_edit.c — a real boot's states against the shipped table of its kernel. */
#include "models/replay/table_edit.h"

#include "models/kernel/arch.h"
#include "models/profile/profile.h"

static void add_clear(gpointer p) {
  CpuhpTableAdd *a = p;
  g_free(a->name);
  g_free(a->callback);
}

void cpuhp_table_edit_free(CpuhpTableEdit *e) {
  if (!e) return;
  g_free(e->source);
  g_free(e->version);
  g_ptr_array_unref(e->removed);
  g_array_unref(e->moved);
  g_array_unref(e->added);
  g_free(e);
}

/* Traced states are (step, callback) pairs; names are not in a trace, so an added state is
 * called after its callback and step. */
static gboolean seen(const CpuhpMeasured *m, guint step, const char *cb) {
  for (guint i = 0; i < m->states->len; i++) {
    const CpuhpMeasuredState *s = &g_array_index(m->states, CpuhpMeasuredState, i);
    if (s->step == (int32_t)step && g_str_equal(s->callback, cb)) return TRUE;
  }
  return FALSE;
}

CpuhpTableEdit *cpuhp_table_edit_from_trace(const CpuhpMeasured *m, GError **error) {
  /* The kernel is told by its bringup: the first arch whose base table (or, where the boot shows
   * a kick state, that table's split-startup build) numbers bringup and kick as the boot did. */
  const CpuhpTable *base = NULL;
  for (guint i = 0; !base && cpuhp_arch_nth(i); i++) {
    const CpuhpTable *b = cpuhp_arch_base_table(cpuhp_arch_nth(i)->name);
    const CpuhpTable *t = m->kick_step && !b->kick_ap ? cpuhp_table_for_config(b, TRUE) : b;
    if ((guint)m->bringup_step == t->bringup_cpu && (guint)m->kick_step == t->kick_ap) base = b;
  }
  if (!base) {
    g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_VALUE,
                "%s: bringup at step %d (kick %d): no shipped table numbers its states that way", m->source,
                m->bringup_step, m->kick_step);
    return NULL;
  }
  g_autofree char *stem = g_path_get_basename(m->source);
  CpuhpTableEdit *e = g_new0(CpuhpTableEdit, 1);
  e->base = base;
  e->source = g_strdup(m->source);
  e->version = g_strdup_printf("%s+%s", base->version, stem);
  e->removed = g_ptr_array_new();
  e->moved = g_array_new(FALSE, FALSE, sizeof(CpuhpTableMove));
  e->added = g_array_new(FALSE, FALSE, sizeof(CpuhpTableAdd));
  g_array_set_clear_func(e->added, add_clear);
  g_autoptr(GHashTable) moved = g_hash_table_new(g_str_hash, g_str_equal); /* base names */
  for (guint i = 0; i < m->states->len; i++) {
    const CpuhpMeasuredState *s = &g_array_index(m->states, CpuhpMeasuredState, i);
    if ((guint)s->step == base->kick_ap || (guint)s->step == base->bringup_cpu) continue;
    const CpuhpStep *at = cpuhp_table_at(base, (guint)s->step);
    if (at && g_strcmp0(at->startup, s->callback) == 0) continue;
    const CpuhpStep *same = NULL; /* the same callback at another number: renumbered */
    for (guint k = 0; k < base->n_steps && !same; k++)
      if (g_strcmp0(base->steps[k].startup, s->callback) == 0 && !seen(m, base->steps[k].step, s->callback))
        same = &base->steps[k];
    if (same && g_hash_table_add(moved, (gpointer)same->name)) { /* a second new number is a new state */
      CpuhpTableMove mv = {.name = same->name, .step = s->step};
      g_array_append_val(e->moved, mv);
    } else {
      CpuhpTableAdd a = {.step = s->step, .name = g_strdup_printf("%s@%d", s->callback, s->step),
                         .callback = g_strdup(s->callback)};
      g_array_append_val(e->added, a);
    }
  }
  for (guint k = 0; k < base->n_steps; k++) { /* at-boot, traceable, absent: removed */
    const CpuhpStep *b = &base->steps[k];
    if (!b->at_boot || b->cost != CPUHP_COST_PROFILE || b->runs_on == CPUHP_RUNS_AP_ATOMIC) continue;
    if (!seen(m, b->step, b->startup) && !g_hash_table_contains(moved, b->name))
      g_ptr_array_add(e->removed, (gpointer)b->name);
  }
  return e;
}
