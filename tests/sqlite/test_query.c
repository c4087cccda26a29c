/*
 * Queries on a small set of messages: the order and the keyset position,
 * sets of one and of several values, exclusive time bounds, whole-word text
 * matching where every term must match, values that are never read as SQL,
 * JSON or FTS5 syntax, and one prepared statement per shape per connection.
 */
#include "sqlite_test.h"
#include "conditions.h"

#include "rows.h"

#include <stdarg.h>

static test_store store;
static msg_backend_rows rows;

static const char id_a[] = "01890000-0000-7000-8000-00000000000a";
static const char id_b[] = "01890000-0000-7000-8000-00000000000b";
static const char id_c[] = "01890000-0000-7000-8000-00000000000c";

static void add(const char *id, int64_t account, const char *sender, int64_t created_at,
                const char *body, const char *words) {
  msg_message m = test_message(id, body, created_at);
  m.account_id = account;
  m.sender_number = sender;
  msg_backend_record record = {&m, NULL, words};
  msg_error err = {0};
  msg__rows_clear(&rows);
  assert_status(store.backend->insert(store.backend, store.conn, &record, &rows, &err), err,
                MSG_OK);
}

/* a and b share a time, so their ids break the tie; c is older. */
static void setup(void) {
  test_store_open(&store, "sqlite::memory:", 5000);
  msg__rows_init(&rows);
  add(id_a, 1, "+111", 100, "Hello wörld, 東京", "hello wörld 東京");
  add(id_b, 2, "222", 100, "and or not near", "and or not near");
  add(id_c, 1, "333", 50, NULL, "");
}

static void teardown(void) {
  msg__rows_clear(&rows);
  test_store_close(&store);
}

static void run(const msg_backend_query *q) {
  msg_error err = {0};
  msg__rows_clear(&rows);
  msg_backend_query with = *q; /* the core computes the conditions */
  with.conditions = msg__query_conditions(q);
  assert_status(store.backend->query(store.backend, store.conn, &with, &rows, &err), err, MSG_OK);
}

/* Fails unless `rows` holds exactly the ids given, in order (NULL ends). */
static void assert_ids(const char *first, ...) {
  va_list ap;
  va_start(ap, first);
  size_t i = 0;
  for (const char *id = first; id; id = va_arg(ap, const char *), i++) {
    ck_assert_msg(i < rows.count, "row %zu missing (want %s)", i, id);
    ck_assert_str_eq(rows.items[i].message_id, id);
  }
  va_end(ap);
  ck_assert_uint_eq(rows.count, i);
}

START_TEST(query__orders_newest_first_then_id_descending_up_to_limit) {
  msg_backend_query q = {.limit = 2};
  run(&q);
  assert_ids(id_b, id_a, NULL);
  q.limit = 10;
  run(&q);
  assert_ids(id_b, id_a, id_c, NULL);
}
END_TEST

START_TEST(query__cursor_continues_strictly_after_its_position) {
  msg_backend_query q = {
      .limit = 10, .has_cursor = true, .cursor_created_at = 100, .cursor_message_id = id_b};
  run(&q);
  assert_ids(id_a, id_c, NULL);
  q.cursor_message_id = id_a;
  run(&q);
  assert_ids(id_c, NULL);
  q.cursor_created_at = 50;
  q.cursor_message_id = id_c;
  run(&q);
  assert_ids(NULL);
}
END_TEST

START_TEST(query__sets_match_any_of_their_values) {
  const int64_t one[] = {1};
  const int64_t both[] = {1, 2};
  msg_backend_query q = {.account_ids = one, .account_id_count = 1, .limit = 10};
  run(&q);
  assert_ids(id_a, id_c, NULL);
  q.account_ids = both;
  q.account_id_count = 2;
  run(&q);
  assert_ids(id_b, id_a, id_c, NULL);

  const char *const senders[] = {"+111", "333"};
  msg_backend_query s = {.sender_numbers = senders, .sender_number_count = 2, .limit = 10};
  run(&s);
  assert_ids(id_a, id_c, NULL);
  s.sender_number_count = 1;
  run(&s);
  assert_ids(id_a, NULL);

  const char *const ids[] = {id_b, id_c};
  msg_backend_query i = {.message_ids = ids, .message_id_count = 2, .limit = 10};
  run(&i);
  assert_ids(id_b, id_c, NULL);
}
END_TEST

START_TEST(query__conditions_all_hold) {
  const int64_t one[] = {1};
  const char *const senders[] = {"222"};
  msg_backend_query q = {.account_ids = one,
                         .account_id_count = 1,
                         .sender_numbers = senders,
                         .sender_number_count = 1,
                         .limit = 10};
  run(&q);
  assert_ids(NULL);
}
END_TEST

START_TEST(query__time_bounds_are_exclusive) {
  msg_backend_query q = {.has_created_after = true, .created_after = 50, .limit = 10};
  run(&q);
  assert_ids(id_b, id_a, NULL);
  q = (msg_backend_query){.has_created_before = true, .created_before = 100, .limit = 10};
  run(&q);
  assert_ids(id_c, NULL);
  q.has_created_after = true;
  q.created_after = 49;
  q.created_before = 101;
  run(&q);
  assert_ids(id_b, id_a, id_c, NULL);
}
END_TEST

START_TEST(query__every_term_must_be_a_whole_word) {
  const char *const both[] = {"hello", "wörld"};
  msg_backend_query q = {.terms = both, .term_count = 2, .limit = 10};
  run(&q);
  assert_ids(id_a, NULL);
  const char *const cjk[] = {"東京"};
  q.terms = cjk;
  q.term_count = 1;
  run(&q);
  assert_ids(id_a, NULL);
  const char *const partial[] = {"wör"};
  q.terms = partial;
  run(&q);
  assert_ids(NULL);
  const char *const one_missing[] = {"hello", "near"};
  q.terms = one_missing;
  q.term_count = 2;
  run(&q);
  assert_ids(NULL);
}
END_TEST

START_TEST(query__values_are_never_read_as_syntax) {
  const char *const keywords[] = {"and", "near", "not", "or"};
  msg_backend_query q = {.terms = keywords, .term_count = 4, .limit = 10};
  run(&q);
  assert_ids(id_b, NULL);
  const char *const odd_terms[] = {"x\"y", "a*", "words:hello", "NEAR(a b)"};
  q.terms = odd_terms;
  run(&q);
  assert_ids(NULL);
  const char *const odd_numbers[] = {"a\"b", "c\\d'); DROP TABLE messages; --"};
  msg_backend_query s = {.sender_numbers = odd_numbers, .sender_number_count = 2, .limit = 10};
  run(&s);
  assert_ids(NULL);
  s.sender_number_count = 1;
  run(&s);
  assert_ids(NULL);
  ck_assert_int_eq(test_int(store.db, "SELECT count(*) FROM messages"), 3);
}
END_TEST

START_TEST(query__prepares_each_shape_once_per_connection) {
  sqlite_conn *c = (sqlite_conn *)store.conn;
  const int64_t one[] = {1};
  msg_backend_query list = {.account_ids = one, .account_id_count = 1, .limit = 10};
  run(&list);
  ck_assert_uint_eq(c->search_count, 1);
  sqlite3_stmt *first = c->searches[0].stmt;
  run(&list);
  list.has_cursor = true;
  list.cursor_created_at = 100;
  list.cursor_message_id = id_b;
  run(&list);
  ck_assert_uint_eq(c->search_count, 2);
  list.has_cursor = false;
  run(&list);
  ck_assert_uint_eq(c->search_count, 2);
  ck_assert_ptr_eq(c->searches[0].stmt, first);
  assert_ids(id_a, id_c, NULL);
}
END_TEST

Suite *query_suite(void) {
  Suite *s = suite_create("query");
  TCase *tc = tcase_create("query");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, query__orders_newest_first_then_id_descending_up_to_limit);
  tcase_add_test(tc, query__cursor_continues_strictly_after_its_position);
  tcase_add_test(tc, query__sets_match_any_of_their_values);
  tcase_add_test(tc, query__conditions_all_hold);
  tcase_add_test(tc, query__time_bounds_are_exclusive);
  tcase_add_test(tc, query__every_term_must_be_a_whole_word);
  tcase_add_test(tc, query__values_are_never_read_as_syntax);
  tcase_add_test(tc, query__prepares_each_shape_once_per_connection);
  suite_add_tcase(s, tc);
  return s;
}
