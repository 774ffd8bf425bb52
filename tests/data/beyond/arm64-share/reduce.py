#!/usr/bin/env python3
"""reduce.py LOG > CSV: one row per AP from an insn-regions log (snap=1) of an arm64 icount boot.

Each row is the interval from the BP's entry into smpboot_create_threads() for AP k (the first
PREPARE callback of its bringup) to the same entry for AP k+1, with every vCPU's instructions in
it (8 ns each under -icount shift=3): the BP's (vCPU 0), AP k's own, and the idle APs' (1..k-1)
together, and how many periodic ticks (tick_handle_periodic or tick_nohz_handler entries) those
idle APs took."""
import sys, collections

marks, last, ticks = [], None, collections.Counter()
for line in open(sys.argv[1]):
    if line.startswith('# counts'):
        if last and last[1] == '0' and last[3] == 'smpboot_create_threads':
            marks.append(([int(x) for x in line.split()[2:]], dict(ticks)))
            ticks.clear()
        continue
    if line.startswith('#'):
        continue
    p = line.split()
    if len(p) < 6 or p[2] != 'F':
        continue
    last = p
    if marks and p[3] in ('tick_handle_periodic', 'tick_nohz_handler'):
        ticks[int(p[1])] += 1

print('k,clock_insns,bp_insns,ap_insns,idle_aps,idle_insns,idle_ticks')
for k in range(1, len(marks)):
    c0, _ = marks[k - 1]
    c1, tk = marks[k]
    c0 = c0 + [0] * (len(c1) - len(c0))
    d = [b - a for a, b in zip(c0, c1)]
    idle = range(1, k)
    print('%d,%d,%d,%d,%d,%d,%d' % (k, sum(d), d[0], d[k], k - 1, sum(d[j] for j in idle),
                                    sum(tk.get(j, 0) for j in idle)))
