/* internal.h — what the loader's parts share inside models/profile (schema.c, dist.c, states.c,
 * overrides.c, profile.c); nothing outside this folder includes it. */
#pragma once

#include <glib.h>

#include "models/profile/profile.h"
#include "models/profile/yamltree.h"

/* Sets *error at node `at` and evaluates to FALSE (needs `error` in scope). */
#define FAIL(at, code, ...) \
  (yt_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_##code, at, __VA_ARGS__), FALSE)

/* The node at a dotted path; else, with `nearest`, the deepest node on the way (the enclosing
 * mapping of a missing key), else NULL. */
const YtNode *prof_node_at(const YtNode *root, const char *path, gboolean nearest);

/* schema.c: the keys of the format, one row each. */
/* Every key must be a row, a section or `states` (whose keys are checked when bound). */
gboolean prof_check_keys(const YtNode *map, const char *prefix, GError **error);
/* Every row: its value from the tree, else its default, else a missing-key error. */
gboolean prof_bind_fields(CpuhpProfile *prof, const YtNode *root, GError **error);
/* Frees what the rows own (strings, distributions). */
void prof_free_fields(CpuhpProfile *prof);

/* states.c: the `states:` mapping (NULL or null: none), in document order. */
gboolean prof_bind_states(CpuhpProfile *prof, const YtNode *states, GError **error);
void prof_free_states(CpuhpProfile *prof);

/* boot.c: `boot.terms` (and whether `boot:` is given at all), after the rows are bound. */
gboolean prof_bind_boot(CpuhpProfile *prof, const YtNode *root, GError **error);
void prof_free_boot(CpuhpProfile *prof);

/* profile.c: keeps where node `n` was written (NULL: a place not given). */
void prof_loc_set(CpuhpLoc *loc, const YtNode *n);
void prof_loc_clear(CpuhpLoc *loc);
