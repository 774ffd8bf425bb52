/* sweep_rows.c — a sweep's identity, head and rows, written and read back. See sweep_rows.h. */
#include "sim/output/sweep_rows.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "models/profile/profile.h"
#include "models/profile/yamltree.h"
#include "sim/output/json.h"
#include "sim/output/json_write.h"

/* CSV columns before the point's own: what the JSONL first line says, on every row. */
static const char *const meta_cols[] = {"sweep_hash", "shard", "points", "runs"};
#define N_META G_N_ELEMENTS(meta_cols)

void sim_sweep_meta_clear(SimSweepMeta *m) {
  g_clear_pointer(&m->source, g_free);
  g_clear_pointer(&m->hash, g_free);
}

void sim_sweep_file_free(SimSweepFile *f) {
  if (!f) return;
  sim_sweep_meta_clear(&f->meta);
  g_free(f->head);
  if (f->rows) g_array_unref(f->rows);
  g_free(f);
}

void sim_csv_field(GString *out, const char *s) {
  if (!strpbrk(s, ",\"\n")) {
    g_string_append(out, s);
    return;
  }
  g_string_append_c(out, '"');
  for (const char *p = s; *p; p++) {
    if (*p == '"') g_string_append_c(out, '"');
    g_string_append_c(out, *p);
  }
  g_string_append_c(out, '"');
}

/* ---- identity ---------------------------------------------------------------------------- */

/* Length-prefixed, so that no two different sweeps write the same text. */
static void canon(GString *c, const char *tag, const char *s, gsize len) {
  g_string_append_printf(c, "%s %" G_GSIZE_FORMAT ":", tag, len);
  g_string_append_len(c, s, (gssize)len);
  g_string_append_c(c, '\n');
}

char *sim_sweep_hash(const CpuhpScenario *sc, const char *version, GError **error) {
  g_autoptr(GString) c = g_string_new(NULL);
  canon(c, "version", version, strlen(version));
  g_string_append_printf(c, "seed %" G_GUINT64_FORMAT "\nruns %u\n", (guint64)sc->seed, sc->runs);
  for (guint a = 0; a < sc->axes->len; a++) {
    const CpuhpAxis *ax = &g_array_index(sc->axes, CpuhpAxis, a);
    canon(c, "axis", ax->name, strlen(ax->name));
    for (guint v = 0; v < ax->values->len; v++) canon(c, "value", ax->values->pdata[v], strlen(ax->values->pdata[v]));
  }
  for (guint i = 0; i < sc->faults->len; i++) canon(c, "fault", sc->faults->pdata[i], strlen(sc->faults->pdata[i]));
  if (sc->profile_path) {
    gsize len; /* capped as the profile's own load is */
    g_autofree char *text = yt_read_file(sc->profile_path, YT_MAX_FILE_BYTES, "profile", &len, G_FILE_ERROR,
                                         G_FILE_ERROR_INVAL, error);
    if (!text) return NULL;
    canon(c, "profile", text, len);
  } else {
    gsize len;
    const char *text = cpuhp_profile_default_yaml(&len);
    canon(c, "default profile", text, len);
  }
  g_autofree char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, c->str, (gssize)c->len);
  return g_strndup(sum, 16);
}

/* ---- writing ----------------------------------------------------------------------------- */

void sim_sweep_head(GString *out, const CpuhpScenario *sc, const SimSweepMeta *m, gboolean csv) {
  if (csv) {
    for (guint i = 0; i < N_META; i++) g_string_append_printf(out, "%s,", meta_cols[i]);
    g_string_append(out, "point,run,seed");
    for (guint a = 0; a < sc->axes->len; a++) {
      g_string_append_c(out, ',');
      sim_csv_field(out, g_array_index(sc->axes, CpuhpAxis, a).name);
    }
    g_string_append(out, ",cpus_total,cpus_online");
    for (CpuhpMetric k = 0; k < CPUHP_METRIC_N; k++) g_string_append_printf(out, ",%s", cpuhp_metric_key(k));
  } else {
    g_autoptr(SimJsonWriter) w = sim_jw_new(out);
    sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
    sim_jw_string(w, "sweep", m->source);
    sim_jw_string(w, "sweep_hash", m->hash);
    sim_jw_uint(w, "points", m->points);
    sim_jw_uint(w, "runs", m->runs);
    g_autofree char *sh = g_strdup_printf("%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT, m->shard, m->nshards);
    sim_jw_string(w, "shard", sh);
    sim_jw_end_object(w);
  }
  g_string_append_c(out, '\n');
}

/* A decimal integer, whole field, as the program writes them (no sign +, no leading zero). */
static gboolean int_text(const char *s, gboolean sign, int64_t *out) {
  return g_ascii_string_to_signed(s, 10, sign ? INT64_MIN : 0, INT64_MAX, out, NULL) &&
         (s[0] != '0' || s[1] == '\0') && s[0] != '+' && strcmp(s, "-0") != 0;
}

/* An axis value with its key's type: cpus and integer keys as numbers, bool keys as true or
 * false; topology, policy and everything else as the string written. */
static void typed_value(SimJsonWriter *w, const char *name, const char *v) {
  const char *t = g_str_equal(name, "cpus")                                        ? "uint"
                  : g_str_equal(name, "topology") || g_str_equal(name, "policy") ? "string"
                                                                                   : cpuhp_profile_key_type(name);
  int64_t n;
  if (t && (g_str_equal(t, "uint") || g_str_equal(t, "int") || g_str_equal(t, "percent")) && int_text(v, TRUE, &n))
    sim_jw_int(w, name, n);
  else if (t && g_str_equal(t, "bool") && (g_str_equal(v, "true") || g_str_equal(v, "false")))
    sim_jw_bool(w, name, v[0] == 't');
  else
    sim_jw_string(w, name, v);
}

void sim_sweep_row(GString *out, const CpuhpScenario *sc, const SimSweepMeta *m, gboolean csv, const SimSweepRun *r) {
  if (csv) {
    g_string_append_printf(out, "%s,%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT, m->hash,
                           m->shard, m->nshards, m->points, m->runs);
    g_string_append_printf(out, ",%" G_GUINT64_FORMAT ",%u,%" G_GUINT64_FORMAT, r->point, r->run, (guint64)r->seed);
    for (guint a = 0; a < sc->axes->len; a++) {
      g_string_append_c(out, ',');
      sim_csv_field(out, r->values[a]);
    }
    g_string_append_printf(out, ",%u,%u", r->cpus_total, r->cpus_online);
    for (CpuhpMetric k = 0; k < CPUHP_METRIC_N; k++) g_string_append_printf(out, ",%" G_GINT64_FORMAT, r->metrics[k]);
  } else {
    g_autoptr(SimJsonWriter) w = sim_jw_new(out);
    sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
    sim_jw_uint(w, "point", r->point);
    sim_jw_uint(w, "run", r->run);
    sim_jw_uint(w, "seed", r->seed);
    for (guint a = 0; a < sc->axes->len; a++) typed_value(w, g_array_index(sc->axes, CpuhpAxis, a).name, r->values[a]);
    sim_jw_uint(w, "cpus_total", r->cpus_total);
    sim_jw_uint(w, "cpus_online", r->cpus_online);
    for (CpuhpMetric k = 0; k < CPUHP_METRIC_N; k++) sim_jw_int(w, cpuhp_metric_key(k), r->metrics[k]);
    sim_jw_end_object(w);
  }
  g_string_append_c(out, '\n');
}

/* ---- reading ----------------------------------------------------------------------------- */

static gboolean fail(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static gboolean fail(GError **error, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error_literal(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, msg);
  return FALSE;
}

/* The fields of one CSV line, quotes undone (sim_csv_field()'s inverse); NULL if a quote is
 * left open. */
static GPtrArray *csv_split(const char *line) {
  g_autoptr(GPtrArray) f = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GString) cur = g_string_new(NULL);
  gboolean quoted = FALSE;
  for (const char *p = line;; p++) {
    if (quoted && *p == '"' && p[1] == '"') g_string_append_c(cur, *p++);
    else if (*p == '"' && (quoted || cur->len == 0)) quoted = !quoted;
    else if (quoted && *p) g_string_append_c(cur, *p);
    else if (*p == ',' || !*p) {
      g_ptr_array_add(f, g_strdup(cur->str));
      g_string_truncate(cur, 0);
      if (!*p) break;
    } else g_string_append_c(cur, *p);
  }
  if (quoted) return NULL;
  g_ptr_array_add(f, NULL); /* usable as a GStrv */
  return g_steal_pointer(&f);
}

/* "I/N" with 0 <= I < N. */
static gboolean shard_text(const char *s, guint64 *i, guint64 *n) {
  g_auto(GStrv) parts = g_strsplit(s, "/", 2);
  return g_strv_length(parts) == 2 && int_text(parts[0], FALSE, (int64_t *)i) && int_text(parts[1], FALSE, (int64_t *)n) &&
         *n > 0 && *i < *n && *n <= G_MAXUINT32;
}

/* Columns as sim_sweep_row() writes them: `skip` leading ones, then point, run, seed, the
 * axes, the counts, the metrics. */
static gboolean shape_ok(const char *const *cols, guint skip) {
  guint n = g_strv_length((char **)cols), tail = 2 + CPUHP_METRIC_N;
  for (guint i = 0; i < skip; i++)
    if (i >= n || strcmp(cols[i], meta_cols[i])) return FALSE;
  cols += skip;
  n -= MIN(n, skip);
  if (n < 3 + tail || strcmp(cols[0], "point") || strcmp(cols[1], "run") || strcmp(cols[2], "seed") ||
      strcmp(cols[n - tail], "cpus_total") || strcmp(cols[n - tail + 1], "cpus_online"))
    return FALSE;
  for (CpuhpMetric k = 0; k < CPUHP_METRIC_N; k++)
    if (strcmp(cols[n - CPUHP_METRIC_N + k], cpuhp_metric_key(k))) return FALSE;
  return TRUE;
}

static gboolean meta_json(const char *line, SimSweepMeta *m) {
  g_autoptr(SimJson) j = sim_json_parse(line, strlen(line), NULL);
  const char *source = sim_json_get_str(j, "sweep"), *hash = sim_json_get_str(j, "sweep_hash");
  const char *shard = sim_json_get_str(j, "shard");
  int64_t points, runs;
  if (!source || !hash || !shard || !sim_json_int(sim_json_get(j, "points"), &points) ||
      !sim_json_int(sim_json_get(j, "runs"), &runs) || points < 0 || runs < 0 || !shard_text(shard, &m->shard, &m->nshards))
    return FALSE;
  m->source = g_strdup(source);
  m->hash = g_strdup(hash);
  m->points = (guint64)points;
  m->runs = (guint64)runs;
  return TRUE;
}

/* A CSV row's leading columns; FALSE if they are not a sweep's. */
static gboolean meta_csv(char **f, SimSweepMeta *m) {
  int64_t points, runs;
  if (!*f[0] || strpbrk(f[0], ",\"") || !shard_text(f[1], &m->shard, &m->nshards) || !int_text(f[2], FALSE, &points) ||
      !int_text(f[3], FALSE, &runs))
    return FALSE;
  m->hash = g_strdup(f[0]);
  m->points = (guint64)points;
  m->runs = (guint64)runs;
  return TRUE;
}

/* One row checked whole; *why says what is wrong (JSON errors keep the parser's "1:COL: "). */
static gboolean row_read(SimSweepFile *sf, GStrv *shape, const char *line, SimSweepRowRef *r, char **why) {
  int64_t point, run, seed;
  if (sf->csv) {
    g_autoptr(GPtrArray) fp = csv_split(line);
    guint tail = 2 + CPUHP_METRIC_N; /* cpus_total, cpus_online, the metrics */
    if (!fp || fp->len - 1 != g_strv_length(*shape))
      return *why = g_strdup_printf("expected %u columns", g_strv_length(*shape)), FALSE;
    char **f = (char **)fp->pdata;
    guint n = fp->len - 1;
    if (!sf->meta.hash && !meta_csv(f, &sf->meta))
      return *why = g_strdup("sweep_hash, shard, points and runs are not a sweep's"), FALSE;
    g_autofree char *sh = g_strdup_printf("%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT, sf->meta.shard, sf->meta.nshards);
    g_autofree char *pts = g_strdup_printf("%" G_GUINT64_FORMAT, sf->meta.points);
    g_autofree char *rns = g_strdup_printf("%" G_GUINT64_FORMAT, sf->meta.runs);
    if (strcmp(f[0], sf->meta.hash) || strcmp(f[1], sh) || strcmp(f[2], pts) || strcmp(f[3], rns))
      return *why = g_strdup("sweep_hash, shard, points or runs differ from the first row's"), FALSE;
    if (!int_text(f[N_META], FALSE, &point) || !int_text(f[N_META + 1], FALSE, &run) || !int_text(f[N_META + 2], FALSE, &seed))
      return *why = g_strdup("point, run and seed must be whole numbers"), FALSE;
    for (guint i = n - tail; i < n; i++)
      if (!int_text(f[i], TRUE, &seed)) return *why = g_strdup_printf("column %u is not an integer", i + 1), FALSE;
  } else {
    g_autoptr(GError) err = NULL;
    g_autoptr(SimJson) j = sim_json_parse(line, strlen(line), &err);
    if (!j) return *why = g_strdup(err->message), FALSE;
    if (j->type != SIM_JSON_OBJECT) return *why = g_strdup("not a JSON object"), FALSE;
    g_ptr_array_add(j->keys, NULL); /* as a GStrv for the comparison */
    const char *const *keys = (const char *const *)j->keys->pdata;
    gboolean same = *shape ? g_strv_equal((const char *const *)*shape, keys) : shape_ok(keys, 0);
    if (!*shape) *shape = g_strdupv((GStrv)j->keys->pdata);
    g_ptr_array_remove_index(j->keys, j->keys->len - 1);
    if (!same) return *why = g_strdup("its keys are not those of the shard's rows"), FALSE;
    if (!sim_json_int(sim_json_get(j, "point"), &point) || !sim_json_int(sim_json_get(j, "run"), &run) ||
        !sim_json_int(sim_json_get(j, "seed"), &seed) || point < 0 || run < 0 || seed < 0)
      return *why = g_strdup("point, run and seed must be whole numbers"), FALSE;
    for (guint i = 0; i < j->items->len; i++) {
      const SimJson *v = j->items->pdata[i];
      if (v->type == SIM_JSON_NUMBER ? !sim_json_int(v, &seed) : v->type != SIM_JSON_STRING && v->type != SIM_JSON_BOOL)
        return *why = g_strdup_printf("'%s' is not an integer, a boolean or a string", (char *)j->keys->pdata[i]), FALSE;
    }
  }
  const SimSweepMeta *m = &sf->meta;
  if ((guint64)point >= m->points || (guint64)run >= m->runs || (guint64)point % m->nshards != m->shard)
    return *why = g_strdup_printf("not a row of shard %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT, m->shard, m->nshards), FALSE;
  r->point = (guint64)point;
  r->run = (guint)run;
  return TRUE;
}

SimSweepFile *sim_sweep_file_parse(const char *path, const char *text, GError **error) {
  if (!*text) return fail(error, "%s:1:1: empty, not the output of cpuhpsim sweep", path), NULL;
  g_autoptr(SimSweepFile) sf = g_new0(SimSweepFile, 1);
  sf->rows = g_array_new(FALSE, FALSE, sizeof(SimSweepRowRef));
  const char *nl = strchr(text, '\n');
  if (!nl) return fail(error, "%s:1:%zu: truncated: the last line has no end", path, strlen(text) + 1), NULL;
  sf->head = g_strndup(text, (gsize)(nl - text));
  sf->head_end = (gsize)(nl - text) + 1;
  sf->csv = sf->head[0] != '{';
  g_auto(GStrv) shape = NULL; /* JSONL: the first row's keys; CSV: the header's columns */
  if (g_str_has_prefix(sf->head, "# {") || (!sf->csv && strstr(sf->head, "\"sweep\"") && !strstr(sf->head, "\"sweep_hash\"")))
    return fail(error, "%s:1:1: written by an older cpuhpsim (no sweep_hash): run its sweep again", path), NULL;
  if (sf->csv) {
    g_autoptr(GPtrArray) cols = csv_split(sf->head);
    if (!cols || !shape_ok((const char *const *)cols->pdata, N_META))
      return fail(error, "%s:1:1: not the output of cpuhpsim sweep (nor its CSV header)", path), NULL;
    shape = g_strdupv((GStrv)cols->pdata);
  } else if (!meta_json(sf->head, &sf->meta)) {
    return fail(error, "%s:1:1: not the output of cpuhpsim sweep", path), NULL;
  }
  guint line = 1; /* the head's */
  for (const char *p = text + sf->head_end; *p;) {
    line++;
    const char *end = strchr(p, '\n');
    if (!end) {
      sf->cut = TRUE, sf->cut_line = line, sf->cut_col = strlen(p) + 1;
      break;
    }
    g_autofree char *l = g_strndup(p, (gsize)(end - p));
    p = end + 1;
    if (!*l) continue;
    SimSweepRowRef r = {.end = (gsize)(p - text), .line = line};
    g_autofree char *why = NULL;
    if (!row_read(sf, &shape, l, &r, &why)) {
      unsigned col = 1, n = 0; /* the JSON reader's "1:COL: " names the place in the line */
      if (sscanf(why, "1:%u: %n", &col, &n) != 1 || !n) col = 1, n = 0;
      return fail(error, "%s:%u:%u: not a row of a sweep: %s", path, line, col, why + n), NULL;
    }
    g_array_append_val(sf->rows, r);
  }
  return g_steal_pointer(&sf);
}
