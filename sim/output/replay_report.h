/* replay_report.h — text and JSON renderings of a measured timeline (`cpuhpsim import`) and of a
 * diff (`cpuhpsim diff`).
 *
 * Contract: each writer appends to a GString and is deterministic: times are integer ns in
 * JSON (percentages with two decimals), fixed formatting in text. The JSON keys are listed in
 * cpuhp_replay_json_keys() (shown by --help) and in docs/replay.md; they only ever get added to. */
#pragma once

#include <glib.h>

#include "models/replay/replay.h"

/* What the diff simulated, when SIM was a profile (NULL fields otherwise). */
typedef struct {
  const char *profile;          /* profile name */
  guint cpus, threads_per_core;
  gboolean parallel;
  guint64 seed;
  const GPtrArray *overrides;   /* the --set list actually applied, trace-derived ones last */
  const char *cmdline;          /* the kernel command line simulated ("" for none) */
  const char *cmdline_from;     /* "real", "profile", "--cmdline" or "--set" */
} CpuhpDiffSimulated;

void cpuhp_replay_text(GString *out, const CpuhpMeasured *m);
void cpuhp_replay_json(GString *out, const CpuhpMeasured *m);
void cpuhp_diff_text(GString *out, const char *real_name, const char *sim_name, const CpuhpReplayDiff *d,
                     const CpuhpDiffSimulated *s);
void cpuhp_diff_json(GString *out, const char *real_name, const char *sim_name, const CpuhpReplayDiff *d,
                     const CpuhpDiffSimulated *s);
/* The JSON keys of both commands, for --help. */
const char *cpuhp_replay_json_keys(void);
