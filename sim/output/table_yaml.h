/* table_yaml.h — state tables the models derive, written as the YAML cpuhp_table_load() reads.
 *
 * Contract: the edit of a real boot (models/replay/table_edit.h) as `base:`, `version:`,
 * `remove:`, `move:` and `add:` keys, each only when it has something; a kernel source's table
 * (models/kernel/cpuhp_source.h) as a whole table, `states:` one row a line. Each starts with
 * a comment saying where it was read from. Appends to `out`; deterministic. */
#pragma once

#include <glib.h>

#include "models/kernel/cpuhp_source.h"
#include "models/replay/table_edit.h"

void sim_table_yaml_edit(GString *out, const CpuhpTableEdit *e);
/* `sources` names the inputs in the header comment. */
void sim_table_yaml_source(GString *out, const CpuhpSourceTable *t, const char *sources);
