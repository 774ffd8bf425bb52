/* table_diff.c — the lines of `states --diff`. */
#include "sim/output/table_diff.h"

static const char *or_dash(const char *s) { return s ? s : "-"; }

void sim_table_diff_text(GString *out, const GArray *changes) {
  for (guint i = 0; i < changes->len; i++) {
    const CpuhpTableChange *c = &g_array_index(changes, CpuhpTableChange, i);
    const CpuhpStep *a = c->a, *b = c->b;
    switch (c->kind) {
    case CPUHP_TABLE_REMOVED:
      g_string_append_printf(out, "- %3u %-40s %s\n", a->step, a->name, or_dash(a->startup));
      break;
    case CPUHP_TABLE_MOVED:
      g_string_append_printf(out, "~ %-46s step %u -> %u (%s -> %s)\n", a->name, a->step, b->step,
                             cpuhp_section_name(a->section), cpuhp_section_name(b->section));
      break;
    case CPUHP_TABLE_CHANGED:
      g_string_append_printf(out, "~ %-46s callbacks %s/%s -> %s/%s\n", a->name, or_dash(a->startup),
                             or_dash(a->teardown), or_dash(b->startup), or_dash(b->teardown));
      break;
    case CPUHP_TABLE_ADDED:
      g_string_append_printf(out, "+ %3u %-40s %s (%s, %s)\n", b->step, b->name, or_dash(b->startup),
                             cpuhp_section_name(b->section), cpuhp_runner_name(b->runs_on));
      break;
    }
  }
}
