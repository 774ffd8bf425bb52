/* rows.h — a profile's state table as a bringup walks it: each row's cost as this profile has
 * it, and per section the rows a CPU really runs, in step order.
 *
 * Built once when the profile is prepared (prepare.h, cpuhp_profile_rows()): it depends on the
 * profile and its table only, never on a run's options, so every run of the profile shares it
 * read-only (docs/performance.md). */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "models/kernel/cpuhp.h"
#include "models/profile/profile.h"
#include "sim/engine/rng.h"

/* A state table row as this profile has it: present or not, and what each instance costs.
 * Parallel to table->steps, so walks never look a state up by name. */
typedef struct {
  gboolean present;
  const SimDist *costs;
  guint n_costs;
  int64_t per_possible_cpu, per_online_cpu; /* ns per CPU of the mask the callback walks */
  int64_t fixed_ns; /* the first instance's whole cost when it is the same for every CPU at
                       every time (a fixed value, no online-CPU term, no ring buffer); else -1 */
} RowCost;

/* A row a CPU runs in one section (present, with a startup callback), in step order: the
 * walks' compact copy of the table, ended by a row of step RUN_END and preceded by one of step 0
 * (run[-1], CPUHP_OFFLINE: before every state), so that a cursor check needs no bounds test. */
#define RUN_END G_MAXUINT16
typedef struct {
  guint16 step;
  guint16 row;      /* index into table->steps and CpuhpRows.cost */
  guint8 cost;      /* the step's CpuhpCostModel */
  /* RowCost.fixed_ns: what a walk that meets the row may take at once, with the clock only.
   * In PREPARE also -1 unless the row is a profile-cost callback of one instance: the BP runs
   * the others (kick, bringup, multi-instance) through their own code. */
  int64_t take_ns;
} RunRow;

/* Read-only once built: a run keeps a copy of this record (machine.h), not of the arrays. */
typedef struct _CpuhpRows {
  const CpuhpTable *table; /* what it was built for */
  const RowCost *cost;     /* per row of the table: table->n_steps entries */
  const RunRow *run[3];    /* per CpuhpSection, n_run[] rows, the RUN_END row; and run[-1] */
  guint n_run[3];
} CpuhpRows;

/* For profile `p` (its states bound, its topology built) and table `t`. */
CpuhpRows *cpuhp_rows_new(const CpuhpProfile *p, const CpuhpTable *t);
void cpuhp_rows_free(CpuhpRows *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CpuhpRows, cpuhp_rows_free)
