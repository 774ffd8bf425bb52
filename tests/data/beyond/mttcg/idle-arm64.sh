#!/bin/bash
# idle-arm64.sh N [KERNEL ARGS...] — arm64 under QEMU TCG: the host CPU time QEMU takes over
# 6 s while the guest's N vCPUs idle, then the time of a loop on one vCPU while the others idle:
#   LOOP=arith (default)  300,000 shell additions, timed on the host
#   LOOP=fork             2,000 runs of `busybox true` pinned to CPU 0 (fork, exec, exit: page
#                         tables built and torn down, so TLB invalidations broadcast)
#   ACCEL=mttcg (default) | icount  (icount: also the guest's own clock over the loop, from
#                         /proc/uptime, which counts guest instructions only)
# Kernel and busybox as boot-arm64.sh prepares them under $WORK/arm. Run with nohz=off: the
# guest's ticks stay periodic, as they are during bringup; add maxcpus=K to keep vCPUs off.
set -eu
n=$1; shift
WORK=${WORK:-$PWD/kboot-work}
case ${LOOP:-arith} in
  arith) loop='i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done' ;;
  fork)  loop="busybox taskset -c 0 sh -c 'i=0; while [ \$i -lt 2000 ]; do busybox true; i=\$((i+1)); done'" ;;
  *) echo "LOOP is arith or fork" >&2; exit 2 ;;
esac
case ${ACCEL:-mttcg} in
  mttcg)  accel="-accel tcg,thread=multi" ;;
  icount) accel="-accel tcg -icount shift=3,sleep=off,align=off" ;;
  *) echo "ACCEL is mttcg or icount" >&2; exit 2 ;;
esac
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/ir/bin" "$dir/ir/proc"
cp "$WORK/arm/ir/bin/busybox" "$dir/ir/bin/"
for a in sh mount echo cat poweroff; do ln -s busybox "$dir/ir/bin/$a"; done
cat > "$dir/ir/init" <<INIT
#!/bin/sh
export PATH=/bin
mount -t proc proc /proc
echo "@@IDLE-BEGIN"
busybox sleep 8
echo "@@BENCH-BEGIN"
echo "@@UPTIME \$(cat /proc/uptime)"
$loop
echo "@@UPTIME \$(cat /proc/uptime)"
echo "@@BENCH-END"
poweroff -f
INIT
chmod +x "$dir/ir/init"
(cd "$dir/ir" && find . | cpio -o -H newc 2>/dev/null | gzip) > "$dir/initrd.gz"
log=$dir/console.log
qemu-system-aarch64 -M virt,gic-version=3 -cpu max,pauth=off $accel -smp "$n" -m 1G \
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
guest=$(awk '/^@@UPTIME/ { u[++k] = $2 } END { if (k == 2) printf "%.2f", u[2] - u[1]; else printf "?" }' "$log")
echo "n=$n loop=${LOOP:-arith} accel=${ACCEL:-mttcg} args='$*' idle_cpus=$(echo "scale=4; ($c1 - $c0) / $tk / ($t1 - $t0)" | bc) loop_s=$(echo "$b1 - $b0" | bc) guest_s=$guest"
