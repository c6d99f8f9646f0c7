#!/usr/bin/env bash
# Findings of many dumps grouped by fingerprint, as a fleet's log engine
# would: `stackblame --format jsonl` on each dump (three snapshots of one
# daemon as three hosts' dumps, the mission case, a deadlock, a healthy
# server), the lines loaded into sqlite3, then grouped. Checks that the
# same bug has one fingerprint on every host, that different bugs have
# different ones, and that the healthy server adds no finding of medium
# or high confidence. Prints "jsonl: N passed, M failed"; exits 1 on one.
#
#   tests/jsonl/run.sh BINARY
set -uo pipefail
cd "$(dirname "$0")/../.."
bin=${1:?usage: $0 BINARY}
command -v sqlite3 >/dev/null || { echo "jsonl: sqlite3 not installed (apt-get install sqlite3)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
m=fixtures/mission
for i in 1 2 3; do "$bin" --format jsonl $m/terwayd.debug2.$i.txt; done >"$tmp/all.jsonl"
"$bin" --format jsonl $m/kubelet.sigquit.txt $m/terway.sigquit.txt $m/terwayd.sigquit.txt >>"$tmp/all.jsonl"
"$bin" --format jsonl fixtures/deadlock/deadlock.sigquit.txt >>"$tmp/all.jsonl"
"$bin" --format jsonl fixtures/healthy/healthy.sigquit.txt >"$tmp/healthy.jsonl"
cat "$tmp/healthy.jsonl" >>"$tmp/all.jsonl"

# Every line stands alone as a JSON object with the fleet's keys.
if python3 -c "
import json,sys
keys={'schema','kind','fingerprint','confidence','process','source','dump','host','time','blocked','longest_wait_minutes','root_frame','rule','summary'}
for line in open(sys.argv[1]):
    d=json.loads(line)
    assert set(d) == keys, sorted(set(d) ^ keys)
" "$tmp/all.jsonl"; then ok "every line a JSON object with the same keys"; else bad "lines are not uniform JSON objects"; fi

q() { sqlite3 -batch -noheader "$tmp/f.db" "$1"; }
sqlite3 "$tmp/f.db" "CREATE TABLE f(line TEXT);"
python3 -c "
import sqlite3,sys
db=sqlite3.connect(sys.argv[1]); db.executemany('INSERT INTO f VALUES (?)', [(l,) for l in open(sys.argv[2])]); db.commit()" "$tmp/f.db" "$tmp/all.jsonl"
view="SELECT json_extract(line,'\$.fingerprint') fp, json_extract(line,'\$.kind') kind, json_extract(line,'\$.source') src, json_extract(line,'\$.confidence') conf FROM f"

# The terwayd stall (the netlink recvfrom everyone waits on) in all three dumps, one fingerprint.
n=$(q "SELECT count(DISTINCT src) FROM ($view) WHERE kind='chain' AND src LIKE '%terwayd.debug2.%' GROUP BY fp ORDER BY 1 DESC LIMIT 1")
if [ "$n" = 3 ]; then ok "the same chain in three snapshots: one fingerprint"; else bad "the terwayd chain's fingerprint is in $n of 3 snapshots"; fi
# ... and the same in the SIGQUIT dump of the mission case.
n=$(q "SELECT count(DISTINCT src) FROM ($view) WHERE kind='chain' AND src LIKE '%terwayd.%' GROUP BY fp ORDER BY 1 DESC LIMIT 1")
if [ "$n" = 4 ]; then ok "debug=2 and SIGQUIT dumps of the same bug: one fingerprint"; else bad "the terwayd chain's fingerprint is in $n of 4 terwayd dumps"; fi
# The deadlock's cycles are bugs of their own.
n=$(q "SELECT count(*) FROM ($view) a JOIN ($view) b ON a.fp = b.fp WHERE a.kind='cycle' AND b.src NOT LIKE '%deadlock%'")
if [ "$n" = 0 ]; then ok "the deadlock's fingerprints are its own"; else bad "a deadlock fingerprint is shared with $n other findings"; fi
n=$(q "SELECT count(DISTINCT fp) FROM ($view) WHERE kind='cycle'")
if [ "$n" -ge 2 ]; then ok "two different cycles, two fingerprints"; else bad "cycles have $n fingerprint(s)"; fi
# A journald log gives each finding its host and time.
if "$bin" --format jsonl $m/node-journal.txt | python3 -c "
import json,sys
lines=[json.loads(l) for l in sys.stdin]
sys.exit(0 if lines and all(d['host'] == 'node1' and d['time'].startswith('Nov 26 ') for d in lines) else 1)"
then ok "journald: every finding names its host and time"; else bad "journald: host or time missing"; fi
# A healthy server raises nothing a fleet would page on.
n=$(python3 -c "import json,sys; print(sum(1 for l in open(sys.argv[1]) if json.loads(l)['confidence'] in ('medium','high')))" "$tmp/healthy.jsonl")
if [ "$n" = 0 ]; then ok "the healthy server: no finding of medium or high confidence"; else bad "the healthy server: $n findings of medium or high confidence"; fi
echo "jsonl: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
