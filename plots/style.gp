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
# The layout of the two-panel figures (phases, vmexits): the panels from panel_y up, panel_h
# high, the legend under them in key_h with key_rows rows. `layout(entries, y, h, kh)` keeps a
# script's own fractions, or with --size fits the title's lines and the legend's rows at the
# text's size into the page.
key_rows = 3
layout(n, y, h, kh) = exists("width_in") ? sized_layout(n) : (panel_y = y, panel_h = h, key_h = kh, 0)
textpt = exists("font_pt") ? font_pt : 8
title_lines(t) = 1 + (strstrt(t, "\n") ? title_lines(t[strstrt(t, "\n") + 1 :]) : 0)
sized_layout(n) = (line_h = 1.3 * textpt / 72.0 / height_in, \
                   key_rows = ceil(n * 1.0 / (width_in >= 3.4 ? int(width_in / 1.7) : 1)), \
                   key_h = (key_rows + 0.6) * line_h, panel_y = key_h, \
                   panel_h = 1 - key_h - (title_lines(title . "\n" . subtitle) + 0.6) * line_h * (textpt + 1) / textpt, 0)
