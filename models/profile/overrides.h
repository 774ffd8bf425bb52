/* overrides.h — "KEY=VALUE" overrides (--set) applied to a parsed profile document.
 *
 * Contract: overrides edit the YAML tree before it is typed, so a value from an override goes
 * through exactly the checks a value in the file does. KEY is a dotted path whose missing
 * mappings are created; VALUE is a YAML document (a scalar, or a flow mapping or sequence).
 * Errors about the argument itself read "--set KEY=VALUE: message". Internal to models/profile. */
#pragma once

#include <glib.h>

#include "models/profile/yamltree.h"

/* Applies `overrides` ("KEY=VALUE" strings; may be NULL) in order, later ones winning, then the
 * parameters of kernel.cmdline that the models know, as the keys they stand for. */
gboolean prof_apply_overrides(YtNode *root, const GPtrArray *overrides, GError **error);
