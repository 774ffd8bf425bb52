/* states.c — the profile's `states:` mapping: state name -> cost, or {present, cost, instances,
 * per_possible_cpu, per_online_cpu}.
 *
 * Only the form is checked here. Whether a name is in the kernel's table, and whether that
 * state may have a cost, be switched or have instances, is the kernel model's to say
 * (models/kernel/prepare.c), so each entry keeps the places it would report. */
#include <string.h>

#include "models/profile/dist.h"
#include "models/profile/internal.h"

#define MAX_INSTANCES 64u

static gboolean bind_instances(CpuhpStateCost *sc, const YtNode *n, GError **error) {
  if (n->kind != YT_SEQUENCE)
    return FAIL(n, SCHEMA, "instances must be a sequence of costs, got %s", yt_kind_name(n));
  if (n->items->len < 1 || n->items->len > MAX_INSTANCES)
    return FAIL(n, VALUE, "instances: need 1 to %u costs, got %u", MAX_INSTANCES, n->items->len);
  sc->costs = g_new0(SimDist, n->items->len);
  for (; sc->n_costs < n->items->len; sc->n_costs++)
    if (!prof_parse_dist(g_ptr_array_index(n->items, sc->n_costs), PROF_COST_MAX,
                         &sc->costs[sc->n_costs], error))
      return FALSE;
  return TRUE;
}

/* One entry: a cost (dist), or {present, cost, instances, per_possible_cpu, per_online_cpu}. */
static gboolean bind_state(CpuhpStateCost *sc, const YtNode *v, GError **error) {
  /* The name is not known to be a state's yet: escaped, so that the message stays one line. */
  g_autofree char *name = yt_escape(sc->name);
  const YtNode *present = NULL, *cost = NULL, *instances = NULL, *per_possible = NULL, *per_online = NULL;
  if (v->kind == YT_SCALAR || prof_is_dist_mapping(v)) {
    cost = v;
  } else if (v->kind == YT_MAPPING) {
    for (guint i = 0; i < v->keys->len; i++) {
      const YtNode *k = g_ptr_array_index(v->keys, i), *x = g_ptr_array_index(v->items, i);
      if (strcmp(k->text, "present") == 0) present = x;
      else if (strcmp(k->text, "cost") == 0) cost = x;
      else if (strcmp(k->text, "instances") == 0) instances = x;
      else if (strcmp(k->text, "per_possible_cpu") == 0) per_possible = x;
      else if (strcmp(k->text, "per_online_cpu") == 0) per_online = x;
      else {
        g_autofree char *q = yt_quote(k->text);
        return FAIL(k, SCHEMA, "unknown key %s in state '%s' (expected present, cost, instances, "
                    "per_possible_cpu or per_online_cpu)", q, name);
      }
    }
    if (!present && !cost && !instances && !per_possible && !per_online)
      return FAIL(v, SCHEMA, "state '%s': empty entry (give present, cost or instances)", name);
  } else {
    return FAIL(v, SCHEMA, "state '%s': expected a cost or a {present, cost, instances} "
                           "mapping, got %s", name, yt_kind_name(v));
  }
  prof_loc_set(&sc->present_at, present);
  prof_loc_set(&sc->own_at, cost ? cost : instances ? instances : per_possible ? per_possible : per_online);
  prof_loc_set(&sc->instances_at, instances);
  if (cost && instances)
    return FAIL(v, SCHEMA, "state '%s': 'cost' and 'instances' are mutually exclusive", name);
  gboolean on;
  if (present) {
    if (!prof_parse_bool(present, &on, error)) return FALSE;
    sc->present = on;
  }
  if (cost) {
    sc->costs = g_new0(SimDist, 1);
    if (!prof_parse_dist(cost, PROF_COST_MAX, &sc->costs[0], error)) return FALSE;
    sc->n_costs = 1;
  }
  /* multiplied by the CPUs, for every CPU brought up: a per-item bound */
  if (per_possible &&
      !prof_parse_duration(per_possible, PROF_PER_ITEM_MAX, &sc->per_possible_cpu, error))
    return FALSE;
  if (per_online && !prof_parse_duration(per_online, PROF_PER_ITEM_MAX, &sc->per_online_cpu, error))
    return FALSE;
  return !instances || bind_instances(sc, instances, error);
}

static gint cmp_state_name(gconstpointer a, gconstpointer b, gpointer states) {
  const CpuhpStateCost *st = states;
  return strcmp(st[*(const guint *)a].name, st[*(const guint *)b].name);
}

gboolean prof_bind_states(CpuhpProfile *prof, const YtNode *states, GError **error) {
  if (!states || yt_is_null(states)) return TRUE;
  if (states->kind != YT_MAPPING)
    return FAIL(states, SCHEMA, "'states' must be a mapping from state names to costs, got %s",
                yt_kind_name(states));
  prof->states = g_new0(CpuhpStateCost, states->keys->len);
  for (guint i = 0; i < states->keys->len; i++) {
    const YtNode *k = g_ptr_array_index(states->keys, i), *v = g_ptr_array_index(states->items, i);
    CpuhpStateCost *sc = &prof->states[prof->n_states++]; /* counted now: freed on failure */
    sc->name = g_strdup(k->text);
    sc->present = -1;
    prof_loc_set(&sc->at, k);
    if (!bind_state(sc, v, error)) return FALSE;
  }
  prof->states_by_name = g_new(guint, prof->n_states);
  for (guint i = 0; i < prof->n_states; i++) prof->states_by_name[i] = i;
  g_qsort_with_data(prof->states_by_name, (gint)prof->n_states, sizeof(guint), cmp_state_name, prof->states);
  return TRUE;
}

void prof_free_states(CpuhpProfile *prof) {
  for (guint i = 0; i < prof->n_states; i++) {
    CpuhpStateCost *sc = &prof->states[i];
    for (guint j = 0; j < sc->n_costs; j++) sim_dist_clear(&sc->costs[j]);
    g_free(sc->costs);
    g_free(sc->name);
    prof_loc_clear(&sc->at);
    prof_loc_clear(&sc->present_at);
    prof_loc_clear(&sc->own_at);
    prof_loc_clear(&sc->instances_at);
  }
  g_free(prof->states);
  g_free(prof->states_by_name);
}
