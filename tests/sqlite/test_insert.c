/*
 * Inserts on a database file: a message and its words are stored together
 * or not at all, a failure never leaves a transaction open, an idempotency
 * key taken in the account stores nothing and returns the holder, a write
 * lock held past the timeout is MSG_ERR_UNAVAILABLE, and an acknowledged
 * message survives the death of its process.
 */
#include "sqlite_test.h"
#include "conditions.h"

#include "rows.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static test_dir dir;
static test_store store;
static msg_backend_rows rows;

static const char id_a[] = "01890000-0000-7000-8000-00000000000a";
static const char id_b[] = "01890000-0000-7000-8000-00000000000b";

static void setup(void) {
  test_dir_make(&dir);
  test_store_open(&store, dir.uri, 5000);
  msg__rows_init(&rows);
}

static void teardown(void) {
  msg__rows_clear(&rows);
  test_store_close(&store);
  test_dir_remove(&dir);
}

static int insert(const msg_message *m, const char *key, const char *words, msg_error *err) {
  msg_backend_record record = {m, key, words};
  msg__rows_clear(&rows);
  return store.backend->insert(store.backend, store.conn, &record, &rows, err);
}

static sqlite3_int64 count_messages(void) {
  return test_int(store.db, "SELECT count(*) FROM messages");
}

/* Messages whose words include `term`, into `rows`. */
static int search_word(const char *term, msg_error *err) {
  const char *const terms[] = {term};
  msg_backend_query q = {.terms = terms, .term_count = 1, .limit = 10};
  msg__rows_clear(&rows);
  q.conditions = msg__query_conditions(&q);
  return store.backend->query(store.backend, store.conn, &q, &rows, err);
}

START_TEST(insert__stores_message_and_words) {
  msg_message a = test_message(id_a, "Hello world", 100);
  msg_error err = {0};
  assert_status(insert(&a, NULL, "hello world", &err), err, MSG_OK);
  ck_assert_int_eq(count_messages(), 1);
  assert_status(search_word("world", &err), err, MSG_OK);
  ck_assert_uint_eq(rows.count, 1);
  ck_assert_str_eq(rows.items[0].message_id, id_a);
  ck_assert_str_eq(rows.items[0].body, "Hello world");
  ck_assert_int_eq(rows.items[0].created_at, 100);
}
END_TEST

START_TEST(insert__failure_after_row_rolls_back_everything) {
  /* Make the word index refuse the next insert: the message row is then
   * already written inside the transaction when the failure comes. */
  test_exec(store.db, "CREATE TRIGGER refuse_words BEFORE INSERT ON messages_fts_docsize"
                      " BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
  msg_message a = test_message(id_a, "hello", 100);
  msg_error err = {0};
  int rc = insert(&a, "key-1", "hello", &err);
  ck_assert_int_ne(rc, MSG_OK);
  ck_assert_int_eq(err.status, rc);
  ck_assert_int_eq(sqlite3_get_autocommit(store.db), 1);
  ck_assert_int_eq(count_messages(), 0);
  ck_assert_uint_eq(rows.count, 0);

  test_exec(store.db, "DROP TRIGGER refuse_words");
  assert_status(insert(&a, "key-1", "hello", &err), err, MSG_OK);
  ck_assert_int_eq(count_messages(), 1);
  assert_status(search_word("hello", &err), err, MSG_OK);
  ck_assert_uint_eq(rows.count, 1);
}
END_TEST

START_TEST(insert__duplicate_message_id_fails_without_open_transaction) {
  msg_message a = test_message(id_a, "one", 100);
  msg_message again = test_message(id_a, "two", 200);
  msg_error err = {0};
  assert_status(insert(&a, NULL, "one", &err), err, MSG_OK);
  assert_status(insert(&again, NULL, "two", &err), err, MSG_ERR_INTERNAL);
  ck_assert_ptr_nonnull(strstr(err.message, "UNIQUE"));
  ck_assert_int_eq(sqlite3_get_autocommit(store.db), 1);
  ck_assert_int_eq(count_messages(), 1);
  assert_status(search_word("two", &err), err, MSG_OK);
  ck_assert_uint_eq(rows.count, 0);
}
END_TEST

START_TEST(insert__taken_key_stores_nothing_and_returns_holder) {
  msg_message a = test_message(id_a, "first", 100);
  msg_message b = test_message(id_b, "second", 200);
  msg_error err = {0};
  assert_status(insert(&a, "key-1", "first", &err), err, MSG_OK);
  assert_status(insert(&b, "key-1", "second", &err), err, MSG_ERR_CONFLICT);
  ck_assert_uint_eq(rows.count, 1);
  ck_assert_str_eq(rows.items[0].message_id, id_a);
  ck_assert_str_eq(rows.items[0].body, "first");
  ck_assert_int_eq(rows.items[0].created_at, 100);
  ck_assert_int_eq(sqlite3_get_autocommit(store.db), 1);
  ck_assert_int_eq(count_messages(), 1);
  assert_status(search_word("second", &err), err, MSG_OK);
  ck_assert_uint_eq(rows.count, 0);
}
END_TEST

START_TEST(insert__key_is_scoped_to_the_account) {
  msg_message a = test_message(id_a, NULL, 100);
  msg_message b = test_message(id_b, NULL, 200);
  b.account_id = 2;
  msg_error err = {0};
  assert_status(insert(&a, "key-1", "", &err), err, MSG_OK);
  assert_status(insert(&b, "key-1", "", &err), err, MSG_OK);
  ck_assert_int_eq(count_messages(), 2);
}
END_TEST

START_TEST(insert__messages_without_key_never_conflict) {
  msg_message a = test_message(id_a, "same", 100);
  msg_message b = test_message(id_b, "same", 100);
  msg_error err = {0};
  assert_status(insert(&a, NULL, "same", &err), err, MSG_OK);
  assert_status(insert(&b, NULL, "same", &err), err, MSG_OK);
  ck_assert_int_eq(count_messages(), 2);
}
END_TEST

START_TEST(insert__keeps_no_body_apart_from_empty_body) {
  msg_message a = test_message(id_a, NULL, 100);
  msg_message b = test_message(id_b, "", 200);
  msg_error err = {0};
  assert_status(insert(&a, NULL, "", &err), err, MSG_OK);
  assert_status(insert(&b, NULL, "", &err), err, MSG_OK);
  msg_backend_query q = {.limit = 10};
  msg__rows_clear(&rows);
  q.conditions = msg__query_conditions(&q);
  assert_status(store.backend->query(store.backend, store.conn, &q, &rows, &err), err, MSG_OK);
  ck_assert_uint_eq(rows.count, 2);
  ck_assert_str_eq(rows.items[0].message_id, id_b);
  ck_assert_str_eq(rows.items[0].body, "");
  ck_assert_str_eq(rows.items[1].message_id, id_a);
  ck_assert_ptr_null(rows.items[1].body);
}
END_TEST

START_TEST(insert__write_lock_held_past_timeout_is_unavailable) {
  test_store_close(&store);
  test_store_open(&store, dir.uri, 50);
  msg_backend_conn *other = test_store_connect(&store);
  sqlite3 *other_db = ((sqlite_conn *)other)->db;
  test_exec(other_db, "BEGIN IMMEDIATE");
  msg_message a = test_message(id_a, "hello", 100);
  msg_error err = {0};
  assert_status(insert(&a, NULL, "hello", &err), err, MSG_ERR_UNAVAILABLE);
  ck_assert_ptr_nonnull(strstr(err.message, "locked"));
  ck_assert_int_eq(sqlite3_get_autocommit(store.db), 1);
  test_exec(other_db, "ROLLBACK");
  store.backend->disconnect(store.backend, other);
  assert_status(insert(&a, NULL, "hello", &err), err, MSG_OK);
  ck_assert_int_eq(count_messages(), 1);
}
END_TEST

/* The child inserts on its own connection and kills itself the moment the
 * insert is acknowledged, with no chance to close anything. */
static void insert_then_die(void) {
  msg_backend_conn *conn = NULL;
  msg_message a = test_message(id_a, "survivor", 100);
  msg_backend_record record = {&a, "key-1", "survivor"};
  if (store.backend->connect(store.backend, &conn, NULL) != MSG_OK ||
      store.backend->insert(store.backend, conn, &record, &rows, NULL) != MSG_OK)
    _exit(1);
  raise(SIGKILL);
  _exit(2);
}

START_TEST(insert__acknowledged_message_survives_process_kill) {
  pid_t child = fork();
  ck_assert_int_ge(child, 0);
  if (child == 0)
    insert_then_die();
  int status = 0;
  ck_assert_int_eq(waitpid(child, &status, 0), child);
  ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "child status %#x", status);
  test_store_close(&store);
  test_store_open(&store, dir.uri, 5000);
  ck_assert_int_eq(count_messages(), 1);
  msg_error err = {0};
  assert_status(search_word("survivor", &err), err, MSG_OK);
  ck_assert_uint_eq(rows.count, 1);
  ck_assert_str_eq(rows.items[0].message_id, id_a);
}
END_TEST

Suite *insert_suite(void) {
  Suite *s = suite_create("insert");
  TCase *tc = tcase_create("insert");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, insert__stores_message_and_words);
  tcase_add_test(tc, insert__failure_after_row_rolls_back_everything);
  tcase_add_test(tc, insert__duplicate_message_id_fails_without_open_transaction);
  tcase_add_test(tc, insert__taken_key_stores_nothing_and_returns_holder);
  tcase_add_test(tc, insert__key_is_scoped_to_the_account);
  tcase_add_test(tc, insert__messages_without_key_never_conflict);
  tcase_add_test(tc, insert__keeps_no_body_apart_from_empty_body);
  tcase_add_test(tc, insert__write_lock_held_past_timeout_is_unavailable);
  tcase_add_test(tc, insert__acknowledged_message_survives_process_kill);
  suite_add_tcase(s, tc);
  return s;
}
