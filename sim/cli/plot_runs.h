/* plot_runs.h — the bringups and Monte Carlo samples that `cpuhpsim plot` simulates for a
 * figure, from the PROFILE input (or the embedded default) shaped by the command's flags.
 *
 * Contract: each returns 0 with its runs, or the exit status after printing a one-line error
 * (cli_fail: 2 for flags that do not fit the figure or a profile that does not run). Runs are
 * handed over as plot_data.h reads them, nothing is drawn here. */
#pragma once

#include <glib.h>

#include "models/kernel/montecarlo.h"
#include "sim/cli/cli.h"
#include "sim/output/plot_data.h"

typedef struct {
  CliFlags *f;         /* the shaping flags, --policy (samples fill in their default policies) */
  const char *profile; /* the PROFILE input; NULL: the embedded default */
  guint64 seed, runs;
  CpuhpMetric metric; /* what samples hold */
} PlotRuns;

/* One run of the one --policy (timeline). */
int plot_runs_one(const PlotRuns *pr, SimPlotRun **out);
/* The kernel policy with cpuhp.parallel=0 and =1; with --policy, those policies (phases). Adds
 * SimPlotRun to `runs`. */
int plot_runs_phases(const PlotRuns *pr, GPtrArray *runs);
/* The whole boot at every machine size of the --topology list (default: the profile's own), on a
 * profile with a boot: section (boot). Adds SimPlotRun to `runs`. */
int plot_runs_boot(const PlotRuns *pr, GPtrArray *runs);
/* The arm64 RFC's three kernels: without HOTPLUG_PARALLEL, with cpuhp.parallel=0 and =1, on a
 * profile with a hypervisor (vmexits). Adds SimPlotRun to `runs`. */
int plot_runs_kernels(const PlotRuns *pr, GPtrArray *runs);
/* --runs seeds from --seed per --policy (default: serial and kernel), the same seeds for every
 * policy (common random numbers, as compare); for `scaling` at every machine size of the
 * --cpus or --topology list (*sizes, *by_topology), else at the one size given. *profile is
 * the profile's name; *out the SimPlotSample. */
int plot_runs_samples(PlotRuns *pr, gboolean scaling, char ***sizes, gboolean *by_topology, char **profile, GArray **out);
