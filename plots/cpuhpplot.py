"""cpuhpplot.py — what the matplotlib figures of cpuhpsim share (the publication path).

`cpuhpsim plot KIND --backend=matplotlib` runs `python3 plots/KIND.py DIR OUT FMT`: DIR holds
the data (TSV, computed by the simulator) and params.json (titles, labels, series names); the
scripts only draw. Matplotlib is used for plotting only; data are read with the standard
library. PDFs embed their fonts as TrueType (Type 42), and no date is written, so the same data
give the same file.

With --size, params.json has width_in and height_in: the figure is exactly that big (no tight
bounding box that would change it); with --font-size, font_pt: text in points, titles one point
larger, legends and ticks one point smaller. Without them the figure is drawn as it always was.
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

_params = {}  # the figure's parameters, for save()


def setup():
    """Command line and style; returns (params, data dir, output path, format)."""
    if len(sys.argv) != 4:
        sys.exit("usage: %s DIR OUT FMT (run by `cpuhpsim plot`)" % sys.argv[0])
    data_dir, out, fmt = sys.argv[1:4]
    with open(os.path.join(data_dir, "params.json"), encoding="utf-8") as f:
        params = json.load(f)
    _params.update(params)
    pt = params.get("font_pt", 8)
    plt.rcParams.update({
        "pdf.fonttype": 42,          # TrueType, embedded: what publishers ask for
        "ps.fonttype": 42,
        "svg.fonttype": "path",
        "svg.hashsalt": "cpuhpsim",  # stable ids in SVG output
        "font.family": "DejaVu Sans",
        "font.size": pt,
        "axes.titlesize": pt + 1,
        "axes.labelsize": pt,
        "legend.fontsize": pt - 1,
        "xtick.labelsize": pt - 1,
        "ytick.labelsize": pt - 1,
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


def figsize(params, default):
    """The figure's size in inches: --size's, else the script's own `default` (width, height)."""
    if "width_in" in params:
        return (params["width_in"], params["height_in"])
    return default


def columns(params, default):
    """A legend's columns: the script's own, fewer in a narrow --size (about 1.7 in a column)."""
    if "width_in" in params:
        return max(1, min(default, int(params["width_in"] / 1.7)))
    return default


def small():
    """The size of small text (notes beside bars and lines): that of legends and ticks."""
    return plt.rcParams["legend.fontsize"]


def table(path):
    """Rows of a TSV data file as lists of floats ('#' lines are comments)."""
    with open(path, encoding="utf-8") as f:
        return [[float(x) for x in row] for row in csv.reader(f, delimiter="\t") if row and not row[0].startswith("#")]


def title(ax_or_fig, params):
    text = params["title"] + "\n" + params["subtitle"]
    if hasattr(ax_or_fig, "suptitle"):
        ax_or_fig.suptitle(text, fontsize=plt.rcParams["axes.titlesize"])
    else:
        ax_or_fig.set_title(text)


def save(fig, out, fmt):
    meta = {"pdf": {"Creator": "cpuhpsim plot", "Producer": None, "CreationDate": None},
            "svg": {"Creator": "cpuhpsim plot", "Date": None},
            "png": {"Software": "cpuhpsim plot (matplotlib)"}}[fmt]
    if "width_in" not in _params:
        fig.savefig(out, format=fmt, metadata=meta, bbox_inches="tight")
        return
    # --size: the page is the size asked for, so the layout must fit inside it; a legend of the
    # whole figure goes at its foot, and the panels share what is left above it
    fig.set_size_inches(_params["width_in"], _params["height_in"])
    foot = 0.0
    for legend in fig.legends:
        legend.set_bbox_to_anchor((0.5, 0.0), transform=fig.transFigure)
        fig.canvas.draw()
        foot = max(foot, legend.get_window_extent().height / fig.bbox.height)
    # tight_layout leaves out a legend hung below the axes: shrink the layout's box by what
    # still sticks out of the page, a few times
    left, bottom, right, top = 0.0, foot, 1.0, 1.0
    width, height = _params["width_in"], _params["height_in"]
    for _ in range(4):
        fig.tight_layout(pad=0.3, rect=(left, bottom, right, top))
        fig.canvas.draw()
        for ax in fig.axes:  # a legend hung below the axes goes under the x label, not over it
            legend = ax.get_legend()
            if legend and legend.get_bbox_to_anchor().y0 < ax.bbox.y0:
                label = ax.xaxis.label.get_window_extent().y0
                y = ax.transAxes.inverted().transform((0, label))[1]
                legend.set_bbox_to_anchor((0.5, y - 0.02), transform=ax.transAxes)
        fig.canvas.draw()
        box = fig.get_tightbbox(fig.canvas.get_renderer())
        out_l, out_b = max(0.0, -box.x0) / width, max(0.0, -box.y0) / height
        out_r, out_t = max(0.0, box.x1 - width) / width, max(0.0, box.y1 - height) / height
        if max(out_l, out_b, out_r, out_t) < 0.005 or bottom + out_b >= top - out_t - 0.2:
            break
        left, bottom, right, top = left + out_l, bottom + out_b, right - out_r, top - out_t
    fig.savefig(out, format=fmt, metadata=meta)
