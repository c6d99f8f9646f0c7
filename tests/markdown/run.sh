#!/usr/bin/env bash
# The Markdown report as GitHub renders it: each input below through
# `stackblame --format markdown`, then cmark-gfm (GitHub's renderer), then
# tests/markdown/check.py on the result. Prints one line per input and
# "markdown: N passed, M failed"; exits 1 on a failure.
#
#   tests/markdown/run.sh BINARY
set -uo pipefail
cd "$(dirname "$0")/../.."
bin=${1:?usage: $0 BINARY}
if ! command -v cmark-gfm >/dev/null; then
  echo "markdown: cmark-gfm not installed (apt-get install cmark-gfm)" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
c=../shared/corpus/real
m=fixtures/mission
run() { # NAME FILE...
  local name=$1; shift
  "$bin" --format markdown "$@" >"$tmp/$name.md" 2>/dev/null
  cmark-gfm --unsafe -e table -e autolink "$tmp/$name.md" >"$tmp/$name.html"
  if python3 tests/markdown/check.py "$tmp/$name.md" "$tmp/$name.html" >"$tmp/$name.err"; then
    pass=$((pass + 1)); echo "ok   $name"
  else
    fail=$((fail + 1)); echo "FAIL $name"; sed 's/^/     /' "$tmp/$name.err" | head -10
  fi
}
run mission $m/kubelet.sigquit.txt $m/terway.sigquit.txt $m/terwayd.sigquit.txt
run series $m/terwayd.debug2.1.txt $m/terwayd.debug2.2.txt $m/terwayd.debug2.3.txt
run deadlock fixtures/deadlock/deadlock.sigquit.txt
run stuck fixtures/stuck/nocounterpart.sigquit.txt
run healthy fixtures/healthy/healthy.sigquit.txt
run race fixtures/race/race-then-sigquit.txt
for f in mhub-mqtt-broker-panic-closed-channel-go13 longbow-vectordb-goroutine-debug1-rwmutex-go1263 gops-stack-abba-deadlock-go1243; do
  [ -f $c/$f.txt ] && run "$f" $c/$f.txt
done
echo "markdown: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
