/* cpuhp_source.c — a state table read from a kernel's own source: the numbering from
 * `enum cpuhp_state` in include/linux/cpuhotplug.h, names and callbacks from the static
 * `cpuhp_hp_states[]` entries of kernel/cpu.c, both after the preprocessor conditionals are
 * decided by a .config. States registered elsewhere (drivers, the trace ring buffer, dynamic
 * slots) are not in those two files: they come from the shipped table of the arch, renumbered by
 * their enum name. The result is typed rows (cpuhp_source.h). */
#include <string.h>

#include "models/kernel/cpuhp_source.h"

#include "models/kernel/arch.h"
#include "models/profile/profile.h"
#include "models/profile/yamltree.h"

#define FAIL(...) (g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_VALUE, __VA_ARGS__), FALSE)
#define FAIL_NULL(...) (g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_VALUE, __VA_ARGS__), NULL)

/* ---- .config and the preprocessor ---- */

/* CONFIG_X=y|m -> enabled; anything else (n, not set, absent) -> not. */
static GHashTable *read_config(const char *text) {
  GHashTable *on = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);
  for (char **l = lines; *l; l++) {
    char *eq = strchr(*l, '=');
    if (strncmp(*l, "CONFIG_", 7) || !eq) continue;
    if (eq[1] == 'y' || eq[1] == 'm') g_hash_table_add(on, g_strndup(*l, (gsize)(eq - *l)));
  }
  return on;
}

typedef struct {
  const char *p;
  GHashTable *config;
  guint depth; /* nesting of ( and !: bounded, so no input can exhaust the stack */
} Expr;

#define MAX_EXPR_DEPTH 64

static void skip_ws(Expr *x) {
  while (*x->p == ' ' || *x->p == '\t') x->p++;
}

static gboolean ident(Expr *x, char *buf, gsize len) {
  skip_ws(x);
  gsize n = 0;
  while (g_ascii_isalnum(x->p[n]) || x->p[n] == '_') n++;
  if (!n || n >= len) return FALSE;
  memcpy(buf, x->p, n);
  buf[n] = '\0';
  x->p += n;
  return TRUE;
}

static long expr_or(Expr *x);

/* defined(X), defined X, IS_ENABLED(X), IS_BUILTIN(X), IS_MODULE(X), integers, ( ), !;
 * any other identifier is 0, as in C. */
static long expr_unary(Expr *x) {
  skip_ws(x);
  if ((*x->p == '!' || *x->p == '(') && x->depth >= MAX_EXPR_DEPTH) { /* deeper than any kernel #if */
    x->p += strlen(x->p);
    return 0;
  }
  if (*x->p == '!') {
    x->p++;
    x->depth++;
    long v = !expr_unary(x);
    x->depth--;
    return v;
  }
  if (*x->p == '(') {
    x->p++;
    x->depth++;
    long v = expr_or(x);
    x->depth--;
    skip_ws(x);
    if (*x->p == ')') x->p++;
    return v;
  }
  if (g_ascii_isdigit(*x->p)) return strtol(x->p, (char **)&x->p, 0);
  char id[128];
  if (!ident(x, id, sizeof id)) {
    if (*x->p) x->p++;
    return 0;
  }
  if (!strcmp(id, "defined") || !strcmp(id, "IS_ENABLED") || !strcmp(id, "IS_BUILTIN") || !strcmp(id, "IS_MODULE")) {
    skip_ws(x);
    gboolean paren = *x->p == '(';
    if (paren) x->p++;
    char arg[128];
    long v = ident(x, arg, sizeof arg) && g_hash_table_contains(x->config, arg);
    skip_ws(x);
    if (paren && *x->p == ')') x->p++;
    return v;
  }
  return 0;
}

static long expr_and(Expr *x) {
  long v = expr_unary(x);
  for (skip_ws(x); x->p[0] == '&' && x->p[1] == '&'; skip_ws(x)) {
    x->p += 2;
    long r = expr_unary(x);
    v = v && r;
  }
  return v;
}

static long expr_or(Expr *x) {
  long v = expr_and(x);
  for (skip_ws(x); x->p[0] == '|' && x->p[1] == '|'; skip_ws(x)) {
    x->p += 2;
    long r = expr_and(x);
    v = v || r;
  }
  return v;
}

/* The text with comments blanked and the lines the config excludes dropped. */
static char *preprocess(const char *text, GHashTable *config) {
  GString *nc = g_string_sized_new(strlen(text)); /* comments out, newlines kept */
  for (const char *p = text; *p; p++) {
    if (p[0] == '/' && p[1] == '*') {
      for (p += 2; *p && !(p[0] == '*' && p[1] == '/'); p++)
        if (*p == '\n') g_string_append_c(nc, '\n');
      if (!*p) break;
      p++;
      g_string_append_c(nc, ' ');
    } else if (p[0] == '/' && p[1] == '/') {
      while (p[1] && p[1] != '\n') p++;
    } else if (*p == '"') { /* strings pass whole: comment markers inside are text */
      g_string_append_c(nc, *p);
      for (p++; *p && *p != '"'; p++) {
        g_string_append_c(nc, *p);
        if (*p == '\\' && p[1]) g_string_append_c(nc, *++p);
      }
      if (!*p) break;
      g_string_append_c(nc, '"');
    } else {
      g_string_append_c(nc, *p);
    }
  }
  /* #if stack: each level is (this branch live, some branch already taken) */
  GArray *live = g_array_new(FALSE, FALSE, sizeof(gboolean)), *taken = g_array_new(FALSE, FALSE, sizeof(gboolean));
  GString *out = g_string_sized_new(nc->len);
  g_auto(GStrv) lines = g_strsplit(nc->str, "\n", -1);
  g_string_free(nc, TRUE);
  for (char **l = lines; *l; l++) {
    const char *s = *l;
    while (*s == ' ' || *s == '\t') s++;
    gboolean up = !live->len || g_array_index(live, gboolean, live->len - 1);
    if (*s != '#') {
      if (up) g_string_append(out, *l);
      g_string_append_c(out, '\n');
      continue;
    }
    s++;
    while (*s == ' ' || *s == '\t') s++;
    Expr x = {.config = config};
    gboolean v = FALSE, opens = TRUE;
    if (!strncmp(s, "ifdef", 5) || !strncmp(s, "ifndef", 6)) {
      char id[128];
      x.p = s + (s[2] == 'n' ? 6 : 5);
      v = ident(&x, id, sizeof id) && g_hash_table_contains(config, id);
      if (s[2] == 'n') v = !v;
    } else if (!strncmp(s, "if", 2)) {
      x.p = s + 2;
      v = expr_or(&x) != 0;
    } else {
      opens = FALSE;
    }
    if (opens) {
      gboolean lv = up && v, tk = v;
      g_array_append_val(live, lv);
      g_array_append_val(taken, tk);
    } else if (live->len && (!strncmp(s, "elif", 4) || !strncmp(s, "else", 4))) {
      gboolean parent = live->len < 2 || g_array_index(live, gboolean, live->len - 2);
      gboolean *tk = &g_array_index(taken, gboolean, taken->len - 1);
      x.p = s + 4;
      gboolean cond = s[2] == 'i' ? expr_or(&x) != 0 : TRUE;
      g_array_index(live, gboolean, live->len - 1) = parent && !*tk && cond;
      *tk = *tk || cond;
    } else if (live->len && !strncmp(s, "endif", 5)) {
      g_array_set_size(live, live->len - 1);
      g_array_set_size(taken, taken->len - 1);
    }
    g_string_append_c(out, '\n');
  }
  g_array_unref(live);
  g_array_unref(taken);
  return g_string_free(out, FALSE);
}

/* ---- the enum ---- */

/* The first `what` followed (after white space) by `next`, or NULL: a definition, not one of the
 * forward declarations and uses around it ("cpuhp_hp_states[];", "enum cpuhp_state state"). */
static const char *find_followed(const char *src, const char *what, char next) {
  for (const char *p = strstr(src, what); p; p = strstr(p + 1, what)) {
    const char *q = p + strlen(what);
    while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r') q++;
    if (*q == next) return q;
  }
  return NULL;
}

static gboolean parse_enum(const char *src, GHashTable *values, GPtrArray *order, GError **error) {
  const char *open = find_followed(src, "enum cpuhp_state", '{'), *close = open ? strchr(open, '}') : NULL;
  if (!close) return FAIL("cpuhotplug.h: no `enum cpuhp_state { ... }`");
  g_autofree char *body = g_strndup(open + 1, (gsize)(close - open - 1));
  g_auto(GStrv) items = g_strsplit(body, ",", -1);
  long next = 0;
  for (char **it = items; *it; it++) {
    char *s = g_strstrip(*it);
    if (!*s) continue;
    char *eq = strchr(s, '=');
    g_autofree char *written = NULL; /* the value as the file has it, for a message */
    if (eq) {
      *eq = '\0';
      char *rhs = g_strstrip(eq + 1), *name = g_strstrip(s);
      written = g_strdup(rhs);
      long add = 0;
      char *op = strpbrk(rhs, "+-");
      if (op && op != rhs) { /* literals are clamped far outside the enum's range: no overflow */
        add = CLAMP(strtol(op + 1, NULL, 0), 0, 1L << 20) * (*op == '-' ? -1 : 1);
        *op = '\0';
        rhs = g_strstrip(rhs);
      }
      if (g_ascii_isdigit(*rhs) || (*rhs == '-' && g_ascii_isdigit(rhs[1])))
        next = CLAMP(strtol(rhs, NULL, 0), -(1L << 20), 1L << 20) + add;
      else if (g_hash_table_contains(values, rhs)) next = GPOINTER_TO_INT(g_hash_table_lookup(values, rhs)) + add;
      else {
        g_autofree char *qn = yt_quote(name), *qr = yt_quote(rhs);
        return FAIL("cpuhotplug.h: %s = %s: unknown value", qn, qr);
      }
      s = name;
    }
    for (char *c = s; *c; c++)
      if (!g_ascii_isalnum(*c) && *c != '_') {
        g_autofree char *q = yt_quote(s);
        return FAIL("cpuhotplug.h: enum item %s is not a name", q);
      }
    if (next < -1 || next > G_MAXUINT16) {
      g_autofree char *q = written ? yt_quote(written) : g_strdup_printf("%ld (one past the item before)", next);
      return FAIL("cpuhotplug.h: %s = %s is out of range (-1 to %u)", s, q, G_MAXUINT16);
    }
    if (!g_hash_table_contains(values, s)) g_ptr_array_add(order, g_strdup(s));
    g_hash_table_replace(values, g_strdup(s), GINT_TO_POINTER((gint)next));
    next++;
  }
  if (!order->len) return FAIL("cpuhotplug.h: `enum cpuhp_state` is empty");
  return TRUE;
}

/* "CPUHP_X" or "CPUHP_X+N" (the shipped tables' dynamic slots) -> value, or -1. */
static gint enum_value(GHashTable *values, const char *name) {
  g_autofree char *n = g_strdup(name);
  char *plus = strchr(n, '+');
  gint add = 0;
  if (plus) {
    add = atoi(plus + 1);
    *plus = '\0';
  }
  gpointer v;
  if (!g_hash_table_lookup_extended(values, n, NULL, &v)) return -1;
  return GPOINTER_TO_INT(v) + add;
}

/* ---- kernel/cpu.c ---- */

typedef struct {
  char *enum_name, *name, *startup, *teardown;
} Entry;

static void entry_clear(gpointer p) {
  Entry *e = p;
  g_free(e->enum_name);
  g_free(e->name);
  g_free(e->startup);
  g_free(e->teardown);
}

/* `.field = value` inside an entry body: a string's contents or an identifier; NULL for NULL. */
static char *field(const char *body, const char *key) {
  const char *k = strstr(body, key);
  while (k && (g_ascii_isalnum(k[strlen(key)]) || k[strlen(key)] == '_' || k[strlen(key)] == '.'))
    k = strstr(k + 1, key);
  if (!k) return NULL;
  const char *v = strchr(k, '=');
  if (!v) return NULL;
  for (v++; *v == ' ' || *v == '\t' || *v == '\n'; v++) {}
  if (*v == '"') {
    const char *end = strchr(v + 1, '"');
    return end ? g_strndup(v + 1, (gsize)(end - v - 1)) : NULL;
  }
  gsize n = 0;
  while (g_ascii_isalnum(v[n]) || v[n] == '_') n++;
  if (!n || (n == 4 && !strncmp(v, "NULL", 4))) return NULL;
  return g_strndup(v, n);
}

static gboolean parse_cpu_c(const char *src, GArray *entries, GError **error) {
  const char *arr = find_followed(src, "cpuhp_hp_states[]", '=');
  if (!arr) return FAIL("cpu.c: no `cpuhp_hp_states[] = { ... }` array");
  for (const char *p = strchr(arr, '{'); p && (p = strchr(p, '[')); ) {
    const char *rb = strchr(p, ']'), *open = rb ? strchr(rb, '{') : NULL, *close = open ? strchr(open, '}') : NULL;
    const char *eq = rb ? strchr(rb, '=') : NULL;
    if (!close || !eq || eq > open) break;
    g_autofree char *en = g_strstrip(g_strndup(p + 1, (gsize)(rb - p - 1)));
    if (strncmp(en, "CPUHP_", 6)) break; /* past the array */
    for (const char *c = en; *c; c++)
      if (!g_ascii_isalnum(*c) && *c != '_') {
        g_autofree char *q = yt_quote(en);
        return FAIL("cpu.c: [%s] is not an enum cpuhp_state name", q);
      }
    g_autofree char *body = g_strndup(open + 1, (gsize)(close - open - 1));
    Entry e = {.enum_name = g_steal_pointer(&en), .name = field(body, ".name"),
               .startup = field(body, ".startup.single"), .teardown = field(body, ".teardown.single")};
    if (!e.startup) e.startup = field(body, ".startup.multi");
    gboolean plain = e.name != NULL;
    for (const char *c = e.name; c && *c; c++) plain &= g_ascii_isprint(*c) && *c != '\\';
    if (!plain) {
      g_autofree char *which = g_strdup(e.enum_name), *q = e.name ? yt_quote(e.name) : NULL;
      entry_clear(&e);
      return q ? FAIL("cpu.c: entry [%s] has a .name YAML cannot carry plainly: %s", which, q)
               : FAIL("cpu.c: entry [%s] has no .name", which);
    }
    g_array_append_val(entries, e);
    p = close + 1;
  }
  if (!entries->len) return FAIL("cpu.c: `cpuhp_hp_states[]` has no entries");
  return TRUE;
}

/* ---- the table ---- */

static gint by_step(gconstpointer a, gconstpointer b) {
  return (gint)((const CpuhpSourceRow *)a)->step - (gint)((const CpuhpSourceRow *)b)->step;
}

static const char *const landmarks[] = {"CPUHP_OFFLINE", "CPUHP_BP_KICK_AP", "CPUHP_BRINGUP_CPU", "CPUHP_AP_IDLE_DEAD",
                                        "CPUHP_AP_ONLINE", "CPUHP_TEARDOWN_CPU", "CPUHP_AP_ONLINE_IDLE", "CPUHP_ONLINE", NULL};

void cpuhp_source_table_free(CpuhpSourceTable *t) {
  if (!t) return;
  g_free(t->arch);
  g_free(t->version);
  g_array_unref(t->rows);
  g_string_chunk_free(t->strings);
  g_free(t);
}

static const char *keep(CpuhpSourceTable *t, const char *s) { return s ? g_string_chunk_insert_const(t->strings, s) : NULL; }

CpuhpSourceTable *cpuhp_table_from_source(const char *header, const char *cpu_c, const char *config, const char *arch,
                                          const char *version, GError **error) {
  const CpuhpTable *base = cpuhp_arch_base_table(arch);
  if (!base) return FAIL_NULL("no shipped %s table to take the states registered outside kernel/cpu.c from (known: %s)", arch,
                              cpuhp_table_known());
  g_autoptr(GHashTable) cfg = read_config(config);
  g_autofree char *h = preprocess(header, cfg), *c = preprocess(cpu_c, cfg);
  g_autoptr(GHashTable) values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func(g_free);
  if (!parse_enum(h, values, order, error)) return NULL;
  g_autoptr(GArray) entries = g_array_new(FALSE, FALSE, sizeof(Entry));
  g_array_set_clear_func(entries, entry_clear);
  if (!parse_cpu_c(c, entries, error)) return NULL;
  for (const char *const *l = landmarks; *l; l++)
    if (strcmp(*l, "CPUHP_BP_KICK_AP") && enum_value(values, *l) < 0)
      return FAIL_NULL("cpuhotplug.h: the enum has no %s", *l);

  g_autoptr(CpuhpSourceTable) t = g_new0(CpuhpSourceTable, 1);
  t->base = base;
  t->arch = g_strdup(arch);
  t->version = g_strdup(version);
  t->rows = g_array_new(FALSE, FALSE, sizeof(CpuhpSourceRow));
  t->strings = g_string_chunk_new(1024);
  t->n_enum = order->len;
  t->n_entries = entries->len;
  g_autoptr(GHashTable) in_cpu_c = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i < entries->len; i++) {
    const Entry *e = &g_array_index(entries, Entry, i);
    gint v = enum_value(values, e->enum_name);
    if (v < 0) return FAIL_NULL("cpu.c: [%s] is not in enum cpuhp_state", e->enum_name);
    g_hash_table_add(in_cpu_c, e->enum_name);
    gboolean landmark = g_strv_contains(landmarks, e->enum_name);
    if (!e->startup && !landmark) { /* teardown-only: bringup never calls it */
      t->n_teardown_only++;
      continue;
    }
    CpuhpSourceRow r = {.step = (guint)v, .enum_name = keep(t, e->enum_name), .name = keep(t, e->name),
                        .startup = keep(t, e->startup), .teardown = keep(t, e->teardown), .at_boot = TRUE};
    g_array_append_val(t->rows, r);
  }
  gboolean has_bringup = FALSE;
  for (guint i = 0; i < entries->len; i++) has_bringup |= !strcmp(g_array_index(entries, Entry, i).enum_name, "CPUHP_BRINGUP_CPU");
  if (!has_bringup) return FAIL_NULL("cpu.c: no [CPUHP_BRINGUP_CPU] entry for this config");
  for (guint i = 0; i < base->n_steps; i++) { /* registered elsewhere: the shipped table's */
    const CpuhpStep *s = &base->steps[i];
    /* landmarks the array leaves out (CPUHP_AP_ONLINE_IDLE) are the kernel's markers too; the
     * kick and bringup steps exist only as cpu.c has them for this config */
    if (g_hash_table_contains(in_cpu_c, s->enum_name) || s->cost == CPUHP_COST_KICK || s->cost == CPUHP_COST_BRINGUP)
      continue;
    gint v = enum_value(values, s->enum_name);
    if (v < 0) {
      t->n_not_in_enum++;
      continue;
    }
    CpuhpSourceRow r = {.step = (guint)v, .enum_name = s->enum_name, .name = s->name, .startup = s->startup,
                        .teardown = s->teardown, .at_boot = s->at_boot, .multi_instance = s->multi_instance,
                        .ring_buffer = s->ring_buffer, .from_base = TRUE};
    g_array_append_val(t->rows, r);
    t->n_from_base++;
  }
  g_array_sort(t->rows, by_step);
  for (guint i = 1; i < t->rows->len; i++) {
    const CpuhpSourceRow *a = &g_array_index(t->rows, CpuhpSourceRow, i - 1), *b = &g_array_index(t->rows, CpuhpSourceRow, i);
    if (a->step == b->step)
      return FAIL_NULL("two states at step %u: %s (%s) and %s (%s)", a->step, a->name, a->enum_name, b->name, b->enum_name);
  }
  return g_steal_pointer(&t);
}
