# timeline.gp — per-CPU Gantt chart of one bringup: one row per AP, coloured by section.
# Data: segments.tsv (cpu, section, start_ms, end_ms); params.gp: title, subtitle, xlabel,
# ylabel, sections[], ncpus, bringup_ms.
load dir . "/params.gp"
height = ncpus > 48 ? 1000 : 800
load plots . "/style.gp"
notefont = small(13)
set title title . "\n" . subtitle
set xlabel xlabel
set ylabel ylabel
set yrange [ncpus - 0.5 : 0.5]
set ytics 8 out
set mytics 1
if (ncpus <= 24) set ytics 1
set xrange [0 : *]
set grid xtics noytics
set style fill solid 1.0 noborder
set key outside bottom center horizontal Left reverse maxrows 2 samplen 1.5 width 2 height 1
set arrow 1 from bringup_ms, graph 0 to bringup_ms, graph 1 nohead dt 2 lw 1.5 lc rgb "black" front
set style textbox opaque noborder margins 1, 1
set label 1 sprintf("smp: Brought up (%.2f ms)", bringup_ms) at bringup_ms, graph 0.5 center rotate by 90 offset -1, 0 font notefont front boxed
plot for [s = 0 : sections_n - 1] dir . "/segments.tsv" \
       using ((column(2) == s) ? ($3 + $4) / 2 : NaN) : 1 : (($4 - $3) / 2) : (0.42) \
       with boxxyerror lc rgb pal[s + 1] title sections[s + 1]
