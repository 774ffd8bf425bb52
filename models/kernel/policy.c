/* policy.c — the ordering policies. Each builds cpu_up() call lists out of two primitives of
 * kernel/cpu.c: the serial loop (each CPU to CPUHP_ONLINE) and the parallel pair of passes
 * (every CPU of a group to CPUHP_BP_KICK_AP, then each to CPUHP_ONLINE). */
#include "models/kernel/policy.h"

#include <stdlib.h>
#include <string.h>

struct _CpuhpPolicy {
  const struct PolicyKind *kind;
  guint k;        /* waves:K, deferred:K */
  GArray *order;  /* order:...: guint CPUs */
  char *spec;
};

typedef struct {
  const CpuhpPolicy *pol;
  const CpuhpProfile *p;
  const CpuhpTopology *t;
  const CpuhpTable *table;
  CpuhpPlan *out;
} Ctx;

static void call(Ctx *x, guint cpu, guint16 target) {
  CpuhpUpCall c = {cpu, target};
  g_array_append_val(x->out->calls, c);
}

/* cpuhp_bringup_mask(mask, target); every run plans, so the calls are written in place */
static void mask_to(Ctx *x, GArray *cpus, guint16 target) {
  GArray *calls = x->out->calls;
  guint base = calls->len;
  g_array_set_size(calls, base + cpus->len);
  CpuhpUpCall *out = &g_array_index(calls, CpuhpUpCall, base);
  for (guint i = 0; i < cpus->len; i++) out[i] = (CpuhpUpCall){g_array_index(cpus, guint, i), target};
}

/* The two passes of cpuhp_bringup_cpus_parallel() for one group. */
static void parallel_group(Ctx *x, GArray *cpus) {
  mask_to(x, cpus, x->table->kick_ap);
  mask_to(x, cpus, x->table->online);
}

static GArray *aps(Ctx *x, gint primary /* -1 all, 1 primaries, 0 siblings */) {
  guint n = cpuhp_topology_n_cpus(x->t), k = 0;
  GArray *a = g_array_sized_new(FALSE, FALSE, sizeof(guint), n);
  g_array_set_size(a, n);
  for (guint c = 1; c < n; c++) {
    gboolean pri = cpuhp_topology_cpu(x->t, c)->primary;
    if (primary < 0 || (primary == 1) == pri) g_array_index(a, guint, k++) = c;
  }
  g_array_set_size(a, k);
  return a;
}

static gboolean need_split(Ctx *x, GError **error) {
  if (x->table->kick_ap) return TRUE;
  g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_VALUE,
              "policy %s: kernel %s on %s has no split startup (CPUHP_BP_KICK_AP), so no parallel bringup",
              x->pol->spec, x->p->kernel.version, x->p->arch);
  return FALSE;
}

static gboolean plan_serial(Ctx *x, GError **error) {
  g_autoptr(GArray) all = aps(x, -1);
  mask_to(x, all, x->table->online);
  return TRUE;
}

static gboolean plan_parallel(Ctx *x, GError **error) {
  if (!need_split(x, error)) return FALSE;
  g_autoptr(GArray) all = aps(x, -1);
  parallel_group(x, all);
  x->out->parallel = TRUE;
  return TRUE;
}

static gboolean plan_parallel_smt(Ctx *x, GError **error) {
  if (!need_split(x, error)) return FALSE;
  if (cpuhp_topology_threads_per_core(x->t) < 2) return plan_parallel(x, error);
  g_autoptr(GArray) pri = aps(x, 1), sib = aps(x, 0);
  parallel_group(x, pri);
  parallel_group(x, sib);
  x->out->parallel = x->out->smt_aware = TRUE;
  return TRUE;
}

/* cpuhp_bringup_mask(mask, ncpus, ...) counts every CPU of the mask it visits, the boot CPU
 * included, and stops when the count is used up (maxcpus=). Returns how many were visited. */
static guint take(GArray *cpus, gboolean with_boot_cpu, guint ncpus) {
  guint budget = ncpus - (with_boot_cpu ? MIN(ncpus, 1u) : 0);
  if (cpus->len > budget) g_array_set_size(cpus, budget);
  return cpus->len + (with_boot_cpu && ncpus ? 1 : 0);
}

/* bringup_nonboot_cpus(setup_max_cpus) as the profile's kernel does it. */
static gboolean plan_kernel(Ctx *x, GError **error) {
  const CpuhpProfile *p = x->p;
  gboolean parallel = p->kernel.hotplug_parallel && p->kernel.cpuhp_parallel && !p->kernel.parallel_veto &&
                      x->table->kick_ap != 0;
  guint ncpus = p->kernel.maxcpus < 0 ? G_MAXUINT : (guint)p->kernel.maxcpus;
  if (ncpus == 0) return TRUE; /* maxcpus=0 / nosmp: no AP at all */
  if (!parallel) {
    g_autoptr(GArray) all = aps(x, -1);
    take(all, TRUE, ncpus);
    mask_to(x, all, x->table->online);
    return TRUE;
  }
  x->out->parallel = TRUE;
  if (p->kernel.smt_primary_first && cpuhp_topology_threads_per_core(x->t) > 1) {
    g_autoptr(GArray) pri = aps(x, 1), sib = aps(x, 0);
    guint visited = take(pri, TRUE, ncpus);
    parallel_group(x, pri);
    ncpus -= visited; /* ncpus -= num_online_cpus() */
    take(sib, FALSE, ncpus);
    parallel_group(x, sib);
    x->out->smt_aware = TRUE;
    return TRUE;
  }
  g_autoptr(GArray) all = aps(x, -1);
  take(all, TRUE, ncpus);
  parallel_group(x, all);
  return TRUE;
}

static gint by_key(gconstpointer a, gconstpointer b, gpointer keys) {
  guint ka = ((guint *)keys)[*(const guint *)a], kb = ((guint *)keys)[*(const guint *)b];
  if (ka != kb) return ka < kb ? -1 : 1;
  return *(const guint *)a < *(const guint *)b ? -1 : *(const guint *)a > *(const guint *)b;
}

/* Parallel, SMT-aware, each group sorted by a per-CPU key (stable on CPU number). */
static gboolean plan_sorted(Ctx *x, GError **error, gboolean by_node) {
  if (!need_split(x, error)) return FALSE;
  guint n = cpuhp_topology_n_cpus(x->t);
  g_autofree guint *keys = g_new0(guint, n);
  guint per_pkg = cpuhp_topology_n_cores(x->t) / cpuhp_topology_n_packages(x->t);
  for (guint c = 0; c < n; c++) {
    const CpuhpTopoCpu *tc = cpuhp_topology_cpu(x->t, c);
    /* numa-first: node by node; socket-interleaved: core i of every socket before core i+1 */
    keys[c] = by_node ? tc->node : (tc->core % per_pkg) * cpuhp_topology_n_packages(x->t) + tc->package;
  }
  gboolean smt = cpuhp_topology_threads_per_core(x->t) > 1;
  for (gint group = smt ? 1 : -1; group >= (smt ? 0 : -1); group--) {
    g_autoptr(GArray) g = aps(x, group);
    g_array_sort_with_data(g, by_key, keys);
    parallel_group(x, g);
  }
  x->out->parallel = TRUE;
  x->out->smt_aware = smt;
  return TRUE;
}

static gboolean plan_numa_first(Ctx *x, GError **error) { return plan_sorted(x, error, TRUE); }
static gboolean plan_socket_interleaved(Ctx *x, GError **error) { return plan_sorted(x, error, FALSE); }

/* At most K APs kicked and not yet online: kick K ahead, then each online call frees a slot
 * for the next kick. Within each group: the primary threads all come up before a sibling is
 * kicked, as the kernel's SMT rule wants. */
static void waves_group(Ctx *x, GArray *order, guint k) {
  guint n = order->len, kicked = 0;
  for (guint i = 0; i < n; i++) {
    while (kicked < n && kicked < i + k) call(x, g_array_index(order, guint, kicked++), x->table->kick_ap);
    call(x, g_array_index(order, guint, i), x->table->online);
  }
}

static gboolean plan_waves(Ctx *x, GError **error) {
  if (!need_split(x, error)) return FALSE;
  g_autoptr(GArray) pri = aps(x, 1), sib = aps(x, 0);
  waves_group(x, pri, x->pol->k);
  waves_group(x, sib, x->pol->k);
  x->out->parallel = TRUE;
  x->out->smt_aware = sib->len > 0;
  return TRUE;
}

/* The kernel's bringup for CPUs 1..K-1 (maxcpus=K), the rest onlined after init, one by one. */
static gboolean plan_deferred(Ctx *x, GError **error) {
  guint n = cpuhp_topology_n_cpus(x->t), k = MIN(x->pol->k, n);
  if (!plan_kernel(x, error)) return FALSE;
  GArray *calls = x->out->calls;
  g_autoptr(GArray) boot = g_array_new(FALSE, FALSE, sizeof(CpuhpUpCall));
  /* keep the kernel's calls for the first K-1 APs in the order it makes them */
  g_autofree gboolean *at_boot = g_new0(gboolean, n);
  guint chosen = 0;
  for (guint i = 0; i < calls->len && chosen + 1 < k; i++) {
    guint c = g_array_index(calls, CpuhpUpCall, i).cpu;
    if (!at_boot[c]) at_boot[c] = TRUE, chosen++;
  }
  for (guint i = 0; i < calls->len; i++)
    if (at_boot[g_array_index(calls, CpuhpUpCall, i).cpu]) g_array_append_val(boot, g_array_index(calls, CpuhpUpCall, i));
  g_array_set_size(calls, 0);
  g_array_append_vals(calls, boot->data, boot->len);
  x->out->boot_calls = calls->len;
  for (int primary = 1; primary >= 0; primary--) /* primaries first, as at boot */
    for (guint c = 1; c < n; c++)
      if (!at_boot[c] && cpuhp_topology_cpu(x->t, c)->primary == primary) call(x, c, x->table->online);
  return TRUE;
}

/* An explicit order: kicked in that order, then brought online in that order. */
static gboolean plan_order(Ctx *x, GError **error) {
  if (!need_split(x, error)) return FALSE;
  guint n = cpuhp_topology_n_cpus(x->t);
  g_autofree gboolean *seen = g_new0(gboolean, n);
  for (guint i = 0; i < x->pol->order->len; i++) {
    guint c = g_array_index(x->pol->order, guint, i);
    if (c == 0 || c >= n || seen[c]) {
      g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_VALUE, "policy %s: CPU %u %s", x->pol->spec, c,
                  c == 0 ? "is the boot CPU" : c >= n ? "does not exist" : "is listed twice");
      return FALSE;
    }
    seen[c] = TRUE;
  }
  for (guint c = 1; c < n; c++)
    if (!seen[c]) {
      g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_VALUE, "policy %s: CPU %u is missing", x->pol->spec, c);
      return FALSE;
    }
  parallel_group(x, x->pol->order);
  x->out->parallel = TRUE;
  return TRUE;
}

typedef struct PolicyKind {
  CpuhpPolicyInfo info;
  gboolean (*plan)(Ctx *x, GError **error);
} PolicyKind;

static const PolicyKind kinds[] = {
    {{"kernel", NULL, "what the profile's kernel does (cpuhp.parallel, HOTPLUG_SMT)"}, plan_kernel},
    {{"serial", NULL, "each CPU to CPUHP_ONLINE before the next (cpuhp.parallel=0)"}, plan_serial},
    {{"parallel", NULL, "kick every AP, then bring each online, in CPU order, no SMT rule"}, plan_parallel},
    {{"parallel-smt", NULL, "parallel, primary threads as a group before their siblings"}, plan_parallel_smt},
    {{"numa-first", NULL, "parallel-smt with each group ordered NUMA node by node"}, plan_numa_first},
    {{"socket-interleaved", NULL, "parallel-smt with each group ordered core i of every socket, then i+1"}, plan_socket_interleaved},
    {{"waves", "K", "at most K APs kicked and not yet online at once (primaries, then siblings)"}, plan_waves},
    {{"deferred", "K", "the kernel's bringup for K CPUs at boot, the rest onlined after init, one by one, primaries first"}, plan_deferred},
    {{"order", "C,C,...", "kick in this CPU order, then bring online in this order"}, plan_order},
};

const CpuhpPolicyInfo *cpuhp_policy_nth(guint i) { return i < G_N_ELEMENTS(kinds) ? &kinds[i].info : NULL; }

CpuhpPolicy *cpuhp_policy_parse(const char *spec, GError **error) {
  g_autoptr(CpuhpPolicy) pol = g_new0(CpuhpPolicy, 1);
  pol->spec = g_strdup(spec);
  const char *colon = strchr(spec, ':');
  g_autofree char *name = colon ? g_strndup(spec, colon - spec) : g_strdup(spec);
  for (guint i = 0; i < G_N_ELEMENTS(kinds); i++)
    if (g_str_equal(kinds[i].info.name, name)) pol->kind = &kinds[i];
  if (!pol->kind) {
    g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_VALUE, "--policy=%s: unknown policy '%s'", spec, name);
    return NULL;
  }
  if (!pol->kind->info.param != !colon) {
    g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_VALUE, "--policy=%s: %s %s", spec, name,
                pol->kind->info.param ? "needs a parameter" : "takes no parameter");
    return NULL;
  }
  if (!colon) return g_steal_pointer(&pol);
  if (g_str_equal(name, "order")) {
    pol->order = g_array_new(FALSE, FALSE, sizeof(guint));
    g_auto(GStrv) items = g_strsplit(colon + 1, ",", -1);
    for (char **it = items; *it; it++) {
      guint64 v;
      if (!g_ascii_string_to_unsigned(*it, 10, 0, G_MAXUINT, &v, NULL)) {
        g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_VALUE, "--policy=%s: '%s' is not a CPU number", spec, *it);
        return NULL;
      }
      guint c = (guint)v;
      g_array_append_val(pol->order, c);
    }
    return g_steal_pointer(&pol);
  }
  guint64 k;
  if (!g_ascii_string_to_unsigned(colon + 1, 10, 1, CPUHP_PROFILE_MAX_CPUS, &k, NULL)) {
    g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_VALUE, "--policy=%s: K must be a number from 1 to %u", spec,
                CPUHP_PROFILE_MAX_CPUS);
    return NULL;
  }
  pol->k = (guint)k;
  return g_steal_pointer(&pol);
}

void cpuhp_policy_free(CpuhpPolicy *p) {
  if (!p) return;
  if (p->order) g_array_unref(p->order);
  g_free(p->spec);
  g_free(p);
}

const char *cpuhp_policy_spec(const CpuhpPolicy *p) { return p->spec; }

gboolean cpuhp_policy_plan(const CpuhpPolicy *pol, const CpuhpProfile *p, const CpuhpTopology *t,
                           const CpuhpTable *table, CpuhpPlan *out, GError **error) {
  /* every policy makes at most two calls per AP: no growth while planning */
  guint n = cpuhp_topology_n_cpus(t);
  *out = (CpuhpPlan){.calls = g_array_sized_new(FALSE, FALSE, sizeof(CpuhpUpCall), 2 * n)};
  Ctx x = {pol, p, t, table, out};
  if (!pol->kind->plan(&x, error)) {
    cpuhp_plan_clear(out);
    return FALSE;
  }
  if (pol->kind->plan != plan_deferred) out->boot_calls = out->calls->len;
  return TRUE;
}

void cpuhp_plan_clear(CpuhpPlan *plan) { g_clear_pointer(&plan->calls, g_array_unref); }
