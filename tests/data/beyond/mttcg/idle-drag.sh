#!/bin/bash
# idle-drag.sh N [KERNEL ARGS...] — how much N-1 idle vCPUs slow one vCPU at work under QEMU
# MTTCG: boots the harness kernel ($WORK/vmlinuz, kboot_build.sh) with a busybox initramfs whose
# /init waits 3 s, then runs a shell loop of 300,000 additions on one vCPU; prints the loop's wall
# time as the host sees it on the serial console. Run with nohz=off: the guest's ticks stay
# periodic, as they are during bringup. An oopsed boot (TCG text-patching race) is retried.
set -eu
n=$1; shift
WORK=${WORK:-$PWD/kboot-work}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/ir/bin" "$dir/ir/proc"
cp "$WORK/ir/bin/busybox" "$dir/ir/bin/"
for a in sh mount echo poweroff; do ln -s busybox "$dir/ir/bin/$a"; done
cat > "$dir/ir/init" <<'INIT'
#!/bin/sh
export PATH=/bin
mount -t proc proc /proc
busybox sleep 3
echo "@@BENCH-BEGIN"
i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done
echo "@@BENCH-END"
poweroff -f
INIT
chmod +x "$dir/ir/init"
(cd "$dir/ir" && find . | cpio -o -H newc 2>/dev/null | gzip) > "$dir/initrd.gz"
while :; do
  log=$dir/console.log
  qemu-system-x86_64 -accel tcg,thread=multi -cpu max -smp "$n" -m 2G -nographic -no-reboot \
    -kernel "$WORK/vmlinuz" -initrd "$dir/initrd.gz" \
    -append "console=ttyS0 panic=-1 quiet lpj=10384480 $*" > "$log" 2>&1 &
  pid=$!
  while ! grep -q '@@BENCH-BEGIN' "$log" && kill -0 $pid 2>/dev/null; do sleep 0.01; done
  grep -q '@@BENCH-BEGIN' "$log" || { wait $pid || true; continue; }   # died before: boot again
  t0=$(date +%s.%N)
  while ! grep -q '@@BENCH-END' "$log"; do sleep 0.01; done
  t1=$(date +%s.%N)
  wait $pid || true
  echo "n=$n args='$*' loop_s=$(echo "$t1 - $t0" | bc)"
  break
done
