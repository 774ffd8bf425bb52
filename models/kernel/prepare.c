/* prepare.c — a loaded profile bound to its state table, and what its runs share (prepare.h).
 *
 * The checks here are the ones only the table can decide; they report at the places the
 * loader kept (CpuhpLoc), with the loader's error domain, so a profile's errors read the same
 * whichever step finds them. */
#include "models/kernel/prepare.h"

#include <string.h>

#include "models/profile/yamltree.h"

/* Sets *error at a kept place and evaluates to FALSE (needs `error` in scope). */
#define FAIL_AT(at, code, ...) \
  (cpuhp_profile_error_at(error, CPUHP_PROFILE_ERROR_##code, at, __VA_ARGS__), FALSE)

/* Text for a message without quotes ("x86_64/6.1"): escaped and shortened like yt_quote, since
 * user text may hold newlines or invalid UTF-8 and every error must stay one line. */
static char *unquoted(const char *text) {
  char *q = yt_quote(text);
  gsize n = strlen(q);
  memmove(q, q + 1, n - 2);
  q[n - 2] = '\0';
  return q;
}

static gboolean arch_known(const char *arch) {
  g_auto(GStrv) known = g_strsplit(cpuhp_table_known(), ", ", -1);
  gsize n = strlen(arch);
  for (guint i = 0; known[i]; i++)
    if (strncmp(known[i], arch, n) == 0 && known[i][n] == '/') return TRUE;
  return FALSE;
}

/* kernel.state_table: load it (relative to the profile) and use its version. */
static gboolean load_state_table(CpuhpProfile *p, GError **error) {
  if (!*p->kernel.state_table) return TRUE;
  g_autofree char *dir = g_str_has_prefix(p->source, "<") ? g_strdup(".") : g_path_get_dirname(p->source);
  g_autofree char *path = g_path_is_absolute(p->kernel.state_table)
                              ? g_strdup(p->kernel.state_table)
                              : g_build_filename(dir, p->kernel.state_table, NULL);
  g_autoptr(GError) e = NULL;
  const CpuhpTable *t = cpuhp_table_load(path, &e);
  if (!t) return FAIL_AT(&p->at.state_table, VALUE, "kernel.state_table: %s", e->message);
  if (!g_str_equal(t->arch, p->arch))
    return FAIL_AT(&p->at.state_table, VALUE, "kernel.state_table: a table for %s, not %s", t->arch,
                   p->arch);
  g_free(p->kernel.version);
  p->kernel.version = g_strdup(t->version);
  return TRUE;
}

static const char *no_cost_reason(CpuhpCostModel m) {
  switch (m) {
  case CPUHP_COST_KICK:
    return "the kick is modelled by the arch keys (x86.icr_write, x86.wakeup_*)";
  case CPUHP_COST_BRINGUP: return "the control CPU only waits for the AP here";
  case CPUHP_COST_NONE: return "it is a landmark without a callback";
  case CPUHP_COST_PROFILE: break;
  }
  g_assert_not_reached();
}

/* Each `states:` entry names a state of `t` and gives only what that state can have. */
static gboolean check_states(const CpuhpProfile *p, const CpuhpTable *t, GError **error) {
  for (guint i = 0; i < p->n_states; i++) {
    const CpuhpStateCost *sc = &p->states[i];
    const CpuhpStep *row = cpuhp_table_find(t, sc->name);
    if (!row && cpuhp_table_origin(t, sc->name)) continue; /* the table's `remove:` took it out */
    if (!row) {
      g_autofree char *q = yt_quote(sc->name);
      return FAIL_AT(&sc->at, SCHEMA, "unknown state %s in the %s/%s table", q, t->arch, t->version);
    }
    if (row->cost != CPUHP_COST_PROFILE && sc->own_at.source)
      return FAIL_AT(&sc->own_at, SCHEMA, "state '%s' has no cost of its own: %s", row->name,
                     no_cost_reason(row->cost));
    if (row->cost != CPUHP_COST_PROFILE && sc->present_at.source)
      return FAIL_AT(&sc->present_at, SCHEMA, "state '%s' cannot be switched on or off: %s",
                     row->name, no_cost_reason(row->cost));
    if (sc->instances_at.source && !row->multi_instance)
      return FAIL_AT(&sc->instances_at, SCHEMA,
                     "state '%s' is not multi-instance: give 'cost', not 'instances'", row->name);
  }
  return TRUE;
}

static void free_prepared(CpuhpProfile *p) {
  cpuhp_rows_free(p->prepared.rows);
  cpuhp_topology_free(p->prepared.topo);
  p->prepared.rows = NULL;
  p->prepared.topo = NULL;
  p->prepared.free = NULL;
}

gboolean cpuhp_prepare(CpuhpProfile *p, GError **error) {
  g_assert(!p->prepared.free); /* once per load: runs share what it builds */
  if (!load_state_table(p, error)) return FALSE;
  if (!arch_known(p->arch)) {
    g_autofree char *q = yt_quote(p->arch);
    return FAIL_AT(&p->at.arch, VALUE, "no state table for arch %s (known: %s)", q,
                   cpuhp_table_known());
  }
  const CpuhpTable *t = cpuhp_profile_table(p);
  if (!t) {
    g_autofree char *v = unquoted(p->kernel.version);
    return FAIL_AT(&p->at.version, VALUE, "no state table for %s/%s (known: %s)", p->arch, v,
                   cpuhp_table_known());
  }
  if (!check_states(p, t, error)) return FALSE;
  p->prepared.free = free_prepared;
  p->prepared.topo = cpuhp_topology_new(p);
  p->prepared.rows = cpuhp_rows_new(p, t); /* reads the topology */
  return TRUE;
}

static CpuhpProfile *prepared(CpuhpProfile *p, GError **error) {
  if (p && !cpuhp_prepare(p, error)) g_clear_pointer(&p, cpuhp_profile_free);
  return p;
}

CpuhpProfile *cpuhp_machine_load_file(const char *path, const GPtrArray *overrides,
                                      GError **error) {
  return prepared(cpuhp_profile_load_file(path, overrides, error), error);
}

CpuhpProfile *cpuhp_machine_load_data(const char *source_name, const char *yaml, gsize len,
                                      const GPtrArray *overrides, GError **error) {
  return prepared(cpuhp_profile_load_data(source_name, yaml, len, overrides, error), error);
}

CpuhpProfile *cpuhp_machine_load_default(const GPtrArray *overrides, GError **error) {
  return prepared(cpuhp_profile_load_default(overrides, error), error);
}

const CpuhpTable *cpuhp_profile_table(const CpuhpProfile *p) {
  return cpuhp_table_for_config(cpuhp_table_lookup(p->arch, p->kernel.version), p->kernel.hotplug_parallel);
}

const CpuhpRows *cpuhp_profile_rows(const CpuhpProfile *p) {
  g_assert(p->prepared.rows); /* built by cpuhp_prepare() */
  return p->prepared.rows;
}

const CpuhpTopology *cpuhp_topology_of(const CpuhpProfile *p) {
  const CpuhpTopology *t = p->prepared.topo;
  g_assert(t && cpuhp_topology_fits(t, p));
  return t;
}
