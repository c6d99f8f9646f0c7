# bash completion for stackblame
_stackblame() {
    local cur prev
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    case $prev in
        -f|--format) COMPREPLY=($(compgen -W "text json markdown dot html jsonl" -- "$cur")); return ;;
        --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
        -o|--output|--rules) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --from|--label|--strip-prefix|--groups|--fail-blocked|--match|--exclude|--width) return ;;
    esac
    if [[ $cur == --*=* ]]; then
        local opt=${cur%%=*} val=${cur#*=}
        case $opt in
            --format) COMPREPLY=($(compgen -P "$opt=" -W "text json markdown dot html jsonl" -- "$val")) ;;
            --color) COMPREPLY=($(compgen -P "$opt=" -W "auto always never" -- "$val")) ;;
        esac
        return
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "-f --format -o --output --groups --color --stats --from --rules
            --fail-deadlock --fail-blocked --fail-stuck --list-rules --label --strip-prefix
            --summary --full --match --exclude --width --latest --no-series --diff
            -h --help -V --version" -- "$cur"))
        return
    fi
    COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o filenames -F _stackblame stackblame
