# scaling.gp — bringup time against CPU count, one line per policy (mean, bars min..max), and
# measured points where a reference exists (hollow black: circle = cpuhp.parallel=0, triangle
# = 1, the shapes of the serial and kernel lines).
# Data: series_I.tsv (cpus, mean_ms, min_ms, max_ms, runs), ref_I.tsv (cpus, measured_ms);
# params.gp: title, subtitle, xlabel, ylabel, series[], refs[], xlog, ylog, xmin..ymax.
load dir . "/params.gp"
load plots . "/style.gp"
set title title . "\n" . subtitle
set xlabel xlabel
set ylabel ylabel
if (xlog) { set logscale x 2 }
# log axes: 1-2-5 tics, a decade alone gives too few labels for a paper
if (ylog) { set logscale y 10; set format y "%g"; do for [e = -3 : 6] { set ytics add (10.0**e, 2 * 10.0**e, 5 * 10.0**e) } }
set xrange [xmin : xmax]
set yrange [ymin : ymax]
set key top left Left reverse box opaque samplen 2 spacing 1.2 width 1
array simpt[6] = [7, 9, 5, 11, 13, 15]
array refpt[2] = [6, 8]
plot for [i = 1 : series_n] sprintf("%s/series_%d.tsv", dir, i - 1) using 1:2:3:4 \
       with yerrorlines lw 2.5 pt simpt[(i - 1) % 6 + 1] ps 1.5 lc rgb pal[i] title series[i], \
     for [i = 1 : refs_n] sprintf("%s/ref_%d.tsv", dir, i - 1) using 1:2 \
       with points pt refpt[(i - 1) % 2 + 1] ps 3 lw 2.5 lc rgb "black" title refs[i]
