#!/bin/sh
# sql-tests.sh — builds the database extensions (bindings/postgresql,
# bindings/sqlite) against libtact and runs their SQL tests (tests/sql/).
#
#   sh scripts/sql-tests.sh        (as root on Debian 12; scripts/dev.sh test runs it)
#
# libtact is installed from build/ into a scratch prefix and linked statically
# into both extensions. PostgreSQL: the extension is installed into the
# server's directories (PGXS make install: root) and removed again at exit
# unless it was there before; a throwaway cluster (initdb, as the postgres
# user) listens only on a Unix socket in a scratch directory; each
# tests/sql/postgresql/NAME.sql runs in a fresh database with psql and its
# output must equal tests/sql/postgresql/expected/NAME.out. SQLite: each
# tests/sql/sqlite/NAME.sql runs in the sqlite3 shell on an in-memory
# database with the extension loaded, compared the same way; plus a C
# program run under ASan that loads and unloads the extension (leaks).
#
# Prints one line per test, "SUITE: N passed, M failed" per suite and the
# total "N passed, M failed" last; exits non-zero if anything failed.
# TACT_SQL_ACCEPT=1 writes the actual output over the expected files.
# TACT_PG_CONFIG picks the server (default: PostgreSQL 15's pg_config).
set -eu
cd "$(dirname "$0")/.."
src=$(pwd)

PG_CONFIG=${TACT_PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
[ -x "$PG_CONFIG" ] || PG_CONFIG=$(command -v pg_config || echo pg_config)

work=$(mktemp -d /tmp/tact-sql.XXXXXX)
chmod 755 "$work"
run=$work/run # the cluster owner's: data, socket, log
pgdata=$run/data
sock=$run/sock
port=54329
installed_ext=""
cluster_up=""

cleanup() {
  if [ -n "$cluster_up" ]; then
    as_pg "$pgbin/pg_ctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [ -n "$installed_ext" ]; then
    for f in $installed_ext; do rm -f "$f"; done
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

total_pass=0
total_fail=0
pass=0
fail=0

now_ms() { echo $(($(date +%s%N) / 1000000)); }
ok() {
  pass=$((pass + 1))
  echo "ok    $1"
}
not_ok() {
  fail=$((fail + 1))
  echo "FAIL  $1"
}
suite_end() {
  echo "$1: $pass passed, $fail failed"
  total_pass=$((total_pass + pass))
  total_fail=$((total_fail + fail))
  pass=0
  fail=0
}

# compare NAME ACTUAL EXPECTED SECONDS: one test's verdict, with the diff.
compare() {
  if [ "${TACT_SQL_ACCEPT:-0}" = 1 ]; then
    cp "$2" "$3"
  fi
  if [ ! -f "$3" ]; then
    not_ok "$1 ($4 ms): no expected output $(echo "$3" | sed "s|^$src/||")"
  elif diff -u "$3" "$2" >"$2.diff" 2>&1; then
    ok "$1 ($4 ms)"
  else
    not_ok "$1 ($4 ms): output differs from $(echo "$3" | sed "s|^$src/||")"
    head -n 80 "$2.diff" | sed 's/^/      /'
  fi
}

# ---------------------------------------------------------------------------
# libtact into a scratch prefix, as a packager would install it.

echo "== libtact =="
t0=$(now_ms)
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null
meson install -C build --destdir "$work/root" >/dev/null
pcdir=$(dirname "$(find "$work/root" -name tact.pc | head -n 1)")
PKG_CONFIG_SYSROOT_DIR=$work/root
PKG_CONFIG_PATH=$pcdir
export PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_PATH
pkg-config --exists tact
echo "installed into a scratch prefix in $(($(now_ms) - t0)) ms"

# ---------------------------------------------------------------------------
# PostgreSQL

# as_pg CMD...: runs as the cluster's owner (initdb refuses root).
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  id -u "$owner" >/dev/null 2>&1 || owner=nobody
  as_pg() { runuser -u "$owner" -- "$@"; }
else
  as_pg() { "$@"; }
fi

pg_suite() {
  t0=$(now_ms)
  mkdir -p "$work/pg"
  if ! make -s -C "$work/pg" -f "$src/bindings/postgresql/Makefile" \
      VPATH="$src/bindings/postgresql" PG_CONFIG="$PG_CONFIG" TACT_STATIC=1 with_llvm=no \
      >"$work/pg/build.log" 2>&1; then
    not_ok "build the extension (PGXS)"
    tail -n 30 "$work/pg/build.log" | sed 's/^/      /'
    return 0
  fi
  ext=$("$PG_CONFIG" --sharedir)/extension
  lib=$("$PG_CONFIG" --pkglibdir)
  # Remove at exit what this run installs, unless an install was there.
  if [ ! -e "$ext/tact.control" ]; then
    installed_ext="$ext/tact.control $ext/tact--0.1.0.sql $lib/tact.so"
  fi
  if ! make -s -C "$work/pg" -f "$src/bindings/postgresql/Makefile" \
      VPATH="$src/bindings/postgresql" PG_CONFIG="$PG_CONFIG" TACT_STATIC=1 with_llvm=no \
      install >>"$work/pg/build.log" 2>&1; then
    not_ok "install the extension into $lib (needs root)"
    tail -n 30 "$work/pg/build.log" | sed 's/^/      /'
    return 0
  fi
  ok "build and install the extension ($(($(now_ms) - t0)) ms)"

  t0=$(now_ms)
  pgbin=$("$PG_CONFIG" --bindir)
  mkdir -p "$pgdata" "$sock"
  [ "$(id -u)" -ne 0 ] || chown -R "$owner" "$run"
  if ! as_pg "$pgbin/initdb" -D "$pgdata" -U postgres -A trust -E UTF8 --no-locale \
      --no-sync >"$work/initdb.log" 2>&1; then
    not_ok "initdb"
    tail -n 20 "$work/initdb.log" | sed 's/^/      /'
    return 0
  fi
  # Unix socket only, in the scratch directory: no port can clash.
  cat >>"$pgdata/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$sock'
port = $port
fsync = off
full_page_writes = off
max_worker_processes = 8
max_parallel_workers = 8
lc_messages = 'C'
EOF
  if ! as_pg "$pgbin/pg_ctl" -D "$pgdata" -l "$run/server.log" -w -t 60 start \
      >/dev/null 2>&1; then
    not_ok "start a PostgreSQL cluster"
    tail -n 20 "$run/server.log" | sed 's/^/      /'
    return 0
  fi
  cluster_up=1
  ok "start a throwaway cluster (PostgreSQL $("$pgbin/postgres" --version | sed 's/.*) //; s/ .*//'), $(($(now_ms) - t0)) ms)"

  PGHOST=$sock PGPORT=$port PGUSER=postgres PGDATABASE=postgres PGTZ=UTC
  export PGHOST PGPORT PGUSER PGDATABASE PGTZ
  psql_q() { "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
  for t in tests/sql/postgresql/*.sql; do
    name=$(basename "$t" .sql)
    db=tact_$(echo "$name" | tr -c 'a-z0-9\n' '_')
    out=$work/pg-$name.out
    t0=$(now_ms)
    psql_q -c "CREATE DATABASE $db" >/dev/null 2>&1 || true
    # stdin, not -f: errors print without a file:line prefix
    "$pgbin/psql" -X -a -q -d "$db" <"$t" >"$out" 2>&1 || true
    psql_q -c "DROP DATABASE $db" >/dev/null 2>&1 || true
    compare "postgresql/$name" "$out" "tests/sql/postgresql/expected/$name.out" \
      $(($(now_ms) - t0))
  done
  # A crash takes every backend down and is logged even when psql's output
  # happened to match.
  if grep -E "terminated by signal|server process .* was terminated|PANIC" \
      "$run/server.log" >"$work/crash.log"; then
    not_ok "server log: no backend crashed"
    head -n 10 "$work/crash.log" | sed 's/^/      /'
  else
    ok "server log: no backend crashed"
  fi
}

echo "== PostgreSQL =="
pg_suite
suite_end postgresql

# ---------------------------------------------------------------------------
# SQLite

sqlite_suite() {
  t0=$(now_ms)
  mkdir -p "$work/sqlite"
  if ! make -s -f "$src/bindings/sqlite/Makefile" OUT="$work/sqlite" TACT_STATIC=1 \
      >"$work/sqlite/build.log" 2>&1; then
    not_ok "build the extension"
    tail -n 30 "$work/sqlite/build.log" | sed 's/^/      /'
    return 0
  fi
  ok "build libtact_sqlite.so ($(($(now_ms) - t0)) ms)"
  for t in tests/sql/sqlite/*.sql; do
    name=$(basename "$t" .sql)
    out=$work/sqlite-$name.out
    t0=$(now_ms)
    # .load ./libtact_sqlite: the entry point comes from the file name
    # The library's wording may change: errors keep "tact:" and the code.
    (cd "$work/sqlite" && sqlite3 -batch -cmd ".load ./libtact_sqlite" ":memory:") \
      <"$t" 2>&1 | sed -E 's/^(Runtime error near line [0-9]+: tact:) .*( \([0-9]+\))$/\1 ...\2/; t
        s/^(Runtime error near line [0-9]+: tact:) .*/\1 .../' >"$out" || true
    compare "sqlite/$name" "$out" "tests/sql/sqlite/expected/$name.out" $(($(now_ms) - t0))
  done
  # Load, use and close many connections under ASan/LSan: the engine is
  # freed with the connection and nothing leaks.
  t0=$(now_ms)
  if cc -std=c11 -g -fsanitize=address -o "$work/sqlite/lifecycle" \
      tests/sql/sqlite_lifecycle.c -lsqlite3 >"$work/sqlite/lifecycle.log" 2>&1 &&
    ASAN_OPTIONS=detect_leaks=1 "$work/sqlite/lifecycle" "$work/sqlite/libtact_sqlite" \
      >>"$work/sqlite/lifecycle.log" 2>&1; then
    ok "sqlite/lifecycle: load, query, close x20 under ASan, no leak ($(($(now_ms) - t0)) ms)"
  else
    not_ok "sqlite/lifecycle ($(($(now_ms) - t0)) ms)"
    tail -n 40 "$work/sqlite/lifecycle.log" | sed 's/^/      /'
  fi
}

echo "== SQLite =="
sqlite_suite
suite_end sqlite

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
