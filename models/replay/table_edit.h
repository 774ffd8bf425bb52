/* table_edit.h — the state table a real boot shows, as an edit of a shipped table.
 *
 * Contract: from a measured boot (models/replay/replay.h), the shipped base table that numbers
 * its kick and bringup steps as the boot did, and what the boot's ONLINE and PREPARE states
 * change in it: at-boot states it never ran are removed, a base callback seen at another number
 * is moved there (once: a second new number is a new state), and any other traced (step,
 * callback) is added, named after its callback and step since a trace carries no names.
 * STARTING states are never traced, so they stay the base's. sim/output/table_yaml.c writes the
 * edit as the state-table YAML cpuhp_table_load() reads. */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "models/kernel/cpuhp.h"
#include "models/replay/replay.h"

typedef struct {
  const char *name; /* the base row's name (static: shipped tables live as long as the process) */
  int32_t step;     /* where the boot ran it */
} CpuhpTableMove;

typedef struct {
  int32_t step;
  char *name;     /* "CALLBACK@STEP" */
  char *callback; /* the startup callback as the trace prints it */
} CpuhpTableAdd;

typedef struct {
  const CpuhpTable *base;
  char *source;     /* the boot's file name, as the measured timeline has it */
  char *version;    /* the edited table's version: "BASEVERSION+FILE" (the file's base name) */
  GPtrArray *removed; /* const char *: base row names, in table order */
  GArray *moved;      /* CpuhpTableMove, in the trace's (step, callback) order */
  GArray *added;      /* CpuhpTableAdd, in the trace's (step, callback) order */
} CpuhpTableEdit;

/* NULL with *error when no shipped table numbers the boot's kick and bringup steps. */
CpuhpTableEdit *cpuhp_table_edit_from_trace(const CpuhpMeasured *m, GError **error);
void cpuhp_table_edit_free(CpuhpTableEdit *e);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CpuhpTableEdit, cpuhp_table_edit_free)
