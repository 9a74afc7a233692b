#!/bin/sh
# valgrind-cli.sh — the tact CLI under valgrind memcheck: no invalid access,
# no use of uninitialized memory, no leak, over every command on the bundled
# conversation and the JSONL batch modes.
#   valgrind-cli.sh TACT_CLI SOURCE_DIR
set -u
tact=$1
src=$2
conv=$src/examples/conversations
vg="valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect"
passed=0
failed=0
# run NAME EXPECTED_EXIT COMMAND...: valgrind's own findings exit 9
run() {
  name=$1
  want=$2
  shift 2
  $vg "$@" >/dev/null 2>/tmp/valgrind-cli.$$
  rc=$?
  if [ "$rc" -eq "$want" ]; then
    passed=$((passed + 1))
    echo "ok    $name"
  else
    failed=$((failed + 1))
    echo "FAIL  $name (exit $rc, expected $want)"
    cat /tmp/valgrind-cli.$$
  fi
}
run "check text" 0 "$tact" check "$conv/refund-reply-poor.txt" --customer "$conv/refund-customer.txt" --fail-on never
run "check json --fix" 0 "$tact" check "$conv/refund-reply-poor.txt" --customer "$conv/refund-customer.txt" --format json --fix --fail-on never
batch=/tmp/valgrind-cli-batch.$$
printf '%s\n' '{"customer": "My parcel is late again!", "reply": "Unfortunately that is our policy."}' \
  '{"customer": "When will my refund arrive?", "reply": "Your refund will arrive within 5 business days.", "name": "Sam"}' \
  '{"reply": 42}' >"$batch"
run "check --jsonl (one bad line)" 2 "$tact" check --jsonl "$batch" --fail-on never
run "classify" 0 "$tact" classify "$conv/refund-customer.txt" --format json
run "tone" 0 "$tact" tone "$conv/refund-reply-good.txt"
run "promises" 0 "$tact" promises "$conv/refund-reply-good.txt" --format json
run "pack test" 0 "$tact" pack test "$src/examples/packs/acme.xml"
rm -f /tmp/valgrind-cli.$$ "$batch"
echo "valgrind: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
