/* x86_fit.h — `calibrate` on x86: the AP's own path after its release (the x86 profile
 * section's cpu_init, identify, tsc_sync_overhead, online_tail), each the median over the APs
 * of the time between the first calls of the two traced functions that bound it, where the
 * function tracer recorded them (ftrace_filter). A stage with fewer than two samples is not
 * fitted. Reached through the arch registry (CpuhpArch.fit_ap_path), never by name. */
#pragma once

#include <glib.h>

#include "models/replay/replay.h"

/* Appends a CpuhpFitKey (models/replay/calibrate.h) to `keys` per stage fitted. */
void x86_fit_ap_path(CpuhpMeasured *const *boots, guint n_boots, GArray *keys);
