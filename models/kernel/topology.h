/* topology.h — logical CPU numbers to package/core/thread/NUMA node, as firmware enumerates them.
 *
 * Contract: CPU 0 is the boot CPU. A primary thread is thread 0 of its core (x86: APIC ID with
 * all SMT bits zero). Which logical numbers are primaries depends on the enumeration order
 * (topology.enumeration): servers often list every primary first, QEMU interleaves siblings. */
#pragma once

#include <glib.h>

#include "models/profile/profile.h"

typedef struct {
  guint cpu;
  guint package;   /* socket */
  guint core;      /* machine-wide core index: package * cores_per_socket + core in package */
  guint thread;    /* SMT thread within the core; 0 = primary */
  guint node;      /* NUMA node */
  gboolean primary;
} CpuhpTopoCpu;

typedef struct _CpuhpTopology CpuhpTopology;

CpuhpTopology *cpuhp_topology_new(const CpuhpProfile *p);
void cpuhp_topology_free(CpuhpTopology *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CpuhpTopology, cpuhp_topology_free)
/* Whether `t` is what cpuhp_topology_new(p) builds (the profile's shared one: prepare.h). */
gboolean cpuhp_topology_fits(const CpuhpTopology *t, const CpuhpProfile *p);

guint cpuhp_topology_n_cpus(const CpuhpTopology *t);
guint cpuhp_topology_n_packages(const CpuhpTopology *t);
guint cpuhp_topology_n_cores(const CpuhpTopology *t);   /* machine-wide, incl. cut-off ones */
guint cpuhp_topology_n_nodes(const CpuhpTopology *t);
guint cpuhp_topology_threads_per_core(const CpuhpTopology *t);
const CpuhpTopoCpu *cpuhp_topology_cpu(const CpuhpTopology *t, guint cpu);
/* "2 sockets x 28 cores x 2 threads = 112 CPUs, 2 NUMA nodes" (owned by t) */
const char *cpuhp_topology_describe(const CpuhpTopology *t);
