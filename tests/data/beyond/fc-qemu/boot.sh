#!/bin/sh
# boot.sh N OUT: one boot of the seed-004 guest kernel (README.md) on QEMU's microvm machine,
# TCG -icount shift=0 (1 ns a guest instruction), sleep=off (an idle clock jumps to the next
# timer deadline: host-independent), the seed's command line plus a root disk.
#   K       the bzImage (default ./bzImage)
#   ROOT    the ext4 image holding init (default ./root.ext4)
#   EXTRA   more kernel command line (the traced boots: trace_clock=x86-tsc trace_event=...)
set -eu
n=$1 out=$2
K=${K:-./bzImage} ROOT=${ROOT:-./root.ext4}
cmdline="console=ttyS0,115200 panic=-1 reboot=t no_timer_check cryptomgr.notests tsc=reliable"
cmdline="$cmdline 8250.nr_uarts=1 iommu=off pci=off mitigations=off root=/dev/vda init=/init"
cmdline="$cmdline printk.time=1 lpj=2000000 ${EXTRA:-}"
timeout 300 qemu-system-x86_64 -M microvm,acpi=off,pit=on,pic=on,rtc=on -cpu max -smp "$n" -m 128 \
  -icount shift=0,sleep=off -nographic -no-reboot -nodefaults -serial stdio \
  -kernel "$K" -append "$cmdline" \
  -drive id=d0,file="$ROOT",format=raw,if=none -device virtio-blk-device,drive=d0 > "$out" 2>&1
