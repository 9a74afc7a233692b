#!/bin/sh
# abi-selftest.sh SOURCE_DIR — proves abi-check.sh catches a break: a small
# library built against include/tact.h is the baseline; the same library
# built against a copy of the header whose tact_config changed a field's
# type must be refused, and an unchanged rebuild accepted.
set -eu
src=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/probe.c" <<'C'
#include "tact.h"
__attribute__((visibility("default"))) size_t probe(const tact_config *c, tact_input *in) {
  return c->max_input_bytes + in->length;
}
C
build() { cc -g -shared -fPIC -I"$1" "$work/probe.c" -o "$2"; }
mkdir "$work/orig" "$work/changed"
cp "$src/include/tact.h" "$work/orig/"
sed 's/  size_t max_input_bytes;/  unsigned max_input_bytes;/' "$src/include/tact.h" >"$work/changed/tact.h"
cmp -s "$work/orig/tact.h" "$work/changed/tact.h" && { echo "selftest: sed changed nothing"; exit 1; }
build "$work/orig" "$work/base.so"
abidw --no-corpus-path --no-comp-dir-path --headers-dir "$work/orig" "$work/base.so" >"$work/base.abi"
build "$work/orig" "$work/same.so"
sh "$src/tests/abi-check.sh" "$work/base.abi" "$work/same.so" "$work/orig" >/dev/null ||
  { echo "selftest: an unchanged rebuild was refused"; exit 1; }
build "$work/changed" "$work/broken.so"
if sh "$src/tests/abi-check.sh" "$work/base.abi" "$work/broken.so" "$work/changed" >/dev/null; then
  echo "selftest: a changed public struct was not caught"
  exit 1
fi
echo "selftest: abi-check accepts a compatible rebuild and refuses a changed struct"
