/* test_late_boot.c — the part of the arm64 icount whole boot that the model leaves at its 1-CPU
 * figure: "evm: HMAC attrs" to "Run /init as init process" (docs/whole-boot.md), measured
 * instruction by instruction (tests/data/beyond/late, the insn-regions plugin with snap=1 and
 * hot=init_evm:run_init_process). Under icount the guest clock is every vCPU's instructions,
 * so the step's time is what all vCPUs execute in it, whichever task runs them; the plugin's
 * hottest blocks, named by the guest's symbols, say what that is. Prints the docs' table and
 * checks that the docs carry its digits. */
#include "tests/testutil.h"

#include <math.h>

#define LATE "tests/data/beyond/late/"
#define ICOUNT_NS 8.0 /* -icount shift=3 */

typedef struct {
  uint64_t start;
  char *name;
} Sym;

static int cmp_sym(const void *a, const void *b) {
  uint64_t x = ((const Sym *)a)->start, y = ((const Sym *)b)->start;
  return (x > y) - (x < y);
}

/* hot-symbols.txt: "start name", the guest's symbols that hold a hot block. */
static GArray *load_symbols(void) {
  g_autofree char *text = tu_read_text(LATE "hot-symbols.txt");
  if (!text) fail_msg(LATE "hot-symbols.txt: cannot read");
  GArray *syms = g_array_new(FALSE, FALSE, sizeof(Sym));
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  for (char **l = lines; *l; l++) {
    char name[128];
    Sym s;
    if (sscanf(*l, "%" G_GINT64_MODIFIER "x %127s", &s.start, name) != 2) continue;
    s.name = g_strdup(name);
    g_array_append_val(syms, s);
  }
  g_array_sort(syms, cmp_sym);
  return syms;
}

static const char *symbol_of(const GArray *syms, uint64_t va) {
  const char *name = "?";
  for (guint lo = 0, hi = syms->len; lo < hi;) {
    guint mid = (lo + hi) / 2;
    const Sym *s = &g_array_index(syms, Sym, mid);
    if (s->start <= va) name = s->name, lo = mid + 1;
    else hi = mid;
  }
  return name;
}

typedef enum { CRYPTO, BALANCE, REST, N_CLASS } Class;

/* The self-tests crypto_algapi_init() starts (RSA: mpi*, the NIST curves: vli_*, ecc_*) and the
 * scheduler's load-balancing scans over the CPUs. */
static Class class_of(const char *sym) {
  static const char *const crypto[] = {"mpihelp_", "mpih_", "mpi_", "vli_", "ecc_", NULL};
  static const char *const balance[] = {"update_sd_lb_stats", "update_sg_lb_stats", "cpu_util", "idle_cpu",
                                        "_find_next_and_bit", "sched_balance_", "load_balance", "find_busiest",
                                        "update_blocked_averages", "nohz_", "_nohz_", "select_idle_", NULL};
  for (const char *const *p = crypto; *p; p++)
    if (g_str_has_prefix(sym, *p)) return CRYPTO;
  for (const char *const *p = balance; *p; p++)
    if (g_str_has_prefix(sym, *p)) return BALANCE;
  return REST;
}

typedef struct {
  double dmesg_ms;         /* "evm: HMAC attrs" .. "Run /init" on the guest clock */
  double insns_ms;         /* every vCPU's instructions between the two, x 8 ns */
  double cls_ms[N_CLASS];  /* the hottest blocks' instructions by class */
} Late;

/* Every vCPU's running count at a function's first entry (the "# counts" line after it). */
static GArray *counts_at(char **lines, const char *func) {
  g_autofree char *key = g_strdup_printf(" F %s ", func);
  for (char **l = lines; *l; l++) {
    if (!strstr(*l, key) || !l[1] || !g_str_has_prefix(l[1], "# counts")) continue;
    GArray *c = g_array_new(FALSE, TRUE, sizeof(uint64_t));
    g_auto(GStrv) f = g_strsplit(l[1] + 8, " ", -1);
    for (char **x = f; *x; x++)
      if (**x) {
        uint64_t v = g_ascii_strtoull(*x, NULL, 10);
        g_array_append_val(c, v);
      }
    return c;
  }
  return NULL;
}

static Late measure(const GArray *syms, guint n, guint r) {
  g_autofree char *lp = g_strdup_printf(LATE "late_%u_r%u.txt.gz", n, r);
  g_autofree char *dp = g_strdup_printf(LATE "late_%u_r%u.dmesg.gz", n, r);
  g_autofree char *text = tu_read_text(lp);
  if (!text) fail_msg("%s: cannot read", lp);
  Late m = {0};
  int64_t a = tu_dmesg_time(dp, "evm: HMAC attrs"), b = tu_dmesg_time(dp, "Run /init as init process");
  assert_true(a > 0 && b > a);
  m.dmesg_ms = (double)(b - a) / 1e6;
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  g_autoptr(GArray) c0 = counts_at(lines, "init_evm");
  g_autoptr(GArray) c1 = counts_at(lines, "run_init_process");
  if (!c0 || !c1) fail_msg("%s: no counts at init_evm / run_init_process", lp);
  double insns = 0;
  for (guint v = 0; v < c1->len; v++)
    insns += (double)(g_array_index(c1, uint64_t, v) - (v < c0->len ? g_array_index(c0, uint64_t, v) : 0));
  m.insns_ms = insns * ICOUNT_NS / 1e6;
  for (char **l = lines; *l; l++) {
    uint64_t va, hot;
    if (sscanf(*l, "# hot %" G_GINT64_MODIFIER "x %" G_GINT64_MODIFIER "u", &va, &hot) != 2) continue;
    m.cls_ms[class_of(symbol_of(syms, va))] += (double)hot * ICOUNT_NS / 1e6;
  }
  return m;
}

/* The arm64 icount profile's sched_balance term is these boots' balancing per CPU beyond the
 * first, least squares on the 8- and 16-vCPU medians only (calibration on <= 16); the larger
 * boots' balancing is its prediction, held within 35 % (docs/whole-boot.md). */
static void check_balance_term(const guint *sizes, const double *ms, guint n) {
  double sxy = 0, sxx = 0;
  for (guint i = 0; i < n; i++)
    if (sizes[i] > 1 && sizes[i] <= 16) sxy += (sizes[i] - 1) * ms[i], sxx += (double)(sizes[i] - 1) * (sizes[i] - 1);
  double per_cpu = sxy / sxx;
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpProfile) p = cpuhp_machine_load_file("scenarios/qemu-arm64-tcg-icount.yaml", NULL, &err);
  if (!p) fail_msg("%s", err->message);
  const CpuhpBootTerm *t = NULL;
  for (guint i = 0; i < p->boot.n_terms; i++)
    if (g_str_equal(p->boot.terms[i].name, "sched_balance")) t = &p->boot.terms[i];
  assert_non_null(t);
  double term = (double)t->per_online_cpu / 1e6;
  print_message("sched_balance: %.3f ms per CPU from 8 and 16 vCPUs; the profile has %.3f\n", per_cpu, term);
  assert_true(fabs(term - per_cpu) < 0.01);
  for (guint i = 0; i < n; i++) {
    if (sizes[i] <= 16) continue;
    double pred = term * (sizes[i] - 1);
    print_message("  %u vCPUs: predicted %.0f ms, measured %.0f ms (%+.0f %%)\n", sizes[i], pred, ms[i], (pred - ms[i]) / ms[i] * 100);
    assert_true(fabs(pred - ms[i]) <= 0.35 * ms[i]);
  }
}

#define DOC "docs/whole-boot.md"
#define DOC_SECTION "## The arm64 late part, instruction by instruction"
static gboolean doc_missing; /* the section: the test fails at its end, after printing every row */

static void test_late_part(void **state) {
  (void)state;
  g_autoptr(GArray) syms = load_symbols();
  static const guint sizes[] = {1, 8, 16, 32, 64, 96};
  double crypto1 = 0, balance1 = 0, balance[G_N_ELEMENTS(sizes)];
  for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
    double tot[3], cls[N_CLASS][3];
    for (guint r = 0; r < 3; r++) {
      Late m = measure(syms, sizes[i], r + 1);
      /* no idle skips: the step's time is the instructions every vCPU ran in it */
      if (fabs(m.insns_ms - m.dmesg_ms) > 2 + 0.001 * m.dmesg_ms)
        fail_msg("%u vCPUs r%u: dmesg %.1f ms, instructions %.1f ms", sizes[i], r + 1, m.dmesg_ms, m.insns_ms);
      /* the listed blocks hold nearly all of it */
      double listed = m.cls_ms[CRYPTO] + m.cls_ms[BALANCE] + m.cls_ms[REST];
      assert_true(listed >= 0.97 * m.insns_ms);
      tot[r] = m.dmesg_ms;
      for (guint k = 0; k < N_CLASS; k++) cls[k][r] = m.cls_ms[k];
    }
    double lo = MIN(tot[0], MIN(tot[1], tot[2])), hi = MAX(tot[0], MAX(tot[1], tot[2]));
    double med = tu_median(tot, 3), c = tu_median(cls[CRYPTO], 3), b = tu_median(cls[BALANCE], 3),
           rest = tu_median(cls[REST], 3);
    g_autofree char *row = g_strdup_printf("| %u | %.0f (%.0f–%.0f) | %.0f | %.0f | %.0f |", sizes[i], med, lo, hi, c, b, rest);
    doc_missing |= !tu_doc_row(DOC, DOC_SECTION, "| vCPUs | evm → /init", row);
    if (sizes[i] == 1) crypto1 = c, balance1 = b;
    balance[i] = b;
    /* the self-tests are most of the step at every size, and about the same work */
    assert_true(c >= 0.5 * med);
    assert_true(c >= 0.8 * crypto1);
    /* one CPU does no load balancing; from 32 vCPUs up it is a tenth of a second or more */
    if (sizes[i] == 1) assert_true(b < 1);
    if (sizes[i] >= 32) assert_true(b > 100 + balance1);
  }
  for (guint i = 0; i < syms->len; i++) g_free(g_array_index(syms, Sym, i).name);
  if (doc_missing) fail_msg(DOC ": no section '" DOC_SECTION "'");
  check_balance_term(sizes, balance, G_N_ELEMENTS(sizes));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_late_part),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
