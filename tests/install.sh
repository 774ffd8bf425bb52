#!/usr/bin/env bash
# cmake --install into a fresh prefix, then use the installed program from another folder with
# nothing of the source or build tree: run, plot (its scripts found beside the program, not in
# the source tree), the man page, and bash completion.
set -uo pipefail
build=$(cd "$1" && pwd)
prefix=$(mktemp -d) work=$(mktemp -d)
trap 'rm -rf "$prefix" "$work"' EXIT
fail() { echo "install: $*"; echo "0 passed, 1 failed"; exit 1; }
cmake --install "$build" --prefix "$prefix" >/dev/null || fail "cmake --install failed"
bin=$prefix/bin/cpuhpsim
cd "$work" || exit 1
unset CPUHPSIM_PLOTS_DIR
"$bin" run --format=json >run.json || fail "installed run failed"
grep -q '"bringup_ns"' run.json || fail "installed run printed no bringup_ns"
"$bin" run "$prefix/share/cpuhpsim/scenarios/qemu-tcg-icount-x86_64.yaml" >/dev/null || fail "installed scenario failed"
if command -v gnuplot >/dev/null; then
  "$bin" plot timeline -o t.svg || fail "installed plot failed"
  [ -s t.svg ] || fail "installed plot wrote nothing"
  # the scripts came from the prefix: without them the installed program must fail
  mv "$prefix/share/cpuhpsim/plots" "$prefix/plots-away"
  "$bin" plot timeline -o t2.svg 2>err.txt && fail "plot worked without the installed scripts (source tree used?)"
  grep -q "share/cpuhpsim/plots" err.txt || fail "plot error does not name the installed scripts: $(cat err.txt)"
  mv "$prefix/plots-away" "$prefix/share/cpuhpsim/plots"
fi
man=$prefix/share/man/man1/cpuhpsim.1
[ -s "$man" ] || fail "no man page"
grep -q '^\.SS calibrate' "$man" || fail "man page lacks the calibrate section"
if command -v man >/dev/null; then
  MANWIDTH=100 man -l "$man" 2>/dev/null | grep -q -- '--topology' || fail "man page does not render --topology"
fi
comp=$prefix/share/bash-completion/completions/cpuhpsim
[ -s "$comp" ] || fail "no bash completion"
got=$(PATH="$prefix/bin:$PATH" bash -c 'source "$1"; COMP_WORDS=(cpuhpsim ru); COMP_CWORD=1; _cpuhpsim; echo "${COMPREPLY[*]}"' _ "$comp")
[ "$got" = run ] || fail "completion of 'ru' gave '$got'"
got=$(PATH="$prefix/bin:$PATH" bash -c 'source "$1"; COMP_WORDS=(cpuhpsim run --set x86.tsc_rel); COMP_CWORD=3; _cpuhpsim; echo "${COMPREPLY[*]}"' _ "$comp")
[ "$got" = x86.tsc_reliable= ] || fail "completion of a profile key gave '$got'"
got=$(PATH="$prefix/bin:$PATH" bash -c 'source "$1"; COMP_WORDS=(cpuhpsim run --topo); COMP_CWORD=2; _cpuhpsim; echo "${COMPREPLY[*]}"' _ "$comp")
[ "$got" = --topology ] || fail "completion of run --topo gave '$got'"
echo "1 passed, 0 failed: installed run, plot, man page and completion"
