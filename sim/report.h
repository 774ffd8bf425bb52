/* report.h — outputs of one run, read from a CpuhpResult only.
 *
 * Contract: each writer appends to a GString and is deterministic (integers in ns, fixed
 * formatting), so the same result always gives the same bytes. */
#pragma once

#include <glib.h>

#include "models/profile.h"
#include "models/result.h"

/* What a run was asked to add to its report (all optional). */
typedef struct {
  gboolean checked;          /* invariants were checked */
  guint n_invariants;
  const GArray *violations;  /* CpuhpViolation */
  gboolean fingerprinted;
  uint64_t fingerprint;
} CpuhpReportExtras;

void cpuhp_report_text(GString *out, const CpuhpResult *r, const CpuhpReportExtras *x);
void cpuhp_report_json(GString *out, const CpuhpResult *r, const CpuhpReportExtras *x);
/* The kernel's trace file: header plus one line per cpuhp event (needs r->trace). */
void cpuhp_report_ftrace(GString *out, const CpuhpResult *r);
/* The state table as this profile has it: step, name, section, runner, presence, cost. */
void cpuhp_report_states(GString *out, const CpuhpProfile *p);
