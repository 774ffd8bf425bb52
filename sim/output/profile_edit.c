/* profile_edit.c — a calibration written into a copy of the base profile. The YAML is edited as
 * text, line by line inside the `states:` block and the blocks of the fitted keys, so that
 * everything the fit does not touch (comments included) stays as the author wrote it. */
#include "sim/output/profile_edit.h"

#include <string.h>

#include "models/kernel/prepare.h"
#include "models/profile/yamltree.h"

/* Three significant digits (whole ns below 1 us). */
static int64_t round3(int64_t ns) {
  int64_t p = 1;
  while (ns / p >= 1000) p *= 10;
  return (ns + p / 2) / p * p;
}

static const char *dur(int64_t ns, char *buf) { return sim_format_duration(round3(ns), buf, 32); }

static void cost_text(GString *o, const CpuhpFitCost *c) {
  char b1[32];
  switch (c->dist) {
  case CPUHP_FIT_LOGNORMAL:
    g_string_append_printf(o, "{dist: lognormal, median: %s, sigma: %.3f}", dur(c->median, b1), c->sigma);
    break;
  case CPUHP_FIT_EMPIRICAL:
    g_string_append(o, "{dist: empirical, samples: [");
    for (guint i = 0; i < c->samples->len; i++)
      g_string_append_printf(o, "%s%s", i ? ", " : "", dur(g_array_index(c->samples, int64_t, i), b1));
    g_string_append(o, "]}");
    break;
  case CPUHP_FIT_MEDIAN:
    g_string_append(o, dur(c->median, b1));
    break;
  }
}

/* A fitted state's entry line under states:. */
static char *state_line(const CpuhpFitState *s) {
  const CpuhpStep *row = s->row;
  char b1[32], b2[32], b3[32];
  GString *o = g_string_new(NULL);
  g_string_append_printf(o, "  %s: ", row->name);
  gboolean braces = !row->at_boot || row->multi_instance || s->per_cpu;
  if (braces) g_string_append(o, "{");
  if (!row->at_boot) g_string_append(o, "present: true, ");
  if (braces && !row->multi_instance) g_string_append(o, "cost: ");
  if (row->multi_instance) g_string_append(o, "instances: [");
  for (guint k = 0; k < s->instances->len; k++) {
    if (k) g_string_append(o, ", ");
    cost_text(o, &g_array_index(s->instances, CpuhpFitCost, k));
  }
  if (row->multi_instance) g_string_append(o, "]");
  if (s->per_cpu)
    g_string_append_printf(o, ", per_possible_cpu: %s, per_online_cpu: %s", dur(s->per_possible_cpu, b1),
                           dur(s->per_online_cpu, b2));
  if (braces) g_string_append(o, "}");
  g_string_append_printf(o, "   # n=%u from %u boot%s: median %s, p10 %s, p90 %s%s", s->spread.n, s->boots,
                         s->boots == 1 ? "" : "s", dur(s->spread.median, b1), dur(s->spread.p10, b2),
                         dur(s->spread.p90, b3), row->multi_instance ? " (all instances)" : "");
  return g_string_free(o, FALSE);
}

/* ---- the YAML text ----
 * Where things are comes from the parser, not from the look of a line: a top-level key's block
 * runs from its key to the next top-level key, and an entry of a block mapping from its key to
 * the next key of that mapping. So a multi-line string that happens to hold "states:" at the
 * start of a line cannot mislead the editor. */

typedef struct {
  gboolean present;
  guint start, end;   /* 0-based lines: the key's line, and where the next top-level key is */
  GArray *entry_line; /* guint: 0-based line of each key of the block mapping, in order */
  GPtrArray *entry;   /* char *: those keys (borrowed from the tree) */
} Block;

static void block_clear(Block *b) {
  if (b->entry_line) g_array_unref(b->entry_line);
  if (b->entry) g_ptr_array_unref(b->entry);
}

/* The top-level block `name`; FALSE (error set) when it is there but not a block mapping. */
static gboolean block_of(const char *source, const YtNode *root, const char *name, guint n_lines, Block *b, GError **error) {
  *b = (Block){.entry_line = g_array_new(FALSE, FALSE, sizeof(guint)), .entry = g_ptr_array_new()};
  gint k = root && root->kind == YT_MAPPING ? yt_mapping_index(root, name) : -1;
  if (k < 0) return TRUE;
  const YtNode *key = root->keys->pdata[k], *val = root->items->pdata[k];
  b->present = TRUE;
  b->start = key->line - 1;
  b->end = n_lines;
  for (guint i = 0; i < root->keys->len; i++) {
    guint l = ((const YtNode *)root->keys->pdata[i])->line - 1;
    if (l > b->start && l < b->end) b->end = l;
  }
  if (val->kind == YT_SCALAR && yt_is_null(val)) return TRUE; /* "name:" with nothing under it */
  if (val->kind != YT_MAPPING || val->line - 1 == b->start) {
    g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_VALUE,
                "%s:%u:%u: %s: must be a block mapping (one key a line) for calibrate to edit it", source, key->line,
                key->col, name);
    return FALSE;
  }
  for (guint i = 0; i < val->keys->len; i++) {
    const YtNode *ek = val->keys->pdata[i];
    guint l = ek->line - 1;
    g_array_append_val(b->entry_line, l);
    g_ptr_array_add(b->entry, ek->text);
  }
  return TRUE;
}

/* The entry of `b` whose key is on line `i`, or -1. */
static gint entry_at(const Block *b, guint i) {
  if (!b->present || i <= b->start || i >= b->end) return -1;
  for (guint e = 0; e < b->entry_line->len; e++)
    if (g_array_index(b->entry_line, guint, e) == i) return (gint)e;
  return -1;
}

static gboolean blank_or_comment(const char *line) {
  while (*line == ' ' || *line == '\t' || *line == '\r') line++;
  return !*line || *line == '#';
}

/* Where entry `e` of `b` ends: the next entry's key line, or the block's end, less the blank and
 * comment lines before it (they stay: they are about what follows). */
static guint entry_end(const Block *b, guint e, GStrv lines) {
  guint start = g_array_index(b->entry_line, guint, e);
  guint end = e + 1 < b->entry_line->len ? g_array_index(b->entry_line, guint, e + 1) : b->end;
  while (end > start + 1 && blank_or_comment(lines[end - 1])) end--;
  return end;
}

/* Fitted entries the base's states: block did not have, in table order. */
static void append_unwritten(GString *body, const CpuhpCalibration *cal, GHashTable *entry, GHashTable *written) {
  for (guint i = 0; i < cal->states->len; i++) {
    const char *name = g_array_index(cal->states, CpuhpFitState, i).row->name;
    if (!g_hash_table_contains(written, name)) g_string_append_printf(body, "%s\n", (const char *)g_hash_table_lookup(entry, name));
  }
}

/* ---- scalar keys: a line under a block ---- */

typedef struct {
  const char *block, *key;
  char *line;
  gboolean done;
} KeyEdit;

static void key_edit_clear(gpointer p) { g_free(((KeyEdit *)p)->line); }

static void newline(GString *body) {
  if (body->len && body->str[body->len - 1] != '\n') g_string_append_c(body, '\n');
}

/* The edits of `block` not placed yet, each on its own line. */
static void flush_edits(GString *body, GArray *edits, const char *block) {
  for (guint k = 0; k < edits->len; k++) {
    KeyEdit *e = &g_array_index(edits, KeyEdit, k);
    if (e->done || strcmp(e->block, block)) continue;
    newline(body);
    g_string_append_printf(body, "%s\n", e->line);
    e->done = TRUE;
  }
}

/* The base text with fitted state entries and key lines in place. */
static gboolean rebuild(const char *source, const char *text, const CpuhpCalibration *cal, GHashTable *entry,
                        GArray *edits, GString *body, GError **error) {
  g_autoptr(YtNode) root = yt_parse(source, FALSE, text, strlen(text), CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_SYNTAX, error);
  if (!root && error && *error) return FALSE;
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  guint n = g_strv_length(lines);
  /* the blocks: states, then each block an edit names */
  g_autoptr(GPtrArray) names = g_ptr_array_new();
  g_ptr_array_add(names, (gpointer) "states");
  for (guint k = 0; k < edits->len; k++) {
    const char *b = g_array_index(edits, KeyEdit, k).block;
    if (!g_ptr_array_find_with_equal_func(names, b, g_str_equal, NULL)) g_ptr_array_add(names, (gpointer)b);
  }
  g_autofree Block *blocks = g_new0(Block, names->len);
  gboolean ok = TRUE;
  guint nb = 0;
  for (; nb < names->len && ok; nb++) ok = block_of(source, root, names->pdata[nb], n, &blocks[nb], error);
  const Block *states = &blocks[0];
  g_autoptr(GHashTable) written = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; ok && i <= n; i++) {
    for (guint bi = 0; bi < nb; bi++) { /* a block ending here: what it did not have yet */
      if (!blocks[bi].present || blocks[bi].end != i) continue;
      newline(body);
      if (bi == 0) append_unwritten(body, cal, entry, written);
      else flush_edits(body, edits, names->pdata[bi]);
    }
    if (i == n) break;
    gboolean replaced = FALSE;
    for (guint bi = 0; bi < nb && !replaced; bi++) {
      gint e = entry_at(&blocks[bi], i);
      if (e < 0) continue;
      const char *k = g_ptr_array_index(blocks[bi].entry, e);
      const char *line = NULL;
      if (bi == 0) {
        gpointer name;
        if (g_hash_table_lookup_extended(entry, k, &name, (gpointer *)&line)) g_hash_table_add(written, name);
      } else {
        for (guint x = 0; x < edits->len && !line; x++) {
          KeyEdit *ke = &g_array_index(edits, KeyEdit, x);
          if (!ke->done && !strcmp(ke->block, names->pdata[bi]) && !strcmp(ke->key, k)) line = ke->line, ke->done = TRUE;
        }
      }
      if (!line) continue;
      g_string_append_printf(body, "%s\n", line);
      i = entry_end(&blocks[bi], (guint)e, lines) - 1; /* the entry's own continuation lines go */
      replaced = TRUE;
    }
    if (replaced) continue;
    g_string_append(body, lines[i]);
    if (i + 1 < n) g_string_append_c(body, '\n');
  }
  for (guint k = 0; ok && k < edits->len; k++) { /* blocks the base does not have */
    KeyEdit *e = &g_array_index(edits, KeyEdit, k);
    if (e->done) continue;
    newline(body);
    g_string_append_printf(body, "\n%s:\n", e->block);
    flush_edits(body, edits, e->block);
  }
  if (ok && !states->present) {
    newline(body);
    g_string_append(body, "\nstates:\n");
    append_unwritten(body, cal, entry, written);
  }
  for (guint bi = 0; bi < nb; bi++) block_clear(&blocks[bi]);
  return ok;
}

static gint cmp_strp(gconstpointer a, gconstpointer b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void header(GString *out, const CpuhpProfile *base, const CpuhpCalibration *cal, CpuhpMeasured *const *boots,
                   const char *const *names, guint n_boots) {
  const CpuhpCalibrateStats *st = &cal->stats;
  g_string_append_printf(out, "# Calibrated by `cpuhpsim calibrate --fit=%s` from %s on %u boot%s:\n",
                         cpuhp_fit_name(cal->fit), base->source, n_boots, n_boots == 1 ? "" : "s");
  for (guint b = 0; b < n_boots; b++)
    g_string_append_printf(out, "#   %s (bringup %.3f ms, %u CPUs, cpuhp.parallel=%d)\n", names[b],
                           (double)boots[b]->bringup_ns / 1e6, boots[b]->n_cpus, boots[b]->parallel);
  g_string_append_printf(out, "# Fitted: %u states' callback costs (%u timed invocations)", st->states_fitted, st->samples);
  for (guint k = 0; k < cal->keys->len; k++) {
    const CpuhpFitKey *key = &g_array_index(cal->keys, CpuhpFitKey, k);
    if (!key->ap_path) g_string_append_printf(out, ", %s.%s", key->block, key->key);
  }
  if (st->platform_fitted)
    g_string_append_printf(out, ", %u AP-path costs from the function tracer's milestones", st->platform_fitted);
  g_string_append(out, "; every\n# other number is the base profile's. Waits (kick, bringup step) and totals are never fitted.\n");
  if (st->stalls)
    g_string_append_printf(out, "# Left out: %u stall%s (callbacks %.0f ms or more over their usual time: host-side, "
                           "docs/host-first-touch.md).\n", st->stalls, st->stalls == 1 ? "" : "s",
                           (double)CPUHP_REPLAY_STALL_NS / 1e6);
  if (cal->unmatched->len) { /* sorted by their text, so the list reads the same whatever the boots' order */
    g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GHashTable) count = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < cal->unmatched->len; i++) {
      const CpuhpFitUnmatched *u = &g_array_index(cal->unmatched, CpuhpFitUnmatched, i);
      char *what = g_strdup_printf("%s (step %d)", u->callback, u->step);
      g_ptr_array_add(items, what);
      g_hash_table_insert(count, what, GUINT_TO_POINTER(u->count));
    }
    g_ptr_array_sort(items, cmp_strp);
    g_string_append(out, "# Timed but not in the state table, not fitted:");
    for (guint i = 0; i < items->len; i++)
      g_string_append_printf(out, "%s %s x%u", i ? "," : "", (const char *)items->pdata[i],
                             GPOINTER_TO_UINT(g_hash_table_lookup(count, items->pdata[i])));
    g_string_append_c(out, '\n');
  }
}

gboolean sim_profile_edit_calibrated(GString *out, const CpuhpProfile *base, const char *base_yaml,
                                     const CpuhpCalibration *cal, CpuhpMeasured *const *boots, const char *const *names,
                                     guint n_boots, GError **error) {
  g_autoptr(GHashTable) entry = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free); /* name -> line */
  for (guint i = 0; i < cal->states->len; i++) {
    const CpuhpFitState *s = &g_array_index(cal->states, CpuhpFitState, i);
    g_hash_table_insert(entry, (gpointer)s->row->name, state_line(s));
  }
  g_autoptr(GArray) edits = g_array_new(FALSE, FALSE, sizeof(KeyEdit));
  g_array_set_clear_func(edits, key_edit_clear);
  for (guint k = 0; k < cal->keys->len; k++) {
    const CpuhpFitKey *key = &g_array_index(cal->keys, CpuhpFitKey, k);
    char b1[32], b2[32], b3[32];
    GString *line = g_string_new(NULL);
    g_string_append_printf(line, "  %s: %s   # fitted: %s", key->key, dur(key->value, b1), key->basis);
    if (key->spread.n)
      g_string_append_printf(line, ", n=%u, p10 %s, p90 %s", key->spread.n, dur(key->spread.p10, b2), dur(key->spread.p90, b3));
    KeyEdit e = {.block = key->block, .key = key->key, .line = g_string_free(line, FALSE)};
    g_array_append_val(edits, e);
  }
  g_autoptr(GString) body = g_string_new(NULL);
  if (!rebuild(base->source, base_yaml, cal, entry, edits, body, error)) return FALSE;
  gsize at = out->len;
  header(out, base, cal, boots, names, n_boots);
  g_string_append_len(out, body->str, (gssize)body->len);
  /* the loader is the judge of the edit: a profile it refuses is never handed out */
  g_autoptr(GError) why = NULL;
  g_autoptr(CpuhpProfile) check = cpuhp_machine_load_data(base->source, out->str + at, out->len - at, NULL, &why);
  if (!check) {
    g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_VALUE,
                "%s: calibrate could not edit this profile line by line (the result reads: %s)", base->source, why->message);
    g_string_truncate(out, at);
    return FALSE;
  }
  return TRUE;
}
