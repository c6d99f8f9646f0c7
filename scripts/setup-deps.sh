#!/usr/bin/env bash
# Installs the Debian packages stackblame needs to build and test. As root it
# runs apt-get; otherwise it prints the exact command to run.
set -euo pipefail
pkgs=(build-essential cmake pkg-config libpcre2-dev uthash-dev libcmocka-dev zlib1g-dev python3 graphviz groff-base man-db cmark-gfm sqlite3)
# CI also fuzzes (clang's libFuzzer), measures memory (GNU time) and opens
# the HTML report in headless Chromium.
[ -n "${CI:-}" ] && pkgs+=(clang libclang-rt-14-dev time gzip chromium fonts-dejavu-core)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "missing packages; run as root:" >&2
  echo "  apt-get install -y ${missing[*]}" >&2
  exit 1
fi
