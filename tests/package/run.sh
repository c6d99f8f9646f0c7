#!/usr/bin/env bash
# Packaging and ecosystem checks, run by CI as root on a throw-away machine:
# build a Release .deb, install it with apt, check the binary, the man page,
# the bash completion; gzip input gives the same JSON as plain; the DOT
# output renders with Graphviz into an SVG naming the chain. Removes the
# package again at the end.
set -uo pipefail
cd "$(dirname "$0")/../.."
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
build=${BUILD_DIR:-build-pkg}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSB_WERROR=ON -DSB_TESTS=OFF >/dev/null
cmake --build "$build" -j2 >/dev/null || { echo "FAIL: release build"; exit 1; }
bin=$build/stackblame
(cd "$build" && cpack >/dev/null) || bad "cpack"
deb=$(ls "$build"/stackblame_*.deb 2>/dev/null | head -n 1)
if [ -n "$deb" ]; then
  info=$(dpkg-deb -I "$deb") # not piped into grep -q: SIGPIPE would fail it under pipefail
  case "$info" in *"Depends:"*libpcre2-8-0*zlib1g*) ok ;; *) bad "deb depends on libpcre2-8-0 and zlib1g" ;; esac
  if [ "$(id -u)" = 0 ]; then
    if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "./$deb" >/dev/null 2>&1; then
      ok
      v=$(/usr/bin/stackblame --version)
      case "$v" in "stackblame "*) ok ;; *) bad "installed --version: $v" ;; esac
      [ -f /usr/share/man/man1/stackblame.1 ] && ok || bad "man page installed"
      if command -v man >/dev/null; then
        man -w stackblame >/dev/null 2>&1 && ok || bad "man stackblame"
      fi
      out=$(bash -c 'source /usr/share/bash-completion/completions/stackblame && complete -p stackblame
                     COMP_WORDS=(stackblame --format=); COMP_CWORD=1; _stackblame; echo "${COMPREPLY[*]}"')
      echo "$out" | grep -q "complete -o filenames -F _stackblame stackblame" && ok || bad "bash completion loads"
      echo "$out" | grep -q -- "--format=markdown" && ok || bad "bash completion of --format="
      DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq stackblame >/dev/null 2>&1
    else
      bad "apt-get install ./$deb"
    fi
  else
    echo "not root: skipping the apt install check"
  fi
fi

# groff renders the man page without warnings.
if command -v groff >/dev/null; then
  w=$(groff -man -ww -Tutf8 man/stackblame.1 2>&1 >/dev/null)
  [ -z "$w" ] && ok || bad "groff warnings: $w"
fi

# gzip input: same JSON as plain.
f=fixtures/blocking/blocking.debug2.txt
gzip -c "$f" >"$tmp/blocking.debug2.txt.gz"
norm() { sed 's#"source":"[^"]*"#"source":"X"#g; s#"path":"[^"]*"#"path":"X"#g'; }
if cmp -s <("$bin" -f json "$f" | norm) <("$bin" -f json "$tmp/blocking.debug2.txt.gz" | norm); then ok; else bad "gzip JSON differs"; fi
if cmp -s <("$bin" -f json "$f" | norm) <(gzip -c "$f" | "$bin" -f json --label blocking | norm); then ok; else bad "gzip on stdin differs"; fi

# DOT renders with Graphviz, and the picture names the root.
m=fixtures/mission
if command -v dot >/dev/null && [ -f $m/kubelet.sigquit.txt ]; then
  "$bin" -f dot $m/kubelet.sigquit.txt $m/terway.sigquit.txt $m/terwayd.sigquit.txt >"$tmp/m.dot"
  if dot -Tsvg "$tmp/m.dot" -o "$tmp/m.svg" 2>"$tmp/dot.err" && grep -q '<svg' "$tmp/m.svg" &&
     grep -q 'NetlinkSocket' "$tmp/m.svg" && grep -q 'cluster' "$tmp/m.svg"; then ok; else
    bad "dot render: $(head -3 "$tmp/dot.err")"; fi
else
  bad "graphviz (dot) missing"
fi
echo "package: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
