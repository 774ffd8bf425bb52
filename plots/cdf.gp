# cdf.gp — Monte Carlo distribution per policy: empirical CDF steps.
# Data: cdf_I.tsv (value_ms, fraction at or below; first row the minimum at 0); params.gp:
# title, subtitle, xlabel, ylabel, series[], xlog.
load dir . "/params.gp"
load plots . "/style.gp"
set title title . "\n" . subtitle
set xlabel xlabel
set ylabel ylabel
set yrange [0 : 1.02]
ystep = !exists("height_in") ? 0.1 : height_in < 3.5 ? 0.25 : 0.1  # a small figure: fewer labels
set ytics ystep
if (xlog) { set logscale x 10; set format x "%g"; do for [e = -3 : 6] { set xtics add (10.0**e, 2 * 10.0**e, 5 * 10.0**e) } }
set xrange [xmin : xmax]
set key outside bottom center horizontal Left reverse samplen 2 spacing 1.2 width 2 height 1
array dts[5] = [1, 2, 4, 5, 3]
plot for [i = 1 : series_n] sprintf("%s/cdf_%d.tsv", dir, i - 1) using 1:2 \
       with steps lw 3 dt dts[(i - 1) % 5 + 1] lc rgb pal[i] title series[i]
