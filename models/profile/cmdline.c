/* cmdline.c — kernel command line parameters and the mechanisms they switch (6.12 semantics). */
#include "models/profile/cmdline.h"

#include <string.h>

#include "models/profile/profile.h"

typedef gboolean (*Translate)(const CpuhpCmdlineParam *p, GPtrArray *ov, GError **error);

static gboolean bad(GError **error, const CpuhpCmdlineParam *p, const char *want) {
  g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_VALUE, "%s: %s", p->text, want);
  return FALSE;
}

static void add(GPtrArray *ov, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void add(GPtrArray *ov, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  g_ptr_array_add(ov, g_strdup_vprintf(fmt, ap));
  va_end(ap);
}

/* kstrtobool(): y/Y/1/on and n/N/0/off */
static int strtobool(const char *v) {
  if (!v) return -1;
  if (!g_ascii_strcasecmp(v, "on") || v[0] == 'y' || v[0] == 'Y' || v[0] == '1') return 1;
  if (!g_ascii_strcasecmp(v, "off") || v[0] == 'n' || v[0] == 'N' || v[0] == '0') return 0;
  return -1;
}

static gboolean unsigned_value(const CpuhpCmdlineParam *p, guint64 max, guint64 *out, GError **error) {
  if (!p->value || !g_ascii_string_to_unsigned(p->value, 10, 0, max, out, NULL))
    return bad(error, p, "expected an unsigned number");
  return TRUE;
}

static gboolean t_cpuhp_parallel(const CpuhpCmdlineParam *p, GPtrArray *ov, GError **error) {
  int b = strtobool(p->value);
  if (b < 0) return bad(error, p, "expected a boolean (0/1, y/n, on/off)");
  add(ov, "kernel.cpuhp_parallel=%s", b ? "true" : "false");
  return TRUE;
}

static gboolean t_lpj(const CpuhpCmdlineParam *p, GPtrArray *ov, GError **error) {
  guint64 v;
  if (!unsigned_value(p, G_MAXUINT64, &v, error)) return FALSE;
  add(ov, "kernel.lpj_preset=%s", v ? "true" : "false"); /* lpj=0 means "calibrate" */
  return TRUE;
}

static gboolean t_tsc(const CpuhpCmdlineParam *p, GPtrArray *ov, GError **error) {
  if (!p->value) return bad(error, p, "expected tsc=reliable, unstable, noirqtime, nowatchdog or recalibrate");
  g_auto(GStrv) opts = g_strsplit(p->value, ",", -1);
  for (char **o = opts; *o; o++) {
    if (g_str_equal(*o, "reliable")) add(ov, "x86.tsc_reliable=true");
    else if (g_str_equal(*o, "unstable")) add(ov, "x86.tsc_unsynchronized=true");
    else if (!g_str_equal(*o, "noirqtime") && !g_str_equal(*o, "nowatchdog") && !g_str_equal(*o, "recalibrate") &&
             !g_str_equal(*o, "watchdog"))
      return bad(error, p, "unknown tsc= option");
  }
  return TRUE;
}

static gboolean t_nosmt(const CpuhpCmdlineParam *p, GPtrArray *ov, GError **error) {
  if (p->value && !g_str_equal(p->value, "force")) return bad(error, p, "expected nosmt or nosmt=force");
  add(ov, "kernel.nosmt=%s", p->value ? "force" : "on");
  return TRUE;
}

static gboolean t_maxcpus(const CpuhpCmdlineParam *p, GPtrArray *ov, GError **error) {
  guint64 v;
  if (!unsigned_value(p, CPUHP_PROFILE_MAX_CPUS, &v, error)) return FALSE;
  add(ov, "kernel.maxcpus=%" G_GUINT64_FORMAT, v);
  return TRUE;
}

static gboolean t_nosmp(const CpuhpCmdlineParam *p, GPtrArray *ov, GError **error) {
  if (p->value) return bad(error, p, "takes no value");
  add(ov, "kernel.maxcpus=0");
  return TRUE;
}

static gboolean t_nr_cpus(const CpuhpCmdlineParam *p, GPtrArray *ov, GError **error) {
  guint64 v;
  if (!unsigned_value(p, CPUHP_PROFILE_MAX_CPUS, &v, error)) return FALSE;
  if (v == 0) return bad(error, p, "must be at least 1");
  add(ov, "kernel.nr_cpus=%" G_GUINT64_FORMAT, v);
  return TRUE;
}

/* memparse(): a number with an optional K, M or G suffix */
static gboolean t_trace_buf_size(const CpuhpCmdlineParam *p, GPtrArray *ov, GError **error) {
  if (!p->value || !g_ascii_isdigit(p->value[0])) return bad(error, p, "expected a size such as 1M, 256k or 4096");
  char *end;
  guint64 v = g_ascii_strtoull(p->value, &end, 0), mul = 1;
  switch (*end) {
  case 'k': case 'K': mul = 1ull << 10; end++; break;
  case 'm': case 'M': mul = 1ull << 20; end++; break;
  case 'g': case 'G': mul = 1ull << 30; end++; break;
  }
  if (*end || v == 0) return bad(error, p, "expected a size such as 1M, 256k or 4096");
  if (v == G_MAXUINT64 || v > G_MAXUINT / mul) /* strtoull saturates: a larger number reads as the max */
  {
    g_autofree char *why = g_strdup_printf("over the limit of %u bytes (kernel.trace_buf_size)", G_MAXUINT);
    return bad(error, p, why);
  }
  add(ov, "kernel.trace_buf_size=%" G_GUINT64_FORMAT, v * mul);
  return TRUE;
}

static gboolean t_tracing(const CpuhpCmdlineParam *p, GPtrArray *ov, GError **error) {
  add(ov, "kernel.tracing_at_boot=true");
  return TRUE;
}

static gboolean t_dis_ucode_ldr(const CpuhpCmdlineParam *p, GPtrArray *ov, GError **error) {
  add(ov, "x86.microcode_loader=false");
  return TRUE;
}

static gboolean t_cpu_init_udelay(const CpuhpCmdlineParam *p, GPtrArray *ov, GError **error) {
  guint64 v;
  if (!unsigned_value(p, G_MAXINT, &v, error)) return FALSE;
  add(ov, "x86.init_udelay_us=%" G_GUINT64_FORMAT, v);
  return TRUE;
}

static const struct {
  const char *name;
  Translate translate;
  const char *mechanism;
} known[] = {
    {"cpuhp.parallel", t_cpuhp_parallel, "parallel bringup on or off (kernel.cpuhp_parallel)"},
    {"lpj", t_lpj, "APs skip delay-loop calibration (kernel.lpj_preset)"},
    {"tsc", t_tsc, "reliable: no TSC sync test; unstable: TSC unsynchronized, calibration measured"},
    {"nosmt", t_nosmt, "siblings booted once (CR4.MCE), then rolled back (kernel.nosmt)"},
    {"maxcpus", t_maxcpus, "only this many CPUs brought up at boot (kernel.maxcpus)"},
    {"nosmp", t_nosmp, "no AP brought up (maxcpus=0)"},
    {"nr_cpus", t_nr_cpus, "fewer possible CPUs (kernel.nr_cpus)"},
    {"trace_buf_size", t_trace_buf_size, "ring-buffer pages allocated per CPU in trace/RB:prepare"},
    {"trace_event", t_tracing, "tracing at boot: the ring buffer is expanded to trace_buf_size"},
    {"ftrace", t_tracing, "tracing at boot: the ring buffer is expanded to trace_buf_size"},
    {"dis_ucode_ldr", t_dis_ucode_ldr, "no microcode loading on the APs"},
    {"cpu_init_udelay", t_cpu_init_udelay, "INIT assert/de-assert delay of the x86 kick"},
};

/* parameq(): '-' and '_' are the same in parameter names */
static gboolean name_eq(const char *a, const char *b) {
  for (; *a && *b; a++, b++) {
    char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;
    if (x != y) return FALSE;
  }
  return *a == *b;
}

static void param_free(gpointer p) {
  CpuhpCmdlineParam *x = p;
  g_free(x->text);
  g_free(x->name);
  g_free(x->value);
  g_free(x);
}

/* COMMAND_LINE_SIZE of arch/x86/include/asm/setup.h and arch/arm64/include/uapi/asm/setup.h:
 * the kernel keeps no more (NUL included), so no boot has a longer one. Refusing more also
 * bounds the overrides a command line stands for. */
#define COMMAND_LINE_SIZE 2048u

GPtrArray *cpuhp_cmdline_parse(const char *cmdline, GError **error) {
  gsize len = strlen(cmdline);
  if (len >= COMMAND_LINE_SIZE) {
    g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_VALUE,
                "%" G_GSIZE_FORMAT " bytes: over the kernel's COMMAND_LINE_SIZE (%u, NUL included)", len, COMMAND_LINE_SIZE);
    return NULL;
  }
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(param_free);
  const char *s = cmdline;
  for (;;) {
    while (g_ascii_isspace(*s)) s++;
    if (!*s) break;
    GString *word = g_string_new(NULL);
    gboolean quoted = FALSE;
    for (; *s && (quoted || !g_ascii_isspace(*s)); s++) {
      if (*s == '"') quoted = !quoted; /* next_arg(): quotes group, and are dropped */
      else g_string_append_c(word, *s);
    }
    if (quoted) {
      g_string_free(word, TRUE);
      g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_VALUE, "unterminated quote");
      return NULL;
    }
    if (g_str_equal(word->str, "--")) { /* the rest is for init */
      g_string_free(word, TRUE);
      break;
    }
    CpuhpCmdlineParam *p = g_new0(CpuhpCmdlineParam, 1);
    p->text = g_string_free(word, FALSE);
    const char *eq = strchr(p->text, '=');
    p->name = eq ? g_strndup(p->text, eq - p->text) : g_strdup(p->text);
    p->value = eq ? g_strdup(eq + 1) : NULL;
    p->mechanism = "not modelled: no effect on the simulated bringup";
    for (guint i = 0; i < G_N_ELEMENTS(known); i++)
      if (name_eq(p->name, known[i].name)) {
        p->modelled = TRUE;
        p->mechanism = known[i].mechanism;
      }
    g_ptr_array_add(out, p);
  }
  return g_steal_pointer(&out);
}

gboolean cpuhp_cmdline_overrides(const char *cmdline, GPtrArray *overrides, GError **error) {
  g_autoptr(GPtrArray) params = cpuhp_cmdline_parse(cmdline, error);
  if (!params) return FALSE;
  for (guint i = 0; i < params->len; i++) {
    const CpuhpCmdlineParam *p = params->pdata[i];
    for (guint k = 0; k < G_N_ELEMENTS(known); k++)
      if (name_eq(p->name, known[k].name) && !known[k].translate(p, overrides, error)) return FALSE;
  }
  return TRUE;
}

gboolean cpuhp_cmdline_check(const char *cmdline, GError **error) {
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  return cpuhp_cmdline_overrides(cmdline, ov, error);
}

char *cpuhp_cmdline_as_override(const char *cmdline) {
  GString *q = g_string_new("kernel.cmdline='");
  for (const char *c = cmdline; *c; c++) {
    if (*c == '\'') g_string_append_c(q, '\''); /* '' is a quote inside '...' */
    g_string_append_c(q, *c);
  }
  g_string_append_c(q, '\'');
  return g_string_free(q, FALSE);
}

char *cpuhp_cmdline_without(const GPtrArray *params, guint skip) {
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < params->len; i++) {
    if (i == skip) continue;
    const CpuhpCmdlineParam *p = params->pdata[i];
    gboolean blank = strpbrk(p->text, " \t") != NULL;
    g_string_append_printf(s, "%s%s%s%s", s->len ? " " : "", blank ? "\"" : "", p->text, blank ? "\"" : "");
  }
  return g_string_free(s, FALSE);
}
