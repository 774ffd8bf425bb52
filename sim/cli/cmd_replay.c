/* cmd_replay.c — `cpuhpsim import` (a real boot's measured timeline), `cpuhpsim diff` (a real
 * boot against another trace or a simulated profile) and `cpuhpsim calibrate` (a profile's
 * callback costs fitted on real boots). */
#include <stdio.h>
#include <string.h>

#include "models/kernel/bringup.h"
#include "models/kernel/prepare.h"
#include "models/replay/calibrate.h"
#include "models/profile/cmdline.h"
#include "models/profile/yamltree.h"
#include "models/replay/replay.h"
#include "sim/output/outfile.h"
#include "sim/output/bootlog.h"
#include "sim/cli/cli.h"
#include "sim/cli/cmds.h"
#include "sim/output/perfetto.h"
#include "sim/output/profile_edit.h"
#include "sim/output/replay_report.h"

/* GOption parsing with `max_args` positionals; FALSE with *status set on a user error. */
static gboolean parse(const char *cmd, int *argc, char ***argv, GOptionEntry *entries, const char *param,
                      const char *summary, guint max_args, int *status) {
  g_autoptr(GOptionContext) ctx = g_option_context_new(param);
  g_option_context_set_summary(ctx, summary);
  g_option_context_set_description(ctx, cpuhp_replay_json_keys());
  g_option_context_add_main_entries(ctx, entries, NULL);
  cli_add_version(ctx);
  g_autoptr(GError) err = NULL;
  if (!g_option_context_parse(ctx, argc, argv, &err)) {
    *status = cli_fail(cmd, "%s", err->message);
    return FALSE;
  }
  if ((guint)*argc > max_args + 1) {
    *status = cli_fail(cmd, "unexpected argument '%s'", (*argv)[max_args + 1]);
    return FALSE;
  }
  return TRUE;
}

static gboolean json_format(const char *cmd, const char *format, int *status) {
  if (!format || !strcmp(format, "text")) return FALSE;
  if (!strcmp(format, "json")) return TRUE;
  *status = cli_fail(cmd, "--format: expected text|json, got '%s'", format);
  return FALSE;
}

static CpuhpMeasured *import(const char *path) {
  g_autoptr(GError) err = NULL;
  CpuhpMeasured *m = sim_bootlog_measure_file(path, &err);
  if (!m) fprintf(stderr, "%s\n", err->message);
  return m;
}

static int emit(GString *out) {
  fwrite(out->str, 1, out->len, stdout);
  return fflush(stdout) == 0 ? 0 : 1;
}

int cmd_import(int argc, char **argv) {
  g_auto(CliFlags) f = {0};
  g_autofree char *perfetto = NULL;
  GOptionEntry entries[] = {
      cli_option_format(&f, "text|json"),
      {"perfetto", 0, 0, G_OPTION_ARG_FILENAME, &perfetto, "Also write the measured timeline as Chrome trace-event JSON (Perfetto)", "OUT"},
      G_OPTION_ENTRY_NULL};
  int status = 0;
  if (!parse("import", &argc, &argv, entries, "FILE",
             "Read a real kernel's bringup back from FILE: ftrace text (cpuhp_enter, cpuhp_multi_enter,\n"
             "cpuhp_exit; function-tracer lines), dmesg with timestamps, or a console log holding both\n"
             "in @@TRACE / @@DMESG sections; gzip or not. Prints the measured timeline: bringup window\n"
             "and time (dmesg on ns trace clocks, the trace window on x86-tsc), the trace clock and TSC\n"
             "rate used, per-CPU callback sequences (side, start, duration), per-state statistics,\n"
             "stalls (callbacks 3 ms or more over their usual time: under a host's clock often host-side\n"
             "time, see docs/host-first-touch.md), parallel mode, kick order, the events outside the window\n"
             "apart, and notes on what limits the reading (such as an x86 ns trace clock read before\n"
             "sched_clock is marked stable: each CPU's clock held within a tick of its last tick).\n"
             "Exit status: 0 ok, 1 output could not be written, 2 bad input (one line on stderr).",
             1, &status))
    return status;
  gboolean json = json_format("import", f.format, &status);
  if (status) return status;
  if (argc < 2) return cli_fail("import", "missing FILE");
  if (perfetto && !*perfetto) return cli_fail("import", "--perfetto: empty file name");
  g_autoptr(CpuhpMeasured) m = import(argv[1]);
  if (!m) return 2;
  if (perfetto) { /* sim/output/perfetto.c: the writer of `run --perfetto`, whole file or nothing */
    g_autoptr(CpuhpResult) r = cpuhp_perfetto_result_from_measured(m);
    g_autoptr(GError) err = NULL;
    SimOutfile *of = sim_outfile_open(perfetto, &err);
    gboolean ok = of && cpuhp_perfetto_stream(of, r, &err);
    if (of && !ok) sim_outfile_abort(of);
    if (!ok || !sim_outfile_commit(of, &err)) {
      fprintf(stderr, "cpuhpsim import: --perfetto: %s\n", err->message);
      return 1;
    }
  }
  g_autoptr(GString) out = g_string_new(NULL);
  if (json) cpuhp_replay_json(out, m);
  else cpuhp_replay_text(out, m);
  return emit(out);
}

/* The kernel command line to simulate: --cmdline, else a kernel.cmdline the user --set, else the
 * profile's with --profile-cmdline, else the real boot's when its log shows it (the boot being
 * compared ran with it: lpj=, trace_buf_size= and the rest switch the same mechanisms in the
 * model), else the profile's. Returns an override to add last, or NULL; *from says which. */
static char *diff_cmdline(const CpuhpMeasured *real, char **set, const char *cmdline, gboolean keep,
                          const char **from, GError **error) {
  gboolean user_set = FALSE;
  for (char **s = set; s && *s; s++) user_set |= g_str_has_prefix(*s, "kernel.cmdline=");
  if (cmdline) {
    *from = "--cmdline";
    return cpuhp_cmdline_as_override(cmdline);
  }
  *from = user_set ? "--set" : "profile";
  if (user_set || keep || !real->cmdline) return NULL;
  /* REAL's own line: a malformed modelled parameter is an error in REAL */
  g_autoptr(GError) err = NULL;
  if (!cpuhp_cmdline_check(real->cmdline, &err)) {
    g_set_error(error, CPUHP_REPLAY_ERROR, CPUHP_REPLAY_ERROR_FORMAT, "%s:%u:%u: kernel command line: %s", real->source,
                real->cmdline_line, real->cmdline_col, err->message);
    return NULL;
  }
  *from = "real";
  return cpuhp_cmdline_as_override(real->cmdline);
}

/* The profile run on the real boot's shape: its CPU count (1 socket; SMT threads per core only
 * when the kick order shows primary threads first), its cpuhp.parallel, its command line (see
 * diff_cmdline). These overrides come after the user's --set: the shape is the real boot's by
 * definition of the comparison. */
static CpuhpMeasured *simulate(const CpuhpMeasured *real, const char *profile, char **set, guint64 seed,
                               const char *cmdline_ov, GPtrArray *ov, char **name, char **cmdline) {
  for (char **s = set; s && *s; s++) g_ptr_array_add(ov, g_strdup(*s));
  if (cmdline_ov) g_ptr_array_add(ov, g_strdup(cmdline_ov));
  guint t = real->threads_per_core;
  g_ptr_array_add(ov, g_strdup("topology.sockets=1"));
  g_ptr_array_add(ov, g_strdup_printf("topology.cores_per_socket=%u", real->n_cpus / t));
  g_ptr_array_add(ov, g_strdup_printf("topology.threads_per_core=%u", t));
  g_ptr_array_add(ov, g_strdup("topology.numa_nodes=0"));
  g_ptr_array_add(ov, g_strdup("topology.nr_cpus=0"));
  g_ptr_array_add(ov, g_strdup("topology.enumeration=interleaved"));
  g_ptr_array_add(ov, g_strdup_printf("kernel.cpuhp_parallel=%s", real->parallel ? "true" : "false"));
  if (real->smt_primary_first) g_ptr_array_add(ov, g_strdup("kernel.smt_primary_first=true"));
  g_autoptr(CpuhpProfile) p = cli_load(strcmp(profile, "default") ? profile : NULL, ov);
  if (!p) return NULL;
  *name = g_strdup(p->name);
  *cmdline = g_strdup(p->kernel.cmdline ? p->kernel.cmdline : "");
  CpuhpRunOptions opt = {.seed = seed, .trace = TRUE};
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpResult) r = cpuhp_bringup_run(p, &opt, &err);
  CpuhpMeasured *m = r ? cpuhp_measured_new_from_result(r, &err) : NULL;
  if (!m) fprintf(stderr, "cpuhpsim diff: --profile=%s: %s\n", profile, err->message);
  return m;
}

int cmd_diff(int argc, char **argv) {
  g_auto(CliFlags) f = {0};
  g_autofree char *profile = NULL;
  gboolean keep_cmdline = FALSE;
  GOptionEntry entries[] = {
      {"profile", 0, 0, G_OPTION_ARG_FILENAME, &profile, "Simulate this profile (\"default\": the embedded one) instead of reading SIM", "PROFILE"},
      cli_option_help(CLI_OPT_SET, &f, "Override a profile key by its dotted path (repeatable; VALUE is YAML; with --profile)"),
      cli_option_help(CLI_OPT_CMDLINE, &f, "Simulate with this kernel command line (default: REAL's, when its log shows it)"),
      {"profile-cmdline", 0, 0, G_OPTION_ARG_NONE, &keep_cmdline, "Simulate with the profile's kernel.cmdline, not REAL's", NULL},
      cli_option(CLI_OPT_SEED, &f),
      cli_option_format(&f, "text|json"),
      G_OPTION_ENTRY_NULL};
  int status = 0;
  if (!parse("diff", &argc, &argv, entries, "REAL [SIM]",
             "Compare the real bringup in REAL (a trace or console log, as `import` reads it) with SIM:\n"
             "another trace file (e.g. from `cpuhpsim run --ftrace=FILE`), or --profile=PROFILE simulated\n"
             "with REAL's CPU count (1 socket x N cores x 1 thread, or x T threads when REAL's kick order\n"
             "shows SMT primary threads first) and REAL's cpuhp.parallel, after any --set, and with REAL's\n"
             "kernel command line when its log shows one (lpj=, trace_buf_size=... act as in `run`;\n"
             "--cmdline or --profile-cmdline choose another). Prints per CPU\n"
             "whether the callback sequences (step, callback, side, multi-instance, target) are equal and\n"
             "the first divergence, per-state mean timing error (sim - real, and %), the bringup time\n"
             "error, and REAL's stalls beside what the same rule finds in SIM (the rest is time the model\n"
             "has no cause for). Exit status: 0 sequences equal, 1 they differ, 2 bad input.",
             2, &status))
    return status;
  gboolean json = json_format("diff", f.format, &status);
  if (status) return status;
  guint64 seed = 1;
  if (f.seed && !cli_parse_u64(f.seed, G_MAXUINT64, &seed))
    return cli_fail("diff", "--seed: expected an unsigned 64-bit integer, got '%s'", f.seed);
  if (argc < 2) return cli_fail("diff", "missing REAL");
  if (!profile && (f.cmdline || keep_cmdline)) return cli_fail("diff", "--cmdline and --profile-cmdline need --profile");
  if (argc > 2 && profile) return cli_fail("diff", "give SIM or --profile, not both");
  if (argc < 3 && !profile) return cli_fail("diff", "missing SIM: a trace file, or --profile=PROFILE");
  if (!profile && (f.set || f.seed)) return cli_fail("diff", "--set and --seed need --profile");
  if (f.cmdline && keep_cmdline) return cli_fail("diff", "give --cmdline or --profile-cmdline, not both");
  if (f.cmdline && cli_check_cmdline("diff", f.cmdline)) return 2;
  if (profile && !*profile) return cli_fail("diff", "--profile: empty file name");
  g_autoptr(CpuhpMeasured) real = import(argv[1]);
  if (!real) return 2;
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  g_autofree char *pname = NULL, *sim_cmdline = NULL;
  const char *cmdline_from = NULL;
  g_autoptr(GError) cl_err = NULL;
  g_autofree char *cmdline_ov = profile ? diff_cmdline(real, f.set, f.cmdline, keep_cmdline, &cmdline_from, &cl_err) : NULL;
  if (cl_err) {
    fprintf(stderr, "%s\n", cl_err->message);
    return 2;
  }
  g_autoptr(CpuhpMeasured) sim =
      profile ? simulate(real, profile, f.set, seed, cmdline_ov, ov, &pname, &sim_cmdline) : import(argv[2]);
  if (!sim) return 2;
  CpuhpDiffSimulated s = {.profile = pname, .cpus = real->n_cpus, .threads_per_core = real->threads_per_core,
                          .parallel = real->parallel, .seed = seed, .overrides = ov, .cmdline = sim_cmdline,
                          .cmdline_from = cmdline_from};
  g_autofree char *sim_name = profile ? g_strdup_printf("--profile=%s", profile) : g_strdup(argv[2]);
  g_autoptr(CpuhpReplayDiff) d = cpuhp_replay_diff(real, sim);
  g_autoptr(GString) out = g_string_new(NULL);
  if (json) cpuhp_diff_json(out, argv[1], sim_name, d, profile ? &s : NULL);
  else cpuhp_diff_text(out, argv[1], sim_name, d, profile ? &s : NULL);
  if (emit(out)) return 1;
  return d->equal ? 0 : 1;
}

int cmd_calibrate(int argc, char **argv) {
  g_autofree char *base = NULL, *output = NULL, *fit_s = NULL;
  GOptionEntry entries[] = {
      {"base", 0, 0, G_OPTION_ARG_FILENAME, &base, "Profile whose platform parameters are kept and whose states get the fits (required)", "PROFILE"},
      {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the profile here, whole or not at all (default stdout)", "OUT.yaml"},
      {"fit", 0, 0, G_OPTION_ARG_STRING, &fit_s, "Cost per state: the median (default), a lognormal, or the empirical samples", "median|lognormal|empirical"},
      G_OPTION_ENTRY_NULL};
  int status = 0;
  if (!parse("calibrate", &argc, &argv, entries, "TRACE...",
             "Fit the callback costs of --base's state table on the real boots in TRACE... (console logs or\n"
             "trace files, as `import` reads them): each state timed inside a bringup window gets its median\n"
             "(or a lognormal or empirical fit), one per instance of a multi-instance state, and\n"
             "kernel.trace_rb_page comes from the global ring buffer's extra cost; on x86, where the\n"
             "function tracer recorded the AP's path, x86.cpu_init, identify, tsc_sync_overhead and\n"
             "online_tail are its medians between the traced functions. Waits and totals are never\n"
             "fitted, nor stalls (import's list: host-side time); every other number stays the base's. The profile is written with a comment per\n"
             "fitted state (samples, boots, median, p10, p90) and checked by the profile loader; then each\n"
             "boot is simulated with it on its own shape and the bringup time error printed on stderr.\n"
             "Exit status: 0 ok, 1 output could not be written, 2 bad input.",
             G_MAXUINT - 1, &status))
    return status;
  CpuhpFit fit = CPUHP_FIT_MEDIAN;
  if (fit_s && !cpuhp_fit_parse(fit_s, &fit))
    return cli_fail("calibrate", "--fit: expected median|lognormal|empirical, got '%s'", fit_s);
  if (!base || !*base) return cli_fail("calibrate", "missing --base=PROFILE");
  if (argc < 2) return cli_fail("calibrate", "missing TRACE: one or more real boots");
  if (output && !*output) return cli_fail("calibrate", "--output: empty file name");
  g_autoptr(CpuhpProfile) p = cli_load(base, NULL);
  if (!p) return 2;
  g_autoptr(GError) err = NULL;
  gsize len;
  g_autofree char *text = yt_read_file(base, YT_MAX_FILE_BYTES, "profile", &len, G_FILE_ERROR, G_FILE_ERROR_INVAL, &err);
  if (!text) return cli_fail("calibrate", "--base: %s", err->message);
  g_autoptr(GPtrArray) boots = g_ptr_array_new_with_free_func((GDestroyNotify)cpuhp_measured_free);
  g_autoptr(GPtrArray) cmdlines = g_ptr_array_new_with_free_func(g_free); /* each boot's, for the check */
  for (int i = 1; i < argc; i++) {
    CpuhpMeasured *m = import(argv[i]);
    if (!m) return 2;
    g_ptr_array_add(boots, m);
    const char *from;
    g_autoptr(GError) cl_err = NULL;
    g_ptr_array_add(cmdlines, diff_cmdline(m, NULL, NULL, FALSE, &from, &cl_err));
    if (cl_err) {
      fprintf(stderr, "%s\n", cl_err->message);
      return 2;
    }
  }
  g_autoptr(CpuhpCalibration) cal = cpuhp_calibrate(p, (CpuhpMeasured *const *)boots->pdata, boots->len, fit, &err);
  g_autoptr(GString) out = g_string_new(NULL);
  if (!cal || !sim_profile_edit_calibrated(out, p, text, cal, (CpuhpMeasured *const *)boots->pdata,
                                           (const char *const *)argv + 1, boots->len, &err))
    return cli_fail("calibrate", "%s", err->message);
  const CpuhpCalibrateStats st = cal->stats;
  /* The loader is the judge: a profile it refuses is never written. */
  const char *where = output ? output : "<calibrated>";
  g_autoptr(CpuhpProfile) check = cpuhp_machine_load_data(where, out->str, out->len, NULL, &err);
  if (!check) return cli_fail("calibrate", "the fitted profile does not load: %s", err->message);
  if (output) {
    if (!sim_output_write(output, out->str, out->len, &err)) {
      fprintf(stderr, "cpuhpsim calibrate: %s\n", err->message);
      return 1;
    }
  } else if (emit(out)) {
    return 1;
  }
  fprintf(stderr, "calibrate: %u states fitted from %u timed callbacks in %u boots%s\n", st.states_fitted, st.samples,
          boots->len, st.unmatched ? " (some callbacks not in the table: see the header)" : "");
  if (!output) return 0;
  for (guint b = 0; b < boots->len; b++) { /* the check: each boot simulated on its own shape */
    const CpuhpMeasured *real = g_ptr_array_index(boots, b);
    g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *name = NULL, *cmdline = NULL;
    g_autoptr(CpuhpMeasured) sim = simulate(real, output, NULL, 1, cmdlines->pdata[b], ov, &name, &cmdline);
    if (!sim) return 2;
    double r = (double)real->bringup_ns / 1e6, s = (double)sim->bringup_ns / 1e6;
    fprintf(stderr, "  %s: real %.3f ms, simulated %.3f ms (%+.1f %%)\n", argv[b + 1], r, s, r > 0 ? 100 * (s - r) / r : 0);
  }
  return 0;
}
