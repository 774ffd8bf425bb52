#!/usr/bin/env bash
# hostile.sh BUILD_DIR — cpuhpsim against hostile input (issue #24): every case must exit 2
# with exactly one line on stderr that names the place (FILE:LINE:COL, the file, or the flag),
# within 20 s and 1.5 GiB of address space. Cases are generated from tables: the bad corpora
# under tests/data, mutations of a good profile, bad values of every command's flags, bad sweep
# files and bad shards for merge, /dev/zero for every input read whole. Then a sweep killed
# mid-write must leave its destination intact and no temporary file beside it.
set -uo pipefail
B=$(cd "${1:?usage: hostile.sh BUILD_DIR}" && pwd)/cpuhpsim
cd "$(dirname "$0")/.."
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export MALLOC_ARENA_MAX=2 # glibc reserves 64 MiB of address space per thread arena otherwise
pass=0 failed=0
L=':[0-9]+:[0-9]+: ' # the LINE:COL of a message

# expect REGEX ARGS...: `cpuhpsim ARGS` exits 2, one line on stderr, matching REGEX (grep -E).
expect() {
  local want=$1 rc lines
  shift
  (ulimit -v 1572864 && exec timeout 20 "$B" "$@") >/dev/null 2>"$T/err" </dev/null
  rc=$?
  lines=$(wc -l <"$T/err")
  if [ "$rc" = 2 ] && [ "$lines" = 1 ] && grep -qE -- "$want" "$T/err"; then
    pass=$((pass + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: cpuhpsim $* (exit $rc, $lines lines on stderr; want /$want/)"
    head -3 "$T/err" | sed 's/^/  | /'
  fi
}

# ---- the corpora: profiles, sweep files, traces ----------------------------------------------
for f in tests/data/bad/*.yaml; do expect "^$f$L" check "$f"; done
for f in tests/data/bad-scenarios/*.yaml; do expect "^$f$L" sweep "$f"; done
for f in tests/data/bad-traces/*; do expect "^$f(: |$L)" import "$f"; done

# ---- a good profile, one value made bad: through the file and through --set -----------------
good=scenarios/skl-2s-112t.yaml
mutate() { # KEY_LINE_PATTERN KEY VALUE...: the profile with that line's value replaced
  local pat=$1 key=$2 v n=0 line
  shift 2
  line=$(grep -n "^  $pat:" "$good" | head -1 | cut -d: -f1)
  for v in "$@"; do
    n=$((n + 1))
    local m="$T/mut-${key//./_}-$n.yaml"
    sed "${line}s|^\(  $pat:\).*|\1 $v|" "$good" >"$m"
    expect "^$m:$line:[0-9]+: " check "$m"
    expect "^--set $key=" check "$good" --set "$key=$v"
  done
}
mutate hz kernel.hz 17 -250 nan 1e999 '[250]' '{a: 1}' 99999999999999999999 abc
mutate alive_spin kernel.alive_spin -1ms 1e400s nan 5 1ly '{dist: exponential}' '{dist: lognormal, median: 1ms, sigma: 1e9}' '[1ms]' 100000000s
mutate trace_rb_page kernel.trace_rb_page -1ns 1000000s abc '{dist: uniform, min: 2ms, max: 1ms}'
mutate alive_timeout kernel.alive_timeout 0 -5s 1000000s x
mutate cpuhp_parallel kernel.cpuhp_parallel maybe 2 '[true]'
mutate icr_write x86.icr_write 100000000s -1ns '{dist: normal}' 1e308ns
mutate sockets topology.sockets 0 -1 65537 1.5 1e9
mutate threads_per_core topology.threads_per_core 0 9 two
mutate family x86.family -1 abc 99999999999999999999999
mutate vendor x86.vendor via '' 1

# ---- every command's flags, one bad value at a time --------------------------------------------
for cmd in run compare explore plot; do
  for fv in --seed=abc --seed=-1 --seed=99999999999999999999999 --runs=0 --runs=abc --runs=-3 \
            --topology=0x1x1 --topology=axbxc --topology=1x2 --topology=512x512x8 --cpus=0 --cpus=abc \
            --cpus=99999999 --set=nokey --set=kernel.bogus=1 --set=kernel.hz=17; do
    [ "$cmd" = plot ] && args=(plot scaling) || args=("$cmd")
    flag=${fv%%=*}
    [ "$flag" = --set ] && flag='(--set|kernel)'
    expect -- "$flag" "${args[@]}" "$fv"
  done
done
for fv in --format=xml --parallel=2 --policy=nope --policy=waves:0 --max-events=0 --max-events=abc \
          --fail=999:x --fail=abc --no-alive=abc --no-alive=99999 '--cmdline="unterminated' \
          --cmdline=nr_cpus=abc --cmdline=trace_buf_size=99G --runs=100000000; do
  expect -- "${fv%%=*}" run "$fv"
done
for cmd in run check states schema compare policies sweep merge explore verify import diff calibrate plot; do
  expect -- '--no-such-flag' "$cmd" --no-such-flag
done
expect -- '--format' compare --format=xml
expect -- '--objective' explore --objective=best
expect -- '--top' explore --top=0
expect -- '--threads' sweep scenarios/sweeps/skl-faults.yaml --threads=0
expect -- '--shard' sweep scenarios/sweeps/skl-faults.yaml --shard=2/2
expect -- '--shard' sweep scenarios/sweeps/skl-faults.yaml --shard=a/b
expect -- '--format' sweep scenarios/sweeps/skl-faults.yaml --format=xml
expect -- '--mutate' verify --mutate=nothing
expect -- '--runs' verify --runs=0
expect -- '--fit' calibrate --fit=mean --base=$good tests/data/bad-traces/empty.txt
expect -- '--base' calibrate tests/data/bad-traces/empty.txt
expect -- '--format' import --format=xml tests/data/bad-traces/empty.txt
expect -- '--format' diff --format=xml tests/data/bad-traces/empty.txt

# ---- sweep files with one bad axis value: the value's line and column --------------------------
sweep_case() { # NAME BODY: a sweep of the good profile whose axes/top keys are BODY
  local s="$T/sweep-$1.yaml"
  printf 'profile: %s\nruns: 1\n%s\n' "$PWD/$good" "$2" >"$s"
  expect "^$s:[3-9]:[0-9]+: " sweep "$s" --threads=1
}
sweep_case topo-zero $'axes:\n  topology: [1x2x1, 0x1x1]'
sweep_case topo-shape $'axes:\n  topology: [1x2x1x1]'
sweep_case topo-huge $'axes:\n  topology: [1x2x1, 65536x65536x8]'
sweep_case cpus-zero $'axes:\n  cpus: [2, 0]'
sweep_case cpus-word $'axes:\n  cpus: [two]'
sweep_case cpus-over $'axes:\n  cpus: [2, 4000]'
sweep_case cpus-topo $'axes:\n  topology: [1x2x1]\n  cpus: [2, 4]'
sweep_case hz $'axes:\n  set:\n    kernel.hz: [250, 17]'
sweep_case duration $'axes:\n  set:\n    x86.icr_write: [1us, 1e400s]'
sweep_case unknown-key $'axes:\n  set:\n    kernel.bogus: [1]'
sweep_case policy $'axes:\n  policy: [kernel, nope]'
sweep_case waves $'axes:\n  policy: ["waves:0"]'
sweep_case runs-big 'runs: 99999999'
sweep_case seed-word 'seed: soon'
sweep_case axes-empty $'axes:\n  cpus: []'
sweep_case fault-cpu $'faults: ["fail=9999:workqueue:prepare"]'

# ---- merge: shards of a small sweep, made bad ---------------------------------------------------
sw=scenarios/sweeps/skl-faults.yaml
"$B" sweep "$sw" --shard=0/2 -o "$T/s0.jsonl" && "$B" sweep "$sw" --shard=1/2 -o "$T/s1.jsonl" &&
  "$B" sweep "$sw" --shard=0/2 --format=csv -o "$T/s0.csv" && "$B" sweep scenarios/sweeps/skl-policies.yaml --shard=1/2 -o "$T/o1.jsonl" ||
  { echo "FAIL: the shards for merge could not be made"; failed=$((failed + 1)); }
: >"$T/empty.jsonl"
head -c -20 "$T/s1.jsonl" >"$T/cut.jsonl"
sed '2s/"seed": [0-9]*/"seed": 1e400/' "$T/s1.jsonl" >"$T/big.jsonl"
sed '2s/"point": [0-9]*, //' "$T/s1.jsonl" >"$T/nopoint.jsonl"
sed '2s/^/x/' "$T/s1.jsonl" >"$T/garbage.jsonl"
sed '1s/"shard": "1\/2"/"shard": "1\/3"/' "$T/s1.jsonl" >"$T/nshards.jsonl"
sed '1d' "$T/s1.jsonl" >"$T/nometa.jsonl"
sed '3s/^\([^,]*,[^,]*,[^,]*,[^,]*,\)[0-9]*,/\199,/' "$T/s0.csv" >"$T/badpoint.csv" # point, the 5th column
sed '1s/^sweep_hash/sweep_hsh/' "$T/s0.csv" >"$T/badheader.csv"
expect "^cpuhpsim merge: $T/empty.jsonl$L" merge "$T/s0.jsonl" "$T/empty.jsonl"
expect "$T/cut.jsonl$L.*truncated" merge "$T/s0.jsonl" "$T/cut.jsonl"
expect "$T/big.jsonl:2:[0-9]+: " merge "$T/s0.jsonl" "$T/big.jsonl"
expect "$T/nopoint.jsonl:2:[0-9]+: " merge "$T/s0.jsonl" "$T/nopoint.jsonl"
expect "$T/garbage.jsonl:2:[0-9]+: " merge "$T/s0.jsonl" "$T/garbage.jsonl"
expect "$T/nshards.jsonl:4:1: .*shard 1/3" merge "$T/s0.jsonl" "$T/nshards.jsonl"
expect "$T/nometa.jsonl:1:1: " merge "$T/s0.jsonl" "$T/nometa.jsonl"
expect "$T/o1.jsonl:1:1: " merge "$T/s0.jsonl" "$T/o1.jsonl"
expect "$T/s0.jsonl:1:1: .*twice" merge "$T/s0.jsonl" "$T/s0.jsonl"
expect "shard 1/2 is missing" merge "$T/s0.jsonl"
expect "$T/s1.jsonl:1:1: " merge "$T/s0.csv" "$T/s1.jsonl"
expect "$T/badpoint.csv:3:1: " merge "$T/badpoint.csv" "$T/s1.jsonl"
expect "$T/badheader.csv:1:1: " merge "$T/badheader.csv" "$T/s1.jsonl"
expect "$T/nothere.jsonl" merge "$T/nothere.jsonl"
expect "$T: " merge "$T"
expect "missing SHARD" merge

# ---- inputs read whole: /dev/zero stops at the cap, a directory is refused ----------------------
ks=tests/data/kernel-src
expect '^/dev/zero: .*16 MiB' check /dev/zero
expect '/dev/zero: .*16 MiB limit for a state table' states --diff x86_64/6.12 /dev/zero
expect '/dev/zero: .*16 MiB limit for a state table' run --set kernel.state_table=/dev/zero
expect '/dev/zero: .*16 MiB limit for a kernel source' states --from-source /dev/zero $ks/cpu.c --config=$ks/config
expect '/dev/zero: .*16 MiB limit for a kernel source' states --from-source $ks/cpuhotplug.h /dev/zero
expect '/dev/zero: .*16 MiB limit for a kernel config' states --from-source $ks/cpuhotplug.h $ks/cpu.c --config=/dev/zero
expect '/dev/zero: .*16 MiB limit for a scenario' sweep /dev/zero
expect '/dev/zero: .*256 MiB limit for a shard' merge /dev/zero
expect '^/dev/zero: .*256 MiB' import /dev/zero
expect '^/dev/zero: .*256 MiB' diff /dev/zero --profile=$good
expect '^/dev/zero: .*16 MiB' calibrate --base=/dev/zero tests/data/bad-traces/empty.txt
# a pipe fed forever (no size to ask for first) stops at the same caps
expect '^/dev/fd/[0-9]+: .*16 MiB' check <(yes)
expect '^/dev/fd/[0-9]+: .*16 MiB limit for a scenario' sweep <(yes 'a: b')
expect '^/dev/fd/[0-9]+: .*256 MiB' import <(yes)
expect '/dev/fd/[0-9]+: .*256 MiB limit for a shard' merge <(yes '{}')
expect "^$T: " check "$T"
expect "^$T: " sweep "$T"
expect "^$T: " import "$T"

# ---- SIGTERM and SIGINT mid-write: the old output stays, no temporary file beside it -----------
for sig in TERM INT; do
  printf 'profile: %s\nruns: 200000\naxes:\n  cpus: [2, 3, 4, 5, 6, 7, 8, 9]\n' "$PWD/$good" >"$T/long.yaml"
  mkdir -p "$T/out-$sig"
  echo "the old output" >"$T/out-$sig/rows.jsonl"
  # a job without job control ignores SIGINT: the shell's own & would hide the test
  (trap - INT; exec "$B" sweep "$T/long.yaml" --threads=1 -o "$T/out-$sig/rows.jsonl") 2>/dev/null &
  pid=$!
  for _ in $(seq 100); do # until the temporary file is there and growing
    [ -n "$(find "$T/out-$sig" -name 'rows.jsonl.*' -size +64k)" ] && break
    sleep 0.1
  done
  grew=$(find "$T/out-$sig" -name 'rows.jsonl.*' | wc -l)
  kill -s "$sig" "$pid"
  wait "$pid"
  rc=$?
  left=$(find "$T/out-$sig" -type f | wc -l)
  if [ "$grew" = 1 ] && [ "$rc" -gt 128 ] && [ "$left" = 1 ] && [ "$(cat "$T/out-$sig/rows.jsonl")" = "the old output" ]; then
    pass=$((pass + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: SIG$sig during sweep -o: temporary seen $grew, exit $rc, files left $left:"
    ls -la "$T/out-$sig"
  fi
done

echo "$pass passed, $failed failed"
[ "$failed" = 0 ]
