/* cmd_plot.c — `cpuhpsim plot KIND [INPUT...] -o FILE [--backend=gnuplot|matplotlib]`: the
 * figures of plots/ from a simulation run here or from a file of ours (run JSON, sweep rows).
 *
 * Options, input selection and dispatch only: the runs and samples come from the files
 * (rows_read.h) or from simulations (plot_runs.h), the kind's reducer makes the figure's tables
 * (plot_data.h), and the back end writes them for the script of plots/ and runs it
 * (plot_backend.h). A missing plotting tool is a one-line error naming the Debian package, exit
 * status 2, said before anything is simulated. --size and --font-size become parameters of the
 * figure only when given, so that a figure without them is drawn as it always was. */
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

#include "models/kernel/montecarlo.h"
#include "sim/cli/cli.h"
#include "sim/cli/cmds.h"
#include "sim/cli/plot_runs.h"
#include "sim/output/plot_backend.h"
#include "sim/output/plot_data.h"
#include "sim/output/rows_read.h"

/* Where the scripts of plots/ are: an installed program finds them beside it, under
 * ../share/cpuhpsim/plots (cmake --install); the program in its build tree uses the source
 * tree's. Only the build tree's own binary may use the source path, so an installed program
 * never depends on a source tree that may be gone. */
#ifndef CPUHPSIM_SOURCE_PLOTS
#define CPUHPSIM_SOURCE_PLOTS "plots"
#endif
#ifndef CPUHPSIM_BUILD_DIR
#define CPUHPSIM_BUILD_DIR ""
#endif
#ifndef CPUHPSIM_INSTALL_PLOTS
#define CPUHPSIM_INSTALL_PLOTS "../share/cpuhpsim/plots" /* relative to the program's folder */
#endif

typedef struct {
  SimPlotKind kind;
  CliFlags f;
  char *output, *backend, *metric_name, *reference, *title, *size, *font_size, *data;
  char **where;
  char **inputs; /* positional INPUT files */
  CpuhpMetric metric;
  guint64 seed, runs;
} Job;

static void job_clear(Job *j) {
  cli_flags_clear(&j->f);
  g_free(j->output);
  g_free(j->backend);
  g_free(j->metric_name);
  g_free(j->reference);
  g_free(j->title);
  g_free(j->size);
  g_free(j->font_size);
  g_free(j->data);
  g_strfreev(j->where);
  g_strfreev(j->inputs);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Job, job_clear)

static const char *input(const Job *j) { return j->inputs && j->inputs[0] ? j->inputs[0] : NULL; }

/* A file that cannot be drawn from: exit status 2. */
static int input_fail(const GError *err) { return cli_fail("plot", "%s", err->message); }

/* What simulations of this job run on. */
static PlotRuns sim_of(Job *j) { return (PlotRuns){&j->f, input(j), j->seed, j->runs, j->metric}; }

/* ---- runs: timeline, phases, vmexits, boot ------------------------------------------------------ */

static int timeline(Job *j, SimPlot **fig) {
  g_autoptr(SimPlotRun) run = NULL;
  if (input(j) && sim_run_json_path(input(j))) {
    g_autoptr(GError) err = NULL;
    if (!(run = sim_run_json_read(input(j), SIM_RUN_PER_CPU, &err))) return input_fail(err);
  } else {
    PlotRuns pr = sim_of(j);
    int status = plot_runs_one(&pr, &run);
    if (status) return status;
  }
  *fig = sim_plot_timeline(run);
  return 0;
}

/* Bars of phases and vmexits: run JSON files (each with the kind's `need`), or one PROFILE
 * simulated by `simulate`. */
static int bars(Job *j, SimRunParts need, int (*simulate)(const PlotRuns *, GPtrArray *), GPtrArray *runs) {
  if (input(j) && sim_run_json_path(input(j))) {
    for (char **in = j->inputs; *in; in++) {
      g_autoptr(GError) err = NULL;
      SimPlotRun *run = sim_run_json_read(*in, need, &err);
      if (!run) return input_fail(err);
      g_ptr_array_add(runs, run);
    }
    return 0;
  }
  if (input(j) && j->inputs[1])
    return cli_fail("plot", "%s: one PROFILE, or run JSON files (.json)", sim_plot_kind_name(j->kind));
  PlotRuns pr = sim_of(j);
  return simulate(&pr, runs);
}

static int phases(Job *j, SimPlot **fig) {
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func((GDestroyNotify)sim_plot_run_free);
  int status = bars(j, SIM_RUN_PHASES, plot_runs_phases, runs);
  if (status) return status;
  *fig = sim_plot_phases((SimPlotRun *const *)runs->pdata, runs->len);
  return 0;
}

/* The whole boot by phase, one bar per run: run JSON files, or a profile at each --topology. */
static int boot(Job *j, SimPlot **fig) {
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func((GDestroyNotify)sim_plot_run_free);
  int status = bars(j, SIM_RUN_BOOT, plot_runs_boot, runs);
  if (status) return status;
  *fig = sim_plot_boot((SimPlotRun *const *)runs->pdata, runs->len);
  return 0;
}

/* Exits by type, one bar per run: run JSON files, or a profile run without HOTPLUG_PARALLEL,
 * with cpuhp.parallel=0 and with =1 (the arm64 RFC's three kernels). */
static int vmexits(Job *j, SimPlot **fig) {
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func((GDestroyNotify)sim_plot_run_free);
  int status = bars(j, SIM_RUN_EXITS, plot_runs_kernels, runs);
  if (status) return status;
  *fig = sim_plot_vmexits((SimPlotRun *const *)runs->pdata, runs->len);
  return 0;
}

/* ---- samples: scaling, cdf ---------------------------------------------------------------- */

/* The samples of the sweep rows in the INPUT file that pass --where, or simulated here; with
 * their SimPlotSampleInfo. */
static int samples(Job *j, gboolean scaling, char ***sizes, char **profile, GArray **out, SimPlotSampleInfo *info) {
  gboolean rows = input(j) && sim_rows_path(input(j)), by_topology = FALSE;
  if (rows) {
    if (scaling && j->reference)
      return cli_fail("plot", "--reference: needs a PROFILE input (sweep rows do not name their profile)");
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) table = sim_rows_read(input(j), profile, &err);
    if (!table || !(*out = sim_plot_samples_from_rows(table, input(j), j->where, j->metric, scaling, &err)))
      return input_fail(err);
  } else {
    PlotRuns pr = sim_of(j);
    int status = plot_runs_samples(&pr, scaling, sizes, &by_topology, profile, out);
    if (status) return status;
    if (j->reference && !by_topology)
      return cli_fail("plot", "--reference: measured boots are matched by topology; use --topology=SxCxT,...");
  }
  *info = (SimPlotSampleInfo){.metric = j->metric, .profile = *profile, .rows_path = rows ? input(j) : NULL,
                              .where = j->where, .seed = j->seed, .runs = j->runs,
                              .sizes_flag = by_topology ? "topology" : "cpus",
                              .sizes = by_topology ? j->f.topology : j->f.cpus};
  return 0;
}

static int scaling(Job *j, SimPlot **fig) {
  g_autoptr(GArray) s = NULL, measured = NULL;
  g_auto(GStrv) sizes = NULL;
  g_autofree char *profile = NULL;
  SimPlotSampleInfo info;
  int status = samples(j, TRUE, &sizes, &profile, &s, &info);
  if (status) return status;
  g_autoptr(GError) err = NULL;
  if (j->reference && !(measured = sim_measured_read(j->reference, profile, sizes, &err)))
    return cli_fail("plot", "--reference: %s", err->message);
  *fig = sim_plot_scaling(s, &info, measured);
  return 0;
}

static int cdf(Job *j, SimPlot **fig) {
  g_autoptr(GArray) s = NULL;
  g_autofree char *profile = NULL;
  SimPlotSampleInfo info;
  int status = samples(j, FALSE, NULL, &profile, &s, &info);
  if (status) return status;
  *fig = sim_plot_cdf(s, &info);
  return 0;
}

/* --size: column (3.33 in, a single column of IEEE and ACM papers), page (7 in, a full text
 * width), or W[xH] in inches or with a unit: 3.3in, 8.5x5.5cm. *h is 0 without H. */
static gboolean size_parse(const char *spec, double *w, double *h) {
  *h = 0;
  if (!strcmp(spec, "column") || !strcmp(spec, "page")) {
    *w = spec[0] == 'c' ? 3.33 : 7.0;
    return TRUE;
  }
  char *end;
  *w = g_ascii_strtod(spec, &end);
  if (end == spec || !g_ascii_isdigit(*spec)) return FALSE;
  if (*end == 'x') {
    const char *hs = end + 1;
    *h = g_ascii_strtod(hs, &end);
    if (end == hs || !g_ascii_isdigit(*hs) || *h <= 0) return FALSE;
  }
  double unit = !strcmp(end, "cm") ? 1 / 2.54 : !*end || !strcmp(end, "in") ? 1 : 0;
  *w *= unit;
  *h *= unit;
  return *w > 0 && *w <= 100 && *h <= 100; /* up to a poster */
}

static char *plots_dir(void) {
  const char *e = g_getenv("CPUHPSIM_PLOTS_DIR");
  if (e && *e) return g_strdup(e);
  g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
  g_autofree char *bin = exe ? g_path_get_dirname(exe) : NULL;
  if (bin && *CPUHPSIM_BUILD_DIR && g_str_equal(bin, CPUHPSIM_BUILD_DIR)) return g_strdup(CPUHPSIM_SOURCE_PLOTS);
  if (bin) {
    g_autofree char *dir = g_build_filename(bin, CPUHPSIM_INSTALL_PLOTS, NULL);
    g_autoptr(GFile) f = g_file_new_for_path(dir); /* resolves the ".." */
    return g_file_get_path(f);
  }
  return g_strdup(CPUHPSIM_SOURCE_PLOTS);
}

int cmd_plot(int argc, char **argv) {
  g_auto(Job) j = {0};
  GOptionEntry entries[] = {
      {"output", 'o', 0, G_OPTION_ARG_FILENAME, &j.output, "The figure (written whole or not at all); .png, .svg or .pdf", "FILE"},
      {"backend", 0, 0, G_OPTION_ARG_STRING, &j.backend, "gnuplot (default, fast) or matplotlib (publication, PDF with embedded fonts)", "NAME"},
      cli_option(CLI_OPT_PARALLEL, &j.f),
      cli_option_help(CLI_OPT_TOPOLOGY, &j.f, "Replace the profile's topology (scaling: a comma-separated list)"),
      cli_option_help(CLI_OPT_CPUS, &j.f, "Only the first N logical CPUs exist (scaling: a comma-separated list)"),
      cli_option(CLI_OPT_SET, &j.f),
      cli_option(CLI_OPT_CMDLINE, &j.f),
      cli_option(CLI_OPT_FIRST_SEED, &j.f),
      cli_option_help(CLI_OPT_POLICY, &j.f, "Ordering policy (repeatable for scaling, phases, cdf)"),
      cli_option_help(CLI_OPT_RUNS, &j.f, "Runs per point (scaling, default 5) or per policy (cdf, default 200)"),
      {"metric", 0, 0, G_OPTION_ARG_STRING, &j.metric_name, "scaling, cdf: bringup_ns (default), all_online_ns, bp_wait_ns, bp_busy_ns, ap_spin_ns", "KEY"},
      {"reference", 0, 0, G_OPTION_ARG_FILENAME, &j.reference, "scaling: measured bringup times to overlay (plots/data/*.tsv)", "FILE"},
      {"where", 0, 0, G_OPTION_ARG_STRING_ARRAY, &j.where, "Sweep rows: keep rows whose KEY is VALUE (repeatable)", "KEY=VALUE"},
      {"title", 0, 0, G_OPTION_ARG_STRING, &j.title, "Replace the figure's title", "TEXT"},
      {"size", 0, 0, G_OPTION_ARG_STRING, &j.size,
       "The figure's size on the page: column (3.33 in), page (7 in) or W[xH] in in (default) or cm, e.g. 3.3in, "
       "8.5x5.5cm; without H the kind's own aspect",
       "SPEC"},
      {"font-size", 0, 0, G_OPTION_ARG_STRING, &j.font_size,
       "Text size in points at that size (titles one larger, legends and ticks one smaller); default: the back end's",
       "PT"},
      {"data", 0, 0, G_OPTION_ARG_FILENAME, &j.data,
       "Also write the figure's tables and parameters to FILE (one TSV text: '# table NAME' blocks, '# KEY: VALUE' lines)",
       "FILE"},
      G_OPTION_ENTRY_NULL};
  g_autoptr(GOptionContext) ctx = g_option_context_new("KIND [INPUT...] -o FILE");
  g_option_context_set_summary(ctx,
      "Draw a figure with gnuplot (PNG, SVG) or matplotlib (PDF with embedded fonts, PNG, SVG).\n"
      "KIND: timeline  per-CPU Gantt chart of one run, coloured by bringup section\n"
      "      scaling   bringup time against CPU count, one line per policy (--cpus or --topology\n"
      "                lists), measured boots overlaid with --reference\n"
      "      phases    the control CPU's time by phase, stacked: cpuhp.parallel=0 against =1\n"
      "      cdf       Monte Carlo distribution (empirical CDF) per policy\n"
      "      vmexits   VM exits by type (count and host time) without HOTPLUG_PARALLEL, with\n"
      "                cpuhp.parallel=0 and =1: a profile with host.hypervisor, or run JSON files\n"
      "      boot      the whole boot by phase (VMM, kernel entry to smp_init, the window, to\n"
      "                /init), one bar per --topology (a comma-separated list): a profile with boot:\n"
      "INPUT: a profile (default: the embedded skl-2s-112t), simulated here; or for timeline,\n"
      "phases, vmexits and boot `cpuhpsim run --format=json` output (.json), for scaling and cdf `cpuhpsim sweep`\n"
      "rows (.jsonl or .csv). For a paper: --size=column --font-size=8 draws the figure at its size\n"
      "on the page with 8-point text; --data=FILE keeps its tables to restyle it elsewhere.\n"
      "Exit status: 0 ok, 1 the figure could not be made or written, 2 bad input or a missing\n"
      "plotting tool (the error names the Debian package).");
  g_option_context_add_main_entries(ctx, entries, NULL);
  cli_add_version(ctx);
  g_autoptr(GError) err = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &err)) return cli_fail("plot", "%s", err->message);
  if (argc < 2) return cli_fail("plot", "missing KIND (timeline, scaling, phases, cdf, vmexits, boot)");
  if (!sim_plot_kind_parse(argv[1], &j.kind)) return cli_fail("plot", "unknown KIND '%s' (timeline, scaling, phases, cdf, vmexits, boot)", argv[1]);
  if (argc > 3 && j.kind != SIM_PLOT_PHASES && j.kind != SIM_PLOT_VMEXITS && j.kind != SIM_PLOT_BOOT) return cli_fail("plot", "unexpected argument '%s' (one INPUT at most)", argv[3]);
  j.inputs = g_new0(char *, (gsize)argc);
  for (int i = 2; i < argc; i++) j.inputs[i - 2] = g_strdup(argv[i]);
  if (!j.output || !*j.output) return cli_fail("plot", "-o: give the figure's file name (.png, .svg or .pdf)");
  const char *dot = strrchr(j.output, '.');
  const char *ext = dot ? dot + 1 : "";
  if (strcmp(ext, "png") && strcmp(ext, "svg") && strcmp(ext, "pdf"))
    return cli_fail("plot", "-o: '%s': the name must end in .png, .svg or .pdf", j.output);
  const SimPlotBackend *backend = sim_plot_backend_find(j.backend ? j.backend : "gnuplot");
  if (!backend)
    return cli_fail("plot", "--backend: expected gnuplot or matplotlib, got '%s'", j.backend);
  j.metric = CPUHP_METRIC_BRINGUP;
  if (j.metric_name) {
    for (j.metric = 0; j.metric < CPUHP_METRIC_N && strcmp(j.metric_name, cpuhp_metric_key(j.metric)); j.metric++) {}
    if (j.metric == CPUHP_METRIC_N) return cli_fail("plot", "--metric: unknown '%s'", j.metric_name);
  }
  double width_in = 0, height_in = 0, font_pt = 0;
  if (j.size && !size_parse(j.size, &width_in, &height_in))
    return cli_fail("plot", "--size: expected column, page or W[xH] with in or cm (3.3in, 8.5x5.5cm), got '%s'", j.size);
  if (j.font_size) {
    char *end;
    font_pt = g_ascii_strtod(j.font_size, &end);
    if (*end || end == j.font_size || !(font_pt >= 4 && font_pt <= 72))
      return cli_fail("plot", "--font-size: expected points from 4 to 72, got '%s'", j.font_size);
  }
  if (j.data && !*j.data) return cli_fail("plot", "--data: give a file name");
  for (char **w = j.where; w && *w; w++)
    if (!strchr(*w, '=') || **w == '=') return cli_fail("plot", "--where: expected KEY=VALUE, got '%s'", *w);
  if (!j.f.runs) j.f.runs = g_strdup(j.kind == SIM_PLOT_CDF ? "200" : j.kind == SIM_PLOT_SCALING ? "5" : "1");
  const char *format;
  int status;
  if ((status = cli_common_values("plot", &j.f, "text", &j.seed, &j.runs, &format))) return status;
  if (j.runs > 1 && j.kind != SIM_PLOT_SCALING && j.kind != SIM_PLOT_CDF)
    return cli_fail("plot", "--runs: %s draws one run", sim_plot_kind_name(j.kind));
  if (j.kind != SIM_PLOT_SCALING) {
    if (j.f.cpus && strchr(j.f.cpus, ',') && j.kind != SIM_PLOT_CDF)
      return cli_fail("plot", "--cpus: one value for %s", sim_plot_kind_name(j.kind));
    if (j.f.topology && strchr(j.f.topology, ',') && j.kind != SIM_PLOT_CDF && j.kind != SIM_PLOT_BOOT)
      return cli_fail("plot", "--topology: one value for %s", sim_plot_kind_name(j.kind));
    if (j.reference) return cli_fail("plot", "--reference: only for scaling");
  }
  /* the tool first: no point simulating for a figure that cannot be drawn */
  g_autofree char *tool = sim_plot_backend_tool(backend, &err);
  if (!tool) return cli_fail("plot", "%s", err->message);
  g_autoptr(SimPlotter) plotter = sim_plotter_new(backend, tool, &err);
  if (!plotter) {
    fprintf(stderr, "cpuhpsim plot: %s\n", err->message);
    return 1;
  }
  static int (*const make[])(Job *, SimPlot **) = {
      [SIM_PLOT_TIMELINE] = timeline, [SIM_PLOT_SCALING] = scaling, [SIM_PLOT_PHASES] = phases,
      [SIM_PLOT_CDF] = cdf,           [SIM_PLOT_VMEXITS] = vmexits,   [SIM_PLOT_BOOT] = boot,
  };
  G_STATIC_ASSERT(G_N_ELEMENTS(make) == SIM_PLOT_N_KINDS);
  g_autoptr(SimPlot) fig = NULL;
  if ((status = make[j.kind](&j, &fig))) return status;
  if (j.title) sim_plot_set_title(fig, j.title);
  if (j.size) sim_plot_set_size(fig, width_in, height_in, j.font_size ? font_pt : 8); /* 8: both back ends' PDF text */
  if (j.font_size) sim_plot_set_font(fig, font_pt);
  g_autofree char *scripts = plots_dir();
  if (!sim_plotter_draw(plotter, fig, scripts, j.output, ext, &err)) {
    fprintf(stderr, "cpuhpsim plot: %s\n", err->message);
    return 1;
  }
  if (j.data && !sim_plot_write_data(fig, j.data, &err)) {
    fprintf(stderr, "cpuhpsim plot: --data: %s\n", err->message);
    return 1;
  }
  return 0;
}
