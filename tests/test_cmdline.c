/* test_cmdline.c — the kernel command line: split like the kernel, strict on modelled
 * parameters, and each parameter shown switching its mechanism (not just a number). */
#include "tests/testutil.h"

#include <errno.h>
#include <math.h>

#include "models/profile/cmdline.h"

#define ICOUNT "scenarios/qemu-tcg-icount-x86_64.yaml"

static CpuhpProfile *icount(guint cores, guint threads, const char *cmdline, gboolean parallel) {
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(ov, g_strdup_printf("topology.cores_per_socket=%u", cores));
  g_ptr_array_add(ov, g_strdup_printf("topology.threads_per_core=%u", threads));
  g_ptr_array_add(ov, g_strdup_printf("kernel.cpuhp_parallel=%s", parallel ? "true" : "false"));
  g_ptr_array_add(ov, g_strdup_printf("kernel.cmdline='%s'", cmdline));
  g_autoptr(GError) err = NULL;
  CpuhpProfile *p = cpuhp_machine_load_file(ICOUNT, ov, &err);
  if (!p) fail_msg("%s", err->message);
  return p;
}

static void test_split(void **state) {
  g_autoptr(GError) err = NULL;
  g_autoptr(GPtrArray) a = cpuhp_cmdline_parse("  console=ttyS0 \"dyndbg=file x +p\" trace-buf-size=1M nosmt -- init=/bin/sh lpj=1", &err);
  assert_non_null(a);
  assert_int_equal(a->len, 4); /* "--" ends the kernel's part */
  const CpuhpCmdlineParam *q = a->pdata[1], *c = a->pdata[2], *n = a->pdata[3];
  assert_string_equal(q->text, "dyndbg=file x +p");
  assert_false(q->modelled);
  assert_string_equal(c->name, "trace-buf-size");
  assert_true(c->modelled); /* '-' and '_' are the same in names (but '.' is not) */
  assert_null(n->value);
  g_autofree char *w = cpuhp_cmdline_without(a, 2);
  assert_string_equal(w, "console=ttyS0 \"dyndbg=file x +p\" nosmt");
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  assert_true(cpuhp_cmdline_overrides("cpuhp.parallel=off tsc=reliable,nowatchdog trace_buf_size=256k nosmt=force cpuhp_parallel=1", ov, &err));
  assert_int_equal(ov->len, 4); /* cpuhp_parallel is not cpuhp.parallel: ignored, as by the kernel */
  assert_string_equal(ov->pdata[0], "kernel.cpuhp_parallel=false");
  assert_string_equal(ov->pdata[1], "x86.tsc_reliable=true");
  assert_string_equal(ov->pdata[2], "kernel.trace_buf_size=262144");
  assert_string_equal(ov->pdata[3], "kernel.nosmt=force");
}

static void test_malformed(void **state) {
  static const char *const bad[] = {"lpj=abc", "cpuhp.parallel=maybe", "nosmt=sometimes", "maxcpus=-1",
                                    "trace_buf_size=12Q", "tsc=wobbly", "nr_cpus=0", "nosmp=1", "a=\"unterminated"};
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) err = NULL;
    assert_false(cpuhp_cmdline_overrides(bad[i], ov, &err));
    assert_non_null(err);
  }
  /* in a profile: at the kernel.cmdline node */
  g_autoptr(GError) err = NULL;
  const char *yaml = "name: x\narch: x86_64\ntopology: {sockets: 1, cores_per_socket: 2, threads_per_core: 1}\n"
                     "kernel:\n  cmdline: \"quiet lpj=x\"\n";
  g_autoptr(CpuhpProfile) p = cpuhp_machine_load_data("t.yaml", yaml, strlen(yaml), NULL, &err);
  assert_null(p);
  assert_string_equal(err->message, "t.yaml:5:12: kernel.cmdline: lpj=x: expected an unsigned number");
}

/* lpj=: no AP measures its delay loop any more. */
static void test_lpj(void **state) {
  g_autoptr(CpuhpProfile) a = icount(4, 1, "trace_event=x trace_buf_size=1M", FALSE);
  g_autoptr(CpuhpProfile) b = icount(4, 1, "trace_event=x trace_buf_size=1M lpj=3999880", FALSE);
  g_autoptr(CpuhpResult) ra = tu_run(a, 1, FALSE), rb = tu_run(b, 1, FALSE);
  for (guint c = 1; c < 4; c++) {
    assert_true(ra->cpus[c].calibrate_ns > 19 * 4000000);
    assert_int_equal(rb->cpus[c].calibrate_ns, 0);
  }
  assert_true(ra->bringup_ns - rb->bringup_ns > 3 * 76000000);
}

/* trace_buf_size=: pages of the global buffer; only with tracing at boot. */
static void test_trace_buf_size(void **state) {
  /* lpj= keeps delay calibration, and its jiffy-edge alignment, out of the difference */
  g_autoptr(CpuhpProfile) big = icount(4, 1, "lpj=1 trace_event=x trace_buf_size=1M", FALSE);
  g_autoptr(CpuhpProfile) small = icount(4, 1, "lpj=1 trace_event=x trace_buf_size=256k", FALSE);
  g_autoptr(CpuhpProfile) off = icount(4, 1, "lpj=1 trace_buf_size=1M", FALSE);
  /* nor the kick's wait for the next tick, which would round the difference to ticks */
  big->host.udelay_warps_to_tick = small->host.udelay_warps_to_tick = off->host.udelay_warps_to_tick = FALSE;
  g_autoptr(CpuhpResult) rb = tu_run(big, 1, FALSE), rs = tu_run(small, 1, FALSE), ro = tu_run(off, 1, FALSE);
  /* 1M = 258 pages, 256k = 65 pages, minimal = 2 pages, 43.06 us each, 3 APs */
  double want = 3 * (258 - 65) * 43.06e3, got = (double)(rb->bringup_ns - rs->bringup_ns);
  assert_true(fabs(got - want) < want * 0.02);
  want = 3 * (258 - 2) * 43.06e3;
  got = (double)(rb->bringup_ns - ro->bringup_ns);
  assert_true(fabs(got - want) < want * 0.02);
}

/* nosmt: every sibling is still kicked and booted to online-idle once, then -ECANCELED rolls it
 * back (takedown_cpu, finish_cpu, PREPARE teardowns); nosmt=force boots the same way. */
static void test_nosmt(void **state) {
  for (int force = 0; force <= 1; force++) {
    g_autoptr(CpuhpProfile) p = icount(4, 2, force ? "nosmt=force lpj=1" : "nosmt lpj=1", TRUE);
    g_autoptr(CpuhpResult) r = tu_run(p, 1, TRUE);
    assert_int_equal(r->cpus_online, 4);
    for (guint c = 1; c < 8; c++) {
      if (r->cpus[c].primary) {
        assert_int_equal(r->cpus[c].status, CPUHP_CPU_ONLINE);
        continue;
      }
      assert_int_equal(r->cpus[c].status, CPUHP_CPU_FAILED);
      assert_int_equal(r->cpus[c].failed_ret, -ECANCELED);
      assert_true(r->cpus[c].online_idle > r->cpus[c].release); /* it did boot */
      gint exit86 = -1, take = -1, finish = -1, online_cb = -1;
      for (guint i = 0; i < r->trace->len; i++) {
        const CpuhpTraceEvent *e = &g_array_index(r->trace, CpuhpTraceEvent, i);
        if (e->cpu != c) continue;
        if (e->type == CPUHP_TRACE_EXIT && e->step == 86 && e->ret == -ECANCELED) exit86 = (gint)i;
        if (e->type == CPUHP_TRACE_ENTER && e->step == 145) take = (gint)i;
        if (e->type == CPUHP_TRACE_ENTER && e->step == 86 && g_str_equal(e->fn, "finish_cpu")) finish = (gint)i;
        if (e->type == CPUHP_TRACE_ENTER && e->step > 146) online_cb = (gint)i;
      }
      assert_true(exit86 >= 0 && take > exit86 && finish > take);
      assert_int_equal(online_cb, -1); /* no ONLINE callback ran */
    }
  }
  g_autoptr(CpuhpProfile) a = icount(4, 2, "nosmt lpj=1", TRUE), b = icount(4, 2, "nosmt=force lpj=1", TRUE);
  g_autoptr(CpuhpResult) ra = tu_run(a, 1, FALSE), rb = tu_run(b, 1, FALSE);
  assert_int_equal(ra->bringup_ns, rb->bringup_ns);
}

/* maxcpus=: cpuhp_bringup_mask() counts the boot CPU; with SMT the primaries' pass uses it first. */
static void test_maxcpus_nr_cpus(void **state) {
  static const struct {
    const char *cmdline;
    gboolean parallel;
    guint online;
  } cases[] = {{"maxcpus=3", FALSE, 3}, {"maxcpus=3", TRUE, 3}, {"maxcpus=6", TRUE, 6},
               {"maxcpus=0", TRUE, 1}, {"nosmp", FALSE, 1},    {"nr_cpus=5", TRUE, 5}};
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(CpuhpProfile) p = icount(4, 2, cases[i].cmdline, cases[i].parallel);
    g_autoptr(CpuhpResult) r = tu_run(p, 1, FALSE);
    if (r->cpus_online != cases[i].online) fail_msg("%s: %u online", cases[i].cmdline, r->cpus_online);
  }
  /* maxcpus=6 with SMT: the 4 primaries first, then 2 siblings */
  g_autoptr(CpuhpProfile) p = icount(4, 2, "maxcpus=6", TRUE);
  g_autoptr(CpuhpResult) r = tu_run(p, 1, FALSE);
  assert_int_equal(r->cpus[1].status, CPUHP_CPU_ONLINE);
  assert_int_equal(r->cpus[3].status, CPUHP_CPU_ONLINE);
  assert_int_equal(r->cpus[5].status, CPUHP_CPU_OFFLINE);
}

/* tsc=reliable on the seed machine: 64.167 ms in tglx's measurement (kernel-bringup.md 8.5). */
static void test_tsc_reliable_skl(void **state) {
  g_autoptr(CpuhpProfile) p = tu_profile("kernel.cmdline=tsc=reliable", NULL);
  g_autoptr(CpuhpResult) r = tu_run(p, 1, FALSE);
  double ms = (double)r->bringup_ns / 1e6;
  print_message("skl-2s-112t tsc=reliable parallel: %.3f ms\n", ms);
  assert_true(ms >= 64 * 0.85 && ms <= 64 * 1.15);
  assert_int_equal(r->bp_phase_ns[CPUHP_BP_TSC_SYNC], 0);
  g_autoptr(CpuhpProfile) q = tu_profile("kernel.cmdline=dis_ucode_ldr cpuhp.parallel=0", NULL);
  g_autoptr(CpuhpResult) s = tu_run(q, 1, FALSE);
  assert_false(s->parallel); /* the command line has the last word */
  for (guint c = 1; c < s->n_cpus; c++) assert_int_equal(s->cpus[c].microcode_ns, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_split),         cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_lpj),           cmocka_unit_test(test_trace_buf_size),
      cmocka_unit_test(test_nosmt),         cmocka_unit_test(test_maxcpus_nr_cpus),
      cmocka_unit_test(test_tsc_reliable_skl),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
