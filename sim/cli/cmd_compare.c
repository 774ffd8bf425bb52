/* cmd_compare.c — `cpuhpsim compare`: several policies on one machine, N runs each, the same
 * seeds for every policy, differences to the first policy with confidence intervals. */
#include <stdio.h>

#include "models/kernel/montecarlo.h"
#include "sim/cli/cli.h"
#include "sim/cli/cmds.h"
#include "sim/output/report.h"

int cmd_compare(int argc, char **argv) {
  g_auto(CliFlags) f = {0};
  GOptionEntry entries[] = {
      cli_option_help(CLI_OPT_POLICY, &f, "A policy to compare (repeatable; the first is the baseline)"),
      cli_option_help(CLI_OPT_RUNS, &f, "Runs per policy (default 100)"),
      cli_option(CLI_OPT_FIRST_SEED, &f),
      cli_option_format(&f, "text|json|csv"),
      cli_option(CLI_OPT_TOPOLOGY, &f),
      cli_option(CLI_OPT_CPUS, &f),
      cli_option(CLI_OPT_SET, &f),
      G_OPTION_ENTRY_NULL};
  int status;
  if (!cli_parse("compare", &argc, &argv, entries, "[PROFILE]",
                 "Compare ordering policies (see `cpuhpsim policies`) on the machine in PROFILE:\n"
                 "bringup time, time to init, control-CPU waiting and busy-waiting, and the APs'\n"
                 "spin time (a power proxy), each the mean over N runs, with the difference to\n"
                 "the first policy and its 95 % confidence interval (paired: same seeds).",
                 &status))
    return status;
  if (!f.runs) f.runs = g_strdup("100");
  guint64 seed, runs;
  const char *format;
  if ((status = cli_common_values("compare", &f, "text|json|csv", &seed, &runs, &format))) return status;
  if (!f.policy || g_strv_length(f.policy) < 2) return cli_fail("compare", "--policy: give at least two policies");
  g_autoptr(GPtrArray) pols = cli_policies("compare", &f);
  if (!pols) return 2;
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  if ((status = cli_overrides("compare", &f, ov))) return status;
  g_autoptr(CpuhpProfile) p = cli_load(argc > 1 ? argv[1] : NULL, ov);
  if (!p) return 2;
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func((GDestroyNotify)cpuhp_samples_free);
  for (guint i = 0; i < pols->len; i++) {
    g_autoptr(GError) err = NULL;
    CpuhpRunOptions opt = {.seed = seed, .policy = pols->pdata[i]};
    CpuhpSamples *s = cpuhp_mc_run(p, &opt, (guint)runs, &err);
    if (!s) {
      fprintf(stderr, "%s\n", err->message);
      return 2;
    }
    g_ptr_array_add(samples, s);
  }
  g_autoptr(GString) out = g_string_new(NULL);
  cpuhp_report_compare(out, format, p->name, samples);
  fwrite(out->str, 1, out->len, stdout);
  return fflush(stdout) == 0 ? 0 : 1;
}
