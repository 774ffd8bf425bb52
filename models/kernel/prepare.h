/* prepare.h — a loaded profile bound to the kernel model, ready to run.
 *
 * Loading (models/profile/profile.h) gives a typed, validated profile that knows no kernel.
 * Preparing picks the state table its kernel runs (kernel.state_table, kernel.version,
 * CONFIG_HOTPLUG_PARALLEL), checks the `states:` entries against that table, and builds once
 * what every run of the profile then shares read-only: the topology and the table's rows.
 *
 * Contract: every run takes a prepared profile; the cpuhp_machine_load_* calls load and
 * prepare in one. Errors are the loader's (CPUHP_PROFILE_ERROR, "FILE:LINE:COL: message" at the
 * entry or key at fault). What preparing built lives until cpuhp_profile_free(). */
#pragma once

#include <glib.h>

#include "models/kernel/cpuhp.h"
#include "models/kernel/rows.h"
#include "models/kernel/topology.h"
#include "models/profile/profile.h"

/* Binds a loaded profile to its state table, once per profile. After a failure the profile is
 * fit only for cpuhp_profile_free(). */
gboolean cpuhp_prepare(CpuhpProfile *p, GError **error);

/* cpuhp_profile_load_file/_data/_default (profile.h) followed by cpuhp_prepare(). */
CpuhpProfile *cpuhp_machine_load_file(const char *path, const GPtrArray *overrides,
                                      GError **error);
CpuhpProfile *cpuhp_machine_load_data(const char *source_name, const char *yaml, gsize len,
                                      const GPtrArray *overrides, GError **error);
CpuhpProfile *cpuhp_machine_load_default(const GPtrArray *overrides, GError **error);

/* The state table this profile's kernel runs (arch, version, CONFIG_HOTPLUG_PARALLEL). */
const CpuhpTable *cpuhp_profile_table(const CpuhpProfile *p);
/* That table's rows as a bringup walks them (rows.h), shared by every run of the profile. */
const CpuhpRows *cpuhp_profile_rows(const CpuhpProfile *p);
/* The CPUs of its topology.* keys (shared likewise; a profile whose topology keys were changed
 * in memory after preparing is a programmer error). */
const CpuhpTopology *cpuhp_topology_of(const CpuhpProfile *p);
