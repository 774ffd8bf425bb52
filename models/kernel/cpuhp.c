/* cpuhp.c — lookup over the state tables: the arches' shipped ones (arch.h), then those
 * loaded from YAML. */
#include "models/kernel/cpuhp.h"

#include <string.h>

#include "models/kernel/arch.h"

const CpuhpTable *cpuhp_table_lookup(const char *arch, const char *version) {
  const CpuhpArch *a = cpuhp_arch_lookup(arch);
  for (guint i = 0; a && i < a->n_tables; i++)
    if (g_strcmp0(a->tables[i]->version, version) == 0) return a->tables[i];
  return arch && version ? cpuhp_table_registered(arch, version) : NULL; /* loaded from YAML */
}

const CpuhpTable *cpuhp_table_for_config(const CpuhpTable *t, gboolean hotplug_parallel) {
  return t && hotplug_parallel && t->split_startup ? t->split_startup : t;
}

const char *cpuhp_table_known(void) {
  static char *known;
  if (g_once_init_enter(&known)) {
    GString *s = g_string_new(NULL);
    for (guint i = 0; cpuhp_arch_nth(i); i++)
      for (guint k = 0; k < cpuhp_arch_nth(i)->n_tables; k++)
        g_string_append_printf(s, "%s%s/%s", s->len ? ", " : "", cpuhp_arch_nth(i)->name,
                               cpuhp_arch_nth(i)->tables[k]->version);
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
