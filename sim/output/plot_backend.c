/* plot_backend.c — a SimPlot written out and drawn by gnuplot or matplotlib. See
 * plot_backend.h. */
#include "sim/output/outfile.h"
#include "sim/output/plot_backend.h"

#include <stdarg.h>
#include <string.h>

#include <glib/gstdio.h>

#include "sim/output/json.h"

struct SimPlotBackend {
  const char *name;        /* --backend= */
  const char *program;     /* in errors */
  const char *script_ext;  /* plots/KIND.EXT */
  const char *params_file; /* the parameters, in the script's syntax */
  const char *missing;     /* the error when find() finds no program */
  char *(*find)(void);
  void (*write_params)(GString *out, const GPtrArray *params);
  char **(*argv)(const char *tool, const char *script, const char *plots, const char *dir, const char *out,
                 const char *fmt);
};

static void num(GString *out, double v) {
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append(out, g_ascii_dtostr(buf, sizeof buf, v));
}

/* ---- gnuplot ------------------------------------------------------------------------------ */

static char *gnuplot_find(void) {
  const char *env = g_getenv("CPUHPSIM_GNUPLOT");
  return g_find_program_in_path(env && *env ? env : "gnuplot");
}

/* gnuplot single quotes: '' is a quote; a line break is a double-quoted "\n" joined on */
static void gp_str(GString *out, const char *s) {
  g_string_append_c(out, '\'');
  for (const char *c = s; *c; c++) {
    if (*c == '\'') g_string_append_c(out, '\'');
    if (*c == '\n') g_string_append(out, "' . \"\\n\" . '");
    else g_string_append_c(out, *c);
  }
  g_string_append_c(out, '\'');
}

static void gnuplot_params(GString *out, const GPtrArray *ps) {
  for (guint i = 0; i < ps->len; i++) {
    const SimPlotParam *p = ps->pdata[i];
    if (p->list) {
      g_string_append_printf(out, "%s_n = %u\n", p->key, p->list->len);
      /* gnuplot parses `title refs[i]` of an empty loop too: the array must exist */
      g_string_append_printf(out, "array %s[%u]\n", p->key, MAX(p->list->len, 1));
      if (!p->list->len) g_string_append_printf(out, "%s[1] = ''\n", p->key);
      for (guint k = 0; k < p->list->len; k++) {
        g_string_append_printf(out, "%s[%u] = ", p->key, k + 1);
        gp_str(out, p->list->pdata[k]);
        g_string_append_c(out, '\n');
      }
      continue;
    }
    g_string_append_printf(out, "%s = ", p->key);
    if (p->text) gp_str(out, p->text);
    else num(out, p->num);
    g_string_append_c(out, '\n');
  }
}

/* gnuplot -e "plots = '...'; dir = '...'; out = '...'; fmt = '...'" SCRIPT */
static char **gnuplot_argv(const char *tool, const char *script, const char *plots, const char *dir, const char *out,
                           const char *fmt) {
  g_autoptr(GString) e = g_string_new("plots = ");
  gp_str(e, plots);
  g_string_append(e, "; dir = ");
  gp_str(e, dir);
  g_string_append(e, "; out = ");
  gp_str(e, out);
  g_string_append_printf(e, "; fmt = '%s'", fmt);
  const char *argv[] = {tool, "-e", e->str, script, NULL};
  return g_strdupv((char **)argv);
}

/* ---- matplotlib --------------------------------------------------------------------------- */

static gboolean python_has_matplotlib(const char *py) {
  const char *argv[] = {py, "-c", "import matplotlib", NULL};
  int wait = 0;
  if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL,
                    NULL, &wait, NULL))
    return FALSE;
  return g_spawn_check_wait_status(wait, NULL);
}

/* CPUHPSIM_PYTHON, else python3 on PATH, else Debian's /usr/bin/python3 (a python3 earlier on
 * PATH, e.g. a virtualenv's, need not see the python3-matplotlib package). */
static char *matplotlib_find(void) {
  const char *env = g_getenv("CPUHPSIM_PYTHON");
  const char *cands[] = {env && *env ? env : "python3", env && *env ? NULL : "/usr/bin/python3", NULL};
  for (guint i = 0; cands[i]; i++) {
    g_autofree char *p = g_find_program_in_path(cands[i]);
    if (p && python_has_matplotlib(p)) return g_steal_pointer(&p);
  }
  return NULL;
}

static void matplotlib_params(GString *out, const GPtrArray *ps) {
  g_string_append_c(out, '{');
  for (guint i = 0; i < ps->len; i++) {
    const SimPlotParam *p = ps->pdata[i];
    g_string_append(out, i ? ",\n " : "\n ");
    sim_json_write_string(out, p->key);
    g_string_append(out, ": ");
    if (p->list) {
      g_string_append_c(out, '[');
      for (guint k = 0; k < p->list->len; k++) {
        if (k) g_string_append(out, ", ");
        sim_json_write_string(out, p->list->pdata[k]);
      }
      g_string_append_c(out, ']');
    } else if (p->text) {
      sim_json_write_string(out, p->text);
    } else {
      num(out, p->num);
    }
  }
  g_string_append(out, "\n}\n");
}

/* python3 SCRIPT DIR OUT FMT */
static char **matplotlib_argv(const char *tool, const char *script, const char *plots, const char *dir, const char *out,
                              const char *fmt) {
  const char *argv[] = {tool, script, dir, out, fmt, NULL};
  return g_strdupv((char **)argv);
}

static const SimPlotBackend backends[] = {
    {"gnuplot", "gnuplot", "gp", "params.gp",
     "gnuplot not found; install it: apt-get install gnuplot (or use --backend=matplotlib)", gnuplot_find,
     gnuplot_params, gnuplot_argv},
    {"matplotlib", "python3", "py", "params.json",
     "no python3 with matplotlib found; install it: apt-get install python3-matplotlib", matplotlib_find,
     matplotlib_params, matplotlib_argv},
};

const SimPlotBackend *sim_plot_backend_find(const char *name) {
  for (guint i = 0; i < G_N_ELEMENTS(backends); i++)
    if (!strcmp(name, backends[i].name)) return &backends[i];
  return NULL;
}

char *sim_plot_backend_tool(const SimPlotBackend *b, GError **error) {
  char *tool = b->find();
  if (!tool) g_set_error_literal(error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT, b->missing);
  return tool;
}

/* ---- drawing ------------------------------------------------------------------------------ */

static void ms(GString *out, int64_t ns) { /* exact decimal ms: ns / 1e6 with 6 decimals */
  if (ns < 0) {
    g_string_append_c(out, '-');
    ns = -ns;
  }
  g_string_append_printf(out, "%" G_GINT64_FORMAT ".%06d", ns / 1000000, (int)(ns % 1000000));
}

/* A table as TSV: a "# " line naming the columns, then one line a row. */
static void write_tsv(GString *out, const SimPlotTable *t) {
  g_string_append(out, "# ");
  for (guint c = 0; c < t->columns->len; c++) {
    if (c) g_string_append_c(out, '\t');
    g_string_append(out, t->columns->pdata[c]);
  }
  g_string_append_c(out, '\n');
  for (guint i = 0; i < t->cells->len; i++) {
    const SimPlotCell *c = &g_array_index(t->cells, SimPlotCell, i);
    switch (c->type) {
    case SIM_PLOT_UINT: g_string_append_printf(out, "%" G_GUINT64_FORMAT, c->v.uint); break;
    case SIM_PLOT_MS: ms(out, c->v.ns); break;
    case SIM_PLOT_REAL: g_string_append_printf(out, "%.6f", c->v.real); break;
    case SIM_PLOT_NUM: g_string_append_printf(out, "%g", c->v.real); break;
    case SIM_PLOT_TEXT: g_string_append(out, c->v.text); break;
    }
    g_string_append_c(out, (i + 1) % t->columns->len ? '\t' : '\n');
  }
}

/* A parameter's text on one line of the data file: tabs and newlines become spaces. */
static void data_text(GString *out, const char *s) {
  for (const char *c = s; *c; c++) g_string_append_c(out, *c == '\n' || *c == '\t' ? ' ' : *c);
}

gboolean sim_plot_write_data(const SimPlot *fig, const char *path, GError **error) {
  g_autoptr(GString) d = g_string_new(NULL);
  g_string_append_printf(d, "# kind: %s\n", sim_plot_kind_name(fig->kind));
  for (guint i = 0; i < fig->params->len; i++) {
    const SimPlotParam *p = fig->params->pdata[i];
    g_string_append_printf(d, p->list && !p->list->len ? "# %s:" : "# %s: ", p->key);
    if (p->list) {
      for (guint k = 0; k < p->list->len; k++) {
        if (k) g_string_append_c(d, '\t');
        data_text(d, p->list->pdata[k]);
      }
    } else if (p->text) {
      data_text(d, p->text);
    } else { /* short, as a reader types it: 3.33, not 3.3300000000000001 */
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_string_append(d, g_ascii_formatd(buf, sizeof buf, "%.10g", p->num));
    }
    g_string_append_c(d, '\n');
  }
  for (guint i = 0; i < fig->tables->len; i++) {
    const SimPlotTable *t = fig->tables->pdata[i];
    g_string_append_printf(d, "# table %s\n", t->name);
    write_tsv(d, t);
  }
  return sim_output_write(path, d->str, d->len, error);
}

struct SimPlotter {
  const SimPlotBackend *b;
  char *tool;
  char *dir;          /* the temporary folder */
  GPtrArray *written; /* the files written into it */
};

SimPlotter *sim_plotter_new(const SimPlotBackend *b, const char *tool, GError **error) {
  char *dir = g_dir_make_tmp("cpuhpsim-plot-XXXXXX", error);
  if (!dir) return NULL;
  SimPlotter *s = g_new0(SimPlotter, 1);
  s->b = b;
  s->tool = g_strdup(tool);
  s->dir = dir;
  s->written = g_ptr_array_new_with_free_func(g_free);
  return s;
}

void sim_plotter_free(SimPlotter *s) {
  if (!s) return;
  for (guint i = 0; i < s->written->len; i++) {
    g_autofree char *p = g_build_filename(s->dir, s->written->pdata[i], NULL);
    g_unlink(p);
  }
  g_ptr_array_unref(s->written);
  g_rmdir(s->dir);
  g_free(s->dir);
  g_free(s->tool);
  g_free(s);
}

static gboolean put(SimPlotter *s, const char *name, const GString *text, GError **error) {
  g_autofree char *p = g_build_filename(s->dir, name, NULL);
  g_ptr_array_add(s->written, g_strdup(name));
  return g_file_set_contents(p, text->str, (gssize)text->len, error);
}

static void fail(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void fail(GError **error, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error_literal(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, msg);
}

gboolean sim_plotter_draw(SimPlotter *s, const SimPlot *fig, const char *plots_dir, const char *output, const char *fmt,
                          GError **error) {
  const SimPlotBackend *b = s->b;
  for (guint i = 0; i < fig->tables->len; i++) {
    const SimPlotTable *t = fig->tables->pdata[i];
    g_autoptr(GString) d = g_string_new(NULL);
    write_tsv(d, t);
    g_autofree char *name = g_strdup_printf("%s.tsv", t->name);
    if (!put(s, name, d, error)) return FALSE;
  }
  g_autofree char *script = g_strdup_printf("%s/%s.%s", plots_dir, sim_plot_kind_name(fig->kind), b->script_ext);
  if (!g_file_test(script, G_FILE_TEST_IS_REGULAR)) {
    fail(error, "%s: no such script (set CPUHPSIM_PLOTS_DIR to the plots/ folder)", script);
    return FALSE;
  }
  g_autoptr(GString) params = g_string_new(NULL);
  b->write_params(params, fig->params);
  if (!put(s, b->params_file, params, error)) return FALSE;
  g_autofree char *outname = g_strdup_printf("figure.%s", fmt);
  g_autofree char *out = g_build_filename(s->dir, outname, NULL);
  g_ptr_array_add(s->written, g_strdup(outname));
  g_auto(GStrv) argv = b->argv(s->tool, script, plots_dir, s->dir, out, fmt);
  /* no network, no user config, fixed dates: the same data gives the same figure */
  g_auto(GStrv) env = g_get_environ();
  env = g_environ_setenv(env, "MPLBACKEND", "Agg", TRUE);
  env = g_environ_setenv(env, "SOURCE_DATE_EPOCH", "0", TRUE);
  env = g_environ_setenv(env, "PYTHONDONTWRITEBYTECODE", "1", TRUE);
  g_autofree char *err_text = NULL;
  int wait = 0;
  g_autoptr(GError) err = NULL;
  if (!g_spawn_sync(s->dir, argv, env, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err_text, &wait, &err)) {
    fail(error, "%s: %s", s->tool, err->message);
    return FALSE;
  }
  g_autofree char *bytes = NULL;
  gsize len = 0;
  if (!g_spawn_check_wait_status(wait, NULL) || !g_file_get_contents(out, &bytes, &len, NULL) || !len) {
    /* the tool's last non-empty line says why (a Python traceback ends with the exception) */
    g_auto(GStrv) lines = g_strsplit(err_text ? err_text : "", "\n", -1);
    const char *why = "no output";
    for (guint i = 0; lines[i]; i++)
      if (*g_strstrip(lines[i])) why = lines[i];
    fail(error, "%s %s failed: %s", b->program, script, why);
    return FALSE;
  }
  if (!sim_output_write(output, bytes, len, &err)) {
    fail(error, "-o: %s", err->message);
    return FALSE;
  }
  return TRUE;
}
