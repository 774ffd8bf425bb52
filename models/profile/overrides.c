/* overrides.c — --set KEY=VALUE and kernel.cmdline applied to the profile document (overrides.h). */
#include "models/profile/overrides.h"

#include <stdarg.h>
#include <string.h>

#include "models/profile/cmdline.h"
#include "models/profile/dist.h"
#include "models/profile/internal.h"

#define MAX_OVERRIDE_DEPTH 16u

static gboolean override_error(const char *arg, GError **error, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
static gboolean override_error(const char *arg, GError **error, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  yt_set_error_at(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_SCHEMA, arg, TRUE, 0, 0, "%s",
                  msg);
  return FALSE;
}

/* "KEY=VALUE": VALUE is a YAML document; KEY a dotted path whose missing mappings are created.
 * A state given as a bare cost becomes {cost: ...} when the path reaches inside it, so
 * "states.X.present=true" works whichever form the file used. */
static gboolean apply_override(YtNode *root, const char *arg, GError **error) {
  const char *eq = strchr(arg, '=');
  if (!eq) return override_error(arg, error, "expected KEY=VALUE");
  g_autofree char *key = g_strndup(arg, (gsize)(eq - arg));
  g_auto(GStrv) parts = g_strsplit(key, ".", -1);
  guint n = g_strv_length(parts);
  if (n == 0) return override_error(arg, error, "empty key");
  for (guint i = 0; i < n; i++)
    if (!*parts[i]) return override_error(arg, error, "empty component in key");
  if (n > MAX_OVERRIDE_DEPTH) return override_error(arg, error, "key nested too deep");

  g_autoptr(GError) err = NULL;
  g_autoptr(YtNode) value = yt_parse(arg, TRUE, eq + 1, strlen(eq + 1), CPUHP_PROFILE_ERROR,
                                     CPUHP_PROFILE_ERROR_SYNTAX, &err);
  if (err) {
    g_propagate_error(error, g_steal_pointer(&err));
    return FALSE;
  }
  if (!value) value = yt_scalar_new_at("", arg, TRUE, 1, 1); /* "--set description=" */

  g_autoptr(GString) path = g_string_new(NULL);
  YtNode *cur = root;
  for (guint i = 0; i + 1 < n; i++) {
    g_string_append_printf(path, "%s%s", i ? "." : "", parts[i]);
    YtNode *next = yt_mapping_get(cur, parts[i]);
    gint pos = yt_mapping_index(cur, parts[i]);
    if (!next) {
      next = yt_mapping_new(value);
      yt_mapping_set(cur, yt_scalar_new(parts[i], value), next);
    } else if (yt_is_null(next)) {
      next = yt_mapping_new(value);
      yt_node_free(yt_mapping_replace_at(cur, (guint)pos, next));
    } else if (i == 1 && strcmp(parts[0], "states") == 0 &&
               (next->kind != YT_MAPPING || prof_is_dist_mapping(next))) {
      YtNode *entry = yt_mapping_new(next);
      yt_mapping_replace_at(cur, (guint)pos, entry);
      yt_mapping_set(entry, yt_scalar_new("cost", next), next);
      next = entry;
    } else if (next->kind != YT_MAPPING) {
      g_autofree char *q = yt_quote(path->str); /* keys from the file may hold newlines */
      return override_error(arg, error, "%s is %s, not a mapping", q, yt_kind_name(next));
    }
    cur = next;
  }
  YtNode *leaf = yt_scalar_new(parts[n - 1], value); /* before the steal: order of evaluation */
  yt_mapping_set(cur, leaf, g_steal_pointer(&value));
  return TRUE;
}

/* kernel.cmdline: its modelled parameters become overrides of the keys they stand for, applied
 * after the user's own, as a real command line has the last word over the kernel's defaults. */
static gboolean apply_cmdline(YtNode *root, GError **error) {
  const YtNode *n = prof_node_at(root, "kernel.cmdline", FALSE);
  if (!n || n->kind != YT_SCALAR || yt_is_null(n)) return TRUE; /* type errors: at binding */
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GError) err = NULL;
  if (!cpuhp_cmdline_overrides(n->text, ov, &err)) return FAIL(n, VALUE, "kernel.cmdline: %s", err->message);
  for (guint i = 0; i < ov->len; i++)
    if (!apply_override(root, ov->pdata[i], error)) return FALSE;
  return TRUE;
}

gboolean prof_apply_overrides(YtNode *root, const GPtrArray *overrides, GError **error) {
  for (guint i = 0; overrides && i < overrides->len; i++)
    if (!apply_override(root, g_ptr_array_index(overrides, i), error)) return FALSE;
  return apply_cmdline(root, error);
}
