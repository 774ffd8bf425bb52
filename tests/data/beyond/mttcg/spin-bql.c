/* spin-bql.c — a guest program (x86_64, static) for spin-bql.sh: K threads pinned to CPUs 1..K
 * spin with PAUSE, as APs do in cpuhp_ap_sync_alive(), while CPU 0 times N iterations of either
 * an addition (mode c: compute only) or an IN from the serial port's line status register
 * (mode i: a device access, which QEMU serves holding its big lock, the BQL). Prints
 * "@@SPIN k=K mode=M n=N s=SECONDS" on the guest's own clock. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>
#include <time.h>
static volatile int stop;
static void pin(int cpu) { cpu_set_t s; CPU_ZERO(&s); CPU_SET(cpu, &s); sched_setaffinity(0, sizeof s, &s); }
static void *spin(void *a) { pin((int)(long)a); while (!stop) __builtin_ia32_pause(); return 0; }
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
int main(int argc, char **argv) {
  if (argc != 4) { fprintf(stderr, "usage: spin K c|i N\n"); return 2; }
  int k = atoi(argv[1]); char mode = argv[2][0];
  long n = atol(argv[3]);
  pin(0);
  if (ioperm(0x3f8, 8, 1)) { perror("ioperm"); return 1; }
  pthread_t th[128];
  if (k < 0 || k > 128) return 2;
  for (int i = 0; i < k; i++) pthread_create(&th[i], 0, spin, (void *)(long)(i + 1));
  struct timespec d = {0, 200000000}; nanosleep(&d, 0);
  volatile unsigned long x = 0;
  double t0 = now();
  if (mode == 'c') for (long i = 0; i < n; i++) x += i;
  else for (long i = 0; i < n; i++) x += inb(0x3fd);
  double t1 = now();
  stop = 1;
  for (int i = 0; i < k; i++) pthread_join(th[i], 0);
  printf("@@SPIN k=%d mode=%c n=%ld s=%.4f\n", k, mode, n, t1 - t0);
  return 0;
}
