#!/usr/bin/env bash
# End-to-end tests: run the built binary on every fixture and compare whole
# outputs with the expected files stored beside each input
# (NAME.txt -> NAME.expected.json, and NAME.expected.txt where present).
# REGEN=1 rewrites the expected files instead; review the diff with git.
set -uo pipefail
cd "$(dirname "$0")/../.."
bin=${STACKBLAME:-build/stackblame}
regen=${REGEN:-0}
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# Compares the output of a command with an expected file (or rewrites it).
golden() {
  local expected=$1; shift
  local out="$tmp/out" status=0
  "$@" >"$out" 2>"$tmp/err" || status=$?
  # Race reports alone are reported, with exit status 2: nothing to diagnose.
  if [ "$status" = 2 ] && [ -s "$out" ] && grep -q "only race reports" "$tmp/err"; then status=0; fi
  if [ "$status" -ge 2 ] || [ "$status" -lt 0 ]; then
    bad "$* exited $status: $(head -c 300 "$tmp/err")"; return
  fi
  if [ "$regen" = 1 ]; then cp "$out" "$expected"; ok; return; fi
  if [ ! -f "$expected" ]; then bad "$expected missing (run with REGEN=1)"; return; fi
  if cmp -s "$out" "$expected"; then ok; else
    bad "$* differs from $expected"; diff -u "$expected" "$out" | head -20
  fi
}

# Every fixture dump: JSON always; text and Markdown where an expected file
# exists (create an empty one and run with REGEN=1 to add a format).
while IFS= read -r f; do
  base=${f%.txt}
  golden "$base.expected.json" "$bin" --format json "$f"
  [ -f "$base.expected.txt" ] && golden "$base.expected.txt" "$bin" --color=never "$f"
  [ -f "$base.expected.md" ] && golden "$base.expected.md" "$bin" --format markdown "$f"
done < <(find fixtures -name '*.txt' ! -name '*.expected.txt' ! -path '*/gen/*' | sort)

# Multi-file inputs listed in fixtures/*/inputs: one line "NAME: FILE..." each,
# compared with NAME.expected.{json,txt,md}.
while IFS= read -r spec; do
  dir=$(dirname "$spec")
  while IFS=: read -r name files; do
    [ -n "$name" ] || continue
    # shellcheck disable=SC2086
    set -- $files
    paths=(); for x in "$@"; do paths+=("$dir/$x"); done
    golden "$dir/$name.expected.json" "$bin" --format json "${paths[@]}"
    [ -f "$dir/$name.expected.txt" ] && golden "$dir/$name.expected.txt" "$bin" --color=never "${paths[@]}"
    [ -f "$dir/$name.expected.md" ] && golden "$dir/$name.expected.md" "$bin" --format markdown "${paths[@]}"
  done <"$spec"
done < <(find fixtures -name inputs ! -path '*/gen/*' | sort)

exit_is() {
  local want=$1; shift
  local status=0
  "$@" >/dev/null 2>"$tmp/err" || status=$?
  if [ "$status" = "$want" ]; then ok; else bad "$* exited $status, want $want"; fi
}

# What the product is for, asserted on the JSON (not only golden files):
# the mission-case chain, the snapshots, the deadlocks, the quiet server.
check() { # check DESCRIPTION PYTHON-EXPR FILE...
  local what=$1 expr=$2; shift 2
  if "$bin" -f json "$@" 2>/dev/null | python3 -c "import json,sys; d=json.load(sys.stdin); sys.exit(0 if ($expr) else 1)"; then
    ok; else bad "$what"; fi
}
# Expressions the checks share: nothing at medium or high; the goroutines
# of the stuck findings of a rule at a confidence; the top chain's ids.
quiet='all(x["confidence"] == "low" for k in ("chains", "cycles", "stuck") for x in d[k])'
stuck_ids() { echo "sorted(g for s in d['stuck'] if s['rule'] == '$1' and s['confidence'] == '$2' for g in s['goroutines'])"; }
top_chain='[l["goroutine"] for l in d["chains"][0]["links"]]'
m=fixtures/mission
if [ -f $m/kubelet.sigquit.txt ]; then
  links='[l["frame"] for l in d["chains"][0]["links"]]'
  check "mission chain starts at the PLEG relist" \
    "d['chains'][0]['links'][0]['name'] == 'PLEG relist'" $m/kubelet.sigquit.txt $m/terway.sigquit.txt $m/terwayd.sigquit.txt
  check "mission chain runs through the handler, the PluginManager holder, the plugin and terwayd's lock" \
    "any('GetPodNetworkStatus' in f for f in $links) and any('ExecPlugin' in f for f in $links) and any('rpcCall' in f for f in $links) and any('netNS' in f for f in $links)" \
    $m/kubelet.sigquit.txt $m/terway.sigquit.txt $m/terwayd.sigquit.txt
  check "mission chain crosses kubelet -> terway -> terwayd" \
    "[d['dumps'][l['dump']]['label'] for l in d['chains'][0]['links']][0] == 'kubelet' and 'terway' in [d['dumps'][l['dump']]['label'] for l in d['chains'][0]['links']] and d['dumps'][d['chains'][0]['links'][-1]['dump']]['label'] == 'terwayd'" \
    $m/kubelet.sigquit.txt $m/terway.sigquit.txt $m/terwayd.sigquit.txt
  check "mission root: locked netlink recvfrom" \
    "d['chains'][0]['links'][-1]['locked_to_thread'] and 'NetlinkSocket' in d['chains'][0]['links'][-1]['frame'] and d['chains'][0]['links'][-1]['waits_on']['detail'] == 'recvfrom'" \
    $m/kubelet.sigquit.txt $m/terway.sigquit.txt $m/terwayd.sigquit.txt
  check "journald log: kubelet and terwayd dumps, chain from relist to recvfrom" \
    "[x['label'] for x in d['dumps']] == ['kubelet', 'terwayd'] and d['chains'][0]['links'][0]['name'] == 'PLEG relist' and 'NetlinkSocket' in d['chains'][0]['links'][-1]['frame']" \
    $m/node-journal.txt
  check "glued kubelet log reads like the plain dump" \
    "d['stats']['goroutines'] == 60 and d['stats']['truncated'] == 0 and d['dumps'][0]['label'] == 'kubelet' and d['chains'][0]['links'][0]['name'] == 'PLEG relist'" \
    $m/kubelet-glued.txt
  check "three snapshots: holder and root unmoved in all three" \
    "d['chains'][0]['links'][-1]['snapshots'] == 3 and d['chains'][0]['links'][-2]['snapshots'] == 3 and d['chains'][0]['confidence'] == 'high' and 'NetlinkSocket' in d['chains'][0]['links'][-1]['frame']" \
    $m/terwayd.debug2.1.txt $m/terwayd.debug2.2.txt $m/terwayd.debug2.3.txt
fi
if [ -f fixtures/deadlock/deadlock.sigquit.txt ]; then
  for f in fixtures/deadlock/deadlock.sigquit.txt fixtures/deadlock/deadlock.debug2.txt; do
    check "$f: AB-BA and recursive-RLock cycles" \
      "len(d['cycles']) == 2 and sorted(len(c['goroutines']) for c in d['cycles']) == [2, 2]" "$f"
  done
fi
if [ -f fixtures/healthy/healthy.debug2.txt ]; then
  for f in fixtures/healthy/healthy.debug2.txt fixtures/healthy/healthy.sigquit.txt; do
    check "$f: a busy healthy server raises no alarm" "$quiet" "$f"
    exit_is 0 "$bin" --fail-deadlock --fail-blocked 1 --fail-stuck "$f"
  done
fi

# The stuck findings, one fixture program per rule (fixtures/gen/stuck).
s=fixtures/stuck
if [ -f $s/leakedlock.sigquit.txt ]; then
  for f in $s/leakedlock.sigquit.txt $s/leakedlock.debug2.txt; do
    check "$f: the leaked Registry lock, no holder named" \
      "$(stuck_ids leaked-lock medium) == [15, 16, 33] and all(c['confidence'] == 'low' for c in d['chains'])" "$f"
    exit_is 1 "$bin" --fail-stuck "$f"
  done
  for f in $s/leakedrlock.sigquit.txt $s/leakedrlock.debug2.txt; do
    check "$f: the leaked read lock: the writer 25 waits for readers nobody holds" \
      "$(stuck_ids leaked-read-lock medium) == [25] and $top_chain == [26, 25]" "$f"
  done
  for f in $s/selfdeadlock.sigquit.txt $s/selfdeadlock.debug2.txt; do
    check "$f: Lock twice (25), RLock re-entered behind a writer (26, 6)" \
      "$(stuck_ids self-deadlock high) == [25] and sorted(sorted(c['goroutines']) for c in d['cycles']) == [[6, 26], [25]]" "$f"
  done
  for f in $s/nocounterpart.sigquit.txt $s/nocounterpart.debug2.txt; do
    check "$f: nil channel, empty select, and waits nothing will end" \
      "$(stuck_ids nil-channel high) == [7] and $(stuck_ids empty-select high) == [8] and $(stuck_ids no-counterpart medium) == [6, 25, 26, 27]" "$f"
  done
  check "massleak: the forward goroutines grew 1,000 -> 2,000 -> 3,000" \
    "[s['count'] for s in d['stuck'] if s['rule'] == 'growing' and s['confidence'] == 'medium'] == [3000]" \
    $s/massleak.debug2.1.txt $s/massleak.debug2.2.txt $s/massleak.debug2.3.txt
  check "massleak.sigquit: one stack in 3,000 goroutines, a leak at low confidence" \
    "[(s['rule'], s['confidence'], s['count']) for s in d['stuck']] == [('mass-leak', 'low', 3000)]" $s/massleak.sigquit.txt
  check "stall: main alone in a network read" "$(stuck_ids stall-alone medium) == [1]" $s/stall.sigquit.txt
  for f in $s/stallpipe.sigquit.txt $s/stallpipe.debug2.txt; do
    check "$f: read(2) on a pipe holds the lock two goroutines wait on" \
      "$(stuck_ids stall medium) == [13] and d['chains'][0]['links'][-1]['goroutine'] == 13" "$f"
  done
fi

# Waits that real code writes (fixtures/gen/lifecycle and fixtures/gen/waits).
l=fixtures/lifecycle
if [ -f $l/testhang.timeout.txt ]; then
  check "go test -timeout: runner -> test -> Stop -> the worker stuck sending" \
    "$top_chain == [1, 5, 12, 15] and d['chains'][0]['confidence'] == 'high'" $l/testhang.timeout.txt
  check "gocheck-style runner: runTest -> the forked test -> the flush holding the store lock" \
    "$top_chain == [1, 18, 22, 23]" $l/gocheck.timeout.txt
  check "all goroutines asleep: the AB-BA cycle 19 <-> 20" \
    "[sorted(c['goroutines']) for c in d['cycles']] == [[19, 20]]" $l/asleep.fatal.txt
  for f in $l/shutdown.sigquit.txt $l/shutdown.debug2.txt; do
    check "$f: a second Stop waits in sync.Once for Stop, which waits for the flusher" \
      "$top_chain == [21, 1, 7]" "$f"
  done
  for f in $l/supervisor.sigquit.txt $l/supervisor.debug2.txt; do
    check "$f: a healthy supervisor tree stays quiet" "$quiet" "$f"
    exit_is 0 "$bin" --fail-deadlock --fail-blocked 1 --fail-stuck "$f"
  done
fi
w=fixtures/waits
if [ -f $w/client.sigquit.txt ]; then
  check "net/rpc by method: the PLEG relist's PodSandboxStatus -> its handler -> the exec holding the lock" \
    "[(l['dump'], l['goroutine']) for l in d['chains'][0]['links']] == [(0, 22), (1, 10), (1, 8)] and d['chains'][0]['links'][0]['name'] == 'PLEG relist'" \
    $w/client.sigquit.txt $w/server.sigquit.txt
  check "gRPC-shaped by method: the PLEG relist -> the PodSandboxStatus handler -> the holder" \
    "$top_chain == [19, 20, 12]" $w/grpcshaped.sigquit.txt
  check "a project's own RWMutex: every waiter leads to Compact in a network read" \
    "all(c['links'][-1]['goroutine'] == 15 for c in d['chains']) and sum(c['entries'] for c in d['chains']) == 7" $w/wrapperlock.sigquit.txt
  check "cgo: the session stuck in C is the root of its child's send and of the WaitGroup" \
    "$top_chain == [24, 5, 23] and $(stuck_ids stall medium) == [23]" $w/cgoblock.sigquit.txt
fi
n=fixtures/mission-netrpc
if [ -f $n/kubelet.sigquit.txt ]; then
  for files in "$n/kubelet.sigquit.txt $n/terway.sigquit.txt $n/terwayd.sigquit.txt" "$n/node-journal.txt"; do
    # shellcheck disable=SC2086
    check "mission over net/rpc ($files): PLEG relist first, across three processes to netlink" \
      "d['chains'][0]['links'][0]['name'] == 'PLEG relist' and sorted(set(d['dumps'][l['dump']]['label'] for l in d['chains'][0]['links'])) == ['kubelet', 'terway', 'terwayd'] and 'NetlinkSocket' in d['chains'][0]['links'][-1]['frame'] and d['chains'][0]['confidence'] == 'medium'" \
      $files
  done
fi

# Exit status for CI: --fail-deadlock and --fail-blocked N.
f=fixtures/blocking/blocking.debug2.txt
exit_is 0 "$bin" --fail-deadlock "$f"
exit_is 1 "$bin" --fail-blocked 2 "$f"
exit_is 0 "$bin" --fail-blocked 1000 "$f"
abba=../shared/corpus/real/gops-stack-abba-deadlock-go1243.txt
if [ -f "$abba" ]; then
  exit_is 1 "$bin" --fail-deadlock "$abba"
  check "AB-BA cycle 20 <-> 21 in $abba" "[c['goroutines'] for c in d['cycles']] == [[20, 21]]" "$abba"
fi
# Never lose a dump, a file or a crash (real files of the shared corpus).
c=../shared/corpus/real
if [ -f "$abba" ]; then
  # The AB-BA dump with one, then two, of its goroutines printed again.
  for n in 1 2; do
    { cat "$abba"; echo; awk -v n="$n" '/^goroutine 2[01] /{p=1; k++} p&&k<=n{print} /^$/{p=0}' "$abba"; } >"$tmp/abba-tail.txt"
    check "AB-BA with $n goroutine(s) printed again: a fragment, the cycle kept" \
      "[c['goroutines'] for c in d['cycles']] == [[20, 21]] and d['dumps'][1]['fragment_of'] == 1 and d['dumps'][0]['series'] is None" "$tmp/abba-tail.txt"
  done
fi
if [ -f $c/goroutine-analyzer-sample-mongodb-realm.txt ]; then
  check "mongodb-realm: the 2 goroutines printed again are a fragment of the 58" \
    "[x['goroutines'] for x in d['dumps']] == [58, 2] and d['dumps'][1]['fragment_of'] == 1 and not any(x['superseded'] for x in d['dumps'] if 'superseded' in x)" \
    $c/goroutine-analyzer-sample-mongodb-realm.txt
  "$bin" --color=never $c/goroutine-analyzer-sample-mongodb-realm.txt >"$tmp/out" 2>/dev/null
  if grep -q '^  \[2\] repeats goroutines of \[1\]: a fragment' "$tmp/out"; then ok; else bad "mongodb-realm: the text does not say [2] is a fragment"; fi
fi
m=fixtures/mission
check "three snapshots: taken as one series, every snapshot analysed" \
  "[(x['series'], x['snapshot'], x['superseded']) for x in d['dumps']] == [(0, 0, False), (0, 1, False), (0, 2, False)]" \
  $m/terwayd.debug2.1.txt $m/terwayd.debug2.2.txt $m/terwayd.debug2.3.txt
"$bin" -f json --latest $m/terwayd.debug2.1.txt $m/terwayd.debug2.2.txt $m/terwayd.debug2.3.txt >"$tmp/out"
if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if [x['superseded'] for x in d['dumps']] == [True, True, False] and all(d['dumps'][l['dump']]['snapshot'] == 2 for c in d['chains'] for l in c['links']) else 1)" "$tmp/out"; then ok; else bad "--latest: the earlier snapshots set aside"; fi
"$bin" -f json --no-series $m/terwayd.debug2.1.txt $m/terwayd.debug2.2.txt >"$tmp/out"
if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if all(x['series'] is None for x in d['dumps']) else 1)" "$tmp/out"; then ok; else bad "--no-series: no series"; fi
# One bad input never hides the others.
: >"$tmp/empty.txt"
status=0
"$bin" -f json fixtures/deadlock/deadlock.sigquit.txt "$tmp/empty.txt" /nonexistent/x.txt fixtures/race/race-only.txt >"$tmp/out" 2>"$tmp/err" || status=$?
if [ "$status" = 0 ] && python3 -c "
import json,sys
d=json.load(open(sys.argv[1]))
i=d['inputs']
ok=[(x['dumps'], x['goroutines'], x['races'], x['error'] is None) for x in i] == [(1, d['stats']['goroutines'], 0, True), (0, 0, 0, False), (0, 0, 0, False), (0, 0, 3, True)]
ok = ok and 'no goroutine found' in i[1]['error'] and 'cannot open' in i[2]['error'] and len(d['cycles']) == 2
sys.exit(0 if ok else 1)" "$tmp/out" && [ "$(grep -c 'empty.txt: no goroutine found\|x.txt: cannot open' "$tmp/err")" = 2 ]; then ok
else bad "a good dump beside an empty, a missing and a race-only file: exit $status, $(head -c 300 "$tmp/err")"; fi
# Crash first.
if [ -f $c/mhub-mqtt-broker-panic-closed-channel-go13.txt ]; then
  first=$("$bin" --color=never $c/mhub-mqtt-broker-panic-closed-channel-go13.txt 2>/dev/null | head -1)
  case "$first" in "Crash: panic: runtime error: send on closed channel (goroutine 25 in broker.(*incomingConn).submit at broker/session.go:73, fingerprint "*")") ok ;; *) bad "mhub: first line: $first" ;; esac
  check "mhub: crash of goroutine 25 in submit" \
    "{k: v for k, v in d['dumps'][0]['crash'].items() if k != 'fingerprint'} == {'reason': 'panic: runtime error: send on closed channel', 'goroutine': 25, 'frame': 'github.com/funkygao/mhub/broker.(*incomingConn).submit', 'file': '/Users/gaopeng/gopkg/src/github.com/funkygao/mhub/broker/session.go', 'line': 73, 'log_line': None}" \
    $c/mhub-mqtt-broker-panic-closed-channel-go13.txt
  first=$("$bin" --format markdown $c/mhub-mqtt-broker-panic-closed-channel-go13.txt 2>/dev/null | head -1)
  case "$first" in "## stackblame: crash: panic: runtime error: send on closed channel") ok ;; *) bad "mhub markdown: $first" ;; esac
fi
k=$c/kubelet-journald-klog-fatal-v1192-truncated.txt
if [ -f $k ]; then
  check "kubelet: the klog F line is the crash, kept, not skipped" \
    "d['dumps'][0]['crash']['reason'].startswith('failed to run Kubelet: no client provided') and d['dumps'][0]['crash']['log_line'].startswith('F1221 14:33:55.966391') and d['dumps'][0]['crash']['frame'].endswith('app.NewKubeletCommand.func1') and d['stats']['skipped_lines'] == 3" $k
fi
# Race reports: read, listed; alone they leave nothing to diagnose (exit 2).
"$bin" -f json fixtures/race/race-only.txt >"$tmp/out" 2>/dev/null
if python3 -c "
import json,sys
d=json.load(open(sys.argv[1]))
a=[(a['access'], a['previous'], a['goroutine'], a['goroutine_state']) for a in d['races'][0]['accesses']]
sys.exit(0 if len(d['races']) == 3 and a == [('read', False, 9, 'running'), ('write', True, 7, 'finished')] and d['races'][2]['accesses'][0]['main'] else 1)" "$tmp/out"
then ok; else bad "race-only: three races, the accesses read/write with their goroutines"; fi
exit_is 2 "$bin" fixtures/race/race-only.txt
exit_is 0 "$bin" fixtures/race/race-then-sigquit.txt
# debug=1 findings name their records.
f1=$c/longbow-vectordb-goroutine-debug1-rwmutex-go1263.txt
if [ -f $f1 ]; then
  check "debug=1: every link, holder and finding names a record" \
    "all(l['record'] >= 1 and l['count'] >= 1 for c in d['chains'] for l in c['links']) and all('record' in l['waits_on']['holder'] for c in d['chains'] for l in c['links'][:-1] if l['waits_on'].get('holder')) and all(r['record'] >= 1 for s in d['stuck'] for r in s['records'])" $f1
fi
# rsyslog's "#011" tabs: the same dump as the plain one.
r=fixtures/rsyslog/stall.rsyslog.txt
if [ -f $r ]; then
  "$bin" -f json fixtures/stuck/stall.sigquit.txt | python3 -c "import json,sys; print(json.dumps(json.load(sys.stdin)['stacks']))" >"$tmp/a"
  "$bin" -f json $r | python3 -c "import json,sys; print(json.dumps(json.load(sys.stdin)['stacks']))" >"$tmp/b"
  if cmp -s "$tmp/a" "$tmp/b" && ! grep -q '#011' "$tmp/b"; then ok; else bad "rsyslog #011: stacks differ from the plain dump"; fi
fi
# Counts read as English: "1 goroutine", "1 line".
if grep -rlE '(^|[^0-9,])1 (goroutines|lines|dumps)\b' fixtures --include='*.expected.txt' --include='*.expected.md' >"$tmp/out"; then
  bad "plural after 1 in: $(head -3 "$tmp/out" | tr '\n' ' ')"; else ok; fi

# Reports people read.
mission="$m/kubelet.sigquit.txt $m/terway.sigquit.txt $m/terwayd.sigquit.txt"
# shellcheck disable=SC2086
"$bin" --width 80 $mission >"$tmp/out"
if python3 -c "import sys; w=max(len(l.rstrip('\n')) for l in open(sys.argv[1], encoding='utf-8')); sys.exit(0 if w <= 80 else 1)" "$tmp/out"; then ok; else bad "--width 80: a line is wider"; fi
# shellcheck disable=SC2086
n=$("$bin" --summary --width 80 $mission | wc -l)
if [ "$n" -le 45 ]; then ok; else bad "the mission verdict takes $n lines at 80 columns, want <= 45"; fi
"$bin" --color=never --match 'NetlinkSocket' $m/terwayd.sigquit.txt >"$tmp/out"
if [ "$(sed -n '/^Groups/,$p' "$tmp/out" | grep -c ' x \[')" = 1 ] && grep -q 'NetlinkSocket).Receive' "$tmp/out"; then ok; else bad "--match: one group, the netlink one"; fi
"$bin" --color=never --exclude 'NetlinkSocket' $m/terwayd.sigquit.txt | sed -n '/^Groups/,$p' >"$tmp/out"
if ! grep -q 'NetlinkSocket' "$tmp/out"; then ok; else bad "--exclude: the netlink group is still shown"; fi
if "$bin" --color=never --full $m/terwayd.sigquit.txt | grep -q 'runtime.gopark(' && ! "$bin" --color=never $m/terwayd.sigquit.txt | sed -n '/^Groups/,$p' | grep -q 'runtime.gopark'; then ok; else bad "--full shows runtime frames, the default hides them"; fi
check "JSON: root per chain, groups covering every goroutine, first_user_frame per stack" \
  "all(c['root'] == {'dump': c['links'][-1]['dump'], 'goroutine': c['links'][-1]['goroutine']} for c in d['chains']) and sum(g['count'] for g in d['groups']) == d['stats']['goroutines'] and all('first_user_frame' in s for s in d['stacks']) and [x['index'] for x in d['dumps']] == [1, 2, 3]" $mission
"$bin" -f json $m/terwayd.debug2.1.txt | python3 -c "import json,sys; print(sorted(c['fingerprint'] for c in json.load(sys.stdin)['chains']))" >"$tmp/a"
"$bin" -f json $m/terwayd.debug2.3.txt | python3 -c "import json,sys; print(sorted(c['fingerprint'] for c in json.load(sys.stdin)['chains']))" >"$tmp/b"
if cmp -s "$tmp/a" "$tmp/b" && [ "$(cat "$tmp/a")" != "[]" ]; then ok; else bad "fingerprints differ between two snapshots of one bug"; fi
check "fingerprints: the deadlock's two cycles differ" \
  "len(set(c['fingerprint'] for c in d['cycles'])) == 2" fixtures/deadlock/deadlock.sigquit.txt
check "series: changes and the holders that did not move" \
  "any(c['change'] == 'grew' and c['first'] == 1000 and c['last'] == 3000 for c in d['changes'])" \
  fixtures/stuck/massleak.debug2.1.txt fixtures/stuck/massleak.debug2.2.txt fixtures/stuck/massleak.debug2.3.txt
check "series: terwayd's holders sat unmoved in all three snapshots" \
  "sorted(u['goroutine'] for u in d['unmoved']) == [11, 12] and all(u['snapshots'] == 3 for u in d['unmoved'])" \
  $m/terwayd.debug2.1.txt $m/terwayd.debug2.2.txt $m/terwayd.debug2.3.txt
"$bin" -f json --diff $m/terwayd.debug2.1.txt fixtures/stuck/massleak.debug2.1.txt >"$tmp/out"
if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); c={x['change'] for x in d['changes']}; sys.exit(0 if {'appeared','vanished'} <= c and d['dumps'][1]['snapshot'] == 1 else 1)" "$tmp/out"; then ok; else bad "--diff OLD NEW: changes of two dumps as one process"; fi
exit_is 2 "$bin" --diff $m/terwayd.debug2.1.txt
if "$bin" -f dot $c/goroutine-analyzer-sample-mongodb-realm.txt 2>/dev/null | grep -q 'nothing \[shape=plaintext, label="stackblame: no goroutine blocks others'; then ok; else bad "DOT: a node says nothing was found"; fi
# shellcheck disable=SC2086
if "$bin" -f dot $mission | python3 -c "
import re,sys
labels=re.findall(r'label=\"((?:[^\"\\\\]|\\\\.)*)\"', sys.stdin.read())
sys.exit(0 if labels and max(len(x) for x in labels) <= 80 else 1)"; then ok; else bad "DOT: labels short, the evidence in tooltips"; fi

exit_is 2 "$bin" --fail-blocked 0 "$f"
exit_is 2 "$bin" --from '(' "$f"
printf 'wait bogus ^x$\n' >"$tmp/rules"
expect_rules=$("$bin" --rules "$tmp/rules" "$f" 2>&1 >/dev/null || true)
case "$expect_rules" in *"rules:1: unknown wait kind 'bogus'"*) ok ;; *) bad "--rules error: $expect_rules" ;; esac

# Errors: one line naming the file and the problem, exit status 2.
expect_error() {
  local want=$1 pattern=$2; shift 2
  local status=0
  "$@" >"$tmp/out" 2>"$tmp/err" </dev/null || status=$?
  if [ "$status" != "$want" ]; then bad "$* exited $status, want $want"; return; fi
  if [ "$(wc -l <"$tmp/err")" != 1 ] || ! grep -qE "$pattern" "$tmp/err"; then
    bad "$*: stderr should be one line matching /$pattern/, got: $(cat "$tmp/err")"; return
  fi
  ok
}
expect_error 2 'stackblame: /nonexistent/dump.txt: cannot open: No such file' "$bin" /nonexistent/dump.txt
printf 'hello\nworld\n' >"$tmp/plain.txt"
expect_error 2 "plain.txt: no goroutine found" "$bin" "$tmp/plain.txt"
: >"$tmp/empty.txt"
expect_error 2 "empty.txt: no goroutine found" "$bin" "$tmp/empty.txt"
expect_error 2 "<stdin>: no goroutine found" "$bin" -
expect_error 2 "unknown format 'xml'" "$bin" --format xml
expect_error 2 "unknown option '--bogus'" "$bin" --bogus
expect_error 2 "is a directory|Is a directory" "$bin" fixtures

# stdin gives the same JSON as the file, apart from the source name.
f=fixtures/blocking/blocking.debug2.txt
if [ -f "$f" ]; then
  "$bin" -f json "$f" | sed 's#"source":"[^"]*"#"source":"X"#g; s#"label":"[^"]*"#"label":"X"#g; s#"path":"[^"]*"#"path":"X"#g' >"$tmp/a"
  "$bin" -f json <"$f" | sed 's#"source":"[^"]*"#"source":"X"#g; s#"label":"[^"]*"#"label":"X"#g; s#"path":"[^"]*"#"path":"X"#g' >"$tmp/b"
  if cmp -s "$tmp/a" "$tmp/b"; then ok; else bad "stdin and file JSON differ for $f"; fi
fi

# --help and --version succeed and say what they should.
# (outputs captured first: grep -q closing a pipe early would fail it under pipefail)
help=$("$bin" --help)
case "$help" in "Usage: stackblame"*) ok ;; *) bad "--help" ;; esac
version=$("$bin" --version)
if [[ $version =~ ^stackblame\ [0-9]+\.[0-9]+\.[0-9]+$ ]]; then ok; else bad "--version: $version"; fi

# The man page's EXAMPLES, run as written (tests/e2e/man-examples.sh): one check.
if tests/e2e/man-examples.sh "$bin" >"$tmp/man-examples" 2>&1; then ok; else
  bad "man page EXAMPLES:"; grep -v '^ok ' "$tmp/man-examples" | head -20; fi

echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
