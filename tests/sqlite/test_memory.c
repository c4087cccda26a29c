/*
 * "sqlite::memory:" stores: each open is a new, empty database; the store's
 * pooled connections all see it; it outlives every pooled connection (the
 * pool may close them all) and ends with the store.
 */
#include "sqlite_test.h"
#include "conditions.h"

#include "rows.h"

static const char id_a[] = "01890000-0000-7000-8000-00000000000a";

static void add_message(test_store *s, msg_backend_conn *conn) {
  msg_message m = test_message(id_a, "hello", 100);
  msg_backend_record record = {&m, NULL, "hello"};
  msg_backend_rows rows;
  msg__rows_init(&rows);
  msg_error err = {0};
  assert_status(s->backend->insert(s->backend, conn, &record, &rows, &err), err, MSG_OK);
  msg__rows_clear(&rows);
}

static size_t count_messages(test_store *s, msg_backend_conn *conn) {
  const char *const terms[] = {"hello"};
  msg_backend_query q = {.terms = terms, .term_count = 1, .limit = 10};
  msg_backend_rows rows;
  msg__rows_init(&rows);
  msg_error err = {0};
  q.conditions = msg__query_conditions(&q);
  assert_status(s->backend->query(s->backend, conn, &q, &rows, &err), err, MSG_OK);
  size_t count = rows.count;
  msg__rows_clear(&rows);
  return count;
}

START_TEST(memory__each_open_is_a_new_empty_database) {
  test_store first, second;
  test_store_open(&first, "sqlite::memory:", 5000);
  add_message(&first, first.conn);
  test_store_open(&second, "sqlite::memory:", 5000);
  ck_assert_uint_eq(count_messages(&second, second.conn), 0);
  ck_assert_uint_eq(count_messages(&first, first.conn), 1);
  test_store_close(&second);
  test_store_close(&first);
}
END_TEST

START_TEST(memory__pool_connections_share_the_database) {
  test_store s;
  test_store_open(&s, "sqlite::memory:", 5000);
  msg_backend_conn *other = test_store_connect(&s);
  add_message(&s, s.conn);
  ck_assert_uint_eq(count_messages(&s, other), 1);
  s.backend->disconnect(s.backend, other);
  test_store_close(&s);
}
END_TEST

START_TEST(memory__database_outlives_every_pool_connection) {
  test_store s;
  test_store_open(&s, "sqlite::memory:", 5000);
  add_message(&s, s.conn);
  s.backend->disconnect(s.backend, s.conn);
  s.conn = test_store_connect(&s);
  ck_assert_uint_eq(count_messages(&s, s.conn), 1);
  test_store_close(&s);
}
END_TEST

START_TEST(memory__ping_answers) {
  test_store s;
  test_store_open(&s, "sqlite::memory:", 5000);
  msg_error err = {0};
  assert_status(s.backend->ping(s.backend, s.conn, &err), err, MSG_OK);
  assert_status(s.backend->ping(s.backend, s.conn, &err), err, MSG_OK);
  test_store_close(&s);
}
END_TEST

Suite *memory_suite(void) {
  Suite *s = suite_create("memory");
  TCase *tc = tcase_create("memory");
  tcase_add_test(tc, memory__each_open_is_a_new_empty_database);
  tcase_add_test(tc, memory__pool_connections_share_the_database);
  tcase_add_test(tc, memory__database_outlives_every_pool_connection);
  tcase_add_test(tc, memory__ping_answers);
  suite_add_tcase(s, tc);
  return s;
}
