/* registry.c — the arches cpuhpsim models, each one's ops, shipped state tables and fits together.
 * Adding an arch adds one entry here (docs/extending.md). */
#include "models/kernel/arch.h"

#include "models/arch/x86_fit.h"
#include "models/arch/x86_scale.h"
#include "models/kernel/machine.h"

extern const ArchOps arch_x86_ops, arch_arm64_ops;
extern const CpuhpTable cpuhp_table_x86_64_612, cpuhp_table_arm64_612;

static const CpuhpTable *const x86_64_tables[] = {&cpuhp_table_x86_64_612};
static const CpuhpTable *const arm64_tables[] = {&cpuhp_table_arm64_612};

static const CpuhpArch arches[] = {
    {.name = "x86_64", .ops = &arch_x86_ops, .tables = x86_64_tables, .n_tables = G_N_ELEMENTS(x86_64_tables),
     .fit_ap_path = x86_fit_ap_path, .row_terms = x86_row_terms},
    {.name = "arm64", .ops = &arch_arm64_ops, .tables = arm64_tables, .n_tables = G_N_ELEMENTS(arm64_tables)},
};

const CpuhpArch *cpuhp_arch_nth(guint i) { return i < G_N_ELEMENTS(arches) ? &arches[i] : NULL; }

const CpuhpArch *cpuhp_arch_lookup(const char *name) {
  for (guint i = 0; i < G_N_ELEMENTS(arches); i++)
    if (g_strcmp0(arches[i].name, name) == 0) return &arches[i];
  return NULL;
}

const CpuhpTable *cpuhp_arch_base_table(const char *arch) {
  const CpuhpArch *a = cpuhp_arch_lookup(arch);
  return a && a->n_tables ? a->tables[0] : NULL;
}
