/* json.c — strict recursive-descent JSON reader (see json.h). */
#include "sim/output/json.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *s, *end, *line_start;
  guint line;
  GError **error;
} Parser;

static gboolean fail(Parser *p, const char *at, const char *msg) {
  g_set_error(p->error, g_quark_from_static_string("sim-json"), 0, "%u:%u: %s", p->line,
              (guint)(g_utf8_pointer_to_offset(p->line_start, at) + 1), msg);
  return FALSE;
}

static void skip_ws(Parser *p) {
  while (p->s < p->end) {
    char c = *p->s;
    if (c == '\n') {
      p->line++;
      p->line_start = p->s + 1;
    } else if (c != ' ' && c != '\t' && c != '\r') {
      return;
    }
    p->s++;
  }
}

static SimJson *node(SimJsonType t) {
  SimJson *j = g_new0(SimJson, 1);
  j->type = t;
  return j;
}

static gboolean hex4(Parser *p, guint *out) {
  if (p->end - p->s < 4) return fail(p, p->s, "truncated \\u escape");
  *out = 0;
  for (int i = 0; i < 4; i++) {
    int v = g_ascii_xdigit_value(p->s[i]);
    if (v < 0) return fail(p, p->s + i, "bad hex digit in \\u escape");
    *out = *out * 16 + (guint)v;
  }
  p->s += 4;
  return TRUE;
}

/* p->s at the opening quote; the decoded string in *out. */
static gboolean parse_string(Parser *p, char **out) {
  g_autoptr(GString) b = g_string_new(NULL);
  p->s++;
  while (TRUE) {
    if (p->s >= p->end) return fail(p, p->s, "unterminated string");
    unsigned char c = (unsigned char)*p->s;
    if (c == '"') break;
    if (c < 0x20) return fail(p, p->s, "control character in string");
    if (c != '\\') {
      g_string_append_c(b, (char)c);
      p->s++;
      continue;
    }
    const char *esc = p->s++;
    if (p->s >= p->end) return fail(p, esc, "unterminated escape");
    char e = *p->s++;
    switch (e) {
    case '"': g_string_append_c(b, '"'); break;
    case '\\': g_string_append_c(b, '\\'); break;
    case '/': g_string_append_c(b, '/'); break;
    case 'b': g_string_append_c(b, '\b'); break;
    case 'f': g_string_append_c(b, '\f'); break;
    case 'n': g_string_append_c(b, '\n'); break;
    case 'r': g_string_append_c(b, '\r'); break;
    case 't': g_string_append_c(b, '\t'); break;
    case 'u': {
      guint u;
      if (!hex4(p, &u)) return FALSE;
      if (u >= 0xDC00 && u <= 0xDFFF) return fail(p, esc, "lone low surrogate");
      if (u >= 0xD800 && u <= 0xDBFF) { /* a pair: \uD8xx\uDCxx */
        guint lo;
        if (p->end - p->s < 2 || p->s[0] != '\\' || p->s[1] != 'u') return fail(p, esc, "lone high surrogate");
        p->s += 2;
        if (!hex4(p, &lo)) return FALSE;
        if (lo < 0xDC00 || lo > 0xDFFF) return fail(p, esc, "lone high surrogate");
        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
      }
      g_string_append_unichar(b, (gunichar)u);
      break;
    }
    default: return fail(p, esc, "bad escape");
    }
  }
  p->s++;
  *out = g_string_free(g_steal_pointer(&b), FALSE);
  return TRUE;
}

static gboolean parse_number(Parser *p, SimJson *j) {
  const char *start = p->s, *s = p->s;
  if (s < p->end && *s == '-') s++;
  if (s >= p->end || !g_ascii_isdigit(*s)) return fail(p, start, "bad number");
  if (*s == '0') {
    s++;
    if (s < p->end && g_ascii_isdigit(*s)) return fail(p, start, "leading zero in number");
  } else {
    while (s < p->end && g_ascii_isdigit(*s)) s++;
  }
  if (s < p->end && *s == '.') {
    s++;
    if (s >= p->end || !g_ascii_isdigit(*s)) return fail(p, start, "bad fraction in number");
    while (s < p->end && g_ascii_isdigit(*s)) s++;
  }
  if (s < p->end && (*s == 'e' || *s == 'E')) {
    s++;
    if (s < p->end && (*s == '+' || *s == '-')) s++;
    if (s >= p->end || !g_ascii_isdigit(*s)) return fail(p, start, "bad exponent in number");
    while (s < p->end && g_ascii_isdigit(*s)) s++;
  }
  j->text = g_strndup(start, (gsize)(s - start));
  p->s = s;
  return TRUE;
}

static gboolean literal(Parser *p, const char *word) {
  gsize n = strlen(word);
  if ((gsize)(p->end - p->s) < n || strncmp(p->s, word, n)) return fail(p, p->s, "unexpected character");
  p->s += n;
  return TRUE;
}

static SimJson *parse_value(Parser *p, guint depth);

static SimJson *parse_container(Parser *p, guint depth, gboolean object) {
  if (depth >= SIM_JSON_MAX_DEPTH) {
    fail(p, p->s, "nesting too deep");
    return NULL;
  }
  g_autoptr(SimJson) j = node(object ? SIM_JSON_OBJECT : SIM_JSON_ARRAY);
  j->items = g_ptr_array_new_with_free_func((GDestroyNotify)sim_json_free);
  if (object) j->keys = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GHashTable) seen = object ? g_hash_table_new(g_str_hash, g_str_equal) : NULL;
  char close = object ? '}' : ']';
  p->s++;
  skip_ws(p);
  if (p->s < p->end && *p->s == close) {
    p->s++;
    return g_steal_pointer(&j);
  }
  while (TRUE) {
    skip_ws(p);
    if (object) {
      if (p->s >= p->end || *p->s != '"') {
        fail(p, p->s, "expected a string key");
        return NULL;
      }
      const char *at = p->s;
      char *key;
      if (!parse_string(p, &key)) return NULL;
      g_ptr_array_add(j->keys, key);
      if (!g_hash_table_add(seen, key)) {
        fail(p, at, "duplicate key");
        return NULL;
      }
      skip_ws(p);
      if (p->s >= p->end || *p->s != ':') {
        fail(p, p->s, "expected ':'");
        return NULL;
      }
      p->s++;
    }
    SimJson *v = parse_value(p, depth + 1);
    if (!v) return NULL;
    g_ptr_array_add(j->items, v);
    skip_ws(p);
    if (p->s < p->end && *p->s == ',') {
      p->s++;
      continue;
    }
    if (p->s < p->end && *p->s == close) {
      p->s++;
      return g_steal_pointer(&j);
    }
    fail(p, p->s, object ? "expected ',' or '}'" : "expected ',' or ']'");
    return NULL;
  }
}

static SimJson *parse_value(Parser *p, guint depth) {
  skip_ws(p);
  if (p->s >= p->end) {
    fail(p, p->s, "unexpected end of input");
    return NULL;
  }
  switch (*p->s) {
  case '{': return parse_container(p, depth, TRUE);
  case '[': return parse_container(p, depth, FALSE);
  case '"': {
    g_autoptr(SimJson) j = node(SIM_JSON_STRING);
    return parse_string(p, &j->text) ? g_steal_pointer(&j) : NULL;
  }
  case 't':
  case 'f': {
    g_autoptr(SimJson) j = node(SIM_JSON_BOOL);
    j->boolean = *p->s == 't';
    return literal(p, j->boolean ? "true" : "false") ? g_steal_pointer(&j) : NULL;
  }
  case 'n': {
    g_autoptr(SimJson) j = node(SIM_JSON_NULL);
    return literal(p, "null") ? g_steal_pointer(&j) : NULL;
  }
  default: {
    g_autoptr(SimJson) j = node(SIM_JSON_NUMBER);
    return parse_number(p, j) ? g_steal_pointer(&j) : NULL;
  }
  }
}

SimJson *sim_json_parse(const char *text, gsize len, GError **error) {
  Parser p = {.s = text, .end = text + len, .line_start = text, .line = 1, .error = error};
  const char *bad;
  if (!g_utf8_validate(text, (gssize)len, &bad)) {
    p.s = text; /* position of the bad byte: count lines up to it */
    for (const char *c = text; c < bad; c++)
      if (*c == '\n') {
        p.line++;
        p.line_start = c + 1;
      }
    g_set_error(error, g_quark_from_static_string("sim-json"), 0, "%u:%u: invalid UTF-8 or NUL byte", p.line,
                (guint)(bad - p.line_start + 1));
    return NULL;
  }
  SimJson *j = parse_value(&p, 0);
  if (!j) return NULL;
  skip_ws(&p);
  if (p.s != p.end) {
    fail(&p, p.s, "trailing data after the JSON value");
    sim_json_free(j);
    return NULL;
  }
  return j;
}

void sim_json_free(SimJson *j) {
  if (!j) return;
  g_free(j->text);
  if (j->items) g_ptr_array_unref(j->items);
  if (j->keys) g_ptr_array_unref(j->keys);
  g_free(j);
}

const SimJson *sim_json_get(const SimJson *j, const char *key) {
  if (!j || j->type != SIM_JSON_OBJECT) return NULL;
  for (guint i = 0; i < j->keys->len; i++)
    if (!strcmp(j->keys->pdata[i], key)) return j->items->pdata[i];
  return NULL;
}

const char *sim_json_get_str(const SimJson *j, const char *key) {
  const SimJson *v = sim_json_get(j, key);
  return v && v->type == SIM_JSON_STRING ? v->text : NULL;
}

gboolean sim_json_int(const SimJson *j, int64_t *out) {
  if (!j || j->type != SIM_JSON_NUMBER || strpbrk(j->text, ".eE")) return FALSE;
  char *end;
  errno = 0;
  long long v = strtoll(j->text, &end, 10);
  if (errno || *end) return FALSE;
  *out = v;
  return TRUE;
}

gboolean sim_json_milli(const SimJson *j, int64_t *out) {
  if (!j || j->type != SIM_JSON_NUMBER || strpbrk(j->text, "eE")) return FALSE;
  const char *t = j->text;
  gboolean neg = *t == '-';
  if (neg) t++;
  int64_t v = 0;
  for (; g_ascii_isdigit(*t); t++) {
    if (v > (G_MAXINT64 - 9) / 10 / 1000) return FALSE;
    v = v * 10 + (*t - '0');
  }
  int64_t frac = 0;
  int digits = 0;
  if (*t == '.')
    for (t++; g_ascii_isdigit(*t); t++, digits++) {
      if (digits == 3) return FALSE;
      frac = frac * 10 + (*t - '0');
    }
  for (; digits < 3; digits++) frac *= 10;
  *out = (neg ? -1 : 1) * (v * 1000 + frac);
  return TRUE;
}

double sim_json_double(const SimJson *j) {
  if (!j || j->type != SIM_JSON_NUMBER) return NAN;
  return g_ascii_strtod(j->text, NULL);
}

void sim_json_write_string(GString *out, const char *str) {
  g_autofree char *s = g_utf8_make_valid(str, -1);
  g_string_append_c(out, '"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') g_string_append_printf(out, "\\%c", *p);
    else if (*p < 0x20) g_string_append_printf(out, "\\u%04x", *p);
    else g_string_append_c(out, (char)*p);
  }
  g_string_append_c(out, '"');
}
