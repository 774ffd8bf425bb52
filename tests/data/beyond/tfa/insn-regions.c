/* insn-regions.c — a QEMU TCG plugin (API v1, QEMU 7.2) that counts the instructions each vCPU
 * executes in named guest address ranges, for an arm64 guest booted through TF-A:
 *   range=NAME:LO:HI   (up to 8; NAME is one character, LO/HI hex, HI exclusive)
 * Code outside every range counts as 'O' (the kernel, at its physical or virtual addresses).
 * One line each time a vCPU's code moves from one range to another, to the file out=PATH:
 *   SEQ VCPU FROM TO INSNS GLOBAL
 * INSNS: the instructions that vCPU executed in FROM since it entered it; GLOBAL: every vCPU's
 * instructions since QEMU started. Under -icount shift=S each instruction is 2^S ns of the
 * guest's clock, so INSNS is the segment's guest time, host-independent; GLOBAL is that clock
 * except where every vCPU is halted and the clock skips ahead (sleep=off).
 * funcs=FILE (one "hex-address name" a line, e.g. from nm) also logs
 *   SEQ VCPU F NAME VCPU_INSNS GLOBAL
 * at every execution of a listed address (a function's entry), VCPU_INSNS being that vCPU's own
 * running count. snap=1 follows each such line with every vCPU's running count:
 *   # counts C0 C1 ... (vCPUs 0 .. the highest seen)
 * hot=FIRST:LAST (two names of funcs=FILE) counts, from FIRST's first entry to LAST's, every
 * vCPU's instructions per translated block, and at exit lists the blocks that ran the most:
 *   # hot VADDR INSNS
 * hotcpu=N restricts that count to vCPU N.
 * Build (tests/CMakeLists.txt builds it as module insn-regions):
 *   gcc -O2 -shared -fPIC -o insn-regions.so insn-regions.c -lpthread
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

#include "../qemu-plugin.h"

#define MAX_VCPUS 512
#define MAX_RANGES 8
#define MAX_FUNCS 64
#define MAX_TBS (1u << 20) /* translation blocks we can tag; beyond it the tag is approximate */

typedef struct { uint64_t lo, hi; char name; } Range;
static Range ranges[MAX_RANGES];
static size_t n_ranges;
typedef struct { uint64_t addr; char name[64]; } Func;
static Func funcs[MAX_FUNCS];
static size_t n_funcs;

/* A translated block's tag: its range and its size; the exec callback gets its index. */
typedef struct { uint64_t vaddr, hot; uint32_t n_insns; char region; } TbTag;
static TbTag *tags;
static atomic_uint n_tags;

typedef struct { char region; uint64_t seg_insns, insns; } Vcpu;
static Vcpu vcpus[MAX_VCPUS];
static atomic_uint_fast64_t global_insns, seq;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *out;
static bool snap;
static char hot_first[64], hot_last[64];
static atomic_bool hot_on;
static int hot_cpu = -1; /* hotcpu=N: only that vCPU's blocks */
#define HOT_TOP 3000
static atomic_uint max_vcpu;

static char region_of(uint64_t pc)
{
    for (size_t i = 0; i < n_ranges; i++)
        if (pc >= ranges[i].lo && pc < ranges[i].hi)
            return ranges[i].name;
    return 'O';
}

static void on_tb_exec(unsigned int vcpu_index, void *udata)
{
    if (vcpu_index >= MAX_VCPUS)
        return;
    const TbTag *t = &tags[(uintptr_t)udata];
    Vcpu *v = &vcpus[vcpu_index];
    if (vcpu_index > atomic_load(&max_vcpu))
        atomic_store(&max_vcpu, vcpu_index);
    uint64_t g = atomic_fetch_add(&global_insns, t->n_insns) + t->n_insns;
    if (v->region == 0)
        v->region = t->region;
    if (t->region != v->region) {
        pthread_mutex_lock(&lock);
        fprintf(out, "%" PRIu64 " %u %c %c %" PRIu64 " %" PRIu64 "\n", (uint64_t)atomic_fetch_add(&seq, 1),
                vcpu_index, v->region, t->region, v->seg_insns, g - t->n_insns);
        pthread_mutex_unlock(&lock);
        v->region = t->region;
        v->seg_insns = 0;
    }
    v->seg_insns += t->n_insns;
    v->insns += t->n_insns;
    if (atomic_load(&hot_on) && (hot_cpu < 0 || (int)vcpu_index == hot_cpu))
        tags[(uintptr_t)udata].hot += t->n_insns; /* racy under MTTCG; exact under icount */
}

static void on_func(unsigned int vcpu_index, void *udata)
{
    const Func *f = udata;
    if (hot_first[0] && strcmp(f->name, hot_first) == 0)
        atomic_store(&hot_on, true);
    if (hot_last[0] && strcmp(f->name, hot_last) == 0)
        atomic_store(&hot_on, false), hot_last[0] = 0;
    uint64_t own = vcpu_index < MAX_VCPUS ? vcpus[vcpu_index].insns : 0;
    pthread_mutex_lock(&lock);
    fprintf(out, "%" PRIu64 " %u F %s %" PRIu64 " %" PRIu64 "\n", (uint64_t)atomic_fetch_add(&seq, 1), vcpu_index,
            f->name, own, (uint64_t)atomic_load(&global_insns));
    if (snap) {
        fputs("# counts", out);
        for (unsigned i = 0; i <= atomic_load(&max_vcpu) && i < MAX_VCPUS; i++)
            fprintf(out, " %" PRIu64, vcpus[i].insns);
        fputc('\n', out);
    }
    pthread_mutex_unlock(&lock);
}

static void on_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    unsigned idx = atomic_fetch_add(&n_tags, 1);
    if (idx >= MAX_TBS)
        idx = MAX_TBS - 1; /* shared last slot: only after a million translations */
    tags[idx].n_insns = (uint32_t)qemu_plugin_tb_n_insns(tb);
    tags[idx].vaddr = qemu_plugin_tb_vaddr(tb);
    tags[idx].region = region_of(qemu_plugin_tb_vaddr(tb));
    qemu_plugin_register_vcpu_tb_exec_cb(tb, on_tb_exec, QEMU_PLUGIN_CB_NO_REGS, (void *)(uintptr_t)idx);
    for (size_t i = 0; i < qemu_plugin_tb_n_insns(tb); i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint64_t pc = qemu_plugin_insn_vaddr(insn);
        for (size_t f = 0; f < n_funcs; f++)
            if (funcs[f].addr == pc)
                qemu_plugin_register_vcpu_insn_exec_cb(insn, on_func, QEMU_PLUGIN_CB_NO_REGS, &funcs[f]);
    }
}

static void on_atexit(qemu_plugin_id_t id, void *udata)
{
    (void)id;
    (void)udata;
    pthread_mutex_lock(&lock);
    for (unsigned i = 0; i < MAX_VCPUS; i++)
        if (vcpus[i].insns)
            fprintf(out, "# vcpu %u insns %" PRIu64 "\n", i, vcpus[i].insns);
    unsigned n = atomic_load(&n_tags) < MAX_TBS ? atomic_load(&n_tags) : MAX_TBS;
    for (int k = 0; hot_first[0] && k < HOT_TOP; k++) { /* the top blocks, one pass each */
        unsigned best = n;
        for (unsigned i = 0; i < n; i++)
            if (tags[i].hot && (best == n || tags[i].hot > tags[best].hot))
                best = i;
        if (best == n)
            break;
        fprintf(out, "# hot %" PRIx64 " %" PRIu64 "\n", tags[best].vaddr, tags[best].hot);
        tags[best].hot = 0;
    }
    fclose(out);
    out = NULL;
    pthread_mutex_unlock(&lock);
}

static bool parse_range(const char *s)
{
    char name;
    uint64_t lo, hi;
    if (n_ranges >= MAX_RANGES || sscanf(s, "%c:%" SCNx64 ":%" SCNx64, &name, &lo, &hi) != 3 || lo >= hi ||
        name == 'O' || name == 'F')
        return false;
    ranges[n_ranges++] = (Range){ lo, hi, name };
    return true;
}

static bool read_funcs(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    char line[256];
    while (n_funcs < MAX_FUNCS && fgets(line, sizeof line, f)) {
        Func *fn = &funcs[n_funcs];
        if (sscanf(line, "%" SCNx64 " %*s %63s", &fn->addr, fn->name) == 2 ||
            sscanf(line, "%" SCNx64 " %63s", &fn->addr, fn->name) == 2)
            n_funcs++;
    }
    fclose(f);
    return true;
}

int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
    (void)info;
    const char *path = NULL;
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "out=", 4) == 0)
            path = argv[i] + 4;
        else if (strncmp(argv[i], "range=", 6) == 0) {
            if (!parse_range(argv[i] + 6)) {
                fprintf(stderr, "insn-regions: bad %s (want range=N:LO:HI, hex)\n", argv[i]);
                return -1;
            }
        } else if (strncmp(argv[i], "hot=", 4) == 0) {
            if (sscanf(argv[i] + 4, "%63[^:]:%63s", hot_first, hot_last) != 2) {
                fprintf(stderr, "insn-regions: bad %s (want hot=FIRST:LAST)\n", argv[i]);
                return -1;
            }
        } else if (strncmp(argv[i], "hotcpu=", 7) == 0) {
            char *end;
            long v = strtol(argv[i] + 7, &end, 10);
            if (end == argv[i] + 7 || *end || v < 0 || v >= MAX_VCPUS) {
                fprintf(stderr, "insn-regions: bad %s (want hotcpu=N, 0 <= N < %d)\n", argv[i], MAX_VCPUS);
                return -1;
            }
            hot_cpu = (int)v;
        } else if (strcmp(argv[i], "snap=1") == 0) {
            snap = true;
        } else if (strncmp(argv[i], "funcs=", 6) == 0) {
            if (!read_funcs(argv[i] + 6)) {
                fprintf(stderr, "insn-regions: cannot read %s\n", argv[i] + 6);
                return -1;
            }
        } else {
            fprintf(stderr, "insn-regions: unknown argument %s\n", argv[i]);
            return -1;
        }
    }
    if (!path || !(out = fopen(path, "w"))) {
        fprintf(stderr, "insn-regions: need a writable out=PATH\n");
        return -1;
    }
    tags = calloc(MAX_TBS, sizeof *tags);
    if (!tags)
        return -1;
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_trans);
    qemu_plugin_register_atexit_cb(id, on_atexit, NULL);
    return 0;
}
