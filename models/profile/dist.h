/* dist.h — the values of the profile format: scalars, durations with their units, and
 * distributions (a duration, or {dist: KIND, params...}), with the wording of their errors.
 *
 * Contract: every parser takes a YAML node and sets a one-line error at it
 * (CPUHP_PROFILE_ERROR: SCHEMA for a wrong type, VALUE for a well-typed bad value); on failure
 * the output holds nothing to free. Internal to models/profile. */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "models/profile/yamltree.h"
#include "sim/engine/rng.h"

/* A node as a message shows it: 'text', "an empty value", or its kind. Caller frees. */
char *prof_shown(const YtNode *n);
/* The scalar's text, else NULL with "expected WHAT, got KIND". */
const char *prof_need_scalar(const YtNode *n, const char *what, GError **error);
/* true or false. */
gboolean prof_parse_bool(const YtNode *n, gboolean *out, GError **error);
/* Decimal integer, optional '-' when `sign`; FALSE on syntax; *overflow when out of int64. */
gboolean prof_parse_integer(const char *s, gboolean sign, int64_t *out, gboolean *overflow);
/* The longest value a duration key takes, so that a whole run stays inside int64 ns: up to
 * 65536 CPUs, each with some 150 costs (states, arch steps, retries) of at most a minute,
 * is about 6e17 ns of the 9.2e18 int64 holds. A cost paid per item of a count (per possible
 * CPU, per ring-buffer page, per VM exit: counts up to 1e6) is bounded by a millisecond. */
#define PROF_COST_MAX (INT64_C(60) * 1000000000)
#define PROF_PER_ITEM_MAX INT64_C(1000000)
/* The shortest mean of kernel.alive_sleep, the BP's poll interval while it waits for ALIVE. */
#define PROF_ALIVE_SLEEP_MIN INT64_C(100000)
/* A lognormal's sigma: beyond it the tail is all clamping anyway. */
#define PROF_SIGMA_MAX 10.0

/* A duration with its unit ("20us"), from 0 to `max`. */
gboolean prof_parse_duration(const YtNode *n, int64_t max, int64_t *out, GError **error);
/* A decimal with at most 3 places (34, 0.7, 12.125) from 0 to `hi`; `key` names it. */
gboolean prof_parse_percent(const YtNode *n, const char *key, int64_t hi, double *out,
                            GError **error);
/* A mapping with a `dist` key: a distribution rather than a mapping of other keys. */
gboolean prof_is_dist_mapping(const YtNode *n);
/* A duration scalar (fixed), or {dist: KIND, params...}; every parameter at most `max`, which
 * also clamps the draws (out->max). */
gboolean prof_parse_dist(const YtNode *n, int64_t max, SimDist *out, GError **error);
