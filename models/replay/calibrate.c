/* calibrate.c — per-state cost fits from real boots, written into a copy of the base profile.
 * The YAML is edited as text, line by line inside the `states:` and `kernel:` blocks, so that
 * everything the fit does not touch (comments included) stays as the author wrote it. */
#include "models/replay/calibrate.h"

#include "models/kernel/prepare.h"
#include "models/profile/yamltree.h"

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

/* ---- the YAML text ----
 * Where things are comes from the parser, not from the look of a line: a top-level key's block
 * runs from its key to the next top-level key, and an entry of a block mapping from its key to
 * the next key of that mapping. So a multi-line string that happens to hold "states:" at the
 * start of a line cannot mislead the editor. */

static gint cmp_strp(gconstpointer a, gconstpointer b) { return strcmp(*(char *const *)a, *(char *const *)b); }

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

static void newline(GString *body) {
  if (body->len && body->str[body->len - 1] != '\n') g_string_append_c(body, '\n');
}

/* The edits of `block` not placed yet, each on its own line. */
static void flush_edits(GString *body, GPtrArray *edits, const char *block) {
  for (guint k = 0; k < edits->len; k++) {
    KeyEdit *e = edits->pdata[k];
    if (e->done || strcmp(e->block, block)) continue;
    newline(body);
    g_string_append_printf(body, "%s\n", e->line);
    e->done = TRUE;
  }
}

/* The base text with fitted state entries and key lines in place. */
static gboolean rebuild(const char *source, const char *text, const CpuhpTable *t, GHashTable *entry, GPtrArray *edits,
                        GString *body, GError **error) {
  g_autoptr(YtNode) root = yt_parse(source, FALSE, text, strlen(text), CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_SYNTAX, error);
  if (!root && error && *error) return FALSE;
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  guint n = g_strv_length(lines);
  /* the blocks: states, then each block an edit names (kernel, x86) */
  static const char *const names[] = {"states", "kernel", "x86"};
  Block blocks[G_N_ELEMENTS(names)];
  gboolean ok = TRUE;
  guint nb = 0;
  for (; nb < G_N_ELEMENTS(names) && ok; nb++) ok = block_of(source, root, names[nb], n, &blocks[nb], error);
  const Block *states = &blocks[0];
  g_autoptr(GHashTable) written = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; ok && i <= n; i++) {
    for (guint bi = 0; bi < nb; bi++) { /* a block ending here: what it did not have yet */
      if (!blocks[bi].present || blocks[bi].end != i) continue;
      newline(body);
      if (bi == 0) append_unwritten(body, t, entry, written);
      else flush_edits(body, edits, names[bi]);
    }
    if (i == n) break;
    gboolean replaced = FALSE;
    for (guint bi = 0; bi < nb && !replaced; bi++) {
      gint e = entry_at(&blocks[bi], i);
      if (e < 0) continue;
      const char *k = g_ptr_array_index(blocks[bi].entry, e);
      const char *line = NULL;
      if (bi == 0) {
        line = g_hash_table_lookup(entry, k);
        if (line) g_hash_table_add(written, (gpointer)cpuhp_table_find(t, k)->name);
      } else {
        for (guint x = 0; x < edits->len && !line; x++) {
          KeyEdit *ke = edits->pdata[x];
          if (!ke->done && !strcmp(ke->block, names[bi]) && !strcmp(ke->key, k)) line = ke->line, ke->done = TRUE;
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
    KeyEdit *e = edits->pdata[k];
    if (e->done) continue;
    newline(body);
    g_string_append_printf(body, "\n%s:\n", e->block);
    flush_edits(body, edits, e->block);
  }
  if (ok && !states->present) {
    newline(body);
    g_string_append(body, "\nstates:\n");
    append_unwritten(body, t, entry, written);
  }
  for (guint bi = 0; bi < nb; bi++) block_clear(&blocks[bi]);
  return ok;
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

/* When CPU `c` joined cpu_online_mask, as the trace can tell: its first callback on its own
 * hotplug thread (ONLINE states run after set_cpu_online()); -1 if it never ran one. */
static int64_t online_since(const CpuhpMeasuredCpu *c) {
  for (guint i = 0; i < c->steps->len; i++) {
    const CpuhpMeasuredStep *s = &g_array_index(c->steps, CpuhpMeasuredStep, i);
    if (s->side == CPUHP_SIDE_AP) return s->start;
  }
  return -1;
}

/* cpu_online_mask's weight at `t`: the BP and every AP online by then. */
static guint n_online_at(const CpuhpMeasured *m, int64_t t) {
  guint n = 1;
  for (guint i = 0; i < m->cpus->len; i++) {
    const CpuhpMeasuredCpu *c = &g_array_index(m->cpus, CpuhpMeasuredCpu, i);
    int64_t since = c->cpu ? online_since(c) : -1;
    n += since >= 0 && since <= t;
  }
  return n;
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
        if (s->stalled) { /* host-side time (a fault on guest RAM, ...): no profile cost explains it */
          stats->stalls++;
          continue;
        }
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
        /* the base's per-CPU terms stay; the fit is the rest, at this boot's CPU counts */
        const CpuhpStateCost *sc = cpuhp_profile_state(base, t->steps[row].name);
        int64_t own = s->duration;
        if (sc && (sc->per_possible_cpu || sc->per_online_cpu))
          own = MAX(0, own - sc->per_possible_cpu * (int64_t)m->n_cpus -
                           sc->per_online_cpu * (int64_t)n_online_at(m, s->start));
        g_array_append_val(sm->ns, own);
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
    const CpuhpStateCost *sc = cpuhp_profile_state(base, row->name);
    gboolean per_cpu = sc && (sc->per_possible_cpu || sc->per_online_cpu);
    gboolean braces = !row->at_boot || row->multi_instance || per_cpu;
    if (braces) g_string_append(o, "{");
    if (!row->at_boot) g_string_append(o, "present: true, ");
    if (braces && !row->multi_instance) g_string_append(o, "cost: ");
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
    if (per_cpu) /* kept from the base: the fit above is what is left once they are taken out */
      g_string_append_printf(o, ", per_possible_cpu: %s, per_online_cpu: %s", dur(sc->per_possible_cpu, b1),
                             dur(sc->per_online_cpu, b2));
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
  if (!rebuild(base->source, base_yaml, t, entry, edits, body, error)) {
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
  if (stats->stalls)
    g_string_append_printf(out, "# Left out: %u stall%s (callbacks %.0f ms or more over their usual time: host-side, "
                           "docs/host-first-touch.md).\n", stats->stalls, stats->stalls == 1 ? "" : "s",
                           (double)CPUHP_REPLAY_STALL_NS / 1e6);
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
  /* the loader is the judge of the edit: a profile it refuses is never handed out */
  g_autoptr(GError) why = NULL;
  g_autoptr(CpuhpProfile) check = cpuhp_machine_load_data(base->source, out->str, out->len, NULL, &why);
  if (!check) {
    g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_VALUE,
                "%s: calibrate could not edit this profile line by line (the result reads: %s)", base->source, why->message);
    g_string_truncate(out, 0);
    return FALSE;
  }
  return TRUE;
}
