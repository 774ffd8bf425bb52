/* cmd_merge.c — `merge`: the outputs of `sweep --shard=I/N` joined into what the unsharded sweep
 * prints.
 *
 * Shards belong together when their sweep hashes match (sweep_rows.h): the scenario's path does
 * not matter, its content, its profile and the program version do. */
#include <stdio.h>
#include <string.h>

#include "models/profile/yamltree.h"
#include "sim/cli/cli.h"
#include "sim/cli/cmds.h"
#include "sim/output/outfile.h"
#include "sim/output/rows_read.h"
#include "sim/output/sweep_rows.h"

typedef struct {
  guint64 point;
  guint run;
  char *line;
} Row;

static gint row_cmp(gconstpointer a, gconstpointer b) {
  const Row *x = a, *y = b;
  if (x->point != y->point) return x->point < y->point ? -1 : 1;
  return (x->run > y->run) - (x->run < y->run);
}

/* A CSV row of the merged output: its shard column says 0/1, as the unsharded sweep's. */
static char *unsharded_csv(const char *line) {
  const char *c1 = strchr(line, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
  g_assert(c2); /* sim_sweep_file_parse() checked the columns */
  return g_strdup_printf("%.*s,0/1%s", (int)(c1 - line), line, c2);
}

/* Why shard file `b` does not go with the first one, `a`; NULL if it does. */
static char *mismatch(const SimSweepFile *a, const SimSweepFile *b) {
  if (a->csv != b->csv) return g_strdup_printf("%s, the first shard is %s", b->csv ? "CSV" : "JSONL", a->csv ? "CSV" : "JSONL");
  if (strcmp(a->meta.hash, b->meta.hash))
    return g_strdup_printf("from another sweep (sweep_hash %s, the first shard's is %s): another scenario, profile or "
                           "program version",
                           b->meta.hash, a->meta.hash);
  if (a->meta.nshards != b->meta.nshards)
    return g_strdup_printf("split into %" G_GUINT64_FORMAT " shards, the first shard into %" G_GUINT64_FORMAT,
                           b->meta.nshards, a->meta.nshards);
  if (a->meta.points != b->meta.points || a->meta.runs != b->meta.runs || (a->csv && strcmp(a->head, b->head)))
    return g_strdup("its grid is not the first shard's");
  return NULL;
}

int cmd_merge(int argc, char **argv) {
  g_autofree char *output = NULL;
  GOptionEntry entries[] = {
      {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write to FILE (whole or not at all) instead of stdout", "FILE"},
      G_OPTION_ENTRY_NULL};
  g_autoptr(GOptionContext) ctx = g_option_context_new("SHARD...");
  g_option_context_set_summary(ctx, "Join the outputs of `sweep --shard=I/N` (I = 0..N-1) into what the unsharded\n"
                                    "sweep prints. Every shard must be there exactly once, and all of one sweep:\n"
                                    "their sweep_hash (scenario content, profile, program version) must match.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  cli_add_version(ctx);
  g_autoptr(GError) err = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &err)) return cli_fail("merge", "%s", err->message);
  if (argc < 2) return cli_fail("merge", "missing SHARD files");
  g_autoptr(SimSweepFile) first = NULL;
  g_autofree gboolean *have = NULL;
  g_autoptr(GArray) rows = g_array_new(FALSE, FALSE, sizeof(Row));
  int rc = 0;
  for (int i = 1; i < argc && !rc; i++) {
    gsize len;
    g_autofree char *text = yt_read_file(argv[i], SIM_ROWS_MAX_BYTES, "shard", &len, G_FILE_ERROR, G_FILE_ERROR_INVAL, &err);
    g_autoptr(SimSweepFile) sf = NULL;
    if (!text || !(sf = sim_sweep_file_parse(argv[i], text, &err))) {
      rc = cli_fail("merge", "%s", err->message);
      break;
    }
    if (sf->cut) { /* sweep ends every line: the file was cut short */
      rc = cli_fail("merge", "%s:%u:%zu: truncated: the last line has no end", argv[i], sf->cut_line, sf->cut_col);
      break;
    }
    if (!sf->meta.hash) {
      rc = cli_fail("merge", "%s:2:1: no rows: a CSV shard without rows cannot say which sweep it is of", argv[i]);
      break;
    }
    g_autofree char *why = first ? mismatch(first, sf) : NULL;
    if (why) {
      rc = cli_fail("merge", "%s:1:1: %s", argv[i], why);
      break;
    }
    guint64 si = sf->meta.shard, sn = sf->meta.nshards;
    if (have && have[si]) {
      rc = cli_fail("merge", "%s:1:1: shard %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " given twice", argv[i], si, sn);
      break;
    }
    if (!have) have = g_new0(gboolean, sn);
    have[si] = TRUE;
    for (guint r = 0; r < sf->rows->len; r++) {
      const SimSweepRowRef *ref = &g_array_index(sf->rows, SimSweepRowRef, r);
      gsize start = r ? g_array_index(sf->rows, SimSweepRowRef, r - 1).end : sf->head_end;
      g_autofree char *line = g_strndup(text + start, ref->end - start - 1);
      g_strstrip(line); /* the blank lines a row may follow */
      Row row = {.point = ref->point, .run = ref->run, .line = sf->csv ? unsharded_csv(line) : g_strdup(line)};
      g_array_append_val(rows, row);
    }
    if (!first) first = g_steal_pointer(&sf);
  }
  const SimSweepMeta *m = first ? &first->meta : NULL;
  for (guint64 s = 0; !rc && s < m->nshards; s++)
    if (!have[s]) rc = cli_fail("merge", "shard %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " is missing", s, m->nshards);
  if (!rc && rows->len != m->points * m->runs)
    rc = cli_fail("merge", "%u rows, the sweep has %" G_GUINT64_FORMAT, rows->len, m->points * m->runs);
  if (!rc) g_array_sort(rows, row_cmp);
  for (guint i = 1; !rc && i < rows->len; i++)
    if (row_cmp(&g_array_index(rows, Row, i - 1), &g_array_index(rows, Row, i)) == 0)
      rc = cli_fail("merge", "point %" G_GUINT64_FORMAT " run %u given twice", g_array_index(rows, Row, i).point,
                    g_array_index(rows, Row, i).run);
  if (!rc) {
    g_autoptr(GString) out = g_string_new(NULL);
    if (first->csv) {
      g_string_append_printf(out, "%s\n", first->head);
    } else {
      SimSweepMeta whole = first->meta;
      whole.shard = 0, whole.nshards = 1;
      sim_sweep_head(out, NULL, &whole, FALSE);
    }
    for (guint i = 0; i < rows->len; i++) g_string_append_printf(out, "%s\n", g_array_index(rows, Row, i).line);
    if (!sim_output_write(output ? output : "-", out->str, out->len, &err)) {
      fprintf(stderr, "cpuhpsim merge: --output: %s\n", err->message);
      rc = 1;
    }
  }
  for (guint i = 0; i < rows->len; i++) g_free(g_array_index(rows, Row, i).line);
  return rc;
}
