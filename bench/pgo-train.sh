#!/usr/bin/env bash
# pgo-train.sh CPUHPSIM: the training runs of a profile-guided build (bench/pgo-build.sh), made
# with the instrumented program. What users run, not the benchmark alone: every shipped profile
# in both modes as Monte Carlo, the policies compared, the rule checker (odd topologies, faults,
# policies), traced runs and the sweeps. Output is thrown away; a failure stops the build.
set -euo pipefail
cli=$1
cd "$(dirname "$0")/.."
for prof in scenarios/*.yaml; do
  for par in 0 1; do
    "$cli" run --runs=10 --parallel=$par "$prof" >/dev/null
    "$cli" run --format=json --check --fingerprint --parallel=$par "$prof" >/dev/null
  done
done
# How long a bringup takes as the machine grows, the default machine's random latencies fixed
# or not (what the scaling figures and the benchmark's bringup section run).
for topo in 1x4x2 2x16x2 2x28x2 4x32x2 8x64x2 16x128x2; do
  for par in 0 1; do
    "$cli" run --topology=$topo --parallel=$par --runs=5 >/dev/null
    "$cli" run --topology=$topo --parallel=$par --runs=5 --set x86.wakeup_primary=3ms --set x86.wakeup_secondary=1ms \
      --set x86.microcode_apply=7ms --set kernel.alive_sleep=1ms >/dev/null
  done
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$cli" run --ftrace="$tmp/t.trace" --perfetto="$tmp/t.json" --fail=3:sched:active >/dev/null
"$cli" run --no-alive=5 >/dev/null
"$cli" compare --runs=50 --policy=kernel --policy=serial --policy=waves:8 >/dev/null
# exit 1: the rule the kernel breaks on SMT4 with a dead primary (docs/verify.md) is found
"$cli" verify --runs=1 --ftrace="$tmp/v.trace" >/dev/null || [ $? -eq 1 ]
for s in scenarios/sweeps/*.yaml; do "$cli" sweep --threads=1 "$s" >/dev/null; done
