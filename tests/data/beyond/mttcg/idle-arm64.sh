#!/bin/bash
# idle-arm64.sh N [KERNEL ARGS...] — arm64 under QEMU MTTCG: the host CPU time QEMU takes over
# 6 s while the guest's N vCPUs idle, then the wall time of a 300,000-step shell loop on one
# vCPU. Kernel and busybox as boot-arm64.sh prepares them under $WORK/arm. Run with nohz=off:
# the guest's ticks stay periodic, as they are during bringup.
set -eu
n=$1; shift
WORK=${WORK:-$PWD/kboot-work}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/ir/bin" "$dir/ir/proc"
cp "$WORK/arm/ir/bin/busybox" "$dir/ir/bin/"
for a in sh mount echo poweroff; do ln -s busybox "$dir/ir/bin/$a"; done
cat > "$dir/ir/init" <<'INIT'
#!/bin/sh
export PATH=/bin
mount -t proc proc /proc
echo "@@IDLE-BEGIN"
busybox sleep 8
echo "@@BENCH-BEGIN"
i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done
echo "@@BENCH-END"
poweroff -f
INIT
chmod +x "$dir/ir/init"
(cd "$dir/ir" && find . | cpio -o -H newc 2>/dev/null | gzip) > "$dir/initrd.gz"
log=$dir/console.log
qemu-system-aarch64 -M virt,gic-version=3 -cpu max,pauth=off -accel tcg,thread=multi -smp "$n" -m 1G \
  -nographic -no-reboot -kernel "$WORK/arm/vmlinuz" -initrd "$dir/initrd.gz" \
  -append "console=ttyAMA0 panic=-1 quiet $*" > "$log" 2>&1 &
pid=$!
while ! grep -q '@@IDLE-BEGIN' "$log" && kill -0 $pid 2>/dev/null; do sleep 0.01; done
sleep 1
tk=$(getconf CLK_TCK)
c0=$(awk '{print $14+$15}' /proc/$pid/stat); t0=$(date +%s.%N)
sleep 6
c1=$(awk '{print $14+$15}' /proc/$pid/stat); t1=$(date +%s.%N)
while ! grep -q '@@BENCH-BEGIN' "$log" && kill -0 $pid 2>/dev/null; do sleep 0.01; done
b0=$(date +%s.%N)
while ! grep -q '@@BENCH-END' "$log" && kill -0 $pid 2>/dev/null; do sleep 0.01; done
b1=$(date +%s.%N)
wait $pid || true
echo "n=$n args='$*' idle_cpus=$(echo "scale=4; ($c1 - $c0) / $tk / ($t1 - $t0)" | bc) loop_s=$(echo "$b1 - $b0" | bc)"
