#!/bin/sh
# abi-check.sh BASELINE.abi LIBRARY.so HEADERS_DIR
# Fails when LIBRARY's ABI differs from BASELINE (abidw output) in any way
# other than added functions. Removed or changed functions and changed types
# fail. Growing a size-prefixed struct (tact_config, tact_input) at its end
# is compatible by design, but it also fails here on purpose: it is a
# deliberate step, done by regenerating the baseline in the same commit.
# A real break also bumps the soname in meson.build. Regenerate with:
#   abidw --no-corpus-path --no-comp-dir-path --drop-private-types --headers-dir include \
#     build/lib/libtact.so > abi/libtact.abi
set -u
out=$(abidiff --no-added-syms --headers-dir2 "$3" "$1" "$2" 2>&1)
rc=$?
# abidiff's exit code is a bit set: 1 error, 2 usage, 4 change, 8 incompatible;
# with --no-added-syms, added functions alone leave it 0.
if [ "$rc" -ne 0 ]; then
  echo "$out"
  echo "abi-check: $2 is not compatible with $1 (abidiff exit $rc)"
  exit 1
fi
echo "abi-check: compatible with $1"
