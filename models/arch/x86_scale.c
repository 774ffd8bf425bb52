/* x86_scale.c — cache-line costs by distance, and the bringup work made of them. */
#include "models/arch/x86_scale.h"

#include <math.h>
#include <string.h>

int x86_package_hops(const CpuhpProfile *p, guint sockets, guint a, guint b) {
  if (a == b) return 0;
  guint per_board = MAX(p->x86.sockets_per_board, 1);
  if (a / per_board == b / per_board) return 1;
  /* Intel's glueless 8-socket wiring (three UPI links per socket) reaches every socket in at
   * most two hops; beyond the glueless limit the boards talk through node controllers. */
  return sockets <= p->x86.glueless_max_sockets ? 2 : -1;
}

int64_t x86_line_ns(const CpuhpProfile *p, guint sockets, guint a, guint b) {
  int hops = x86_package_hops(p, sockets, a, b);
  if (hops < 0) return p->x86.line_node_controller;
  return p->x86.line_local + hops * p->x86.line_hop;
}

int64_t x86_sibling_map_ns(const CpuhpProfile *p, guint sockets, const guint *in_pkg, guint pkg,
                           gboolean first_visit, gboolean primary) {
  int64_t ns = 0;
  guint total = 0;
  for (guint q = 0; q < sockets; q++) {
    int64_t line = first_visit ? x86_line_ns(p, sockets, pkg, q) : p->x86.line_local;
    ns += (int64_t)in_pkg[q] * line;
    total += in_pkg[q];
  }
  ns += (int64_t)in_pkg[pkg] * (primary ? 4 : 3) * p->x86.line_local;
  return ns + p->x86.sibling_map_per_cpu * (int64_t)total;
}

int64_t x86_tsc_rendezvous_ns(const CpuhpProfile *p, guint sockets, guint pkg, guint bp_pkg) {
  return 4 * x86_line_ns(p, sockets, pkg, bp_pkg);
}

int64_t x86_apicid_scan_ns(const CpuhpProfile *p, guint cpu) {
  return p->x86.apicid_scan_per_cpu * (int64_t)(cpu + 1);
}

int64_t x86_mean_line_from_ns(const CpuhpProfile *p, guint sockets, guint from) {
  int64_t sum = 0;
  for (guint q = 0; q < sockets; q++) sum += x86_line_ns(p, sockets, from, q);
  return sum / MAX(sockets, 1);
}

int64_t x86_mean_line_ns(const CpuhpProfile *p, guint sockets) {
  int64_t sum = 0;
  for (guint a = 0; a < sockets; a++)
    for (guint q = 0; q < sockets; q++) sum += x86_line_ns(p, sockets, a, q);
  return sum / MAX((int64_t)sockets * sockets, 1);
}

static int64_t store_ns(const CpuhpProfile *p, int64_t line) {
  return (int64_t)llround((double)line * p->x86.store_line_pct / 100.0);
}

void x86_row_terms(const CpuhpProfile *p, const CpuhpStep *s, int64_t *per_possible_cpu, int64_t *per_online_cpu) {
  if (p->x86.store_line_pct <= 0 || !s->startup) return;
  guint sockets = p->topology.sockets;
  guint nodes = p->topology.numa_nodes ? p->topology.numa_nodes : sockets;
  if (!strcmp(s->name, "mm/vmstat:online"))
    *per_online_cpu += 2 * (int64_t)nodes * store_ns(p, x86_mean_line_ns(p, sockets));
  else if (!strcmp(s->name, "smpcfd:prepare"))
    *per_possible_cpu += store_ns(p, x86_mean_line_from_ns(p, sockets, 0));
}
