#!/usr/bin/env bash
# tests/valgrind.sh BUILD_DIR — run the main cpuhpsim commands under valgrind (memcheck) and
# fail if any reports an error or a definite leak, or exits with another status than expected.
# Registered with ctest (label "valgrind") when valgrind is found; `ctest -LE valgrind` skips it.
# Needs a build without sanitizers: ASan and valgrind cannot share a process.
set -uo pipefail
[[ $# -eq 1 ]] || { echo "usage: tests/valgrind.sh BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
bin=$build/cpuhpsim
root=$(cd "$(dirname "$0")/.." && pwd)
[[ -x $bin ]] || { echo "valgrind.sh: no $bin" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "valgrind.sh: valgrind not installed" >&2; exit 2; }
if nm "$bin" 2>/dev/null | grep -q __asan_init; then
  echo "valgrind.sh: $bin is built with AddressSanitizer; use a plain build" >&2
  exit 2
fi
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# GLib: plain malloc for everything, and pointers cleared on free, so leaks show as leaks.
export G_SLICE=always-malloc G_DEBUG=gc-friendly
# valgrind's own status for an error or a definite leak is 1, which no command below should
# return itself (1 is cpuhpsim's "output could not be written").
vg=(valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite
    --show-leak-kinds=definite --num-callers=30)

failures=0 n=0
# check EXPECTED_STATUS ARGS...
check() {
  local want=$1 log="$tmp/vg.$n.log" rc=0
  shift
  n=$((n + 1))
  "${vg[@]}" --log-file="$log" "$bin" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
  if [[ $rc -ne $want || -s $log ]]; then
    echo "FAIL (exit $rc, want $want): cpuhpsim $*"
    cat "$log" "$tmp/err"
    failures=$((failures + 1))
  else
    echo "ok   (exit $rc): cpuhpsim $*"
  fi
}

check 0 run
check 0 run --parallel=0
check 0 run scenarios/skl-2s-112t.yaml --topology=1x8x2 --format=json
check 0 run --cpus=16 --ftrace="$tmp/boot.trace" --set x86.tsc_reliable=true
check 0 check scenarios/skl-2s-112t.yaml
check 0 states scenarios/skl-2s-112t.yaml
check 0 schema
check 2 check tests/data/bad/dist_uniform_inverted.yaml
check 2 run tests/data/bad/state_unknown.yaml
check 2 run --set 'x86.icr_write={dist: uniform, min: 1us'
check 2 run --bogus
check 2 run --topology=2x0x2
check 2 check no/such/file.yaml
check 0 run scenarios/qemu-arm64-kvm-128.yaml --topology=1x8x1 --format=json
check 0 run scenarios/qemu-arm64-kvm-128.yaml --topology=1x8x1 --set kernel.hotplug_parallel=false
check 0 calibrate --base=scenarios/qemu-tcg-icount-x86_64.yaml tests/data/traces/icount_4_p0_r1.txt -o "$tmp/cal.yaml"
check 0 states --from-source tests/data/kernel-src/cpuhotplug.h tests/data/kernel-src/cpu.c --config=tests/data/kernel-src/config
check 2 states --from-source tests/data/kernel-src/cpu.c tests/data/kernel-src/cpuhotplug.h --arch=x86_64

# The loader's and the parser's own suites walk every error path (tests/data/bad included).
for t in test_profile test_ftrace; do
  [[ -x $build/tests/$t ]] || continue
  n=$((n + 1)) rc=0
  "${vg[@]}" --log-file="$tmp/vg.$t.log" "$build/tests/$t" >"$tmp/out" 2>&1 || rc=$?
  if [[ $rc -ne 0 || -s $tmp/vg.$t.log ]]; then
    echo "FAIL (exit $rc): tests/$t"
    cat "$tmp/vg.$t.log" "$tmp/out"
    failures=$((failures + 1))
  else
    echo "ok   (exit 0): tests/$t"
  fi
done

n=$((n + 1))
[[ -s $tmp/boot.trace ]] || { echo "FAIL: --ftrace wrote nothing"; failures=$((failures + 1)); }
echo "$((n - failures)) passed, $failures failed"
[[ $failures -eq 0 ]]
