#!/bin/bash
# spin-bql.sh [N_VCPUS] — x86_64 under QEMU MTTCG: what spinning vCPUs cost a vCPU at work, for
# compute and for device accesses (spin-bql.c). Kernel and busybox as kboot_run.sh prepares
# them under $WORK (vmlinuz, ir/bin/busybox); gcc with a static libc builds the guest program.
# Two rounds of K = 0, 1, 3, 7, 15 spinners (N_VCPUS, default 16, must exceed the largest K).
set -eu
n=${1:-16}
WORK=${WORK:-$PWD/kboot-work}
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/ir/bin" "$dir/ir/proc"
gcc -O2 -static -pthread -o "$dir/ir/bin/spin" "$here/spin-bql.c"
cp "$WORK/ir/bin/busybox" "$dir/ir/bin/"
for a in sh mount poweroff; do ln -s busybox "$dir/ir/bin/$a"; done
cat > "$dir/ir/init" <<'INIT'
#!/bin/sh
export PATH=/bin
mount -t proc proc /proc
for r in 1 2; do
  for k in 0 1 3 7 15; do
    spin $k c 100000000
    spin $k i 100000
  done
done
poweroff -f
INIT
chmod +x "$dir/ir/init"
(cd "$dir/ir" && find . | cpio -o -H newc 2>/dev/null | gzip) > "$dir/initrd.gz"
timeout 600 qemu-system-x86_64 -accel tcg,thread=multi -cpu max -smp "$n" -m 1G -nographic -no-reboot \
  -kernel "$WORK/vmlinuz" -initrd "$dir/initrd.gz" -append "console=ttyS0 panic=-1 quiet lpj=10384480" |
  tr -d '\r' | grep -o '@@SPIN.*'
