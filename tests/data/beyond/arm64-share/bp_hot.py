#!/usr/bin/env python3
"""bp_hot.py: the BP's instructions per AP by guest function, 16 against 128 vCPUs, from
bp_hot_16.txt.gz and bp_hot_128_tb256k.txt.gz (the 3000 hottest blocks of each window; us per
AP at 8 ns an instruction), largest growth first."""
import collections, gzip, os
here = os.path.dirname(os.path.abspath(__file__))
def load(name):
    c = collections.Counter()
    for line in gzip.open(os.path.join(here, name), 'rt'):
        if not line.startswith('#'):
            _, insns, sym = line.split()
            c[sym] += int(insns)
    return c
a, b = load('bp_hot_16.txt.gz'), load('bp_hot_128_tb256k.txt.gz')
rows = sorted(((s, a[s] * 8e-3 / 15, b[s] * 8e-3 / 127) for s in set(a) | set(b)), key=lambda r: r[1] - r[2])
print('%-40s %10s %10s' % ('function', '16 (us/AP)', '128 (us/AP)'))
for s, x, y in rows[:20]:
    print('%-40s %10.1f %10.1f' % (s, x, y))
