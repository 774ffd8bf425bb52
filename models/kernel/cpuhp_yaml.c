/* cpuhp_yaml.c — state tables from YAML: a shipped table with states removed, added or moved,
 * as a kernel developer changes include/linux/cpuhotplug.h; or a whole table (`states:`, what
 * `states --from-source` writes); and the difference between two, state by state.
 *
 *   base: x86_64/6.12
 *   version: "6.12+foo"
 *   remove: ["relay:prepare"]
 *   move: {"tmigr:prepare": 39}
 *   add:
 *     - {step: 63, name: "foo:prepare", enum: CPUHP_FOO_PREPARE, startup: foo_prepare_cpu,
 *        teardown: foo_dead_cpu}
 *
 * The whole form lists every row, landmarks (CPUHP_BRINGUP_CPU ...) known by their enum names:
 *
 *   arch: x86_64
 *   version: "6.13-src"
 *   states:
 *     - {step: 0, enum: CPUHP_OFFLINE, name: offline}
 *     - {step: 1, enum: CPUHP_CREATE_THREADS, name: "threads:prepare", startup: smpboot_create_threads}
 *
 * A new row may say what its callback needs (cpuhp.h CpuhpRequirement): context (bp, ap-atomic,
 * ap-thread, any), sleeps, needs, provides, source. Each entry that places or removes a state is
 * remembered as FILE:LINE:COL (cpuhp_table_origin()), for the table rules' messages.
 *
 * The section and who runs a state follow from its number, as in the kernel
 * (cpuhp_is_ap_state, cpuhp_is_atomic_state). A loaded table is registered for the process's
 * lifetime, so cpuhp_table_lookup(arch, version) finds it like a shipped one. */
#include <stddef.h>
#include <string.h>

#include "models/kernel/arch.h"
#include "models/kernel/cpuhp.h"
#include "models/profile/profile.h"
#include "models/profile/yamltree.h"

#define ERR(at, ...) yt_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_VALUE, at, __VA_ARGS__)

static gint by_step(gconstpointer a, gconstpointer b) {
  return (gint)((const CpuhpStep *)a)->step - (gint)((const CpuhpStep *)b)->step;
}

static const char *text_of(const YtNode *map, const char *key, GError **error, gboolean required) {
  const YtNode *n = yt_mapping_get(map, key);
  if (!n) {
    if (required) ERR(map, "missing '%s'", key);
    return NULL;
  }
  if (n->kind != YT_SCALAR || yt_is_null(n)) {
    ERR(n, "'%s': expected a scalar", key);
    return NULL;
  }
  return n->text;
}

static gboolean step_value(const YtNode *n, const CpuhpTable *base, guint *out, GError **error) {
  guint64 v;
  if (n->kind != YT_SCALAR || !g_ascii_string_to_unsigned(n->text, 10, 1, base->online - 1, &v, NULL)) {
    ERR(n, "expected a step number from 1 to %u", base->online - 1);
    return FALSE;
  }
  if (v == base->kick_ap || v == base->bringup_cpu || v == base->ap_idle_dead || v == base->ap_online ||
      v == base->teardown_cpu || v == base->ap_online_idle) {
    ERR(n, "step %u is one of the kernel's fixed states", (guint)v);
    return FALSE;
  }
  *out = (guint)v;
  return TRUE;
}

static void place(CpuhpStep *s, const CpuhpTable *base) {
  if (s->step <= base->bringup_cpu) s->section = CPUHP_SECTION_PREPARE, s->runs_on = CPUHP_RUNS_BP;
  else if (s->step <= base->ap_online) s->section = CPUHP_SECTION_STARTING, s->runs_on = CPUHP_RUNS_AP_ATOMIC;
  else s->section = CPUHP_SECTION_ONLINE, s->runs_on = CPUHP_RUNS_AP_THREAD;
}

static gint row_named(GArray *rows, const char *name) {
  for (guint i = 0; i < rows->len; i++)
    if (g_str_equal(g_array_index(rows, CpuhpStep, i).name, name)) return (gint)i;
  return -1;
}

static GMutex registry_lock;
static GPtrArray *registry; /* CpuhpTable*, never freed: profiles and results point into them */

/* What a loaded table knows beyond its rows: where each edited state came from in the file,
 * and the requirements its rows gave. Parallel to `registry`. */
typedef struct {
  GHashTable *origin; /* state name -> "FILE:LINE:COL" (interned) */
  GHashTable *req;    /* state name -> CpuhpRequirement* */
  const CpuhpTable *base; /* the table it edits, or its arch's base table (a whole table) */
} TableExtra;
static GPtrArray *extras; /* TableExtra* */

static TableExtra *extra_new(void) {
  TableExtra *x = g_new(TableExtra, 1);
  x->origin = g_hash_table_new(g_str_hash, g_str_equal);
  x->req = g_hash_table_new(g_str_hash, g_str_equal);
  x->base = NULL;
  return x;
}

static void extra_free(TableExtra *x) {
  if (!x) return;
  g_hash_table_unref(x->origin);
  g_hash_table_unref(x->req); /* the requirements were interned into the process */
  g_free(x);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TableExtra, extra_free)

static void extra_origin(TableExtra *x, const char *name, const YtNode *at) {
  g_autofree char *o = g_strdup_printf("%s:%u:%u", at->source, at->line, at->col);
  g_hash_table_insert(x->origin, (gpointer)g_intern_string(name), (gpointer)g_intern_string(o));
}

static const TableExtra *extra_of(const CpuhpTable *t) {
  g_mutex_lock(&registry_lock);
  const TableExtra *found = NULL;
  for (guint i = 0; registry && i < registry->len && !found; i++)
    if (registry->pdata[i] == t) found = extras->pdata[i];
  g_mutex_unlock(&registry_lock);
  return found;
}

const char *cpuhp_table_origin(const CpuhpTable *t, const char *name) {
  const TableExtra *x = extra_of(t);
  return x ? g_hash_table_lookup(x->origin, name) : NULL;
}

const CpuhpTable *cpuhp_table_base(const CpuhpTable *t) {
  const TableExtra *x = extra_of(t);
  return x ? x->base : NULL;
}

const CpuhpRequirement *cpuhp_table_requirement(const CpuhpTable *t, const char *name) {
  const TableExtra *x = extra_of(t);
  return x ? g_hash_table_lookup(x->req, name) : NULL;
}

const CpuhpTable *cpuhp_table_registered(const char *arch, const char *version) {
  g_mutex_lock(&registry_lock);
  const CpuhpTable *found = NULL;
  for (guint i = 0; registry && i < registry->len && !found; i++) {
    const CpuhpTable *t = registry->pdata[i];
    if (g_str_equal(t->arch, arch) && g_str_equal(t->version, version)) found = t;
  }
  g_mutex_unlock(&registry_lock);
  return found;
}

static const CpuhpTable *register_table(CpuhpTable *t, TableExtra *x) {
  g_mutex_lock(&registry_lock);
  if (!registry) registry = g_ptr_array_new(), extras = g_ptr_array_new();
  g_ptr_array_add(registry, t);
  g_ptr_array_add(extras, x);
  g_mutex_unlock(&registry_lock);
  return t;
}

/* A bool key of an added row; FALSE with *ok cleared on a bad value. */
static gboolean flag_of(const YtNode *x, const char *key, gboolean def, gboolean *ok, GError **error) {
  const YtNode *n = yt_mapping_get(x, key);
  if (!n) return def;
  if (n->kind == YT_SCALAR && (g_str_equal(n->text, "true") || g_str_equal(n->text, "false")))
    return g_str_equal(n->text, "true");
  ERR(n, "'%s': expected true or false", key);
  *ok = FALSE;
  return FALSE;
}

/* The requirement keys of a row (context, sleeps, needs, provides, source), if it has any:
 * a new state says what its callback needs, as the kernel's own rows do (cpuhp.h). */
static gboolean row_requirement(const YtNode *x, const char *name, TableExtra *ex, GError **error) {
  static const char *const keys[] = {"context", "sleeps", "needs", "provides", "source", NULL};
  gboolean any = FALSE, ok = TRUE;
  for (guint k = 0; keys[k]; k++) any |= yt_mapping_get(x, keys[k]) != NULL;
  if (!any) return TRUE;
  CpuhpRequirement r = {.name = g_intern_string(name)};
  const char *c = text_of(x, "context", error, FALSE);
  if (c && !cpuhp_context_parse(c, &r.context))
    return ERR(yt_mapping_get(x, "context"), "'context': expected any, bp, ap-atomic or ap-thread, got '%s'", c), FALSE;
  r.sleeps = flag_of(x, "sleeps", FALSE, &ok, error);
  if (!ok) return FALSE;
  const char *v;
  for (guint k = 2; keys[k]; k++) {
    const YtNode *n = yt_mapping_get(x, keys[k]);
    if (n && !(v = text_of(x, keys[k], error, FALSE))) return FALSE;
  }
  r.needs = (v = text_of(x, "needs", error, FALSE)) ? g_intern_string(v) : NULL;
  r.provides = (v = text_of(x, "provides", error, FALSE)) ? g_intern_string(v) : NULL;
  r.source = (v = text_of(x, "source", error, FALSE)) ? g_intern_string(v) : "the state table";
  g_hash_table_insert(ex->req, (gpointer)r.name, g_memdup2(&r, sizeof r)); /* lives with the table */
  return TRUE;
}

static const struct {
  const char *enum_name;
  size_t field;
  CpuhpSection section;
  CpuhpRunner runs_on;
  CpuhpCostModel cost;
} landmark_rows[] = {
    {"CPUHP_OFFLINE", 0, CPUHP_SECTION_PREPARE, CPUHP_RUNS_NOBODY, CPUHP_COST_NONE},
    {"CPUHP_BP_KICK_AP", offsetof(CpuhpTable, kick_ap), CPUHP_SECTION_PREPARE, CPUHP_RUNS_BP, CPUHP_COST_KICK},
    {"CPUHP_BRINGUP_CPU", offsetof(CpuhpTable, bringup_cpu), CPUHP_SECTION_PREPARE, CPUHP_RUNS_BP, CPUHP_COST_BRINGUP},
    {"CPUHP_AP_IDLE_DEAD", offsetof(CpuhpTable, ap_idle_dead), CPUHP_SECTION_STARTING, CPUHP_RUNS_NOBODY, CPUHP_COST_NONE},
    {"CPUHP_AP_ONLINE", offsetof(CpuhpTable, ap_online), CPUHP_SECTION_STARTING, CPUHP_RUNS_NOBODY, CPUHP_COST_NONE},
    {"CPUHP_TEARDOWN_CPU", offsetof(CpuhpTable, teardown_cpu), CPUHP_SECTION_ONLINE, CPUHP_RUNS_BP, CPUHP_COST_NONE},
    {"CPUHP_AP_ONLINE_IDLE", offsetof(CpuhpTable, ap_online_idle), CPUHP_SECTION_ONLINE, CPUHP_RUNS_NOBODY, CPUHP_COST_NONE},
    {"CPUHP_ONLINE", offsetof(CpuhpTable, online), CPUHP_SECTION_ONLINE, CPUHP_RUNS_NOBODY, CPUHP_COST_NONE},
};

static const CpuhpTable *load_whole(const YtNode *root, GError **error) {
  g_autoptr(TableExtra) ex = extra_new();
  static const char *const keys[] = {"arch", "version", "states", NULL};
  for (guint i = 0; i < root->keys->len; i++)
    if (!g_strv_contains(keys, ((YtNode *)root->keys->pdata[i])->text))
      return ERR(root->keys->pdata[i], "unknown key '%s' (a whole table has arch, version, states)",
                 ((YtNode *)root->keys->pdata[i])->text), NULL;
  const char *arch = text_of(root, "arch", error, TRUE), *version = arch ? text_of(root, "version", error, TRUE) : NULL;
  if (!version) return NULL;
  if (!cpuhp_arch_lookup(arch))
    return ERR(yt_mapping_get(root, "arch"), "no model for arch '%s' (known: %s)", arch, cpuhp_table_known()), NULL;
  if (cpuhp_table_lookup(arch, version)) {
    const CpuhpTable *again = cpuhp_table_registered(arch, version);
    if (again) return again;
    return ERR(yt_mapping_get(root, "version"), "version '%s' is a shipped table's", version), NULL;
  }
  const YtNode *n = yt_mapping_get(root, "states");
  if (n->kind != YT_SEQUENCE || !n->items->len) return ERR(n, "states: expected a list of rows"), NULL;
  CpuhpTable t = {.arch = g_intern_string(arch), .version = g_intern_string(version)};
  gboolean have[G_N_ELEMENTS(landmark_rows)] = {FALSE};
  g_autoptr(GArray) rows = g_array_new(FALSE, FALSE, sizeof(CpuhpStep));
  for (guint i = 0; i < n->items->len; i++) {
    const YtNode *x = n->items->pdata[i];
    if (x->kind != YT_MAPPING) return ERR(x, "states: expected a mapping"), NULL;
    static const char *const rkeys[] = {"step", "enum", "name", "startup", "teardown", "multi_instance", "ring_buffer", "at_boot",
                                         "context", "sleeps", "needs", "provides", "source", NULL};
    for (guint k = 0; k < x->keys->len; k++)
      if (!g_strv_contains(rkeys, ((YtNode *)x->keys->pdata[k])->text))
        return ERR(x->keys->pdata[k], "states: unknown key '%s'", ((YtNode *)x->keys->pdata[k])->text), NULL;
    const YtNode *sn = yt_mapping_get(x, "step");
    guint64 step;
    if (!sn || sn->kind != YT_SCALAR || !g_ascii_string_to_unsigned(sn->text, 10, 0, G_MAXUINT16, &step, NULL))
      return ERR(sn ? sn : x, "states: 'step' must be a number from 0 to %u", G_MAXUINT16), NULL;
    const char *en = text_of(x, "enum", error, TRUE), *name = en ? text_of(x, "name", error, TRUE) : NULL;
    if (!name) return NULL;
    const char *startup = text_of(x, "startup", error, FALSE), *td = text_of(x, "teardown", error, FALSE);
    gboolean ok = TRUE;
    CpuhpStep s = {.step = (uint16_t)step, .enum_name = g_intern_string(en), .name = g_intern_string(name),
                   .startup = startup ? g_intern_string(startup) : NULL, .teardown = td ? g_intern_string(td) : NULL,
                   .cost = CPUHP_COST_PROFILE, .multi_instance = flag_of(x, "multi_instance", FALSE, &ok, error),
                   .ring_buffer = flag_of(x, "ring_buffer", FALSE, &ok, error), .at_boot = flag_of(x, "at_boot", TRUE, &ok, error)};
    if (!ok || !row_requirement(x, name, ex, error)) return NULL;
    extra_origin(ex, name, x);
    guint lm = 0;
    while (lm < G_N_ELEMENTS(landmark_rows) && strcmp(landmark_rows[lm].enum_name, en)) lm++;
    if (lm < G_N_ELEMENTS(landmark_rows)) {
      if (have[lm]) return ERR(x, "states: %s twice", en), NULL;
      have[lm] = TRUE;
      s.section = landmark_rows[lm].section, s.runs_on = landmark_rows[lm].runs_on, s.cost = landmark_rows[lm].cost;
      if (landmark_rows[lm].field) *(uint16_t *)((char *)&t + landmark_rows[lm].field) = s.step;
      else if (step != 0) return ERR(sn, "states: CPUHP_OFFLINE is step 0"), NULL;
    } else if (!startup) {
      return ERR(x, "states: '%s' has no startup callback: bringup never runs it", name), NULL;
    }
    g_array_append_val(rows, s);
  }
  for (guint lm = 0; lm < G_N_ELEMENTS(landmark_rows); lm++)
    if (!have[lm] && strcmp(landmark_rows[lm].enum_name, "CPUHP_BP_KICK_AP"))
      return ERR(n, "states: no %s row", landmark_rows[lm].enum_name), NULL;
  if ((t.kick_ap && t.kick_ap >= t.bringup_cpu) || t.bringup_cpu >= t.ap_idle_dead || t.ap_idle_dead >= t.ap_online ||
      t.ap_online >= t.teardown_cpu || t.teardown_cpu >= t.ap_online_idle || t.ap_online_idle >= t.online)
    return ERR(n, "states: the landmarks are out of the kernel's order (kick < bringup < idle-dead < ap-online < "
                  "teardown < online-idle < online)"), NULL;
  for (guint i = 0; i < rows->len; i++) {
    CpuhpStep *s = &g_array_index(rows, CpuhpStep, i);
    if (s->cost == CPUHP_COST_PROFILE) place(s, &t);
    if (s->step > t.online) return ERR(n, "states: '%s' at step %u is past CPUHP_ONLINE", s->name, s->step), NULL;
    for (guint k = 0; k < i; k++)
      if (g_str_equal(g_array_index(rows, CpuhpStep, k).name, s->name)) return ERR(n, "states: two states named '%s'", s->name), NULL;
  }
  g_array_sort(rows, by_step);
  for (guint i = 1; i < rows->len; i++)
    if (g_array_index(rows, CpuhpStep, i).step == g_array_index(rows, CpuhpStep, i - 1).step)
      return ERR(n, "states: two states at step %u", g_array_index(rows, CpuhpStep, i).step), NULL;
  CpuhpTable *nt = g_new(CpuhpTable, 1);
  *nt = t;
  nt->n_steps = rows->len;
  nt->steps = (const CpuhpStep *)g_array_free(g_steal_pointer(&rows), FALSE);
  ex->base = cpuhp_arch_base_table(nt->arch);
  return register_table(nt, g_steal_pointer(&ex));
}

const CpuhpTable *cpuhp_table_load(const char *path, GError **error) {
  g_autoptr(YtNode) root =
      yt_parse_file(path, "state table", CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_IO, CPUHP_PROFILE_ERROR_SYNTAX, error);
  if (!root) return NULL;
  if (root->kind != YT_MAPPING) {
    ERR(root, "a state table is a mapping");
    return NULL;
  }
  if (yt_mapping_get(root, "states")) return load_whole(root, error);
  static const char *const keys[] = {"base", "version", "remove", "move", "add", NULL};
  for (guint i = 0; i < root->keys->len; i++)
    if (!g_strv_contains(keys, ((YtNode *)root->keys->pdata[i])->text)) {
      ERR(root->keys->pdata[i], "unknown key '%s' (expected base, version, remove, move, add)",
          ((YtNode *)root->keys->pdata[i])->text);
      return NULL;
    }
  const char *base_name = text_of(root, "base", error, TRUE), *version = text_of(root, "version", error, TRUE);
  if (!base_name || !version) return NULL;
  g_auto(GStrv) av = g_strsplit(base_name, "/", 2);
  const CpuhpTable *base = g_strv_length(av) == 2 ? cpuhp_table_lookup(av[0], av[1]) : NULL;
  if (!base) {
    ERR(yt_mapping_get(root, "base"), "no state table '%s' (known: %s)", base_name, cpuhp_table_known());
    return NULL;
  }
  if (cpuhp_table_lookup(base->arch, version)) {
    const CpuhpTable *again = cpuhp_table_registered(base->arch, version);
    if (again) return again; /* the same file loaded again (several profiles, sweeps) */
    ERR(yt_mapping_get(root, "version"), "version '%s' is a shipped table's", version);
    return NULL;
  }
  g_autoptr(GArray) rows = g_array_new(FALSE, FALSE, sizeof(CpuhpStep));
  g_array_append_vals(rows, base->steps, base->n_steps);
  g_autoptr(TableExtra) ex = extra_new();
  const YtNode *n;
  if ((n = yt_mapping_get(root, "remove"))) {
    if (n->kind != YT_SEQUENCE) return ERR(n, "remove: expected a list of state names"), NULL;
    for (guint i = 0; i < n->items->len; i++) {
      const YtNode *x = n->items->pdata[i];
      gint r = x->kind == YT_SCALAR ? row_named(rows, x->text) : -1;
      if (r < 0 || g_array_index(rows, CpuhpStep, r).cost != CPUHP_COST_PROFILE)
        return ERR(x, "remove: no removable state '%s'", x->kind == YT_SCALAR ? x->text : "?"), NULL;
      extra_origin(ex, x->text, x);
      g_array_remove_index(rows, (guint)r);
    }
  }
  if ((n = yt_mapping_get(root, "move"))) {
    if (n->kind != YT_MAPPING) return ERR(n, "move: expected a mapping of state names to steps"), NULL;
    for (guint i = 0; i < n->keys->len; i++) {
      const YtNode *k = n->keys->pdata[i];
      gint r = row_named(rows, k->text);
      if (r < 0 || g_array_index(rows, CpuhpStep, r).cost != CPUHP_COST_PROFILE)
        return ERR(k, "move: no movable state '%s'", k->text), NULL;
      guint step;
      if (!step_value(n->items->pdata[i], base, &step, error)) return NULL;
      CpuhpStep *s = &g_array_index(rows, CpuhpStep, r);
      s->step = (uint16_t)step;
      place(s, base);
      extra_origin(ex, k->text, k);
    }
  }
  if ((n = yt_mapping_get(root, "add"))) {
    if (n->kind != YT_SEQUENCE) return ERR(n, "add: expected a list of states"), NULL;
    for (guint i = 0; i < n->items->len; i++) {
      const YtNode *x = n->items->pdata[i];
      if (x->kind != YT_MAPPING) return ERR(x, "add: expected a mapping"), NULL;
      static const char *const akeys[] = {"step", "name", "enum", "startup", "teardown", "context",
                                          "sleeps", "needs", "provides", "source", NULL};
      for (guint k = 0; k < x->keys->len; k++)
        if (!g_strv_contains(akeys, ((YtNode *)x->keys->pdata[k])->text))
          return ERR(x->keys->pdata[k], "add: unknown key '%s'", ((YtNode *)x->keys->pdata[k])->text), NULL;
      const YtNode *sn = yt_mapping_get(x, "step");
      if (!sn) return ERR(x, "add: missing 'step'"), NULL;
      guint step;
      if (!step_value(sn, base, &step, error)) return NULL;
      const char *name = text_of(x, "name", error, TRUE), *startup = text_of(x, "startup", error, TRUE);
      if (!name || !startup) return NULL;
      if (row_named(rows, name) >= 0) return ERR(x, "add: a state named '%s' exists", name), NULL;
      if (!row_requirement(x, name, ex, error)) return NULL;
      extra_origin(ex, name, x);
      const char *en = text_of(x, "enum", error, FALSE), *td = text_of(x, "teardown", error, FALSE);
      CpuhpStep s = {.step = (uint16_t)step, .enum_name = g_intern_string(en ? en : "CPUHP_DYN"),
                     .name = g_intern_string(name), .startup = g_intern_string(startup),
                     .teardown = td ? g_intern_string(td) : NULL, .cost = CPUHP_COST_PROFILE, .at_boot = TRUE};
      place(&s, base);
      g_array_append_val(rows, s);
    }
  }
  g_array_sort(rows, by_step);
  for (guint i = 1; i < rows->len; i++)
    if (g_array_index(rows, CpuhpStep, i).step == g_array_index(rows, CpuhpStep, i - 1).step) {
      ERR(root, "two states at step %u: '%s' and '%s'", g_array_index(rows, CpuhpStep, i).step,
          g_array_index(rows, CpuhpStep, i - 1).name, g_array_index(rows, CpuhpStep, i).name);
      return NULL;
    }
  CpuhpTable *t = g_new(CpuhpTable, 1);
  *t = *base;
  t->version = g_intern_string(version);
  t->n_steps = rows->len;
  t->steps = (const CpuhpStep *)g_array_free(g_steal_pointer(&rows), FALSE);
  t->split_startup = NULL; /* a table from YAML is what it says */
  ex->base = base;
  return register_table(t, g_steal_pointer(&ex));
}

GArray *cpuhp_table_diff(const CpuhpTable *a, const CpuhpTable *b) {
  GArray *out = g_array_new(FALSE, FALSE, sizeof(CpuhpTableChange));
  for (guint i = 0; i < a->n_steps; i++) {
    const CpuhpStep *s = &a->steps[i], *o = cpuhp_table_find(b, s->name);
    CpuhpTableChange c = {.a = s, .b = o};
    if (!o) c.kind = CPUHP_TABLE_REMOVED;
    else if (o->step != s->step) c.kind = CPUHP_TABLE_MOVED;
    else if (g_strcmp0(s->startup, o->startup) || g_strcmp0(s->teardown, o->teardown)) c.kind = CPUHP_TABLE_CHANGED;
    else continue;
    g_array_append_val(out, c);
  }
  for (guint i = 0; i < b->n_steps; i++) {
    CpuhpTableChange c = {.kind = CPUHP_TABLE_ADDED, .b = &b->steps[i]};
    if (!cpuhp_table_find(a, c.b->name)) g_array_append_val(out, c);
  }
  return out;
}
