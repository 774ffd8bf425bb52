/* plot_data.h — what a figure of `cpuhpsim plot` shows, as data: the reducers that turn runs
 * (simulated here or read back from run JSON) and Monte Carlo samples (simulated here or read
 * back from sweep rows) into typed tables and labelled parameters.
 *
 * Contract: the reducers compute every number and every label a figure shows (segments, means,
 * ranges, CDF steps, titles); they do no I/O, and they know no back end: plot_backend.h writes a
 * SimPlot out for the scripts of plots/, the same tables for gnuplot and matplotlib. Input that
 * cannot be drawn (a sweep row without the metric, --where keeping nothing) is a GError whose
 * message names the file. */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "models/kernel/montecarlo.h"
#include "models/kernel/result.h"

/* A figure's kind; its name is also the name of its scripts (plots/KIND.gp, plots/KIND.py). */
typedef enum {
  SIM_PLOT_TIMELINE, SIM_PLOT_SCALING, SIM_PLOT_PHASES, SIM_PLOT_CDF, SIM_PLOT_VMEXITS, SIM_PLOT_BOOT, SIM_PLOT_N_KINDS
} SimPlotKind;

const char *sim_plot_kind_name(SimPlotKind k);
/* FALSE when `name` is no kind. */
gboolean sim_plot_kind_parse(const char *name, SimPlotKind *out);

/* ---- a figure: tables and parameters ------------------------------------------------------ */

typedef enum {
  SIM_PLOT_UINT, /* a count or an index */
  SIM_PLOT_MS,   /* a time held in ns, drawn in ms: written exactly, with 6 decimals */
  SIM_PLOT_REAL, /* a real, written with 6 decimals */
  SIM_PLOT_NUM,  /* a real, written as short as %g writes it (an axis position) */
  SIM_PLOT_TEXT, /* written as it is */
} SimPlotCellType;

typedef struct {
  SimPlotCellType type;
  union {
    guint64 uint;
    int64_t ns;
    double real; /* REAL and NUM */
    char *text;
  } v;
} SimPlotCell;

/* One data file of a figure: named columns, rows of typed cells. */
typedef struct {
  char *name;         /* what the script reads, less ".tsv" (segments, series_0, ...) */
  GPtrArray *columns; /* char*: the columns' names */
  GArray *cells;      /* SimPlotCell, row after row: columns->len cells a row */
} SimPlotTable;

/* A label or setting of a figure: a text, a number, or a list of texts. */
typedef struct {
  char *key;
  char *text;      /* a text, or NULL */
  double num;      /* when text and list are NULL */
  GPtrArray *list; /* char*: a list of texts, or NULL */
} SimPlotParam;

typedef struct {
  SimPlotKind kind;
  GPtrArray *tables; /* SimPlotTable*, in the order they were made */
  GPtrArray *params; /* SimPlotParam*, in the order the scripts list them */
} SimPlot;

void sim_plot_free(SimPlot *fig);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimPlot, sim_plot_free)
/* Replaces the figure's title (--title), where it stands among the parameters. */
void sim_plot_set_title(SimPlot *fig, const char *title);
/* The figure's physical size (--size): parameters width_in and height_in, added after the
 * others; `height_in` <= 0 takes the kind's own aspect at that width. The title and subtitle
 * are broken into lines that fit that width with text of `text_pt` points. */
void sim_plot_set_size(SimPlot *fig, double width_in, double height_in, double text_pt);
/* The text's size in points on the page (--font-size): parameter font_pt. Without these two
 * calls a figure has neither parameter, and the scripts draw it at their own size and fonts. */
void sim_plot_set_font(SimPlot *fig, double pt);

/* ---- runs: timeline, phases, vmexits ------------------------------------------------------ */

/* up_start, kick, running, alive, release, online_idle, online: the bounds of the sections */
#define SIM_PLOT_N_MARKS 7

typedef struct {
  guint cpu;
  int64_t mark[SIM_PLOT_N_MARKS]; /* ns; -1: never happened, or not known */
} SimPlotCpu;

/* One bringup as the figures read it, from a CpuhpResult or a run JSON file (rows_read.h). */
typedef struct {
  char *file;                        /* the run JSON it was read from; NULL: simulated here */
  char *label;                       /* its bar (phases, vmexits); NULL: the kind's default */
  char *profile, *policy, *topology; /* NULL when a file does not say */
  gboolean parallel, smt_first;
  int64_t bringup_ns; /* -1 when a file does not say */
  guint64 seed;
  guint n_cpus;
  GArray *cpus; /* SimPlotCpu, or NULL when not known */
  int64_t bp_phase_ns[CPUHP_BP_N_PHASES];
  guint64 exits[CPUHP_EXIT_N];
  int64_t exit_ns[CPUHP_EXIT_N];
  int64_t boot_ns[4]; /* the whole boot: VMM, before smp_init, the window, after it; [0] -1: none */
} SimPlotRun;

SimPlotRun *sim_plot_run_new(void);
SimPlotRun *sim_plot_run_from_result(const CpuhpResult *r);
void sim_plot_run_free(SimPlotRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimPlotRun, sim_plot_run_free)
/* The key of a control-CPU phase in run JSON (bp_phases_ns) and in the phases table. */
const char *sim_plot_phase_key(CpuhpBpPhase ph);

/* Per-CPU Gantt chart of one run, by bringup section (the BP's own row left out). */
SimPlot *sim_plot_timeline(const SimPlotRun *run);
/* The control CPU's time by phase, one bar a run. Runs read from files are titled by their
 * profile; runs simulated here by the first one's profile, CPUs and seed. */
SimPlot *sim_plot_phases(SimPlotRun *const *runs, guint n);
/* The whole boot by phase (VMM, kernel entry to smp_init, the window, to /init), one bar a run:
 * the phases figure's layout and scripts with the boot's four phases. */
SimPlot *sim_plot_boot(SimPlotRun *const *runs, guint n);
/* VM exits by type, count and host time, one bar a run (a file's bar: its kernel setting). */
SimPlot *sim_plot_vmexits(SimPlotRun *const *runs, guint n);

/* ---- samples: scaling, cdf ---------------------------------------------------------------- */

typedef struct {
  char *series; /* the series it belongs to */
  double x;     /* logical CPUs */
  int64_t value;
} SimPlotSample;

GArray *sim_plot_samples_new(void);
void sim_plot_samples_add(GArray *samples, const char *series, double x, int64_t value);
/* The samples of sweep `rows` (GHashTable of key -> text, rows_read.h) read from `path` that
 * pass every KEY=VALUE of `where`; a sample's series is its policy and the other axis values
 * that vary among those rows, policy first, then by key (with `scaling`, the machine size is
 * the x axis, not a series). */
GArray *sim_plot_samples_from_rows(GPtrArray *rows, const char *path, char **where, CpuhpMetric metric,
                                   gboolean scaling, GError **error);
/* A policy's series name: its spec, with the kernel's choices for "kernel". */
char *sim_plot_policy_label(const char *spec, gboolean parallel, gboolean smt_first);

/* Where samples came from, for the labels. */
typedef struct {
  CpuhpMetric metric;
  const char *profile;    /* what they are of */
  const char *rows_path;  /* sweep rows; NULL: simulated here */
  char **where;           /* rows: the --where that kept them */
  guint64 seed, runs;     /* simulated: the first seed, runs per point */
  const char *sizes_flag; /* simulated scaling: "cpus" or "topology", */
  const char *sizes;      /* and the sizes given */
} SimPlotSampleInfo;

/* A measured boot (plots/data): bringup time at a machine size, with cpuhp.parallel=0 or 1. */
typedef struct {
  guint parallel;
  guint cpus;
  char *ms_text; /* as the file writes it */
  double ms;
} SimPlotMeasured;

/* The metric against CPU count: mean, min and max per series and size, the `measured` boots
 * (SimPlotMeasured, or NULL) overlaid. */
SimPlot *sim_plot_scaling(const GArray *samples, const SimPlotSampleInfo *info, const GArray *measured);
/* The empirical CDF of the metric per series. */
SimPlot *sim_plot_cdf(const GArray *samples, const SimPlotSampleInfo *info);
