#!/usr/bin/env python3
"""bp_hot.py: the BP's instructions per AP (us, 8 ns an instruction) in the walks over CPUs that
grow with the machine, at 4, 8, 16 and 128 vCPUs, from bp_hot_*.txt.gz (the BP's 3000 hottest
blocks over the bringup window, symbolised); then the functions that grow most from 16 to 128."""
import collections, gzip, os
here = os.path.dirname(os.path.abspath(__file__))
runs = ((4, 'bp_hot_4.txt.gz'), (8, 'bp_hot_8.txt.gz'), (16, 'bp_hot_16.txt.gz'), (128, 'bp_hot_128_tb256k.txt.gz'))
families = (('select_fallback_rq scans', ('select_fallback_rq', 'is_cpu_allowed', '_find_next_bit')),
            ('percpu_down_write', ('percpu_down_write',)),
            ('alloc_vmap_area', ('alloc_vmap_area',)),
            ('dl_bw_cpus, __dl_update', ('dl_bw_cpus', '__dl_update')),
            ('RCU force-quiescent-state', ('force_qs_rnp', 'rcu_watching_snap_save', 'rcu_gp_init', 'rcu_gp_cleanup')))
per = {}
for n, name in runs:
    c = collections.Counter()
    for line in gzip.open(os.path.join(here, name), 'rt'):
        if not line.startswith('#'):
            _, insns, sym = line.split()
            c[sym] += int(insns) * 8e-3 / (n - 1)
    per[n] = c
print('%-28s' % 'us per AP' + ''.join('%9d' % n for n, _ in runs))
for label, syms in families:
    print('%-28s' % label + ''.join('%9.1f' % sum(per[n][s] for s in syms) for n, _ in runs))
print()
rows = sorted(set(per[16]) | set(per[128]), key=lambda s: per[16][s] - per[128][s])
for s in rows[:12]:
    print('%-40s %8.1f %8.1f' % (s, per[16][s], per[128][s]))
