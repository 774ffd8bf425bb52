/* fuzz_profile.c — libFuzzer harness for the profile loader (models/profile) and the kernel
 * model's prepare step (models/kernel/prepare.c).
 *
 * Input: a YAML profile, optionally followed by overrides, each introduced by "\n--set "
 *
 *   name: t
 *   arch: x86_64
 *   --set topology.sockets=2
 *   --set x86.icr_write={dist: uniform, min: 1us, max: 2us}
 *
 * The profile part goes to cpuhp_machine_load_data() with its length (NUL bytes included, as a
 * file could hold them); each override is cut at its first NUL, as a command-line argument is.
 * Besides the sanitizers, it checks the loader's contract: a profile xor an error, every error
 * one line of valid UTF-8 without control characters, in the profile domain, and a loaded
 * profile that is within its documented limits. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/kernel/prepare.h"
#include "models/profile/profile.h"

#define SET_MARK "\n--set "
#define MAX_OVERRIDES 8u /* enough to compose edits; more only slows each run */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* abort() so that libFuzzer records the input; say why first. */
#define CHECK(cond, ...)                                                                      \
  do {                                                                                        \
    if (!(cond)) {                                                                            \
      fprintf(stderr, "fuzz_profile: check failed: %s: ", #cond);                             \
      fprintf(stderr, __VA_ARGS__);                                                           \
      fputc('\n', stderr);                                                                    \
      abort();                                                                                \
    }                                                                                         \
  } while (0)

static const char *find_mark(const char *p, const char *end) {
  gsize n = strlen(SET_MARK);
  for (; p + n <= end; p++)
    if (memcmp(p, SET_MARK, n) == 0) return p;
  return NULL;
}

static void check_profile(const CpuhpProfile *p) {
  guint n = cpuhp_profile_n_cpus(p);
  CHECK(n >= 1 && n <= CPUHP_PROFILE_MAX_CPUS, "%u CPUs", n);
  CHECK(p->topology.numa_nodes >= 1, "numa_nodes %u", p->topology.numa_nodes);
  CHECK(p->name && *p->name && p->arch && p->kernel.version, "missing string");
  CHECK(p->kernel.alive_spin <= p->kernel.alive_timeout, "alive_spin > alive_timeout");
  CHECK(cpuhp_topology_n_cpus(cpuhp_topology_of(p)) == n, "topology not prepared for %u CPUs", n);
  CHECK(cpuhp_profile_rows(p)->table == cpuhp_profile_table(p), "rows not of the profile's table");
  for (guint i = 0; i < p->n_states; i++) {
    const CpuhpStateCost *sc = &p->states[i];
    CHECK(cpuhp_profile_state(p, sc->name) != NULL, "state '%s' not found", sc->name);
    CHECK(sc->present >= -1 && sc->present <= 1, "present %d", sc->present);
    CHECK(sc->n_costs == 0 || sc->costs != NULL, "n_costs %u, no costs", sc->n_costs);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = (const char *)data, *end = text + size;
  const char *mark = find_mark(text, end);
  gsize yaml_len = mark ? (gsize)(mark - text) : size;

  g_autoptr(GPtrArray) overrides = g_ptr_array_new_with_free_func(g_free);
  while (mark && overrides->len < MAX_OVERRIDES) {
    const char *arg = mark + strlen(SET_MARK);
    mark = find_mark(arg, end);
    g_ptr_array_add(overrides, g_strndup(arg, (gsize)((mark ? mark : end) - arg)));
  }

  g_autoptr(GError) err = NULL;
  /* A copy of exactly yaml_len bytes, so ASan sees any read past the end. */
  g_autofree char *yaml = g_memdup2(text, yaml_len);
  g_autoptr(CpuhpProfile) p =
      cpuhp_machine_load_data("fuzz.yaml", yaml, yaml_len, overrides->len ? overrides : NULL, &err);
  CHECK((p == NULL) != (err == NULL), "profile %p, error %p", (void *)p, (void *)err);
  if (p) {
    check_profile(p);
    return 0;
  }
  CHECK(err->domain == CPUHP_PROFILE_ERROR, "domain %s", g_quark_to_string(err->domain));
  CHECK(err->code >= CPUHP_PROFILE_ERROR_IO && err->code <= CPUHP_PROFILE_ERROR_VALUE, "code %d",
        err->code);
  CHECK(*err->message, "empty message");
  for (const char *c = err->message; *c; c++) /* user text must come escaped (yt_quote) */
    CHECK((guchar)*c >= 0x20 && *c != 0x7f, "control character 0x%02x, not one clean line: %s",
          (guchar)*c, err->message);
  CHECK(g_utf8_validate(err->message, -1, NULL), "not UTF-8: %s", err->message);
  CHECK(g_str_has_prefix(err->message, "fuzz.yaml") || g_str_has_prefix(err->message, "--set "),
        "does not name its source: %s", err->message);
  return 0;
}
