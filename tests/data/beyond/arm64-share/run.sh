#!/bin/sh
# run.sh N TRACE_BUF OUT: one arm64 icount boot of N vCPUs as boot-arm64.sh (plus nokaslr, so that
# funcs.txt's addresses hold; trace_buf_size=TRACE_BUF) under the insn-regions plugin
# (PLUGIN=.../libinsn-regions.so; FUNCS, default funcs.txt here; SNAP=1, the default, adds every
# vCPU's count at each entry; PLUGIN_ARGS, more plugin arguments, e.g. ,arg=hot=A:B,arg=hotcpu=0):
# OUT.log is the plugin's log, OUT.txt the console.
# QEMU is stopped once "smp: Brought up" is printed: only the bringup window is wanted.
set -eu
WORK=${WORK:-$PWD/kboot-work}
PLUGIN=${PLUGIN:?set PLUGIN to the built insn-regions plugin}
here=$(cd "$(dirname "$0")" && pwd)
n=$1 tbuf=$2 out=$3
funcs=${FUNCS:-$here/funcs.txt} snap=
[ "${SNAP:-1}" = 1 ] && snap=,arg=snap=1
qemu-system-aarch64 -M virt,gic-version=3 -cpu max,pauth=off -accel tcg -icount shift=3,sleep=off,align=off \
  -smp "$n" -m 1G -nographic -no-reboot -kernel "$WORK/arm/vmlinuz" -initrd "$WORK/arm/initrd.gz" \
  -append "console=ttyAMA0 panic=-1 loglevel=7 nokaslr trace_event=cpuhp:* trace_buf_size=$tbuf trace_clock=global" \
  -plugin "$PLUGIN,arg=out=$out.log$snap,arg=funcs=$funcs${PLUGIN_ARGS:-}" > "$out.txt" 2>&1 &
pid=$!
while kill -0 $pid 2>/dev/null; do
  if grep -q "smp: Brought up" "$out.txt" 2>/dev/null; then sleep 1; kill $pid; break; fi
  sleep 1
done
wait $pid 2>/dev/null || true
