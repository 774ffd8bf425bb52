/* profile_edit.h — a calibration written into a copy of its base profile (`cpuhpsim calibrate`).
 *
 * Contract:
 * - Input: the base profile, its YAML text, the calibration (models/replay/calibrate.h) and the
 *   boots and names it was fitted on (for the header comment).
 * - Output: a header comment (the fit, the boots, what was fitted and left out), then the base
 *   text with each fitted state's entry under `states:` replaced (or added, in table order)
 *   with its cost and a comment saying how many samples from how many boots gave it (median,
 *   p10, p90), and each fitted scalar key's line replaced or added under its block (the block
 *   added when the base lacks it). Every other line is kept as it is, comments included. Where
 *   blocks and entries are comes from the YAML parser, not from the look of a line; a block the
 *   edit must write into has to be a block mapping, else a one-line FILE:LINE:COL error.
 * - The result is loaded through the strict profile loader before it is returned: an edit it
 *   refuses is a one-line error and `out` is left as it was, never a broken profile.
 * - Deterministic: the same inputs give the same bytes. Values are written to three
 *   significant digits. */
#pragma once

#include <glib.h>

#include "models/profile/profile.h"
#include "models/replay/calibrate.h"
#include "models/replay/replay.h"

gboolean sim_profile_edit_calibrated(GString *out, const CpuhpProfile *base, const char *base_yaml,
                                     const CpuhpCalibration *cal, CpuhpMeasured *const *boots, const char *const *names,
                                     guint n_boots, GError **error);
