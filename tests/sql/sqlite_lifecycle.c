/* sqlite_lifecycle.c — loads the tact SQLite extension into many
 * connections, calls every function (errors included), loads it twice into
 * one connection and closes them all; built with -fsanitize=address by
 * scripts/sql-tests.sh so LeakSanitizer reports an engine or result that
 * is not freed with its connection.
 *
 * usage: sqlite_lifecycle PATH/libtact_sqlite   (prints "ok" and exits 0) */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

static int fails;

static void expect(sqlite3 *db, const char *sql, const char *want) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
    fprintf(stderr, "prepare %s: %s\n", sql, sqlite3_errmsg(db));
    fails++;
    return;
  }
  int rc = sqlite3_step(st);
  const char *got = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
  char buf[256];
  snprintf(buf, sizeof buf, "%s", got ? got : rc == SQLITE_ROW ? "NULL" : sqlite3_errmsg(db));
  sqlite3_finalize(st);
  if (strncmp(buf, want, strlen(want))) {
    fprintf(stderr, "%s\n  got:  %s\n  want: %s...\n", sql, buf, want);
    fails++;
  }
}

int main(int argc, char **argv) {
  if (argc != 2) return fprintf(stderr, "usage: sqlite_lifecycle EXTENSION\n"), 2;
  for (int i = 0; i < 20; i++) {
    sqlite3 *db;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) return fprintf(stderr, "open failed\n"), 1;
    sqlite3_enable_load_extension(db, 1);
    char *msg = NULL;
    int loads = i % 4 == 0 ? 2 : 1; /* a second load replaces every function */
    for (int k = 0; k < loads; k++)
      if (sqlite3_load_extension(db, argv[1], NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "load: %s\n", msg ? msg : "?");
        sqlite3_free(msg);
        sqlite3_close(db);
        return 1;
      }
    expect(db, "SELECT tact_is_complaint('My phone broke after a week, I want a refund!')", "1");
    expect(db, "SELECT tact_score('No, we can''t do that. You should have read the policy.', "
               "'My phone broke after a week, I want a refund!') < 50", "1");
    expect(db, "SELECT json_valid(tact_review('Sorry about that, Maria! I''ll refund you "
               "today.', 'My phone broke!', 'Maria'))", "1");
    expect(db, "SELECT json_valid(tact_tone('Thanks so much!'))", "1");
    expect(db, "SELECT json_valid(tact_classify('This is the worst service ever.'))", "1");
    expect(db, "SELECT json_valid(tact_promises('We will call you tomorrow.', "
               "'2026-03-06T16:00:00Z'))", "1");
    expect(db, "SELECT tact_is_complaint(hex(zeroblob(33554433)))", "tact: input is");
    expect(db, "SELECT tact_is_complaint(NULL) IS NULL", "1");
    if (i % 2) {
      /* a big input grows the reusable result, which is then dropped */
      expect(db, "SELECT tact_is_complaint(printf('%.2000000c', 'a'))", "0");
    }
    if (sqlite3_close(db) != SQLITE_OK) {
      fprintf(stderr, "close: %s\n", sqlite3_errmsg(db));
      fails++;
    }
  }
  if (fails) return fprintf(stderr, "%d failed\n", fails), 1;
  puts("ok");
  return 0;
}
