/* bootlog.c — reading a trace or a console log: size limit, gzip, @@ sections, and what
 * each line is (cpuhp event, function-tracer line, kernel log line, or noise). */
#include "sim/output/bootlog.h"

#include <errno.h>
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "models/replay/replay.h"
#include "sim/output/ftrace.h"

#define MAX_DEPTH 8 /* @@ sections nest (KBOOT holds INFO, DMESG, TRACE ...) */

/* "NAME:LINE:COL: message", or "NAME: message" when line is 0. */
static gboolean fail(GError **error, int code, const char *name, guint line, gsize col, const char *fmt, ...)
    G_GNUC_PRINTF(6, 7);
static gboolean fail(GError **error, int code, const char *name, guint line, gsize col, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  if (line)
    g_set_error(error, CPUHP_REPLAY_ERROR, code, "%s:%u:%" G_GSIZE_FORMAT ": %s", name, line, col, msg);
  else
    g_set_error(error, CPUHP_REPLAY_ERROR, code, "%s: %s", name, msg);
  return FALSE;
}

char *sim_bootlog_read_file(const char *path, gsize *len, GError **error) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fail(error, CPUHP_REPLAY_ERROR_IO, path, 0, 0, "cannot open: %s", g_strerror(errno));
    return NULL;
  }
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    fclose(f);
    fail(error, CPUHP_REPLAY_ERROR_IO, path, 0, 0, "is a directory");
    return NULL;
  }
  if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && (guint64)st.st_size > CPUHP_REPLAY_MAX_BYTES) {
    fclose(f);
    fail(error, CPUHP_REPLAY_ERROR_SIZE, path, 0, 0, "%" G_GUINT64_FORMAT " bytes: over the 256 MiB limit",
         (guint64)st.st_size);
    return NULL;
  }
  /* pipes and special files have no size: read, but never past the limit */
  gsize cap = 65536, used = 0;
  char *buf = g_malloc(cap + 1);
  for (;;) {
    if (used == cap) {
      cap = MIN(cap * 2, CPUHP_REPLAY_MAX_BYTES + 1);
      buf = g_realloc(buf, cap + 1);
    }
    gsize n = fread(buf + used, 1, cap - used, f);
    used += n;
    if (used > CPUHP_REPLAY_MAX_BYTES) {
      fclose(f);
      g_free(buf);
      fail(error, CPUHP_REPLAY_ERROR_SIZE, path, 0, 0, "over the 256 MiB limit");
      return NULL;
    }
    if (n == 0) break;
  }
  gboolean bad = ferror(f);
  int err = errno;
  fclose(f);
  if (bad) {
    g_free(buf);
    fail(error, CPUHP_REPLAY_ERROR_IO, path, 0, 0, "cannot read: %s", g_strerror(err));
    return NULL;
  }
  buf[used] = '\0';
  *len = used;
  return buf;
}

/* gzip to a NUL-terminated buffer; concatenated members (gzip a b > c) are one stream. */
static char *gunzip(const char *name, const guint8 *in, gsize len, gsize *out_len, GError **error) {
  GConverter *z = G_CONVERTER(g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP));
  const gsize room = 65536, limit = CPUHP_REPLAY_MAX_BYTES + room + 1;
  gsize cap = MIN(MAX(len * 4, room * 2), limit), used = 0, pos = 0;
  char *buf = g_malloc(cap);
  gboolean ok = FALSE;
  for (;;) {
    if (cap - used < room + 1) {
      cap = MIN(cap * 2, limit);
      buf = g_realloc(buf, cap);
    }
    gsize rd = 0, wr = 0;
    g_autoptr(GError) e = NULL;
    GConverterResult res = g_converter_convert(z, in + pos, len - pos, buf + used, cap - used - 1,
                                               G_CONVERTER_INPUT_AT_END, &rd, &wr, &e);
    pos += rd;
    used += wr;
    if (used > CPUHP_REPLAY_MAX_BYTES) {
      fail(error, CPUHP_REPLAY_ERROR_SIZE, name, 0, 0, "decompresses to more than the 256 MiB limit");
      break;
    }
    if (res == G_CONVERTER_ERROR) {
      if (g_error_matches(e, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
        fail(error, CPUHP_REPLAY_ERROR_GZIP, name, 0, 0, "truncated gzip data (the stream ends early)");
      else
        fail(error, CPUHP_REPLAY_ERROR_GZIP, name, 0, 0, "corrupt gzip data (%s)", e->message);
      break;
    }
    if (res == G_CONVERTER_FINISHED) {
      if (pos == len) {
        ok = TRUE;
        break;
      }
      if (len - pos >= 2 && in[pos] == 0x1f && in[pos + 1] == 0x8b) {
        g_converter_reset(z);
        continue;
      }
      fail(error, CPUHP_REPLAY_ERROR_GZIP, name, 0, 0, "%" G_GSIZE_FORMAT " bytes of garbage after the gzip data",
           len - pos);
      break;
    }
    if (rd == 0 && wr == 0) { /* no progress and no verdict: treat as the end of the input */
      fail(error, CPUHP_REPLAY_ERROR_GZIP, name, 0, 0, "truncated gzip data (the stream ends early)");
      break;
    }
  }
  g_object_unref(z);
  if (!ok) {
    g_free(buf);
    return NULL;
  }
  buf[used] = '\0';
  *out_len = used;
  return buf;
}

/* ---- one line ------------------------------------------------------------------------- */

typedef enum { CTX_CONSOLE, CTX_TRACE, CTX_DMESG, CTX_INFO } Ctx;

typedef struct {
  ReplayInput *in;
  gboolean has_trace, has_dmesg; /* the input has such sections: read only them */
  int ts_kind;                   /* -1 unknown, 0 seconds.fraction, 1 raw counts */
  guint ts_kind_line;
  GError **error;
} Parser;

/* digits[.digits] -> ns, or raw counts when there is no fraction. */
static gboolean parse_ts(const char *t, gsize n, gboolean *raw, int64_t *v) {
  const char *dot = memchr(t, '.', n);
  gsize ip = dot ? (gsize)(dot - t) : n, fp = dot ? n - ip - 1 : 0;
  if (ip < 1 || ip > (dot ? 9u : 18u) || (dot && (fp < 1 || fp > 9))) return FALSE;
  int64_t a = 0, b = 0;
  for (gsize i = 0; i < ip; i++) {
    if (!g_ascii_isdigit(t[i])) return FALSE;
    a = a * 10 + (t[i] - '0');
  }
  for (gsize i = 0; i < fp; i++) {
    if (!g_ascii_isdigit(dot[1 + i])) return FALSE;
    b = b * 10 + (dot[1 + i] - '0');
  }
  for (gsize i = fp; dot && i < 9; i++) b *= 10;
  *raw = !dot;
  *v = dot ? a * 1000000000LL + b : a;
  return TRUE;
}

/* "comm-pid [cpu] flags timestamp: body" (flags optional, as `trace-cmd report` may omit them). */
typedef struct {
  const char *comm;
  gsize comm_len;
  long pid, cpu;
  const char *cpu_at;
  const char *ts;
  gsize ts_len;
  const char *body;
} Prefix;

static gboolean split_prefix(const char *line, Prefix *p) {
  const char *cs = line;
  while (*cs == ' ') cs++;
  for (const char *ob = strchr(line, '['); ob; ob = strchr(ob + 1, '[')) {
    const char *q = ob + 1, *d = q;
    while (g_ascii_isdigit(*q)) q++;
    if (q == d || q - d > 6 || *q != ']') continue;
    const char *e = ob;
    while (e > cs && e[-1] == ' ') e--;
    const char *pd = e;
    while (pd > cs && g_ascii_isdigit(pd[-1])) pd--;
    if (pd == e || e - pd > 9 || pd < cs + 2 || pd[-1] != '-') continue;
    const char *r = q + 1;
    for (int tok = 0; tok < 2; tok++) {
      while (*r == ' ') r++;
      const char *t = r;
      while (*r && *r != ' ') r++;
      gboolean raw;
      int64_t v;
      if (r - t >= 2 && r[-1] == ':' && parse_ts(t, (gsize)(r - 1 - t), &raw, &v)) {
        *p = (Prefix){.comm = cs, .comm_len = (gsize)(pd - 1 - cs), .pid = strtol(pd, NULL, 10),
                      .cpu = strtol(d, NULL, 10), .cpu_at = d, .ts = t, .ts_len = (gsize)(r - 1 - t), .body = r};
        while (*p->body == ' ') p->body++;
        return TRUE;
      }
      if (r == t) break;
    }
  }
  return FALSE;
}

static gsize col_of(const char *line, const char *at) { return (gsize)(at - line) + 1; }

/* Where in the body the parser's complaint points: the field it names, the callback's '(' or,
 * for trailing text, the end of the last field. */
static const char *why_at(const char *body, const char *why) {
  static const struct {
    const char *why, *key;
  } keys[] = {{"bad cpu field", "cpu:"},   {"bad target field", "target:"}, {"bad state field", "state:"},
              {"bad step field", "step:"}, {"bad ret field", "ret:"}};
  for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
    if (strcmp(why, keys[i].why)) continue;
    const char *k = strstr(body, keys[i].key);
    return k ? k : body;
  }
  const char *k = strstr(body, "ret:");
  if (!strcmp(why, "trailing text") && k) {
    for (k += 4; *k == ' '; k++) {}
    if (*k == '-') k++;
    while (g_ascii_isdigit(*k)) k++;
    return k;
  }
  const char *step = strstr(body, "step:");
  if (!step) return body;
  for (k = step + 5; *k == ' ' || g_ascii_isdigit(*k); k++) {}
  if (!strcmp(why, "trailing text")) {
    const char *close = *k == '(' ? strchr(k, ')') : NULL;
    return close ? close + 1 : k;
  }
  return k; /* "bad callback name": where the '(' should be or is */
}

static gboolean ts_consistent(Parser *ps, guint lineno, const char *line, const Prefix *p, gboolean raw) {
  int kind = raw ? 1 : 0;
  if (ps->ts_kind < 0) {
    ps->ts_kind = kind;
    ps->ts_kind_line = lineno;
    ps->in->raw_ts = raw;
  } else if (ps->ts_kind != kind) {
    return fail(ps->error, CPUHP_REPLAY_ERROR_FORMAT, ps->in->name, lineno, col_of(line, p->ts),
                "timestamp is %s but line %u's was %s (one trace clock per file)",
                raw ? "a raw count" : "in seconds", ps->ts_kind_line, raw ? "in seconds" : "a raw count");
  }
  return TRUE;
}

/* 1: a trace line (recorded or ignored), 0: not one, -1: error. */
static int trace_line(Parser *ps, guint lineno, const char *line) {
  static const char *const events[] = {"cpuhp_enter:", "cpuhp_multi_enter:", "cpuhp_exit:"};
  Prefix p;
  if (!split_prefix(line, &p)) {
    for (guint i = 0; i < G_N_ELEMENTS(events); i++) {
      g_autofree char *needle = g_strconcat(": ", events[i], " ", NULL);
      const char *hit = strstr(line, needle);
      if (hit)
        return (fail(ps->error, CPUHP_REPLAY_ERROR_FORMAT, ps->in->name, lineno, col_of(line, hit + 2),
                    "%.*s event without a valid 'comm-pid [cpu] flags timestamp:' prefix",
                    (int)strlen(events[i]) - 1, events[i]), -1);
    }
    return 0;
  }
  const char *bad;
  if (!g_utf8_validate(line, -1, &bad))
    return (fail(ps->error, CPUHP_REPLAY_ERROR_FORMAT, ps->in->name, lineno, col_of(line, bad),
                 "invalid UTF-8 in a trace line"), -1);
  gboolean raw;
  int64_t ts;
  parse_ts(p.ts, p.ts_len, &raw, &ts);
  ReplayRec r = {.line = lineno};
  gboolean cpuhp = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS(events); i++) cpuhp |= g_str_has_prefix(p.body, events[i]);
  if (cpuhp) {
    /* sim_ftrace_parse_line() reads seconds.microseconds only: hand it a placeholder timestamp
     * and keep the real one, so raw x86-tsc counts and ns from trace-cmd go through it too */
    g_autofree char *norm = g_strdup_printf("%.*s0.000000%s", (int)(p.ts - line), line, p.ts + p.ts_len);
    const char *why = "not a cpuhp event";
    if (sim_ftrace_parse_line(norm, ps->in->names, &r.rec, &why) != SIM_FTRACE_PARSE_OK)
      return (fail(ps->error, CPUHP_REPLAY_ERROR_FORMAT, ps->in->name, lineno, col_of(line, why_at(p.body, why)),
                  "malformed cpuhp event: %s", why), -1);
    const char *cf = strstr(p.body, "cpu:");
    if (r.rec.cpu > CPUHP_REPLAY_MAX_CPU)
      return (fail(ps->error, CPUHP_REPLAY_ERROR_FORMAT, ps->in->name, lineno, col_of(line, cf ? cf : p.body),
                  "cpu %u out of range (at most %u)", r.rec.cpu, CPUHP_REPLAY_MAX_CPU), -1);
    const char *sf = strstr(p.body, "step:");
    if (r.rec.step < 0 || r.rec.step > 65535 || r.rec.target < -1 || r.rec.target > 65535)
      return (fail(ps->error, CPUHP_REPLAY_ERROR_FORMAT, ps->in->name, lineno, col_of(line, sf ? sf : p.body),
                  "state number out of range (0..65535)"), -1);
  } else {
    /* function tracer: "function <-parent"; any other event is left alone */
    const char *f = p.body, *fe = f;
    while (g_ascii_isalnum(*fe) || *fe == '_' || *fe == '.') fe++;
    const char *a = fe;
    while (*a == ' ') a++;
    if (fe == f || !g_str_has_prefix(a, "<-")) {
      ps->in->other++;
      return 1;
    }
    const char *pa = a + 2, *pe = pa;
    while (g_ascii_isalnum(*pe) || *pe == '_' || *pe == '.') pe++;
    const char *tail = pe;
    while (*tail == ' ') tail++;
    if (pe == pa || *tail) {
      ps->in->other++;
      return 1;
    }
    if (p.cpu > (long)CPUHP_REPLAY_MAX_CPU)
      return (fail(ps->error, CPUHP_REPLAY_ERROR_FORMAT, ps->in->name, lineno, col_of(line, p.cpu_at),
                   "cpu %ld out of range (at most %u)", p.cpu, CPUHP_REPLAY_MAX_CPU), -1);
    r.is_func = TRUE;
    g_strlcpy(r.function, f, MIN((gsize)(fe - f) + 1, sizeof r.function));
    g_strlcpy(r.parent, pa, MIN((gsize)(pe - pa) + 1, sizeof r.parent));
    char comm[CPUHP_TRACE_COMM_LEN];
    g_strlcpy(comm, p.comm, MIN(p.comm_len + 1, sizeof comm));
    r.rec.comm = g_string_chunk_insert_const(ps->in->names, comm);
    r.rec.fn = "";
    r.rec.pid = (int32_t)p.pid;
    r.rec.exec_cpu = (uint16_t)p.cpu;
  }
  if (!ts_consistent(ps, lineno, line, &p, raw)) return -1;
  r.rec.ts = ts;
  r.seq = ps->in->recs->len;
  g_array_append_val(ps->in->recs, r);
  return 1;
}

/* "[    2.011597] text" (an optional "[    T1]" caller field after it). */
static gboolean log_line(const char *line, int64_t *ts, const char **text) {
  if (line[0] != '[') return FALSE;
  const char *p = line + 1;
  while (*p == ' ') p++;
  const char *t = p;
  while (g_ascii_isdigit(*p) || *p == '.') p++;
  gboolean raw;
  if (*p != ']' || !parse_ts(t, (gsize)(p - t), &raw, ts) || raw) return FALSE;
  p++;
  if (p[0] == '[') {
    const char *c = p + 1;
    while (*c == ' ') c++;
    if (*c == 'T' || *c == 'C') {
      const char *d = ++c;
      while (g_ascii_isdigit(*c)) c++;
      if (c > d && *c == ']') p = c + 1;
    }
  }
  if (*p == ' ') p++;
  *text = p;
  return TRUE;
}

static void add_log(ReplayInput *in, guint lineno, int64_t ts, const char *text) {
  ReplayLogLine l = {.ts = ts, .line = lineno, .text = g_utf8_make_valid(text, -1)};
  g_array_append_val(in->log, l);
}

static gboolean handle_line(Parser *ps, Ctx ctx, guint lineno, const char *line) {
  ReplayInput *in = ps->in;
  if (!in->panic) {
    const char *k = strstr(line, "Kernel panic");
    if (k) in->panic = g_utf8_make_valid(k, MIN(strlen(k), 120));
  }
  int64_t ts;
  const char *text;
  gboolean is_log = log_line(line, &ts, &text);
  if (is_log && !in->cmdline) {
    /* x86 prints "Command line: ", every arch "Kernel command line: " */
    const char *c = strstr(text, "ommand line: ");
    if (c && c > text && (c[-1] == 'C' || c[-1] == 'c')) {
      in->cmdline = g_utf8_make_valid(c + 13, -1);
      in->cmdline_from = g_strdup("kernel command line");
      in->cmdline_line = lineno;
      in->cmdline_col = (guint)(c + 13 - line) + 1;
    }
  }
  switch (ctx) {
  case CTX_TRACE: {
    /* header and annotations ("##### CPU 2 buffer started ####"), stack traces of the stacktrace
     * option (" => fn", "<stack trace>"), console text interleaved with the dump */
    const char *t = line + strspn(line, " \t");
    if (!*t || *t == '#' || g_str_has_prefix(t, "=>") || g_str_has_prefix(t, "<stack trace>") || is_log) return TRUE;
    unsigned long cpu, n;
    if (sscanf(line, "CPU:%lu [LOST %lu EVENTS]", &cpu, &n) == 2) {
      in->lost += n;
      return TRUE;
    }
    int r = trace_line(ps, lineno, line);
    if (r == 0)
      return fail(ps->error, CPUHP_REPLAY_ERROR_FORMAT, in->name, lineno, 1,
                  "not a trace line (expected 'comm-pid [cpu] flags timestamp: event: ...')");
    return r > 0;
  }
  case CTX_DMESG:
    if (is_log) add_log(in, lineno, ts, text);
    return TRUE;
  case CTX_INFO:
    if (g_str_has_prefix(line, "cmdline=")) {
      g_free(in->cmdline);
      g_free(in->cmdline_from);
      in->cmdline = g_utf8_make_valid(line + 8, -1);
      in->cmdline_from = g_strdup("kernel command line (/proc/cmdline)");
      in->cmdline_line = lineno;
      in->cmdline_col = 9;
    } else if (g_str_has_prefix(line, "trace_clock=") && !in->info_clock) {
      const char *o = strchr(line, '['), *c = o ? strchr(o, ']') : NULL;
      if (c) in->info_clock = g_utf8_make_valid(o + 1, c - o - 1);
    }
    return TRUE;
  case CTX_CONSOLE:
    if (is_log) {
      if (!ps->has_dmesg) add_log(in, lineno, ts, text);
      return TRUE;
    }
    return ps->has_trace || trace_line(ps, lineno, line) >= 0;
  }
  return TRUE;
}

/* "@@NAME-BEGIN" / "@@NAME-END", possibly after console garbage on the same line: 1 begin,
 * 2 end, 0 neither. */
static int marker(const char *line, char *name, gsize size) {
  const char *at = g_strrstr(line, "@@");
  if (!at) return 0;
  const char *p = at + 2, *s = p;
  while (g_ascii_isupper(*p) || g_ascii_isdigit(*p) || *p == '_') p++;
  if (p == s || *p != '-' || (gsize)(p - s) >= size) return 0;
  int kind = g_str_has_prefix(p + 1, "BEGIN") ? 1 : g_str_has_prefix(p + 1, "END") ? 2 : 0;
  if (!kind) return 0;
  const char *t = p + 1 + (kind == 1 ? 5 : 3);
  while (*t == ' ' || *t == '\t') t++;
  if (*t) return 0;
  g_strlcpy(name, s, (gsize)(p - s) + 1);
  return kind;
}

static Ctx ctx_of(const char *name) {
  if (!strcmp(name, "TRACE")) return CTX_TRACE;
  if (!strcmp(name, "DMESG")) return CTX_DMESG;
  if (!strcmp(name, "INFO")) return CTX_INFO;
  return CTX_CONSOLE;
}

static gboolean parse_text(ReplayInput *in, char *buf, gsize n, GError **error) {
  Parser ps = {.in = in, .has_trace = strstr(buf, "@@TRACE-BEGIN") != NULL,
               .has_dmesg = strstr(buf, "@@DMESG-BEGIN") != NULL, .ts_kind = -1, .error = error};
  char stack[MAX_DEPTH][32];
  guint depth = 0, traces = 0;
  guint lineno = 0;
  for (char *line = buf; line < buf + n;) {
    lineno++;
    char *nl = memchr(line, '\n', (gsize)(buf + n - line));
    char *next = nl ? nl + 1 : buf + n;
    if (nl) *nl = '\0';
    gsize ll = strlen(line);
    if (ll && line[ll - 1] == '\r') line[ll - 1] = '\0';
    char name[32];
    int m = marker(line, name, sizeof name);
    if (m == 1) {
      if (depth == MAX_DEPTH)
        return fail(error, CPUHP_REPLAY_ERROR_FORMAT, in->name, lineno, 1, "@@ sections nested deeper than %d",
                    MAX_DEPTH);
      if (!strcmp(name, "TRACE") && traces++)
        return fail(error, CPUHP_REPLAY_ERROR_FORMAT, in->name, lineno, 1,
                    "a second TRACE section (one boot per file)");
      g_strlcpy(stack[depth++], name, sizeof stack[0]);
    } else if (m == 2) {
      /* close it and whatever it still holds open; an END never opened is console noise */
      for (guint d = depth; d > 0; d--)
        if (!strcmp(stack[d - 1], name)) {
          depth = d - 1;
          break;
        }
    } else if (!handle_line(&ps, depth ? ctx_of(stack[depth - 1]) : CTX_CONSOLE, lineno, line)) {
      return FALSE;
    }
    line = next;
  }
  for (guint d = 0; d < depth; d++) in->trace_unterminated |= !strcmp(stack[d], "TRACE");
  return TRUE;
}

gboolean sim_bootlog_parse(ReplayInput *in, char *data, gsize len, GError **error) {
  g_autofree char *owned = data;
  if (len == 0) return fail(error, CPUHP_REPLAY_ERROR_EMPTY, in->name, 0, 0, "empty file");
  if (len >= 2 && (guint8)data[0] == 0x1f && (guint8)data[1] == 0x8b) {
    gsize n = 0;
    char *text = gunzip(in->name, (const guint8 *)data, len, &n, error);
    if (!text) return FALSE;
    g_free(g_steal_pointer(&owned));
    owned = text;
    len = n;
    if (len == 0) return fail(error, CPUHP_REPLAY_ERROR_EMPTY, in->name, 0, 0, "empty file (after gunzip)");
  } else if (len > CPUHP_REPLAY_MAX_BYTES) {
    return fail(error, CPUHP_REPLAY_ERROR_SIZE, in->name, 0, 0, "over the 256 MiB limit");
  }
  const char *nul = memchr(owned, '\0', len);
  if (nul) {
    guint line = 1;
    const char *bol = owned;
    for (const char *c = owned; c < nul; c++)
      if (*c == '\n') {
        line++;
        bol = c + 1;
      }
    return fail(error, CPUHP_REPLAY_ERROR_FORMAT, in->name, line, col_of(bol, nul),
                "binary data (a NUL byte): not a trace or a console log");
  }
  return parse_text(in, owned, len, error);
}

CpuhpMeasured *sim_bootlog_measure_file(const char *path, GError **error) {
  gsize len = 0;
  char *data = sim_bootlog_read_file(path, &len, error);
  if (!data) return NULL;
  ReplayInput in;
  replay_input_init(&in, path);
  if (!sim_bootlog_parse(&in, data, len, error)) {
    replay_input_clear(&in);
    return NULL;
  }
  return cpuhp_measured_new_from_input(&in, error);
}

CpuhpMeasured *sim_bootlog_measure_data(const char *name, const void *data, gsize len, GError **error) {
  ReplayInput in;
  replay_input_init(&in, name);
  char *copy = g_malloc(len + 1);
  if (len) memcpy(copy, data, len);
  copy[len] = '\0';
  if (!sim_bootlog_parse(&in, copy, len, error)) {
    replay_input_clear(&in);
    return NULL;
  }
  return cpuhp_measured_new_from_input(&in, error);
}
