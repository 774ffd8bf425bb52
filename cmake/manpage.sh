#!/usr/bin/env bash
# manpage.sh BIN VERSION OUT — cpuhpsim.1 (roff) from the program's own help: the command list,
# then each command's --help as a section. Written whole or not at all.
set -euo pipefail
bin=$1 version=$2 out=$3
esc() { sed -e 's/\\/\\e/g' -e 's/^\([.'"'"']\)/\\\&\1/' -e 's/^-/\\-/' ; }
tmp=$(mktemp "$out.XXXXXX")
trap 'rm -f "$tmp"' EXIT
{
  echo ".TH CPUHPSIM 1 \"\" \"cpuhpsim $version\" \"User Commands\""
  echo ".SH NAME"
  echo "cpuhpsim \\- deterministic discrete-event simulation of Linux SMP CPU bringup"
  echo ".SH SYNOPSIS"
  echo ".B cpuhpsim"
  echo ".I COMMAND"
  echo "[\\fIOPTIONS\\fR] [\\fIPROFILE\\fR]"
  echo ".SH DESCRIPTION"
  echo ".nf"
  "$bin" --help | esc
  echo ".fi"
  echo ".SH COMMANDS"
  for cmd in $("$bin" --help | awk '/^Commands:/{c=1; next} c && /^  [a-z]/{print $1} c && /^$/{exit}'); do
    echo ".SS $cmd"
    echo ".nf"
    "$bin" "$cmd" --help | esc
    echo ".fi"
  done
  echo ".SH FILES"
  echo "Plot scripts: ../share/cpuhpsim/plots beside the program (CPUHPSIM_PLOTS_DIR overrides)."
  echo "Example profiles: ../share/cpuhpsim/scenarios."
  echo ".SH SEE ALSO"
  echo "The manual: docs/ in the source tree (docs/README.md)."
} >"$tmp"
mv "$tmp" "$out"
trap - EXIT
