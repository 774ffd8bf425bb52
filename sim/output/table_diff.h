/* table_diff.h — `states --diff`: what changed between two state tables, one line a state.
 *
 * Contract: "- STEP NAME CALLBACK" for a removed state, "+ STEP NAME CALLBACK (SECTION,
 * RUNNER)" for an added one, "~ NAME step A -> B (SECTION -> SECTION)" for a moved one and
 * "~ NAME callbacks S/T -> S/T" for one whose callbacks changed ("-" for none), in the order
 * cpuhp_table_diff() gives them. Nothing for no changes. Appends to `out`. */
#pragma once

#include <glib.h>

#include "models/kernel/cpuhp.h"

/* `changes`: CpuhpTableChange (cpuhp_table_diff()). */
void sim_table_diff_text(GString *out, const GArray *changes);
