#!/bin/sh
# late.sh SMP OUT: one arm64 icount boot as boot-arm64.sh (with nokaslr, so that the kallsyms
# addresses in funcs-late.txt hold) under the insn-regions plugin (PLUGIN=.../libinsn-regions.so):
# every vCPU's instruction count at each listed function's entry (snap=1), and the hottest
# translated blocks from init_evm() to run_init_process() (hot=...). Writes OUT (the log) and
# OUT less .txt, .dmesg (the console).
set -eu
WORK=${WORK:-$PWD/kboot-work}
here=$(cd "$(dirname "$0")" && pwd)
smp=$1 out=$2
PLUGIN=${PLUGIN:?set PLUGIN to the built insn-regions plugin}
timeout 900 qemu-system-aarch64 -M virt,gic-version=3 -cpu max,pauth=off -accel tcg \
  -icount shift=3,sleep=off,align=off -smp "$smp" -m 1G -nographic -no-reboot \
  -kernel "$WORK/arm/vmlinuz" -initrd "$WORK/arm/initrd.gz" \
  -append "console=ttyAMA0 panic=-1 loglevel=7 nokaslr trace_event=cpuhp:* trace_buf_size=1M trace_clock=global" \
  -plugin "$PLUGIN,arg=out=$out,arg=snap=1,arg=funcs=$here/funcs-late.txt,arg=hot=init_evm:run_init_process" \
  > "${out%.txt}.dmesg" 2>&1
