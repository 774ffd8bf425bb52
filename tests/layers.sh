#!/usr/bin/env bash
# The folders are layers: an include may point to the same folder or a lower one, never up
# (docs/extending.md). And every source file stays readable in one sitting: 700 lines at most.
set -uo pipefail
cd "$(dirname "$0")/.."
rank() {
  case $1 in
    sim/engine) echo 0 ;; models/profile) echo 1 ;; models/kernel) echo 2 ;;
    models/replay) echo 3 ;; models/arch) echo 4 ;; sim/output) echo 5 ;; sim/cli) echo 6 ;;
    *) echo "layers.sh: no rank for folder $1" >&2; echo 99 ;;
  esac
}
bad=0
for f in sim/*/*.[ch] models/*/*.[ch]; do
  from=$(dirname "$f")
  lines=$(wc -l <"$f")
  if [ "$lines" -gt 700 ]; then echo "$f: $lines lines (over 700)"; bad=1; fi
  while IFS=: read -r n inc; do
    to=$(dirname "$inc")
    [ "$to" = "$from" ] && continue
    if [ "$(rank "$to")" -gt "$(rank "$from")" ]; then
      echo "$f:$n: includes $inc, a layer above $from"; bad=1
    fi
  done < <(grep -n '^#include "[a-z]*/[a-z]*/[a-z_0-9]*\.h"' "$f" | sed 's/^\([0-9]*\):#include "\(.*\)"/\1:\2/')
done
n=$(ls sim/*/*.[ch] models/*/*.[ch] | wc -l)
if [ $bad = 0 ]; then echo "1 passed, 0 failed: $n files, includes point down, none over 700 lines"; exit 0; fi
echo "0 passed, 1 failed"; exit 1
