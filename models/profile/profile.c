/* profile.c — machine profiles: YAML tree + overrides, bound to CpuhpProfile by a schema table.
 *
 * The pipeline is parse (yamltree.c) -> apply --set overrides to the tree (overrides.c) ->
 * reject unknown keys -> bind every schema row, value or default (schema.c) -> cross-field
 * checks -> bind `states` (states.c). Overrides edit the tree, not the struct, so they pass
 * exactly the checks the file does. Nothing here knows the kernel: the state table and what
 * runs share are the kernel model's prepare step (models/kernel/prepare.h). */
#include "models/profile/profile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "models/profile/dist.h"
#include "models/profile/internal.h"
#include "models/profile/overrides.h"

G_DEFINE_QUARK(cpuhp-profile-error-quark, cpuhp_profile_error)

#define MAX_PROFILE_BYTES (16u << 20)

extern const char cpuhp_default_profile_yaml[];
extern const size_t cpuhp_default_profile_yaml_len;

/* ---- places ---- */

void prof_loc_set(CpuhpLoc *loc, const YtNode *n) {
  prof_loc_clear(loc);
  if (!n) return;
  *loc = (CpuhpLoc){.source = g_ref_string_acquire(n->source), .from_override = n->from_override,
                    .line = n->line, .col = n->col};
}

void prof_loc_clear(CpuhpLoc *loc) {
  if (loc->source) g_ref_string_release(loc->source);
  *loc = (CpuhpLoc){0};
}

void cpuhp_profile_error_at(GError **error, CpuhpProfileError code, const CpuhpLoc *at,
                            const char *fmt, ...) {
  g_assert(at->source); /* a place that was given */
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  yt_set_error_at(error, CPUHP_PROFILE_ERROR, code, at->source, at->from_override, at->line,
                  at->col, "%s", msg);
}

/* ---- cross-field checks ---- */

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

static gboolean check_profile(CpuhpProfile *p, const YtNode *root, GError **error) {
  prof_loc_set(&p->at.arch, where(root, "arch", NULL));
  prof_loc_set(&p->at.version, where(root, "kernel.version", "arch"));
  prof_loc_set(&p->at.state_table, where(root, "kernel.state_table", NULL));
  if (!check_topology(p, root, error)) return FALSE;
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
  /* The BP polls for ALIVE once per alive_sleep until alive_timeout: the kernel sleeps
   * usleep_range(1000, 2000) within a 10 s timeout (cpuhp_wait_for_sync_state), some 7000 polls.
   * A tenth of that sleep at least keeps a run's events in proportion (60 s / 100 us). */
  if (sim_dist_mean(&p->kernel.alive_sleep) < (double)PROF_ALIVE_SLEEP_MIN) {
    char d[32];
    return FAIL(where(root, "kernel.alive_sleep", NULL), VALUE,
                "kernel.alive_sleep must average at least %s (the kernel sleeps 1 to 2 ms)",
                sim_format_duration(PROF_ALIVE_SLEEP_MIN, d, sizeof d));
  }
  return prof_bind_boot(p, root, error) && prof_bind_states(p, yt_mapping_get(root, "states"), error);
}

/* ---- public API ---- */

void cpuhp_profile_free(CpuhpProfile *p) {
  if (!p) return;
  if (p->prepared.free) p->prepared.free(p);
  prof_free_fields(p);
  prof_free_states(p);
  prof_free_boot(p);
  prof_loc_clear(&p->at.arch);
  prof_loc_clear(&p->at.version);
  prof_loc_clear(&p->at.state_table);
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

const char *cpuhp_profile_default_yaml(gsize *len) {
  *len = cpuhp_default_profile_yaml_len;
  return cpuhp_default_profile_yaml;
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
