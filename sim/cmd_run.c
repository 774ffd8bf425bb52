/* cmd_run.c — run, check, states, schema: flags to profile overrides, profile to result,
 * result to outputs. Flags are checked here; everything about the profile is the loader's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/bringup.h"
#include "models/profile.h"
#include "sim/cmds.h"
#include "models/invariants.h"
#include "sim/fingerprint.h"
#include "sim/report.h"

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
} RunFlags;

static void run_flags_clear(RunFlags *f) {
  g_strfreev(f->set);
  g_free(f->parallel);
  g_free(f->topology);
  g_free(f->cpus);
  g_free(f->seed);
  g_free(f->format);
  g_free(f->ftrace);
  g_strfreev(f->fail);
  g_strfreev(f->no_alive);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(RunFlags, run_flags_clear)

static int fail(const char *cmd, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static int fail(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  fprintf(stderr, "cpuhpsim %s: %s\n", cmd, msg);
  return 2;
}

static gboolean parse_u64(const char *s, guint64 max, guint64 *out) {
  if (!s || !*s || !g_ascii_isdigit(*s)) return FALSE;
  char *end;
  errno = 0;
  guint64 v = g_ascii_strtoull(s, &end, 10);
  if (*end || errno || v > max) return FALSE;
  *out = v;
  return TRUE;
}

/* Turns the shorthand flags into profile overrides, after the user's --set ones so that the
 * explicit flags win. Returns 0 or an exit status. */
static int flags_to_overrides(const char *cmd, const RunFlags *f, GPtrArray *ov) {
  for (char **s = f->set; s && *s; s++) g_ptr_array_add(ov, g_strdup(*s));
  if (f->parallel) {
    if (strcmp(f->parallel, "0") && strcmp(f->parallel, "1"))
      return fail(cmd, "--parallel: expected 0 or 1, got '%s'", f->parallel);
    g_ptr_array_add(ov, g_strdup_printf("kernel.cpuhp_parallel=%s", *f->parallel == '1' ? "true" : "false"));
  }
  if (f->topology) {
    g_auto(GStrv) parts = g_strsplit(f->topology, "x", -1);
    guint64 v[3];
    if (g_strv_length(parts) != 3 || !parse_u64(parts[0], 65536, &v[0]) || !parse_u64(parts[1], 65536, &v[1]) ||
        !parse_u64(parts[2], 8, &v[2]) || !v[0] || !v[1] || !v[2])
      return fail(cmd, "--topology: expected SOCKETSxCORESxTHREADS such as 2x28x2, got '%s'", f->topology);
    if (v[0] * v[1] * v[2] > CPUHP_PROFILE_MAX_CPUS)
      return fail(cmd, "--topology: %s is %" G_GUINT64_FORMAT " CPUs, more than the limit of %u", f->topology,
                  v[0] * v[1] * v[2], CPUHP_PROFILE_MAX_CPUS);
    g_ptr_array_add(ov, g_strdup_printf("topology.sockets=%" G_GUINT64_FORMAT, v[0]));
    g_ptr_array_add(ov, g_strdup_printf("topology.cores_per_socket=%" G_GUINT64_FORMAT, v[1]));
    g_ptr_array_add(ov, g_strdup_printf("topology.threads_per_core=%" G_GUINT64_FORMAT, v[2]));
    g_ptr_array_add(ov, g_strdup("topology.numa_nodes=0"));
  }
  if (f->cpus) {
    guint64 n;
    if (!parse_u64(f->cpus, CPUHP_PROFILE_MAX_CPUS, &n) || n == 0)
      return fail(cmd, "--cpus: expected a number of CPUs from 1 to %u, got '%s'", CPUHP_PROFILE_MAX_CPUS, f->cpus);
    g_ptr_array_add(ov, g_strdup_printf("topology.nr_cpus=%" G_GUINT64_FORMAT, n));
  }
  return 0;
}

static CpuhpProfile *load(const char *cmd, const char *path, GPtrArray *ov) {
  g_autoptr(GError) err = NULL;
  CpuhpProfile *p = path ? cpuhp_profile_load_file(path, ov, &err) : cpuhp_profile_load_default(ov, &err);
  if (!p) fprintf(stderr, "%s\n", err->message);
  return p;
}

/* Parses options shared by run/check/states. On error returns an exit status in *status. */
static gboolean parse_common(const char *cmd, int *argc, char ***argv, GOptionEntry *entries,
                             const char *param, const char *summary, int *status) {
  g_autoptr(GOptionContext) ctx = g_option_context_new(param);
  g_option_context_set_summary(ctx, summary);
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_option_context_set_help_enabled(ctx, TRUE);
  g_autoptr(GError) err = NULL;
  if (!g_option_context_parse(ctx, argc, argv, &err)) {
    *status = fail(cmd, "%s", err->message);
    return FALSE;
  }
  if (*argc > 2) {
    *status = fail(cmd, "unexpected argument '%s' (one PROFILE at most)", (*argv)[2]);
    return FALSE;
  }
  return TRUE;
}

int cmd_run(int argc, char **argv) {
  g_auto(RunFlags) f = {0};
  GOptionEntry entries[] = {
      {"parallel", 0, 0, G_OPTION_ARG_STRING, &f.parallel, "cpuhp.parallel= on the kernel command line", "0|1"},
      {"topology", 0, 0, G_OPTION_ARG_STRING, &f.topology, "Replace the profile's topology", "SxCxT"},
      {"cpus", 0, 0, G_OPTION_ARG_STRING, &f.cpus, "Only the first N logical CPUs exist (nr_cpus=N)", "N"},
      {"set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &f.set, "Override a profile key by its dotted path (repeatable; VALUE is YAML)", "KEY=VALUE"},
      {"seed", 0, 0, G_OPTION_ARG_STRING, &f.seed, "Seed of all random draws (default 1)", "S"},
      {"format", 0, 0, G_OPTION_ARG_STRING, &f.format, "Report format on stdout (default text)", "text|json"},
      {"ftrace", 0, 0, G_OPTION_ARG_FILENAME, &f.ftrace, "Also write the cpuhp trace events in the kernel's trace text format", "FILE"},
      {"fail", 0, 0, G_OPTION_ARG_STRING_ARRAY, &f.fail, "Make STATE's callback fail once on CPU, like cpuN/hotplug/fail: the CPU rolls back and stays offline (repeatable)", "CPU:STATE"},
      {"check", 0, 0, G_OPTION_ARG_NONE, &f.check, "Check the kernel's ordering invariants on this run (exit 3 if one is violated)", NULL},
      {"fingerprint", 0, 0, G_OPTION_ARG_NONE, &f.fingerprint, "Print a stable hash of the full event sequence", NULL},
      {"no-alive", 0, 0, G_OPTION_ARG_STRING_ARRAY, &f.no_alive, "The AP never runs after its kick: the control CPU times out (repeatable)", "CPU"},
      {NULL}};
  int status;
  if (!parse_common("run", &argc, &argv, entries, "[PROFILE]",
                    "Simulate one SMP bringup of the machine in PROFILE (default: the embedded\n"
                    "skl-2s-112t) and report bringup time, control-CPU waiting and a per-phase\n"
                    "breakdown. Faults can be injected with the kernel's semantics (--fail,\n"
                    "--no-alive). Exit status: 0 ok, 1 output could not be written, 2 bad input,\n"
                    "3 an invariant was violated (--check).",
                    &status))
    return status;
  guint64 seed = 1;
  if (f.seed && !parse_u64(f.seed, G_MAXUINT64, &seed))
    return fail("run", "--seed: expected an unsigned 64-bit integer, got '%s'", f.seed);
  gboolean json = FALSE;
  if (f.format) {
    if (!strcmp(f.format, "json")) json = TRUE;
    else if (strcmp(f.format, "text")) return fail("run", "--format: expected text or json, got '%s'", f.format);
  }
  if (f.ftrace && !*f.ftrace) return fail("run", "--ftrace: empty file name");
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  if ((status = flags_to_overrides("run", &f, ov))) return status;
  g_autoptr(CpuhpProfile) p = load("run", argc > 1 ? argv[1] : NULL, ov);
  if (!p) return 2;

  g_autoptr(GError) err = NULL;
  g_autoptr(GArray) faults = g_array_new(FALSE, FALSE, sizeof(CpuhpFault));
  for (int kind = 0; kind < 2; kind++) {
    for (char **s = kind ? f.no_alive : f.fail; s && *s; s++) {
      CpuhpFault fault;
      if (!cpuhp_fault_parse(p, kind ? "--no-alive" : "--fail", *s, kind == 1, &fault, &err))
        return fail("run", "%s", err->message);
      g_array_append_val(faults, fault);
    }
  }
  CpuhpRunOptions opt = {.seed = seed, .trace = f.ftrace || f.check || f.fingerprint, .faults = (const CpuhpFault *)faults->data,
                         .n_faults = faults->len};
  g_autoptr(CpuhpResult) r = cpuhp_bringup_run(p, &opt, &err);
  if (!r) {
    fprintf(stderr, "%s\n", err->message);
    return 2;
  }
  if (f.ftrace) { /* written whole to a temporary file, then renamed into place */
    g_autoptr(GString) t = g_string_new(NULL);
    cpuhp_report_ftrace(t, r);
    if (!g_file_set_contents(f.ftrace, t->str, (gssize)t->len, &err)) {
      fprintf(stderr, "cpuhpsim run: --ftrace: %s\n", err->message);
      return 1;
    }
  }
  g_autoptr(GArray) violations = f.check ? cpuhp_invariants_check(p, r) : NULL;
  CpuhpReportExtras x = {.checked = f.check, .violations = violations, .fingerprinted = f.fingerprint};
  cpuhp_invariants(&x.n_invariants);
  if (f.fingerprint) x.fingerprint = cpuhp_fingerprint(r);
  g_autoptr(GString) out = g_string_new(NULL);
  if (json) cpuhp_report_json(out, r, &x);
  else cpuhp_report_text(out, r, &x);
  fwrite(out->str, 1, out->len, stdout);
  if (fflush(stdout) != 0) return 1;
  return violations && violations->len ? 3 : 0;
}

static int profile_only(const char *cmd, int argc, char **argv, const char *summary, gboolean need_path,
                        void (*show)(GString *, const CpuhpProfile *)) {
  g_auto(GStrv) set = NULL;
  GOptionEntry entries[] = {
      {"set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &set, "Override a profile key by its dotted path (repeatable)", "KEY=VALUE"},
      {NULL}};
  int status;
  if (!parse_common(cmd, &argc, &argv, entries, need_path ? "PROFILE" : "[PROFILE]", summary, &status))
    return status;
  if (need_path && argc < 2) return fail(cmd, "missing PROFILE");
  g_autoptr(GPtrArray) ov = g_ptr_array_new_with_free_func(g_free);
  for (char **s = set; s && *s; s++) g_ptr_array_add(ov, g_strdup(*s));
  g_autoptr(CpuhpProfile) p = load(cmd, argc > 1 ? argv[1] : NULL, ov);
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
                      TRUE, show_check);
}

int cmd_states(int argc, char **argv) {
  return profile_only("states", argc, argv,
                      "Print the cpuhp state table of PROFILE's kernel and arch, with which states\n"
                      "run at boot and what each costs in this profile.",
                      FALSE, cpuhp_report_states);
}

int cmd_schema(int argc, char **argv) {
  GOptionEntry entries[] = {{NULL}};
  int status;
  if (!parse_common("schema", &argc, &argv, entries, "", "Print every profile key: type, default, meaning.", &status))
    return status;
  if (argc > 1) return fail("schema", "unexpected argument '%s'", argv[1]);
  g_autoptr(GString) out = g_string_new(NULL);
  cpuhp_profile_schema_text(out);
  fwrite(out->str, 1, out->len, stdout);
  return fflush(stdout) == 0 ? 0 : 1;
}
