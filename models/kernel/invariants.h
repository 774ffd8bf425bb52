/* invariants.h — the ordering and causality rules of kernel/cpu.c as data, checked on a result.
 *
 * Contract: each invariant has a name, a one-line rule and a check over a finished result
 * (which must carry its trace). Checking never changes the result; the same result always gives
 * the same violations in the same order. A violation may be a known property of the real kernel
 * (its logic does this, the model is right to show it): the violation says which, with the
 * source, so that a gate can list it apart and fail on it only when asked to. */
#pragma once

#include <glib.h>

#include "models/profile/profile.h"
#include "models/kernel/cpuhp.h"
#include "models/kernel/result.h"

typedef struct {
  const char *name;
  const char *rule;
  /* TRUE if the rule holds; else appends one line of detail to `why` */
  gboolean (*check)(const CpuhpProfile *p, const CpuhpResult *r, GString *why);
} CpuhpInvariant;

/* The invariants, in a fixed order. */
const CpuhpInvariant *cpuhp_invariants(guint *n);

/* A property of the kernel's own logic that breaks a rule (kernel/cpu.c does it too). */
typedef struct {
  const char *name;   /* e.g. "smt4_dead_primary_microcode" */
  const char *rule;   /* the invariant it breaks */
  const char *what;   /* one line */
  const char *source; /* where in the kernel, and where this project documents it */
  /* TRUE if this property explains the pair that breaks microcode_siblings_quiet (the one rule
   * with known properties so far): CPU b runs while CPU a writes microcode. A violation is known
   * when each of its pairs is explained by a known property (the first pair's is named). */
  gboolean (*explains)(const CpuhpProfile *p, const CpuhpResult *r, guint a, guint b);
} CpuhpKnownProperty;

/* The known properties, in a fixed order. */
const CpuhpKnownProperty *cpuhp_known_properties(guint *n);

typedef struct {
  const CpuhpInvariant *inv;
  char *detail;
  const CpuhpKnownProperty *known; /* NULL: not a known property of the kernel */
} CpuhpViolation;

/* Whether `v` fails a gate: it is not a known property of the kernel, or the gate is strict
 * (`verify --strict`, `run --check --strict`). */
gboolean cpuhp_violation_fails(const CpuhpViolation *v, gboolean strict);

/* Checks all; returns the violations (element type CpuhpViolation, cleared by the array). */
GArray *cpuhp_invariants_check(const CpuhpProfile *p, const CpuhpResult *r);

/* ---- rules over the state table --------------------------------------------------------
 * The table itself, before any run: each state where its callback needs to run, and after the
 * states it depends on (cpuhp.h CpuhpRequirement, from the kernel's code). A patch that moves or
 * removes a state breaks these whatever the timing, so they need no counterexample run. */
typedef struct {
  const char *name; /* e.g. "state_context" */
  const char *rule;
} CpuhpTableRule;

/* The table rules, in a fixed order. */
const CpuhpTableRule *cpuhp_table_rules(guint *n);

typedef struct {
  const CpuhpTableRule *rule;
  const char *state;  /* the state the edit broke (for a missing provider: the provider) */
  const char *origin; /* "FILE:LINE:COL" of the table entry that placed or removed it; NULL for a
                         row of a shipped table */
  char *detail;       /* one line: what is where, and what it needs */
  const char *source; /* the kernel code the requirement comes from */
} CpuhpTableViolation;

/* Checks every table rule over `t`; returns the violations (CpuhpTableViolation, cleared by
 * the array), one per rule and state, in the rules' order then the table's. */
GArray *cpuhp_table_check(const CpuhpTable *t);
