/* cli.h — what the subcommands share: the machine-shaping flags (--set, --parallel,
 * --topology, --cpus), seeds, formats, policies, one-line errors, profile loading.
 *
 * Contract: every user error is one line on stderr naming the flag (or FILE:LINE:COL from the
 * profile loader) and exit status 2. */
#pragma once

#include <glib.h>

#include "models/kernel/policy.h"
#include "models/profile/profile.h"

typedef struct {
  char **set;
  char *parallel;
  char *topology;
  char *cpus;
  char *seed;
  char *format;
  char *ftrace;
  char **fail;
  char **no_alive;
  gboolean check;
  gboolean fingerprint;
  char **policy;
  char *runs;
  char *cmdline;
} CliFlags;

void cli_flags_clear(CliFlags *f);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(CliFlags, cli_flags_clear)

/* The options several commands take, each described once. */
typedef enum {
  CLI_OPT_SET,
  CLI_OPT_SEED,
  CLI_OPT_FIRST_SEED, /* --seed of a series of runs compared side by side */
  CLI_OPT_TOPOLOGY,
  CLI_OPT_CPUS,
  CLI_OPT_PARALLEL,
  CLI_OPT_CMDLINE,
  CLI_OPT_POLICY,
  CLI_OPT_RUNS,
  CLI_OPT_N,
} CliOpt;

/* The GOptionEntry of a shared option, storing into `f`: its name, value type, value name and
 * help are the same in every command that takes it. */
GOptionEntry cli_option(CliOpt opt, CliFlags *f);
/* The same with the command's own help, where the option means more there than the shared
 * help says (a default of its own, a list of values, a restriction). */
GOptionEntry cli_option_help(CliOpt opt, CliFlags *f, const char *help);
/* --format=FORMATS ("text|json"): "Output format (default ...)", the first of FORMATS. */
GOptionEntry cli_option_format(CliFlags *f, const char *formats);

/* The program's version, as `--version` prints it. */
#define CLI_VERSION_LINE "cpuhpsim " CPUHPSIM_VERSION "\n"
/* Adds --version (print CLI_VERSION_LINE, exit 0) to a command's options. */
void cli_add_version(GOptionContext *ctx);

/* Prints "cpuhpsim CMD: message" and returns 2. */
int cli_fail(const char *cmd, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
gboolean cli_parse_u64(const char *s, guint64 max, guint64 *out);
/* Parses argv with `entries`; at most one positional PROFILE. FALSE: *status is the exit code. */
gboolean cli_parse(const char *cmd, int *argc, char ***argv, GOptionEntry *entries, const char *param,
                   const char *summary, int *status);
/* A --cmdline value: 0, or 2 after naming the flag and the parameter that is malformed. */
int cli_check_cmdline(const char *cmd, const char *cmdline);
/* NULL when `text` is a good --topology (SOCKETSxCORESxTHREADS, into v) or --cpus value (into
 * *n), else why not, without the flag's name (a sweep axis blames its own line). */
char *cli_topology_problem(const char *text, guint64 v[3]);
char *cli_cpus_problem(const char *text, guint64 *n);
/* --set, then --parallel/--topology/--cpus as overrides; 0 or an exit status. */
int cli_overrides(const char *cmd, const CliFlags *f, GPtrArray *ov);
/* The profile at `path` (NULL: embedded default) with overrides; prints the error. */
CpuhpProfile *cli_load(const char *path, GPtrArray *ov);
/* --seed (default 1), --runs (default 1), --format among `formats` ("text|json"; default the
 * first): 0 or 2. */
int cli_common_values(const char *cmd, const CliFlags *f, const char *formats, guint64 *seed, guint64 *runs,
                      const char **format);
/* The --policy specs (default "kernel" when none); NULL after printing an error. */
GPtrArray *cli_policies(const char *cmd, const CliFlags *f);
