/* main.c — `cpuhpsim SUBCOMMAND ...`: dispatch table and top-level help. */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "sim/cli/cli.h"
#include "sim/cli/cmds.h"

static const struct {
  const char *name;
  int (*fn)(int, char **);
  const char *summary;
} commands[] = {
    {"run", cmd_run, "simulate one SMP bringup and report it (text or JSON, optional ftrace file)"},
    {"check", cmd_check, "validate a profile"},
    {"states", cmd_states, "print the cpuhp state table as a profile has it"},
    {"schema", cmd_schema, "print every profile key with its type, default and meaning"},
    {"compare", cmd_compare, "compare ordering policies over Monte Carlo runs (common random numbers)"},
    {"policies", cmd_policies, "list the ordering policies"},
    {"sweep", cmd_sweep, "run a scenario's grid (axes x seeds) on all cores, or one shard of it"},
    {"merge", cmd_merge, "join sweep shards into the unsharded output"},
    {"explore", cmd_explore, "search the policy space for the lowest bringup time"},
    {"verify", cmd_verify, "check the bringup rules over odd topologies, policies, faults and seeds"},
    {"import", cmd_import, "read a real boot's trace/console log: the measured bringup timeline"},
    {"diff", cmd_diff, "compare a real boot with another trace or a simulated profile"},
    {"calibrate", cmd_calibrate, "fit a profile's callback costs on real boots, write the profile"},
    {"plot", cmd_plot, "draw a figure (timeline, scaling, phases, cdf, vmexits) with gnuplot or matplotlib"},
};

static void usage(FILE *f) {
  fprintf(f, "Usage: cpuhpsim COMMAND [OPTIONS] [PROFILE]\n\n"
             "Deterministic discrete-event simulation of Linux SMP CPU bringup (kernel/cpu.c).\n\n"
             "Commands:\n");
  for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
    fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
  fprintf(f, "\nPROFILE is a YAML machine profile (see scenarios/); without one, the embedded\n"
             "default (scenarios/skl-2s-112t.yaml) is used.\n"
             "`cpuhpsim COMMAND --help` shows a command's options.\n");
}

/* Data goes to stdout through stdio's buffer: a full disk or a closed pipe shows only when it is
 * flushed, so every command's status passes through here. A report that was not written whole
 * is an environment failure (exit 1), never a success. */
static int close_stdout(int status) {
  errno = 0;
  if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
    fprintf(stderr, "cpuhpsim: standard output: %s\n", errno ? g_strerror(errno) : "write error");
    return status == 0 ? 1 : status;
  }
  return status;
}

static int dispatch(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
    usage(stdout);
    return 0;
  }
  if (!strcmp(argv[1], "--version")) {
    fputs(CLI_VERSION_LINE, stdout);
    return 0;
  }
  for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
    if (!strcmp(argv[1], commands[i].name)) return commands[i].fn(argc - 1, argv + 1);
  fprintf(stderr, "cpuhpsim: unknown command '%s' (try cpuhpsim --help)\n", argv[1]);
  return 2;
}

int main(int argc, char **argv) { return close_stdout(dispatch(argc, argv)); }
