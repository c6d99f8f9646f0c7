#!/usr/bin/env bash
# Hostile and broken input: runs a stackblame binary on generated inputs and
# checks that it survives each one (exit 0 or 2, no signal, within its time
# limit), in bounded memory (/usr/bin/time -f %M < 200 MB; names-1m: the
# per-distinct-frame bound of the man page), says on stderr
# when it cut something, and keeps its promises on the output (valid JSON, no
# raw terminal controls, no raw HTML in Markdown).
#
#   tests/hostile/run.sh BINARY              all cases, about 1-2 minutes
#   HOSTILE_BIG=1 tests/hostile/run.sh BIN   random-bytes case with 1 GB (default 200 MB)
#   HOSTILE_ONLY='trunc|nul' ...             only the cases whose name matches
#   HOSTILE_KEEP=1 ...                       keep the temp dir (inputs and outputs)
#
# Prints one line per case (time, peak memory) and "hostile: N passed, M failed";
# exits 1 on any failure, 2 on a usage error. Needs bash, python3 (stdlib only),
# coreutils timeout, GNU time (/usr/bin/time) and gzip.
set -uo pipefail
if [ $# -ne 1 ] || [ ! -x "$1" ]; then
  echo "usage: $0 BINARY   (a built stackblame, e.g. build/stackblame)" >&2
  exit 2
fi
for tool in python3 timeout gzip; do
  command -v "$tool" >/dev/null || { echo "hostile: $tool not found" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "hostile: /usr/bin/time not found: apt-get install time" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
exec python3 "$here/hostile.py" "$1" "$here/../.."
