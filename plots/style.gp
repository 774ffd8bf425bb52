# style.gp — terminal, fonts and colours shared by the gnuplot figures (the fast path).
# `cpuhpsim plot` sets: plots (this folder), dir (the data), out (the figure), fmt (png|svg|pdf).
# A script may set width and height (pixels at 100 dpi) before loading this file.
if (!exists("width")) width = 1280
if (!exists("height")) height = 800
if (fmt eq 'png') {
  set terminal pngcairo size width, height font "DejaVu Sans,16" noenhanced linewidth 1.5
} else {
  if (fmt eq 'svg') {
    set terminal svg size width, height font "DejaVu Sans,16" noenhanced linewidth 1.5
  } else {
    set terminal pdfcairo size width / 100.0, height / 100.0 font "DejaVu Sans,16" noenhanced linewidth 1.5
  }
}
set output out
set encoding utf8
set datafile separator "\t"
set datafile commentschars "#"
set border 3 lw 1.2
set tics nomirror out
set grid back lc rgb "#d9d9d9" lw 1
set key noenhanced
# Okabe-Ito: distinguishable with the common colour-vision deficiencies, and in greyscale print
# the lines also differ by marker.
array pal[8] = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#999999", "#000000"]
