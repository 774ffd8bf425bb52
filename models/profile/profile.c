/* profile.c — machine profiles: YAML tree + overrides, bound to CpuhpProfile by a schema table.
 *
 * The pipeline is parse (yamltree.c) -> apply --set overrides to the tree (overrides.c) ->
 * reject unknown keys -> bind every schema row, value or default (schema.c) -> bind `states` ->
 * cross-field checks. Overrides edit the tree, not the struct, so they pass exactly the checks
 * the file does. */
#include "models/profile/profile.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "models/kernel/rows.h"
#include "models/kernel/topology.h"
#include "models/profile/dist.h"
#include "models/profile/internal.h"
#include "models/profile/overrides.h"

G_DEFINE_QUARK(cpuhp-profile-error-quark, cpuhp_profile_error)

#define MAX_PROFILE_BYTES (16u << 20)
#define MAX_INSTANCES 64u

extern const char cpuhp_default_profile_yaml[];
extern const size_t cpuhp_default_profile_yaml_len;

/* Text for a message without quotes ("x86_64/6.1"): escaped and shortened like yt_quote, since
 * user text may hold newlines or invalid UTF-8 and every error must stay one line. */
static char *unquoted(const char *text) {
  char *q = yt_quote(text);
  gsize n = strlen(q);
  memmove(q, q + 1, n - 2);
  q[n - 2] = '\0';
  return q;
}

/* ---- states ---- */

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

static gboolean bind_instances(CpuhpStateCost *sc, const CpuhpStep *row, const YtNode *n,
                               GError **error) {
  if (!row->multi_instance)
    return FAIL(n, SCHEMA, "state '%s' is not multi-instance: give 'cost', not 'instances'",
                row->name);
  if (n->kind != YT_SEQUENCE)
    return FAIL(n, SCHEMA, "instances must be a sequence of costs, got %s", yt_kind_name(n));
  if (n->items->len < 1 || n->items->len > MAX_INSTANCES)
    return FAIL(n, VALUE, "instances: need 1 to %u costs, got %u", MAX_INSTANCES, n->items->len);
  sc->costs = g_new0(SimDist, n->items->len);
  for (; sc->n_costs < n->items->len; sc->n_costs++)
    if (!prof_parse_dist(g_ptr_array_index(n->items, sc->n_costs), &sc->costs[sc->n_costs], error))
      return FALSE;
  return TRUE;
}

/* One `states:` entry: a cost (dist), or {present, cost, instances, per_possible_cpu,
 * per_online_cpu}. */
static gboolean bind_state(CpuhpStateCost *sc, const CpuhpStep *row, const YtNode *v,
                           GError **error) {
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
                    "per_possible_cpu or per_online_cpu)", q, row->name);
      }
    }
    if (!present && !cost && !instances && !per_possible && !per_online)
      return FAIL(v, SCHEMA, "state '%s': empty entry (give present, cost or instances)",
                  row->name);
  } else {
    return FAIL(v, SCHEMA, "state '%s': expected a cost or a {present, cost, instances} "
                           "mapping, got %s", row->name, yt_kind_name(v));
  }
  const YtNode *own = cost ? cost : instances ? instances : per_possible ? per_possible : per_online;
  if (row->cost != CPUHP_COST_PROFILE && own)
    return FAIL(own, SCHEMA, "state '%s' has no cost of its own: %s", row->name, no_cost_reason(row->cost));
  if (row->cost != CPUHP_COST_PROFILE && present)
    return FAIL(present, SCHEMA, "state '%s' cannot be switched on or off: %s", row->name,
                no_cost_reason(row->cost));
  if (cost && instances)
    return FAIL(v, SCHEMA, "state '%s': 'cost' and 'instances' are mutually exclusive", row->name);
  gboolean on;
  if (present) {
    if (!prof_parse_bool(present, &on, error)) return FALSE;
    sc->present = on;
  }
  if (cost) {
    sc->costs = g_new0(SimDist, 1);
    if (!prof_parse_dist(cost, &sc->costs[0], error)) return FALSE;
    sc->n_costs = 1;
  }
  if (per_possible && !prof_parse_duration(per_possible, &sc->per_possible_cpu, error)) return FALSE;
  if (per_online && !prof_parse_duration(per_online, &sc->per_online_cpu, error)) return FALSE;
  return !instances || bind_instances(sc, row, instances, error);
}

static gint cmp_state_name(gconstpointer a, gconstpointer b, gpointer states) {
  const CpuhpStateCost *st = states;
  return strcmp(st[*(const guint *)a].name, st[*(const guint *)b].name);
}

static gboolean bind_states(CpuhpProfile *prof, const CpuhpTable *t, const YtNode *states,
                            GError **error) {
  if (!states || yt_is_null(states)) return TRUE;
  if (states->kind != YT_MAPPING)
    return FAIL(states, SCHEMA, "'states' must be a mapping from state names to costs, got %s",
                yt_kind_name(states));
  prof->states = g_new0(CpuhpStateCost, states->keys->len);
  for (guint i = 0; i < states->keys->len; i++) {
    const YtNode *k = g_ptr_array_index(states->keys, i), *v = g_ptr_array_index(states->items, i);
    const CpuhpStep *row = cpuhp_table_find(t, k->text);
    if (!row) {
      g_autofree char *q = yt_quote(k->text);
      return FAIL(k, SCHEMA, "unknown state %s in the %s/%s table", q, t->arch, t->version);
    }
    CpuhpStateCost *sc = &prof->states[prof->n_states++]; /* counted now: freed on failure */
    sc->name = g_strdup(k->text);
    sc->present = -1;
    if (!bind_state(sc, row, v, error)) return FALSE;
  }
  prof->states_by_name = g_new(guint, prof->n_states);
  for (guint i = 0; i < prof->n_states; i++) prof->states_by_name[i] = i;
  g_qsort_with_data(prof->states_by_name, (gint)prof->n_states, sizeof(guint), cmp_state_name, prof->states);
  return TRUE;
}

/* ---- cross-field checks ---- */

static gboolean arch_known(const char *arch) {
  g_auto(GStrv) known = g_strsplit(cpuhp_table_known(), ", ", -1);
  gsize n = strlen(arch);
  for (guint i = 0; known[i]; i++)
    if (strncmp(known[i], arch, n) == 0 && known[i][n] == '/') return TRUE;
  return FALSE;
}

/* The given node for the first path that exists, else the enclosing mapping of the first. */
static const YtNode *where(const YtNode *root, const char *a, const char *b) {
  const YtNode *n = prof_node_at(root, a, FALSE);
  if (!n && b) n = prof_node_at(root, b, FALSE);
  return n ? n : prof_node_at(root, a, TRUE);
}

static gboolean check_topology(CpuhpProfile *p, const YtNode *root, GError **error) {
  guint s = p->topology.sockets, c = p->topology.cores_per_socket;
  guint64 total = (guint64)s * c * p->topology.threads_per_core;
  if (total > CPUHP_PROFILE_MAX_CPUS)
    return FAIL(where(root, "topology", NULL), VALUE,
                "topology has %" G_GUINT64_FORMAT " CPUs (%u x %u x %u), more than the limit of "
                "%u (CPUHP_PROFILE_MAX_CPUS)", total, s, c, p->topology.threads_per_core,
                CPUHP_PROFILE_MAX_CPUS);
  guint nn = p->topology.numa_nodes;
  if (nn == 0) p->topology.numa_nodes = nn = s;
  if (!(s % nn == 0 || (nn % s == 0 && c % (nn / s) == 0)))
    return FAIL(where(root, "topology.numa_nodes", NULL), VALUE,
                "topology does not add up: %u NUMA nodes for %u socket(s) of %u cores (numa_nodes "
                "must divide the sockets, or be a multiple of them that splits each socket's "
                "cores evenly)", nn, s, c);
  if (p->topology.nr_cpus > total)
    return FAIL(where(root, "topology.nr_cpus", NULL), VALUE,
                "nr_cpus %u is more than the %" G_GUINT64_FORMAT " CPUs of the topology",
                p->topology.nr_cpus, total);
  return TRUE;
}

/* kernel.state_table: load it (relative to the profile) and use its version. */
static gboolean load_state_table(CpuhpProfile *p, const YtNode *root, GError **error) {
  if (!*p->kernel.state_table) return TRUE;
  g_autofree char *dir = g_str_has_prefix(p->source, "<") ? g_strdup(".") : g_path_get_dirname(p->source);
  g_autofree char *path = g_path_is_absolute(p->kernel.state_table)
                              ? g_strdup(p->kernel.state_table)
                              : g_build_filename(dir, p->kernel.state_table, NULL);
  g_autoptr(GError) e = NULL;
  const CpuhpTable *t = cpuhp_table_load(path, &e);
  if (!t) return FAIL(where(root, "kernel.state_table", NULL), VALUE, "kernel.state_table: %s", e->message);
  if (!g_str_equal(t->arch, p->arch))
    return FAIL(where(root, "kernel.state_table", NULL), VALUE, "kernel.state_table: a table for %s, not %s", t->arch,
                p->arch);
  g_free(p->kernel.version);
  p->kernel.version = g_strdup(t->version);
  return TRUE;
}

static gboolean check_profile(CpuhpProfile *p, const YtNode *root, GError **error) {
  if (!load_state_table(p, root, error)) return FALSE;
  if (!arch_known(p->arch)) {
    g_autofree char *q = yt_quote(p->arch);
    return FAIL(where(root, "arch", NULL), VALUE, "no state table for arch %s (known: %s)", q,
                cpuhp_table_known());
  }
  const CpuhpTable *t = cpuhp_profile_table(p);
  if (!t) {
    g_autofree char *v = unquoted(p->kernel.version);
    return FAIL(where(root, "kernel.version", "arch"), VALUE,
                "no state table for %s/%s (known: %s)", p->arch, v, cpuhp_table_known());
  }
  if (!check_topology(p, root, error)) return FALSE;
  cpuhp_topology_free(p->topo);
  p->topo = cpuhp_topology_new(p);
  if (p->host.hypervisor != CPUHP_HYP_NONE && !p->host.pcpus)
    return FAIL(where(root, "host.hypervisor", NULL), VALUE,
                "host.hypervisor: a hypervisor runs the vCPUs on host CPUs: set host.pcpus");
  if (p->kernel.alive_spin > p->kernel.alive_timeout) {
    char spin[32], timeout[32];
    return FAIL(where(root, "kernel.alive_spin", "kernel.alive_timeout"), VALUE,
                "kernel.alive_spin (%s) is longer than kernel.alive_timeout (%s)",
                sim_format_duration(p->kernel.alive_spin, spin, sizeof spin),
                sim_format_duration(p->kernel.alive_timeout, timeout, sizeof timeout));
  }
  if (!bind_states(p, t, yt_mapping_get(root, "states"), error)) return FALSE;
  cpuhp_rows_free(p->rows);
  p->rows = cpuhp_rows_new(p, t);
  return TRUE;
}

/* ---- public API ---- */

void cpuhp_profile_free(CpuhpProfile *p) {
  if (!p) return;
  prof_free_fields(p);
  for (guint i = 0; i < p->n_states; i++) {
    for (guint j = 0; j < p->states[i].n_costs; j++) sim_dist_clear(&p->states[i].costs[j]);
    g_free(p->states[i].costs);
    g_free(p->states[i].name);
  }
  g_free(p->states);
  g_free(p->states_by_name);
  cpuhp_topology_free(p->topo);
  cpuhp_rows_free(p->rows);
  g_free(p->source);
  g_free(p);
}

CpuhpProfile *cpuhp_profile_load_data(const char *source_name, const char *yaml, gsize len,
                                      const GPtrArray *overrides, GError **error) {
  g_return_val_if_fail(source_name && (yaml || len == 0), NULL);
  if (len > MAX_PROFILE_BYTES) {
    g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_IO,
                "%s: profile larger than 16 MiB", source_name);
    return NULL;
  }
  g_autoptr(GError) err = NULL;
  g_autoptr(YtNode) root = yt_parse(source_name, FALSE, yaml ? yaml : "", len, CPUHP_PROFILE_ERROR,
                                    CPUHP_PROFILE_ERROR_SYNTAX, &err);
  if (err) {
    g_propagate_error(error, g_steal_pointer(&err));
    return NULL;
  }
  if (!root || yt_is_null(root)) {
    yt_set_error_at(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_SYNTAX, source_name, FALSE,
                    root ? root->line : 1, root ? root->col : 1, "empty profile");
    return NULL;
  }
  if (root->kind != YT_MAPPING) {
    (void)FAIL(root, SCHEMA, "the top level must be a mapping of keys, got %s", yt_kind_name(root));
    return NULL;
  }
  if (!prof_apply_overrides(root, overrides, error)) return NULL;
  if (!prof_check_keys(root, NULL, error)) return NULL;

  g_autoptr(CpuhpProfile) p = g_new0(CpuhpProfile, 1);
  p->source = g_strdup(source_name);
  if (!prof_bind_fields(p, root, error) || !check_profile(p, root, error)) return NULL;
  return g_steal_pointer(&p);
}

CpuhpProfile *cpuhp_profile_load_file(const char *path, const GPtrArray *overrides,
                                      GError **error) {
  /* Stop reading just past the limit, so /dev/zero or a huge file cannot exhaust memory. */
  FILE *f = fopen(path, "rb");
  if (!f) {
    int e = errno;
    g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_IO, "%s: %s", path, g_strerror(e));
    return NULL;
  }
  g_autoptr(GByteArray) buf = g_byte_array_new();
  guint8 chunk[65536];
  size_t got;
  while (buf->len <= MAX_PROFILE_BYTES && (got = fread(chunk, 1, sizeof chunk, f)) > 0)
    g_byte_array_append(buf, chunk, (guint)got);
  int e = ferror(f) ? errno : 0;
  fclose(f);
  if (e) {
    g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_IO, "%s: %s", path, g_strerror(e));
    return NULL;
  }
  return cpuhp_profile_load_data(path, (const char *)buf->data, buf->len, overrides, error);
}

CpuhpProfile *cpuhp_profile_load_default(const GPtrArray *overrides, GError **error) {
  return cpuhp_profile_load_data("<embedded>", cpuhp_default_profile_yaml,
                                 cpuhp_default_profile_yaml_len, overrides, error);
}

const CpuhpStateCost *cpuhp_profile_state(const CpuhpProfile *p, const char *name) {
  /* A bringup looks up every row of its table: bisect (names are unique, the loader checks). */
  guint lo = 0, hi = p->states_by_name ? p->n_states : 0;
  while (lo < hi) {
    guint mid = lo + (hi - lo) / 2;
    int c = strcmp(p->states[p->states_by_name[mid]].name, name);
    if (c == 0) return &p->states[p->states_by_name[mid]];
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}


guint cpuhp_profile_n_cpus(const CpuhpProfile *p) {
  guint n = p->topology.sockets * p->topology.cores_per_socket * p->topology.threads_per_core;
  if (p->topology.nr_cpus && p->topology.nr_cpus < n) n = p->topology.nr_cpus;
  if (p->kernel.nr_cpus && p->kernel.nr_cpus < n) n = p->kernel.nr_cpus; /* nr_cpus= */
  return n;
}

const CpuhpTable *cpuhp_profile_table(const CpuhpProfile *p) {
  return cpuhp_table_for_config(cpuhp_table_lookup(p->arch, p->kernel.version), p->kernel.hotplug_parallel);
}

const char *cpuhp_vm_exit_name(CpuhpVmExit x) {
  static const char *const names[] = {"HVC64", "WFx", "IRQ", "DABT_LOW", "SYS64", "IABT_LOW"};
  G_STATIC_ASSERT(G_N_ELEMENTS(names) == CPUHP_EXIT_N);
  return names[x];
}

/* trace_buf_size once the command line asked for tracing at boot, else the minimal buffer;
 * ring_buffer_alloc() rounds up and takes at least 2 pages. */
guint64 cpuhp_ring_buffer_pages(const CpuhpProfile *p) {
  const guint64 page = 4096 - 16; /* BUF_PAGE_SIZE: a page less its header */
  guint64 bytes = p->kernel.tracing_at_boot ? p->kernel.trace_buf_size : 1;
  return MAX((bytes + page - 1) / page, 2);
}

const CpuhpRows *cpuhp_profile_rows(const CpuhpProfile *p) {
  g_assert(p->rows); /* built at load */
  return p->rows;
}