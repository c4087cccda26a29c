/*
 * SQLite's own failures, made on purpose, and what the backend makes of
 * them: SQLite's allocator failing its N-th call (for every N an insert, a
 * search and a whole store's life reach), a database locked by another
 * connection, a statement that cannot be prepared, a value that cannot be
 * bound, a row that cannot be stepped over, a rollback that fails (the
 * connection must then be given up), the retry of the switch to WAL while
 * another connection holds the file, and an idempotency key that conflicts
 * while no row holds it.
 *
 * The allocator is SQLite's pluggable one (SQLITE_CONFIG_MALLOC): a wrapper
 * around the default that fails exactly one call, counted from when it is
 * armed. libmsg's own allocator is left alone here (tests/unit/test_oom.c
 * fails that one).
 */
#include "sqlite_test.h"
#include "conditions.h"

#include "rows.h"

#include <msg/msg.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- SQLite's allocator, failing its N-th call ---- */

static sqlite3_mem_methods real_mem;
static int mem_installed;
/* Calls left before the one that fails (0: the next fails); -1: none fails. */
static long countdown = -1;
static long failures;

static int fail_now(void) {
  if (countdown < 0)
    return 0;
  if (countdown-- > 0)
    return 0;
  failures++;
  return 1;
}

static void *fail_malloc(int n) { return fail_now() ? NULL : real_mem.xMalloc(n); }
static void *fail_realloc(void *p, int n) { return fail_now() ? NULL : real_mem.xRealloc(p, n); }
static void pass_free(void *p) { real_mem.xFree(p); }
static int pass_size(void *p) { return real_mem.xSize(p); }
static int pass_roundup(int n) { return real_mem.xRoundup(n); }
static int pass_init(void *data) { return real_mem.xInit(data); }
static void pass_shutdown(void *data) { real_mem.xShutdown(data); }

/* Puts the failing wrapper in front of SQLite's allocator, once per process
 * (check forks each test; with CK_FORK=no they share it). SQLite takes a new
 * allocator only while shut down, so no connection may be open. */
static void install_failing_allocator(void) {
  if (mem_installed)
    return;
  ck_assert_int_eq(sqlite3_shutdown(), SQLITE_OK);
  ck_assert_int_eq(sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real_mem), SQLITE_OK);
  sqlite3_mem_methods wrapper = real_mem;
  wrapper.xMalloc = fail_malloc;
  wrapper.xRealloc = fail_realloc;
  wrapper.xFree = pass_free;
  wrapper.xSize = pass_size;
  wrapper.xRoundup = pass_roundup;
  wrapper.xInit = pass_init;
  wrapper.xShutdown = pass_shutdown;
  ck_assert_int_eq(sqlite3_config(SQLITE_CONFIG_MALLOC, &wrapper), SQLITE_OK);
  /* Lookaside slots would hide small allocations from the wrapper. */
  ck_assert_int_eq(sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0), SQLITE_OK);
  ck_assert_int_eq(sqlite3_initialize(), SQLITE_OK);
  mem_installed = 1;
}

/* The next `n`-th allocation (0: the very next) fails; the later ones work. */
static void arm(long n) {
  failures = 0;
  countdown = n;
}

/* Disarms; returns whether the armed failure happened. */
static int disarm(void) {
  countdown = -1;
  return failures > 0;
}

/* ---- the fixture ---- */

static test_dir dir;
static test_store store;
static msg_backend_rows rows;

static const char id_a[] = "01890000-0000-7000-8000-00000000000a";
static const char id_b[] = "01890000-0000-7000-8000-00000000000b";

static void setup(void) {
  install_failing_allocator();
  test_dir_make(&dir);
  test_store_open(&store, dir.uri, 5000);
  msg__rows_init(&rows);
}

static void teardown(void) {
  disarm();
  msg__rows_clear(&rows);
  if (store.backend)
    test_store_close(&store);
  test_dir_remove(&dir);
}

static sqlite_conn *conn_of(void) { return (sqlite_conn *)store.conn; }

static int insert_on(msg_backend_conn *conn, const msg_message *m, const char *key,
                     const char *words, msg_error *err) {
  msg_backend_record record = {m, key, words};
  msg__rows_clear(&rows);
  return store.backend->insert(store.backend, conn, &record, &rows, err);
}

static int insert(const msg_message *m, const char *key, const char *words, msg_error *err) {
  return insert_on(store.conn, m, key, words, err);
}

static int search_word(const char *term, msg_error *err) {
  const char *const terms[] = {term};
  msg_backend_query q = {.terms = terms, .term_count = 1, .limit = 10};
  msg__rows_clear(&rows);
  q.conditions = msg__query_conditions(&q);
  return store.backend->query(store.backend, store.conn, &q, &rows, err);
}

static sqlite3_int64 count_messages(void) {
  return test_int(store.db, "SELECT count(*) FROM messages");
}

/* What the pool does with a connection after MSG_ERR_UNAVAILABLE: close it
 * and open a fresh one. */
static void replace_connection(void) {
  store.backend->disconnect(store.backend, store.conn);
  store.conn = test_store_connect(&store);
  store.db = conn_of()->db;
}

/* Replaces a lazily prepared statement of the connection by `sql` (which
 * takes the same parameters), so that it fails in a chosen way. */
static void plant(sqlite3_stmt **slot, const char *sql) {
  sqlite3_finalize(*slot);
  *slot = NULL;
  ck_assert_int_eq(sqlite3_prepare_v2(store.db, sql, -1, slot, NULL), SQLITE_OK);
}

/* Fails with an error when stepped: abs() of the smallest integer overflows.
 * The parameters make it fit the statement it stands in for. */
#define FAILING_STEP_2 "SELECT abs(-9223372036854775807 - 1) + ?1 + length(?2)"

/* ---- SQLite's allocator ---- */

/* Every allocation an insert makes fails in turn: the insert reports
 * MSG_ERR_NOMEM (or, when SQLite gave up the file, MSG_ERR_UNAVAILABLE),
 * leaves no transaction open and stores nothing; the same insert works once
 * the allocator does. */
START_TEST(allocator__each_failure_during_an_insert_is_nomem_and_stores_nothing) {
  long nomem = 0, n;
  for (n = 0; n < 20000; n++) {
    msg_message a = test_message(id_a, "hello world", 100);
    msg_error err = {0};
    arm(n);
    int rc = insert(&a, "key-1", "hello world", &err);
    int failed = disarm();
    if (!failed) {
      assert_status(rc, err, MSG_OK);
      break;
    }
    ck_assert_msg(rc == MSG_ERR_NOMEM || rc == MSG_ERR_UNAVAILABLE || rc == MSG_OK,
                  "allocation %ld: %s: %s", n, msg_status_str(rc), err.message);
    if (rc == MSG_OK) { /* SQLite recovered from that one by itself */
      test_exec(store.db, "DELETE FROM messages_fts; DELETE FROM messages");
      continue;
    }
    nomem += rc == MSG_ERR_NOMEM;
    ck_assert_int_eq(err.status, rc);
    if (rc == MSG_ERR_UNAVAILABLE)
      replace_connection();
    ck_assert_int_eq(sqlite3_get_autocommit(store.db), 1);
    ck_assert_int_eq(count_messages(), 0);
  }
  ck_assert_msg(n > 0 && n < 20000, "the insert made %ld allocations", n);
  ck_assert_msg(nomem > 0, "no failure was reported as MSG_ERR_NOMEM");
  ck_assert_int_eq(count_messages(), 1);
  msg_error err = {0};
  assert_status(search_word("world", &err), err, MSG_OK);
  ck_assert_uint_eq(rows.count, 1);
}
END_TEST

/* The same for a search with words (its statements prepared on first use):
 * a failed search returns no rows and MSG_ERR_NOMEM. */
START_TEST(allocator__each_failure_during_a_search_is_nomem) {
  msg_message a = test_message(id_a, "hello world", 100);
  msg_error err = {0};
  assert_status(insert(&a, NULL, "hello world", &err), err, MSG_OK);
  long nomem = 0, n;
  for (n = 0; n < 20000; n++) {
    arm(n);
    int rc = search_word("world", &err);
    int failed = disarm();
    if (!failed) {
      assert_status(rc, err, MSG_OK);
      break;
    }
    if (rc == MSG_OK) {
      ck_assert_uint_eq(rows.count, 1);
      continue;
    }
    ck_assert_msg(rc == MSG_ERR_NOMEM || rc == MSG_ERR_UNAVAILABLE, "allocation %ld: %s: %s", n,
                  msg_status_str(rc), err.message);
    nomem += rc == MSG_ERR_NOMEM;
    if (rc == MSG_ERR_UNAVAILABLE)
      replace_connection();
  }
  ck_assert_msg(n > 0 && n < 20000, "the search made %ld allocations", n);
  ck_assert_msg(nomem > 0, "no failure was reported as MSG_ERR_NOMEM");
  ck_assert_uint_eq(rows.count, 1);
  ck_assert_str_eq(rows.items[0].message_id, id_a);
}
END_TEST

/* A store's whole life through the public API, opening (connection,
 * migrations) included, with each allocation failing in turn: every call
 * fails cleanly with a status (never a crash or a leak, which ASan and
 * valgrind would report), and the file is usable afterwards. */
START_TEST(allocator__each_failure_in_a_store_life_fails_cleanly) {
  test_store_close(&store);
  /* Thousands of fresh files: in memory (/dev/shm) when the machine has it,
   * where a sync costs nothing, and without a sync per commit. */
  char shm_dir[] = "/dev/shm/msg-sqlite-faults-XXXXXX";
  char path[sizeof dir.dir + sizeof shm_dir + 16], uri[sizeof path + 48];
  int in_shm = mkdtemp(shm_dir) != NULL;
  snprintf(path, sizeof path, "%s/store.db", in_shm ? shm_dir : dir.dir);
  snprintf(uri, sizeof uri, "sqlite:%s?synchronous=normal", path);
  long n, reported = 0;
  int last = MSG_OK;
  for (n = 0; n < 50000; n++) {
    test_remove_db(path);
    arm(n);
    msg_store *s = NULL;
    msg_error err = {0};
    int rc = msg_store_open(&s, uri, NULL, &err);
    msg_message *m = NULL;
    if (rc == MSG_OK) {
      msg_new_message in = {.account_id = 7, .sender_number = "+15550001",
                            .receiver_number = "15550002", .body = "hello world"};
      rc = msg_message_create(&m, NULL, s, &in, &err);
    }
    msg_page *page = NULL;
    if (rc == MSG_OK) {
      msg_filter filter = MSG_FILTER_INIT;
      filter.q = "world";
      msg_page_request req = MSG_PAGE_REQUEST_INIT;
      rc = msg_message_search(&page, s, &filter, &req, &err);
      if (rc == MSG_OK && page->count != 1)
        rc = MSG_ERR_INTERNAL;
    }
    msg_page_free(page);
    msg_message_free(m);
    msg_store_close(s);
    int failed = disarm();
    if (!failed) {
      assert_status(rc, err, MSG_OK);
      break;
    }
    if (rc != MSG_OK) {
      ck_assert_msg(rc == MSG_ERR_NOMEM || rc == MSG_ERR_UNAVAILABLE, "allocation %ld: %s: %s", n,
                    msg_status_str(rc), err.message);
      ck_assert_int_eq(err.status, rc);
      reported++;
      last = rc;
    }
  }
  ck_assert_msg(n > 0 && n < 50000, "a store's life made %ld allocations", n);
  ck_assert_msg(reported > 0, "no allocation failure reached the caller (last %d)", last);
  test_remove_db(path);
  if (in_shm)
    ck_assert_int_eq(rmdir(shm_dir), 0);
}
END_TEST

/* ---- locks ---- */

/* Another connection holding the file exclusively (locking_mode=EXCLUSIVE
 * after a write) keeps every other connection out, even in WAL mode:
 * connecting past the busy timeout is MSG_ERR_UNAVAILABLE naming the lock,
 * and works once the lock is gone. */
START_TEST(locked__a_file_held_exclusively_makes_connecting_unavailable) {
  msg_message a = test_message(id_a, "hello", 100);
  msg_error err = {0};
  assert_status(insert(&a, NULL, "hello", &err), err, MSG_OK);
  test_store_close(&store);
  sqlite3 *holder = NULL;
  ck_assert_int_eq(sqlite3_open(dir.path, &holder), SQLITE_OK);
  test_exec(holder, "PRAGMA locking_mode=EXCLUSIVE; BEGIN IMMEDIATE;"
                    " UPDATE messages SET body = body; COMMIT");
  msg_store_options opts = MSG_STORE_OPTIONS_INIT;
  opts.timeout_ms = 50;
  unsigned int pool_size = 0;
  assert_status(msg__sqlite_open(&store.backend, &pool_size, dir.uri, &opts, NULL, &err), err,
                MSG_OK);
  assert_status(store.backend->connect(store.backend, &store.conn, &err), err,
                MSG_ERR_UNAVAILABLE);
  ck_assert_msg(strstr(err.message, "locked"), "%s", err.message);
  ck_assert_ptr_null(store.conn);
  sqlite3_close(holder);
  store.conn = test_store_connect(&store);
  store.db = conn_of()->db;
  assert_status(search_word("hello", &err), err, MSG_OK);
  ck_assert_uint_eq(rows.count, 1);
}
END_TEST

/* The switch of a new file to WAL needs the file to itself. While another
 * connection holds the write lock of a file in rollback-journal mode (as
 * when two connections switch the same new file at once), SQLite answers
 * SQLITE_BUSY at once, without calling the busy handler, so connecting
 * retries until the timeout: a writer that lets go in time does not make
 * connecting fail, one that stays makes it MSG_ERR_UNAVAILABLE after about
 * the timeout. */
typedef struct reader {
  sqlite3 *db;
  int hold_ms;
} reader;

static void *release_later(void *arg) {
  reader *r = arg;
  struct timespec ts = {r->hold_ms / 1000, (r->hold_ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
  test_exec(r->db, "COMMIT");
  return NULL;
}

/* A fresh file in rollback-journal mode with a writer's lock on it. */
static sqlite3 *file_with_reader(const char *path) {
  sqlite3 *db = NULL;
  ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000); /* its COMMIT may wait for the switching connection */
  test_exec(db, "CREATE TABLE t (x); BEGIN IMMEDIATE");
  return db;
}

START_TEST(wal__switch_retries_while_another_connection_writes) {
  test_store_close(&store);
  test_remove_db(dir.path);
  reader r = {file_with_reader(dir.path), 150};
  pthread_t thread;
  ck_assert_int_eq(pthread_create(&thread, NULL, release_later, &r), 0);
  test_store_open(&store, dir.uri, 3000);
  ck_assert_int_eq(pthread_join(thread, NULL), 0);
  sqlite3_close(r.db);
  sqlite3_stmt *stmt = NULL;
  ck_assert_int_eq(sqlite3_prepare_v2(store.db, "PRAGMA journal_mode", -1, &stmt, NULL), SQLITE_OK);
  ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
  ck_assert_str_eq((const char *)sqlite3_column_text(stmt, 0), "wal");
  sqlite3_finalize(stmt);
}
END_TEST

START_TEST(wal__switch_gives_up_at_the_timeout) {
  test_store_close(&store);
  test_remove_db(dir.path);
  sqlite3 *db = file_with_reader(dir.path);
  msg_store_options opts = MSG_STORE_OPTIONS_INIT;
  opts.timeout_ms = 100;
  unsigned int pool_size = 0;
  msg_error err = {0};
  msg_backend *backend = NULL;
  msg_backend_conn *conn = NULL;
  assert_status(msg__sqlite_open(&backend, &pool_size, dir.uri, &opts, NULL, &err), err, MSG_OK);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  assert_status(backend->connect(backend, &conn, &err), err, MSG_ERR_UNAVAILABLE);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
  ck_assert_msg(ms >= 90 && ms < 2000, "gave up after %ld ms", ms);
  ck_assert_ptr_null(conn);
  backend->free(backend);
  test_exec(db, "COMMIT");
  sqlite3_close(db);
}
END_TEST

/* ---- prepare, bind and step ---- */

START_TEST(prepare__a_statement_that_cannot_be_prepared_is_internal) {
  test_exec(store.db, "DROP TABLE messages_fts");
  msg_message a = test_message(id_a, "hello", 100);
  msg_error err = {0};
  assert_status(insert(&a, NULL, "hello", &err), err, MSG_ERR_INTERNAL);
  ck_assert_msg(strstr(err.message, "preparing a statement") && strstr(err.message, "messages_fts"),
                "%s", err.message);
  ck_assert_int_eq(sqlite3_get_autocommit(store.db), 1);
  ck_assert_int_eq(count_messages(), 0);
}
END_TEST

START_TEST(bind__a_value_sqlite_refuses_to_bind_is_internal_and_stores_nothing) {
  /* Values longer than the connection's length limit cannot be bound (the
   * first insert prepares the statements, under the normal limit). */
  msg_message first = test_message(id_b, "short", 50);
  msg_error err = {0};
  assert_status(insert(&first, NULL, "short", &err), err, MSG_OK);
  sqlite3_limit(store.db, SQLITE_LIMIT_LENGTH, 8);
  msg_message a = test_message(id_a, "a body longer than eight bytes", 100);
  assert_status(insert(&a, NULL, "body", &err), err, MSG_ERR_INTERNAL);
  ck_assert_msg(strstr(err.message, "inserting a message") && strstr(err.message, "too big"), "%s",
                err.message);
  ck_assert_int_eq(sqlite3_get_autocommit(store.db), 1);
  sqlite3_limit(store.db, SQLITE_LIMIT_LENGTH, 1000000000);
  ck_assert_int_eq(count_messages(), 1);
  assert_status(insert(&a, NULL, "body", &err), err, MSG_OK);
}
END_TEST

START_TEST(step__a_row_that_cannot_be_read_fails_the_search) {
  msg_message a = test_message(id_a, "a body longer than sixteen bytes", 100);
  msg_error err = {0};
  assert_status(insert(&a, NULL, "body", &err), err, MSG_OK);
  sqlite3_limit(store.db, SQLITE_LIMIT_LENGTH, 16);
  assert_status(search_word("body", &err), err, MSG_ERR_INTERNAL);
  ck_assert_uint_eq(rows.count, 0);
  sqlite3_limit(store.db, SQLITE_LIMIT_LENGTH, 1000000000);
  assert_status(search_word("body", &err), err, MSG_OK);
  ck_assert_uint_eq(rows.count, 1);
}
END_TEST

START_TEST(step__a_failure_after_the_row_is_written_rolls_back) {
  msg_error err = {0};
  plant(&conn_of()->insert_fts, FAILING_STEP_2);
  msg_message a = test_message(id_a, "hello", 100);
  assert_status(insert(&a, NULL, "hello", &err), err, MSG_ERR_INTERNAL);
  ck_assert_msg(strstr(err.message, "indexing a message's words"), "%s", err.message);
  ck_assert_int_eq(sqlite3_get_autocommit(store.db), 1);
  ck_assert_int_eq(count_messages(), 0);
}
END_TEST

/* ---- rollback ---- */

/* When the rollback after a failure fails too, the transaction stays open on
 * that connection: the insert must then say MSG_ERR_UNAVAILABLE (the pool
 * closes such a connection, which rolls back), not the first failure. */
START_TEST(rollback__a_failed_rollback_gives_up_the_connection) {
  msg_error err = {0};
  plant(&conn_of()->insert_fts, FAILING_STEP_2);
  plant(&conn_of()->rollback, "SELECT abs(-9223372036854775807 - 1)");
  msg_message a = test_message(id_a, "hello", 100);
  assert_status(insert(&a, NULL, "hello", &err), err, MSG_ERR_UNAVAILABLE);
  ck_assert_msg(strstr(err.message, "rolling back") && strstr(err.message, "connection is closed"),
                "%s", err.message);
  ck_assert_int_eq(sqlite3_get_autocommit(store.db), 0);
  /* Closing the connection rolls back: nothing was stored. */
  replace_connection();
  ck_assert_int_eq(count_messages(), 0);
  assert_status(insert(&a, NULL, "hello", &err), err, MSG_OK);
  ck_assert_int_eq(count_messages(), 1);
}
END_TEST

/* ---- idempotency ---- */

/* The insert found the account's key taken, but reading the row holding it
 * finds none (here: the lookup is made to find nothing): that is a bug or a
 * corrupt file, MSG_ERR_INTERNAL, and nothing is stored. */
START_TEST(idempotency__a_conflict_with_no_holder_is_internal) {
  msg_message a = test_message(id_a, "first", 100);
  msg_message b = test_message(id_b, "second", 200);
  msg_error err = {0};
  assert_status(insert(&a, "key-1", "first", &err), err, MSG_OK);
  plant(&conn_of()->find_by_key, "SELECT " SQLITE_MESSAGE_COLUMNS
                                 " FROM messages WHERE account_id = ?1 AND idempotency_key = ?2"
                                 " AND 0");
  assert_status(insert(&b, "key-1", "second", &err), err, MSG_ERR_INTERNAL);
  ck_assert_msg(strstr(err.message, "conflicted but no message holds it"), "%s", err.message);
  ck_assert_uint_eq(rows.count, 0);
  ck_assert_int_eq(sqlite3_get_autocommit(store.db), 1);
  ck_assert_int_eq(count_messages(), 1);
}
END_TEST

Suite *faults_suite(void) {
  Suite *s = suite_create("faults");
  TCase *tc = tcase_create("faults");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, allocator__each_failure_during_an_insert_is_nomem_and_stores_nothing);
  tcase_add_test(tc, allocator__each_failure_during_a_search_is_nomem);
  tcase_add_test(tc, allocator__each_failure_in_a_store_life_fails_cleanly);
  tcase_add_test(tc, locked__a_file_held_exclusively_makes_connecting_unavailable);
  tcase_add_test(tc, wal__switch_retries_while_another_connection_writes);
  tcase_add_test(tc, wal__switch_gives_up_at_the_timeout);
  tcase_add_test(tc, prepare__a_statement_that_cannot_be_prepared_is_internal);
  tcase_add_test(tc, bind__a_value_sqlite_refuses_to_bind_is_internal_and_stores_nothing);
  tcase_add_test(tc, step__a_row_that_cannot_be_read_fails_the_search);
  tcase_add_test(tc, step__a_failure_after_the_row_is_written_rolls_back);
  tcase_add_test(tc, rollback__a_failed_rollback_gives_up_the_connection);
  tcase_add_test(tc, idempotency__a_conflict_with_no_holder_is_internal);
  suite_add_tcase(s, tc);
  return s;
}
