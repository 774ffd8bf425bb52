# vmexits.gp — VM exits by type in the bringup window, one bar per run (kernel setting): counts
# (left) and the host time in them (right), both on log scales (a contended run's IRQ exits
# carry seconds of waiting, a hypercall tens of microseconds), one legend under both.
# Data: vmexits_count.tsv, vmexits_time.tsv (exit name, one column per bar); params.gp: title,
# subtitle, ylabel, ylabel2, bars[].
load dir . "/params.gp"
height = 860
load plots . "/style.gp"
tickfont = small(12)
set style data histograms
set style histogram clustered gap 1
set style fill solid 1.0 border lc rgb "white"
set grid ytics noxtics
set xtics scale 0 font tickfont rotate by 30 right
unset key
dummy = layout(bars_n, 0.22, 0.72, 0.2)
set multiplot title title . "\n" . subtitle font bigfont
set size 0.5, panel_h
set origin 0.0, panel_y
set ylabel ylabel
set logscale y
set yrange [0.8 : *]
plot for [k = 1 : bars_n] dir . "/vmexits_count.tsv" using (column(k + 1) > 0 ? column(k + 1) : NaN) : xtic(1) lc rgb pal[k] notitle
set origin 0.5, panel_y
set ylabel ylabel2
set yrange [* : *]
plot for [k = 1 : bars_n] dir . "/vmexits_time.tsv" using (column(k + 1) > 0 ? column(k + 1) : NaN) : xtic(1) lc rgb pal[k] notitle
unset logscale y
# the legend alone, under both panels
set size 1, key_h
set origin 0, 0
unset border
unset tics
unset xlabel
unset ylabel
unset grid
unset title
set yrange [0 : 1]
set xrange [0 : 1]
set key center center horizontal Left reverse maxrows key_rows samplen 1.5 width 2
plot for [k = 1 : bars_n] NaN with boxes fs solid 1.0 lc rgb pal[k] title bars[k]
unset multiplot
