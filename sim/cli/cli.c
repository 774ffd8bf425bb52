/* cli.c — flag handling shared by the subcommands. Flags are checked here; everything about
 * the profile is the loader's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/cli.h"

#include "models/kernel/prepare.h"
#include "models/profile/cmdline.h"

void cli_flags_clear(CliFlags *f) {
  g_strfreev(f->set);
  g_free(f->parallel);
  g_free(f->topology);
  g_free(f->cpus);
  g_free(f->seed);
  g_free(f->format);
  g_free(f->ftrace);
  g_strfreev(f->fail);
  g_strfreev(f->no_alive);
  g_strfreev(f->policy);
  g_free(f->runs);
  g_free(f->cmdline);
}

static const struct {
  const char *name;
  GOptionArg arg;
  glong offset; /* of the value in CliFlags */
  const char *help, *arg_description;
} options[CLI_OPT_N] = {
    [CLI_OPT_SET] = {"set", G_OPTION_ARG_STRING_ARRAY, G_STRUCT_OFFSET(CliFlags, set),
                     "Override a profile key by its dotted path (repeatable; VALUE is YAML)", "KEY=VALUE"},
    [CLI_OPT_SEED] = {"seed", G_OPTION_ARG_STRING, G_STRUCT_OFFSET(CliFlags, seed), "Seed of all random draws (default 1)",
                      "S"},
    [CLI_OPT_FIRST_SEED] = {"seed", G_OPTION_ARG_STRING, G_STRUCT_OFFSET(CliFlags, seed),
                            "First seed (default 1): run i uses S+i for every policy", "S"},
    [CLI_OPT_TOPOLOGY] = {"topology", G_OPTION_ARG_STRING, G_STRUCT_OFFSET(CliFlags, topology),
                          "Replace the profile's topology", "SxCxT"},
    [CLI_OPT_CPUS] = {"cpus", G_OPTION_ARG_STRING, G_STRUCT_OFFSET(CliFlags, cpus),
                      "Only the first N logical CPUs exist (nr_cpus=N)", "N"},
    [CLI_OPT_PARALLEL] = {"parallel", G_OPTION_ARG_STRING, G_STRUCT_OFFSET(CliFlags, parallel),
                          "cpuhp.parallel= on the kernel command line", "0|1"},
    [CLI_OPT_CMDLINE] = {"cmdline", G_OPTION_ARG_STRING, G_STRUCT_OFFSET(CliFlags, cmdline),
                         "The kernel command line (replaces kernel.cmdline)", "\"PARAMS\""},
    [CLI_OPT_POLICY] = {"policy", G_OPTION_ARG_STRING_ARRAY, G_STRUCT_OFFSET(CliFlags, policy),
                        "Ordering policy (default kernel; see `cpuhpsim policies`)", "POLICY"},
    [CLI_OPT_RUNS] = {"runs", G_OPTION_ARG_STRING, G_STRUCT_OFFSET(CliFlags, runs),
                      "Monte Carlo: N runs with seeds S..S+N-1; report mean, p50, p90, p99, min, max", "N"},
};

GOptionEntry cli_option_help(CliOpt opt, CliFlags *f, const char *help) {
  g_assert(opt < CLI_OPT_N && help);
  return (GOptionEntry){options[opt].name, 0, 0, options[opt].arg, G_STRUCT_MEMBER_P(f, options[opt].offset), help,
                        options[opt].arg_description};
}

GOptionEntry cli_option(CliOpt opt, CliFlags *f) {
  g_assert(opt < CLI_OPT_N);
  return cli_option_help(opt, f, options[opt].help);
}

GOptionEntry cli_option_format(CliFlags *f, const char *formats) {
  g_auto(GStrv) first = g_strsplit(formats, "|", 2);
  g_autofree char *help = g_strdup_printf("Output format (default %s)", first[0]);
  /* interned: the entry's strings must outlive the option parsing, and there are few */
  return (GOptionEntry){"format", 0, 0, G_OPTION_ARG_STRING, &f->format, g_intern_string(help), formats};
}

int cli_fail(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  fprintf(stderr, "cpuhpsim %s: %s\n", cmd, msg);
  return 2;
}

static gboolean print_version(const char *name, const char *value, gpointer data, GError **error) {
  fputs(CLI_VERSION_LINE, stdout);
  exit(fflush(stdout) == 0 ? 0 : 1);
}

void cli_add_version(GOptionContext *ctx) {
  static const GOptionEntry version[] = {
      {"version", 0, G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, (gpointer)print_version,
       "Print the program's version and exit", NULL},
      G_OPTION_ENTRY_NULL};
  g_option_context_add_main_entries(ctx, version, NULL);
}

gboolean cli_parse_u64(const char *s, guint64 max, guint64 *out) {
  if (!s || !*s || !g_ascii_isdigit(*s)) return FALSE;
  char *end;
  errno = 0;
  guint64 v = g_ascii_strtoull(s, &end, 10);
  if (*end || errno || v > max) return FALSE;
  *out = v;
  return TRUE;
}

int cli_check_cmdline(const char *cmd, const char *cmdline) {
  g_autoptr(GError) err = NULL;
  if (!cpuhp_cmdline_check(cmdline, &err)) return cli_fail(cmd, "--cmdline: %s", err->message);
  return 0;
}

/* Turns the shorthand flags into profile overrides, after the user's --set ones so that the
 * explicit flags win. Returns 0 or an exit status. */
char *cli_topology_problem(const char *text, guint64 v[3]) {
  g_auto(GStrv) parts = g_strsplit(text, "x", -1);
  if (g_strv_length(parts) != 3 || !cli_parse_u64(parts[0], 65536, &v[0]) || !cli_parse_u64(parts[1], 65536, &v[1]) ||
      !cli_parse_u64(parts[2], 8, &v[2]) || !v[0] || !v[1] || !v[2])
    return g_strdup_printf("expected SOCKETSxCORESxTHREADS such as 2x28x2, got '%s'", text);
  if (v[0] * v[1] * v[2] > CPUHP_PROFILE_MAX_CPUS)
    return g_strdup_printf("%s is %" G_GUINT64_FORMAT " CPUs, more than the limit of %u", text, v[0] * v[1] * v[2],
                           CPUHP_PROFILE_MAX_CPUS);
  return NULL;
}

char *cli_cpus_problem(const char *text, guint64 *n) {
  if (!cli_parse_u64(text, CPUHP_PROFILE_MAX_CPUS, n) || *n == 0)
    return g_strdup_printf("expected a number of CPUs from 1 to %u, got '%s'", CPUHP_PROFILE_MAX_CPUS, text);
  return NULL;
}

int cli_overrides(const char *cmd, const CliFlags *f, GPtrArray *ov) {
  for (char **s = f->set; s && *s; s++) g_ptr_array_add(ov, g_strdup(*s));
  if (f->cmdline) { /* checked here so the error names the flag */
    if (cli_check_cmdline(cmd, f->cmdline)) return 2;
    g_ptr_array_add(ov, cpuhp_cmdline_as_override(f->cmdline));
  }
  if (f->parallel) {
    if (strcmp(f->parallel, "0") && strcmp(f->parallel, "1"))
      return cli_fail(cmd, "--parallel: expected 0 or 1, got '%s'", f->parallel);
    g_ptr_array_add(ov, g_strdup_printf("kernel.cpuhp_parallel=%s", *f->parallel == '1' ? "true" : "false"));
  }
  if (f->topology) {
    guint64 v[3];
    g_autofree char *why = cli_topology_problem(f->topology, v);
    if (why) return cli_fail(cmd, "--topology: %s", why);
    g_ptr_array_add(ov, g_strdup_printf("topology.sockets=%" G_GUINT64_FORMAT, v[0]));
    g_ptr_array_add(ov, g_strdup_printf("topology.cores_per_socket=%" G_GUINT64_FORMAT, v[1]));
    g_ptr_array_add(ov, g_strdup_printf("topology.threads_per_core=%" G_GUINT64_FORMAT, v[2]));
    g_ptr_array_add(ov, g_strdup("topology.numa_nodes=0"));
  }
  if (f->cpus) {
    guint64 n;
    g_autofree char *why = cli_cpus_problem(f->cpus, &n);
    if (why) return cli_fail(cmd, "--cpus: %s", why);
    g_ptr_array_add(ov, g_strdup_printf("topology.nr_cpus=%" G_GUINT64_FORMAT, n));
  }
  return 0;
}

CpuhpProfile *cli_load(const char *path, GPtrArray *ov) {
  g_autoptr(GError) err = NULL;
  CpuhpProfile *p = path ? cpuhp_machine_load_file(path, ov, &err) : cpuhp_machine_load_default(ov, &err);
  if (!p) fprintf(stderr, "%s\n", err->message);
  return p;
}

/* Parses options shared by run/check/states. On error returns an exit status in *status. */
gboolean cli_parse(const char *cmd, int *argc, char ***argv, GOptionEntry *entries,
                             const char *param, const char *summary, int *status) {
  g_autoptr(GOptionContext) ctx = g_option_context_new(param);
  g_option_context_set_summary(ctx, summary);
  g_option_context_add_main_entries(ctx, entries, NULL);
  cli_add_version(ctx);
  g_option_context_set_help_enabled(ctx, TRUE);
  g_autoptr(GError) err = NULL;
  if (!g_option_context_parse(ctx, argc, argv, &err)) {
    *status = cli_fail(cmd, "%s", err->message);
    return FALSE;
  }
  if (*argc > 2) {
    *status = cli_fail(cmd, "unexpected argument '%s' (one PROFILE at most)", (*argv)[2]);
    return FALSE;
  }
  return TRUE;
}


int cli_common_values(const char *cmd, const CliFlags *f, const char *formats, guint64 *seed, guint64 *runs,
                      const char **format) {
  *seed = 1;
  *runs = 1;
  g_auto(GStrv) allowed = g_strsplit(formats, "|", -1);
  *format = g_intern_string(allowed[0]);
  if (f->seed && !cli_parse_u64(f->seed, G_MAXUINT64, seed))
    return cli_fail(cmd, "--seed: expected an unsigned 64-bit integer, got '%s'", f->seed);
  if (f->runs && (!cli_parse_u64(f->runs, 10000000, runs) || *runs == 0))
    return cli_fail(cmd, "--runs: expected a number of runs from 1 to 10000000, got '%s'", f->runs);
  if (f->format) {
    if (!g_strv_contains((const char *const *)allowed, f->format))
      return cli_fail(cmd, "--format: expected %s, got '%s'", formats, f->format);
    *format = f->format;
  }
  return 0;
}

GPtrArray *cli_policies(const char *cmd, const CliFlags *f) {
  GPtrArray *pols = g_ptr_array_new_with_free_func((GDestroyNotify)cpuhp_policy_free);
  const char *const dflt[] = {"kernel", NULL};
  for (const char *const *s = f->policy ? (const char *const *)f->policy : dflt; *s; s++) {
    g_autoptr(GError) err = NULL;
    CpuhpPolicy *pol = cpuhp_policy_parse(*s, &err);
    if (!pol) {
      cli_fail(cmd, "%s", err->message);
      g_ptr_array_unref(pols);
      return NULL;
    }
    g_ptr_array_add(pols, pol);
  }
  return pols;
}
