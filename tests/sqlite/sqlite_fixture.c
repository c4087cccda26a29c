/*
 * The fixture of the SQLite backend tests: temporary folders, a backend
 * opened without the core, and small SQL helpers.
 */
#include "sqlite_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void test_dir_make(test_dir *d) {
  snprintf(d->dir, sizeof d->dir, "/tmp/msg-sqlite-test-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(d->dir));
  snprintf(d->path, sizeof d->path, "%s/store.db", d->dir);
  snprintf(d->uri, sizeof d->uri, "sqlite:%s", d->path);
}

void test_remove_db(const char *path) {
  static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
  for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
    char *file = sqlite3_mprintf("%s%s", path, suffixes[i]);
    ck_assert_ptr_nonnull(file);
    unlink(file);
    sqlite3_free(file);
  }
}

void test_dir_remove(test_dir *d) {
  test_remove_db(d->path);
  ck_assert_msg(rmdir(d->dir) == 0, "%s is not empty", d->dir);
}

void test_store_open(test_store *s, const char *uri, unsigned int timeout_ms) {
  msg_store_options opts = MSG_STORE_OPTIONS_INIT;
  opts.timeout_ms = timeout_ms;
  unsigned int pool_size = 0;
  msg_error err = {0};
  assert_status(msg__sqlite_open(&s->backend, &pool_size, uri, &opts, NULL, &err), err, MSG_OK);
  assert_status(s->backend->connect(s->backend, &s->conn, &err), err, MSG_OK);
  assert_status(s->backend->migrate(s->backend, s->conn, &err), err, MSG_OK);
  s->db = ((sqlite_conn *)s->conn)->db;
}

msg_backend_conn *test_store_connect(test_store *s) {
  msg_backend_conn *conn = NULL;
  msg_error err = {0};
  assert_status(s->backend->connect(s->backend, &conn, &err), err, MSG_OK);
  return conn;
}

void test_store_close(test_store *s) {
  s->backend->disconnect(s->backend, s->conn);
  s->backend->free(s->backend);
  *s = (test_store){0};
}

void test_exec(sqlite3 *db, const char *sql) {
  char *message = NULL;
  int rc = sqlite3_exec(db, sql, NULL, NULL, &message);
  ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, message ? message : sqlite3_errstr(rc));
  sqlite3_free(message);
}

sqlite3_int64 test_int(sqlite3 *db, const char *sql) {
  sqlite3_stmt *stmt = NULL;
  ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
  ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
  sqlite3_int64 value = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  return value;
}

msg_message test_message(const char *id, const char *body, int64_t created_at) {
  return (msg_message){
      .message_id = id,
      .account_id = 1,
      .sender_number = "+15550001",
      .receiver_number = "15550002",
      .body = body,
      .created_at = created_at,
  };
}

char *test_plan_of(sqlite3 *db, unsigned int shape) {
  char *sql = msg__sqlite_search_sql(shape);
  ck_assert_ptr_nonnull(sql);
  char *explain = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
  ck_assert_ptr_nonnull(explain);
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2(db, explain, -1, &stmt, NULL);
  ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(db));
  sqlite3_str *plan = sqlite3_str_new(NULL);
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
    sqlite3_str_appendf(plan, "%s\n", (const char *)sqlite3_column_text(stmt, 3));
  ck_assert_int_eq(rc, SQLITE_DONE);
  sqlite3_finalize(stmt);
  sqlite3_free(explain);
  sqlite3_free(sql);
  char *text = sqlite3_str_finish(plan);
  ck_assert_ptr_nonnull(text);
  return text;
}
