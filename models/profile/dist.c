/* dist.c — scalars, durations and distributions of the profile format (dist.h). */
#include "models/profile/dist.h"

#include <math.h>
#include <string.h>

#include "models/profile/internal.h"

#define MAX_SAMPLES 1000000u

char *prof_shown(const YtNode *n) {
  if (n->kind != YT_SCALAR) return g_strdup(yt_kind_name(n));
  if (yt_is_null(n)) return g_strdup("an empty value");
  return yt_quote(n->text);
}

const char *prof_need_scalar(const YtNode *n, const char *what, GError **error) {
  if (n->kind == YT_SCALAR) return n->text;
  (void)FAIL(n, SCHEMA, "expected %s, got %s", what, yt_kind_name(n));
  return NULL;
}

gboolean prof_parse_bool(const YtNode *n, gboolean *out, GError **error) {
  const char *s = prof_need_scalar(n, "true or false", error);
  if (!s) return FALSE;
  if (strcmp(s, "true") != 0 && strcmp(s, "false") != 0) {
    g_autofree char *q = prof_shown(n);
    return FAIL(n, SCHEMA, "expected true or false, got %s", q);
  }
  *out = s[0] == 't';
  return TRUE;
}

gboolean prof_parse_integer(const char *s, gboolean sign, int64_t *out, gboolean *overflow) {
  gboolean neg = sign && *s == '-';
  if (neg) s++;
  if (!g_ascii_isdigit(*s) || (s[0] == '0' && s[1] != '\0')) return FALSE;
  uint64_t v = 0;
  *overflow = FALSE;
  for (; *s; s++) {
    if (!g_ascii_isdigit(*s)) return FALSE;
    if (v > (UINT64_MAX - 9) / 10) *overflow = TRUE;
    else v = v * 10 + (uint64_t)(*s - '0');
  }
  if (v > (uint64_t)INT64_MAX + neg) *overflow = TRUE;
  if (!*overflow) *out = neg ? (int64_t)(0 - v) : (int64_t)v;
  return TRUE;
}

gboolean prof_parse_duration(const YtNode *n, int64_t max, int64_t *out, GError **error) {
  const char *s = prof_need_scalar(n, "a duration", error);
  const char *why;
  if (!s) return FALSE;
  if (sim_parse_duration(s, out, &why)) {
    if (*out <= max) return TRUE;
    char m[32];
    g_autofree char *q = prof_shown(n);
    sim_format_duration(max, m, sizeof m);
    return FAIL(n, VALUE, "duration must be at most %s here, got %s", m, q);
  }
  if (yt_is_null(n)) return FAIL(n, SCHEMA, "expected a duration, got an empty value");
  g_autofree char *q = prof_shown(n);
  return FAIL(n, VALUE, "%s %s", why, q);
}

gboolean prof_parse_percent(const YtNode *n, const char *key, int64_t hi, double *out,
                            GError **error) {
  const char *s = prof_need_scalar(n, "a percentage", error);
  if (!s) return FALSE;
  const char *c = s;
  int64_t whole = 0, frac = 0, scale = 1000;
  gboolean ok = g_ascii_isdigit(*c), big = FALSE;
  for (; g_ascii_isdigit(*c); c++) {
    if (whole > 1000000) big = TRUE; /* far out of range: stop growing */
    else whole = whole * 10 + (*c - '0');
  }
  if (ok && *c == '.') {
    ok = g_ascii_isdigit(c[1]);
    for (c++; ok && g_ascii_isdigit(*c) && scale > 1; c++) frac += (scale /= 10) * (*c - '0');
  }
  if (!ok || *c) {
    g_autofree char *q = prof_shown(n);
    return FAIL(n, SCHEMA, "expected a percentage (a number with at most 3 decimals), got %s", q);
  }
  if (big || whole * 1000 + frac > hi * 1000) {
    g_autofree char *q = prof_shown(n);
    return FAIL(n, VALUE, "%s must be between 0 and %" G_GINT64_FORMAT ", got %s", key, hi, q);
  }
  *out = (double)(whole * 1000 + frac) / 1000.0;
  return TRUE;
}

/* ---- distributions ---- */

static const struct {
  const char *name;
  SimDistKind kind;
  const char *params[2]; /* second may be NULL */
} dist_kinds[] = {
  {"fixed", SIM_DIST_FIXED, {"value", NULL}},
  {"uniform", SIM_DIST_UNIFORM, {"min", "max"}},
  {"normal", SIM_DIST_NORMAL, {"mean", "sd"}},
  {"lognormal", SIM_DIST_LOGNORMAL, {"median", "sigma"}},
  {"exponential", SIM_DIST_EXPONENTIAL, {"mean", NULL}},
  {"empirical", SIM_DIST_EMPIRICAL, {"samples", NULL}},
};

gboolean prof_is_dist_mapping(const YtNode *n) {
  return n->kind == YT_MAPPING && yt_mapping_get(n, "dist") != NULL;
}

static gboolean parse_sigma(const YtNode *n, double *out, GError **error) {
  const char *s = prof_need_scalar(n, "a number", error);
  if (!s) return FALSE;
  /* Plain decimal notation only: strtod would also take "inf", "nan" and hex. */
  char *end = NULL;
  double v = NAN;
  if (*s && s[strspn(s, "0123456789.eE+-")] == '\0') v = g_ascii_strtod(s, &end);
  g_autofree char *q = prof_shown(n);
  if (!end || *end != '\0' || !isfinite(v) || v < 0)
    return FAIL(n, VALUE, "sigma must be a finite number >= 0, got %s", q);
  if (v > PROF_SIGMA_MAX)
    return FAIL(n, VALUE, "sigma must be at most %g, got %s", PROF_SIGMA_MAX, q);
  *out = v;
  return TRUE;
}

static gboolean parse_samples(const YtNode *n, int64_t max, SimDist *d, GError **error) {
  if (n->kind != YT_SEQUENCE)
    return FAIL(n, SCHEMA, "samples must be a sequence of durations, got %s", yt_kind_name(n));
  if (n->items->len < 1 || n->items->len > MAX_SAMPLES)
    return FAIL(n, VALUE, "empirical samples: need 1 to %u durations, got %u", MAX_SAMPLES,
                n->items->len);
  g_autofree int64_t *v = g_new(int64_t, n->items->len);
  for (guint i = 0; i < n->items->len; i++)
    if (!prof_parse_duration(g_ptr_array_index(n->items, i), max, &v[i], error)) return FALSE;
  d->samples = g_steal_pointer(&v);
  d->n_samples = n->items->len;
  return TRUE;
}

gboolean prof_parse_dist(const YtNode *n, int64_t max, SimDist *out, GError **error) {
  *out = (SimDist){0};
  if (n->kind == YT_SCALAR) {
    out->kind = SIM_DIST_FIXED;
    out->max = max;
    return prof_parse_duration(n, max, &out->a, error);
  }
  if (n->kind != YT_MAPPING)
    return FAIL(n, SCHEMA, "expected a duration or a {dist: ...} mapping, got %s", yt_kind_name(n));
  const YtNode *kn = yt_mapping_get(n, "dist");
  if (!kn)
    return FAIL(n, SCHEMA, "a distribution needs a 'dist' key (fixed, uniform, normal, "
                           "lognormal, exponential or empirical)");
  const char *kind = prof_need_scalar(kn, "a distribution name", error);
  if (!kind) return FALSE;
  guint k = 0;
  while (k < G_N_ELEMENTS(dist_kinds) && strcmp(dist_kinds[k].name, kind) != 0) k++;
  if (k == G_N_ELEMENTS(dist_kinds)) {
    g_autofree char *q = prof_shown(kn);
    return FAIL(kn, VALUE, "unknown distribution %s (expected fixed, uniform, normal, "
                            "lognormal, exponential or empirical)", q);
  }
  const char *const *params = dist_kinds[k].params;
  g_autofree char *expected = params[1] ? g_strdup_printf("%s, %s", params[0], params[1])
                                        : g_strdup(params[0]);
  for (guint i = 0; i < n->keys->len; i++) {
    const YtNode *key = g_ptr_array_index(n->keys, i);
    const char *t = key->text;
    if (strcmp(t, "dist") == 0 || strcmp(t, params[0]) == 0 || g_strcmp0(t, params[1]) == 0)
      continue;
    g_autofree char *q = yt_quote(t);
    return FAIL(key, SCHEMA, "unknown key %s in a %s distribution (expected %s)", q, kind,
                expected);
  }
  const YtNode *p[2] = {NULL, NULL};
  for (guint i = 0; i < 2 && params[i]; i++)
    if (!(p[i] = yt_mapping_get(n, params[i])))
      return FAIL(n, SCHEMA, "%s distribution needs '%s'", kind, params[i]);

  SimDist d = {.kind = dist_kinds[k].kind, .max = max};
  switch (d.kind) {
  case SIM_DIST_FIXED:
  case SIM_DIST_EXPONENTIAL:
    if (!prof_parse_duration(p[0], max, &d.a, error)) return FALSE;
    break;
  case SIM_DIST_UNIFORM:
  case SIM_DIST_NORMAL:
    if (!prof_parse_duration(p[0], max, &d.a, error) || !prof_parse_duration(p[1], max, &d.b, error))
      return FALSE;
    if (d.kind == SIM_DIST_UNIFORM && d.a > d.b) {
      g_autofree char *qa = prof_shown(p[0]), *qb = prof_shown(p[1]);
      return FAIL(p[1], VALUE, "uniform max %s is below min %s", qb, qa);
    }
    break;
  case SIM_DIST_LOGNORMAL:
    if (!prof_parse_duration(p[0], max, &d.a, error)) return FALSE;
    if (d.a <= 0) return FAIL(p[0], VALUE, "lognormal median must be > 0");
    if (!parse_sigma(p[1], &d.sigma, error)) return FALSE;
    break;
  case SIM_DIST_EMPIRICAL:
    if (!parse_samples(p[0], max, &d, error)) return FALSE;
    break;
  }
  *out = d;
  return TRUE;
}
