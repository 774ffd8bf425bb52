/* fuzz_source.c — libFuzzer harness for the kernel-source state-table reader
 * (models/kernel/cpuhp_source.c; sim/output/table_yaml.c writes its table): the input is a
 * cpuhotplug.h, a cpu.c and a .config separated by lines "@@@". Any input must give a table or a one-line error, never a crash or a leak; a
 * table must be the whole-table YAML form (it starts with its comment and names its arch). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/kernel/cpuhp_source.h"
#include "sim/output/table_yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = g_strndup((const char *)data, size); /* stops at a NUL, as file text would not */
  char **parts = g_strsplit(text, "\n@@@\n", 3);
  const char *header = parts[0] ? parts[0] : "", *cpu_c = parts[0] && parts[1] ? parts[1] : "";
  const char *config = parts[0] && parts[1] && parts[2] ? parts[2] : NULL;
  GString *out = g_string_new(NULL);
  GError *err = NULL;
  CpuhpSourceTable *t = cpuhp_table_from_source(header, cpu_c, config, "x86_64", "fuzz", &err);
  if (t) {
    sim_table_yaml_source(out, t, "fuzz");
    cpuhp_source_table_free(t);
    if (!g_str_has_prefix(out->str, "# State table read from the kernel source") || !strstr(out->str, "\narch: x86_64\n")) {
      fprintf(stderr, "fuzz_source: a table without its header\n");
      abort();
    }
  } else if (!err || strchr(err->message, '\n')) {
    fprintf(stderr, "fuzz_source: error missing or not one line: %s\n", err ? err->message : "(none)");
    abort();
  }
  if (err) g_error_free(err);
  g_string_free(out, TRUE);
  g_strfreev(parts);
  g_free(text);
  return 0;
}
