"""timeline.py — per-CPU Gantt chart of one bringup, coloured by section (see timeline.gp)."""
import os

from cpuhpplot import PALETTE, columns, figsize, plt, save, setup, small, table, title

params, d, out, fmt = setup()
n = int(params["ncpus"])
fig, ax = plt.subplots(figsize=figsize(params, (7.0, 6.2 if n > 48 else 4.5)))
segs = table(os.path.join(d, "segments.tsv"))
for s, name in enumerate(params["sections"]):
    bars = [(r[2], r[3] - r[2], r[0]) for r in segs if int(r[1]) == s]
    if not bars:  # keep the legend complete: a section may be empty in this run
        ax.barh([], [], color=PALETTE[s], label=name)
        continue
    ax.barh([b[2] for b in bars], [b[1] for b in bars], left=[b[0] for b in bars], height=0.84,
            color=PALETTE[s], linewidth=0, label=name)
ax.axvline(params["bringup_ms"], color="black", linestyle="--", linewidth=0.9)
ax.annotate("smp: Brought up (%.2f ms)" % params["bringup_ms"], (params["bringup_ms"], 0.5),
            xycoords=("data", "axes fraction"), xytext=(-3, 0), textcoords="offset points", rotation=90,
            ha="right", va="center", fontsize=small(), bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none"})
ax.set_ylim(n - 0.5, 0.5)
ax.set_xlim(left=0)
ax.yaxis.grid(False)
ax.set_xlabel(params["xlabel"])
ax.set_ylabel(params["ylabel"])
title(ax, params)
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.09), ncol=columns(params, 3), frameon=False)
save(fig, out, fmt)
