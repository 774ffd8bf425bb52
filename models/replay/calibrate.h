/* calibrate.h — a profile's callback costs fitted on real boots (`cpuhpsim calibrate`).
 *
 * Contract:
 * - Input: a base profile (its parsed form and its YAML text) and the measured timelines of one
 *   or more real boots (models/replay/replay.h). Only callbacks are fitted: every state the traces
 *   timed inside the bringup window whose callback is in the base profile's state table, one
 *   cost per instance of a multi-instance state, plus kernel.trace_rb_page from the global
 *   ring buffer's extra cost over the other instances; on x86, where the function tracer recorded
 *   the AP's own path, the medians of its post-release stages (x86.cpu_init, identify,
 *   tsc_sync_overhead, online_tail) between the traced functions that bound them. The waits
 *   (kick, bringup step) are never fitted and nothing is fitted on a total: the other platform
 *   parameters stay the base's.
 * - Output: the base YAML text with each fitted state's line replaced (or added) and a comment
 *   saying how many samples from which boots gave it (median, p10, p90); other lines are kept
 *   as they are. Positions come from the YAML parser; the result is loaded through the strict
 *   loader before it is returned, and an edit it refuses is an error, never an output.
 * - Deterministic: the same inputs in the same order give the same bytes. */
#pragma once

#include <glib.h>

#include "models/profile/profile.h"
#include "models/replay/replay.h"

typedef enum {
  CPUHP_FIT_MEDIAN,    /* a fixed cost: the median */
  CPUHP_FIT_LOGNORMAL, /* median and the sigma of the log-durations */
  CPUHP_FIT_EMPIRICAL, /* the samples (up to 32 quantiles) */
} CpuhpFit;

gboolean cpuhp_fit_parse(const char *name, CpuhpFit *out);

typedef struct {
  guint states_fitted;   /* profile states given a new cost */
  guint samples;         /* callback durations used */
  guint unmatched;       /* timed callbacks with no row in the table (listed in the output) */
  guint platform_fitted; /* AP-path costs fitted from function-tracer milestones (x86) */
  guint stalls;          /* timed callbacks left out as stalls (replay.h: host-side time) */
} CpuhpCalibrateStats;

gboolean cpuhp_calibrate(const CpuhpProfile *base, const char *base_yaml, CpuhpMeasured *const *boots,
                         const char *const *names, guint n_boots, CpuhpFit fit, GString *out,
                         CpuhpCalibrateStats *stats, GError **error);
