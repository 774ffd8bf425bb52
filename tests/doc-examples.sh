#!/usr/bin/env bash
# Every shell example of README.md and docs/*.md, run in a fresh clone of this repository with
# the build tree's program, so an example cannot rot. Each ```sh block runs as one script (its
# variables carry from line to line); a command's expected exit status is 0, or N when its
# comment says "exit N". Commands that install packages, build, need what the project does not
# have (Slurm's sbatch, a Linux source tree, QEMU) or take minutes (the profile-guided
# build, the figures, fuzzing, the benchmark) are skipped by the rule below and counted.
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q "$src" "$work/clone" || { echo "doc-examples: cannot clone $src"; exit 1; }
cd "$work/clone" || exit 1
ln -s "$build" build
skip_re='^(apt-get|cmake |ctest|sudo |git clone|sbatch |bash bench/pgo-build.sh|bash fuzz/run.sh|man )|linux/|\$H/|run\.sh|kboot|qemu-system|build/cpuhpsim_bench|--target (figures|bench)'
ran=0 skipped=0 failed=0 block=0
for doc in README.md docs/*.md; do
  script=
  while IFS=$'\t' read -r kind line cmd; do
    if [ "$kind" = end ]; then
      [ -n "$script" ] || continue
      block=$((block + 1))
      printf '%s' "$script" >"$work/block$block.sh"
      bash "$work/block$block.sh" 3>>"$work/failures" </dev/null
      script=
      continue
    fi
    cmd=${cmd//$'\001'/$'\n'} # a here-document's lines
    if [[ $cmd =~ $skip_re ]]; then skipped=$((skipped + 1)); continue; fi
    want=0
    if [[ $cmd =~ exit\ ([0-9]+) ]]; then want=${BASH_REMATCH[1]}; fi
    ran=$((ran + 1))
    q=$(printf '%q' "$doc:$line: $cmd")
    script+="{ $cmd
} >/dev/null 2>$work/err
rc=\$?; [ \$rc = $want ] || { echo $q\" (exit \$rc, expected $want)\"; sed 's/^/    /' $work/err | head -3; } >&3
"
  done < <(awk '/^```sh/{b=1; next}
                /^```/ && hd == "" { if (b) print "end\t0\t"; b=0; next}
                !b { next }
                hd != "" { cont = cont "\001" $0; if ($0 == hd) { hd = ""; printf "cmd\t%d\t%s\n", start, cont; cont = "" } next }
                { if (cont != "") { cont = cont " " $0 } else { cont = $0; start = NR }
                  if (match(cont, /<<-?\047?[A-Za-z_]+/)) { hd = substr(cont, RSTART, RLENGTH); gsub(/[<\047-]/, "", hd); next }
                  if (cont ~ /(\\|&&|\|)[[:space:]]*$/) { sub(/\\[[:space:]]*$/, "", cont); next }
                  if (cont !~ /^[[:space:]]*(#|$)/) printf "cmd\t%d\t%s\n", start, cont; cont = "" }' "$doc")
done
failed=0
[ -s "$work/failures" ] && { cat "$work/failures"; failed=$(grep -c '(exit ' "$work/failures"); }
echo "doc examples: $ran commands in $block blocks, $skipped skipped by rule"
if [ "$failed" = 0 ]; then echo "$ran passed, 0 failed"; exit 0; fi
echo "$((ran - failed)) passed, $failed failed"; exit 1
