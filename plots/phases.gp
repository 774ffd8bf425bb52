# phases.gp — time by phase, stacked, one bar per run: in ms (left) and as a share of the total
# (right), one legend under both. The control CPU's phases, or the whole boot's (boot.gp).
# Data: phases.tsv (bar, phases_n phases in ms, the total); params.gp: title, subtitle, ylabel,
# ylabel2, phases[], bars[] and modes[] (the two lines of each bar's label).
load dir . "/params.gp"
height = 860
load plots . "/style.gp"
barfont = small(14)
set style data histograms
set style histogram rowstacked
set style fill solid 1.0 border lc rgb "white"
set boxwidth 0.55
set grid ytics noxtics
set xtics scale 0 font barfont
set xrange [-0.6 : bars_n - 0.4]
set yrange [0 : *]
unset key
dummy = layout(phases_n, 0.24, 0.70, 0.22)
set multiplot title title . "\n" . subtitle font bigfont
label(i) = bars[i] . "\n" . modes[i]
set size 0.5, panel_h
set origin 0.0, panel_y
set ylabel ylabel
tot = phases_n + 2
plot for [k = 2 : phases_n + 1] dir . "/phases.tsv" using k : xtic(label(int($1) + 1)) lc rgb pal[k - 1] notitle, \
     dir . "/phases.tsv" using 1 : tot : (sprintf("%.1f ms", column(tot))) with labels offset 0, 0.8 font barfont notitle
set origin 0.5, panel_y
set ylabel ylabel2
set yrange [0 : 100]
plot for [k = 2 : phases_n + 1] dir . "/phases.tsv" using (100 * column(k) / column(tot)) : xtic(label(int($1) + 1)) lc rgb pal[k - 1] notitle
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
plot for [k = 1 : phases_n] NaN with boxes fs solid 1.0 lc rgb pal[k] title phases[k]
unset multiplot
