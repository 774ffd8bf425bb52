/* cmdline.h — the kernel command line as an input: split as the kernel splits it, and each
 * parameter the models know turned into the profile keys its mechanism reads.
 *
 * Contract: parameters are separated by blanks, double quotes group ("a=b c" is one), "--" ends
 * the kernel's part, '-' and '_' are the same in names (parameq). A modelled parameter with a
 * malformed value is an error naming it; an unknown one is kept and reported as ignored. A line
 * of COMMAND_LINE_SIZE (2048) bytes or more, which no kernel would keep, is an error. */
#pragma once

#include <glib.h>

typedef struct {
  char *text;              /* as written: "lpj=3999880" */
  char *name;              /* "lpj" */
  char *value;             /* "3999880", or NULL without '=' */
  gboolean modelled;       /* it changes something the models simulate */
  const char *mechanism;   /* what it switches (static), or why it is ignored */
} CpuhpCmdlineParam;

/* The parameters, in order (element: CpuhpCmdlineParam*, freed with the array). */
GPtrArray *cpuhp_cmdline_parse(const char *cmdline, GError **error);
/* Appends the "KEY=VALUE" profile overrides the modelled parameters stand for. */
gboolean cpuhp_cmdline_overrides(const char *cmdline, GPtrArray *overrides, GError **error);
/* TRUE when every modelled parameter of `cmdline` is well formed (what cpuhp_cmdline_overrides
 * would refuse, without keeping its overrides). */
gboolean cpuhp_cmdline_check(const char *cmdline, GError **error);
/* "kernel.cmdline='...'": the profile override that sets `cmdline` as it is (a YAML
 * single-quoted scalar, so that '*', ':' and '#' in it stay text). */
char *cpuhp_cmdline_as_override(const char *cmdline);
/* The command line without parameter `skip` (what-if baselines). */
char *cpuhp_cmdline_without(const GPtrArray *params, guint skip);
