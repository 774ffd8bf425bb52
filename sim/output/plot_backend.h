/* plot_backend.h — drawing a SimPlot (plot_data.h) with the scripts of plots/: its tables as TSV
 * files and its parameters in the script's own syntax go into a temporary folder, then the
 * back end's program runs plots/KIND.gp (gnuplot) or plots/KIND.py (matplotlib) on it.
 *
 * Contract: the back ends are one table (program, script suffix, parameter writer); both get
 * the same TSV bytes, so they draw the same data, and a script never needs the simulator. A
 * script runs without network or user config and with fixed dates (MPLBACKEND=Agg,
 * SOURCE_DATE_EPOCH=0), so the same data give the same figure. The figure reaches `output`
 * whole or not at all (temp file + rename); the temporary folder is removed in any case.
 * Failures are one-line GErrors. */
#pragma once

#include <glib.h>

#include "sim/output/plot_data.h"

typedef struct SimPlotBackend SimPlotBackend;

/* The back end called `name` (gnuplot, matplotlib), or NULL. */
const SimPlotBackend *sim_plot_backend_find(const char *name);
/* The program that draws (gnuplot; a python3 that imports matplotlib), or NULL with an error
 * naming the Debian package to install. */
char *sim_plot_backend_tool(const SimPlotBackend *b, GError **error);

/* A figure being drawn by back end `b` with program `tool`: the temporary folder of its data,
 * made by _new (before any simulating, so that a folder that cannot be made is said first) and
 * removed with what was written into it by _free. */
typedef struct SimPlotter SimPlotter;

SimPlotter *sim_plotter_new(const SimPlotBackend *b, const char *tool, GError **error);
void sim_plotter_free(SimPlotter *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimPlotter, sim_plotter_free)
/* Draws `fig` with the scripts in `plots_dir` into `output`, in format `fmt` (png, svg or pdf). */
gboolean sim_plotter_draw(SimPlotter *s, const SimPlot *fig, const char *plots_dir, const char *output, const char *fmt,
                          GError **error);
/* The figure's data as one TSV text (--data), so that it can be drawn again elsewhere: first
 * "# KEY: VALUE" lines, the kind and then its parameters in the scripts' order (a list's items
 * separated by tabs), then each table as a "# table NAME" line followed by the very TSV the
 * scripts read. Written to `path` (- is stdout) whole or not at all. */
gboolean sim_plot_write_data(const SimPlot *fig, const char *path, GError **error);
