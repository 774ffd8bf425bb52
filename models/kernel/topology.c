/* topology.c — enumeration of logical CPUs. */
#include "models/kernel/topology.h"

struct _CpuhpTopology {
  guint sockets, cores_per_socket, threads, nodes;
  guint n;
  CpuhpTopoCpu *cpus;
  CpuhpEnumeration enumeration;
  char *desc;
};

static char *describe(const CpuhpTopology *t) {
  guint full = t->sockets * t->cores_per_socket * t->threads;
  g_autofree char *cut = t->n < full ? g_strdup_printf(" (first %u present)", t->n) : g_strdup("");
  return g_strdup_printf("%u socket%s x %u cores x %u thread%s = %u CPUs%s, %u NUMA node%s",
                         t->sockets, t->sockets == 1 ? "" : "s", t->cores_per_socket, t->threads,
                         t->threads == 1 ? "" : "s", full, cut, t->nodes, t->nodes == 1 ? "" : "s");
}

CpuhpTopology *cpuhp_topology_new(const CpuhpProfile *p) {
  CpuhpTopology *t = g_new0(CpuhpTopology, 1);
  t->sockets = p->topology.sockets;
  t->cores_per_socket = p->topology.cores_per_socket;
  t->threads = p->topology.threads_per_core;
  t->nodes = p->topology.numa_nodes ? p->topology.numa_nodes : t->sockets;
  t->n = cpuhp_profile_n_cpus(p);
  t->enumeration = p->topology.enumeration;
  t->cpus = g_new0(CpuhpTopoCpu, t->n);
  guint cores = t->sockets * t->cores_per_socket;
  for (guint n = 0; n < t->n; n++) {
    CpuhpTopoCpu *c = &t->cpus[n];
    c->cpu = n;
    if (p->topology.enumeration == CPUHP_ENUM_PRIMARIES_FIRST) {
      c->thread = n / cores;
      c->core = n % cores;
    } else {
      c->thread = n % t->threads;
      c->core = n / t->threads;
    }
    c->package = c->core / t->cores_per_socket;
    c->primary = c->thread == 0;
    if (t->nodes >= t->sockets) { /* sub-NUMA clustering splits a package's cores */
      guint per_pkg = t->nodes / t->sockets;
      c->node = c->package * per_pkg + (c->core % t->cores_per_socket) / (t->cores_per_socket / per_pkg);
    } else {
      c->node = c->package / (t->sockets / t->nodes);
    }
  }
  t->desc = describe(t);
  return t;
}

gboolean cpuhp_topology_fits(const CpuhpTopology *t, const CpuhpProfile *p) {
  guint nodes = p->topology.numa_nodes ? p->topology.numa_nodes : p->topology.sockets;
  return t->sockets == p->topology.sockets && t->cores_per_socket == p->topology.cores_per_socket &&
         t->threads == p->topology.threads_per_core && t->nodes == nodes && t->n == cpuhp_profile_n_cpus(p) &&
         t->enumeration == p->topology.enumeration;
}

void cpuhp_topology_free(CpuhpTopology *t) {
  if (!t) return;
  g_free(t->cpus);
  g_free(t->desc);
  g_free(t);
}

guint cpuhp_topology_n_cpus(const CpuhpTopology *t) { return t->n; }
guint cpuhp_topology_n_packages(const CpuhpTopology *t) { return t->sockets; }
guint cpuhp_topology_n_cores(const CpuhpTopology *t) { return t->sockets * t->cores_per_socket; }
guint cpuhp_topology_n_nodes(const CpuhpTopology *t) { return t->nodes; }
guint cpuhp_topology_threads_per_core(const CpuhpTopology *t) { return t->threads; }

const CpuhpTopoCpu *cpuhp_topology_cpu(const CpuhpTopology *t, guint cpu) {
  g_assert(cpu < t->n);
  return &t->cpus[cpu];
}

const char *cpuhp_topology_describe(const CpuhpTopology *t) { return t->desc; }
