/* cmd_run.c — run, check, states, schema: profile to result, result to outputs. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "models/kernel/bringup.h"
#include "models/profile/cmdline.h"
#include "models/profile/yamltree.h"
#include "models/replay/replay.h"
#include "models/replay/table_edit.h"
#include "sim/output/outfile.h"
#include "sim/output/bootlog.h"
#include "models/kernel/invariants.h"
#include "models/kernel/prepare.h"
#include "sim/cli/cli.h"
#include "sim/cli/cmds.h"
#include "sim/output/fingerprint.h"
#include "sim/output/json_write.h"
#include "sim/output/perfetto.h"
#include "sim/output/report.h"
#include "sim/output/stats.h"
#include "sim/output/table_diff.h"
#include "sim/output/table_yaml.h"

int cmd_run(int argc, char **argv) {
  g_auto(CliFlags) f = {0};
  g_autofree char *perfetto = NULL;
  gint64 max_events = (gint64)CPUHP_MAX_EVENTS_DEFAULT;
  gboolean strict = FALSE;
  GOptionEntry entries[] = {
      cli_option(CLI_OPT_PARALLEL, &f),
      cli_option(CLI_OPT_TOPOLOGY, &f),
      cli_option(CLI_OPT_CPUS, &f),
      cli_option(CLI_OPT_SET, &f),
      cli_option(CLI_OPT_SEED, &f),
      cli_option_format(&f, "text|json"),
      {"ftrace", 0, 0, G_OPTION_ARG_FILENAME, &f.ftrace, "Also write the cpuhp trace events in the kernel's trace text format", "FILE"},
      {"perfetto", 0, 0, G_OPTION_ARG_FILENAME, &perfetto, "Also write the timeline as Chrome trace-event JSON (Perfetto, chrome://tracing)", "FILE"},
      {"fail", 0, 0, G_OPTION_ARG_STRING_ARRAY, &f.fail, "Make STATE's callback fail once on CPU, like cpuN/hotplug/fail: the CPU rolls back and stays offline (repeatable)", "CPU:STATE"},
      {"check", 0, 0, G_OPTION_ARG_NONE, &f.check, "Check the kernel's ordering invariants on this run (exit 3 if one is violated)", NULL},
      {"strict", 0, 0, G_OPTION_ARG_NONE, &strict, "With --check: fail on the known properties of the kernel too, as verify --strict does", NULL},
      {"fingerprint", 0, 0, G_OPTION_ARG_NONE, &f.fingerprint, "Print a stable hash of the full event sequence", NULL},
      {"no-alive", 0, 0, G_OPTION_ARG_STRING_ARRAY, &f.no_alive, "The AP never runs after its kick: the control CPU times out (repeatable)", "CPU"},
      cli_option_help(CLI_OPT_CMDLINE, &f, "The kernel command line (replaces kernel.cmdline); modelled parameters act, the report says what each changed"),
      cli_option(CLI_OPT_POLICY, &f),
      cli_option(CLI_OPT_RUNS, &f),
      {"max-events", 0, 0, G_OPTION_ARG_INT64, &max_events, "A run that takes more events than this is an error (exit 2), not a hang (default 100000000)", "N"},
      G_OPTION_ENTRY_NULL};
  int status;
  if (!cli_parse("run", &argc, &argv, entries, "[PROFILE]",
                    "Simulate one SMP bringup of the machine in PROFILE (default: the embedded\n"
                    "skl-2s-112t) and report bringup time, control-CPU waiting and a per-phase\n"
                    "breakdown; with host.hypervisor, VM exits by type (perf kvm stat's shape; JSON\n"
                    "vm_exits); with a boot: section, the whole boot from kernel entry to /init by\n"
                    "phase (JSON boot_ns and boot). Faults can be injected with the kernel's semantics (--fail,\n"
                    "--no-alive). Exit status: 0 ok, 1 output could not be written, 2 bad input,\n"
                    "3 an invariant or a rule of the state table was violated (--check; a known\n"
                    "property of the kernel only with --strict).",
                    &status))
    return status;
  guint64 seed, runs;
  const char *format;
  if ((status = cli_common_values("run", &f, "text|json", &seed, &runs, &format))) return status;
  gboolean json = g_str_equal(format, "json");
  if (max_events < 1) return cli_fail("run", "--max-events: expected at least 1, got %" G_GINT64_FORMAT, max_events);
  if (strict && !f.check) return cli_fail("run", "--strict: only with --check");
  if (f.ftrace && !*f.ftrace) return cli_fail("run", "--ftrace: empty file name");
  if (perfetto && !*perfetto) return cli_fail("run", "--perfetto: empty file name");
  if (f.policy && g_strv_length(f.policy) > 1) return cli_fail("run", "--policy: one policy per run (compare takes several)");
  if (runs > 1 && (f.ftrace || perfetto || f.fingerprint || f.check))
    return cli_fail("run", "--runs: --ftrace, --perfetto, --fingerprint and --check describe one run; drop them or --runs");
  g_autoptr(GPtrArray) pols = cli_policies("run", &f);
  if (!pols) return 2;
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  if ((status = cli_overrides("run", &f, ov))) return status;
  g_autoptr(CpuhpProfile) p = cli_load(argc > 1 ? argv[1] : NULL, ov);
  if (!p) return 2;

  g_autoptr(GError) err = NULL;
  g_autoptr(GArray) faults = g_array_new(FALSE, FALSE, sizeof(CpuhpFault));
  for (int kind = 0; kind < 2; kind++) {
    for (char **s = kind ? f.no_alive : f.fail; s && *s; s++) {
      CpuhpFault fault;
      if (!cpuhp_fault_parse(p, kind ? "--no-alive" : "--fail", *s, kind == 1, &fault, &err))
        return cli_fail("run", "%s", err->message);
      g_array_append_val(faults, fault);
    }
  }
  CpuhpRunOptions opt = {.seed = seed, .trace = f.ftrace || perfetto || f.check || f.fingerprint, .faults = (const CpuhpFault *)faults->data,
                         .n_faults = faults->len, .policy = pols->pdata[0], .max_events = (uint64_t)max_events};
  g_autoptr(CpuhpResult) r = cpuhp_bringup_run(p, &opt, &err);
  if (!r) {
    fprintf(stderr, "%s\n", err->message);
    return 2;
  }
  if (runs > 1) {
    g_autoptr(CpuhpSamples) mc = cpuhp_mc_run(p, &opt, (guint)runs, &err);
    if (!mc) { /* another seed of the same options ran away (--max-events) */
      fprintf(stderr, "%s\n", err->message);
      return 2;
    }
    g_autoptr(GString) out = g_string_new(NULL);
    if (json) cpuhp_report_mc_json(out, r, mc);
    else cpuhp_report_mc_text(out, r, mc);
    fwrite(out->str, 1, out->len, stdout);
    return fflush(stdout) == 0 ? 0 : 1;
  }
  if (f.ftrace) { /* whole or not at all (outfile.h) */
    g_autoptr(GString) t = g_string_new(NULL);
    cpuhp_report_ftrace(t, r);
    if (!sim_output_write(f.ftrace, t->str, t->len, &err)) {
      fprintf(stderr, "cpuhpsim run: --ftrace: %s\n", err->message);
      return 1;
    }
  }
  if (perfetto) { /* the same: whole or not at all, streamed as it is made */
    SimOutfile *of = sim_outfile_open(perfetto, &err);
    gboolean ok = of && cpuhp_perfetto_stream(of, r, &err);
    if (of && !ok) sim_outfile_abort(of);
    if (!ok || !sim_outfile_commit(of, &err)) {
      fprintf(stderr, "cpuhpsim run: --perfetto: %s\n", err->message);
      return 1;
    }
  }
  g_autoptr(GArray) violations = f.check ? cpuhp_invariants_check(p, r) : NULL;
  g_autoptr(GArray) table_violations = f.check ? cpuhp_table_check(cpuhp_profile_table(p)) : NULL;
  g_autofree char *table = g_strdup_printf("%s/%s", cpuhp_profile_table(p)->arch, cpuhp_profile_table(p)->version);
  CpuhpReportExtras x = {.checked = f.check, .violations = violations, .fingerprinted = f.fingerprint,
                         .strict = strict, .table_violations = table_violations, .table = table};
  cpuhp_table_rules(&x.n_table_rules);
  gboolean failed = table_violations && table_violations->len;
  for (guint i = 0; violations && i < violations->len; i++)
    failed |= cpuhp_violation_fails(&g_array_index(violations, CpuhpViolation, i), strict);
  /* what-if: the same run without each parameter of the kernel command line in turn */
  g_autoptr(GPtrArray) params = cpuhp_cmdline_parse(p->kernel.cmdline, NULL);
  g_autoptr(GArray) effects = g_array_new(FALSE, TRUE, sizeof(CpuhpCmdlineEffect));
  for (guint i = 0; params && i < params->len; i++) {
    const CpuhpCmdlineParam *cp = params->pdata[i];
    CpuhpCmdlineEffect e = {.param = cp->text, .mechanism = cp->mechanism, .modelled = cp->modelled};
    if (cp->modelled) {
      g_auto(CliFlags) g = {0};
      g.cmdline = cpuhp_cmdline_without(params, i);
      g_autoptr(GPtrArray) ov2 = g_ptr_array_new_with_free_func(g_free);
      for (guint k = 0; k < ov->len; k++) g_ptr_array_add(ov2, g_strdup(ov->pdata[k]));
      g_autoptr(GError) e2 = NULL;
      if ((status = cli_overrides("run", &g, ov2))) return status;
      g_autoptr(CpuhpProfile) q = cli_load(argc > 1 ? argv[1] : NULL, ov2);
      if (!q) return 2;
      CpuhpRunOptions o2 = opt;
      o2.trace = FALSE;
      g_autoptr(CpuhpResult) r2 = cpuhp_bringup_run(q, &o2, &e2);
      if (!r2) return cli_fail("run", "what-if without %s: %s", cp->text, e2->message);
      e.without_ns = r2->bringup_ns;
    }
    g_array_append_val(effects, e);
  }
  x.cmdline = p->kernel.cmdline;
  x.effects = (const CpuhpCmdlineEffect *)effects->data;
  x.n_effects = effects->len;
  cpuhp_invariants(&x.n_invariants);
  if (f.fingerprint) x.fingerprint = cpuhp_fingerprint(r);
  g_autoptr(GString) out = g_string_new(NULL);
  if (json) cpuhp_report_json(out, r, &x);
  else cpuhp_report_text(out, r, &x);
  fwrite(out->str, 1, out->len, stdout);
  if (fflush(stdout) != 0) return 1;
  return failed ? 3 : 0;
}

/* `show_json` NULL: text only; else --format=text|json chooses. */
static int profile_only(const char *cmd, int argc, char **argv, const char *summary, gboolean need_path,
                        void (*show)(GString *, const CpuhpProfile *), void (*show_json)(GString *, const CpuhpProfile *)) {
  g_auto(CliFlags) f = {0};
  GOptionEntry entries[] = {cli_option(CLI_OPT_SET, &f), cli_option_format(&f, "text|json"), G_OPTION_ENTRY_NULL};
  if (!show_json) entries[1] = (GOptionEntry)G_OPTION_ENTRY_NULL;
  int status;
  if (!cli_parse(cmd, &argc, &argv, entries, need_path ? "PROFILE" : "[PROFILE]", summary, &status))
    return status;
  if (f.format && !g_str_equal(f.format, "text") && !g_str_equal(f.format, "json"))
    return cli_fail(cmd, "--format: expected text or json, got '%s'", f.format);
  if (f.format && g_str_equal(f.format, "json")) show = show_json;
  if (need_path && argc < 2) return cli_fail(cmd, "missing PROFILE");
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  for (char **s = f.set; s && *s; s++) g_ptr_array_add(ov, g_strdup(*s));
  g_autoptr(CpuhpProfile) p = cli_load(argc > 1 ? argv[1] : NULL, ov);
  if (!p) return 2;
  g_autoptr(GString) out = g_string_new(NULL);
  show(out, p);
  fwrite(out->str, 1, out->len, stdout);
  return fflush(stdout) == 0 ? 0 : 1;
}

static void show_check(GString *out, const CpuhpProfile *p) {
  g_string_append_printf(out, "%s: ok: %s, %s, Linux %s, %u CPUs\n", p->source, p->name, p->arch,
                         p->kernel.version, cpuhp_profile_n_cpus(p));
}

int cmd_check(int argc, char **argv) {
  return profile_only("check", argc, argv,
                      "Load and validate PROFILE; print one line if it is good, the first error\n"
                      "(FILE:LINE:COL: message) and exit status 2 if not.",
                      TRUE, show_check, NULL);
}

/* "arch/version" of a shipped table, or a state table YAML file. */
static const CpuhpTable *table_arg(const char *arg, GError **error) {
  if (!g_file_test(arg, G_FILE_TEST_EXISTS) && strchr(arg, '/')) {
    g_auto(GStrv) av = g_strsplit(arg, "/", 2);
    const CpuhpTable *t = cpuhp_table_lookup(av[0], av[1]);
    if (!t)
      g_set_error(error, CPUHP_PROFILE_ERROR, CPUHP_PROFILE_ERROR_VALUE, "%s: no such table (known: %s) and no such file",
                  arg, cpuhp_table_known());
    return t;
  }
  return cpuhp_table_load(arg, error);
}

static int states_diff(int argc, char **argv) {
  if (argc != 4) return cli_fail("states", "--diff takes two tables: ARCH/VERSION or a state table file each");
  g_autoptr(GError) err = NULL;
  const CpuhpTable *a = table_arg(argv[2], &err), *b = a ? table_arg(argv[3], &err) : NULL;
  if (!a || !b) {
    fprintf(stderr, "%s\n", err->message);
    return 2;
  }
  g_autoptr(GArray) changes = cpuhp_table_diff(a, b);
  g_autoptr(GString) out = g_string_new(NULL);
  sim_table_diff_text(out, changes);
  if (!changes->len) g_string_append_printf(out, "%s/%s and %s/%s: the same states\n", a->arch, a->version, b->arch, b->version);
  fwrite(out->str, 1, out->len, stdout);
  if (fflush(stdout) != 0) return 1;
  return changes->len ? 1 : 0; /* like diff(1) */
}

/* A state table to -o (whole or not at all) or stdout: 0, or 1 when it could not be written. */
static int write_table(const char *output, const GString *out) {
  g_autoptr(GError) err = NULL;
  if (output) {
    if (sim_output_write(output, out->str, out->len, &err)) return 0;
    fprintf(stderr, "cpuhpsim states: -o: %s\n", err->message);
    return 1;
  }
  fwrite(out->str, 1, out->len, stdout);
  return fflush(stdout) == 0 ? 0 : 1;
}

/* states --from-trace FILE [-o OUT]: the table a real boot shows, as state-table YAML. */
static int states_from_trace(int argc, char **argv) {
  if (argc != 3 && !(argc == 5 && g_str_equal(argv[3], "-o")))
    return cli_fail("states", "--from-trace takes a trace or console log, and optionally -o OUT.yaml");
  g_autoptr(GError) err = NULL;
  g_autoptr(CpuhpMeasured) m = sim_bootlog_measure_file(argv[2], &err);
  g_autoptr(CpuhpTableEdit) edit = m ? cpuhp_table_edit_from_trace(m, &err) : NULL;
  if (!edit) {
    fprintf(stderr, "%s\n", err->message);
    return 2;
  }
  g_autoptr(GString) out = g_string_new(NULL);
  sim_table_yaml_edit(out, edit);
  return write_table(argc == 5 ? argv[4] : NULL, out);
}

/* states --from-source CPUHOTPLUG_H CPU_C [--config=F] [--arch=A] [--table-version=V] [-o OUT]. */
static int states_from_source(int argc, char **argv) {
  g_autofree char *config = NULL, *arch = NULL, *version = NULL, *output = NULL;
  GOptionEntry entries[] = {
      {"config", 0, 0, G_OPTION_ARG_FILENAME, &config, "The kernel's .config: decides #if/#ifdef CONFIG_... (default: all off)", "FILE"},
      {"arch", 0, 0, G_OPTION_ARG_STRING, &arch, "x86_64 or arm64 (default: CONFIG_X86_64 / CONFIG_ARM64 of --config)", "ARCH"},
      {"table-version", 0, 0, G_OPTION_ARG_STRING, &version, "The table's version name (default \"source\")", "V"},
      {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the table here, whole or not at all (default stdout)", "OUT.yaml"},
      G_OPTION_ENTRY_NULL};
  g_autoptr(GOptionContext) ctx = g_option_context_new("--from-source CPUHOTPLUG_H CPU_C");
  g_option_context_set_summary(ctx,
                               "Read the state table of a kernel's source: the numbering of include/linux/cpuhotplug.h, the\n"
                               "names and callbacks of kernel/cpu.c's static entries, #if/#ifdef decided by --config. States\n"
                               "registered outside kernel/cpu.c come from the shipped table of the arch, by enum name. Writes\n"
                               "a whole state table (YAML) that kernel.state_table and `states --diff` accept; checked by the\n"
                               "table loader before it is written.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  cli_add_version(ctx);
  g_autoptr(GError) err = NULL;
  argv[1] = argv[0]; /* options and files follow --from-source */
  argv++, argc--;
  if (!g_option_context_parse(ctx, &argc, &argv, &err)) return cli_fail("states", "%s", err->message);
  if (argc != 3) return cli_fail("states", "--from-source takes CPUHOTPLUG_H and CPU_C");
  if (output && !*output) return cli_fail("states", "-o: empty file name");
  g_autofree char *h = NULL, *c = NULL, *cfg = NULL;
  gsize len;
  const GQuark fe = G_FILE_ERROR;
  if (!(h = yt_read_file(argv[1], YT_MAX_FILE_BYTES, "kernel source file", &len, fe, G_FILE_ERROR_INVAL, &err)) ||
      !(c = yt_read_file(argv[2], YT_MAX_FILE_BYTES, "kernel source file", &len, fe, G_FILE_ERROR_INVAL, &err)) ||
      (config && !(cfg = yt_read_file(config, YT_MAX_FILE_BYTES, "kernel config", &len, fe, G_FILE_ERROR_INVAL, &err))))
    return cli_fail("states", "%s", err->message);
  if (!arch) arch = g_strdup(cfg && strstr(cfg, "\nCONFIG_ARM64=y") ? "arm64" : cfg && strstr(cfg, "\nCONFIG_X86_64=y") ? "x86_64" : "");
  if (!*arch) return cli_fail("states", "--arch: not given and not in --config (CONFIG_X86_64=y or CONFIG_ARM64=y)");
  g_autofree char *sources = g_strdup_printf("%s, %s, config %s", argv[1], argv[2], config ? config : "none (all off)");
  g_autoptr(CpuhpSourceTable) table = cpuhp_table_from_source(h, c, cfg, arch, version ? version : "source", &err);
  if (!table) return cli_fail("states", "--from-source: %s", err->message);
  g_autoptr(GString) out = g_string_new(NULL);
  sim_table_yaml_source(out, table, sources);
  /* the loader is the judge: a table it refuses is never written */
  g_autofree char *tmp = NULL;
  int fd = g_file_open_tmp("cpuhpsim-table-XXXXXX.yaml", &tmp, &err);
  if (fd < 0) return cli_fail("states", "%s", err->message);
  close(fd);
  gboolean ok = g_file_set_contents(tmp, out->str, (gssize)out->len, &err) && cpuhp_table_load(tmp, &err);
  g_unlink(tmp);
  if (!ok) return cli_fail("states", "--from-source: the table does not load: %s", err->message);
  return write_table(output, out);
}

int cmd_states(int argc, char **argv) {
  if (argc > 1 && g_str_equal(argv[1], "--diff")) return states_diff(argc, argv);
  if (argc > 1 && g_str_equal(argv[1], "--from-trace")) return states_from_trace(argc, argv);
  if (argc > 1 && g_str_equal(argv[1], "--from-source")) return states_from_source(argc, argv);
  return profile_only("states", argc, argv,
                      "Print the cpuhp state table of PROFILE's kernel and arch, with which states\n"
                      "run at boot and what each costs in this profile. Three more forms, with the\n"
                      "options each takes:\n"
                      "  states --diff A B\n"
                      "      what changed between two tables (A, B: ARCH/VERSION or state-table files):\n"
                      "      - removed, + added, ~ moved or changed; exit 0 if the same, 1 if not\n"
                      "  states --from-trace FILE [-o OUT]\n"
                      "      the table a real boot's trace shows, as state-table YAML\n"
                      "  states --from-source CPUHOTPLUG_H CPU_C [--config=FILE] [--arch=ARCH]\n"
                      "                       [--table-version=V] [-o OUT]\n"
                      "      a kernel source's table (cpuhotplug.h numbering, cpu.c entries)",
                      FALSE, cpuhp_report_states, cpuhp_report_states_json);
}

int cmd_policies(int argc, char **argv) {
  GOptionEntry entries[] = {G_OPTION_ENTRY_NULL};
  int status;
  if (!cli_parse("policies", &argc, &argv, entries, "", "List the ordering policies --policy accepts.", &status))
    return status;
  if (argc > 1) return cli_fail("policies", "unexpected argument '%s'", argv[1]);
  g_autoptr(GString) out = g_string_new("ordering policies (--policy):\n");
  const CpuhpPolicyInfo *k;
  for (guint i = 0; (k = cpuhp_policy_nth(i)); i++) {
    g_autofree char *name = k->param ? g_strdup_printf("%s:%s", k->name, k->param) : g_strdup(k->name);
    g_string_append_printf(out, "  %-20s %s\n", name, k->meaning);
  }
  fwrite(out->str, 1, out->len, stdout);
  return fflush(stdout) == 0 ? 0 : 1;
}

int cmd_schema(int argc, char **argv) {
  g_auto(CliFlags) f = {0};
  GOptionEntry entries[] = {cli_option_format(&f, "text|json"), G_OPTION_ENTRY_NULL};
  int status;
  if (!cli_parse("schema", &argc, &argv, entries, "", "Print every profile key: type, default, meaning.", &status))
    return status;
  if (argc > 1) return cli_fail("schema", "unexpected argument '%s'", argv[1]);
  if (f.format && !g_str_equal(f.format, "text") && !g_str_equal(f.format, "json"))
    return cli_fail("schema", "--format: expected text or json, got '%s'", f.format);
  g_autoptr(GString) out = g_string_new(NULL);
  if (f.format && g_str_equal(f.format, "json")) {
    g_autoptr(GPtrArray) rows = cpuhp_profile_schema_rows();
    g_autoptr(SimJsonWriter) w = sim_jw_new(out);
    sim_jw_begin_array(w, NULL, SIM_JW_LINES);
    for (guint i = 0; i < rows->len; i++) {
      char **r = rows->pdata[i];
      sim_jw_begin_object(w, NULL, SIM_JW_INLINE);
      sim_jw_string(w, "key", r[0]);
      sim_jw_string(w, "type", r[1]);
      if (g_str_equal(r[2], "(required)")) sim_jw_null(w, "default");
      else sim_jw_string(w, "default", r[2]);
      sim_jw_bool(w, "required", g_str_equal(r[2], "(required)"));
      sim_jw_string(w, "meaning", r[3]);
      sim_jw_end_object(w);
    }
    sim_jw_end_array(w);
    g_string_append_c(out, '\n');
  } else {
    cpuhp_profile_schema_text(out);
  }
  fwrite(out->str, 1, out->len, stdout);
  return fflush(stdout) == 0 ? 0 : 1;
}
