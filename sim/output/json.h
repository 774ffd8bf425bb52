/* json.h — a small strict JSON reader (RFC 8259), for reading our own outputs back: `run
 * --format=json`, sweep rows, the Perfetto trace in the tests. There is no JSON library among
 * the build dependencies (json-glib is not one), and the formats are ours, so a tree is enough.
 *
 * Contract: sim_json_parse() accepts exactly one JSON value surrounded by optional whitespace,
 * in valid UTF-8, and refuses everything else with one line "LINE:COL: message": trailing
 * commas, leading zeros, bare control characters in strings, bad escapes or lone surrogates,
 * duplicate keys in one object (legal JSON, never in our outputs, so a sign of a broken
 * writer), nesting deeper than SIM_JSON_MAX_DEPTH. Numbers keep their literal text, so integer
 * nanoseconds and fixed-point microseconds are read back exactly. */
#pragma once

#include <glib.h>
#include <stdint.h>

#define SIM_JSON_MAX_DEPTH 256

typedef enum {
  SIM_JSON_NULL,
  SIM_JSON_BOOL,
  SIM_JSON_NUMBER,
  SIM_JSON_STRING,
  SIM_JSON_ARRAY,
  SIM_JSON_OBJECT,
} SimJsonType;

typedef struct _SimJson {
  SimJsonType type;
  gboolean boolean;
  char *text;       /* STRING: the decoded value; NUMBER: the literal as written */
  GPtrArray *items; /* ARRAY: SimJson*; OBJECT: the values, in file order */
  GPtrArray *keys;  /* OBJECT: char*, parallel to items */
} SimJson;

SimJson *sim_json_parse(const char *text, gsize len, GError **error);

/* Writes `s` as a JSON string: quoted, '"' and '\\' escaped, control characters as \u00XX,
 * invalid UTF-8 replaced (file names need not be UTF-8). The strings of the JSON writer
 * (json_write.h), which every output uses. */
void sim_json_write_string(GString *out, const char *s);
void sim_json_free(SimJson *j);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimJson, sim_json_free)

/* The member `key` of an object (NULL if absent or `j` is not an object). */
const SimJson *sim_json_get(const SimJson *j, const char *key);
/* A string member's value, or NULL. */
const char *sim_json_get_str(const SimJson *j, const char *key);
/* An integer number (no fraction or exponent) that fits int64. */
gboolean sim_json_int(const SimJson *j, int64_t *out);
/* A number with at most 3 fraction digits and no exponent, times 1000, exactly: the
 * microsecond timestamps of a Chrome trace back to integer nanoseconds. */
gboolean sim_json_milli(const SimJson *j, int64_t *out);
double sim_json_double(const SimJson *j); /* NUMBER as a double; NAN otherwise */
