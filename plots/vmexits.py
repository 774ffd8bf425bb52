"""vmexits.py — VM exits by type in the bringup window, grouped bars per run: counts, host time."""
import csv
import os

from cpuhpplot import PALETTE, columns, figsize, plt, save, setup, title

params, d, out, fmt = setup()


def rows(name):
    """(exit names, per-bar value lists) of a TSV whose first column is the exit's name."""
    with open(os.path.join(d, name), encoding="utf-8") as f:
        data = [r for r in csv.reader(f, delimiter="\t") if r and not r[0].startswith("#")]
    return [r[0] for r in data], [[float(r[1 + b]) for r in data] for b in range(len(params["bars"]))]


exits, counts = rows("vmexits_count.tsv")
_, times = rows("vmexits_time.tsv")
fig, (left, right) = plt.subplots(1, 2, figsize=figsize(params, (7.0, 3.6)))
n = len(params["bars"])
width = 0.8 / n
# both on log scales: a contended run's IRQ exits carry seconds of waiting, a hypercall microseconds
for ax, series, label in ((left, counts, params["ylabel"]), (right, times, params["ylabel2"])):
    for b, values in enumerate(series):
        x = [i - 0.4 + width * (b + 0.5) for i in range(len(exits))]
        ax.bar(x, [v if v > 0 else float("nan") for v in values], width, color=PALETTE[b],
               edgecolor="white", linewidth=0.5, label=params["bars"][b])
    ax.set_xticks(range(len(exits)), exits, rotation=30, ha="right")
    ax.xaxis.grid(False)
    ax.set_yscale("log")
    ax.set_ylabel(label)
title(fig, params)
handles, names = left.get_legend_handles_labels()
fig.legend(handles, names, loc="lower center", ncol=columns(params, min(n, 3)), frameon=False, bbox_to_anchor=(0.5, -0.08))
fig.tight_layout()
save(fig, out, fmt)
