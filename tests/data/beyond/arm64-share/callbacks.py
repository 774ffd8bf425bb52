#!/usr/bin/env python3
"""callbacks.py LOG.gz: each bringup callback's own instructions per AP, from an insn-regions log
(no snap) whose funcs list is funcs-callbacks.txt: the BP's PREPARE callbacks (vCPU 0, AP k =
the k-th smpboot_create_threads entry) and each AP's own steps (vCPU k), a segment being from a
function's entry to the next listed entry on the same vCPU (complete_all, cpuhp_thread_fun,
wait_for_completion_timeout and the other helpers in the list are passed through). Prints, per
segment, a least-squares line over k in us (8 ns an instruction under -icount shift=3)."""
import collections, gzip, sys

PASS = {'complete_all', 'cpuhp_thread_fun', 'wait_for_completion_timeout', 'cpu_startup_entry',
        'store_cpu_topology', 'notify_cpu_starting', 'cpuhp_online_idle'}
seq = collections.defaultdict(list)
for line in gzip.open(sys.argv[1], 'rt'):
    p = line.split()
    if not line.startswith('#') and len(p) >= 6 and p[2] == 'F':
        seq[int(p[1])].append((p[3], int(p[4])))
seg = collections.defaultdict(dict)
for v, s in seq.items():
    side, k, cur, start, on = ('BP' if v == 0 else 'AP'), 0, None, 0, v != 0
    for name, c in s:
        if v == 0 and name == 'smp_cpus_done':
            if cur and on:
                seg[(side, cur)][k] = seg[(side, cur)].get(k, 0) + c - start
            break
        if name in PASS:
            continue
        if cur and on:
            kk = k if v == 0 else v
            seg[(side, cur)][kk] = seg[(side, cur)].get(kk, 0) + c - start
        if v == 0 and name == 'smpboot_create_threads':
            k, on = k + 1, True
        cur, start = name, c
print('%-4s %-28s %5s %10s %10s' % ('side', 'segment', 'APs', 'us at k=0', 'us per k'))
for (side, name), d in sorted(seg.items()):
    xs = sorted(d)
    if len(xs) < 3:
        continue
    ys = [d[x] * 8e-3 for x in xs]
    n, mx, my = len(xs), sum(xs) / len(xs), sum(ys) / len(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    print('%-4s %-28s %5d %10.1f %10.2f' % (side, name, n, my - b * mx, b))
