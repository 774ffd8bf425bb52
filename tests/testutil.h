/* testutil.h — helpers shared by the cmocka tests (header-only, static). */
#pragma once

#include <glib.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* cmocka.h needs the includes above first */
#include <cmocka.h>

#include "models/bringup.h"
#include "models/profile.h"
#include "sim/ftrace.h"

/* The default profile plus overrides given as a NULL-terminated list. */
static G_GNUC_UNUSED CpuhpProfile *tu_profile(const char *first, ...) {
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  va_list ap;
  va_start(ap, first);
  for (const char *s = first; s; s = va_arg(ap, const char *)) g_ptr_array_add(ov, g_strdup(s));
  va_end(ap);
  g_autoptr(GError) err = NULL;
  CpuhpProfile *p = cpuhp_profile_load_default(ov, &err);
  if (!p) fail_msg("profile: %s", err->message);
  return p;
}

static G_GNUC_UNUSED CpuhpResult *tu_run(const CpuhpProfile *p, uint64_t seed, gboolean trace) {
  CpuhpRunOptions opt = {.seed = seed, .trace = trace};
  g_autoptr(GError) err = NULL;
  CpuhpResult *r = cpuhp_bringup_run(p, &opt, &err);
  if (!r) fail_msg("run: %s", err->message);
  return r;
}

/* The cpuhp events of a trace file (ours or a real console log), in file order. */
static G_GNUC_UNUSED GArray *tu_read_trace(const char *path) {
  g_autofree char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL)) return NULL;
  GArray *a = g_array_new(FALSE, FALSE, sizeof(SimFtraceRec));
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  for (char **l = lines; *l; l++) {
    SimFtraceRec r;
    const char *why = NULL;
    SimFtraceParse res = sim_ftrace_parse_line(*l, &r, &why);
    if (res == SIM_FTRACE_PARSE_MALFORMED) fail_msg("%s: malformed line (%s): %s", path, why, *l);
    if (res == SIM_FTRACE_PARSE_OK) g_array_append_val(a, r);
  }
  return a;
}

/* dmesg time (ns) of the first line containing `needle` ("[  2.011597] ..."), or -1. */
static G_GNUC_UNUSED int64_t tu_dmesg_time(const char *path, const char *needle) {
  g_autofree char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL)) return -1;
  const char *hit = strstr(text, needle);
  if (!hit) return -1;
  const char *br = hit;
  while (br > text && *br != '[') br--;
  long long s = 0, us = 0;
  if (sscanf(br, "[ %lld.%lld]", &s, &us) != 2) return -1;
  return s * 1000000000LL + us * 1000LL;
}
