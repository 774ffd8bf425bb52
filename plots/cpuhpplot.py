"""cpuhpplot.py — what the matplotlib figures of cpuhpsim share (the publication path).

`cpuhpsim plot KIND --backend=matplotlib` runs `python3 plots/KIND.py DIR OUT FMT`: DIR holds
the data (TSV, computed by the simulator) and params.json (titles, labels, series names); the
scripts only draw. Matplotlib is used for plotting only; data are read with the standard
library. PDFs embed their fonts as TrueType (Type 42), and no date is written, so the same data
give the same file.
"""
import csv
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# Okabe-Ito, as in style.gp: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#999999", "#000000"]
MARKERS = ["o", "^", "s", "v", "D", "P"]
DASHES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1))]


def setup():
    """Command line and style; returns (params, data dir, output path, format)."""
    if len(sys.argv) != 4:
        sys.exit("usage: %s DIR OUT FMT (run by `cpuhpsim plot`)" % sys.argv[0])
    data_dir, out, fmt = sys.argv[1:4]
    with open(os.path.join(data_dir, "params.json"), encoding="utf-8") as f:
        params = json.load(f)
    plt.rcParams.update({
        "pdf.fonttype": 42,          # TrueType, embedded: what publishers ask for
        "ps.fonttype": 42,
        "svg.fonttype": "path",
        "svg.hashsalt": "cpuhpsim",  # stable ids in SVG output
        "font.family": "DejaVu Sans",
        "font.size": 8,
        "axes.titlesize": 9,
        "axes.labelsize": 8,
        "legend.fontsize": 7,
        "xtick.labelsize": 7,
        "ytick.labelsize": 7,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.color": "#d9d9d9",
        "grid.linewidth": 0.5,
        "axes.axisbelow": True,
        "lines.linewidth": 1.4,
        "savefig.dpi": 200,
    })
    return params, data_dir, out, fmt


def table(path):
    """Rows of a TSV data file as lists of floats ('#' lines are comments)."""
    with open(path, encoding="utf-8") as f:
        return [[float(x) for x in row] for row in csv.reader(f, delimiter="\t") if row and not row[0].startswith("#")]


def title(ax_or_fig, params):
    text = params["title"] + "\n" + params["subtitle"]
    if hasattr(ax_or_fig, "suptitle"):
        ax_or_fig.suptitle(text, fontsize=9)
    else:
        ax_or_fig.set_title(text)


def save(fig, out, fmt):
    meta = {"pdf": {"Creator": "cpuhpsim plot", "Producer": None, "CreationDate": None},
            "svg": {"Creator": "cpuhpsim plot", "Date": None},
            "png": {"Software": "cpuhpsim plot (matplotlib)"}}[fmt]
    fig.savefig(out, format=fmt, metadata=meta, bbox_inches="tight")
