/* eventq.c — 4-ary min-heap keyed (time, seq), a ring-buffer FIFO lane for zero delays and eight
 * delay lanes, behind a one-event "next" register.
 *
 * The register holds an event that is (time, seq)-smaller than everything in the heap and the
 * lanes. A bringup mostly schedules the event that runs next (a CPU's next callback, earlier than
 * every other CPU's): most heap pushes are earlier than everything queued, and most pops take
 * the event pushed last (docs/performance.md). Such an event goes into the register and
 * out again without touching the heap. A push that is earlier still moves the register's event
 * on to a lane or the heap.
 *
 * Delay lanes: most of the rest are waits of a few fixed lengths (every AP's wake-up latency, its
 * microcode load, a callback's cost). Events pushed with the same delay arrive in (time, seq)
 * order, the clock never going back, so a FIFO per delay keeps them sorted at O(1) a push and a
 * pop; a pop compares the heads. A delay hashes to one of eight lanes, which opens for it when
 * that delay comes twice in a row while the lane is empty (random delays never do, and stay in
 * the heap); an event that would not come after the lane's tail goes to the heap. In the
 * skl-2s-112t benchmark scenario this takes most of the APs' waits off the heap.
 *
 * The heap orders 16-byte nodes: the time and an order word, seq << SLOT_BITS | slot, so that
 * (time, order) compares as (time, seq) — seqs are unique — without leaving the node: equal
 * times are common (identical CPUs in a fixed-cost profile) and a look into the slots for the
 * seq cost a dependent load per tie. The rest of a heap event (handler, context, argument) waits
 * in its slot and is touched by push and pop only. Node i is stored at base[i + 3] in a
 * 64-byte-aligned array: the four children of a node then fill exactly one cache line. Free
 * slots form a list threaded through the slots, LIFO, so the slot a pop frees is the (hot) one
 * the next push takes. */
#include "sim/engine/eventq.h"

#include <string.h>

#define SLOT_BITS 24 /* at most 2^24 heap events pending; seqs below 2^40 */
#define SLOT_MASK ((1u << SLOT_BITS) - 1)

typedef struct {
  int64_t time;   /* >= 0: the engine never goes back before 0 */
  uint64_t order; /* seq << SLOT_BITS | slot */
} Node;

typedef struct {
  SimHandler fn;
  void *ctx;
  uint64_t arg; /* while the slot is free: the next free slot */
} Slot;

#define NODE_ALIGN 64
#define NODE_PAD 3 /* children 4i+1 .. 4i+4 of node i sit at base[4(i+1) .. 4(i+1)+3] */
/* From this many nodes on the heap outgrows the L1 cache and sift-down prefetches: its
 * conditional moves would otherwise wait for each level's line before asking for the next. */
#define PREFETCH_FROM 4096

/* A FIFO of events: ring buffer, capacity a power of two (0 until the first append). */
typedef struct {
  SimEvent *ev;
  gsize head, len, cap;
} Ring;

/* A delay lane: events pushed with one delay, in (time, seq) order. The engine's clock never
 * goes back, so events of equal delay arrive in that order already: appending keeps it, and
 * the lane gives them back in O(1) without the heap. An append that would break the order (the
 * register's event coming back, a put-back) goes to the heap instead. */
#define N_LANES 8
typedef struct {
  Ring r;
  int64_t delay;  /* the delay last pushed to this lane's slot while it was empty (0: none);
                     while the lane holds events, theirs */
} Lane;

struct _SimEventQ {
  Node *base;  /* cap + NODE_PAD nodes, NODE_ALIGN-aligned; node i at base[i + NODE_PAD] */
  Slot *slots; /* cap */
  gsize n, cap;
  gsize free_head; /* first free slot */
  Ring fifo;       /* the FIFO lane: zero-delay events */
  SimEvent next;  /* valid when have_next: smaller than every event in the heap and the lanes */
  int64_t next_delay; /* the delay it was pushed with; -1: not known */
  gboolean have_next;
  guint lanes_used;  /* bit i: lanes[i] holds events */
  int lane_min;      /* the used lane with the smallest head; -1: none */
  int64_t lane_time[N_LANES]; /* each used lane's head, side by side: pop scans these */
  uint64_t lane_seq[N_LANES];
  Lane lanes[N_LANES];
};

static inline Node *nodes(const SimEventQ *q) { return q->base + NODE_PAD; }

/* (time, order) as one number: times are >= 0. */
static inline unsigned __int128 node_key(const Node *a) {
  return (unsigned __int128)(uint64_t)a->time << 64 | a->order;
}

/* (ta, sa) before (tb, sb): the order of everything queued. */
static inline gboolean key_before(int64_t ta, uint64_t sa, int64_t tb, uint64_t sb) {
  return ta < tb || (ta == tb && sa < sb);
}

static inline gboolean node_before(const Node *a, const Node *b) {
  return key_before(a->time, a->order, b->time, b->order); /* order compares as seq */
}

/* Only when every slot is taken (n == cap): the new slots become the free list. */
static void heap_grow(SimEventQ *q, gsize cap) {
  g_assert(cap <= (gsize)1 << SLOT_BITS);
  Node *base = g_aligned_alloc(cap + NODE_PAD, sizeof(Node), NODE_ALIGN);
  if (q->base) memcpy(base + NODE_PAD, nodes(q), q->n * sizeof(Node));
  g_aligned_free(q->base);
  q->base = base;
  q->slots = g_renew(Slot, q->slots, cap);
  for (gsize s = q->cap; s < cap; s++) q->slots[s].arg = s + 1;
  q->free_head = q->cap;
  q->cap = cap;
}

SimEventQ *sim_eventq_new(void) {
  SimEventQ *q = g_new0(SimEventQ, 1);
  q->lane_min = -1;
  heap_grow(q, 64);
  return q;
}

void sim_eventq_free(SimEventQ *q) {
  if (!q) return;
  for (guint i = 0; i < N_LANES; i++) g_free(q->lanes[i].r.ev);
  g_aligned_free(q->base);
  g_free(q->slots);
  g_free(q->fifo.ev);
  g_free(q);
}

/* Field by field: an event is written with scalar stores just before it is copied, and a struct
 * copy's 16-byte loads could not be forwarded from them (a store-forwarding stall per event). */
static inline void copy_event(SimEvent *dst, const SimEvent *src) {
  int64_t time = src->time;
  uint64_t seq = src->seq, arg = src->arg;
  SimHandler fn = src->fn;
  void *ctx = src->ctx;
  dst->time = time;
  dst->seq = seq;
  dst->fn = fn;
  dst->ctx = ctx;
  dst->arg = arg;
}

static inline const SimEvent *ring_front(const Ring *r) { return &r->ev[r->head]; }
static inline const SimEvent *ring_back(const Ring *r) { return &r->ev[(r->head + r->len - 1) & (r->cap - 1)]; }

static G_GNUC_NO_INLINE void ring_grow(Ring *r) { /* unrolling the ring */
  gsize cap = r->cap ? r->cap * 2 : 16;
  SimEvent *e = g_new(SimEvent, cap);
  for (gsize k = 0; k < r->len; k++) e[k] = r->ev[(r->head + k) & (r->cap - 1)];
  g_free(r->ev);
  r->ev = e;
  r->head = 0;
  r->cap = cap;
}

static inline void ring_append(Ring *r, const SimEvent *ev) {
  if (G_UNLIKELY(r->len == r->cap)) ring_grow(r);
  copy_event(&r->ev[(r->head + r->len) & (r->cap - 1)], ev);
  r->len++;
}

static inline void ring_pop(Ring *r, SimEvent *out) {
  copy_event(out, ring_front(r));
  r->head = (r->head + 1) & (r->cap - 1);
  r->len--;
}

static inline gboolean event_before(const SimEvent *a, const SimEvent *b) {
  return key_before(a->time, a->seq, b->time, b->seq);
}

static void heap_push(SimEventQ *q, const SimEvent *ev) {
  if (q->n == q->cap) heap_grow(q, q->cap * 2);
  g_assert(ev->time >= 0 && ev->seq >> (64 - SLOT_BITS) == 0);
  uint32_t slot = (uint32_t)q->free_head;
  Slot *sl = &q->slots[slot];
  q->free_head = (gsize)sl->arg;
  *sl = (Slot){.fn = ev->fn, .ctx = ev->ctx, .arg = ev->arg};
  Node *h = nodes(q), node = {.time = ev->time, .order = ev->seq << SLOT_BITS | slot};
  gsize i = q->n++;
  while (i > 0) { /* sift up */
    gsize parent = (i - 1) / 4;
    if (!node_before(&node, &h[parent])) break;
    h[i] = h[parent];
    i = parent;
  }
  h[i] = node;
}

/* Is ev smaller than the heap's root (which must exist)? */
static inline gboolean before_heap_top(const SimEventQ *q, const SimEvent *ev) {
  const Node *top = nodes(q);
  return key_before(ev->time, ev->seq, top->time, top->order >> SLOT_BITS);
}

static inline gboolean before_lane_head(const SimEventQ *q, int lane, const SimEvent *ev) {
  return key_before(ev->time, ev->seq, q->lane_time[lane], q->lane_seq[lane]);
}

/* Is ev smaller than the heads of the heap, the FIFO lane and the delay lanes? */
static inline gboolean before_queued(const SimEventQ *q, const SimEvent *ev) {
  return (q->n == 0 || before_heap_top(q, ev)) && (q->fifo.len == 0 || event_before(ev, ring_front(&q->fifo))) &&
         (q->lane_min < 0 || before_lane_head(q, q->lane_min, ev));
}

/* Delays are often round numbers: Fibonacci hashing spreads them over the lanes. */
static inline guint lane_of(int64_t delay) {
  return (guint)(((uint64_t)delay * 0x9E3779B97F4A7C15ull) >> 61);
}
G_STATIC_ASSERT(N_LANES == 8); /* lane_of() keeps 3 bits */

static void lane_set_min(SimEventQ *q) {
  int best = -1;
  for (guint used = q->lanes_used; used; used &= used - 1) {
    int i = __builtin_ctz(used);
    if (best < 0 || key_before(q->lane_time[i], q->lane_seq[i], q->lane_time[best], q->lane_seq[best])) best = i;
  }
  q->lane_min = best;
}

/* An event after the register: into its delay's lane when that keeps the lane in order (the
 * lane is free, or holds this delay and ends before ev), else into the heap. delay < 0: heap. */
static void push_later(SimEventQ *q, const SimEvent *ev, int64_t delay) {
  if (delay > 0) {
    guint i = lane_of(delay);
    Lane *l = &q->lanes[i];
    if (l->r.len == 0) {
      /* Only a delay seen twice in a row opens the lane: random delays (Monte Carlo, the hold
       * benchmark) never repeat, and for them a lane would only add bookkeeping to the heap. */
      if (l->delay != delay) {
        l->delay = delay;
        heap_push(q, ev);
        return;
      }
      ring_append(&l->r, ev);
      q->lane_time[i] = ev->time;
      q->lane_seq[i] = ev->seq;
      q->lanes_used |= 1u << i;
      if (q->lane_min < 0 || before_lane_head(q, q->lane_min, ev)) q->lane_min = (int)i;
      return;
    }
    if (l->delay == delay && event_before(ring_back(&l->r), ev)) {
      ring_append(&l->r, ev);
      return;
    }
  }
  heap_push(q, ev);
}

void sim_eventq_push_delay(SimEventQ *q, const SimEvent *ev, int64_t delay) {
  if (q->have_next) {
    if (!event_before(ev, &q->next)) {
      push_later(q, ev, delay);
      return;
    }
    push_later(q, &q->next, q->next_delay); /* ev comes first: the register's event waits */
  } else if (!before_queued(q, ev)) {
    push_later(q, ev, delay);
    return;
  }
  copy_event(&q->next, ev);
  q->next_delay = delay;
  q->have_next = TRUE;
}

void sim_eventq_push(SimEventQ *q, const SimEvent *ev) { sim_eventq_push_delay(q, ev, -1); }

void sim_eventq_push_fifo(SimEventQ *q, const SimEvent *ev) {
  if (q->have_next && event_before(ev, &q->next)) { /* keep the register the smallest */
    push_later(q, &q->next, q->next_delay);
    q->have_next = FALSE;
  }
  ring_append(&q->fifo, ev);
}

static inline __attribute__((always_inline)) void heap_pop(SimEventQ *q, SimEvent *out) {
  Node *h = nodes(q);
  uint32_t slot = (uint32_t)(h[0].order & SLOT_MASK);
  Slot *sl = &q->slots[slot];
  *out = (SimEvent){.time = h[0].time, .seq = h[0].order >> SLOT_BITS, .fn = sl->fn, .ctx = sl->ctx, .arg = sl->arg};
  sl->arg = q->free_head;
  q->free_head = slot;
  Node last = h[--q->n];
  unsigned __int128 last_key = node_key(&last);
  gsize n = q->n, i = 0;
  for (;;) { /* sift down */
    gsize c = 4 * i + 1;
    if (c >= n) break;
    gsize best = c, end = MIN(c + 4, n);
    if (n >= PREFETCH_FROM && 4 * c + 1 < n) { /* all four candidates' children: one line each */
      __builtin_prefetch(&h[4 * c + 1]);
      __builtin_prefetch(&h[4 * c + 5]);
      __builtin_prefetch(&h[4 * c + 9]);
      __builtin_prefetch(&h[4 * c + 13]);
    }
    /* Which child is smallest is a coin toss for the branch predictor, and so, in a bringup of
     * identical CPUs, is a tie of times: one comparison of (time, order) as a 128-bit key per
     * child, no second branch for ties. */
    unsigned __int128 kb = node_key(&h[best]);
    for (gsize k = c + 1; k < end; k++) {
      unsigned __int128 kk = node_key(&h[k]);
      gboolean lt = kk < kb;
      best = lt ? k : best;
      kb = lt ? kk : kb;
    }
    if (kb >= last_key) break;
    h[i] = h[best];
    i = best;
  }
  if (n > 0) h[i] = last;
  if (n >= PREFETCH_FROM) __builtin_prefetch(&q->slots[h[0].order & SLOT_MASK]); /* the next pop reads it */
}

static inline __attribute__((always_inline)) void lane_pop(SimEventQ *q, int i, SimEvent *out) {
  Lane *l = &q->lanes[i];
  ring_pop(&l->r, out);
  if (l->r.len == 0) {
    q->lanes_used &= ~(1u << i);
  } else {
    q->lane_time[i] = ring_front(&l->r)->time;
    q->lane_seq[i] = ring_front(&l->r)->seq;
  }
  lane_set_min(q);
}

/* Inlined into the engine's loop in every program (link-time optimisation; the header's
 * declaration keeps this an external definition): a program that also calls it elsewhere,
 * like the benchmark, would otherwise pay a call per event. */
__attribute__((always_inline)) inline gboolean sim_eventq_pop(SimEventQ *q, SimEvent *out) {
  if (q->have_next) {
    copy_event(out, &q->next);
    q->have_next = FALSE;
    return TRUE;
  }
  /* The smallest of the heads of the FIFO lane, the heap and the first delay lane. */
  enum { NONE, FIFO, HEAP, LANE } from = NONE;
  int64_t t = 0;
  uint64_t seq = 0;
  if (q->fifo.len > 0) {
    from = FIFO;
    t = ring_front(&q->fifo)->time;
    seq = ring_front(&q->fifo)->seq;
  }
  if (q->n > 0) {
    const Node *top = nodes(q);
    uint64_t top_seq = top->order >> SLOT_BITS;
    if (from == NONE || key_before(top->time, top_seq, t, seq)) {
      from = HEAP;
      t = top->time;
      seq = top_seq;
    }
  }
  int i = q->lane_min;
  if (i >= 0 && (from == NONE || key_before(q->lane_time[i], q->lane_seq[i], t, seq))) from = LANE;
  switch (from) {
  case NONE:
    return FALSE;
  case FIFO:
    ring_pop(&q->fifo, out);
    return TRUE;
  case HEAP:
    heap_pop(q, out);
    return TRUE;
  case LANE:
    lane_pop(q, i, out);
    return TRUE;
  }
  g_assert_not_reached();
}

gsize sim_eventq_size(const SimEventQ *q) {
  gsize n = q->n + q->fifo.len + (q->have_next ? 1 : 0);
  for (guint i = 0; i < N_LANES; i++) n += q->lanes[i].r.len;
  return n;
}

int64_t sim_eventq_min_time(const SimEventQ *q) {
  if (q->have_next) return q->next.time; /* smaller than everything else */
  int64_t t = q->n > 0 ? nodes(q)->time : INT64_MAX;
  if (q->fifo.len > 0 && ring_front(&q->fifo)->time < t) t = ring_front(&q->fifo)->time;
  return q->lane_min >= 0 && q->lane_time[q->lane_min] < t ? q->lane_time[q->lane_min] : t;
}
