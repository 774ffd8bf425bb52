/* calibrate.c — per-state cost fits from real boots: samples gathered per (state, instance)
 * from the timed callbacks, then a fixed cost, a lognormal or the empirical samples each. */
#include "models/kernel/prepare.h"
#include "models/replay/calibrate.h"

#include <math.h>
#include <string.h>

#include "models/kernel/arch.h"

static const char *const fit_names[] = {"median", "lognormal", "empirical"};

gboolean cpuhp_fit_parse(const char *name, CpuhpFit *out) {
  for (guint i = 0; i < G_N_ELEMENTS(fit_names); i++)
    if (g_strcmp0(name, fit_names[i]) == 0) {
      *out = (CpuhpFit)i;
      return TRUE;
    }
  return FALSE;
}

const char *cpuhp_fit_name(CpuhpFit fit) {
  g_assert((guint)fit < G_N_ELEMENTS(fit_names));
  return fit_names[fit];
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

static int64_t quantile(const GArray *sorted, double q) {
  guint n = sorted->len;
  return g_array_index(sorted, int64_t, (guint)floor(q * (n - 1) + 0.5));
}

static int64_t median(const GArray *sorted) {
  guint n = sorted->len;
  int64_t a = g_array_index(sorted, int64_t, (n - 1) / 2), b = g_array_index(sorted, int64_t, n / 2);
  return a + (b - a) / 2;
}

static CpuhpFitSpread spread_of(const GArray *sorted) {
  return (CpuhpFitSpread){.n = sorted->len, .median = median(sorted), .p10 = quantile(sorted, 0.1), .p90 = quantile(sorted, 0.9)};
}

CpuhpFitSpread cpuhp_fit_spread(GArray *ns) {
  g_assert(ns->len > 0);
  g_array_sort(ns, cmp_i64);
  return spread_of(ns);
}

static CpuhpFitCost fit_cost(const GArray *sorted, CpuhpFit fit) {
  CpuhpFitCost c = {.dist = CPUHP_FIT_MEDIAN, .median = median(sorted)};
  guint n = sorted->len;
  if (fit == CPUHP_FIT_LOGNORMAL && n >= 2 && g_array_index(sorted, int64_t, 0) > 0) {
    double sum = 0, sq = 0;
    for (guint i = 0; i < n; i++) sum += log((double)g_array_index(sorted, int64_t, i));
    double mean = sum / n;
    for (guint i = 0; i < n; i++) sq += pow(log((double)g_array_index(sorted, int64_t, i)) - mean, 2);
    double sigma = sqrt(sq / (n - 1));
    if (sigma > 1e-3) {
      c.dist = CPUHP_FIT_LOGNORMAL;
      c.sigma = sigma;
      return c;
    }
  }
  if (fit == CPUHP_FIT_EMPIRICAL && n >= 2) {
    guint k = MIN(n, CPUHP_FIT_MAX_EMPIRICAL);
    c.dist = CPUHP_FIT_EMPIRICAL;
    c.samples = g_array_sized_new(FALSE, FALSE, sizeof(int64_t), k);
    for (guint i = 0; i < k; i++) {
      int64_t v = k == n ? g_array_index(sorted, int64_t, i) : quantile(sorted, (i + 0.5) / k);
      g_array_append_val(c.samples, v);
    }
  }
  return c;
}

static guint popcount64(guint64 v) {
  guint c = 0;
  for (; v; v &= v - 1) c++;
  return c;
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

static void cost_clear(gpointer p) {
  CpuhpFitCost *c = p;
  if (c->samples) g_array_unref(c->samples);
}

static void state_clear(gpointer p) { g_array_unref(((CpuhpFitState *)p)->instances); }

static void unmatched_clear(gpointer p) { g_free(((CpuhpFitUnmatched *)p)->callback); }

void cpuhp_calibration_free(CpuhpCalibration *c) {
  if (!c) return;
  g_array_unref(c->states);
  g_array_unref(c->keys);
  g_array_unref(c->unmatched);
  g_free(c);
}

static CpuhpCalibration *calibration_new(CpuhpFit fit) {
  CpuhpCalibration *c = g_new0(CpuhpCalibration, 1);
  c->fit = fit;
  c->states = g_array_new(FALSE, FALSE, sizeof(CpuhpFitState));
  g_array_set_clear_func(c->states, state_clear);
  c->keys = g_array_new(FALSE, FALSE, sizeof(CpuhpFitKey));
  c->unmatched = g_array_new(FALSE, FALSE, sizeof(CpuhpFitUnmatched));
  g_array_set_clear_func(c->unmatched, unmatched_clear);
  return c;
}

/* Samples per (row, instance), keyed row * 64 + instance + 1; timed callbacks without a row
 * counted in cal->unmatched. */
static void gather(CpuhpCalibration *cal, const CpuhpProfile *base, CpuhpMeasured *const *boots, guint n_boots,
                   GHashTable *fits) {
  const CpuhpTable *t = cpuhp_profile_table(base);
  CpuhpCalibrateStats *stats = &cal->stats;
  g_autoptr(GHashTable) unmatched = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL); /* -> index + 1 */
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
          guint at = GPOINTER_TO_UINT(g_hash_table_lookup(unmatched, k));
          if (!at) {
            CpuhpFitUnmatched u = {.callback = g_strdup(s->callback), .step = s->step};
            g_array_append_val(cal->unmatched, u);
            at = cal->unmatched->len;
            g_hash_table_insert(unmatched, k, GUINT_TO_POINTER(at));
          } else {
            g_free(k);
          }
          g_array_index(cal->unmatched, CpuhpFitUnmatched, at - 1).count++;
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
  stats->unmatched = cal->unmatched->len;
}

CpuhpCalibration *cpuhp_calibrate(const CpuhpProfile *base, CpuhpMeasured *const *boots, guint n_boots, CpuhpFit fit,
                                  GError **error) {
  const CpuhpTable *t = cpuhp_profile_table(base);
  g_autoptr(CpuhpCalibration) cal = calibration_new(fit);
  g_autoptr(GHashTable) fits = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, samples_free);
  gather(cal, base, boots, n_boots, fits);
  if (!g_hash_table_size(fits)) {
    g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_VALUE,
                "no timed callback of the %s/%s state table in the boots given", t->arch, t->version);
    return NULL;
  }

  int64_t rb_page = -1;
  for (guint r = 0; r < t->n_steps; r++) {
    const CpuhpStep *row = &t->steps[r];
    guint n_inst = 0;
    while (n_inst < 64 && g_hash_table_lookup(fits, GUINT_TO_POINTER(r * 64 + n_inst + 1))) n_inst++;
    if (!n_inst) continue;
    const CpuhpStateCost *sc = cpuhp_profile_state(base, row->name);
    CpuhpFitState st = {.row = row, .instances = g_array_new(FALSE, FALSE, sizeof(CpuhpFitCost))};
    g_array_set_clear_func(st.instances, cost_clear);
    if (sc && (sc->per_possible_cpu || sc->per_online_cpu)) /* kept: the fit is what is left once they are out */
      st.per_cpu = TRUE, st.per_possible_cpu = sc->per_possible_cpu, st.per_online_cpu = sc->per_online_cpu;
    g_autoptr(GArray) all = g_array_new(FALSE, FALSE, sizeof(int64_t)), rest = g_array_new(FALSE, FALSE, sizeof(int64_t));
    guint64 boots_mask = 0;
    for (guint k = 0; k < n_inst; k++) {
      Samples *sm = g_hash_table_lookup(fits, GUINT_TO_POINTER(r * 64 + k + 1));
      g_array_sort(sm->ns, cmp_i64);
      g_array_append_vals(all, sm->ns->data, sm->ns->len);
      if (!row->ring_buffer || k != base->kernel.trace_rb_global) g_array_append_vals(rest, sm->ns->data, sm->ns->len);
      boots_mask |= sm->boots;
    }
    g_array_sort(all, cmp_i64);
    g_array_sort(rest, cmp_i64);
    for (guint k = 0; k < n_inst; k++) {
      Samples *sm = g_hash_table_lookup(fits, GUINT_TO_POINTER(r * 64 + k + 1));
      /* the global ring buffer: the minimal buffers' cost, its pages go to kernel.trace_rb_page */
      gboolean global = row->ring_buffer && k == base->kernel.trace_rb_global && rest->len;
      if (global) rb_page = MAX(0, (median(sm->ns) - median(rest)) / (int64_t)cpuhp_ring_buffer_pages(base));
      CpuhpFitCost c = fit_cost(global ? rest : sm->ns, fit);
      g_array_append_val(st.instances, c);
    }
    st.spread = spread_of(all);
    st.boots = popcount64(boots_mask);
    g_array_append_val(cal->states, st);
    cal->stats.states_fitted++;
  }

  if (rb_page >= 0) {
    CpuhpFitKey k = {.block = "kernel", .key = "trace_rb_page", .value = rb_page,
                     .basis = "global ring buffer over the others, per page"};
    g_array_append_val(cal->keys, k);
  }
  const CpuhpArch *arch = cpuhp_arch_lookup(base->arch);
  if (arch && arch->fit_ap_path) {
    guint before = cal->keys->len;
    arch->fit_ap_path(boots, n_boots, cal->keys);
    for (guint i = before; i < cal->keys->len; i++) g_array_index(cal->keys, CpuhpFitKey, i).ap_path = TRUE;
    cal->stats.platform_fitted = cal->keys->len - before;
  }
  return g_steal_pointer(&cal);
}
