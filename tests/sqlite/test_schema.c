/*
 * Migrations and connection settings on a database file: the first open
 * creates the schema, a later open of a current file does no DDL and takes
 * no write lock, concurrent first opens are safe, a newer schema is refused,
 * and every connection runs in WAL with the durability the URI asked for.
 */
#include "sqlite_test.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static test_dir dir;

static void setup(void) {
  test_dir_make(&dir);
}

static void teardown(void) {
  test_dir_remove(&dir);
}

/* Every schema object with its SQL, in one string. Caller frees with
 * sqlite3_free. */
static char *schema_dump(sqlite3 *db) {
  sqlite3_stmt *stmt = NULL;
  ck_assert_int_eq(sqlite3_prepare_v2(db,
                                      "SELECT type || ' ' || name || ' ' || ifnull(sql, '')"
                                      " FROM sqlite_master ORDER BY name",
                                      -1, &stmt, NULL),
                   SQLITE_OK);
  sqlite3_str *dump = sqlite3_str_new(NULL);
  while (sqlite3_step(stmt) == SQLITE_ROW)
    sqlite3_str_appendf(dump, "%s\n", (const char *)sqlite3_column_text(stmt, 0));
  sqlite3_finalize(stmt);
  char *text = sqlite3_str_finish(dump);
  ck_assert_ptr_nonnull(text);
  return text;
}

START_TEST(migrate__creates_tables_indexes_and_version) {
  test_store s;
  test_store_open(&s, dir.uri, 5000);
  ck_assert_int_eq(test_int(s.db, "PRAGMA user_version"), 1);
  static const char *const objects[] = {
      "messages",         "messages_by_account", "messages_by_sender", "messages_by_receiver",
      "messages_by_time", "messages_fts",
  };
  for (size_t i = 0; i < sizeof objects / sizeof objects[0]; i++) {
    char *sql = sqlite3_mprintf("SELECT count(*) FROM sqlite_master WHERE name = '%q'", objects[i]);
    ck_assert_msg(test_int(s.db, sql) == 1, "missing %s", objects[i]);
    sqlite3_free(sql);
  }
  test_store_close(&s);
}
END_TEST

/* Records every statement the connection runs. */
static int trace_statement(unsigned int type, void *ctx, void *p, void *x) {
  sqlite3_str *log = ctx;
  sqlite3_str_appendf(log, "%s\n", (const char *)x);
  return 0;
}

START_TEST(migrate__second_open_of_current_file_does_no_ddl) {
  test_store first;
  test_store_open(&first, dir.uri, 5000);
  long long schema_version = test_int(first.db, "PRAGMA schema_version");
  char *schema = schema_dump(first.db);
  test_store_close(&first);

  msg_store_options opts = MSG_STORE_OPTIONS_INIT;
  unsigned int pool_size = 0;
  msg_error err = {0};
  test_store second = {0};
  assert_status(msg__sqlite_open(&second.backend, &pool_size, dir.uri, &opts, NULL, &err), err,
                MSG_OK);
  second.conn = test_store_connect(&second);
  second.db = ((sqlite_conn *)second.conn)->db;
  sqlite3_str *log = sqlite3_str_new(NULL);
  sqlite3_trace_v2(second.db, SQLITE_TRACE_STMT, trace_statement, log);
  assert_status(second.backend->migrate(second.backend, second.conn, &err), err, MSG_OK);
  sqlite3_trace_v2(second.db, 0, NULL, NULL);
  char *statements = sqlite3_str_finish(log);
  ck_assert_ptr_nonnull(statements);
  ck_assert_msg(strstr(statements, "CREATE") == NULL && strstr(statements, "BEGIN") == NULL &&
                    strstr(statements, "user_version =") == NULL,
                "a current schema was migrated again:\n%s", statements);

  ck_assert_int_eq(test_int(second.db, "PRAGMA schema_version"), schema_version);
  ck_assert_int_eq(test_int(second.db, "PRAGMA user_version"), 1);
  char *schema_after = schema_dump(second.db);
  ck_assert_str_eq(schema_after, schema);
  sqlite3_free(schema_after);
  sqlite3_free(statements);
  sqlite3_free(schema);
  test_store_close(&second);
}
END_TEST

START_TEST(migrate__current_file_opens_while_another_connection_writes) {
  test_store first;
  test_store_open(&first, dir.uri, 5000);
  test_exec(first.db, "BEGIN IMMEDIATE");
  test_store second;
  test_store_open(&second, dir.uri, 100);
  test_exec(first.db, "ROLLBACK");
  test_store_close(&second);
  test_store_close(&first);
}
END_TEST

enum { RACERS = 8 };

typedef struct racer {
  const char *uri;
  int status;
  msg_error err;
} racer;

/* Runs in its own thread, where check's assertions must not be used: the
 * outcome goes to r->status. */
static void *open_and_migrate(void *arg) {
  racer *r = arg;
  msg_store_options opts = MSG_STORE_OPTIONS_INIT;
  opts.timeout_ms = 10000;
  unsigned int pool_size = 0;
  msg_backend *backend = NULL;
  msg_backend_conn *conn = NULL;
  r->status = msg__sqlite_open(&backend, &pool_size, r->uri, &opts, NULL, &r->err);
  if (r->status == MSG_OK)
    r->status = backend->connect(backend, &conn, &r->err);
  if (r->status == MSG_OK) {
    r->status = backend->migrate(backend, conn, &r->err);
    backend->disconnect(backend, conn);
  }
  if (backend)
    backend->free(backend);
  return NULL;
}

START_TEST(migrate__concurrent_first_opens_all_succeed) {
  pthread_t threads[RACERS];
  racer racers[RACERS] = {0};
  for (int i = 0; i < RACERS; i++) {
    racers[i].uri = dir.uri;
    ck_assert_int_eq(pthread_create(&threads[i], NULL, open_and_migrate, &racers[i]), 0);
  }
  for (int i = 0; i < RACERS; i++) {
    ck_assert_int_eq(pthread_join(threads[i], NULL), 0);
    assert_status(racers[i].status, racers[i].err, MSG_OK);
  }
  test_store s;
  test_store_open(&s, dir.uri, 5000);
  ck_assert_int_eq(test_int(s.db, "PRAGMA user_version"), 1);
  ck_assert_int_eq(test_int(s.db, "SELECT count(*) FROM sqlite_master WHERE name = 'messages'"), 1);
  test_store_close(&s);
}
END_TEST

START_TEST(migrate__refuses_newer_schema) {
  test_store s;
  test_store_open(&s, dir.uri, 5000);
  test_exec(s.db, "PRAGMA user_version = 2");
  msg_error err = {0};
  assert_status(s.backend->migrate(s.backend, s.conn, &err), err, MSG_ERR_INTERNAL);
  ck_assert_ptr_nonnull(strstr(err.message, "newer"));
  ck_assert_int_eq(sqlite3_get_autocommit(s.db), 1);
  test_store_close(&s);
}
END_TEST

START_TEST(connect__file_uses_wal_and_full_sync_by_default) {
  test_store s;
  test_store_open(&s, dir.uri, 5000);
  sqlite3_stmt *stmt = NULL;
  ck_assert_int_eq(sqlite3_prepare_v2(s.db, "PRAGMA journal_mode", -1, &stmt, NULL), SQLITE_OK);
  ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
  ck_assert_str_eq((const char *)sqlite3_column_text(stmt, 0), "wal");
  sqlite3_finalize(stmt);
  ck_assert_int_eq(test_int(s.db, "PRAGMA synchronous"), 2);
  test_store_close(&s);
}
END_TEST

START_TEST(connect__synchronous_normal_is_honoured) {
  char uri[sizeof dir.uri + 32];
  snprintf(uri, sizeof uri, "%s?synchronous=normal", dir.uri);
  test_store s;
  test_store_open(&s, uri, 5000);
  ck_assert_int_eq(test_int(s.db, "PRAGMA synchronous"), 1);
  test_store_close(&s);
}
END_TEST

Suite *schema_suite(void) {
  Suite *s = suite_create("schema");
  TCase *tc = tcase_create("schema");
  tcase_set_timeout(tc, 30);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, migrate__creates_tables_indexes_and_version);
  tcase_add_test(tc, migrate__second_open_of_current_file_does_no_ddl);
  tcase_add_test(tc, migrate__current_file_opens_while_another_connection_writes);
  tcase_add_test(tc, migrate__concurrent_first_opens_all_succeed);
  tcase_add_test(tc, migrate__refuses_newer_schema);
  tcase_add_test(tc, connect__file_uses_wal_and_full_sync_by_default);
  tcase_add_test(tc, connect__synchronous_normal_is_honoured);
  suite_add_tcase(s, tc);
  return s;
}
