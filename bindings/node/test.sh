#!/bin/sh
# test.sh — run the Node binding's tests with Node's built-in runner.
# Installs the npm dependencies (koffi) when missing. libtact is found through
# TACT_LIBRARY (meson's test entry sets it), else the repository's build tree.
# Prints node's own summary, then one line "N passed, N failed" for
# scripts/dev.sh's totals.
set -eu
cd "$(dirname "$0")"

if ! command -v node >/dev/null 2>&1; then
  echo "test.sh: node is not installed (apt-get install nodejs npm)" >&2
  exit 1
fi
if [ ! -f node_modules/koffi/package.json ]; then
  npm install --no-audit --no-fund --silent
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
# Explicit files rather than a directory: the meaning of a directory argument
# to --test changed between Node releases.
node --test test/*.test.js >"$log" 2>&1 || status=$?
cat "$log"
pass=$(sed -n 's/^\(# \|ℹ \)pass \([0-9][0-9]*\)$/\2/p' "$log" | tail -n 1)
fail=$(sed -n 's/^\(# \|ℹ \)fail \([0-9][0-9]*\)$/\2/p' "$log" | tail -n 1)
if [ -z "$pass" ] || [ -z "$fail" ]; then
  echo "test.sh: no summary from node's test runner" >&2
  [ "$status" -ne 0 ] || status=1
else
  echo "$pass passed, $fail failed"
fi
exit "$status"
