#!/bin/bash
# shellcheck disable=SC2016 # backquotes in single quotes are Markdown
# Speed and memory benchmark for stackblame (see tests/bench/README.md).
#
# Builds stackblame (Release, into build-bench/) and the Go generator
# (tests/bench/gen), takes one SIGQUIT dump of about 125,000 parked goroutines
# (about 400 MB), cuts 10 MB and 100 MB prefixes of it at goroutine
# boundaries, and prints a Markdown table: `wc -l` time next to
# `stackblame --format json FILE > /dev/null` time (median of RUNS runs,
# interleaved), peak RSS for file and stdin input, and Debian's panicparse for
# reference (median of up to PP_RUNS runs, with a timeout).
#
#   tests/bench/run.sh                  # reuses the dump in $BENCH_DIR if present
#   REGEN=1 tests/bench/run.sh          # takes a new dump (about 2.5 minutes)
#   PANICPARSE=0 tests/bench/run.sh     # skip panicparse (it needs ~10 min at 100 MB)
#
# Environment: BENCH_DIR (default /tmp/stackblame-bench), N (goroutines,
# default 125000), SIZES (MB, default "10 100 full"; "full", or a size at or
# above the dump's, means the whole dump), RUNS (11: on the 2-core machines a
# run's time moves by up to 50% with the host's load, and a median of 5 moved
# by 20% from one run of this script to the next), PP_RUNS (3), PP_TIMEOUT (seconds
# per panicparse run, 300), PP_BUDGET (seconds of panicparse per size, 660).
# Needs: bash 5, coreutils, cmake, a C compiler, go (golang-go 1.19),
# /usr/bin/time; panicparse (apt-get install panicparse) is optional.
# The generator binds only to 127.0.0.1.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/stackblame-bench}
BUILD=$ROOT/build-bench
SB=$BUILD/stackblame
N=${N:-125000}
SIZES=${SIZES:-10 100 full}
RUNS=${RUNS:-11}
PP_RUNS=${PP_RUNS:-3}
PP_TIMEOUT=${PP_TIMEOUT:-300}
PP_BUDGET=${PP_BUDGET:-660}
PANICPARSE=${PANICPARSE:-1}
READY_TIMEOUT=${READY_TIMEOUT:-300} # seconds until the generator says READY
DUMP_TIMEOUT=${DUMP_TIMEOUT:-900}   # seconds for the runtime to write the dump
FULL=$BENCH_DIR/dump-full.txt

log() { printf 'bench: %s\n' "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

[ -x /usr/bin/time ] || die "/usr/bin/time not found (apt-get install time)"
command -v go >/dev/null || die "go not found (apt-get install golang-go)"
command -v cmake >/dev/null || die "cmake not found (apt-get install cmake)"
[ -n "${EPOCHREALTIME:-}" ] || die "needs bash 5 (EPOCHREALTIME)"

# Unattended runs may have no HOME; go needs a cache.
if [ -z "${HOME:-}" ] || [ ! -w "${HOME}" ]; then
	export HOME=$BENCH_DIR/home
	mkdir -p "$HOME"
fi
export GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local GO111MODULE=on
export CGO_ENABLED=0 GOWORK=off
export LC_ALL=C

GEN_PID=''
cleanup() {
	if [ -n "$GEN_PID" ]; then
		kill -KILL "$GEN_PID" 2>/dev/null || true
		wait "$GEN_PID" 2>/dev/null || true
	fi
	rm -f "$BENCH_DIR"/*.tmp
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

mkdir -p "$BENCH_DIR"
T_START=$EPOCHREALTIME

# ---- build --------------------------------------------------------------
log "building stackblame (Release) in $BUILD"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" --target stackblame -j2 >/dev/null
[ -x "$SB" ] || die "no binary at $SB"
# Identifies the measured code without asking git.
SRC_HASH=$(cat "$ROOT"/CMakeLists.txt "$ROOT"/src/*.c "$ROOT"/include/stackblame/*.h | sha256sum | cut -c1-12)

# ---- generate -----------------------------------------------------------
# One SIGQUIT dump of one run: GOTRACEBACK=all, kill -QUIT once every
# goroutine is parked, stderr captured. The runtime writes it in small
# unbuffered writes, so it takes about 2.5 minutes for 400 MB.
generate() {
	log "building the generator ($(go version | cut -d' ' -f3))"
	(cd "$HERE/gen" && go build -o "$BENCH_DIR/benchgen" .)
	log "parking $N goroutines"
	rm -f "$FULL.tmp"
	: >"$BENCH_DIR/gen.stdout"
	env -u GODEBUG GOTRACEBACK=all "$BENCH_DIR/benchgen" -n "$N" \
		>"$BENCH_DIR/gen.stdout" 2>"$FULL.tmp" </dev/null &
	GEN_PID=$!
	local waited=0
	until grep -qx READY "$BENCH_DIR/gen.stdout"; do
		kill -0 "$GEN_PID" 2>/dev/null || die "generator exited early: $(cat "$BENCH_DIR/gen.stdout" "$FULL.tmp" | head -c 2000)"
		[ "$waited" -lt "$READY_TIMEOUT" ] || die "no READY after ${READY_TIMEOUT}s"
		sleep 1
		waited=$((waited + 1))
	done
	log "$(grep '^parked' "$BENCH_DIR/gen.stdout"); sending SIGQUIT"
	local t0=$EPOCHREALTIME
	kill -QUIT "$GEN_PID"
	waited=0
	while kill -0 "$GEN_PID" 2>/dev/null; do
		[ "$waited" -lt "$((DUMP_TIMEOUT * 2))" ] || die "dump not finished after ${DUMP_TIMEOUT}s"
		sleep 0.5
		waited=$((waited + 1))
	done
	local rc=0
	wait "$GEN_PID" || rc=$?
	GEN_PID=''
	log "generator exited with $rc after SIGQUIT; dump written in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.0f", b-a}') s"
	[ "$(head -n1 "$FULL.tmp")" = 'SIGQUIT: quit' ] || die "dump does not start with 'SIGQUIT: quit'"
	tail -n1 "$FULL.tmp" | grep -q '^gs ' || die "dump is incomplete (no register dump at the end)"
	mv "$FULL.tmp" "$FULL"
	printf 'benchgen -n %s, %s\n' "$N" "$(grep '^parked' "$BENCH_DIR/gen.stdout")" >"$BENCH_DIR/dump-full.info"
}

if [ "${REGEN:-0}" = 1 ] || [ ! -s "$FULL" ]; then
	generate
else
	log "reusing $FULL (REGEN=1 takes a new dump)"
fi
FULL_BYTES=$(stat -c %s "$FULL")

# prefix MB: the first MB*10^6 bytes of the dump, cut back to the last blank
# line, so the file ends at a goroutine boundary.
prefix() {
	local mb=$1 out=$BENCH_DIR/dump-${1}MB.txt n
	if [ -s "$out" ] && [ "$out" -nt "$FULL" ]; then
		printf '%s\n' "$out"
		return
	fi
	head -c "$((mb * 1000000))" "$FULL" >"$out.tmp"
	n=$(grep -n '^$' "$out.tmp" | tail -n1 | cut -d: -f1)
	[ -n "$n" ] || die "no blank line in the first $mb MB"
	head -n "$n" "$out.tmp" >"$out"
	rm -f "$out.tmp"
	printf '%s\n' "$out"
}

INPUTS=()
for mb in $SIZES; do
	if [ "$mb" = full ] || [ "$((mb * 1000000))" -ge "$FULL_BYTES" ]; then
		INPUTS+=("$FULL")
	else
		INPUTS+=("$(prefix "$mb")")
	fi
done

# ---- measuring ----------------------------------------------------------
# measure OUT-VAR CMD...: runs CMD (stdin and stdout already redirected by
# the caller's wrapper) under /usr/bin/time; sets M_SEC (wall seconds, from
# EPOCHREALTIME around the whole thing) and M_RSS (KB) and M_RC.
M_SEC='' M_RSS='' M_RC=0
measure() { # IN OUT CMD...
	local in=$1 out=$2 t0 t1
	shift 2
	t0=$EPOCHREALTIME
	M_RC=0
	/usr/bin/time -f %M -o "$BENCH_DIR/rss.tmp" "$@" <"$in" >"$out" 2>"$BENCH_DIR/stderr.tmp" || M_RC=$?
	t1=$EPOCHREALTIME
	M_SEC=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", b-a}')
	M_RSS=$(tail -n1 "$BENCH_DIR/rss.tmp")
}
# cpu_ticks: the steal ticks and all ticks of all CPUs so far (/proc/stat).
# Steal is time the hypervisor ran something else while this machine's
# CPUs wanted to run: on a busy host it slows every timed run alike.
cpu_ticks() { awk '/^cpu /{print $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit}' /proc/stat; }
median() { sort -g | awk '{v[NR]=$1} END{if(NR==0){print ""} else if(NR%2){print v[(NR+1)/2]} else {printf "%.4f\n", (v[NR/2]+v[NR/2+1])/2}}'; }
mb() { awk -v b="$1" 'BEGIN{printf "%.1f", b/1e6}'; }
kb2mb() { [ -n "$1" ] && awk -v k="$1" 'BEGIN{printf "%.1f", k*1024/1e6}' || printf '%s' '-'; }

HAVE_PP=0
if [ "$PANICPARSE" = 1 ]; then
	if command -v panicparse >/dev/null; then
		HAVE_PP=1
	else
		log "panicparse not found (apt-get install panicparse): its columns stay empty"
	fi
fi

ROWS=()
STEAL=()
ODD=()
PP_SKIP='' # reason to skip panicparse on the remaining (larger) inputs
PP_LAST_SEC='' PP_LAST_BYTES=''
for i in "${!INPUTS[@]}"; do
	f=${INPUTS[$i]}
	bytes=$(stat -c %s "$f")
	name=$(basename "$f")
	log "== $name ($(mb "$bytes") MB)"
	headers=$(grep -c '^goroutine [0-9]* \[' "$f" || true)
	cat "$f" >/dev/null # warm the page cache

	# Correctness first: one run each way, JSON kept, counts compared.
	for mode in file stdin; do
		if [ "$mode" = file ]; then
			measure /dev/null "$BENCH_DIR/out.json.tmp" "$SB" --format json "$f"
		else
			measure "$f" "$BENCH_DIR/out.json.tmp" "$SB" --format json
		fi
		if [ "$M_RC" != 0 ] || [ -s "$BENCH_DIR/stderr.tmp" ]; then
			ODD+=("$name ($mode): stackblame exit $M_RC, stderr: $(head -c 300 "$BENCH_DIR/stderr.tmp")")
		fi
		got=$(head -c 4096 "$BENCH_DIR/out.json.tmp" | grep -o '"stats":{[^}]*}' | grep -o '"goroutines":[0-9]*' | cut -d: -f2 || true)
		if [ "$got" != "$headers" ]; then
			ODD+=("$name ($mode): JSON .stats.goroutines=$got but grep -c '^goroutine N [' = $headers")
		fi
		if [ "$mode" = file ]; then
			stats_line=$(head -c 4096 "$BENCH_DIR/out.json.tmp" | grep -o '"stats":{[^}]*}' || true)
			json_bytes=$(stat -c %s "$BENCH_DIR/out.json.tmp")
			nstacks=$(grep -o '{"frames":\[' "$BENCH_DIR/out.json.tmp" | wc -l || true)
			log "stackblame: $stats_line, $nstacks distinct stacks, JSON $(mb "$json_bytes") MB"
		fi
	done
	rm -f "$BENCH_DIR/out.json.tmp"

	# Timed runs, interleaved so drift hits all three alike.
	wc_t=() sb_t=() sb_r=() in_t=() in_r=()
	read -r st0 all0 < <(cpu_ticks)
	for r in $(seq "$RUNS"); do
		measure /dev/null /dev/null wc -l "$f"
		wc_t+=("$M_SEC")
		measure /dev/null /dev/null "$SB" --format json "$f"
		[ "$M_RC" = 0 ] || ODD+=("$name run $r (file): stackblame exit $M_RC")
		sb_t+=("$M_SEC") sb_r+=("$M_RSS")
		measure "$f" /dev/null "$SB" --format json
		[ "$M_RC" = 0 ] || ODD+=("$name run $r (stdin): stackblame exit $M_RC")
		in_t+=("$M_SEC") in_r+=("$M_RSS")
		log "run $r: wc -l ${wc_t[-1]} s; stackblame file ${sb_t[-1]} s ${sb_r[-1]} KB; stdin ${in_t[-1]} s ${in_r[-1]} KB"
	done
	read -r st1 all1 < <(cpu_ticks)
	steal=$(awk -v s="$((st1 - st0))" -v a="$((all1 - all0))" 'BEGIN{printf "%.1f", a ? 100 * s / a : 0}')
	STEAL+=("$(mb "$bytes") MB $steal%")
	log "host steal time during the timed runs: $steal% of all CPUs' time"
	wc_med=$(printf '%s\n' "${wc_t[@]}" | median)
	sb_med=$(printf '%s\n' "${sb_t[@]}" | median)
	sbr_med=$(printf '%s\n' "${sb_r[@]}" | median)
	in_med=$(printf '%s\n' "${in_t[@]}" | median)
	inr_med=$(printf '%s\n' "${in_r[@]}" | median)

	# panicparse: default aggregation, no source parsing, no GOROOT guessing.
	pp_cell='-' ppr_cell='-'
	if [ "$HAVE_PP" = 1 ]; then
		if [ -z "$PP_SKIP" ] && [ -n "$PP_LAST_SEC" ]; then
			# Even linear growth from the last size would exceed the timeout.
			pred=$(awk -v s="$PP_LAST_SEC" -v a="$PP_LAST_BYTES" -v b="$bytes" 'BEGIN{printf "%.0f", s*b/a}')
			if [ "$pred" -gt "$PP_TIMEOUT" ]; then
				PP_SKIP="not run (linear estimate ${pred} s > ${PP_TIMEOUT} s timeout)"
			fi
		fi
		if [ -n "$PP_SKIP" ]; then
			pp_cell=$PP_SKIP
		else
			pp_t=() pp_r=() spent=0 timed_out=0
			for r in $(seq "$PP_RUNS"); do
				measure /dev/null /dev/null timeout -k 10 "$PP_TIMEOUT" panicparse -parse=false -rebase=false "$f"
				if [ "$M_RC" = 124 ] || [ "$M_RC" = 137 ]; then
					timed_out=1
					log "panicparse run $r: timeout after ${PP_TIMEOUT} s"
					break
				fi
				[ "$M_RC" = 0 ] || ODD+=("$name: panicparse exit $M_RC: $(head -c 300 "$BENCH_DIR/stderr.tmp")")
				pp_t+=("$M_SEC") pp_r+=("$M_RSS")
				log "panicparse run $r: $M_SEC s $M_RSS KB"
				spent=$(awk -v a="$spent" -v b="$M_SEC" 'BEGIN{printf "%.0f", a+b}')
				# Stop when another run would overrun the per-size budget.
				if [ "$r" -lt "$PP_RUNS" ] && awk -v s="$spent" -v t="$M_SEC" -v b="$PP_BUDGET" 'BEGIN{exit !(s+t>b)}'; then
					log "panicparse: stopping after $r run(s), budget ${PP_BUDGET} s"
					break
				fi
			done
			if [ "$timed_out" = 1 ] && [ "${#pp_t[@]}" = 0 ]; then
				pp_cell="timeout (> ${PP_TIMEOUT} s)"
				PP_SKIP="not run: smaller input timed out"
			else
				pp_cell=$(printf '%s\n' "${pp_t[@]}" | median | xargs printf '%.3f')
				[ "${#pp_t[@]}" = "$PP_RUNS" ] || pp_cell="$pp_cell (${#pp_t[@]} of $PP_RUNS runs)"
				ppr_cell=$(kb2mb "$(printf '%s\n' "${pp_r[@]}" | median)")
				PP_LAST_SEC=$(printf '%s\n' "${pp_t[@]}" | median)
				PP_LAST_BYTES=$bytes
			fi
		fi
	fi

	ratio=$(awk -v a="$sb_med" -v b="$wc_med" 'BEGIN{printf "%.1f", a/b}')
	rate=$(awk -v s="$sb_med" -v b="$bytes" 'BEGIN{printf "%.0f", b/1e6/s}')
	ROWS+=("| $(mb "$bytes") | $headers | $(printf '%.3f' "$wc_med") | $(printf '%.3f' "$sb_med") | ${ratio}x | $rate | $(kb2mb "$sbr_med") | $(printf '%.3f' "$in_med") | $(kb2mb "$inr_med") | $pp_cell | $ppr_cell |")
done

# ---- report -------------------------------------------------------------
cpu=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
echo
echo "stackblame $("$SB" --version 2>/dev/null | head -n1 | awk '{print $NF}') (Release, sources sha256 $SRC_HASH), $(nproc) CPUs ($cpu), $(go version | cut -d' ' -f3),"
echo "panicparse $(dpkg-query -W -f '${Version}' panicparse 2>/dev/null || echo '-'); input: one SIGQUIT dump, $(mb "$FULL_BYTES") MB ($(cat "$BENCH_DIR/dump-full.info" 2>/dev/null || echo '?')),"
echo "the smaller inputs are prefixes of it cut at a blank line. Times: median of $RUNS runs (panicparse: up to $PP_RUNS), warm page cache."
echo
echo '| size (MB) | goroutines | `wc -l` (s) | stackblame (s) | ratio | stackblame MB/s | peak RSS file (MB) | stdin (s) | peak RSS stdin (MB) | panicparse (s) | panicparse RSS (MB) |'
echo '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'
printf '%s\n' "${ROWS[@]}"
echo
echo 'stackblame: `stackblame --format json FILE > /dev/null` (stdin: `< FILE`); ratio = stackblame / `wc -l`;'
echo 'panicparse: `panicparse -parse=false -rebase=false FILE > /dev/null`; RSS via `/usr/bin/time -f %M`.'
echo "Host steal time during the timed runs (/proc/stat, all CPUs): $(printf '%s, ' "${STEAL[@]}" | sed 's/, $//')."
if [ "${#ODD[@]}" -gt 0 ]; then
	echo
	echo 'Odd:'
	printf -- '- %s\n' "${ODD[@]}"
else
	echo
	echo 'Checks: stackblame exited 0 with empty stderr, and .stats.goroutines equals grep -c "^goroutine N [" on every input, file and stdin.'
fi
log "total $(awk -v a="$T_START" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.0f", b-a}') s"
