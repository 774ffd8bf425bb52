/* policy.h — ordering policies: which cpu_up(cpu, target) calls the control CPU makes, in
 * which order.
 *
 * Contract: a policy turns (profile, topology, state table) into the ordered list of cpu_up()
 * calls that bringup_nonboot_cpus() — or a variant of it — would make; everything else (the
 * callbacks, the waits, the hardware) is the same model. `kernel` is what the profile's kernel
 * does (serial, parallel, SMT primary first, per its settings); the others are what-ifs. Calls
 * after `boot_calls` are deferred: made after init, one CPU at a time, as userspace onlining
 * would make them. Policies are a table; each is one function. */
#pragma once

#include <glib.h>

#include "models/kernel/cpuhp.h"
#include "models/profile/profile.h"
#include "models/kernel/topology.h"

typedef struct {
  guint cpu;
  guint16 target;
} CpuhpUpCall;

typedef struct _CpuhpPolicy CpuhpPolicy;

/* "kernel", "serial", "parallel", "parallel-smt", "numa-first", "socket-interleaved",
 * "waves:K", "deferred:K", "order:C,C,...". Errors name the spec. */
CpuhpPolicy *cpuhp_policy_parse(const char *spec, GError **error);
void cpuhp_policy_free(CpuhpPolicy *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CpuhpPolicy, cpuhp_policy_free)
const char *cpuhp_policy_spec(const CpuhpPolicy *p);
/* A policy as `cpuhpsim policies` lists it. */
typedef struct {
  const char *name;    /* "waves" */
  const char *param;   /* the syntax of its parameter after "name:" ("K"); NULL when it takes none */
  const char *meaning;
} CpuhpPolicyInfo;
/* The i-th policy cpuhp_policy_parse() knows, NULL past the last; static. */
const CpuhpPolicyInfo *cpuhp_policy_nth(guint i);

typedef struct {
  GArray *calls;        /* CpuhpUpCall, in order */
  guint boot_calls;     /* calls[0 .. boot_calls) happen before init; the rest after */
  gboolean parallel;    /* kicks run ahead of the bringup steps */
  gboolean smt_aware;   /* primary threads as a group before their siblings */
} CpuhpPlan;

/* FALSE with *error when the policy cannot run on this machine (e.g. a parallel policy on a
 * kernel without split startup, an order naming a CPU that does not exist). */
gboolean cpuhp_policy_plan(const CpuhpPolicy *pol, const CpuhpProfile *p, const CpuhpTopology *t,
                           const CpuhpTable *table, CpuhpPlan *out, GError **error);
void cpuhp_plan_clear(CpuhpPlan *plan);
