#!/usr/bin/env bash
# Fuzzes the parser and the whole pipeline with libFuzzer (clang, ASan+UBSan).
#
#   tests/fuzz/run.sh [SECONDS]      default 60 per target; both run in parallel
#
# Builds into build-fuzz/ (CC=clang -DSB_FUZZ=ON -DSB_SANITIZE=ON), seeds the
# corpora from fixtures/**/*.txt (not *.expected.*), ../shared/corpus/real/*.txt
# and tests/fuzz/regressions/,
# keeps the grown corpora in build-fuzz/corpus/TARGET/ (reused by later runs),
# and stores each crash/leak/timeout/OOM input in tests/fuzz/crashes/.
# Exits non-zero when any target found something.
#
# Environment: FUZZ_BUILD_DIR (default build-fuzz), FUZZ_TARGETS (default
# "parser pipeline"), FUZZ_PARSER_MAX_LEN (default 1048576), FUZZ_PIPELINE_MAX_LEN
# (default 262144; smaller lengths run many more inputs per second), CC (default clang),
# FUZZ_NO_SANITIZE (UBSan checks to turn off to fuzz past a known finding,
# e.g. nonnull-attribute; empty by default).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${1:-60}
case "$seconds" in '' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;; esac
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
targets=${FUZZ_TARGETS:-parser pipeline}
crashes=$here/crashes
export CC=${CC:-clang}

if ! command -v "$CC" >/dev/null; then
  echo "fuzz: $CC not found: apt-get install -y clang libclang-rt-14-dev" >&2; exit 2
fi

# Until tests/CMakeLists.txt has its add_subdirectory(fuzz) hook, inject the
# directory at the end of the top-level CMakeLists (CMake >= 3.19).
hook_args=()
if ! grep -qE '^[[:space:]]*add_subdirectory\([[:space:]]*fuzz' "$root/tests/CMakeLists.txt"; then
  mkdir -p "$build"
  cat >"$build/fuzz-hook.cmake" <<EOF
cmake_language(DEFER DIRECTORY "\${CMAKE_SOURCE_DIR}" CALL include "$here/CMakeLists.txt")
EOF
  hook_args=(-DCMAKE_PROJECT_INCLUDE="$build/fuzz-hook.cmake")
else
  hook_args=(-UCMAKE_PROJECT_INCLUDE) # the hook exists: drop an injection cached earlier
fi

echo "== fuzz: build in $build"
cmake -S "$root" -B "$build" -DSB_FUZZ=ON -DSB_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSB_FUZZ_NO_SANITIZE="${FUZZ_NO_SANITIZE:-}" "${hook_args[@]}" >"$build.cmake.log" 2>&1 || { cat "$build.cmake.log"; exit 2; }
rm -f "$build.cmake.log"
build_targets=()
for t in $targets; do build_targets+=(--target "fuzz_$t"); done
cmake --build "$build" -j"$(nproc)" "${build_targets[@]}" >/dev/null || {
  cmake --build "$build" -j1 "${build_targets[@]}"; exit 2; }

# Seeds: copied once into each target's corpus (libFuzzer names its own
# finds by content hash, so copying again is harmless).
seeds=()
while IFS= read -r f; do seeds+=("$f"); done < <(
  find "$root/fixtures" -name '*.txt' ! -name '*.expected.*' ! -path '*/gen/*' 2>/dev/null
  find "$root/../shared/corpus/real" -maxdepth 1 -name '*.txt' 2>/dev/null
  find "$here/regressions" -type f ! -name '*.md' 2>/dev/null)
echo "== fuzz: ${#seeds[@]} seed files"

mkdir -p "$crashes"
stamp=$build/fuzz-start.stamp
touch "$stamp"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
pids=() logs=()
for t in $targets; do
  corpus=$build/corpus/$t
  mkdir -p "$corpus"
  for f in "${seeds[@]}"; do
    b=$(basename "$f" .txt)
    cp -n "$f" "$corpus/seed-$b.txt"
    # Big seeds are also cut into 8 KB pieces at line ends (the first 16):
    # small inputs run hundreds of times faster than a whole 1 MB dump.
    if [ "$(stat -c %s "$f")" -gt 16384 ] && [ ! -e "$corpus/piece-$b-000" ]; then
      split -C 8192 -d -a 3 "$f" "$corpus/piece-$b-"
      find "$corpus" -name "piece-$b-*" ! -name "piece-$b-00*" ! -name "piece-$b-01[0-5]" -delete
    fi
  done
  max_len=${FUZZ_PARSER_MAX_LEN:-1048576}
  [ "$t" = pipeline ] && max_len=${FUZZ_PIPELINE_MAX_LEN:-262144}
  log=$build/fuzz-$t.log
  logs+=("$log")
  echo "== fuzz: $t for $seconds s (log $log)"
  "$build/tests/fuzz/fuzz_$t" "$corpus" \
    -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10 \
    -max_len="$max_len" -print_final_stats=1 \
    -artifact_prefix="$crashes/$t-" >"$log" 2>&1 &
  pids+=($!)
done

status=0
i=0
for t in $targets; do
  wait "${pids[$i]}"; rc=$?
  log=${logs[$i]}
  execs=$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  if [ "$rc" -ne 0 ]; then
    status=1
    echo "FUZZ FINDING: $t (exit $rc), ${execs:-?} runs, $cov"
    grep -m3 -E '^==[0-9]+==ERROR|runtime error:|FUZZ INVARIANT|SUMMARY:|Test unit written' "$log" |
      sed 's/^/  /'
  else
    echo "fuzz: $t: ok, ${execs:-?} runs, $cov"
  fi
  i=$((i + 1))
done
found=$(find "$crashes" -type f ! -name '.*' -newer "$stamp" 2>/dev/null | wc -l)
[ "$found" -gt 0 ] && { echo "fuzz: $found new input(s) in $crashes"; status=1; }
exit $status
