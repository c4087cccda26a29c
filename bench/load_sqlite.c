/*
 * Bulk path for SQLite files. The secondary indexes are dropped and rebuilt
 * from their own CREATE statements (read back from sqlite_schema, so they
 * are exactly the library's), since sorting once is far cheaper than
 * millions of random B-tree inserts. Rows go in with the journal off and
 * synchronous=OFF in large transactions: a crash mid-load leaves a broken
 * benchmark file, never anyone's data, and the file is back in WAL mode
 * (the library's setting) when the load ends.
 */
#include "load.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROWS_PER_TRANSACTION 200000

typedef struct sqlite_load {
  sqlite3 *db;
  sqlite3_stmt *insert, *insert_fts;
  char **index_sql; /* CREATE INDEX statements to run at the end */
  size_t index_count;
  uint64_t rows;
} sqlite_load;

static int fail(sqlite_load *l, const char *doing, char error[BENCH_ERROR_SIZE]) {
  snprintf(error, BENCH_ERROR_SIZE, "sqlite load: %s: %s", doing, sqlite3_errmsg(l->db));
  return -1;
}

static int exec(sqlite_load *l, const char *sql, char error[BENCH_ERROR_SIZE]) {
  return sqlite3_exec(l->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : fail(l, sql, error);
}

static void load_free(sqlite_load *l) {
  sqlite3_finalize(l->insert);
  sqlite3_finalize(l->insert_fts);
  for (size_t i = 0; i < l->index_count; i++)
    free(l->index_sql[i]);
  free(l->index_sql);
  sqlite3_close(l->db);
  free(l);
}

/* Keeps the CREATE statement of every explicit index on messages and drops
 * the index. UNIQUE constraints have no statement and stay. */
static int drop_indexes(sqlite_load *l, char error[BENCH_ERROR_SIZE]) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(l->db,
                         "SELECT name, sql FROM sqlite_schema WHERE type = 'index'"
                         " AND tbl_name = 'messages' AND sql IS NOT NULL",
                         -1, &st, NULL) != SQLITE_OK)
    return fail(l, "reading the indexes", error);
  char **names = NULL;
  size_t n = 0;
  int rc = 0;
  while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
    char **grown_names = realloc(names, (n + 1) * sizeof *names);
    char **grown_sql = realloc(l->index_sql, (n + 1) * sizeof *l->index_sql);
    if (grown_names)
      names = grown_names;
    if (grown_sql)
      l->index_sql = grown_sql;
    char *name =
        grown_names ? sqlite3_mprintf("DROP INDEX \"%w\"", sqlite3_column_text(st, 0)) : NULL;
    char *sql = grown_sql ? strdup((const char *)sqlite3_column_text(st, 1)) : NULL;
    if (!name || !sql) {
      sqlite3_free(name);
      free(sql);
      snprintf(error, BENCH_ERROR_SIZE, "sqlite load: out of memory");
      rc = -1;
      break;
    }
    names[n] = name;
    l->index_sql[n] = sql;
    l->index_count = ++n;
  }
  sqlite3_finalize(st);
  for (size_t i = 0; i < n; i++) {
    if (rc == 0)
      rc = exec(l, names[i], error);
    sqlite3_free(names[i]);
  }
  free(names);
  return rc;
}

static int begin(void **state, const bench_target *target, char error[BENCH_ERROR_SIZE]) {
  sqlite_load *l = calloc(1, sizeof *l);
  if (!l) {
    snprintf(error, BENCH_ERROR_SIZE, "out of memory");
    return -1;
  }
  int rc = sqlite3_open_v2(target->path, &l->db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK
               ? 0
               : fail(l, "opening", error);
  if (rc == 0)
    rc = exec(l,
              "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-1048576;"
              " PRAGMA threads=2",
              error);
  if (rc == 0)
    rc = exec(l, "BEGIN", error);
  if (rc == 0)
    rc = drop_indexes(l, error);
  if (rc == 0 && sqlite3_prepare_v2(l->db,
                                    "INSERT INTO messages (message_id, account_id, sender_number,"
                                    " receiver_number, body, created_at, idempotency_key)"
                                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                    -1, &l->insert, NULL) != SQLITE_OK)
    rc = fail(l, "preparing the insert", error);
  if (rc == 0 &&
      sqlite3_prepare_v2(l->db, "INSERT INTO messages_fts (rowid, words) VALUES (?1, ?2)", -1,
                         &l->insert_fts, NULL) != SQLITE_OK)
    rc = fail(l, "preparing the words insert", error);
  if (rc != 0) {
    load_free(l);
    return -1;
  }
  *state = l;
  return 0;
}

static int step(sqlite_load *l, sqlite3_stmt *st, char error[BENCH_ERROR_SIZE]) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? 0 : fail(l, "inserting", error);
}

static int add(void *state, const bench_message *m, const char *words,
               char error[BENCH_ERROR_SIZE]) {
  sqlite_load *l = state;
  sqlite3_stmt *st = l->insert;
  sqlite3_bind_text(st, 1, m->message_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, m->account_id);
  sqlite3_bind_text(st, 3, m->sender, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, m->receiver, -1, SQLITE_STATIC);
  if (m->has_body)
    sqlite3_bind_text(st, 5, m->body, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(st, 5);
  sqlite3_bind_int64(st, 6, m->created_at);
  if (m->has_key)
    sqlite3_bind_text(st, 7, m->key, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(st, 7);
  int rc = step(l, st, error);
  if (rc == 0 && words[0]) {
    sqlite3_bind_int64(l->insert_fts, 1, sqlite3_last_insert_rowid(l->db));
    sqlite3_bind_text(l->insert_fts, 2, words, -1, SQLITE_STATIC);
    rc = step(l, l->insert_fts, error);
  }
  if (rc == 0 && ++l->rows % ROWS_PER_TRANSACTION == 0)
    rc = exec(l, "COMMIT; BEGIN", error);
  return rc;
}

static int finish(void *state, char error[BENCH_ERROR_SIZE]) {
  sqlite_load *l = state;
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < l->index_count; i++)
    rc = exec(l, l->index_sql[i], error);
  if (rc == 0)
    rc = exec(l, "COMMIT", error);
  if (rc == 0)
    rc = exec(l, "PRAGMA journal_mode=WAL", error);
  load_free(l);
  return rc;
}

static void abort_load(void *state) {
  sqlite_load *l = state;
  sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
  load_free(l);
}

const bench_loader msg__load_sqlite = {begin, add, finish, abort_load};
