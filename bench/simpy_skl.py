#!/usr/bin/env python3
"""simpy_skl.py - the cpuhp bringup of kernel/cpu.c as a SimPy 3 model, written independently of
cpuhpsim's C code, for the benchmark (bench/bench.c): on a scenario whose every distribution is
fixed it must give cpuhpsim's bringup time to the nanosecond, and its wall time is the yardstick
for cpuhpsim's speed.

    simpy_skl.py PARAMS.json [--reps N] [--warmup W] [--serve]

PARAMS.json holds the loaded profile (durations as integer ns, all fixed) and the state table
rows as that profile has them (`cpuhpsim_bench --params` prints it for skl-2s-112t). The model
derives everything else itself: topology numbering, the kernel's cpu_up() call order (serial, or
parallel with SMT primary threads first; maxcpus=), the trace ring-buffer pages, the x86
INIT/SIPI/SIPI timing, the AP's early path, the alive wait, the post-release path, the cpuhp/N
thread. Not modelled, and refused: nosmt, vCPUs sharing host CPUs (host.pcpus); not modelled:
fault injection and the rollback after an alive timeout (the benchmark scenarios have none).

Prints one line: bringup_ns=... cpus_online=... wall_ns=... events=...
(wall_ns: median over the repetitions of building the model and env.run(), after W untimed runs,
default 0; events: events SimPy scheduled in one run.)

--serve: after the W untimed runs prints "ready", then makes one timed run for each line read on
stdin and prints its line (wall_ns of that run alone) at once, until end of input. The benchmark
interleaves these runs with its own batches, so that both sides are timed under the same load.

Needs SimPy 3 (`import simpy`): Debian's python3-simpy3.
"""
import json
import statistics
import sys
import time

import simpy

# enum cpuhp_sync_state
DEAD, KICKED, ALIVE, SHOULD_ONLINE, ONLINE = range(5)
# microcode state of a core
UCODE_OLD, UCODE_LOADING, UCODE_CURRENT = range(3)


class Cpu:
    __slots__ = ("cpu", "package", "core", "primary", "state", "target", "sync", "alive",
                 "release", "online_idle", "unpark", "done_up", "thread")

    def __init__(self, env, cpu, package, core, primary):
        self.cpu, self.package, self.core, self.primary = cpu, package, core, primary
        self.state = 0
        self.target = 0
        self.sync = DEAD
        self.thread = None
        self.alive = env.event()        # cpuhp_ap_sync_alive(): the AP's store
        self.release = env.event()      # the BP's SHOULD_ONLINE store
        self.online_idle = env.event()  # cpuhp_online_idle(): complete(&st->done_up)
        self.unpark = env.event()       # the BP wakes cpuhp/N
        self.done_up = env.event()      # cpuhp/N finished the ONLINE states


class Core:
    __slots__ = ("ucode", "loaded")

    def __init__(self, env):
        self.ucode = UCODE_OLD
        self.loaded = env.event()


class Bringup:
    def __init__(self, P):
        self.P = P
        self.env = env = simpy.Environment()
        k, x, t = P["kernel"], P["x86"], P["table"]
        if P["arch"] != "x86_64" or k["nosmt"] != "off" or P["host"]["pcpus"]:
            raise SystemExit("simpy_skl.py: only x86_64, without nosmt or shared host CPUs, is modelled")
        self.k, self.x, self.pf = k, x, P["platform"]
        self.KICK_AP, self.BRINGUP = t["kick_ap"], t["bringup_cpu"]
        self.AP_ONLINE, self.AP_ONLINE_IDLE, self.ONLINE = t["ap_online"], t["ap_online_idle"], t["online"]
        # The rows a CPU really runs, per section: present, with a startup callback.
        self.rows = {sec: [(r["step"], r["kind"], self.costs(r)) for r in P["rows"]
                           if r["section"] == sec and r["startup"] and r["present"]]
                     for sec in ("PREPARE", "STARTING", "ONLINE")}
        # Topology: firmware numbering of logical CPUs.
        topo = P["topology"]
        sockets, cps, tpc = topo["sockets"], topo["cores_per_socket"], topo["threads_per_core"]
        ncores = sockets * cps
        n = sockets * cps * tpc
        for cut in (topo["nr_cpus"], k["nr_cpus"]):  # nr_cpus: possible CPUs
            if cut and cut < n:
                n = cut
        self.cpus = []
        for cpu in range(n):
            if topo["enumeration"] == "primaries_first":
                thread, core = cpu // ncores, cpu % ncores
            else:
                thread, core = cpu % tpc, cpu // tpc
            self.cpus.append(Cpu(env, cpu, core // cps, core, thread == 0))
        self.cores = [Core(env) for _ in range(ncores)]
        self.pkg_booted = [0] * sockets
        self.tr_lock = simpy.Resource(env, capacity=1)  # FIFO, like trampoline_64.S's tr_lock
        # CPU 0 is online before smp_init(), counts for its package, its core has new microcode.
        boot = self.cpus[0]
        boot.state, boot.sync = self.ONLINE, ONLINE
        self.pkg_booted[boot.package] = 1
        self.cores[boot.core].ucode = UCODE_CURRENT
        self.bringup_ns = None
        self.calls = self.plan(tpc)
        # unsynchronized_tsc(): marked unstable, or no constant/reliable TSC on a non-Intel
        # machine with more than one package
        self.tsc_unsynchronized = x["tsc_unsynchronized"] or (
            not (x["constant_tsc"] or x["tsc_reliable"]) and x["vendor"] != "intel" and sockets > 1)

    def costs(self, row):
        """What each instance of a row costs; the global trace buffer's instance also pays per
        ring-buffer page: trace_buf_size bytes when tracing at boot, else the minimum."""
        k = self.k
        costs = list(row["costs"] or [0])
        if row["ring_buffer"] and k["trace_rb_global"] < len(costs):
            page = 4096 - 16  # BUF_PAGE_SIZE
            size = k["trace_buf_size"] if k["tracing_at_boot"] else 1
            costs[k["trace_rb_global"]] += max(-(-size // page), 2) * k["trace_rb_page"]
        return costs

    # ---- bringup_nonboot_cpus(setup_max_cpus): the cpu_up(cpu, target) calls -----------------

    def plan(self, tpc):
        k = self.k
        parallel = (k["hotplug_parallel"] and k["cpuhp_parallel"] and not k["parallel_veto"]
                    and self.KICK_AP != 0)
        budget = [k["maxcpus"] if k["maxcpus"] >= 0 else len(self.cpus)]

        def take(group, with_boot):  # cpuhp_bringup_mask() counts the CPUs it visits
            room = budget[0] - (min(budget[0], 1) if with_boot else 0)
            group = group[:max(room, 0)]
            budget[0] -= len(group) + (1 if with_boot and budget[0] else 0)
            return group

        aps = self.cpus[1:]
        if budget[0] == 0:  # maxcpus=0, nosmp
            return []
        if not parallel:
            return [(c, self.ONLINE) for c in take(aps, True)]
        if k["smt_primary_first"] and tpc > 1:  # cpuhp_smt_aware(): primaries first
            groups = [take([c for c in aps if c.primary], True), take([c for c in aps if not c.primary], False)]
        else:
            groups = [take(aps, True)]
        calls = []
        for g in groups:  # cpuhp_bringup_cpus_parallel(): kick all, then online each
            calls += [(c, self.KICK_AP) for c in g]
            calls += [(c, self.ONLINE) for c in g]
        return calls

    def next_row(self, section, frm, limit):
        for row in self.rows[section]:
            if row[0] > limit:
                return None
            if row[0] > frm:
                return row
        return None

    # ---- the control CPU ------------------------------------------------------------------

    def bp(self):
        env = self.env
        for c, target in self.calls:
            if c.state >= target:  # _cpu_up() returns at once
                continue
            yield from self.cpu_up(c, target)
        self.bringup_ns = env.now

    def cpu_up(self, c, target):
        env = self.env
        c.target = target
        if c.thread is None:  # smpboot_create_threads(): cpuhp/N exists from the first cpu_up()
            c.thread = env.process(self.cpuhp_thread(c))
        while True:
            row = self.next_row("PREPARE", c.state, min(target, self.BRINGUP))
            if row is None:
                return
            step, kind, costs = row
            c.state = step  # cpuhp_next_state() moves st->state before the callback
            if kind == "profile":
                for cost in costs:  # once per instance of a multi-instance state
                    yield env.timeout(cost)
            elif kind == "kick":
                yield from self.kick(c)
            elif kind == "bringup":
                yield from self.bringup_ap(c)
            else:
                raise RuntimeError("row %d: no model for cost kind %s" % (step, kind))

    def init_udelay(self):
        x = self.x
        if x["init_udelay_us"] >= 0:
            return x["init_udelay_us"] * 1000
        v, fam = x["vendor"], x["family"]
        modern = (v == "intel" and fam >= 6) or (v == "amd" and fam >= 0xF) or (v == "hygon" and fam >= 0x18)
        return 0 if modern else 10_000_000

    def kick(self, c):
        """cpuhp_kick_ap_alive() -> native_kick_ap(): INIT assert, udelay(init_udelay), INIT
        de-assert, two STARTUP IPIs with udelay() before and after each; the AP starts at the
        first STARTUP IPI."""
        x = self.x
        c.sync = KICKED
        udelay = self.init_udelay()
        pre, post = (10_000, 10_000) if udelay == 0 else (300_000, 200_000)
        t = x["kick_setup"] + x["icr_write"] + udelay + x["icr_write"]
        ap_start = None
        for sipi in range(2):
            t += pre + x["icr_write"]
            if sipi == 0:
                ap_start = t
            t += post
        self.env.process(self.ap(c, ap_start))
        yield self.env.timeout(t)

    def bringup_ap(self, c):
        """cpuhp_bringup_ap(): wait for ALIVE (poll for alive_spin, then usleep_range steps),
        release the AP, sleep until it is online-idle, wake cpuhp/N, sleep until it is done."""
        env, k, pf = self.env, self.k, self.pf
        wait_start = env.now
        if c.sync != ALIVE:
            got = yield c.alive | env.timeout(k["alive_spin"])
            if c.alive in got:  # the poll loop sees the store
                yield env.timeout(pf["spin_notice"])
            else:
                while True:
                    yield env.timeout(k["alive_sleep"])
                    if c.sync == ALIVE:
                        break
                    if env.now - wait_start >= k["alive_timeout"]:
                        raise RuntimeError("CPU%d failed to report alive state (rollback not modelled)" % c.cpu)
        c.sync = SHOULD_ONLINE
        c.release.succeed()
        yield c.online_idle                # bringup_wait_for_ap_online()
        yield env.timeout(pf["wakeup"])    # ... the BP is woken
        c.unpark.succeed()                 # cpuhp_kick_ap(): wake cpuhp/N
        yield c.done_up                    # wait_for_ap_thread(&st->done_up)
        yield env.timeout(pf["wakeup"])

    # ---- the AP ---------------------------------------------------------------------------

    def ap(self, c, start):
        env, x, k, pf = self.env, self.x, self.k, self.pf

        def work(ns):  # the AP's own code: no event for a zero-length piece
            return env.timeout(ns) if ns else None

        yield env.timeout(start)
        # Before ALIVE: these overlap across kicked APs.
        w = work(x["wakeup_primary"] if c.primary else x["wakeup_secondary"])
        if w:
            yield w
        with self.tr_lock.request() as req:  # LOCK_AND_LOAD_REALMODE_ESP
            yield req
            w = work(x["trampoline"])
            if w:
                yield w
        w = work(x["early_init"])
        if w:
            yield w
        if x["microcode_loader"]:  # load_ucode_ap()
            core = self.cores[c.core]
            if core.ucode == UCODE_CURRENT:
                w = work(x["microcode_current"])
                if w:
                    yield w
            elif core.ucode == UCODE_OLD:  # first thread of the core writes the patch
                core.ucode = UCODE_LOADING
                w = work(x["microcode_apply"])
                if w:
                    yield w
                core.ucode = UCODE_CURRENT
                core.loaded.succeed()
            else:  # a sibling that arrives during its core's load waits for it
                yield core.loaded
                yield env.timeout(x["microcode_current"])
        # cpuhp_ap_sync_alive(): report, spin until released.
        c.sync = ALIVE
        c.alive.succeed()
        yield c.release
        yield env.timeout(pf["spin_notice"])
        # After release: one AP at a time.
        for key in ("cpu_init", "identify"):
            w = work(x[key])
            if w:
                yield w
        self.pkg_booted[c.package] += 1  # set_cpu_sibling_map()
        # notify_cpu_starting(): STARTING states with IRQs off.
        if c.state < self.BRINGUP:
            c.state = self.BRINGUP
        limit = min(c.target, self.AP_ONLINE)
        while True:
            row = self.next_row("STARTING", c.state, limit)
            if row is None:
                break
            c.state = row[0]
            w = work(row[2][0])
            if w:
                yield w
        c.state = limit
        # check_tsc_sync_target()
        in_pkg = self.pkg_booted[c.package]
        if not (self.tsc_unsynchronized or (x["tsc_adjust"] and in_pkg > 1) or x["tsc_reliable"]):
            loop = x["tsc_sync_other"] if in_pkg > 1 else x["tsc_sync_first"]
            ns = loop * x["tsc_sync_runs"] + x["tsc_sync_overhead"]
            w = work(pf["wakeup"] + ns)  # the BP is woken by IPI to run the source side
            if w:
                yield w
        # ap_calibrate_delay()
        if not k["lpj_preset"] and not (x["constant_tsc"] and not self.tsc_unsynchronized):
            jiffy = 1_000_000_000 // k["hz"]
            t = k["smp_init_at"] + env.now
            w = work((t // jiffy + 1) * jiffy - t + x["calibrate_jiffies"] * jiffy)
            if w:
                yield w
        w = work(x["online_tail"])
        if w:
            yield w
        # cpuhp_online_idle()
        c.sync = ONLINE
        c.state = self.AP_ONLINE_IDLE
        c.online_idle.succeed()

    def cpuhp_thread(self, c):
        """cpuhp/N: parked until the BP kicks it, then one ONLINE state per pass."""
        env = self.env
        yield c.unpark
        yield env.timeout(self.pf["wakeup"])
        while True:
            row = self.next_row("ONLINE", c.state, c.target)
            if row is None:
                break
            c.state = row[0]
            yield env.timeout(row[2][0])
        c.state = c.target
        c.done_up.succeed()

    def run(self):
        self.env.process(self.bp())
        self.env.run()
        if self.bringup_ns is None:
            raise RuntimeError("the control CPU never finished")
        online = sum(1 for c in self.cpus if c.state == self.ONLINE)
        eid = getattr(self.env, "_eid", None)  # SimPy's event counter (private; may be absent)
        events = next(eid) if eid is not None else -1
        return self.bringup_ns, online, events


def main(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: simpy_skl.py PARAMS.json [--reps N] [--warmup W] [--serve]\n")
        return 2
    with open(argv[1]) as f:
        P = json.load(f)
    reps = int(argv[argv.index("--reps") + 1]) if "--reps" in argv else 3
    warmup = int(argv[argv.index("--warmup") + 1]) if "--warmup" in argv else 0
    for _ in range(warmup):
        Bringup(P).run()
    if "--serve" in argv:
        print("ready", flush=True)
        for _ in sys.stdin:
            t0 = time.perf_counter_ns()
            bringup_ns, online, events = Bringup(P).run()
            wall = time.perf_counter_ns() - t0
            print("bringup_ns=%d cpus_online=%d wall_ns=%d events=%d" % (bringup_ns, online, wall, events),
                  flush=True)
        return 0
    walls, results = [], set()
    for _ in range(reps):
        t0 = time.perf_counter_ns()
        b = Bringup(P)
        res = b.run()
        walls.append(time.perf_counter_ns() - t0)
        results.add(res)
    if len(results) != 1:
        raise RuntimeError("repetitions differ: %r" % results)
    bringup_ns, online, events = results.pop()
    print("bringup_ns=%d cpus_online=%d wall_ns=%d events=%d"
          % (bringup_ns, online, int(statistics.median(walls)), events))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
