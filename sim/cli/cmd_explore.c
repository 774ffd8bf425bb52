/* cmd_explore.c — `explore`: search the ordering-policy space for the lowest bringup time. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/kernel/montecarlo.h"
#include "sim/cli/cli.h"
#include "sim/cli/cmds.h"
#include "sim/output/json_write.h"
#include "sim/output/stats.h"

typedef struct {
  char *spec;
  SimStats bringup, ap_spin;
  double score;
} Candidate;

static gint cand_cmp(gconstpointer a, gconstpointer b) {
  const Candidate *x = a, *y = b;
  if (x->score != y->score) return x->score < y->score ? -1 : 1;
  if (x->ap_spin.mean != y->ap_spin.mean) return x->ap_spin.mean < y->ap_spin.mean ? -1 : 1; /* less power */
  return strcmp(x->spec, y->spec);
}

static gboolean evaluate(const CpuhpProfile *p, const char *spec, uint64_t seed, guint runs, const char *objective,
                         GArray *cands, GError **error) {
  for (guint i = 0; i < cands->len; i++)
    if (g_str_equal(g_array_index(cands, Candidate, i).spec, spec)) return TRUE;
  g_autoptr(CpuhpPolicy) pol = cpuhp_policy_parse(spec, error);
  if (!pol) return FALSE;
  CpuhpRunOptions opt = {.seed = seed, .policy = pol};
  g_autoptr(CpuhpSamples) s = cpuhp_mc_run(p, &opt, runs, error);
  if (!s) return FALSE;
  Candidate c = {.spec = g_strdup(spec)};
  sim_stats_compute(s->values[CPUHP_METRIC_BRINGUP], runs, &c.bringup);
  sim_stats_compute(s->values[CPUHP_METRIC_AP_SPIN], runs, &c.ap_spin);
  c.score = g_str_equal(objective, "p50")   ? c.bringup.p50
            : g_str_equal(objective, "p90") ? c.bringup.p90
            : g_str_equal(objective, "p99") ? c.bringup.p99
                                            : c.bringup.mean;
  g_array_append_val(cands, c);
  return TRUE;
}

static void explore_text(GString *out, const CpuhpProfile *p, const GArray *cands, guint ntop, guint64 runs,
                         guint64 seed, const char *objective) {
  g_string_append_printf(out, "%s: %u policies searched, %" G_GUINT64_FORMAT " runs each (seeds %" G_GUINT64_FORMAT
                         "..), objective: bringup %s\n\n%-4s %-22s %12s %12s %12s %12s %14s\n", p->name, cands->len, runs,
                         seed, objective, "rank", "policy", "mean ms", "p50 ms", "p90 ms", "p99 ms", "AP spin ms");
  for (guint i = 0; i < cands->len && i < ntop; i++) {
    const Candidate *c = &g_array_index(cands, Candidate, i);
    g_string_append_printf(out, "%-4u %-22s %12.3f %12.3f %12.3f %12.3f %14.3f\n", i + 1, c->spec, c->bringup.mean / 1e6,
                           c->bringup.p50 / 1e6, c->bringup.p90 / 1e6, c->bringup.p99 / 1e6, c->ap_spin.mean / 1e6);
  }
}

/* The same as JSON: times in integer nanoseconds (rounded), the best first. */
static void explore_json(GString *out, const CpuhpProfile *p, const GArray *cands, guint ntop, guint64 runs,
                         guint64 seed, const char *objective) {
  g_autoptr(SimJsonWriter) w = sim_jw_new(out);
  sim_jw_begin_object(w, NULL, SIM_JW_LINES);
  sim_jw_string(w, "profile", p->name);
  sim_jw_uint(w, "searched", cands->len);
  sim_jw_uint(w, "runs", runs);
  sim_jw_uint(w, "seed", seed);
  sim_jw_string(w, "objective", objective);
  sim_jw_begin_array(w, "best", SIM_JW_LINES);
  for (guint i = 0; i < cands->len && i < ntop; i++) {
    const Candidate *c = &g_array_index(cands, Candidate, i);
    sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
    sim_jw_uint(w, "rank", i + 1);
    sim_jw_string(w, "policy", c->spec);
    sim_jw_int(w, "bringup_mean_ns", llround(c->bringup.mean));
    sim_jw_int(w, "bringup_p50_ns", llround(c->bringup.p50));
    sim_jw_int(w, "bringup_p90_ns", llround(c->bringup.p90));
    sim_jw_int(w, "bringup_p99_ns", llround(c->bringup.p99));
    sim_jw_int(w, "ap_spin_mean_ns", llround(c->ap_spin.mean));
    sim_jw_end_object(w);
  }
  sim_jw_end_array(w);
  sim_jw_end_object(w);
  g_string_append_c(out, '\n');
}

int cmd_explore(int argc, char **argv) {
  g_auto(CliFlags) f = {0};
  g_autofree char *objective = NULL, *top = NULL;
  GOptionEntry entries[] = {
      cli_option_help(CLI_OPT_RUNS, &f, "Runs per candidate (default 20)"),
      cli_option(CLI_OPT_FIRST_SEED, &f),
      {"objective", 0, 0, G_OPTION_ARG_STRING, &objective, "What to minimise: bringup time mean or a percentile (default mean)", "mean|p50|p90|p99"},
      {"top", 0, 0, G_OPTION_ARG_STRING, &top, "How many of the best to print (default 5)", "K"},
      cli_option(CLI_OPT_TOPOLOGY, &f),
      cli_option(CLI_OPT_CPUS, &f),
      cli_option(CLI_OPT_SET, &f),
      cli_option_format(&f, "text|json"),
      G_OPTION_ENTRY_NULL};
  int status;
  if (!cli_parse("explore", &argc, &argv, entries, "[PROFILE]",
                 "Search the ordering-policy space (policy kind, SMT ordering, wave size K) for the\n"
                 "lowest bringup time on the machine in PROFILE (ties: less AP spinning), and print\n"
                 "the best policies.", &status))
    return status;
  if (!f.runs) f.runs = g_strdup("20");
  guint64 seed, runs, ntop = 5;
  const char *format;
  if ((status = cli_common_values("explore", &f, "text|json", &seed, &runs, &format))) return status;
  if (!objective) objective = g_strdup("mean");
  const char *const objectives[] = {"mean", "p50", "p90", "p99", NULL};
  if (!g_strv_contains(objectives, objective)) return cli_fail("explore", "--objective: expected mean, p50, p90 or p99, got '%s'", objective);
  if (top && (!cli_parse_u64(top, 1000, &ntop) || !ntop)) return cli_fail("explore", "--top: expected 1 to 1000, got '%s'", top);
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  if ((status = cli_overrides("explore", &f, ov))) return status;
  g_autoptr(CpuhpProfile) p = cli_load(argc > 1 ? argv[1] : NULL, ov);
  if (!p) return 2;
  guint n = cpuhp_profile_n_cpus(p);
  g_autoptr(GArray) cands = g_array_new(FALSE, FALSE, sizeof(Candidate));
  g_autoptr(GError) err = NULL;
  static const char *const fixed[] = {"kernel", "serial", "parallel", "parallel-smt", "numa-first", "socket-interleaved"};
  /* a policy that cannot plan on this machine (no split startup) is simply not a candidate */
  for (guint i = 0; i < G_N_ELEMENTS(fixed); i++)
    if (!evaluate(p, fixed[i], seed, (guint)runs, objective, cands, &err)) g_clear_error(&err);
  /* wave sizes: powers of two, then the neighbours of the best one */
  guint best_k = 0;
  double best = INFINITY;
  for (guint k = 1; k < 2 * n; k *= 2) {
    g_autofree char *spec = g_strdup_printf("waves:%u", k);
    if (!evaluate(p, spec, seed, (guint)runs, objective, cands, &err)) {
      g_clear_error(&err);
      break;
    }
    const Candidate *c = &g_array_index(cands, Candidate, cands->len - 1);
    if (c->score < best) best = c->score, best_k = k;
  }
  for (guint k = MAX(best_k / 2, 1); best_k && k < best_k * 2 && k < 2 * n; k++) {
    g_autofree char *spec = g_strdup_printf("waves:%u", k);
    if (!evaluate(p, spec, seed, (guint)runs, objective, cands, &err)) g_clear_error(&err);
  }
  g_array_sort(cands, cand_cmp);
  g_autoptr(GString) out = g_string_new(NULL);
  if (g_str_equal(format, "json")) explore_json(out, p, cands, (guint)ntop, runs, seed, objective);
  else explore_text(out, p, cands, (guint)ntop, runs, seed, objective);
  for (guint i = 0; i < cands->len; i++) g_free(g_array_index(cands, Candidate, i).spec);
  fwrite(out->str, 1, out->len, stdout);
  return fflush(stdout) == 0 ? 0 : 1;
}
