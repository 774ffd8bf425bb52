#!/bin/sh
# regions.sh FW SMP OUT: one icount boot (as boot-tfa.sh / boot-arm64.sh, with nokaslr so that
# kallsyms addresses hold) under the insn-regions plugin, which logs where each vCPU's
# instructions go: TF-A's BL1 (B) and BL31 (S) ranges and the entries of the functions in
# funcs-tfa.txt and funcs-kernel.txt. FW is tfa (PSCI by SMC into BL31; run from the directory
# holding bl1.bin, bl2.bin, bl31.bin, bl33.bin as for boot-tfa.sh) or qemu (QEMU's own PSCI).
# PLUGIN names the built plugin (build/tests/libinsn-regions.so).
set -eu
WORK=${WORK:-$PWD/kboot-work}
here=$(cd "$(dirname "$0")" && pwd)
fw=$1 smp=$2 out=$3
PLUGIN=${PLUGIN:?set PLUGIN to the built insn-regions plugin}
cat "$here/funcs-tfa.txt" "$here/funcs-kernel.txt" > "$out.funcs"
plugin="$PLUGIN,arg=out=$out,arg=range=B:0:59b0,arg=range=S:e090000:e0cb000,arg=funcs=$out.funcs"
cmdline="console=ttyAMA0 panic=-1 loglevel=7 nokaslr trace_event=cpuhp:* trace_buf_size=1M trace_clock=global"
common="-cpu max,pauth=off -accel tcg -icount shift=3,sleep=off,align=off -smp $smp -m 1G -nographic -no-reboot"
case $fw in
  tfa)
    size=$(stat -c %s "$WORK/arm/initrd.gz")
    timeout 900 qemu-system-aarch64 -M virt,secure=on,gic-version=3 $common \
      -bios bl1.bin -semihosting-config enable=on,target=native \
      -device loader,file="$WORK/arm/initrd.gz",addr=0x48000000,force-raw=on \
      -kernel "$WORK/arm/vmlinuz" -append "$cmdline initrd=0x48000000,$size" -plugin "$plugin" ;;
  qemu)
    timeout 900 qemu-system-aarch64 -M virt,gic-version=3 $common \
      -kernel "$WORK/arm/vmlinuz" -initrd "$WORK/arm/initrd.gz" -append "$cmdline" -plugin "$plugin" ;;
  *) echo "regions.sh: FW must be tfa or qemu, got $fw" >&2; exit 2 ;;
esac > "$out.dmesg" 2>&1
rm -f "$out.funcs"
