/* fuzz_calibrate.c — libFuzzer harness for `calibrate`'s line editor (sim/output/profile_edit.c): the
 * input is a base profile's YAML text. When it loads, a small simulated boot of it is fitted back
 * into it; the result must be a profile the loader accepts (calibrate refuses bases it cannot
 * edit with a one-line error, never writes a broken profile), never a crash or a leak. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/kernel/prepare.h"
#include "models/kernel/bringup.h"
#include "models/replay/calibrate.h"
#include "models/replay/replay.h"
#include "sim/output/profile_edit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 8192) return 0;
  char *text = g_strndup((const char *)data, size);
  GError *err = NULL;
  GPtrArray *ov = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(ov, g_strdup("topology.nr_cpus=3")); /* small boots: the editor is under test */
  CpuhpProfile *p = cpuhp_machine_load_data("base.yaml", text, strlen(text), ov, &err);
  g_clear_error(&err);
  if (p && cpuhp_profile_n_cpus(p) >= 2) {
    CpuhpRunOptions opt = {.seed = 1, .trace = TRUE};
    CpuhpResult *r = cpuhp_bringup_run(p, &opt, NULL);
    CpuhpMeasured *m = r ? cpuhp_measured_new_from_result(r, NULL) : NULL;
    if (m) {
      GString *out = g_string_new(NULL);
      const char *name = "sim";
      CpuhpCalibration *cal = cpuhp_calibrate(p, &m, 1, CPUHP_FIT_MEDIAN, &err);
      if (cal && sim_profile_edit_calibrated(out, p, text, cal, &m, &name, 1, &err)) {
        CpuhpProfile *q = cpuhp_machine_load_data("fitted.yaml", out->str, out->len, NULL, &err);
        if (!q) {
          fprintf(stderr, "fuzz_calibrate: the fitted profile does not load: %s\n--- out:\n%s\n", err->message, out->str);
          abort();
        }
        cpuhp_profile_free(q);
      } else if (!err || strchr(err->message, '\n')) {
        fprintf(stderr, "fuzz_calibrate: error missing or not one line\n");
        abort();
      }
      g_clear_error(&err);
      cpuhp_calibration_free(cal);
      g_string_free(out, TRUE);
      cpuhp_measured_free(m);
    }
    if (r) cpuhp_result_free(r);
  }
  if (p) cpuhp_profile_free(p);
  g_ptr_array_unref(ov);
  g_free(text);
  return 0;
}
