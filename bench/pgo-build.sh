#!/usr/bin/env bash
# pgo-build.sh [BUILD_DIR]: a profile-guided optimised build (GCC) in BUILD_DIR (default
# build-pgo): an instrumented build of the command-line program, the training runs of
# bench/pgo-train.sh, then everything rebuilt with their counts (CPUHPSIM_PGO=use). Run the
# benchmark with `cmake --build BUILD_DIR --target bench`.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-pgo}
jobs=$(nproc 2>/dev/null || echo 2)
rm -rf "$build/pgo-data"
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCPUHPSIM_PGO=generate >/dev/null
cmake --build "$build" -j"$jobs" --target cpuhpsim
bash "$src/bench/pgo-train.sh" "$(cd "$build" && pwd)/cpuhpsim"
cmake -S "$src" -B "$build" -DCPUHPSIM_PGO=use >/dev/null
cmake --build "$build" -j"$jobs"
echo "pgo-build.sh: profile-guided build in $build (counts in $build/pgo-data)"
