"""phases.py — time by phase, stacked bars: ms and share of the total (the control CPU's phases,
or the whole boot's: boot.py)."""
import os

from cpuhpplot import PALETTE, columns, figsize, plt, save, setup, small, table, title

params, d, out, fmt = setup()
rows = table(os.path.join(d, "phases.tsv"))
labels = ["%s\n%s" % (b, m) for b, m in zip(params["bars"], params["modes"])]
fig, (left, right) = plt.subplots(1, 2, figsize=figsize(params, (7.0, 3.8)))
x = list(range(len(rows)))
tot = len(params["phases"]) + 1
for ax, share in ((left, False), (right, True)):
    bottom = [0.0] * len(rows)
    for k, name in enumerate(params["phases"]):
        h = [(100 * r[1 + k] / r[tot] if r[tot] > 0 else 0) if share else r[1 + k] for r in rows]
        ax.bar(x, h, 0.55, bottom=bottom, color=PALETTE[k], edgecolor="white", linewidth=0.5, label=name)
        bottom = [b + v for b, v in zip(bottom, h)]
    ax.set_xticks(x, labels)
    ax.xaxis.grid(False)
    ax.set_ylabel(params["ylabel2"] if share else params["ylabel"])
    if share:
        ax.set_ylim(0, 100)
    else:
        for xi, r in zip(x, rows):
            ax.annotate("%.1f ms" % r[tot], (xi, r[tot]), xytext=(0, 2), textcoords="offset points", ha="center",
                        va="bottom", fontsize=small())
        ax.set_ylim(0, max(r[tot] for r in rows) * 1.1)
title(fig, params)
handles, names = left.get_legend_handles_labels()
fig.legend(handles, names, loc="lower center", ncol=columns(params, 4), frameon=False, bbox_to_anchor=(0.5, -0.1))
fig.tight_layout()
save(fig, out, fmt)
