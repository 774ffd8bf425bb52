/* bringup.h — one simulated SMP bringup: bringup_nonboot_cpus() on the modelled machine.
 *
 * Contract: a pure function of (profile, options): same inputs, same result, byte for byte.
 * Serial bringup (no HOTPLUG_PARALLEL, cpuhp.parallel=0, or an arch veto) runs each CPU through
 * PREPARE, kick, alive wait, STARTING and ONLINE before the next; parallel bringup kicks every
 * CPU of a group to CPUHP_BP_KICK_AP first and then takes each to CPUHP_ONLINE in CPU order, the
 * primary threads as one group before the siblings when the kernel is SMT-aware. */
#pragma once

#include <glib.h>

#include "models/profile.h"
#include "models/result.h"

typedef struct {
  uint64_t seed;
  gboolean trace; /* record cpuhp trace events in the result */
} CpuhpRunOptions;

/* NULL with *error set only when the profile asks for something the models do not have. */
CpuhpResult *cpuhp_bringup_run(const CpuhpProfile *p, const CpuhpRunOptions *opt, GError **error);
