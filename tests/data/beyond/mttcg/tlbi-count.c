/* tlbi-count.c — a QEMU TCG plugin (API v1, QEMU 7.2) that logs, for an arm64 guest, every
 * execution of the instructions whose cost under MTTCG grows with the vCPU count:
 *   I  TLBI ...IS / range IS (CRn=8, CRm=3 or 2): QEMU flushes every vCPU's soft TLB on that
 *      vCPU's own thread (accel/tcg/cputlb.c flush_all_helper(), CPU_FOREACH)
 *   G  MSR ICC_SGI1R_EL1 (an IPI)          W  WFI          H  HVC (PSCI calls)
 *   S  the first instruction a vCPU runs with a low virtual address (MMU off: an AP starting)
 *   F  the first instruction of a function named in funcs=FILE (one hex address a line, from
 *      the guest's /proc/kallsyms with nokaslr)
 * One line per event to the file named by the plugin's argument out=PATH:
 *   SEQ KIND VCPU PC HOST_NS
 * classify=0 logs only S and F (for a guest that is not arm64, whose instructions the I/G/W/H
 * patterns would misread); classify=x86 logs instead
 *   P  IN/OUT (port I/O)        R  RDMSR/WRMSR (the x2APIC and timer registers among them)
 * io=1 also logs
 *   M  every load or store that reaches device memory (MMIO: the xAPIC page, the GIC, UARTs),
 *      which QEMU serves holding its big lock; it instruments every memory access, so the
 *      guest runs several times slower.
 * SEQ is a global counter, so events of different vCPUs keep their order; HOST_NS is the host's
 * CLOCK_MONOTONIC, the time MTTCG runs on. Build:
 *   gcc -O2 -shared -fPIC -o tlbi-count.so tlbi-count.c -lpthread
 * The plugin API comes from ../qemu-plugin.h (QEMU's own header is not packaged by Debian). */
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../qemu-plugin.h"

#define MAX_VCPUS 512
typedef struct { uint64_t seq, pc, ns; uint32_t vcpu; char kind; } Event;
static Event *events;
static size_t n_events, cap_events;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_uint_fast64_t seq;
static atomic_bool started[MAX_VCPUS];
static FILE *out;

#define MAX_FUNCS 256
static uint64_t funcs[MAX_FUNCS];
static size_t n_funcs;
static enum { ARM64, NONE, X86 } classify = ARM64;
static bool io;

static void record(char kind, unsigned vcpu, uint64_t pc) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  uint64_t ns = (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
  pthread_mutex_lock(&lock);
  if (n_events < cap_events)
    events[n_events++] = (Event){.seq = atomic_fetch_add(&seq, 1), .pc = pc, .ns = ns, .vcpu = vcpu, .kind = kind};
  pthread_mutex_unlock(&lock);
}

/* The kind travels in the low 2 bits of the user data, the PC above them (A64 PCs are 4-aligned). */
static void on_exec(unsigned vcpu, void *ud) {
  static const char kinds[] = "IGWH";
  uintptr_t u = (uintptr_t)ud;
  record(kinds[u & 3], vcpu, u & ~(uintptr_t)3);
}

static void on_func(unsigned vcpu, void *ud) { record('F', vcpu, (uintptr_t)ud); }

static void on_port(unsigned vcpu, void *ud) { record('P', vcpu, (uintptr_t)ud); }
static void on_msr(unsigned vcpu, void *ud) { record('R', vcpu, (uintptr_t)ud); }

static void on_mem(unsigned vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *ud) {
  struct qemu_plugin_hwaddr *hw = qemu_plugin_get_hwaddr(info, vaddr);
  if (hw && qemu_plugin_hwaddr_is_io(hw)) record('M', vcpu, (uintptr_t)ud);
}

/* 1: IN/OUT, 2: RDMSR/WRMSR, 0: neither (legacy prefixes skipped). */
static int x86_kind(const uint8_t *b, size_t n) {
  size_t i = 0;
  while (i < n && (b[i] == 0x66 || b[i] == 0xF2 || b[i] == 0xF3 || (b[i] & 0xF0) == 0x40)) i++;
  if (i >= n) return 0;
  if ((b[i] >= 0xE4 && b[i] <= 0xE7) || (b[i] >= 0xEC && b[i] <= 0xEF)) return 1;
  if (b[i] == 0x0F && i + 1 < n && (b[i + 1] == 0x30 || b[i + 1] == 0x32)) return 2;
  return 0;
}

static void on_low(unsigned vcpu, void *ud) {
  if (vcpu < MAX_VCPUS && !atomic_exchange(&started[vcpu], true)) record('S', vcpu, (uintptr_t)ud);
}

static int kind_of(uint32_t w) {
  if ((w & 0xFFF80000u) == 0xD5080000u) { /* SYS, op0 = 01 */
    unsigned crn = (w >> 12) & 15, crm = (w >> 8) & 15;
    if (crn == 8 && (crm == 3 || crm == 2)) return 0; /* TLBI ...IS, TLBI R...IS */
  }
  if ((w & 0xFFFFFFE0u) == 0xD518CBA0u) return 1; /* MSR ICC_SGI1R_EL1, Xt */
  if (w == 0xD503207Fu) return 2;                 /* WFI */
  if ((w & 0xFFE0001Fu) == 0xD4000002u) return 3; /* HVC #imm */
  return -1;
}

static void on_tb(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  (void)id;
  size_t n = qemu_plugin_tb_n_insns(tb);
  for (size_t i = 0; i < n; i++) {
    struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
    uint64_t pc = qemu_plugin_insn_vaddr(insn);
    if (i == 0 && pc < (UINT64_C(1) << 40))
      qemu_plugin_register_vcpu_insn_exec_cb(insn, on_low, QEMU_PLUGIN_CB_NO_REGS, (void *)(uintptr_t)pc);
    for (size_t f = 0; f < n_funcs; f++)
      if (funcs[f] == pc)
        qemu_plugin_register_vcpu_insn_exec_cb(insn, on_func, QEMU_PLUGIN_CB_NO_REGS, (void *)(uintptr_t)pc);
    if (io) qemu_plugin_register_vcpu_mem_cb(insn, on_mem, QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_MEM_RW, (void *)(uintptr_t)pc);
    if (classify == X86) {
      int k = x86_kind(qemu_plugin_insn_data(insn), qemu_plugin_insn_size(insn));
      if (k)
        qemu_plugin_register_vcpu_insn_exec_cb(insn, k == 1 ? on_port : on_msr, QEMU_PLUGIN_CB_NO_REGS,
                                               (void *)(uintptr_t)pc);
      continue;
    }
    if (classify != ARM64 || qemu_plugin_insn_size(insn) != 4) continue;
    uint32_t w;
    memcpy(&w, qemu_plugin_insn_data(insn), 4);
    int k = kind_of(w);
    if (k >= 0)
      qemu_plugin_register_vcpu_insn_exec_cb(insn, on_exec, QEMU_PLUGIN_CB_NO_REGS, (void *)(uintptr_t)(pc | (uint64_t)k));
  }
}

static void at_exit(qemu_plugin_id_t id, void *ud) {
  (void)id, (void)ud;
  pthread_mutex_lock(&lock);
  for (size_t i = 0; i < n_events; i++)
    fprintf(out, "%" PRIu64 " %c %u %" PRIx64 " %" PRIu64 "\n", events[i].seq, events[i].kind, events[i].vcpu,
            events[i].pc, events[i].ns);
  fclose(out);
  pthread_mutex_unlock(&lock);
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                                               int argc, char **argv) {
  (void)info;
  const char *path = NULL;
  for (int i = 0; i < argc; i++) {
    if (!strncmp(argv[i], "out=", 4)) path = argv[i] + 4;
    if (!strcmp(argv[i], "classify=0")) classify = NONE;
    if (!strcmp(argv[i], "classify=x86")) classify = X86;
    if (!strcmp(argv[i], "io=1")) io = true;
    if (!strncmp(argv[i], "funcs=", 6)) {
      FILE *f = fopen(argv[i] + 6, "r");
      if (!f) return -1;
      while (n_funcs < MAX_FUNCS && fscanf(f, "%" SCNx64, &funcs[n_funcs]) == 1) n_funcs++;
      fclose(f);
    }
  }
  if (!path || !(out = fopen(path, "w"))) return -1;
  cap_events = (size_t)1 << 23;
  if (!(events = malloc(cap_events * sizeof *events))) return -1;
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb);
  qemu_plugin_register_atexit_cb(id, at_exit, NULL);
  return 0;
}
