#!/bin/sh
# boot-tfa.sh MODE SMP OUT: boot-arm64.sh's boot, but with TF-A (BL1/BL2/BL31 built for
# PLAT=qemu, ARM_LINUX_KERNEL_AS_BL33=1, QEMU_USE_GIC_DRIVER=QEMU_GICV3) as the EL3 firmware:
# PSCI CPU_ON is an SMC into BL31 instead of QEMU's built-in PSCI. Run from a directory that
# holds bl1.bin, bl2.bin, bl31.bin and bl33.bin (the kernel Image); BL2 loads them by
# semihosting. The initramfs goes in with QEMU's loader and the kernel's initrd= parameter
# (firmware boots put -initrd in fw_cfg only).
set -eu
WORK=${WORK:-$PWD/kboot-work}
mode=$1 smp=$2 out=$3
case $mode in
  icount) accel="-accel tcg -icount shift=3,sleep=off,align=off" ;;
  mttcg)  accel="-accel tcg,thread=multi" ;;
  *) echo "unknown mode $mode" >&2; exit 2 ;;
esac
size=$(stat -c %s "$WORK/arm/initrd.gz")
timeout 900 qemu-system-aarch64 -M virt,secure=on,gic-version=3 -cpu max,pauth=off $accel -smp "$smp" -m 1G \
  -nographic -no-reboot -bios bl1.bin -semihosting-config enable=on,target=native \
  -device loader,file="$WORK/arm/initrd.gz",addr=0x48000000,force-raw=on \
  -kernel "$WORK/arm/vmlinuz" \
  -append "console=ttyAMA0 panic=-1 loglevel=7 initrd=0x48000000,$size trace_event=cpuhp:* trace_buf_size=1M trace_clock=global" \
  > "$out" 2>&1
