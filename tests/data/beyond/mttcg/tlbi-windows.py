#!/usr/bin/env python3
"""tlbi-windows.py EVENTS N — per-AP counts from a tlbi-count.so log of an N-vCPU boot.

An AP's window runs from its first instruction (event S) to the next AP's; the last AP's window
is left out (it runs on to the end of the boot). For each window: broadcast TLB invalidations
(I), SGIs sent (G) and WFIs executed (W), by the BP, the AP itself and the other vCPUs."""
import collections
import sys

def main():
    path, n = sys.argv[1], int(sys.argv[2])
    ev = []
    with open(path) as f:
        for line in f:
            s, k, v = line.split()[:3]
            ev.append((int(s), k, int(v)))
    ev.sort()
    starts = [s for s, k, v in ev if k == 'S' and v != 0]
    if len(starts) != n - 1:
        sys.exit(f"{path}: {len(starts)} APs started, expected {n - 1}")
    cols = [(k, w) for k in 'IGW' for w in ('bp', 'ap', 'other')]
    print('vcpus,ap,' + ','.join(f'{k}_{w}' for k, w in cols))
    i = 0
    counts = [collections.Counter() for _ in starts]
    for s, k, v in ev:
        while i < len(starts) and s >= starts[i]:
            i += 1
        if i == 0 or i == len(starts) or k == 'S':
            continue
        who = 'bp' if v == 0 else 'ap' if v == i else 'other'
        counts[i - 1][(k, who)] += 1
    for ap in range(1, len(starts)):
        print(f'{n},{ap},' + ','.join(str(counts[ap - 1][c]) for c in cols))

main()
