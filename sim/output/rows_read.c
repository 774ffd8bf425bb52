/* rows_read.c — sweep rows, run JSON and measured boots read back. See rows_read.h. */
#include "sim/output/rows_read.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "models/kernel/prepare.h"
#include "models/profile/scenario.h"
#include "models/profile/yamltree.h"
#include "sim/output/json.h"

static gboolean has_suffix(const char *path, const char *const *sfx) {
  for (; *sfx; sfx++)
    if (g_str_has_suffix(path, *sfx)) return TRUE;
  return FALSE;
}

gboolean sim_rows_path(const char *path) {
  static const char *const sfx[] = {".jsonl", ".csv", NULL};
  return has_suffix(path, sfx);
}

gboolean sim_run_json_path(const char *path) { return g_str_has_suffix(path, ".json"); }

static void fail(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void fail(GError **error, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error_literal(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, msg);
}

/* ---- sweep rows --------------------------------------------------------------------------- */

/* Splits one CSV line (RFC 4180 quoting, as cmd_sweep.c writes it). */
static GPtrArray *csv_split(const char *line) {
  GPtrArray *f = g_ptr_array_new_with_free_func(g_free);
  GString *cur = g_string_new(NULL);
  gboolean q = FALSE;
  for (const char *c = line;; c++) {
    if (q) {
      if (*c == '"' && c[1] == '"') {
        g_string_append_c(cur, '"');
        c++;
      } else if (*c == '"') {
        q = FALSE;
      } else if (*c) {
        g_string_append_c(cur, *c);
      } else {
        break;
      }
    } else if (*c == '"') {
      q = TRUE;
    } else if (*c == ',' || !*c || *c == '\r') {
      g_ptr_array_add(f, g_string_free(cur, FALSE));
      cur = g_string_new(NULL);
      if (*c != ',') break;
    } else {
      g_string_append_c(cur, *c);
    }
  }
  g_string_free(cur, TRUE);
  return f;
}

static char *rows_name(const char *sweep) {
  if (!sweep) return g_strdup("an unnamed profile");
  g_autoptr(CpuhpScenario) sc = cpuhp_scenario_load(sweep, NULL);
  g_autoptr(CpuhpProfile) p = NULL;
  if (sc)
    p = sc->profile_path ? cpuhp_machine_load_file(sc->profile_path, NULL, NULL) : cpuhp_machine_load_default(NULL, NULL);
  return g_strdup(p ? p->name : "an unnamed profile");
}

GPtrArray *sim_rows_read(const char *path, char **name, GError **error) {
  gsize len;
  g_autofree char *text = yt_read_file(path, SIM_ROWS_MAX_BYTES, "sweep output", &len, G_FILE_ERROR, G_FILE_ERROR_INVAL, error);
  if (!text) return NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_hash_table_unref);
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  gboolean csv = g_str_has_suffix(path, ".csv");
  g_autoptr(GPtrArray) header = NULL;
  g_autofree char *sweep = NULL;
  for (guint ln = 0; lines[ln]; ln++) {
    const char *l = lines[ln];
    if (g_str_has_prefix(l, "# {") && !sweep) { /* CSV: the sweep's description */
      g_autoptr(SimJson) meta = sim_json_parse(l + 2, strlen(l + 2), NULL);
      if (sim_json_get_str(meta, "sweep")) sweep = g_strdup(sim_json_get_str(meta, "sweep"));
    }
    if (!*l || *l == '#') continue;
    g_autoptr(GHashTable) row = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    if (csv) {
      g_autoptr(GPtrArray) f = csv_split(l);
      if (!header) {
        header = g_steal_pointer(&f);
        continue;
      }
      if (f->len != header->len) {
        fail(error, "%s:%u: %u fields, the header has %u", path, ln + 1, f->len, header->len);
        return NULL;
      }
      for (guint i = 0; i < f->len; i++) g_hash_table_insert(row, g_strdup(header->pdata[i]), g_strdup(f->pdata[i]));
    } else {
      g_autoptr(GError) err = NULL;
      g_autoptr(SimJson) js = sim_json_parse(l, strlen(l), &err);
      if (!js || js->type != SIM_JSON_OBJECT) {
        fail(error, "%s:%u:%s", path, ln + 1, js ? " not a JSON object" : strchr(err->message, ':') + 1);
        return NULL;
      }
      if (sim_json_get(js, "sweep")) { /* the first line describes the sweep */
        if (!sweep && sim_json_get_str(js, "sweep")) sweep = g_strdup(sim_json_get_str(js, "sweep"));
        continue;
      }
      for (guint i = 0; i < js->keys->len; i++) {
        const SimJson *v = js->items->pdata[i];
        if (v->type == SIM_JSON_STRING || v->type == SIM_JSON_NUMBER)
          g_hash_table_insert(row, g_strdup(js->keys->pdata[i]), g_strdup(v->text));
        else if (v->type == SIM_JSON_BOOL) /* typed axis values: kept as the CSV writes them */
          g_hash_table_insert(row, g_strdup(js->keys->pdata[i]), g_strdup(v->boolean ? "true" : "false"));
      }
    }
    g_ptr_array_add(rows, g_steal_pointer(&row));
  }
  if (!rows->len) {
    fail(error, "%s: no rows (expected the output of `cpuhpsim sweep`)", path);
    return NULL;
  }
  *name = rows_name(sweep);
  return g_steal_pointer(&rows);
}

/* ---- run JSON ----------------------------------------------------------------------------- */

static int64_t jint(const SimJson *o, const char *key) {
  int64_t v;
  return sim_json_int(sim_json_get(o, key), &v) ? v : -1;
}

static SimJson *read_json(const char *path, GError **error) {
  gsize len;
  g_autofree char *text = yt_read_file(path, SIM_ROWS_MAX_BYTES, "run JSON", &len, G_FILE_ERROR, G_FILE_ERROR_INVAL, error);
  if (!text) return NULL;
  g_autoptr(GError) err = NULL;
  SimJson *js = sim_json_parse(text, len, &err);
  if (!js || js->type != SIM_JSON_OBJECT) {
    fail(error, "%s:%s", path, js ? "1:1: not a JSON object" : err->message);
    sim_json_free(js);
    return NULL;
  }
  return js;
}

static gboolean read_per_cpu(const SimJson *js, const char *path, SimPlotRun *run, GError **error) {
  const SimJson *pc = sim_json_get(js, "per_cpu");
  if (!pc || pc->type != SIM_JSON_ARRAY || !run->profile) {
    fail(error, "%s: not the output of `cpuhpsim run --format=json` (no per_cpu)", path);
    return FALSE;
  }
  run->n_cpus = pc->items->len;
  run->cpus = g_array_sized_new(FALSE, FALSE, sizeof(SimPlotCpu), pc->items->len);
  for (guint i = 0; i < pc->items->len; i++) {
    const SimJson *c = pc->items->pdata[i];
    int64_t kick = jint(c, "kick_ns"), wake = jint(c, "wakeup_ns");
    SimPlotCpu cpu = {(guint)MAX(jint(c, "cpu"), 0),
                      {-1, kick, kick >= 0 && wake >= 0 ? kick + wake : -1, jint(c, "alive_ns"), jint(c, "release_ns"),
                       jint(c, "online_idle_ns"), jint(c, "online_ns")}};
    g_array_append_val(run->cpus, cpu);
  }
  return TRUE;
}

static gboolean read_phases(const SimJson *js, const char *path, SimPlotRun *run, GError **error) {
  const SimJson *ph = sim_json_get(js, "bp_phases_ns");
  for (CpuhpBpPhase k = 0; k < CPUHP_BP_N_PHASES; k++)
    if (!ph || !sim_json_int(sim_json_get(ph, sim_plot_phase_key(k)), &run->bp_phase_ns[k])) {
      fail(error, "%s: not the output of `cpuhpsim run --format=json` (bp_phases_ns.%s)", path, sim_plot_phase_key(k));
      return FALSE;
    }
  return TRUE;
}

static gboolean read_boot(const SimJson *js, const char *path, SimPlotRun *run, GError **error) {
  static const char *const keys[] = {"vmm_ns", "before_smp_ns", "bringup_ns", "after_smp_ns"};
  const SimJson *b = sim_json_get(js, "boot");
  for (guint k = 0; k < G_N_ELEMENTS(keys); k++)
    if (!b || !sim_json_int(sim_json_get(b, keys[k]), &run->boot_ns[k]) || run->boot_ns[k] < 0) {
      fail(error, "%s: no boot.%s: not a `cpuhpsim run --format=json` of a profile with a boot: section", path, keys[k]);
      return FALSE;
    }
  return TRUE;
}

static gboolean read_exits(const SimJson *js, const char *path, SimPlotRun *run, GError **error) {
  const SimJson *vx = sim_json_get(js, "vm_exits");
  if (!vx) {
    fail(error, "%s: no vm_exits: not a `cpuhpsim run --format=json` of a profile with host.hypervisor", path);
    return FALSE;
  }
  for (CpuhpVmExit x = 0; x < CPUHP_EXIT_N; x++) {
    const SimJson *e = sim_json_get(vx, cpuhp_vm_exit_name(x));
    int64_t c, t;
    if (!e || !sim_json_int(sim_json_get(e, "count"), &c) || !sim_json_int(sim_json_get(e, "time_ns"), &t)) {
      fail(error, "%s: vm_exits.%s: expected {count, time_ns}", path, cpuhp_vm_exit_name(x));
      return FALSE;
    }
    run->exits[x] = (guint64)c, run->exit_ns[x] = t;
  }
  return TRUE;
}

SimPlotRun *sim_run_json_read(const char *path, SimRunParts need, GError **error) {
  g_autoptr(SimJson) js = read_json(path, error);
  if (!js) return NULL;
  g_autoptr(SimPlotRun) run = sim_plot_run_new();
  run->file = g_strdup(path);
  run->profile = g_strdup(sim_json_get_str(js, "profile"));
  run->policy = g_strdup(sim_json_get_str(js, "policy"));
  run->topology = g_strdup(sim_json_get_str(js, "topology"));
  const SimJson *b = sim_json_get(js, "parallel"), *s = sim_json_get(js, "smt_primary_first");
  run->parallel = b && b->boolean;
  run->smt_first = s && s->boolean;
  run->bringup_ns = jint(js, "bringup_ns");
  run->seed = (guint64)MAX(jint(js, "seed"), 0);
  if ((need & SIM_RUN_PER_CPU) && !read_per_cpu(js, path, run, error)) return NULL;
  if ((need & SIM_RUN_PHASES) && !read_phases(js, path, run, error)) return NULL;
  if ((need & SIM_RUN_EXITS) && !read_exits(js, path, run, error)) return NULL;
  if ((need & SIM_RUN_BOOT) && !read_boot(js, path, run, error)) return NULL;
  return g_steal_pointer(&run);
}

/* ---- measured boots ----------------------------------------------------------------------- */

static void measured_clear(gpointer p) { g_free(((SimPlotMeasured *)p)->ms_text); }

GArray *sim_measured_read(const char *path, const char *profile, char **topologies, GError **error) {
  gsize len;
  g_autofree char *text = yt_read_file(path, SIM_ROWS_MAX_BYTES, "table of measured boots", &len, G_FILE_ERROR, G_FILE_ERROR_INVAL, error);
  if (!text) return NULL;
  g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(SimPlotMeasured));
  g_array_set_clear_func(out, measured_clear);
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  for (guint ln = 0; lines[ln]; ln++) {
    if (!*lines[ln] || lines[ln][0] == '#') continue;
    g_auto(GStrv) f = g_strsplit(lines[ln], "\t", -1);
    guint64 par = 0;
    double v = 0;
    char *end = NULL;
    gboolean ok = g_strv_length(f) >= 5 && g_ascii_isdigit(f[2][0]);
    if (ok) {
      errno = 0;
      par = g_ascii_strtoull(f[2], &end, 10);
      ok = !*end && !errno && par <= 1;
    }
    if (ok) {
      v = g_ascii_strtod(f[3], &end);
      ok = !*end && v > 0;
    }
    if (!ok) {
      fail(error, "%s:%u: expected profile, topology, parallel (0|1), measured_ms, ...", path, ln + 1);
      return NULL;
    }
    if (strcmp(f[0], profile) || !topologies || !g_strv_contains((const char *const *)topologies, f[1])) continue;
    guint s[3];
    if (sscanf(f[1], "%ux%ux%u", &s[0], &s[1], &s[2]) != 3) {
      fail(error, "%s:%u: bad topology '%s'", path, ln + 1, f[1]);
      return NULL;
    }
    SimPlotMeasured m = {(guint)par, s[0] * s[1] * s[2], g_strdup(f[3]), v};
    g_array_append_val(out, m);
  }
  return g_steal_pointer(&out);
}
