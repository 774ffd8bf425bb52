/* console.c — console lines a run writes in pieces: a line continued with pr_cont keeps the
 * time of its first piece and is filled in place as the pieces come. */
#include "models/kernel/machine.h"

void machine_console_flush(CpuhpMachine *m) {
  if (!m->bp.node_line) return;
  CpuhpLogLine *l = &g_array_index(m->res->log, CpuhpLogLine, m->bp.node_line_idx);
  g_free(l->text);
  l->text = g_string_free(g_steal_pointer(&m->bp.node_line), FALSE);
}

guint machine_console_digits(guint v) {
  guint d = 1;
  while (v >= 10) v /= 10, d++;
  return d;
}

/* printf's "%*s#%u" with (pad, " ", v), straight into a line sized for it: `pad` spaces (at
 * least one, as "%*s" prints its " "), '#', then v. printf per CPU was a tenth of a run, and
 * even per node line 1 %. */
void machine_console_append_tag(GString *l, guint pad, guint v) {
  guint digits = machine_console_digits(v), len = 0;
  pad = MAX(pad, 1);
  g_assert(l->len + pad + 1 + digits < l->allocated_len);
  char *buf = l->str + l->len;
  while (len < pad) buf[len++] = ' ';
  buf[len++] = '#';
  len += digits;
  for (guint k = len; k > len - digits; v /= 10) buf[--k] = (char)('0' + v % 10);
  l->len += len;
  l->str[l->len] = '\0';
}
