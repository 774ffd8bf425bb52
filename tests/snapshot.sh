#!/usr/bin/env bash
# Every output of the program on every shipped profile, into one folder, so that a restructure
# can be checked byte for byte: `bash tests/snapshot.sh build A`, change, rebuild,
# `bash tests/snapshot.sh build B`, `diff -r A B`. Exit status is recorded beside each output.
set -uo pipefail
bin=$(cd "$1" && pwd)/cpuhpsim
out=$2
here=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$out"; mkdir -p "$out"
cd "$here"
n=0
snap() { # NAME ARGS...
  local name=$1; shift
  (cd "$out" && "$bin" "$@" >"$name.out" 2>"$name.err"; echo $? >"$name.rc")
  n=$((n + 1))
}
profiles=("" scenarios/*.yaml)
for prof in "${profiles[@]}"; do
  p=${prof:+$here/$prof}; tag=$(basename "${prof:-default}" .yaml)
  for par in 0 1; do
    snap "run-$tag-p$par-text" run $p --parallel=$par
    snap "run-$tag-p$par-json" run $p --parallel=$par --format=json --fingerprint --check \
      --ftrace="ftrace-$tag-p$par.trace" --perfetto="perfetto-$tag-p$par.json"
    snap "run-$tag-p$par-mc" run $p --parallel=$par --runs=20 --format=json
    snap "run-$tag-p$par-mct" run $p --parallel=$par --runs=20
    snap "run-$tag-p$par-cpus4" run $p --parallel=$par --cpus=4 --seed=7 --format=json
  done
  snap "states-$tag" states $p
  snap "check-$tag" check $p
  snap "compare-$tag" compare $p --runs=10 --policy=kernel --policy=serial --policy=waves:4
  snap "comparej-$tag" compare $p --runs=10 --policy=kernel --policy=numa-first --format=json
  snap "comparec-$tag" compare $p --runs=10 --policy=kernel --policy=serial --format=csv
  snap "verify-$tag" verify $p --runs=1 --ftrace="verify-$tag.trace"
done
snap schema schema
snap policies policies
snap explore explore --runs=3 --top=3
snap explore-p90 explore --runs=5 --objective=p90
snap fail run --fail=3:workqueue:prepare --check --format=json
snap fail-t run --fail=3:workqueue:prepare --fail=5:sched:active --no-alive=7
snap cmdline run --cmdline="tsc=reliable" --format=json
snap topo run --topology=1x8x2 --format=json --ftrace=topo.trace
snap sets run --set x86.tsc_reliable=true --set 'x86.wakeup_primary={dist: normal, mean: 2ms, sd: 200us}'
for m in sibling-first release-two no-release-wait prepare-on-ap skip-teardown; do
  snap "mutate-$m" verify --runs=1 --mutate=$m --ftrace="mutate-$m.trace"
done
snap statesdiff states --diff x86_64/6.12 arm64/6.12
snap sweep sweep $here/scenarios/sweeps/skl-policies.yaml --threads=2
snap sweepc sweep $here/scenarios/sweeps/skl-faults.yaml --format=csv --threads=1
snap shard0 sweep $here/scenarios/sweeps/skl-policies.yaml --shard=0/2 -o shard0.jsonl
snap shard1 sweep $here/scenarios/sweeps/skl-policies.yaml --shard=1/2 -o shard1.jsonl
snap merge merge shard0.jsonl shard1.jsonl
for t in tests/data/traces/*.txt tests/data/replay/*; do
  tag=$(basename "$t"); t=$here/$t
  snap "import-$tag" import "$t"
  snap "importj-$tag" import "$t" --format=json --perfetto="importp-$tag.json"
  snap "diff-$tag" diff "$t" --profile=default
  snap "diffj-$tag" diff "$t" --profile="$here/scenarios/qemu-tcg-icount-x86_64.yaml" --format=json
  snap "fromtrace-$tag" states --from-trace "$t"
done
for t in tests/data/beyond/*.gz; do
  tag=$(basename "$t"); t=$here/$t
  snap "import-$tag" import "$t" --format=json
done
snap calibrate calibrate --base="$here/scenarios/qemu-tcg-icount-x86_64.yaml" "$here"/tests/data/traces/icount_4_p0_r1.txt "$here"/tests/data/traces/icount_4_p1_r1.txt
snap calibrate-ln calibrate --fit=lognormal --base="$here/scenarios/qemu-tcg-icount-x86_64.yaml" "$here"/tests/data/traces/*.txt
snap fromsource states --from-source "$here/tests/data/kernel-src/cpuhotplug.h" "$here/tests/data/kernel-src/cpu.c" --config="$here/tests/data/kernel-src/config"
snap replaydiff diff "$here/tests/data/traces/icount_4_p1_r1.txt" "ftrace-default-p1.trace"
echo "snapshot: $n commands into $out" >&2
