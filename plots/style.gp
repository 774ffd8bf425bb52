# style.gp — terminal, fonts and colours shared by the gnuplot figures (the fast path).
# `cpuhpsim plot` sets: plots (this folder), dir (the data), out (the figure), fmt (png|svg|pdf).
# A script may set width and height (pixels at 100 dpi) before loading this file. With --size
# the figure's own width_in and height_in (inches) win over the script's; with --font-size,
# font_pt is the text's size in points on the page (PNG and SVG: 100 dpi, 72 points an inch).
# Neither is set without those options, and the figure is then drawn as it always was.
if (exists("width_in")) { width = width_in * 100.0; height = height_in * 100.0 }
if (!exists("width")) width = 1280
if (!exists("height")) height = 800
# a size in points as this terminal counts it: SVG in pixels (100 an inch); the cairo terminals
# in points at 96 dpi, pdfcairo also halving them (fontscale 0.5) unless told otherwise
pt(p) = fmt eq 'pdf' ? p * 0.75 : fmt eq 'png' ? p * 0.75 * 100.0 / 72 : p * 100.0 / 72
termfont = exists("font_pt") ? sprintf("DejaVu Sans,%g", pt(font_pt)) : "DejaVu Sans,16"
pdfscale = exists("font_pt") ? 1.0 : 0.5
# the font of small text (tick labels under bars, notes): a script's own size, or PT-1
small(n) = exists("font_pt") ? sprintf(",%g", pt(font_pt - 1)) : sprintf(",%d", n)
if (fmt eq 'png') {
  set terminal pngcairo size width, height font termfont noenhanced linewidth 1.5
} else {
  if (fmt eq 'svg') {
    set terminal svg size width, height font termfont noenhanced linewidth 1.5
  } else {
    set terminal pdfcairo size width / 100.0, height / 100.0 font termfont fontscale pdfscale noenhanced linewidth 1.5
  }
}
# titles one point larger
bigfont = exists("font_pt") ? sprintf(",%g", pt(font_pt + 1)) : ""
if (exists("font_pt")) { set title font bigfont }
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
