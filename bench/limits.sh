#!/usr/bin/env bash
# limits.sh BUILD_DIR — wall time and peak RSS (GNU time) of cpuhpsim at the limits of issue
# #24: --perfetto up to 65,536 CPUs (the largest topology accepted), and a 3-million-row sweep
# streamed to a file and to stdout. Not part of ctest: minutes of CPU; figures go to
# docs/performance.md. Needs /usr/bin/time (Debian: apt-get install time).
set -euo pipefail
B=$(cd "${1:?usage: limits.sh BUILD_DIR}" && pwd)/cpuhpsim
cd "$(dirname "$0")/.."
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
measure() { # LABEL ARGS...: one line, LABEL, wall s, peak RSS MB
  local label=$1
  shift
  /usr/bin/time -f "%e %M" -o "$T/time" "$@" >/dev/null
  read -r wall kb <"$T/time"
  printf '%-44s %8.2f s %8.1f MB\n' "$label" "$wall" "$(echo "$kb / 1024" | bc -l)"
}
for n in 4096 16384 65536; do
  measure "run --perfetto, $n CPUs" "$B" run --topology=2x$((n / 4))x2 --perfetto="$T/p.json"
  printf '%-44s %10s bytes\n' "  (file)" "$(stat -c %s "$T/p.json")"
  rm -f "$T/p.json"
done
measure "run, 65536 CPUs, no trace (baseline)" "$B" run --topology=2x16384x2
printf 'profile: %s\nruns: 1000000\naxes:\n  cpus: [2, 3, 4]\n' "$PWD/scenarios/skl-2s-112t.yaml" >"$T/3m.yaml"
measure "sweep, 3M rows, -o FILE" "$B" sweep "$T/3m.yaml" -o "$T/rows.jsonl"
printf '%-44s %10s rows\n' "  (file)" "$(($(wc -l <"$T/rows.jsonl") - 1))"
rm -f "$T/rows.jsonl"
measure "sweep, 3M rows, to stdout" "$B" sweep "$T/3m.yaml"
