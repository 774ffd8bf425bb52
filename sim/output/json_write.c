/* json_write.c — the JSON writer (see json_write.h). */
#include "sim/output/json_write.h"

#include <math.h>

#include "sim/output/json.h"

typedef struct {
  gboolean array;
  SimJwLayout layout;
  guint indent; /* of the line the container opened on */
  guint n;      /* members so far */
} Frame;

struct _SimJsonWriter {
  GString *out;
  GArray *stack;    /* Frame, outermost first */
  guint line_indent; /* of the line being written */
  gint pending;     /* sim_jw_newline()'s indent, or -1 */
};

SimJsonWriter *sim_jw_new(GString *out) {
  SimJsonWriter *w = g_new0(SimJsonWriter, 1);
  w->out = out;
  w->stack = g_array_new(FALSE, FALSE, sizeof(Frame));
  w->pending = -1;
  return w;
}

void sim_jw_free(SimJsonWriter *w) {
  if (!w) return;
  g_assert(w->stack->len == 0); /* every begin has its end */
  g_array_unref(w->stack);
  g_free(w);
}

static void new_line(SimJsonWriter *w, guint indent) {
  g_string_append_c(w->out, '\n');
  for (guint i = 0; i < indent; i++) g_string_append_c(w->out, ' ');
  w->line_indent = indent;
}

/* What goes before any value: the comma, the line break or space, the key. */
static void before_value(SimJsonWriter *w, const char *key) {
  if (!w->stack->len) {
    g_assert(!key);
    return;
  }
  Frame *f = &g_array_index(w->stack, Frame, w->stack->len - 1);
  g_assert(f->array == (key == NULL));
  if (f->n++) g_string_append_c(w->out, ',');
  if (w->pending >= 0) {
    new_line(w, (guint)w->pending);
    w->pending = -1;
  } else if (f->layout == SIM_JW_LINES) {
    new_line(w, f->indent + 2);
  } else if (f->n > 1) {
    g_string_append_c(w->out, ' ');
  }
  if (key) {
    sim_json_write_string(w->out, key);
    g_string_append(w->out, ": ");
  }
}

static void begin(SimJsonWriter *w, const char *key, gboolean array, SimJwLayout layout) {
  before_value(w, key);
  Frame f = {.array = array, .layout = layout, .indent = w->line_indent};
  g_array_append_val(w->stack, f);
  g_string_append_c(w->out, array ? '[' : '{');
}

static void end(SimJsonWriter *w, gboolean array) {
  g_assert(w->stack->len > 0);
  Frame f = g_array_index(w->stack, Frame, w->stack->len - 1);
  g_assert(f.array == array);
  g_array_set_size(w->stack, w->stack->len - 1);
  if (w->pending >= 0) {
    new_line(w, (guint)w->pending);
    w->pending = -1;
  } else if (f.layout == SIM_JW_LINES) {
    new_line(w, f.indent);
  }
  g_string_append_c(w->out, array ? ']' : '}');
}

void sim_jw_begin_object(SimJsonWriter *w, const char *key, SimJwLayout layout) { begin(w, key, FALSE, layout); }
void sim_jw_end_object(SimJsonWriter *w) { end(w, FALSE); }
void sim_jw_begin_array(SimJsonWriter *w, const char *key, SimJwLayout layout) { begin(w, key, TRUE, layout); }
void sim_jw_end_array(SimJsonWriter *w) { end(w, TRUE); }

void sim_jw_newline(SimJsonWriter *w, guint indent) {
  g_assert(w->stack->len > 0);
  w->pending = (gint)indent;
}

void sim_jw_int(SimJsonWriter *w, const char *key, int64_t v) {
  before_value(w, key);
  g_string_append_printf(w->out, "%" G_GINT64_FORMAT, v);
}

void sim_jw_uint(SimJsonWriter *w, const char *key, uint64_t v) {
  before_value(w, key);
  g_string_append_printf(w->out, "%" G_GUINT64_FORMAT, v);
}

void sim_jw_double(SimJsonWriter *w, const char *key, double v, guint decimals) {
  g_assert(decimals <= 17);
  before_value(w, key);
  if (!isfinite(v)) {
    g_string_append(w->out, "null");
    return;
  }
  char fmt[8], buf[400]; /* DBL_MAX has 309 digits */
  g_snprintf(fmt, sizeof fmt, "%%.%uf", decimals);
  g_string_append(w->out, g_ascii_formatd(buf, sizeof buf, fmt, v));
}

void sim_jw_milli(SimJsonWriter *w, const char *key, int64_t thousandths) {
  before_value(w, key);
  uint64_t m = thousandths < 0 ? -(uint64_t)thousandths : (uint64_t)thousandths;
  g_string_append_printf(w->out, "%s%" G_GUINT64_FORMAT ".%03u", thousandths < 0 ? "-" : "", m / 1000,
                         (guint)(m % 1000));
}

void sim_jw_string(SimJsonWriter *w, const char *key, const char *s) {
  before_value(w, key);
  if (s) sim_json_write_string(w->out, s);
  else g_string_append(w->out, "null");
}

void sim_jw_bool(SimJsonWriter *w, const char *key, gboolean b) {
  before_value(w, key);
  g_string_append(w->out, b ? "true" : "false");
}

void sim_jw_null(SimJsonWriter *w, const char *key) {
  before_value(w, key);
  g_string_append(w->out, "null");
}
