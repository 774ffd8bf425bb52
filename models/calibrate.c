/* calibrate.c — per-state cost fits from real boots, written into a copy of the base profile.
 * The YAML is edited as text, line by line inside the `states:` and `kernel:` blocks, so that
 * everything the fit does not touch (comments included) stays as the author wrote it. */
#include "models/calibrate.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#define MAX_EMPIRICAL 32u

gboolean cpuhp_fit_parse(const char *name, CpuhpFit *out) {
  static const char *const names[] = {"median", "lognormal", "empirical"};
  for (guint i = 0; i < G_N_ELEMENTS(names); i++)
    if (g_strcmp0(name, names[i]) == 0) {
      *out = (CpuhpFit)i;
      return TRUE;
    }
  return FALSE;
}

typedef struct {
  GArray *ns;       /* int64_t samples */
  guint64 boots;    /* bit b: boot b gave samples (boots past 63 share bit 63) */
} Samples;

static void samples_free(gpointer p) {
  Samples *s = p;
  g_array_unref(s->ns);
  g_free(s);
}

static gint cmp_i64(gconstpointer a, gconstpointer b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

/* The table row a timed callback belongs to: same callback, the same step if the table has it,
 * else the section its side runs (BP: PREPARE, AP: ONLINE). */
static gint match_row(const CpuhpTable *t, const CpuhpMeasuredStep *s) {
  gint best = -1, best_score = -1;
  for (guint i = 0; i < t->n_steps; i++) {
    const CpuhpStep *r = &t->steps[i];
    if (r->cost != CPUHP_COST_PROFILE || !r->startup || strcmp(r->startup, s->callback)) continue;
    gboolean bp = r->section == CPUHP_SECTION_PREPARE;
    int score = r->step == s->step ? 2 : bp == (s->side == CPUHP_SIDE_BP) ? 1 : 0;
    if (score > best_score) best = (gint)i, best_score = score;
  }
  return best;
}

/* Three significant digits (whole ns below 1 us). */
static int64_t round3(int64_t ns) {
  int64_t p = 1;
  while (ns / p >= 1000) p *= 10;
  return (ns + p / 2) / p * p;
}

static const char *dur(int64_t ns, char *buf) { return sim_format_duration(round3(ns), buf, 32); }

static int64_t quantile(const GArray *sorted, double q) {
  guint n = sorted->len;
  return g_array_index(sorted, int64_t, (guint)floor(q * (n - 1) + 0.5));
}

static int64_t median(const GArray *sorted) {
  guint n = sorted->len;
  int64_t a = g_array_index(sorted, int64_t, (n - 1) / 2), b = g_array_index(sorted, int64_t, n / 2);
  return a + (b - a) / 2;
}

static void fit_value(GString *o, const GArray *sorted, CpuhpFit fit) {
  char b1[32];
  guint n = sorted->len;
  if (fit == CPUHP_FIT_LOGNORMAL && n >= 2 && g_array_index(sorted, int64_t, 0) > 0) {
    double sum = 0, sq = 0;
    for (guint i = 0; i < n; i++) sum += log((double)g_array_index(sorted, int64_t, i));
    double mean = sum / n;
    for (guint i = 0; i < n; i++) sq += pow(log((double)g_array_index(sorted, int64_t, i)) - mean, 2);
    double sigma = sqrt(sq / (n - 1));
    if (sigma > 1e-3) {
      g_string_append_printf(o, "{dist: lognormal, median: %s, sigma: %.3f}", dur(median(sorted), b1), sigma);
      return;
    }
  }
  if (fit == CPUHP_FIT_EMPIRICAL && n >= 2) {
    guint k = MIN(n, MAX_EMPIRICAL);
    g_string_append(o, "{dist: empirical, samples: [");
    for (guint i = 0; i < k; i++)
      g_string_append_printf(o, "%s%s", i ? ", " : "", dur(k == n ? g_array_index(sorted, int64_t, i) : quantile(sorted, (i + 0.5) / k), b1));
    g_string_append(o, "]}");
    return;
  }
  g_string_append(o, dur(median(sorted), b1));
}

static guint popcount64(guint64 v) {
  guint c = 0;
  for (; v; v &= v - 1) c++;
  return c;
}

/* ---- the YAML text ---- */

static gboolean blank(const char *line) {
  while (*line == ' ' || *line == '\t' || *line == '\r') line++;
  return !*line;
}

static guint indent(const char *line) {
  guint i = 0;
  while (line[i] == ' ') i++;
  return i;
}

/* After "key:": nothing, or a comment. */
static gboolean block_opener(const char *rest) {
  while (*rest == ' ') rest++;
  return !*rest || *rest == '#' || *rest == '\r';
}

static gint cmp_strp(gconstpointer a, gconstpointer b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* [begin, end) of the top-level block `key:` (its key line first); FALSE if absent. */
static gboolean find_block(GStrv lines, const char *key, guint *begin, guint *end) {
  guint n = g_strv_length(lines), klen = (guint)strlen(key);
  for (guint i = 0; i < n; i++) {
    if (strncmp(lines[i], key, klen) || lines[i][klen] != ':') continue;
    guint j = i + 1;
    while (j < n && (lines[j][0] == ' ' || lines[j][0] == '#' || lines[j][0] == '\0')) j++;
    while (j > i + 1 && blank(lines[j - 1])) j--; /* trailing blank lines */
    *begin = i;
    *end = j;
    return TRUE;
  }
  return FALSE;
}

/* The key of a block entry line "  name: value" (2-space indent), or NULL. */
static char *entry_key(const char *line) {
  if (strncmp(line, "  ", 2) || line[2] == ' ' || line[2] == '#' || line[2] == '\0') return NULL;
  const char *p = line + 2, *colon = NULL;
  for (const char *c = p; *c; c++)
    if (*c == ':' && (c[1] == ' ' || c[1] == '\0')) { colon = c; break; }
  if (!colon) return NULL;
  char *k = g_strstrip(g_strndup(p, (gsize)(colon - p)));
  gsize l = strlen(k);
  if (l >= 2 && (k[0] == '"' || k[0] == '\'') && k[l - 1] == k[0]) {
    memmove(k, k + 1, l - 2);
    k[l - 2] = '\0';
  }
  return k;
}

/* Fitted entries the base's states: block did not have, in table order. */
static void append_unwritten(GString *body, const CpuhpTable *t, GHashTable *entry, GHashTable *written) {
  for (guint r = 0; r < t->n_steps; r++) {
    const char *fitted = g_hash_table_lookup(entry, t->steps[r].name);
    if (fitted && !g_hash_table_contains(written, t->steps[r].name)) g_string_append_printf(body, "%s\n", fitted);
  }
}

/* ---- scalar keys: a line under a block ---- */

typedef struct {
  const char *block, *key;
  char *line;
  gboolean done;
} KeyEdit;

static void key_edit_free(gpointer p) {
  KeyEdit *e = p;
  g_free(e->line);
  g_free(e);
}

static KeyEdit *key_edit_new(const char *block, const char *key, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static KeyEdit *key_edit_new(const char *block, const char *key, const char *fmt, ...) {
  KeyEdit *e = g_new0(KeyEdit, 1);
  e->block = block, e->key = key;
  va_list ap;
  va_start(ap, fmt);
  e->line = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  return e;
}

/* The edits of `block` not placed yet, each on its own line. */
static void flush_edits(GString *body, GPtrArray *edits, const char *block) {
  for (guint k = 0; k < edits->len; k++) {
    KeyEdit *e = edits->pdata[k];
    if (e->done || strcmp(e->block, block)) continue;
    if (body->len && body->str[body->len - 1] != '\n') g_string_append_c(body, '\n');
    g_string_append_printf(body, "%s\n", e->line);
    e->done = TRUE;
  }
}

/* The base text with fitted state entries and key lines in place. */
static gboolean rebuild(const char *source, GStrv lines, const CpuhpTable *t, GHashTable *entry, GPtrArray *edits, GString *body,
                        GError **error) {
  guint n = g_strv_length(lines), sb = 0, se = 0;
  gboolean has_states = find_block(lines, "states", &sb, &se);
  if (has_states && !block_opener(lines[sb] + 7)) {
    g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_VALUE,
                "%s:%u:1: states: must be a block mapping (one key a line) for calibrate to edit it", source, sb + 1);
    return FALSE;
  }
  /* where each edited block starts and ends */
  g_autoptr(GHashTable) bounds = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
  for (guint k = 0; k < edits->len; k++) {
    const KeyEdit *e = edits->pdata[k];
    guint *be = g_new(guint, 2);
    if (!find_block(lines, e->block, &be[0], &be[1])) {
      g_free(be);
      continue;
    }
    if (!block_opener(lines[be[0]] + strlen(e->block) + 1)) {
      g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_VALUE,
                  "%s:%u:1: %s: must be a block mapping (one key a line) for calibrate to edit it", source, be[0] + 1, e->block);
      g_free(be);
      return FALSE;
    }
    g_hash_table_replace(bounds, (gpointer)e->block, be);
  }
  g_autoptr(GHashTable) written = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i <= n; i++) {
    /* a block ending here gets its edits not placed yet (and states: its new entries) */
    GHashTableIter it;
    gpointer bk, bv;
    g_hash_table_iter_init(&it, bounds);
    while (g_hash_table_iter_next(&it, &bk, &bv))
      if (((guint *)bv)[1] == i) flush_edits(body, edits, bk);
    if (has_states && i == se) {
      if (body->len && body->str[body->len - 1] != '\n') g_string_append_c(body, '\n');
      append_unwritten(body, t, entry, written);
    }
    if (i == n) break;
    g_autofree char *k = entry_key(lines[i]);
    gboolean replaced = FALSE;
    for (guint e = 0; k && e < edits->len && !replaced; e++) {
      KeyEdit *ke = edits->pdata[e];
      const guint *be = g_hash_table_lookup(bounds, ke->block);
      if (!ke->done && be && i > be[0] && i < be[1] && !strcmp(k, ke->key)) {
        g_string_append_printf(body, "%s\n", ke->line);
        ke->done = replaced = TRUE;
      }
    }
    if (replaced) continue;
    if (has_states && i > sb && i < se) {
      const char *fitted = k ? g_hash_table_lookup(entry, k) : NULL;
      if (fitted) {
        g_string_append_printf(body, "%s\n", fitted);
        g_hash_table_add(written, (gpointer)cpuhp_table_find(t, k)->name);
        while (i + 1 < se && indent(lines[i + 1]) > 2) i++; /* the entry's own continuation lines */
        continue;
      }
    }
    g_string_append(body, lines[i]);
    if (i + 1 < n) g_string_append_c(body, '\n');
  }
  for (guint k = 0; k < edits->len; k++) { /* blocks the base does not have */
    KeyEdit *e = edits->pdata[k];
    if (e->done) continue;
    g_string_append_printf(body, "%s%s:\n", body->len && body->str[body->len - 1] == '\n' ? "\n" : "\n\n", e->block);
    flush_edits(body, edits, e->block);
  }
  if (!has_states) {
    g_string_append(body, "\nstates:\n");
    append_unwritten(body, t, entry, written);
  }
  return TRUE;
}

/* ---- x86: the AP's own path, from the function tracer's milestones (where it was on) ---- */

/* Per AP, the time between two traced functions' first calls; each pair is one model stage. */
static const struct {
  const char *from, *to, *key, *what;
  gboolean minus_loop; /* the TSC warp test: less its loop_timeout, what is left is overhead */
} x86_stages[] = {
    {"fpu__init_cpu", "smp_store_cpu_info", "cpu_init", "released: cpu_init .. identify", FALSE},
    {"smp_store_cpu_info", "set_cpu_sibling_map", "identify", "smp_store_cpu_info .. set_cpu_sibling_map", FALSE},
    {"check_tsc_sync_target", "calibrate_delay", "tsc_sync_overhead", "check_tsc_sync_target .. calibrate_delay, less the 2 ms loop", TRUE},
    {"set_cpu_online", "cpuhp_online_idle", "online_tail", "set_cpu_online .. cpuhp_online_idle", FALSE},
};

static int64_t first_call(const CpuhpMeasuredCpu *c, const char *fn) {
  for (guint i = 0; c->functions && i < c->functions->len; i++) {
    const CpuhpMeasuredFunc *f = &g_array_index(c->functions, CpuhpMeasuredFunc, i);
    if (!strcmp(f->function, fn)) return f->ts;
  }
  return -1;
}

static guint fit_x86_path(CpuhpMeasured *const *boots, guint n_boots, GPtrArray *edits) {
  guint fitted = 0;
  char b1[32], b2[32], b3[32];
  for (guint k = 0; k < G_N_ELEMENTS(x86_stages); k++) {
    g_autoptr(GArray) ns = g_array_new(FALSE, FALSE, sizeof(int64_t));
    for (guint b = 0; b < n_boots; b++)
      for (guint c = 0; c < boots[b]->cpus->len; c++) {
        const CpuhpMeasuredCpu *mc = &g_array_index(boots[b]->cpus, CpuhpMeasuredCpu, c);
        int64_t a = first_call(mc, x86_stages[k].from), z = first_call(mc, x86_stages[k].to);
        if (mc->cpu == 0 || a < 0 || z < a) continue;
        int64_t d = z - a;
        if (x86_stages[k].minus_loop) {
          if (d < 2000000) continue; /* the test did not run on this AP */
          d -= 2000000;              /* check_tsc_warp's loop_timeout for a non-first CPU */
          if (d > 2000000) continue; /* a package's first CPU: its 20 ms loop */
        }
        g_array_append_val(ns, d);
      }
    if (ns->len < 2) continue;
    g_array_sort(ns, cmp_i64);
    g_ptr_array_add(edits, key_edit_new("x86", x86_stages[k].key, "  %s: %s   # fitted: %s, n=%u, p10 %s, p90 %s", x86_stages[k].key,
                                        dur(median(ns), b1), x86_stages[k].what, ns->len, dur(quantile(ns, 0.1), b2),
                                        dur(quantile(ns, 0.9), b3)));
    fitted++;
  }
  return fitted;
}

gboolean cpuhp_calibrate(const CpuhpProfile *base, const char *base_yaml, CpuhpMeasured *const *boots,
                         const char *const *names, guint n_boots, CpuhpFit fit, GString *out,
                         CpuhpCalibrateStats *stats, GError **error) {
  const CpuhpTable *t = cpuhp_profile_table(base);
  g_autoptr(GHashTable) fits = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, samples_free);
  g_autoptr(GHashTable) unmatched = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  *stats = (CpuhpCalibrateStats){0};
  for (guint b = 0; b < n_boots; b++) {
    const CpuhpMeasured *m = boots[b];
    for (guint c = 0; c < m->cpus->len; c++) {
      const CpuhpMeasuredCpu *mc = &g_array_index(m->cpus, CpuhpMeasuredCpu, c);
      int32_t prev_step = -1;
      guint inst = 0;
      for (guint i = 0; i < mc->steps->len; i++) {
        const CpuhpMeasuredStep *s = &g_array_index(mc->steps, CpuhpMeasuredStep, i);
        inst = s->multi && s->step == prev_step ? inst + 1 : 0;
        prev_step = s->multi ? s->step : -1;
        if (s->duration < 0 || s->step == m->kick_step || s->step == m->bringup_step) continue;
        gint row = match_row(t, s);
        if (row < 0) {
          char *k = g_strdup_printf("%s (step %d)", s->callback, s->step);
          guint n = GPOINTER_TO_UINT(g_hash_table_lookup(unmatched, k));
          g_hash_table_replace(unmatched, k, GUINT_TO_POINTER(n + 1));
          continue;
        }
        if (inst >= 64) continue; /* the profile format's instance limit */
        gpointer key = GUINT_TO_POINTER((guint)row * 64 + inst + 1);
        Samples *sm = g_hash_table_lookup(fits, key);
        if (!sm) {
          sm = g_new0(Samples, 1);
          sm->ns = g_array_new(FALSE, FALSE, sizeof(int64_t));
          g_hash_table_insert(fits, key, sm);
        }
        g_array_append_val(sm->ns, s->duration);
        sm->boots |= G_GUINT64_CONSTANT(1) << MIN(b, 63u);
        stats->samples++;
      }
    }
  }
  if (!g_hash_table_size(fits)) {
    g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_VALUE,
                "no timed callback of the %s/%s state table in the boots given", t->arch, t->version);
    return FALSE;
  }

  /* One entry line per fitted state, in table order. */
  g_auto(GStrv) lines = g_strsplit(base_yaml, "\n", -1);
  g_autoptr(GHashTable) entry = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
  int64_t rb_page = -1;
  char b1[32], b2[32], b3[32];
  for (guint r = 0; r < t->n_steps; r++) {
    const CpuhpStep *row = &t->steps[r];
    guint n_inst = 0, n = 0;
    guint64 boots_mask = 0;
    while (n_inst < 64 && g_hash_table_lookup(fits, GUINT_TO_POINTER(r * 64 + n_inst + 1))) n_inst++;
    if (!n_inst) continue;
    GString *o = g_string_new(NULL);
    g_string_append_printf(o, "  %s: ", row->name);
    gboolean braces = !row->at_boot || row->multi_instance;
    if (braces) g_string_append(o, "{");
    if (!row->at_boot) g_string_append(o, row->multi_instance ? "present: true, " : "present: true, cost: ");
    if (row->multi_instance) g_string_append(o, "instances: [");
    g_autoptr(GArray) all = g_array_new(FALSE, FALSE, sizeof(int64_t)), rest = g_array_new(FALSE, FALSE, sizeof(int64_t));
    for (guint k = 0; k < n_inst; k++) {
      Samples *sm = g_hash_table_lookup(fits, GUINT_TO_POINTER(r * 64 + k + 1));
      g_array_sort(sm->ns, cmp_i64);
      g_array_append_vals(all, sm->ns->data, sm->ns->len);
      if (!row->ring_buffer || k != base->kernel.trace_rb_global) g_array_append_vals(rest, sm->ns->data, sm->ns->len);
      n += sm->ns->len;
      boots_mask |= sm->boots;
    }
    g_array_sort(all, cmp_i64);
    g_array_sort(rest, cmp_i64);
    for (guint k = 0; k < n_inst; k++) {
      Samples *sm = g_hash_table_lookup(fits, GUINT_TO_POINTER(r * 64 + k + 1));
      if (k) g_string_append(o, ", ");
      /* the global ring buffer: the minimal buffers' cost, its pages go to kernel.trace_rb_page */
      gboolean global = row->ring_buffer && k == base->kernel.trace_rb_global && rest->len;
      if (global) rb_page = MAX(0, (median(sm->ns) - median(rest)) / (int64_t)cpuhp_ring_buffer_pages(base));
      fit_value(o, global ? rest : sm->ns, fit);
    }
    if (row->multi_instance) g_string_append(o, "]");
    if (braces) g_string_append(o, "}");
    g_string_append_printf(o, "   # n=%u from %u boot%s: median %s, p10 %s, p90 %s%s", n, popcount64(boots_mask),
                           popcount64(boots_mask) == 1 ? "" : "s", dur(median(all), b1), dur(quantile(all, 0.1), b2),
                           dur(quantile(all, 0.9), b3), row->multi_instance ? " (all instances)" : "");
    g_hash_table_insert(entry, (gpointer)row->name, g_string_free(o, FALSE));
    stats->states_fitted++;
  }

  /* scalar keys the fit sets, as whole lines under their block */
  g_autoptr(GPtrArray) edits = g_ptr_array_new_with_free_func(key_edit_free);
  if (rb_page >= 0)
    g_ptr_array_add(edits, key_edit_new("kernel", "trace_rb_page", "  trace_rb_page: %s   # fitted: global ring buffer over the others, per page",
                                        dur(rb_page, b1)));
  guint platform = g_str_equal(base->arch, "x86_64") ? fit_x86_path(boots, n_boots, edits) : 0;
  GString *body = g_string_new(NULL);
  if (!rebuild(base->source, lines, t, entry, edits, body, error)) {
    g_string_free(body, TRUE);
    return FALSE;
  }

  static const char *const fit_names[] = {"median", "lognormal", "empirical"};
  g_string_append_printf(out, "# Calibrated by `cpuhpsim calibrate --fit=%s` from %s on %u boot%s:\n", fit_names[fit],
                         base->source, n_boots, n_boots == 1 ? "" : "s");
  for (guint b = 0; b < n_boots; b++)
    g_string_append_printf(out, "#   %s (bringup %.3f ms, %u CPUs, cpuhp.parallel=%d)\n", names[b],
                           (double)boots[b]->bringup_ns / 1e6, boots[b]->n_cpus, boots[b]->parallel);
  g_string_append_printf(out, "# Fitted: %u states' callback costs (%u timed invocations)%s", stats->states_fitted, stats->samples,
                         rb_page >= 0 ? ", kernel.trace_rb_page" : "");
  if (platform) g_string_append_printf(out, ", %u AP-path costs from the function tracer's milestones", platform);
  g_string_append(out, "; every\n# other number is the base profile's. Waits (kick, bringup step) and totals are never fitted.\n");
  stats->platform_fitted = platform;
  if (g_hash_table_size(unmatched)) {
    g_autoptr(GPtrArray) keys = g_ptr_array_new();
    GHashTableIter it;
    gpointer k;
    g_hash_table_iter_init(&it, unmatched);
    while (g_hash_table_iter_next(&it, &k, NULL)) g_ptr_array_add(keys, k);
    g_ptr_array_sort(keys, cmp_strp);
    g_string_append(out, "# Timed but not in the state table, not fitted:");
    for (guint i = 0; i < keys->len; i++) {
      const char *name = g_ptr_array_index(keys, i);
      g_string_append_printf(out, "%s %s x%u", i ? "," : "", name, GPOINTER_TO_UINT(g_hash_table_lookup(unmatched, name)));
    }
    g_string_append_c(out, '\n');
    stats->unmatched = g_hash_table_size(unmatched);
  }
  g_string_append_len(out, body->str, (gssize)body->len);
  g_string_free(body, TRUE);
  return TRUE;
}
