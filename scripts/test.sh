#!/usr/bin/env bash
# Builds (unless BUILD_DIR is already built by the caller) and runs every
# test: the cmocka unit tests through ctest, then the end-to-end tests that
# run the built binary on every fixture.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-deps.sh
build=${BUILD_DIR:-build}
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" >/dev/null
fi
cmake --build "$build" -j2 >/dev/null
(cd "$build" && ctest --output-on-failure)
STACKBLAME="$build/stackblame" ./tests/e2e/run.sh
# The Markdown report as GitHub renders it (cmark-gfm), and the JSON-lines
# report grouped by fingerprint in sqlite3.
./tests/markdown/run.sh "$build/stackblame"
./tests/jsonl/run.sh "$build/stackblame"
