/* fingerprint.h — a stable hash of everything a run did, in the spirit of OMNeT++ fingerprints.
 *
 * Contract: the canonical text lists, one per line, every cpuhp trace event (time, kind,
 * executing CPU, CPU, target/state, step, return value, callback), every CPU's milestones and
 * every console line; the fingerprint is FNV-1a 64 over that text. Any behavioural change of
 * the model changes it; the text shows where. Needs a result recorded with its trace. */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "models/kernel/result.h"

void cpuhp_canonical_events(GString *out, const CpuhpResult *r);
uint64_t cpuhp_fingerprint(const CpuhpResult *r);
