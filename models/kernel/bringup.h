/* bringup.h — one simulated SMP bringup: bringup_nonboot_cpus() on the modelled machine.
 *
 * Contract: a pure function of (profile, options): same inputs, same result, byte for byte.
 * Serial bringup (no HOTPLUG_PARALLEL, cpuhp.parallel=0, or an arch veto) runs each CPU through
 * PREPARE, kick, alive wait, STARTING and ONLINE before the next; parallel bringup kicks every
 * CPU of a group to CPUHP_BP_KICK_AP first and then takes each to CPUHP_ONLINE in CPU order, the
 * primary threads as one group before the siblings when the kernel is SMT-aware. */
#pragma once

#include <glib.h>

#include "models/profile/profile.h"
#include "models/kernel/result.h"

/* An injected fault, with the kernel's semantics. */
typedef struct {
  guint cpu;
  guint16 step;      /* /sys/devices/system/cpu/cpuN/hotplug/fail: this state's callback
                        returns -EAGAIN once, without running; 0 with no_alive */
  gboolean no_alive; /* the AP never runs after its kick: the BP times out */
} CpuhpFault;

/* Deliberately wrong variants of the model, each breaking one rule of kernel/cpu.c: they exist
 * so that tests can show the invariant checker (and `verify`) catches each. Never for results. */
typedef enum {
  CPUHP_MUTATE_NONE,
  CPUHP_MUTATE_SIBLING_FIRST,   /* SMT-aware bringup with the siblings' group first */
  CPUHP_MUTATE_RELEASE_TWO,     /* the BP also releases the next AP that is already ALIVE */
  CPUHP_MUTATE_NO_RELEASE_WAIT, /* an AP goes on past ALIVE without waiting to be released */
  CPUHP_MUTATE_PREPARE_ON_AP,   /* PREPARE callbacks run on the AP being brought up */
  CPUHP_MUTATE_SKIP_TEARDOWN,   /* a failed CPU is marked offline without its teardowns */
  CPUHP_MUTATE_N,
} CpuhpMutation;

const char *cpuhp_mutation_name(CpuhpMutation m);
/* By name ("sibling-first", ...); FALSE if unknown. */
gboolean cpuhp_mutation_parse(const char *name, CpuhpMutation *out);

/* Far above any real bringup (65536 CPUs take some tens of millions). */
#define CPUHP_MAX_EVENTS_DEFAULT UINT64_C(100000000)

typedef struct {
  uint64_t seed;
  gboolean trace; /* record cpuhp trace events in the result */
  CpuhpMutation mutation;
  const CpuhpFault *faults;
  guint n_faults;
  const struct _CpuhpPolicy *policy; /* ordering policy (policy.h); NULL: "kernel" */
  uint64_t max_events; /* the run is an error once it takes this many events (a runaway);
                          0: CPUHP_MAX_EVENTS_DEFAULT */
  gboolean queue_every_event; /* for tests: no continuation runs in place (sim_engine_advance());
                                 the result must be the same, byte for byte */
} CpuhpRunOptions;

/* Parses "CPU:STATE" (STATE a step number or a state name) for --fail, or "CPU" for --no-alive
 * (no_alive TRUE), refusing what the kernel refuses: CPU 0, a CPU that does not exist, a state
 * without a startup callback or absent from the profile, and the atomic STARTING states.
 * Errors name `flag`. */
gboolean cpuhp_fault_parse(const CpuhpProfile *p, const char *flag, const char *spec,
                           gboolean no_alive, CpuhpFault *out, GError **error);

/* NULL with *error set only when the profile or the policy asks for something the models do
 * not have (e.g. a parallel policy on a kernel without split startup). */
CpuhpResult *cpuhp_bringup_run(const CpuhpProfile *p, const CpuhpRunOptions *opt, GError **error);
