/* scenario.c — sweep scenario files, parsed through the same YAML tree as profiles. */
#include "models/profile/scenario.h"

#include "models/profile/profile.h"
#include "models/profile/yamltree.h"

#define ERR(at, ...) yt_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_SCHEMA, at, __VA_ARGS__)

static void axis_clear(gpointer p) {
  CpuhpAxis *a = p;
  g_free(a->name);
  g_ptr_array_unref(a->values);
  g_array_unref(a->at);
}

static gboolean scalar(const YtNode *n, GError **error, const char *what) {
  if (n->kind == YT_SCALAR && !yt_is_null(n)) return TRUE;
  ERR(n, "%s: expected a scalar, got %s", what, yt_kind_name(n));
  return FALSE;
}

static gboolean add_axis(CpuhpScenario *s, const char *name, const YtNode *list, GError **error) {
  if (list->kind != YT_SEQUENCE || list->items->len == 0) {
    ERR(list, "axis '%s': expected a non-empty list of values", name);
    return FALSE;
  }
  CpuhpAxis a = {g_strdup(name), g_ptr_array_new_with_free_func(g_free), g_array_new(FALSE, FALSE, sizeof(CpuhpAxisPlace))};
  for (guint i = 0; i < list->items->len; i++) {
    const YtNode *v = list->items->pdata[i];
    if (!scalar(v, error, name)) {
      axis_clear(&a);
      return FALSE;
    }
    g_ptr_array_add(a.values, g_strdup(v->text));
    g_array_append_val(a.at, ((CpuhpAxisPlace){v->line, v->col}));
  }
  if (s->points > G_MAXUINT32 / a.values->len) {
    ERR(list, "the grid has more than %u points", G_MAXUINT32);
    axis_clear(&a);
    return FALSE;
  }
  s->points *= a.values->len;
  g_array_append_val(s->axes, a);
  return TRUE;
}

static gboolean uint_value(const YtNode *n, guint64 min, guint64 max, guint64 *out, GError **error, const char *key) {
  if (!scalar(n, error, key)) return FALSE;
  if (!g_ascii_string_to_unsigned(n->text, 10, min, max, out, NULL)) {
    ERR(n, "%s: expected a whole number from %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT, key, min, max);
    return FALSE;
  }
  return TRUE;
}

static gboolean parse(CpuhpScenario *s, const YtNode *root, GError **error) {
  if (root->kind != YT_MAPPING) {
    ERR(root, "a scenario is a mapping");
    return FALSE;
  }
  static const char *const top[] = {"profile", "seed", "runs", "axes", "faults", NULL};
  for (guint i = 0; i < root->keys->len; i++) {
    const YtNode *k = root->keys->pdata[i];
    if (!g_strv_contains(top, k->text)) {
      ERR(k, "unknown key '%s' (expected profile, seed, runs, axes, faults)", k->text);
      return FALSE;
    }
  }
  const YtNode *n;
  guint64 v;
  if ((n = yt_mapping_get(root, "profile"))) {
    if (!scalar(n, error, "profile")) return FALSE;
    g_autofree char *dir = g_path_get_dirname(s->source);
    s->profile_path = g_path_is_absolute(n->text) ? g_strdup(n->text) : g_build_filename(dir, n->text, NULL);
  }
  if ((n = yt_mapping_get(root, "seed"))) {
    if (!uint_value(n, 0, G_MAXUINT64 / 2, &v, error, "seed")) return FALSE;
    s->seed = v;
  }
  if ((n = yt_mapping_get(root, "runs"))) {
    if (!uint_value(n, 1, 1000000, &v, error, "runs")) return FALSE;
    s->runs = (guint)v;
  }
  if ((n = yt_mapping_get(root, "faults"))) {
    if (n->kind != YT_SEQUENCE) {
      ERR(n, "faults: expected a list such as [\"fail=2:workqueue:prepare\", \"no-alive=3\"]");
      return FALSE;
    }
    for (guint i = 0; i < n->items->len; i++) {
      const YtNode *f = n->items->pdata[i];
      if (!scalar(f, error, "faults")) return FALSE;
      if (!g_str_has_prefix(f->text, "fail=") && !g_str_has_prefix(f->text, "no-alive=")) {
        ERR(f, "faults: expected fail=CPU:STATE or no-alive=CPU, got '%s'", f->text);
        return FALSE;
      }
      g_ptr_array_add(s->faults, g_strdup(f->text));
      g_array_append_val(s->fault_at, ((CpuhpAxisPlace){f->line, f->col}));
    }
  }
  const YtNode *axes = yt_mapping_get(root, "axes");
  if (!axes) return TRUE;
  if (axes->kind != YT_MAPPING) {
    ERR(axes, "axes: expected a mapping");
    return FALSE;
  }
  static const char *const known[] = {"topology", "cpus", "set", "policy", NULL};
  for (guint i = 0; i < axes->keys->len; i++) {
    const YtNode *k = axes->keys->pdata[i];
    if (!g_strv_contains(known, k->text)) {
      ERR(k, "unknown axis '%s' (expected topology, cpus, set, policy)", k->text);
      return FALSE;
    }
  }
  /* fixed grid order, whatever order the file lists them in */
  if ((n = yt_mapping_get(axes, "topology")) && !add_axis(s, "topology", n, error)) return FALSE;
  if ((n = yt_mapping_get(axes, "cpus")) && !add_axis(s, "cpus", n, error)) return FALSE;
  if ((n = yt_mapping_get(axes, "set"))) {
    if (n->kind != YT_MAPPING || n->keys->len == 0) {
      ERR(n, "set: expected a mapping of profile keys to lists of values");
      return FALSE;
    }
    for (guint i = 0; i < n->keys->len; i++) {
      const YtNode *k = n->keys->pdata[i];
      if (g_str_equal(k->text, "topology") || g_str_equal(k->text, "cpus") || g_str_equal(k->text, "policy")) {
        ERR(k, "set: '%s' is an axis name, not a profile key", k->text);
        return FALSE;
      }
      if (!add_axis(s, k->text, n->items->pdata[i], error)) return FALSE;
    }
  }
  if ((n = yt_mapping_get(axes, "policy")) && !add_axis(s, "policy", n, error)) return FALSE;
  return TRUE;
}

CpuhpScenario *cpuhp_scenario_load(const char *path, GError **error) {
  g_autoptr(YtNode) root =
      yt_parse_file(path, "scenario", CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_IO, CPUHP_PROFILE_ERROR_SYNTAX, error);
  if (!root) return NULL;
  g_autoptr(CpuhpScenario) s = g_new0(CpuhpScenario, 1);
  s->source = g_strdup(path);
  s->seed = 1;
  s->runs = 1;
  s->points = 1;
  s->axes = g_array_new(FALSE, FALSE, sizeof(CpuhpAxis));
  s->faults = g_ptr_array_new_with_free_func(g_free);
  s->fault_at = g_array_new(FALSE, FALSE, sizeof(CpuhpAxisPlace));
  g_array_set_clear_func(s->axes, axis_clear);
  if (!parse(s, root, error)) return NULL;
  return g_steal_pointer(&s);
}

void cpuhp_scenario_free(CpuhpScenario *s) {
  if (!s) return;
  g_free(s->source);
  g_free(s->profile_path);
  if (s->axes) g_array_unref(s->axes);
  if (s->faults) g_ptr_array_unref(s->faults);
  if (s->fault_at) g_array_unref(s->fault_at);
  g_free(s);
}

void cpuhp_scenario_point(const CpuhpScenario *s, guint64 point, const char **values) {
  g_assert(point < s->points);
  /* the last axis varies fastest */
  for (guint a = s->axes->len; a-- > 0;) {
    const CpuhpAxis *ax = &g_array_index(s->axes, CpuhpAxis, a);
    values[a] = ax->values->pdata[point % ax->values->len];
    point /= ax->values->len;
  }
}
