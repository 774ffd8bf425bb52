/* plot_runs.c — what `cpuhpsim plot` simulates. See plot_runs.h. */
#include "sim/cli/plot_runs.h"

#include <string.h>

/* The machine with the shaping flags (plus `cpus`, `topology`, `parallel` and one more --set
 * when not NULL). */
static CpuhpProfile *load(const PlotRuns *pr, const char *cpus, const char *topology, const char *parallel,
                          const char *set, int *status) {
  CliFlags g = *pr->f; /* shallow: only the pointers the overrides read */
  if (cpus) g.cpus = (char *)cpus;
  if (topology) g.topology = (char *)topology;
  if (parallel) g.parallel = (char *)parallel;
  guint n = g.set ? g_strv_length(g.set) : 0;
  g_autofree char **sets = g_new0(char *, n + 2);
  if (n) memcpy(sets, g.set, n * sizeof *sets);
  sets[n] = (char *)set;
  g.set = sets;
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  if ((*status = cli_overrides("plot", &g, ov))) return NULL;
  CpuhpProfile *p = cli_load(pr->profile, ov);
  if (!p) *status = 2;
  return p;
}

static CpuhpResult *run_one(const CpuhpProfile *p, const PlotRuns *pr, const CpuhpPolicy *pol, int *status) {
  g_autoptr(GError) err = NULL;
  CpuhpRunOptions opt = {.seed = pr->seed, .policy = pol};
  CpuhpResult *r = cpuhp_bringup_run(p, &opt, &err);
  if (!r) *status = cli_fail("plot", "%s", err->message);
  return r;
}

int plot_runs_one(const PlotRuns *pr, SimPlotRun **out) {
  int status = 0;
  g_autoptr(GPtrArray) pols = cli_policies("plot", pr->f);
  if (!pols) return 2;
  if (pols->len > 1) return cli_fail("plot", "--policy: a timeline shows one policy");
  g_autoptr(CpuhpProfile) p = load(pr, NULL, NULL, NULL, NULL, &status);
  if (!p) return status;
  g_autoptr(CpuhpResult) r = run_one(p, pr, pols->pdata[0], &status);
  if (!r) return status;
  *out = sim_plot_run_from_result(r);
  return 0;
}

int plot_runs_phases(const PlotRuns *pr, GPtrArray *runs) {
  int status = 0;
  gboolean by_policy = pr->f->policy != NULL;
  if (!by_policy && pr->f->parallel) return cli_fail("plot", "--parallel: phases compares both settings; use --policy to choose bars");
  g_autoptr(GPtrArray) pols = cli_policies("plot", pr->f);
  if (!pols) return 2;
  guint nbars = by_policy ? pols->len : 2;
  for (guint i = 0; i < nbars; i++) {
    g_autoptr(CpuhpProfile) p = load(pr, NULL, NULL, by_policy ? NULL : (i ? "1" : "0"), NULL, &status);
    if (!p) return status;
    g_autoptr(CpuhpResult) r = run_one(p, pr, pols->pdata[by_policy ? i : 0], &status);
    if (!r) return status;
    SimPlotRun *run = sim_plot_run_from_result(r);
    if (!by_policy) run->label = g_strdup_printf("cpuhp.parallel=%u", i);
    g_ptr_array_add(runs, run);
  }
  return 0;
}

int plot_runs_boot(const PlotRuns *pr, GPtrArray *runs) {
  int status = 0;
  g_autoptr(GPtrArray) pols = cli_policies("plot", pr->f);
  if (!pols) return 2;
  if (pols->len > 1) return cli_fail("plot", "--policy: boot draws one policy");
  if (pr->f->cpus) return cli_fail("plot", "--cpus: boot draws machine sizes by --topology");
  /* no --topology: one bar, the profile's own */
  g_auto(GStrv) sizes = pr->f->topology ? g_strsplit(pr->f->topology, ",", -1) : NULL;
  guint n = sizes ? g_strv_length(sizes) : 1;
  for (guint i = 0; i < n; i++) {
    g_autoptr(CpuhpProfile) p = load(pr, NULL, sizes ? sizes[i] : NULL, NULL, NULL, &status);
    if (!p) return status;
    if (!p->boot.modelled)
      return cli_fail("plot", "boot: %s has no boot: section (docs/whole-boot.md): no whole boot to draw", p->name);
    g_autoptr(CpuhpResult) r = run_one(p, pr, pols->pdata[0], &status);
    if (!r) return status;
    SimPlotRun *run = sim_plot_run_from_result(r);
    run->label = g_strdup_printf("%u CPU%s", r->n_cpus, r->n_cpus == 1 ? "" : "s");
    g_ptr_array_add(runs, run);
  }
  return 0;
}

int plot_runs_kernels(const PlotRuns *pr, GPtrArray *runs) {
  int status = 0;
  if (pr->f->parallel) return cli_fail("plot", "--parallel: vmexits draws the three kernel settings");
  static const char *const kernels[][2] = {{"false", "0"}, {"true", "0"}, {"true", "1"}};
  static const char *const labels[] = {"no HOTPLUG_PARALLEL", "cpuhp.parallel=0", "cpuhp.parallel=1"};
  for (guint i = 0; i < G_N_ELEMENTS(kernels); i++) {
    g_autofree char *hp = g_strdup_printf("kernel.hotplug_parallel=%s", kernels[i][0]);
    g_autoptr(CpuhpProfile) p = load(pr, NULL, NULL, kernels[i][1], hp, &status);
    if (!p) return status;
    if (p->host.hypervisor == CPUHP_HYP_NONE)
      return cli_fail("plot", "vmexits: %s has no hypervisor (host.hypervisor: none): no VM exits to draw", p->name);
    g_autoptr(GPtrArray) pols = cli_policies("plot", pr->f);
    if (!pols) return 2;
    if (pols->len > 1) return cli_fail("plot", "--policy: vmexits draws one policy");
    g_autoptr(CpuhpResult) r = run_one(p, pr, pols->pdata[0], &status);
    if (!r) return status;
    SimPlotRun *run = sim_plot_run_from_result(r);
    run->label = g_strdup(labels[i]);
    g_ptr_array_add(runs, run);
  }
  return 0;
}

int plot_runs_samples(PlotRuns *pr, gboolean scaling, char ***sizes, gboolean *by_topology, char **profile, GArray **out) {
  CliFlags *f = pr->f;
  if (!scaling && f->cpus && strchr(f->cpus, ',')) return cli_fail("plot", "--cpus: cdf takes one machine size");
  if (!scaling && f->topology && strchr(f->topology, ',')) return cli_fail("plot", "--topology: cdf takes one machine size");
  if (!f->policy) {
    f->policy = g_new0(char *, 3);
    f->policy[0] = g_strdup("serial");
    f->policy[1] = g_strdup("kernel");
  }
  g_autoptr(GPtrArray) pols = cli_policies("plot", f);
  if (!pols) return 2;
  g_auto(GStrv) xs = NULL;
  *by_topology = f->topology != NULL;
  if (scaling) {
    if (!!f->cpus == !!f->topology)
      return cli_fail("plot", "scaling: give the machine sizes as --cpus=N,N,... or --topology=SxCxT,SxCxT,...");
    xs = g_strsplit(f->cpus ? f->cpus : f->topology, ",", -1);
  } else {
    xs = g_new0(char *, 2);
    xs[0] = g_strdup("");
  }
  g_autoptr(GArray) samples = sim_plot_samples_new();
  int status = 0;
  for (guint pi = 0; pi < pols->len; pi++) {
    g_autofree char *label = NULL;
    for (guint xi = 0; xs[xi]; xi++) {
      const char *x = scaling ? xs[xi] : NULL;
      g_autoptr(CpuhpProfile) p = load(pr, *by_topology ? NULL : x, *by_topology ? x : NULL, NULL, NULL, &status);
      if (!p) return status;
      if (!*profile) *profile = g_strdup(p->name);
      if (!label) { /* what "kernel" chose on this machine, from one run */
        g_autoptr(CpuhpResult) r = run_one(p, pr, pols->pdata[pi], &status);
        if (!r) return status;
        label = sim_plot_policy_label(cpuhp_policy_spec(pols->pdata[pi]), r->parallel, r->smt_aware);
      }
      g_autoptr(GError) err = NULL;
      CpuhpRunOptions opt = {.seed = pr->seed, .policy = pols->pdata[pi]};
      g_autoptr(CpuhpSamples) s = cpuhp_mc_run(p, &opt, (guint)pr->runs, &err);
      if (!s) return cli_fail("plot", "%s", err->message);
      for (guint r = 0; r < s->runs; r++) sim_plot_samples_add(samples, label, cpuhp_profile_n_cpus(p), s->values[pr->metric][r]);
    }
  }
  if (sizes) *sizes = g_steal_pointer(&xs);
  *out = g_steal_pointer(&samples);
  return 0;
}
