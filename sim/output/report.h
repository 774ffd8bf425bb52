/* report.h — outputs of one run, read from a CpuhpResult only.
 *
 * Contract: each writer appends to a GString and is deterministic (integers in ns, fixed
 * formatting), so the same result always gives the same bytes. */
#pragma once

#include <glib.h>

#include "models/kernel/montecarlo.h"
#include "models/profile/profile.h"
#include "models/kernel/result.h"
#include "sim/output/json_write.h"

/* One parameter of the kernel command line and what it changed. */
typedef struct {
  const char *param;      /* as written */
  const char *mechanism;
  gboolean modelled;
  int64_t without_ns;     /* bringup with the same inputs but this parameter removed */
} CpuhpCmdlineEffect;

/* What a run was asked to add to its report (all optional). */
typedef struct {
  const char *cmdline;
  const CpuhpCmdlineEffect *effects;
  guint n_effects;
  gboolean checked;          /* invariants were checked */
  guint n_invariants;
  const GArray *violations;  /* CpuhpViolation */
  gboolean strict;           /* a known property of the kernel counts as a violation too */
  const GArray *table_violations; /* CpuhpTableViolation of the run's state table */
  guint n_table_rules;
  const char *table;         /* "arch/version" of that table */
  gboolean fingerprinted;
  uint64_t fingerprint;
} CpuhpReportExtras;

void cpuhp_report_text(GString *out, const CpuhpResult *r, const CpuhpReportExtras *x);
void cpuhp_report_json(GString *out, const CpuhpResult *r, const CpuhpReportExtras *x);
/* "table_violations": [...] (CpuhpTableViolation), as run --check and verify write them. */
void cpuhp_report_table_violations_json(SimJsonWriter *w, const GArray *violations, SimJwLayout layout);
/* The kernel's trace file: header plus one line per cpuhp event (needs r->trace). */
void cpuhp_report_ftrace(GString *out, const CpuhpResult *r);
/* The state table as this profile has it: step, name, section, runner, presence, cost. */
void cpuhp_report_states(GString *out, const CpuhpProfile *p);
/* The same table as JSON: arch, version, profile, and states[] with step, enum, name,
 * startup (null if none), section, runs_on, at_boot and cost (the text column's words). */
void cpuhp_report_states_json(GString *out, const CpuhpProfile *p);

/* Monte Carlo summary of one policy: mean, p50, p90, p99, min, max of every metric. */
void cpuhp_report_mc_text(GString *out, const CpuhpResult *first, const CpuhpSamples *s);
void cpuhp_report_mc_json(GString *out, const CpuhpResult *first, const CpuhpSamples *s);
/* Policies side by side; differences to the first policy, paired over common random numbers,
 * with 95 % confidence intervals. `format` is "text", "json" or "csv". */
void cpuhp_report_compare(GString *out, const char *format, const char *profile, GPtrArray *samples);
