"""cdf.py — Monte Carlo distribution per policy: empirical CDF steps (see cdf.gp)."""
import os

from cpuhpplot import DASHES, PALETTE, columns, figsize, plt, save, setup, table, title
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

params, d, out, fmt = setup()
fig, ax = plt.subplots(figsize=figsize(params, (6.0, 3.9)))
for i, name in enumerate(params["series"]):
    rows = table(os.path.join(d, "cdf_%d.tsv" % i))
    ax.step([r[0] for r in rows], [r[1] for r in rows], where="post", color=PALETTE[i % len(PALETTE)],
            linestyle=DASHES[i % len(DASHES)], linewidth=1.8, label=name)
if params["xlog"]:
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1, 2, 5)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: "%g" % v))
    ax.xaxis.set_minor_formatter(NullFormatter())
ax.set_xlim(params["xmin"], params["xmax"])
ax.set_ylim(0, 1.02)
ax.set_xlabel(params["xlabel"])
ax.set_ylabel(params["ylabel"])
title(ax, params)
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=columns(params, 4), frameon=False)
save(fig, out, fmt)
