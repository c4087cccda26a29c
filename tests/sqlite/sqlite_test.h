/*
 * Shared declarations of the SQLite backend's own tests: one check suite
 * per concern, listed once in meson.build, and a fixture that opens the
 * backend directly (no core, no pool) on a file in a fresh temporary folder,
 * so a test can reach the connection's sqlite3 handle.
 */
#ifndef MSG_TEST_SQLITE_TEST_H
#define MSG_TEST_SQLITE_TEST_H

#include "builtin.h"
#include "sqlite_backend.h"

#include <check.h>

Suite *plan_suite(void);
Suite *schema_suite(void);
Suite *insert_suite(void);
Suite *query_suite(void);
Suite *uri_suite(void);
Suite *memory_suite(void);
Suite *text_suite(void);
Suite *faults_suite(void);

/* A temporary folder; `path` is where a test's database file goes. */
typedef struct test_dir {
  char dir[64];
  char path[128]; /* dir + "/store.db" */
  char uri[160];  /* "sqlite:" + path */
} test_dir;

void test_dir_make(test_dir *d);
/* Removes d->path (see test_remove_db) and the folder, which must then be
 * empty. */
void test_dir_remove(test_dir *d);
/* Removes a database file and its WAL, shared-memory and journal files. */
void test_remove_db(const char *path);

/* A backend opened on `uri` with one connection, migrated. */
typedef struct test_store {
  msg_backend *backend;
  msg_backend_conn *conn;
  sqlite3 *db; /* the connection's handle */
} test_store;

/* Opens and migrates; fails the test on any error. */
void test_store_open(test_store *s, const char *uri, unsigned int timeout_ms);
/* Opens a second connection on the same backend. */
msg_backend_conn *test_store_connect(test_store *s);
void test_store_close(test_store *s);

/* Runs SQL without results on `db`; fails the test on error. */
void test_exec(sqlite3 *db, const char *sql);
/* The first column of the first row of `sql` as an integer. */
sqlite3_int64 test_int(sqlite3 *db, const char *sql);

/* The lines of EXPLAIN QUERY PLAN (its "detail" column) for the search
 * statement of `shape` on `db`, one per line. Caller frees with
 * sqlite3_free. */
char *test_plan_of(sqlite3 *db, unsigned int shape);

/* A message with the given id and body, in account 1 from +15550001 to
 * 15550002, created at `created_at`. */
msg_message test_message(const char *id, const char *body, int64_t created_at);

#define assert_status(rc, err, want)                                                               \
  do {                                                                                             \
    int assert_rc_ = (rc);                                                                         \
    ck_assert_msg(assert_rc_ == (want), "status %s (%d), want %s: %s", msg_status_str(assert_rc_), \
                  assert_rc_, msg_status_str(want), (err).message);                                \
  } while (0)

#endif
