/* yamltree.c — libyaml events to a located node tree. */
#include "models/profile/yamltree.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

static YtNode *node_new(YtKind kind, const char *source_ref, gboolean from_override, guint line,
                        guint col) {
  YtNode *n = g_new0(YtNode, 1);
  n->kind = kind;
  n->from_override = from_override;
  n->line = line;
  n->col = col;
  n->source = g_ref_string_acquire((char *)source_ref);
  if (kind == YT_MAPPING) {
    n->keys = g_ptr_array_new_with_free_func((GDestroyNotify)yt_node_free);
    n->index = g_hash_table_new(g_str_hash, g_str_equal); /* keys borrowed from `keys` */
  }
  if (kind != YT_SCALAR) n->items = g_ptr_array_new_with_free_func((GDestroyNotify)yt_node_free);
  return n;
}

static YtNode *node_like(YtKind kind, const YtNode *like) {
  return node_new(kind, like->source, like->from_override, like->line, like->col);
}

YtNode *yt_scalar_new_at(const char *text, const char *source, gboolean from_override,
                         guint line, guint col) {
  char *ref = g_ref_string_new(source);
  YtNode *n = node_new(YT_SCALAR, ref, from_override, line, col);
  g_ref_string_release(ref);
  n->text = g_strdup(text);
  n->plain = TRUE;
  return n;
}

YtNode *yt_scalar_new(const char *text, const YtNode *like) {
  YtNode *n = node_like(YT_SCALAR, like);
  n->text = g_strdup(text);
  n->plain = TRUE;
  return n;
}

YtNode *yt_mapping_new(const YtNode *like) {
  return node_like(YT_MAPPING, like);
}

void yt_node_free(YtNode *n) {
  if (!n) return;
  /* Depth is bounded by YT_MAX_DEPTH (parser) or by the override path length, so recursion is
   * safe here. */
  if (n->index) g_hash_table_destroy(n->index);
  if (n->keys) g_ptr_array_unref(n->keys);
  if (n->items) g_ptr_array_unref(n->items);
  g_free(n->text);
  g_ref_string_release(n->source);
  g_free(n);
}

gint yt_mapping_index(const YtNode *map, const char *key) {
  g_assert(map->kind == YT_MAPPING);
  return (gint)GPOINTER_TO_UINT(g_hash_table_lookup(map->index, key)) - 1;
}

YtNode *yt_mapping_get(const YtNode *map, const char *key) {
  gint pos = yt_mapping_index(map, key);
  return pos >= 0 ? g_ptr_array_index(map->items, pos) : NULL;
}

void yt_mapping_set(YtNode *map, YtNode *key, YtNode *value) {
  g_assert(map->kind == YT_MAPPING && key->kind == YT_SCALAR);
  guint pos = GPOINTER_TO_UINT(g_hash_table_lookup(map->index, key->text));
  if (pos) {
    yt_node_free(yt_mapping_replace_at(map, pos - 1, value));
    yt_node_free(key);
    return;
  }
  g_ptr_array_add(map->keys, key);
  g_ptr_array_add(map->items, value);
  g_hash_table_insert(map->index, key->text, GUINT_TO_POINTER(map->keys->len));
}

YtNode *yt_mapping_replace_at(YtNode *map, guint i, YtNode *value) {
  g_assert(map->kind == YT_MAPPING && i < map->items->len);
  YtNode *old = g_ptr_array_index(map->items, i);
  map->items->pdata[i] = value;
  return old;
}

gboolean yt_is_null(const YtNode *n) {
  return n->kind == YT_SCALAR && n->plain &&
         (n->text[0] == '\0' || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0);
}

const char *yt_kind_name(const YtNode *n) {
  static const char *const names[] = {"a scalar", "a mapping", "a sequence"};
  return names[n->kind];
}

/* Appends `text` so that it stays on one line and stays valid UTF-8: control characters and
 * invalid bytes (a --set argument need not be UTF-8) become escapes. max_chars 0: no limit. */
static void escape_into(GString *out, const char *text, guint max_chars) {
  const char *p = text;
  gsize left = strlen(text);
  for (guint n = 0; left > 0; n++) {
    if (max_chars && n == max_chars) {
      g_string_append(out, "...");
      return;
    }
    gunichar c = g_utf8_get_char_validated(p, (gssize)left);
    if (c == (gunichar)-1 || c == (gunichar)-2) {
      g_string_append_printf(out, "\\x%02x", (guchar)*p);
      p++, left--;
      continue;
    }
    gsize w = (gsize)(g_utf8_next_char(p) - p);
    if (c == '\n') g_string_append(out, "\\n");
    else if (c == '\t') g_string_append(out, "\\t");
    else if (c == '\r') g_string_append(out, "\\r");
    else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029)
      g_string_append_printf(out, "\\u%04x", c);
    else g_string_append_len(out, p, (gssize)w);
    p += w, left -= w;
  }
}

char *yt_quote(const char *text) {
  GString *s = g_string_new("'");
  escape_into(s, text, 60);
  g_string_append_c(s, '\'');
  return g_string_free(s, FALSE);
}

char *yt_escape(const char *text) {
  GString *s = g_string_new(NULL);
  escape_into(s, text, 0);
  return g_string_free(s, FALSE);
}

static void set_error_va(GError **error, GQuark domain, gint code, const char *source,
                         gboolean from_override, guint line, guint col, const char *fmt,
                         va_list ap) {
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  g_autoptr(GString) s = g_string_new(from_override ? "--set " : NULL);
  escape_into(s, source, 0);
  if (!from_override) g_string_append_printf(s, ":%u:%u", line, col);
  g_string_append(s, ": ");
  g_string_append(s, msg);
  g_set_error_literal(error, domain, code, s->str);
}

void yt_set_error_at(GError **error, GQuark domain, gint code, const char *source,
                     gboolean from_override, guint line, guint col, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  set_error_va(error, domain, code, source, from_override, line, col, fmt, ap);
  va_end(ap);
}

void yt_set_error(GError **error, GQuark domain, gint code, const YtNode *at, const char *fmt,
                  ...) {
  va_list ap;
  va_start(ap, fmt);
  set_error_va(error, domain, code, at->source, at->from_override, at->line, at->col, fmt, ap);
  va_end(ap);
}

/* ---- parsing ---- */

typedef struct {
  char *source; /* GRefString */
  gboolean from_override;
  GQuark domain;
  gint code;
  YtNode *root;
  GPtrArray *open; /* containers being filled, innermost last (borrowed) */
  guint n_nodes, n_docs;
} Builder;

static void builder_error(Builder *b, GError **error, const yaml_mark_t *m, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);
static void builder_error(Builder *b, GError **error, const yaml_mark_t *m, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  set_error_va(error, b->domain, b->code, b->source, b->from_override, (guint)m->line + 1,
               (guint)m->column + 1, fmt, ap);
  va_end(ap);
}

/* Hangs `n` (owned) into the tree, checking the key rules. */
static gboolean builder_add(Builder *b, YtNode *n, GError **error) {
  if (++b->n_nodes > YT_MAX_NODES) {
    yt_set_error(error, b->domain, b->code, n, "more than %u nodes", YT_MAX_NODES);
    yt_node_free(n);
    return FALSE;
  }
  if (b->open->len == 0) {
    g_assert(!b->root); /* a second document is refused at its start */
    b->root = n;
  } else {
    YtNode *parent = g_ptr_array_index(b->open, b->open->len - 1);
    if (parent->kind == YT_MAPPING && parent->keys->len == parent->items->len) {
      if (n->kind != YT_SCALAR) {
        yt_set_error(error, b->domain, b->code, n, "mapping keys must be scalars, not %s",
                     yt_kind_name(n) + 2);
        yt_node_free(n);
        return FALSE;
      }
      guint first = GPOINTER_TO_UINT(g_hash_table_lookup(parent->index, n->text));
      if (first) {
        const YtNode *k = g_ptr_array_index(parent->keys, first - 1);
        g_autofree char *q = yt_quote(n->text);
        yt_set_error(error, b->domain, b->code, n, "duplicate key %s (first at line %u)", q,
                     k->line);
        yt_node_free(n);
        return FALSE;
      }
      g_ptr_array_add(parent->keys, n);
      g_hash_table_insert(parent->index, n->text, GUINT_TO_POINTER(parent->keys->len));
    } else {
      g_ptr_array_add(parent->items, n);
    }
  }
  if (n->kind != YT_SCALAR) {
    if (b->open->len == YT_MAX_DEPTH) {
      yt_set_error(error, b->domain, b->code, n, "nesting deeper than %u levels", YT_MAX_DEPTH);
      return FALSE;
    }
    g_ptr_array_add(b->open, n);
  }
  return TRUE;
}

/* libyaml reports reader errors (bad UTF-8, control characters) as a byte offset. Columns
 * count characters, as libyaml's marks do. */
static void offset_to_line_col(const char *data, gsize len, gsize off, guint *line, guint *col) {
  *line = 1, *col = 1;
  for (gsize i = 0; i < off && i < len; i++) {
    if (data[i] == '\n') *line += 1, *col = 1;
    else if (((guchar)data[i] & 0xc0) != 0x80) *col += 1;
  }
}

static void libyaml_error(Builder *b, const yaml_parser_t *p, const char *data, gsize len,
                          GError **error) {
  const char *problem = p->problem ? p->problem : "invalid YAML";
  if (p->error == YAML_MEMORY_ERROR) problem = "out of memory";
  if (p->error == YAML_READER_ERROR) {
    guint line, col;
    offset_to_line_col(data, len, p->problem_offset, &line, &col);
    if (p->problem_value >= 0)
      yt_set_error_at(error, b->domain, b->code, b->source, b->from_override, line, col,
                      "%s (0x%x)", problem, (unsigned)p->problem_value);
    else
      yt_set_error_at(error, b->domain, b->code, b->source, b->from_override, line, col, "%s",
                      problem);
    return;
  }
  builder_error(b, error, &p->problem_mark, "%s", problem);
}

static gboolean handle_event(Builder *b, const yaml_event_t *ev, GError **error) {
  const yaml_mark_t *m = &ev->start_mark;
  const yaml_char_t *anchor = NULL, *tag = NULL;
  YtKind kind = YT_SCALAR;
  switch (ev->type) {
  case YAML_DOCUMENT_START_EVENT:
    if (++b->n_docs > 1) {
      builder_error(b, error, m, "more than one document");
      return FALSE;
    }
    return TRUE;
  case YAML_ALIAS_EVENT:
    builder_error(b, error, m, "aliases are not supported");
    return FALSE;
  case YAML_SCALAR_EVENT:
    anchor = ev->data.scalar.anchor, tag = ev->data.scalar.tag;
    break;
  case YAML_SEQUENCE_START_EVENT:
    anchor = ev->data.sequence_start.anchor, tag = ev->data.sequence_start.tag;
    kind = YT_SEQUENCE;
    break;
  case YAML_MAPPING_START_EVENT:
    anchor = ev->data.mapping_start.anchor, tag = ev->data.mapping_start.tag;
    kind = YT_MAPPING;
    break;
  case YAML_SEQUENCE_END_EVENT:
  case YAML_MAPPING_END_EVENT:
    g_ptr_array_set_size(b->open, b->open->len - 1);
    return TRUE;
  default:
    return TRUE;
  }
  if (anchor) {
    builder_error(b, error, m, "aliases are not supported (anchor '&%s')", (const char *)anchor);
    return FALSE;
  }
  if (tag) {
    builder_error(b, error, m, "tags are not supported");
    return FALSE;
  }
  YtNode *n = node_new(kind, b->source, b->from_override, (guint)m->line + 1, (guint)m->column + 1);
  if (kind == YT_SCALAR) {
    const char *v = (const char *)ev->data.scalar.value;
    gsize vlen = ev->data.scalar.length;
    if (memchr(v, '\0', vlen)) {
      builder_error(b, error, m, "NUL character in a scalar");
      yt_node_free(n);
      return FALSE;
    }
    n->text = g_strndup(v, vlen);
    n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
  }
  return builder_add(b, n, error);
}

YtNode *yt_parse(const char *source, gboolean from_override, const char *data, gsize len,
                 GQuark domain, gint code, GError **error) {
  Builder b = {.source = g_ref_string_new(source), .from_override = from_override,
               .domain = domain, .code = code, .open = g_ptr_array_new()};
  yaml_parser_t parser;
  gboolean ok = TRUE;
  if (!yaml_parser_initialize(&parser)) g_error("yaml_parser_initialize: out of memory");
  yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
  for (gboolean done = FALSE; ok && !done;) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&parser, &ev)) {
      libyaml_error(&b, &parser, data, len, error);
      ok = FALSE;
      break;
    }
    done = ev.type == YAML_STREAM_END_EVENT || ev.type == YAML_NO_EVENT;
    ok = handle_event(&b, &ev, error);
    yaml_event_delete(&ev);
  }
  yaml_parser_delete(&parser);
  g_ptr_array_unref(b.open);
  g_ref_string_release(b.source);
  if (!ok) g_clear_pointer(&b.root, yt_node_free);
  return b.root;
}

char *yt_read_file(const char *path, gsize cap, const char *what, gsize *len, GQuark domain, gint code,
                   GError **error) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    int e = errno;
    g_set_error(error, domain, code, "%s: %s", path, g_strerror(e));
    return NULL;
  }
  g_autoptr(GByteArray) buf = g_byte_array_new();
  guint8 chunk[65536];
  size_t got;
  /* stop one chunk past the cap at most: enough to know the file is over it */
  while (buf->len <= cap && (got = fread(chunk, 1, sizeof chunk, f)) > 0) g_byte_array_append(buf, chunk, (guint)got);
  int e = ferror(f) ? errno : 0;
  fclose(f);
  if (e) {
    g_set_error(error, domain, code, "%s: %s", path, g_strerror(e));
    return NULL;
  }
  if (buf->len > cap) {
    g_set_error(error, domain, code, "%s: over the %" G_GSIZE_FORMAT " MiB limit for a %s", path, cap >> 20, what);
    return NULL;
  }
  *len = buf->len;
  g_byte_array_append(buf, (const guint8 *)"", 1);
  return (char *)g_byte_array_free(g_steal_pointer(&buf), FALSE);
}

YtNode *yt_parse_file(const char *path, const char *what, GQuark domain, gint io_code, gint code, GError **error) {
  gsize len;
  g_autofree char *data = yt_read_file(path, YT_MAX_FILE_BYTES, what, &len, domain, io_code, error);
  if (!data) return NULL;
  g_autoptr(GError) err = NULL;
  YtNode *root = yt_parse(path, FALSE, data, len, domain, code, &err);
  if (!root && !err) g_set_error(&err, domain, code, "%s: empty %s", path, what);
  if (err) g_propagate_error(error, g_steal_pointer(&err));
  return root;
}
