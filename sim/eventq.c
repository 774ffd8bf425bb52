/* eventq.c — 4-ary min-heap keyed (time, seq) plus a ring-buffer FIFO lane. */
#include "sim/eventq.h"

struct _SimEventQ {
  SimEvent *heap;
  gsize n, cap;
  SimEvent *ring; /* FIFO lane: ring buffer, capacity a power of two */
  gsize head, len, ring_cap;
};

static inline gboolean before(const SimEvent *a, const SimEvent *b) {
  return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

SimEventQ *sim_eventq_new(void) {
  SimEventQ *q = g_new0(SimEventQ, 1);
  q->cap = 64;
  q->heap = g_new(SimEvent, q->cap);
  q->ring_cap = 64;
  q->ring = g_new(SimEvent, q->ring_cap);
  return q;
}

void sim_eventq_free(SimEventQ *q) {
  if (!q) return;
  g_free(q->heap);
  g_free(q->ring);
  g_free(q);
}

void sim_eventq_push(SimEventQ *q, const SimEvent *ev) {
  if (q->n == q->cap) {
    q->cap *= 2;
    q->heap = g_renew(SimEvent, q->heap, q->cap);
  }
  gsize i = q->n++;
  while (i > 0) { /* sift up */
    gsize parent = (i - 1) / 4;
    if (!before(ev, &q->heap[parent])) break;
    q->heap[i] = q->heap[parent];
    i = parent;
  }
  q->heap[i] = *ev;
}

void sim_eventq_push_fifo(SimEventQ *q, const SimEvent *ev) {
  if (q->len == q->ring_cap) { /* grow, unrolling the ring */
    SimEvent *r = g_new(SimEvent, q->ring_cap * 2);
    for (gsize k = 0; k < q->len; k++) r[k] = q->ring[(q->head + k) & (q->ring_cap - 1)];
    g_free(q->ring);
    q->ring = r;
    q->head = 0;
    q->ring_cap *= 2;
  }
  q->ring[(q->head + q->len) & (q->ring_cap - 1)] = *ev;
  q->len++;
}

static void heap_pop(SimEventQ *q, SimEvent *out) {
  *out = q->heap[0];
  SimEvent last = q->heap[--q->n];
  gsize i = 0;
  for (;;) { /* sift down */
    gsize c = 4 * i + 1;
    if (c >= q->n) break;
    gsize best = c, end = MIN(c + 4, q->n);
    for (gsize k = c + 1; k < end; k++)
      if (before(&q->heap[k], &q->heap[best])) best = k;
    if (!before(&q->heap[best], &last)) break;
    q->heap[i] = q->heap[best];
    i = best;
  }
  if (q->n > 0) q->heap[i] = last;
}

gboolean sim_eventq_pop(SimEventQ *q, SimEvent *out) {
  gboolean have_fifo = q->len > 0, have_heap = q->n > 0;
  if (!have_fifo && !have_heap) return FALSE;
  if (have_fifo && (!have_heap || before(&q->ring[q->head], &q->heap[0]))) {
    *out = q->ring[q->head];
    q->head = (q->head + 1) & (q->ring_cap - 1);
    q->len--;
    return TRUE;
  }
  heap_pop(q, out);
  return TRUE;
}

gsize sim_eventq_size(const SimEventQ *q) { return q->n + q->len; }
