#!/usr/bin/env bash
# fuzz/run.sh [SECONDS] — build the libFuzzer harnesses and run each for SECONDS (default 600),
# one after the other. Prints each harness's executions and any crash; exits 1 if any crashed.
#
# Environment: FUZZ_BUILD_DIR (default build-fuzz/), FUZZ_ONLY (one harness name),
# FUZZ_JOBS (build parallelism, default 2).
# New inputs go to FUZZ_BUILD_DIR/corpus/NAME, crashes to FUZZ_BUILD_DIR/artifacts/; the seed
# corpus fuzz/corpus/NAME is only read. Keep a crashing input by copying it into the seed
# corpus once it is fixed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-600}
[[ $secs =~ ^[0-9]+$ && $secs -gt 0 ]] || { echo "usage: fuzz/run.sh [SECONDS]" >&2; exit 2; }
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}

# libFuzzer comes with Debian's clang in libclang-rt-14-dev; install it only when a trial link
# fails (the normal build and tests do not need it).
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return d && n && 0; }' >"$probe/p.c"
if ! clang -fsanitize=fuzzer "$probe/p.c" -o "$probe/p" 2>/dev/null; then
  echo "fuzz/run.sh: libFuzzer missing, installing clang and libclang-rt-14-dev"
  apt-get update -qq && apt-get install -y -qq clang libclang-rt-14-dev
fi

cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang -DCPUHPSIM_FUZZ=ON -DBUILD_TESTING=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"${FUZZ_JOBS:-2}" --target fuzz_profile fuzz_ftrace fuzz_import fuzz_source fuzz_calibrate >/dev/null

declare -A max_len=([fuzz_profile]=8192 [fuzz_ftrace]=4096 [fuzz_import]=65536 [fuzz_source]=16384 [fuzz_calibrate]=8192) # largest seeds: 4.2 KB / 2.2 KB / ~50 KB / 8.6 KB
status=0
for h in fuzz_profile fuzz_ftrace fuzz_import fuzz_source fuzz_calibrate; do
  [[ -z ${FUZZ_ONLY:-} || ${FUZZ_ONLY} == "$h" ]] || continue
  name=${h#fuzz_}
  mkdir -p "$build/corpus/$name" "$build/artifacts"
  log="$build/$h.log"
  echo "== $h: ${secs}s, -max_len=${max_len[$h]}, log $log"
  rc=0 start=$SECONDS
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build/fuzz/$h" -max_total_time="$secs" -max_len="${max_len[$h]}" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 $([[ -f $root/fuzz/$name.dict ]] && echo -dict="$root/fuzz/$name.dict") \
    -artifact_prefix="$build/artifacts/$h-" "$build/corpus/$name" "$root/fuzz/corpus/$name" \
    >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  echo "$h: ${execs:-?} executions in $((SECONDS - start))s," \
    "$(ls "$build/corpus/$name" | wc -l) inputs in $build/corpus/$name"
  if [[ $rc -ne 0 ]]; then
    status=1
    echo "$h: CRASH (exit $rc):"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz_[a-z]+: check failed|.*runtime error)' "$log" | head -n 5 || true
    grep -E '^artifact_prefix|Test unit written to' "$log" | tail -n 1 || true
  fi
done
exit $status
