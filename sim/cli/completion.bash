# bash completion for cpuhpsim: commands, each command's options (read from its --help, so they
# never drift), profile keys after --set (from `cpuhpsim schema`), policies after --policy, and
# file names elsewhere. Installed as share/bash-completion/completions/cpuhpsim.
_cpuhpsim() {
  local cur prev cmd
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  cmd=${COMP_WORDS[1]}
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "$(cpuhpsim --help 2>/dev/null | awk '/^Commands:/{c=1; next} c && /^  [a-z]/{print $1}') --help --version" -- "$cur"))
    return
  fi
  case $prev in
    --set)
      COMPREPLY=($(compgen -S = -W "$(cpuhpsim schema 2>/dev/null | awk '/^[a-z]/{print $1}')" -- "$cur"))
      compopt -o nospace 2>/dev/null
      return ;;
    --policy)
      COMPREPLY=($(compgen -W "$(cpuhpsim policies 2>/dev/null | awk '/^  [a-z]/{print $1}')" -- "$cur"))
      return ;;
  esac
  if [[ $cur == --set=* ]]; then
    COMPREPLY=($(compgen -P --set= -S = -W "$(cpuhpsim schema 2>/dev/null | awk '/^[a-z]/{print $1}')" -- "${cur#--set=}"))
    compopt -o nospace 2>/dev/null
    return
  fi
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(cpuhpsim "$cmd" --help 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u)" -- "$cur"))
    return
  fi
  COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _cpuhpsim cpuhpsim
