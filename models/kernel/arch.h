/* arch.h — what generic code asks of an architecture, through one registry.
 *
 * Contract: models/arch/registry.c is the one place that lists the arches; nothing else names
 * one. An arch brings its ops (the BP's kick and the AP's stage lists, machine.h), its shipped
 * state tables (the first is the base a user's table or a kernel source is read against), its
 * profile section (profile.h, schema) and, optionally, how `calibrate` fits that section.
 * docs/extending.md walks through adding one. Declared here, in the kernel model that uses
 * it, and defined above it in models/arch, so the includes point one way. */
#pragma once

#include <glib.h>

#include "models/kernel/cpuhp.h"

struct _ArchOps;
struct _CpuhpMeasured;
struct _CpuhpProfile;

typedef struct {
  const char *name;                 /* the profile's `arch:` ("x86_64") */
  const struct _ArchOps *ops;       /* how a run kicks and boots its APs */
  const CpuhpTable *const *tables;  /* shipped state tables, the base table first */
  guint n_tables;
  /* `calibrate`: fits the costs of the AP's own path (the arch's profile section) on what the
   * function tracer recorded of it in the boots, appending one CpuhpFitKey
   * (models/replay/calibrate.h) per cost it could fit; NULL when the arch has no such fit. */
  void (*fit_ap_path)(struct _CpuhpMeasured *const *boots, guint n_boots, GArray *keys);
  /* When a profile's rows are built (rows.h): adds to a callback's per-CPU terms what its walk
   * costs on this machine beyond the profile's own terms (x86: loops that store into every
   * CPU's per-CPU data, priced by package distance); NULL when the arch adds nothing. */
  void (*row_terms)(const struct _CpuhpProfile *p, const CpuhpStep *s, int64_t *per_possible_cpu,
                    int64_t *per_online_cpu);
} CpuhpArch;

/* The arch of that name, or NULL. */
const CpuhpArch *cpuhp_arch_lookup(const char *name);
/* The i-th registered arch, NULL past the last. */
const CpuhpArch *cpuhp_arch_nth(guint i);
/* The table a user's table or a kernel source of `arch` is read against, or NULL. */
const CpuhpTable *cpuhp_arch_base_table(const char *arch);
