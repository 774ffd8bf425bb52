/* scenario.h — a sweep scenario: a profile, seeds, and axes whose cartesian product is the grid.
 *
 *   profile: ../skl-2s-112t.yaml   # relative to this file; omitted: the embedded default
 *   seed: 1                        # first seed; run r of every grid point uses seed + r
 *   runs: 5
 *   axes:                          # each optional; the grid is their product, in this order:
 *     topology: [1x8x2, 2x28x2]    #   topology, cpus, set keys (file order), policy
 *     cpus: [16, 64]
 *     set: {x86.tsc_reliable: [false, true], kernel.hz: [250, 1000]}
 *     policy: [kernel, serial, "waves:8"]
 *   faults: ["fail=2:workqueue:prepare", "no-alive=3"]  # injected at every grid point
 *
 * Contract: parsing is strict (unknown keys, empty axes, bad values: FILE:LINE:COL errors);
 * point i of the grid is a pure function of the file, so any process can compute any shard. */
#pragma once

#include <glib.h>
#include <stdint.h>

typedef struct {
  guint line, col; /* 1-based, in the scenario file */
} CpuhpAxisPlace;

typedef struct {
  char *name;      /* "topology", "cpus", "policy", or a dotted profile key */
  GPtrArray *values; /* char*: the values as written */
  GArray *at;        /* CpuhpAxisPlace per value: where it is written, for messages */
} CpuhpAxis;

typedef struct {
  char *source;
  char *profile_path; /* NULL: embedded default */
  uint64_t seed;
  guint runs;
  GArray *axes;       /* CpuhpAxis, in grid order */
  GPtrArray *faults;  /* char*: "fail=CPU:STATE" or "no-alive=CPU", as the run flags take them */
  GArray *fault_at;   /* CpuhpAxisPlace per fault */
  guint64 points;     /* product of the axis lengths */
} CpuhpScenario;

CpuhpScenario *cpuhp_scenario_load(const char *path, GError **error);
void cpuhp_scenario_free(CpuhpScenario *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CpuhpScenario, cpuhp_scenario_free)
/* The value each axis takes at grid point `point` (values[a] is axis a's value). */
void cpuhp_scenario_point(const CpuhpScenario *s, guint64 point, const char **values);
