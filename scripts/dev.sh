#!/bin/sh
# dev.sh — the one entry point for building and checking tact on Debian 12
# (as root it installs what is missing; as a user it says what is missing).
#   sh scripts/dev.sh demo   build, then run the CLI on the bundled example conversation
#                            (examples/conversations: review a poor and a good reply to
#                            the customer's message, classify the customer, promises)
#   sh scripts/dev.sh test   build, then run every suite: unit + CLI tests, the same
#                            under ASan+UBSan, the CLI under valgrind memcheck,
#                            the threaded API test under TSan,
#                            a libFuzzer smoke run per target
#                            (TACT_FUZZ_SECONDS, default 30), and an install check
#                            (pkg-config + a program compiled against the installed
#                            library, shared and static), and the PostgreSQL / SQLite
#                            extensions' SQL tests (scripts/sql-tests.sh)
# It ends with the runner's own summary line: "N passed, N failed".
set -eu
cd "$(dirname "$0")/.."

PACKAGES="gcc libc6-dev meson ninja-build pkg-config python3 libutf8proc-dev libxml2-dev libcmocka-dev
  clang libclang-rt-14-dev python3-pytest abigail-tools tzdata nodejs
  postgresql-15 postgresql-server-dev-15 libsqlite3-dev sqlite3 valgrind"
# npm for the Node binding's tests: Debian's package, unless the installed
# nodejs already bundles npm (NodeSource's does, and conflicts with Debian's).
command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES npm"

install_missing() {
  missing=""
  for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "dev.sh: missing Debian packages:$missing (run as root, or apt-get install them)" >&2
    exit 2
  fi
  echo "dev.sh: installing$missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

# build DIR [meson options...]: configure once, then build incrementally.
build() {
  dir=$1
  shift
  [ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" >/dev/null
  ninja -C "$dir" >/dev/null
}

demo() {
  build build
  tact=build/examples/tact
  conv=examples/conversations
  echo "== the agent's draft reply, reviewed against the customer's message =="
  $tact check $conv/refund-reply-poor.txt --customer $conv/refund-customer.txt --fail-on never
  echo
  echo "== a better reply to the same message =="
  $tact check $conv/refund-reply-good.txt --customer $conv/refund-customer.txt
  echo
  echo "== the draft with its machine-readable fixes applied (for the agent to edit) =="
  $tact check $conv/refund-reply-poor.txt --fix --fail-on never
  echo
  echo "== the customer's message: complaint classification =="
  $tact classify $conv/refund-customer.txt
  echo
  echo "== the better reply: promises and timeframes =="
  $tact promises $conv/refund-reply-good.txt
}

install_check() {
  dest=$(mktemp -d)
  meson install -C build --destdir "$dest" >/dev/null
  pcdir=$(dirname "$(find "$dest" -name tact.pc | head -n 1)")
  libdir=$(dirname "$(find "$dest" -name 'libtact.so' | head -n 1)")
  pc() { PKG_CONFIG_SYSROOT_DIR="$dest" PKG_CONFIG_PATH="$pcdir" pkg-config "$@" tact; }
  cc -std=c11 examples/embed.c $(pc --cflags --libs) -o "$dest/embed"
  # static: the archive plus its private dependencies, as pkg-config --static says
  cc -std=c11 examples/embed.c $(pc --cflags) "$libdir/libtact.a" \
    $(pc --static --libs-only-l | sed 's/-ltact//') -o "$dest/embed-static"
  shared=$(LD_LIBRARY_PATH="$libdir" "$dest/embed" "Unfortunately we can't do that.")
  static=$("$dest/embed-static" "Unfortunately we can't do that.")
  ldd "$dest/embed-static" | grep -q libtact && static="linked the shared library"
  rm -rf "$dest"
  for out in "$shared" "$static"; do
    echo "$out" | grep -q "can't" || { echo "install check: unexpected output: $out" >&2; return 1; }
  done
}

# Totals over every test case, read from meson's logs: a suite that prints a
# cmocka or "N passed, N failed" summary counts its cases, any other counts 1.
summary() {
  python3 - "$@" <<'PY'
import json, re, sys
passed = failed = 0
for path in sys.argv[1:]:
    try:
        lines = open(path).read().splitlines()
    except OSError:
        print("missing test log:", path)
        failed += 1
        continue
    for line in lines:
        r = json.loads(line)
        out = r.get("stdout", "") or ""
        ok = r["result"] in ("OK", "EXPECTEDFAIL")
        ran = re.search(r"\[==========\] (\d+) test\(s\) run", out)
        plain = re.search(r"^(\d+) passed, (\d+) failed", out, re.M)
        # pytest's own summary: "2 failed, 12 passed in 0.31s"
        py = re.search(r"(?:(\d+) failed, )?(\d+) passed(?:, \d+ \w+)* in [\d.]+s", out)
        if ran:
            n = int(ran.group(1))
            bad = re.search(r"\[  FAILED  \] (\d+) test\(s\)", out)
            nbad = int(bad.group(1)) if bad else (0 if ok else 1)
            passed, failed = passed + n - nbad, failed + nbad
        elif plain:
            passed, failed = passed + int(plain.group(1)), failed + int(plain.group(2))
        elif py:
            passed, failed = passed + int(py.group(2)), failed + int(py.group(1) or 0)
        elif ok:
            passed += 1
        else:
            failed += 1
        if not ok:
            print("failed:", r["name"], "in", path)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
}

# Each libFuzzer target for TACT_FUZZ_SECONDS on its seed corpus; new inputs
# go to a scratch directory, so the committed corpus only grows by hand.
fuzz_smoke() {
  seconds=${TACT_FUZZ_SECONDS:-30}
  (CC=clang && export CC && build build-fuzz -Dfuzz=true -Dtests=false \
    -Db_sanitize=address,undefined -Db_lundef=false)
  for t in analyze pack html review; do
    work=$(mktemp -d)
    if UBSAN_OPTIONS=halt_on_error=1 build-fuzz/tests/fuzz/fuzz_$t -max_total_time="$seconds" \
        -dict=tests/fuzz/$t.dict -artifact_prefix="$work/" "$work" tests/fuzz/corpus/$t \
        >"$work.log" 2>&1; then
      echo "fuzz_$t: $(grep -o 'Done [0-9]* runs' "$work.log") in ${seconds}s, no crash"
      echo "{\"name\": \"fuzz_$t\", \"result\": \"OK\"}" >>"$1"
    else
      echo "fuzz_$t FAILED; crashing input kept in $work" >&2
      tail -n 40 "$work.log" >&2
      echo "{\"name\": \"fuzz_$t\", \"result\": \"FAIL\"}" >>"$1"
      continue
    fi
    rm -rf "$work" "$work.log"
  done
}

run_tests() {
  status=0
  build build
  meson test -C build --print-errorlogs || status=1
  echo "== ASan + UBSan =="
  build build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    meson test -C build-asan --print-errorlogs --no-suite abi --no-suite bindings --no-suite docs || status=1
  echo "== TSan: one engine shared by threads =="
  build build-tsan -Db_sanitize=thread -Dbuildtype=debugoptimized
  TSAN_OPTIONS=halt_on_error=1 meson test -C build-tsan --print-errorlogs api || status=1
  extra=$(mktemp)
  echo "== fuzz smoke =="
  fuzz_smoke "$extra"
  echo "== install check =="
  if install_check; then
    echo '{"name": "install-check", "result": "OK"}' >>"$extra"
  else
    echo '{"name": "install-check", "result": "FAIL"}' >>"$extra"
  fi
  echo "== SQL extensions (PostgreSQL, SQLite) =="
  if sh scripts/sql-tests.sh; then
    echo '{"name": "sql-extensions", "result": "OK"}' >>"$extra"
  else
    echo '{"name": "sql-extensions", "result": "FAIL"}' >>"$extra"
  fi
  summary build/meson-logs/testlog.json build-asan/meson-logs/testlog.json \
    build-tsan/meson-logs/testlog.json "$extra" || status=1
  rm -f "$extra"
  return $status
}

install_missing
case "${1:-}" in
  demo) demo ;;
  test) run_tests ;;
  *) echo "usage: sh scripts/dev.sh demo|test" >&2; exit 2 ;;
esac
