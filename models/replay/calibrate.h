/* calibrate.h — a profile's callback costs fitted on real boots (`cpuhpsim calibrate`).
 *
 * Contract:
 * - Input: a base profile and the measured timelines of one or more real boots
 *   (models/replay/replay.h). Only callbacks are fitted: every state the traces timed inside
 *   the bringup window whose callback is in the base profile's state table, one cost per
 *   instance of a multi-instance state, plus kernel.trace_rb_page from the global ring buffer's
 *   extra cost over the other instances; and the arch's own AP path where it has a fit for it
 *   (CpuhpArch.fit_ap_path: x86 takes the medians of its post-release stages between the
 *   function-tracer milestones that bound them). The waits (kick, bringup step) are never
 *   fitted, nor stalls, and nothing is fitted on a total: the other platform parameters stay
 *   the base's. A base's per-CPU terms are kept and the fit is what is left once they are
 *   taken out at each boot's own CPU counts.
 * - Output: a CpuhpCalibration, typed: per state its fitted cost per instance and the spread
 *   of its samples (n, boots, median, p10, p90); per scalar key its value and what it was
 *   fitted on. sim/output/profile_edit.c writes it into a copy of the base's YAML text.
 * - Deterministic: the same inputs in the same order give the same result. */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "models/kernel/cpuhp.h"
#include "models/profile/profile.h"
#include "models/replay/replay.h"

typedef enum {
  CPUHP_FIT_MEDIAN,    /* a fixed cost: the median */
  CPUHP_FIT_LOGNORMAL, /* median and the sigma of the log-durations */
  CPUHP_FIT_EMPIRICAL, /* the samples (up to CPUHP_FIT_MAX_EMPIRICAL quantiles) */
} CpuhpFit;

#define CPUHP_FIT_MAX_EMPIRICAL 32u

gboolean cpuhp_fit_parse(const char *name, CpuhpFit *out);
/* "median", "lognormal", "empirical". */
const char *cpuhp_fit_name(CpuhpFit fit);

/* How a value's samples spread, for the comment beside it. */
typedef struct {
  guint n;                  /* 0: the value is not a median of samples */
  int64_t median, p10, p90; /* ns */
} CpuhpFitSpread;

/* Sorts `ns` (int64_t, at least one) and gives its spread. */
CpuhpFitSpread cpuhp_fit_spread(GArray *ns);

/* One fitted cost. A lognormal of (near) zero sigma, or too few samples for the asked
 * distribution, is a fixed cost. */
typedef struct {
  CpuhpFit dist;
  int64_t median;  /* MEDIAN: the cost; LOGNORMAL: its median */
  double sigma;    /* LOGNORMAL */
  GArray *samples; /* EMPIRICAL: int64_t ns ascending, the samples or their quantiles; else NULL */
} CpuhpFitCost;

typedef struct {
  const CpuhpStep *row;   /* the state in the base's table (its name, at_boot, multi_instance) */
  GArray *instances;      /* CpuhpFitCost, one per instance timed (one for a single-instance state) */
  gboolean per_cpu;       /* the base has per-CPU terms, kept beside the fit */
  int64_t per_possible_cpu, per_online_cpu;
  CpuhpFitSpread spread;  /* of every instance's samples together */
  guint boots;            /* how many boots gave samples (boots from the 64th on count as one) */
} CpuhpFitState;

/* A scalar profile key the fit sets, BLOCK.KEY. */
typedef struct {
  const char *block, *key; /* "kernel", "trace_rb_page"; static strings */
  int64_t value;           /* ns */
  const char *basis;       /* what it was fitted on, for its comment; static */
  CpuhpFitSpread spread;   /* of the samples `value` is the median of; n = 0 when it is not one */
  gboolean ap_path;        /* from the arch's AP path fit */
} CpuhpFitKey;

/* A timed callback whose state is not in the base's table: not fitted. */
typedef struct {
  char *callback;
  int32_t step;
  guint count;
} CpuhpFitUnmatched;

typedef struct {
  guint states_fitted;   /* profile states given a new cost */
  guint samples;         /* callback durations used */
  guint unmatched;       /* timed callbacks with no row in the table (listed in the output) */
  guint platform_fitted; /* AP-path costs fitted from function-tracer milestones */
  guint stalls;          /* timed callbacks left out as stalls (replay.h: host-side time) */
} CpuhpCalibrateStats;

typedef struct {
  CpuhpFit fit;
  GArray *states;    /* CpuhpFitState, in the table's order */
  GArray *keys;      /* CpuhpFitKey: kernel.trace_rb_page when fitted, then the arch's AP path */
  GArray *unmatched; /* CpuhpFitUnmatched, in the order first seen */
  CpuhpCalibrateStats stats;
} CpuhpCalibration;

/* NULL with *error when the boots time no callback of the base's table. */
CpuhpCalibration *cpuhp_calibrate(const CpuhpProfile *base, CpuhpMeasured *const *boots, guint n_boots, CpuhpFit fit,
                                  GError **error);
void cpuhp_calibration_free(CpuhpCalibration *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CpuhpCalibration, cpuhp_calibration_free)
