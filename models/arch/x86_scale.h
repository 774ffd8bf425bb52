/* x86_scale.h — what x86 bringup work costs as the machine grows: cache lines moved between
 * cores, by how far apart their packages are (models/arch/x86_scale.c).
 *
 * Contract: pure functions of the profile's x86 keys and the topology's size; every key at 0
 * (the schema's default) makes every cost here 0, so a profile that sets none of them does not
 * move. Distance: same package: x86.line_local; packages on one board (x86.sockets_per_board,
 * wired all-to-all): one hop (+ x86.line_hop); other boards of a glueless machine (at most
 * x86.glueless_max_sockets packages): two hops; beyond that boards are joined by node
 * controllers: x86.line_node_controller. */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "models/kernel/cpuhp.h"
#include "models/profile/profile.h"

/* Socket-interconnect hops between packages a and b of a `sockets`-package machine; -1 when
 * the two are on boards joined by node controllers. */
int x86_package_hops(const CpuhpProfile *p, guint sockets, guint a, guint b);
/* One cache line moved from a core of package b to a core of package a. */
int64_t x86_line_ns(const CpuhpProfile *p, guint sockets, guint a, guint b);

/* set_cpu_sibling_map() on an AP of package `pkg` (arch/x86/kernel/smpboot.c): in_pkg[q] CPUs
 * of package q are already in cpu_sibling_setup_mask. Both for_each_cpu() loops read
 * cpu_data(i) of every CPU there: one line per CPU, from its own package when `first_visit`
 * (no CPU of this package walked the mask since they joined), else from this package's caches;
 * for every CPU of the same package link_mask() writes i's LLC, die and package masks, and a
 * primary thread (threads == 1) also bumps cpu_data(i).booted_cores: 3 or 4 lines written. */
int64_t x86_sibling_map_ns(const CpuhpProfile *p, guint sockets, const guint *in_pkg, guint pkg,
                           gboolean first_visit, gboolean primary);

/* check_tsc_sync_target()/check_tsc_sync_source() (arch/x86/kernel/tsc_sync.c): each of the
 * start_count and stop_count rendezvous moves its atomic's line to the other CPU and back, 4
 * line transfers per run between the AP's package and the BP's; the warp loop between them
 * runs to its timeout whatever a line costs (it bounces sync_lock each iteration, so only the
 * number of iterations depends on the distance). */
int64_t x86_tsc_rendezvous_ns(const CpuhpProfile *p, guint sockets, guint pkg, guint bp_pkg);

/* Mean line cost from package `from` to a package chosen with the CPUs (equal packages), and
 * over every pair of packages. */
int64_t x86_mean_line_from_ns(const CpuhpProfile *p, guint sockets, guint from);
int64_t x86_mean_line_ns(const CpuhpProfile *p, guint sockets);

/* CpuhpArch.row_terms: callbacks whose loops store into every CPU's per-CPU data, each store
 * x86.store_line_pct of a line move (the store buffer overlaps the ownership requests):
 *  - mm/vmstat:online, per online CPU: vmstat_cpu_online() -> refresh_zone_stat_thresholds()
 *    (mm/vmstat.c, until "mm/vmstat: defer the refresh_zone_stat_thresholds after all CPUs
 *    bringup" in 6.13) sets each node's and zone's per-CPU stat_threshold for every online
 *    CPU: 2 x nodes stores per online CPU (the patch's own count), at the mean distance;
 *  - smpcfd:prepare, per possible CPU: smpcfd_prepare_cpu() -> alloc_percpu() -> pcpu_alloc()
 *    zeroes the new area of every possible CPU (mm/percpu.c), one line each, stored by the BP
 *    into each CPU's node. */
void x86_row_terms(const CpuhpProfile *p, const CpuhpStep *s, int64_t *per_possible_cpu, int64_t *per_online_cpu);

/* head_64.S, parallel bringup: the AP finds its CPU number by scanning cpuid_to_apicid[] from
 * 0 for its APIC ID, under tr_lock: cpu + 1 entries. */
int64_t x86_apicid_scan_ns(const CpuhpProfile *p, guint cpu);
