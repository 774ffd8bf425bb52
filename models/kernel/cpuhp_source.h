/* cpuhp_source.h — the state table of a kernel's own source (`states --from-source`).
 *
 * Contract: include/linux/cpuhotplug.h gives the numbering, kernel/cpu.c's static entries the
 * names and callbacks, both preprocessed with a .config (NULL: every option off); states
 * registered elsewhere come from the shipped table of the arch, renumbered by enum name.
 * Teardown-only entries are left out (bringup never calls them), as are base rows whose enum
 * name this source lacks. The result is typed rows; sim/output/table_yaml.c writes them as the
 * whole-table YAML cpuhp_table_load() reads. Errors are one line. */
#pragma once

#include <glib.h>

#include "models/kernel/cpuhp.h"

typedef struct {
  guint step;
  const char *enum_name, *name, *startup, *teardown; /* NULL when absent */
  gboolean at_boot, multi_instance, ring_buffer;
  gboolean from_base; /* registered outside kernel/cpu.c: taken from the base table */
} CpuhpSourceRow;

typedef struct {
  const CpuhpTable *base;  /* the shipped table of the arch, the one rows are taken from */
  char *arch, *version;
  guint n_enum;            /* values of enum cpuhp_state */
  guint n_entries;         /* static entries of cpuhp_hp_states[] */
  guint n_teardown_only;   /* of those, the ones left out */
  guint n_from_base;       /* rows taken from the base table */
  guint n_not_in_enum;     /* base rows left out: their enum name is not in this enum */
  GArray *rows;            /* CpuhpSourceRow, by step */
  GStringChunk *strings;   /* the rows' strings read from the source */
} CpuhpSourceTable;

CpuhpSourceTable *cpuhp_table_from_source(const char *header, const char *cpu_c, const char *config, const char *arch,
                                          const char *version, GError **error);
void cpuhp_source_table_free(CpuhpSourceTable *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CpuhpSourceTable, cpuhp_source_table_free)
