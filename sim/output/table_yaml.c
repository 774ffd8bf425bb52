/* table_yaml.c — state-table YAML of a boot's edit and of a kernel source's table. */
#include "sim/output/table_yaml.h"

void sim_table_yaml_edit(GString *out, const CpuhpTableEdit *e) {
  const CpuhpTable *base = e->base;
  g_string_append_printf(out,
                         "# State table taken from %s (cpuhpsim states --from-trace): the states its\n"
                         "# secondary CPUs went through during bringup, against %s/%s. STARTING states are\n"
                         "# never traced, so they are the base table's.\nbase: %s/%s\nversion: \"%s\"\n",
                         e->source, base->arch, base->version, base->arch, base->version, e->version);
  if (e->removed->len) {
    g_string_append(out, "remove: [");
    for (guint i = 0; i < e->removed->len; i++)
      g_string_append_printf(out, "%s\"%s\"", i ? ", " : "", (const char *)e->removed->pdata[i]);
    g_string_append(out, "]\n");
  }
  if (e->moved->len) {
    g_string_append(out, "move: {");
    for (guint i = 0; i < e->moved->len; i++) {
      const CpuhpTableMove *m = &g_array_index(e->moved, CpuhpTableMove, i);
      g_string_append_printf(out, "%s\"%s\": %d", i ? ", " : "", m->name, m->step);
    }
    g_string_append(out, "}\n");
  }
  if (e->added->len) g_string_append(out, "add:\n");
  for (guint i = 0; i < e->added->len; i++) {
    const CpuhpTableAdd *a = &g_array_index(e->added, CpuhpTableAdd, i);
    g_string_append_printf(out, "  - {step: %d, name: \"%s\", startup: %s}\n", a->step, a->name, a->callback);
  }
}

static void yaml_str(GString *o, const char *key, const char *v) {
  if (v) g_string_append_printf(o, ", %s: \"%s\"", key, v);
}

void sim_table_yaml_source(GString *out, const CpuhpSourceTable *t, const char *sources) {
  g_string_append_printf(out,
                         "# State table read from the kernel source (cpuhpsim states --from-source): %s.\n"
                         "# Numbering: enum cpuhp_state (%u values); names and callbacks: %u static entries of\n"
                         "# kernel/cpu.c (%u teardown-only ones left out); %u states registered elsewhere taken\n"
                         "# from the shipped %s/%s table by enum name (%u of them not in this enum, left out).\n"
                         "arch: %s\nversion: \"%s\"\nstates:\n",
                         sources, t->n_enum, t->n_entries, t->n_teardown_only, t->n_from_base, t->base->arch,
                         t->base->version, t->n_not_in_enum, t->arch, t->version);
  for (guint i = 0; i < t->rows->len; i++) {
    const CpuhpSourceRow *r = &g_array_index(t->rows, CpuhpSourceRow, i);
    g_string_append_printf(out, "  - {step: %u, enum: %s", r->step, r->enum_name);
    yaml_str(out, "name", r->name);
    yaml_str(out, "startup", r->startup);
    yaml_str(out, "teardown", r->teardown);
    if (r->multi_instance) g_string_append(out, ", multi_instance: true");
    if (r->ring_buffer) g_string_append(out, ", ring_buffer: true");
    if (!r->at_boot) g_string_append(out, ", at_boot: false");
    g_string_append_printf(out, "}%s\n", !r->from_base ? "" : r->startup ? "   # registered outside kernel/cpu.c" : "   # a marker without an entry");
  }
}
