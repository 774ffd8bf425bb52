#!/usr/bin/env bash
# figures.sh — regenerate every figure of docs/figures from the scenarios, offline: a PNG drawn
# by gnuplot (for docs/figures.md) and a PDF drawn by matplotlib (fonts embedded, for papers) of each.
# Usage: plots/figures.sh CPUHPSIM OUTDIR   (what `cmake --build build --target figures` runs)
# Needs gnuplot and python3-matplotlib; `cpuhpsim plot` says which package is missing.
set -euo pipefail
sim=$(realpath "$1")
out=$(realpath -m "$2")
cd "$(dirname "$0")/.."   # scenario paths below (and in the sweep's first line) are relative
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ref=plots/data/qemu-reference.tsv   # measured boots, copied from docs/profiles.md (see its header)
qemu_sizes=--topology=1x2x1,1x4x1,1x8x1,1x16x1
icount_sizes=--topology=1x2x1,1x4x1,1x8x1,1x16x1,1x32x1,1x64x1  # with the boots of tests/data/beyond

fig() {
  local name=$1
  shift
  "$sim" plot "$@" -o "$out/$name.png"
  "$sim" plot "$@" --backend=matplotlib -o "$out/$name.pdf"
  echo "  $out/$name.png, .pdf"
}

# (a) per-CPU timelines
fig timeline-skl-parallel timeline scenarios/skl-2s-112t.yaml
fig timeline-skl-serial timeline scenarios/skl-2s-112t.yaml --parallel=0
fig timeline-mttcg-8-parallel timeline scenarios/qemu-tcg-mttcg-x86_64.yaml --topology=1x8x1
# (b) bringup time against CPU count: the policy sweep's rows; the QEMU profiles with the
# real boots overlaid
"$sim" sweep scenarios/sweeps/skl-policies.yaml -o "$tmp/skl-policies.jsonl"
fig scaling-skl scaling "$tmp/skl-policies.jsonl" --where=x86.tsc_reliable=false
fig scaling-qemu-icount scaling scenarios/qemu-tcg-icount-x86_64.yaml "$icount_sizes" --reference="$ref"
fig scaling-qemu-arm64-icount scaling scenarios/qemu-arm64-tcg-icount.yaml "$icount_sizes" --reference="$ref"
fig scaling-qemu-mttcg scaling scenarios/qemu-tcg-mttcg-x86_64.yaml "$qemu_sizes" --reference="$ref"
# (c) the control CPU's time by phase, cpuhp.parallel=0 against =1
fig phases-skl phases scenarios/skl-2s-112t.yaml
fig phases-mttcg-16 phases scenarios/qemu-tcg-mttcg-x86_64.yaml --topology=1x16x1
# (e) VM exits by type: the arm64 RFC's three kernels on its KVM guest
fig vmexits-kvm-128 vmexits scenarios/qemu-arm64-kvm-128.yaml
# (f) the whole boot by phase, 1 to 128 vCPUs
fig boot-qemu-icount boot scenarios/qemu-tcg-icount-x86_64.yaml --topology=1x1x1,1x16x1,1x32x1,1x64x1,1x128x1
# (d) Monte Carlo distributions per policy (200 runs each, common random numbers)
fig cdf-mttcg-8 cdf scenarios/qemu-tcg-mttcg-x86_64.yaml --topology=1x8x1 \
  --policy=serial --policy=waves:2 --policy=waves:4 --policy=kernel
