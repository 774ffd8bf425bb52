/* invariants.h — the ordering and causality rules of kernel/cpu.c as data, checked on a result.
 *
 * Contract: each invariant has a name, a one-line rule and a check over a finished result
 * (which must carry its trace). Checking never changes the result; the same result always gives
 * the same violations in the same order. */
#pragma once

#include <glib.h>

#include "models/profile/profile.h"
#include "models/kernel/result.h"

typedef struct {
  const char *name;
  const char *rule;
  /* TRUE if the rule holds; else appends one line of detail to `why` */
  gboolean (*check)(const CpuhpProfile *p, const CpuhpResult *r, GString *why);
} CpuhpInvariant;

/* The invariants, in a fixed order. */
const CpuhpInvariant *cpuhp_invariants(guint *n);

typedef struct {
  const CpuhpInvariant *inv;
  char *detail;
} CpuhpViolation;

/* Checks all; returns the violations (element type CpuhpViolation, cleared by the array). */
GArray *cpuhp_invariants_check(const CpuhpProfile *p, const CpuhpResult *r);
