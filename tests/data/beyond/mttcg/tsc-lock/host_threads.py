#!/usr/bin/env python3
"""host_threads.py GUEST_LOG PERF_SCRIPT OUT_PREFIX [VCPU0_TID]

What QEMU's vCPU threads did on the host during a serial MTTCG boot's TSC warp tests.

GUEST_LOG    the boot's console log (kboot_run.sh, FTRACE=1: function tracer, x86-tsc clock)
PERF_SCRIPT  `perf script -F comm,tid,cpu,time,event,trace` (optionally with ip,sym: samples)
             of `perf record -e sched:sched_switch -e sched:sched_wakeup -e sched:sched_wakeup_new
             [-e cpu-clock -g] -a` taken over the boot (README.md)

Writes OUT_PREFIX.warps.csv (one row per AP's warp test), OUT_PREFIX.bursts.csv (runs of an
idle vCPU's thread longer than 0.5 ms during the window) and, when the perf script has
cpu-clock samples, OUT_PREFIX.samples.csv (the top frames of the idle vCPUs' samples); and
when the control CPU's longest callback ran over 100 ms, OUT_PREFIX.bp_stall.csv: what the BP's
thread did meanwhile (ran, waited, slept) and the top frames of its samples.
vCPU threads are QEMU's threads created after the preallocation threads, in CPU order; the
guest's TSC is the host's less a constant, found where each AP's thread first wakes after
its kick (native_kick_ap) following a sleep of 0.3 s or more. When perf lost the thread
creations (a sampled profile), give vCPU 0's thread id as VCPU0_TID.
"""
import collections, re, statistics, sys

def trace(path):
    """The guest trace's records: (seconds on the TSC, CPU, text), in time order."""
    tr, mhz, on = [], None, False
    for l in open(path, errors='replace'):
        m = re.search(r'tsc: Detected ([\d.]+) MHz', l)
        if m: mhz = float(m.group(1))
        if l.startswith('@@TRACE-BEGIN'): on = True; continue
        if l.startswith('@@TRACE-END'): break
        m = on and re.match(r'\s*(.+?)-(\d+)\s+\[(\d+)\]\s+\S+\s+(\d+):\s+(.*)', l)
        if m: tr.append((int(m.group(4)) / (mhz * 1e6), int(m.group(3)), m.group(5).strip()))
    return sorted(tr)

def guest(path):
    tr = trace(path)
    first = collections.defaultdict(dict)
    for t, c, s in tr:
        first[c].setdefault(s.split()[0], t)
    kicks = [t for t, c, s in tr if c == 0 and s.startswith('native_kick_ap')]
    return first, kicks

def host(path):
    ev, samples, cur, created = [], [], None, []
    for l in open(path, errors='replace'):
        if l.startswith('\t') and l.strip():
            if cur is not None: cur[2].append(l.strip().split(None, 1)[-1].split(' (')[0])
            continue
        m = re.match(r'\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\S+?):?\s+(.*)', l)
        cur = None
        if not m: continue
        t, ev_name, rest = float(m.group(4)), m.group(5), m.group(6)
        if ev_name.startswith('cpu-clock'):
            cur = [int(m.group(2)), t, []]; samples.append(cur)
        elif ev_name == 'sched:sched_switch':
            a = re.search(r'prev_pid=(\d+).*prev_state=(\S+) ==> .*next_pid=(\d+)', rest)
            ev.append((t, 'sw', int(a.group(1)), a.group(2), int(a.group(3))))
        elif ev_name.startswith('sched:sched_wakeup'):
            a = re.search(r'comm=(\S+) pid=(\d+)', rest)
            ev.append((t, 'wk', int(a.group(2)), None, None))
            if ev_name == 'sched:sched_wakeup_new' and a.group(1).startswith('qemu-system'): created.append((t, int(a.group(2))))
    state, since, iv = {}, {}, collections.defaultdict(list)
    def put(tid, st, t):
        if tid in state: iv[tid].append((since[tid], t, state[tid]))
        state[tid], since[tid] = st, t
    for t, kind, a, b, c in ev:
        if kind == 'sw':
            if a: put(a, 'wait' if b.startswith('R') else 'sleep', t)
            if c: put(c, 'run', t)
        elif state.get(a) != 'run':
            put(a, 'wait', t)
    return iv, samples, created

def overlap(iv, tid, a, b):
    out = collections.Counter()
    for t0, t1, st in iv[tid]:
        lo, hi = max(t0, a), min(t1, b)
        if hi > lo: out[st] += hi - lo
    return out

def longest_bp_callback(path):
    """(start, end) guest seconds of the longest cpuhp callback on CPU 0, and its name."""
    ent, best = None, None
    for t, c, s in trace(path):
        m = c == 0 and re.match(r'cpuhp_(enter|multi_enter|exit):\s+(.*)', s)
        if not m: continue
        if m.group(1) != 'exit': ent = (t, m.group(2))
        elif ent:
            if best is None or t - ent[0] > best[1] - best[0]: best = (ent[0], t, ent[1])
            ent = None
    return best

def main(glog, pscript, out, vcpu0=None):
    first, kicks = guest(glog)
    iv, samples, created = host(pscript)
    n = len(kicks) + 1
    # the vCPU threads: the first n QEMU threads created less than 0.1 s apart, in order
    base = int(vcpu0) if vcpu0 else None
    for i in range(len(created) - n + 1 if base is None else 0):
        run = created[i:i + n]
        if all(b[0] - a[0] < 0.1 and b[1] == a[1] + 1 for a, b in zip(run, run[1:])):
            base = run[0][1]; break
    if base is None: sys.exit('no %d QEMU threads created one after the other' % n)
    offs = []
    for k in range(1, n):
        ends = [t1 for t0, t1, st in iv[base + k] if st == 'sleep' and t1 - t0 > 0.3]
        offs += [e - kicks[k - 1] for e in ends]
    mode = collections.Counter(round(o, 3) for o in offs).most_common(1)[0][0]
    off = statistics.median(o for o in offs if abs(o - mode) < 0.002) - 0.0004  # INIT/SIPI come ~0.4 ms into the kick
    with open(out + '.warps.csv', 'w') as f:
        f.write('ap,n_idle,warp_ms,bp_run_ms,bp_wait_ms,ap_run_ms,ap_wait_ms,others_run_ms\n')
        for k in range(1, n):
            a, b = first[k].get('check_tsc_sync_target'), first[k].get('calibrate_delay')
            if a is None or b is None: continue
            A, B = a + off, b + off
            bp, ap = overlap(iv, base, A, B), overlap(iv, base + k, A, B)
            others = sum(overlap(iv, base + j, A, B)['run'] for j in range(1, n) if j != k)
            f.write('%d,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f\n' % (k, k - 1, (b - a) * 1e3, bp['run'] * 1e3, bp['wait'] * 1e3,
                                                               ap['run'] * 1e3, ap['wait'] * 1e3, others * 1e3))
    w1 = first[n - 1]['cpuhp_online_idle'] + off
    with open(out + '.bursts.csv', 'w') as f:
        f.write('vcpu,start_ms,run_ms\n')
        for k in range(1, n):
            idle = first[k]['cpuhp_online_idle'] + off + 0.004  # its ONLINE callbacks are done
            for t0, t1, st in iv[base + k]:
                lo, hi = max(t0, idle), min(t1, w1)
                if st == 'run' and hi - lo > 0.0005:
                    f.write('%d,%.3f,%.3f\n' % (k, (lo - kicks[0] - off) * 1e3, (hi - lo) * 1e3))
    a, b, what = longest_bp_callback(glog)
    if b - a > 0.1:
        o = overlap(iv, base, a + off, b + off)
        bp = collections.Counter(st[0] if st else '?' for tid, t, st in samples if tid == base and a + off <= t <= b + off)
        with open(out + '.bp_stall.csv', 'w') as f:
            f.write('# %s: %.1f ms; the BP thread ran %.1f, waited runnable %.1f, slept %.1f ms\nframe,samples\n'
                    % (what.split('(')[-1].rstrip(')'), (b - a) * 1e3, o['run'] * 1e3, o['wait'] * 1e3, o['sleep'] * 1e3))
            for fr, c in bp.most_common(12): f.write('%s,%d\n' % (fr, c))
    if samples:
        top = collections.Counter()
        for tid, t, stack in samples:
            k = tid - base
            if 1 <= k < n and first[k]['cpuhp_online_idle'] + off + 0.004 <= t <= w1:
                top[stack[0] if stack else '?'] += 1
        with open(out + '.samples.csv', 'w') as f:
            f.write('frame,samples\n')
            for fr, c in top.most_common(12): f.write('%s,%d\n' % (fr, c))
if __name__ == '__main__':
    if len(sys.argv) not in (4, 5): sys.exit(__doc__)
    main(*sys.argv[1:])
