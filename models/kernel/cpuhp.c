/* cpuhp.c — lookup over the shipped state tables. */
#include "models/kernel/cpuhp.h"

#include <string.h>

extern const CpuhpTable cpuhp_table_x86_64_612;
extern const CpuhpTable cpuhp_table_arm64_612;

static const CpuhpTable *const tables[] = {&cpuhp_table_x86_64_612, &cpuhp_table_arm64_612};

const CpuhpTable *cpuhp_table_lookup(const char *arch, const char *version) {
  for (guint i = 0; i < G_N_ELEMENTS(tables); i++)
    if (g_strcmp0(tables[i]->arch, arch) == 0 && g_strcmp0(tables[i]->version, version) == 0)
      return tables[i];
  return arch && version ? cpuhp_table_registered(arch, version) : NULL; /* loaded from YAML */
}

const CpuhpTable *cpuhp_table_for_config(const CpuhpTable *t, gboolean hotplug_parallel) {
  return t && hotplug_parallel && t->split_startup ? t->split_startup : t;
}

const char *cpuhp_table_known(void) {
  static char *known;
  if (g_once_init_enter(&known)) {
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < G_N_ELEMENTS(tables); i++)
      g_string_append_printf(s, "%s%s/%s", i ? ", " : "", tables[i]->arch, tables[i]->version);
    g_once_init_leave(&known, g_string_free(s, FALSE));
  }
  return known;
}

const CpuhpStep *cpuhp_table_find(const CpuhpTable *t, const char *name) {
  for (guint i = 0; i < t->n_steps; i++)
    if (strcmp(t->steps[i].name, name) == 0) return &t->steps[i];
  return NULL;
}

const CpuhpStep *cpuhp_table_at(const CpuhpTable *t, guint step) {
  for (guint i = 0; i < t->n_steps; i++)
    if (t->steps[i].step == step) return &t->steps[i];
  return NULL;
}

const char *cpuhp_section_name(CpuhpSection s) {
  static const char *const names[] = {"PREPARE", "STARTING", "ONLINE"};
  return names[s];
}

const char *cpuhp_runner_name(CpuhpRunner r) {
  static const char *const names[] = {"BP", "AP (IRQs off)", "AP cpuhp/N", "-"};
  return names[r];
}
