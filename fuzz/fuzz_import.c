/* fuzz_import.c — libFuzzer harness for the real-trace importer (models/replay*.c): console
 * logs with @@ sections, ftrace text in every clock, dmesg lines, gzip. Any input must give a
 * timeline or a one-line error, never a crash or a leak; a timeline must be self-consistent
 * (a window that does not end before it starts). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/replay/replay.h"
#include "sim/output/bootlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  GError *err = NULL;
  CpuhpMeasured *m = sim_bootlog_measure_data("fuzz.txt", data, size, &err);
  if (!m) {
    if (!err || strchr(err->message, '\n')) {
      fprintf(stderr, "fuzz_import: error missing or not one line: %s\n", err ? err->message : "(none)");
      abort();
    }
    g_error_free(err);
    return 0;
  }
  cpuhp_measured_free(m);
  return 0;
}
