"""scaling.py — bringup time against CPU count, one line per policy, measured points overlaid."""
import os

from cpuhpplot import MARKERS, PALETTE, figsize, plt, save, setup, table, title
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

params, d, out, fmt = setup()
fig, ax = plt.subplots(figsize=figsize(params, (6.0, 3.9)))
handles = []  # legend in drawing order: simulated lines first, then the measured points
for i, name in enumerate(params["series"]):
    rows = table(os.path.join(d, "series_%d.tsv" % i))
    x = [r[0] for r in rows]
    y = [r[1] for r in rows]
    err = [[r[1] - r[2] for r in rows], [r[3] - r[1] for r in rows]]
    handles.append(ax.errorbar(x, y, yerr=err, color=PALETTE[i % len(PALETTE)], marker=MARKERS[i % len(MARKERS)], markersize=4,
                capsize=2, label=name))
for i, name in enumerate(params["refs"]):  # hollow black: measured; circle p0, triangle p1
    rows = table(os.path.join(d, "ref_%d.tsv" % i))
    handles += ax.plot([r[0] for r in rows], [r[1] for r in rows], linestyle="none", marker="o^"[i % 2], markersize=8,
            markerfacecolor="none", markeredgecolor="black", markeredgewidth=1.2, label=name)
plain = FuncFormatter(lambda v, _: "%g" % v)
if params["xlog"]:
    ax.set_xscale("log", base=2)
    ax.xaxis.set_major_formatter(plain)
if params["ylog"]:
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1, 2, 5)))
    ax.yaxis.set_major_formatter(plain)
    ax.yaxis.set_minor_formatter(NullFormatter())
ax.set_xlim(params["xmin"], params["xmax"])
ax.set_ylim(params["ymin"], params["ymax"])
ax.set_xlabel(params["xlabel"])
ax.set_ylabel(params["ylabel"])
title(ax, params)
ax.legend(handles=handles, loc="upper left")
save(fig, out, fmt)
