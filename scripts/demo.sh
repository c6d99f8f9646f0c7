#!/usr/bin/env bash
# The README's first command: install missing packages (as root), build, and
# run stackblame on the bundled mission-case dumps.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-deps.sh
cmake -S . -B build >/dev/null
cmake --build build -j2 >/dev/null
demo=(fixtures/mission/kubelet.sigquit.txt fixtures/mission/terway.sigquit.txt fixtures/mission/terwayd.sigquit.txt)
[ -f "${demo[0]}" ] || demo=(fixtures/blocking/blocking.debug2.txt)
echo "\$ build/stackblame ${demo[*]}"
exec build/stackblame "${demo[@]}"
