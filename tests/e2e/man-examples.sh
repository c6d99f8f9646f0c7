#!/usr/bin/env bash
# Runs every line of the EXAMPLES section of man/stackblame.1 as written,
# with `stackblame` resolved to BINARY: each in a temporary directory
# holding fixtures under the names the example uses (kubelet.txt, dumps/ ...),
# a producer before `|` (journalctl, kubectl exec ... curl) replaced by
# `cat` of a fixture of what it prints. Each example must exit 0 or 1
# (not 2, not a signal) and print something (on stdout, or into the file it
# redirects to). An example naming a file or a producer this script does
# not know fails loudly: a new example needs its fixture here.
#
# Usage: tests/e2e/man-examples.sh BINARY
set -uo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 BINARY" >&2
  exit 2
fi
bin=$1
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
if [ ! -x "$bin" ]; then
  echo "man-examples: $bin: not an executable" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/../.." && pwd)
man="$root/man/stackblame.1"
fx="$root/fixtures"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin"
ln -s "$bin" "$tmp/bin/stackblame"

# The example lines: between .nf and .fi of .SH EXAMPLES, roff escapes
# undone (\- is '-', \e a backslash; fonts dropped), requests skipped.
examples=$(awk '
  /^\.SH / { in_ex = ($2 == "EXAMPLES"); nf = 0; next }
  in_ex && /^\.nf/ { nf = 1; next }
  in_ex && /^\.fi/ { nf = 0; next }
  in_ex && nf && !/^\./ && NF { print }
' "$man" | sed -e 's/\\-/-/g' -e "s/\\\\(aq/'/g" -e 's/\\(dq/"/g' -e 's/\\&//g' \
               -e 's/\\f[BIRP]//g' -e 's/\\e/\\/g')
if [ -z "$examples" ]; then
  echo "man-examples: no EXAMPLES (.nf ... .fi) found in $man" >&2
  exit 1
fi

pass=0 fail=0
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# Puts the fixture for input file NAME (as an example names it) into the
# current directory under that name. Returns 1 for a name it does not know.
place() {
  local name=$1 src=
  case "$name" in
    kubelet.txt) src=$fx/mission/kubelet.sigquit.txt ;;
    terway.txt) src=$fx/mission/terway.sigquit.txt ;;
    terwayd.txt) src=$fx/mission/terwayd.sigquit.txt ;;
    kubelet.log) src=$fx/mission/node-journal.txt ;;
    dump.txt) src=$fx/blocking/blocking.debug2.txt ;;
    test-timeout.txt) src=$fx/lifecycle/testhang.timeout.txt ;;
    terwayd.[0-9]*.txt)
      local n=${name#terwayd.}
      n=${n%.txt}
      src=$fx/mission/terwayd.debug2.$n.txt
      [ -f "$src" ] || return 1
      ;;
    'dumps/*.txt')
      mkdir -p dumps
      cp "$fx/deadlock/deadlock.sigquit.txt" dumps/deadlock.txt &&
        cp "$fx/blocking/blocking.sigquit.txt" dumps/blocking.txt &&
        cp "$fx/lifecycle/asleep.fatal.txt" dumps/asleep.txt
      return
      ;;
    *) return 1 ;;
  esac
  [ -f "$src" ] || { echo "man-examples: fixture $src missing" >&2; return 1; }
  mkdir -p "$(dirname "$name")"
  cp "$src" "$name"
}

# The fixture standing for what a producer command prints.
producer_fixture() {
  case "$1" in
    journalctl) echo "$fx/mission/node-journal.txt" ;;      # journalctl -u kubelet -u terwayd
    kubectl) echo "$fx/mission/terwayd.debug2.1.txt" ;;     # kubectl exec ... curl ...?debug=2
    *) return 1 ;;
  esac
}

k=0
while IFS= read -r example; do
  k=$((k + 1))
  work="$tmp/ex$k"
  mkdir -p "$work"
  cmd=$example
  # A producer piped into stackblame: one `|`, replaced by cat of a fixture.
  case "$cmd" in
    *'|'*'|'*) bad "$example: more than one pipe, not mapped (update $0)"; continue ;;
    *'|'*)
      producer=${cmd%%|*}
      read -r pname _ <<<"$producer"
      if ! pfile=$(producer_fixture "$pname"); then
        bad "$example: producer '$pname' not mapped to a fixture (update $0)"; continue
      fi
      cmd="cat '$pfile' |${cmd#*|}"
      ;;
  esac
  consumer=${cmd##*|}
  read -ra words <<<"$consumer"
  if [ "${words[0]:-}" != stackblame ]; then
    bad "$example: does not run stackblame (update $0)"; continue
  fi
  # Inputs: the words that name files; the word after '>' is the output.
  out_file='' unmapped=''
  for ((i = 1; i < ${#words[@]}; i++)); do
    w=${words[$i]}
    if [ "$w" = '>' ] || [ "$w" = '>>' ]; then
      out_file=${words[$((i + 1))]:-}
      i=$((i + 1))
      continue
    fi
    case "$w" in
      -*) continue ;;
      *.txt | *.log | */* | *'*'*) (cd "$work" && place "$w") || unmapped="$unmapped $w" ;;
    esac
  done
  if [ -n "$unmapped" ]; then
    bad "$example: no fixture for$unmapped (update $0)"; continue
  fi
  status=0
  (cd "$work" && PATH="$tmp/bin:$PATH" bash -c "$cmd") >"$tmp/stdout" 2>"$tmp/stderr" || status=$?
  if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
    bad "$example: exited $status: $(head -c 300 "$tmp/stderr")"; continue
  fi
  printed="$tmp/stdout"
  [ -n "$out_file" ] && printed="$work/$out_file"
  if [ ! -s "$printed" ]; then
    bad "$example: printed nothing${out_file:+ into $out_file}"; continue
  fi
  pass=$((pass + 1))
  echo "ok ($status): $example"
done <<<"$examples"

echo "man-examples: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
