/* test_topology.c — logical CPU numbering under both firmware enumerations, NUMA, nr_cpus. */
#include "tests/testutil.h"

#include "models/kernel/topology.h"

static void test_primaries_first(void **state) {
  g_autoptr(CpuhpProfile) p = tu_profile(NULL); /* 2 x 28 x 2, primaries first */
  g_autoptr(CpuhpTopology) t = cpuhp_topology_new(p);
  assert_int_equal(cpuhp_topology_n_cpus(t), 112);
  const CpuhpTopoCpu *c27 = cpuhp_topology_cpu(t, 27), *c28 = cpuhp_topology_cpu(t, 28),
                     *c56 = cpuhp_topology_cpu(t, 56), *c111 = cpuhp_topology_cpu(t, 111);
  assert_true(c27->primary && c27->package == 0 && c27->core == 27 && c27->node == 0);
  assert_true(c28->primary && c28->package == 1 && c28->core == 28 && c28->node == 1);
  assert_true(!c56->primary && c56->core == 0 && c56->thread == 1 && c56->package == 0);
  assert_true(!c111->primary && c111->core == 55 && c111->package == 1);
}

static void test_interleaved_and_cut(void **state) {
  g_autoptr(CpuhpProfile) p = tu_profile("topology.sockets=2", "topology.cores_per_socket=3",
                                         "topology.threads_per_core=2", "topology.enumeration=interleaved",
                                         "topology.numa_nodes=0", "topology.nr_cpus=9", NULL);
  g_autoptr(CpuhpTopology) t = cpuhp_topology_new(p);
  assert_int_equal(cpuhp_topology_n_cpus(t), 9);
  for (guint n = 0; n < 9; n++) {
    const CpuhpTopoCpu *c = cpuhp_topology_cpu(t, n);
    assert_int_equal(c->thread, n % 2);
    assert_int_equal(c->core, n / 2);
    assert_int_equal(c->package, n / 6);
    assert_int_equal(c->primary, n % 2 == 0);
  }
  const char *d = cpuhp_topology_describe(t);
  assert_string_equal(d, "2 sockets x 3 cores x 2 threads = 12 CPUs (first 9 present), 2 NUMA nodes");
}

static void test_sub_numa_clustering(void **state) {
  g_autoptr(CpuhpProfile) p = tu_profile("topology.numa_nodes=4", NULL); /* SNC-2 on 2 x 28 */
  g_autoptr(CpuhpTopology) t = cpuhp_topology_new(p);
  assert_int_equal(cpuhp_topology_cpu(t, 0)->node, 0);
  assert_int_equal(cpuhp_topology_cpu(t, 14)->node, 1);
  assert_int_equal(cpuhp_topology_cpu(t, 28)->node, 2);
  assert_int_equal(cpuhp_topology_cpu(t, 55)->node, 3);
  assert_int_equal(cpuhp_topology_cpu(t, 56 + 14)->node, 1); /* a sibling shares its core's node */
}

/* A loaded profile carries its topology, built once from its own keys: the same CPUs as one
 * built anew, and the run's report describes it. */
static void test_profile_carries_it(void **state) {
  g_autoptr(CpuhpProfile) p = tu_profile("topology.sockets=4", "topology.cores_per_socket=3",
                                         "topology.enumeration=interleaved", "topology.numa_nodes=0", "topology.nr_cpus=20",
                                         NULL);
  const CpuhpTopology *own = cpuhp_topology_of(p);
  g_autoptr(CpuhpTopology) t = cpuhp_topology_new(p);
  assert_int_equal(cpuhp_topology_n_cpus(own), 20);
  assert_int_equal(cpuhp_topology_n_nodes(own), 4);
  for (guint n = 0; n < 20; n++)
    assert_memory_equal(cpuhp_topology_cpu(own, n), cpuhp_topology_cpu(t, n), sizeof(CpuhpTopoCpu));
  assert_string_equal(cpuhp_topology_describe(own), cpuhp_topology_describe(t));
  assert_string_equal(cpuhp_topology_describe(own),
                      "4 sockets x 3 cores x 2 threads = 24 CPUs (first 20 present), 4 NUMA nodes");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_primaries_first),
      cmocka_unit_test(test_interleaved_and_cut),
      cmocka_unit_test(test_sub_numa_clustering),
      cmocka_unit_test(test_profile_carries_it),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
