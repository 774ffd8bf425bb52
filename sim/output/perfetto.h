/* perfetto.h — a bringup as a Chrome trace-event JSON file, which Perfetto (ui.perfetto.dev)
 * and chrome://tracing load: `cpuhpsim run --perfetto=FILE`, `cpuhpsim import FILE
 * --perfetto=OUT`.
 *
 * Contract: cpuhp_perfetto_write() reads a CpuhpResult only and appends deterministic bytes.
 * - One process, pid 1 "machine"; one thread track per CPU, tid = CPU number: CPU0 is the
 *   control CPU (BP, swapper/0), CPU N > 0 the AP and its cpuhp/N thread.
 * - Complete slices ("ph":"X") that nest properly on every track (no partial overlap; sorted by
 *   start, longer first): each cpuhp callback from its trace records' enter/exit (on the track
 *   of the CPU that ran it); on the BP, each run of callbacks for one CPU as a `_cpu_up` slice
 *   and, inside the bringup step, the BP's waits (for ALIVE, for STARTING..online-idle, for the
 *   ONLINE callbacks); on each AP, its phases from the milestones (wake-up after the kick, early
 *   boot until ALIVE with the microcode write inside, spin at ALIVE, STARTING..online-idle,
 *   ONLINE). A phase is drawn only when both its ends happened, except on a failed CPU, whose
 *   open phase ends at its last trace record (arg "unfinished").
 * - Counters ("ph":"C") "CPUs online" and "APs spinning at ALIVE" over time; the spin counter
 *   only when the result has ALIVE milestones (an imported real trace has none).
 * - Console lines as instant events on the BP track.
 * - Times in microseconds with exactly three decimals (integer ns, no floating point), from the
 *   window start ("smp: Bringing up secondary CPUs"); a record of the trace clock is moved by
 *   smp_init_at. Without r->trace only the phases and counters are written. */
#pragma once

#include <glib.h>

#include "models/kernel/result.h"

struct _CpuhpMeasured;

void cpuhp_perfetto_write(GString *out, const CpuhpResult *r);
/* The same bytes into `of` as they are made, a MiB at a time (the caller commits or aborts);
 * FALSE with `error` set after a failed write. */
struct SimOutfile;
gboolean cpuhp_perfetto_stream(struct SimOutfile *of, const CpuhpResult *r, GError **error);

/* A real boot's measured timeline (models/replay/replay.h) in the form the writer reads: its steps as
 * trace records on their executing CPUs, `kick` and `online` (the bringup step's exit) as the
 * only milestones — what the trace shows, nothing inferred. Free with cpuhp_result_free(). */
CpuhpResult *cpuhp_perfetto_result_from_measured(const struct _CpuhpMeasured *m);
