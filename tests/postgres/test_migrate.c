/*
 * Migrations under concurrency: processes opening the same empty database at
 * the same moment must all succeed and leave exactly one copy of the schema;
 * a database already current must open without taking the migration lock;
 * and a migration that cannot get the lock gives up within the timeout.
 */
#include "pgtest_suites.h"

#include <msg/msg.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The advisory lock key of libmsg's migrations (pg_schema.c). */
#define MIGRATION_LOCK_KEY "7811883250877923329"
#define SCHEMA_VERSION "1"
#define OPENERS 4

/* A child: waits for the start signal (EOF on `gate`), opens, exits 0 on
 * success or with the negated status. */
static void open_in_child(int gate, const char *uri) {
  char byte;
  while (read(gate, &byte, 1) > 0)
    ;
  msg_store_options opts = MSG_STORE_OPTIONS_INIT;
  opts.timeout_ms = 20000;
  msg_store *store = NULL;
  msg_error err;
  int rc = msg_store_open(&store, uri, &opts, &err);
  if (rc != MSG_OK)
    fprintf(stderr, "open failed: %s: %s\n", msg_status_str(rc), err.message);
  msg_store_close(store);
  _exit(rc == MSG_OK ? 0 : -rc);
}

static void assert_schema_once(const char *dbname) {
  char *uri = pgt_uri_for(dbname);
  PGconn *db = PQconnectdb(uri);
  ck_assert_msg(PQstatus(db) == CONNECTION_OK, "%s", PQerrorMessage(db));
  char *versions = pgt_sql(db, "SELECT string_agg(version::text, ',' ORDER BY version)"
                               " FROM msg_schema_version");
  ck_assert_str_eq(versions, SCHEMA_VERSION);
  char *tables = pgt_sql(db, "SELECT count(*) FROM pg_tables WHERE tablename = 'messages'");
  ck_assert_str_eq(tables, "1");
  char *indexes = pgt_sql(db, "SELECT count(*) FROM pg_indexes WHERE tablename = 'messages'");
  ck_assert_str_eq(indexes, "7");
  free(versions);
  free(tables);
  free(indexes);
  PQfinish(db);
  free(uri);
}

START_TEST(migrate__processes_opening_one_empty_database_at_once_all_succeed) {
  /* A few rounds: each is a race that one run could win by luck. */
  for (int round = 0; round < 3; round++) {
    char *dbname = pgt_create_database("msgtest_migrate");
    char *uri = pgt_uri_for(dbname);
    int gate[2];
    ck_assert_int_eq(pipe(gate), 0);
    pid_t children[OPENERS];
    for (int i = 0; i < OPENERS; i++) {
      children[i] = fork();
      ck_assert_int_ge(children[i], 0);
      if (children[i] == 0) {
        close(gate[1]);
        open_in_child(gate[0], uri);
      }
    }
    close(gate[0]);
    pgt_sleep_ms(200); /* every child is now blocked on the gate */
    close(gate[1]);
    for (int i = 0; i < OPENERS; i++) {
      int status = 0;
      ck_assert_int_eq(waitpid(children[i], &status, 0), children[i]);
      ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                    "round %d: opener %d failed with status %d (see stderr)", round, i,
                    WIFEXITED(status) ? -WEXITSTATUS(status) : -999);
    }
    assert_schema_once(dbname);
    pgt_drop_database(dbname);
    free(uri);
    free(dbname);
  }
}
END_TEST

START_TEST(migrate__a_current_database_opens_without_the_migration_lock) {
  char *dbname = pgt_create_database("msgtest_current");
  char *uri = pgt_uri_for(dbname);
  msg_store *store = NULL;
  msg_error err;
  int rc = msg_store_open(&store, uri, NULL, &err);
  ck_assert_msg(rc == MSG_OK, "first open: %s", err.message);
  msg_store_close(store);

  /* Another session holds the lock a migration would wait for. */
  PGconn *holder = PQconnectdb(uri);
  ck_assert_msg(PQstatus(holder) == CONNECTION_OK, "%s", PQerrorMessage(holder));
  free(pgt_sql(holder, "SELECT pg_advisory_lock(" MIGRATION_LOCK_KEY ")"));
  msg_store_options opts = MSG_STORE_OPTIONS_INIT;
  opts.timeout_ms = 2000;
  int64_t start = pgt_now_ms();
  rc = msg_store_open(&store, uri, &opts, &err);
  int64_t took = pgt_now_ms() - start;
  /* Had it waited for the lock, its statement timeout would have ended the
   * open with MSG_ERR_UNAVAILABLE. */
  ck_assert_msg(rc == MSG_OK, "second open: %s", err.message);
  ck_assert_msg(took < (int64_t)opts.timeout_ms, "the second open took %lld ms", (long long)took);
  msg_store_close(store);
  PQfinish(holder);
  assert_schema_once(dbname);
  pgt_drop_database(dbname);
  free(uri);
  free(dbname);
}
END_TEST

START_TEST(migrate__waits_for_a_held_lock_no_longer_than_the_timeout) {
  char *dbname = pgt_create_database("msgtest_locked");
  char *uri = pgt_uri_for(dbname);
  PGconn *holder = PQconnectdb(uri);
  ck_assert_msg(PQstatus(holder) == CONNECTION_OK, "%s", PQerrorMessage(holder));
  free(pgt_sql(holder, "SELECT pg_advisory_lock(" MIGRATION_LOCK_KEY ")"));
  msg_store_options opts = MSG_STORE_OPTIONS_INIT;
  opts.timeout_ms = 1000;
  msg_store *store = NULL;
  msg_error err;
  int64_t start = pgt_now_ms();
  int rc = msg_store_open(&store, uri, &opts, &err);
  int64_t took = pgt_now_ms() - start;
  ck_assert_msg(rc == MSG_ERR_UNAVAILABLE, "open under a held lock: %s (%s)", msg_status_str(rc),
                err.message);
  ck_assert_ptr_null(store);
  ck_assert_msg(took < 3 * (int64_t)opts.timeout_ms, "open gave up after %lld ms", (long long)took);

  /* Once the lock is free the same database migrates normally. */
  PQfinish(holder);
  rc = msg_store_open(&store, uri, &opts, &err);
  ck_assert_msg(rc == MSG_OK, "open after the lock was released: %s", err.message);
  msg_store_close(store);
  assert_schema_once(dbname);
  pgt_drop_database(dbname);
  free(uri);
  free(dbname);
}
END_TEST

Suite *pgt_migrate_suite(void) {
  Suite *s = suite_create("migrate");
  TCase *tc = tcase_create("migrate");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, migrate__processes_opening_one_empty_database_at_once_all_succeed);
  tcase_add_test(tc, migrate__a_current_database_opens_without_the_migration_lock);
  tcase_add_test(tc, migrate__waits_for_a_held_lock_no_longer_than_the_timeout);
  suite_add_tcase(s, tc);
  return s;
}
