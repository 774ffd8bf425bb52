/* yamltree.h — a small YAML tree (scalars, mappings, sequences) that remembers where every node
 * came from, built from libyaml events.
 *
 * Only the subset a configuration file needs: one document, no aliases, anchors or tags,
 * scalar keys without duplicates. Every node carries its source (a file name, or the whole
 * "--set KEY=VALUE" argument it came from) and its 1-based line and column, so that errors found
 * long after parsing can still point at the text. */
#pragma once

#include <glib.h>

typedef enum { YT_SCALAR, YT_MAPPING, YT_SEQUENCE } YtKind;

typedef struct YtNode YtNode;
struct YtNode {
  YtKind kind;
  gboolean plain;         /* SCALAR: unquoted, so "" / "~" / "null" mean "no value" */
  gboolean from_override; /* `source` is a --set argument, not a file */
  guint line, col;        /* 1-based */
  char *source;           /* GRefString, shared by all nodes of one parse */
  char *text;             /* SCALAR: the value (never contains NUL) */
  GPtrArray *keys;        /* MAPPING: key scalars, parallel to items */
  GPtrArray *items;       /* MAPPING: values; SEQUENCE: elements */
  GHashTable *index;      /* MAPPING: key text -> position + 1 */
};

/* Limits that keep hostile input from exhausting the stack or memory. */
#define YT_MAX_DEPTH 64u
#define YT_MAX_NODES 2000000u

/* Inputs read whole are read at most this far (state tables, scenarios, sweeps, kernel
 * sources): /dev/zero, a FIFO fed forever or a huge file stops here, not in the OOM killer. */
#define YT_MAX_FILE_BYTES ((gsize)16 << 20)

/* The bytes of `path`, NUL-terminated, read in chunks and never past `cap` bytes: a file over
 * it is "PATH: over the N MiB limit for a WHAT" (`domain`/`code`, as any unreadable file is).
 * Works for pipes and devices, which have no size to ask for first. */
char *yt_read_file(const char *path, gsize cap, const char *what, gsize *len, GQuark domain, gint code,
                   GError **error);

/* Parses exactly one document. Returns NULL without setting `error` when the stream holds no
 * document at all (empty input, comments only). Errors use `domain`/`code` and read
 * "SOURCE:LINE:COL: problem", or "--set SOURCE: problem" when from_override. */
YtNode *yt_parse(const char *source, gboolean from_override, const char *data, gsize len,
                 GQuark domain, gint code, GError **error);
/* The one document in file `path` (a WHAT: "state table", "scenario"), read through
 * yt_read_file() with YT_MAX_FILE_BYTES; an unreadable or oversized file is
 * `io_code`, a bad or empty document `code`, so no caller gets NULL without an error. */
YtNode *yt_parse_file(const char *path, const char *what, GQuark domain, gint io_code, gint code, GError **error);

/* New nodes located where `like` is (same source, line, column, origin). */
YtNode *yt_scalar_new(const char *text, const YtNode *like);
YtNode *yt_mapping_new(const YtNode *like);
/* A plain scalar at an explicit place. */
YtNode *yt_scalar_new_at(const char *text, const char *source, gboolean from_override,
                         guint line, guint col);
void yt_node_free(YtNode *n);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(YtNode, yt_node_free)

/* Position of `key` in a mapping (index into keys/items), or -1. */
gint yt_mapping_index(const YtNode *map, const char *key);
/* Value for `key` in a mapping, or NULL. */
YtNode *yt_mapping_get(const YtNode *map, const char *key);
/* Takes ownership of `key` and `value`; an existing entry keeps its key node and gets `value`. */
void yt_mapping_set(YtNode *map, YtNode *key, YtNode *value);
/* Swaps the value at position i for `value` (owned) and returns the old one (caller frees). */
YtNode *yt_mapping_replace_at(YtNode *map, guint i, YtNode *value);

/* A plain scalar that YAML reads as null: empty, "~" or "null". */
gboolean yt_is_null(const YtNode *n);
/* "a scalar", "a mapping", "a sequence". */
const char *yt_kind_name(const YtNode *n);
/* Text for a message: single-quoted, control characters escaped, long text shortened. */
char *yt_quote(const char *text);
/* The same without quotes and whole: for names that the text around them already delimits. */
char *yt_escape(const char *text);
/* Sets `error` to "SOURCE:LINE:COL: message" (or "--set ARG: message") for node `at`. */
void yt_set_error(GError **error, GQuark domain, gint code, const YtNode *at, const char *fmt,
                  ...) G_GNUC_PRINTF(5, 6);
/* Same for a place that is not a node (libyaml marks, whole-source errors). */
void yt_set_error_at(GError **error, GQuark domain, gint code, const char *source,
                     gboolean from_override, guint line, guint col, const char *fmt, ...)
    G_GNUC_PRINTF(8, 9);
