/*
 * Conformance of msg_message_list: exactly one account's messages, newest
 * first, and keyset pages whose boundaries are right at every limit (limit
 * 1, exact multiples with no empty last page, a short last page, the
 * default). Cursor damage is in conformance_cursor.c; walks under concurrent
 * inserts are in conformance_concurrency.c.
 */
#include "conformance.h"

#include <inttypes.h>
#include <string.h>

/* Creates `n` messages in `account_id` and returns them newest first. */
static void create_many(conf_rows *out, int64_t account_id, size_t n) {
  for (size_t i = 0; i < n; i++) {
    msg_message *m = conf_create_simple(account_id, "+123", "456", i % 3 ? "some body" : NULL);
    conf_rows_push(out, m);
    msg_message_free(m);
  }
  conf_rows_sort(out);
}

static void assert_walk(int64_t account_id, int64_t limit, const conf_rows *want,
                        size_t want_pages) {
  conf_rows got = {0};
  size_t pages = conf_walk_list(&got, account_id, limit);
  conf_assert_same_rows(CONF_WHERE, &got, want);
  ck_assert_msg(pages == want_pages, "limit %" PRId64 ": %zu pages, want %zu", limit, pages,
                want_pages);
  conf_rows_free(&got);
}

static void assert_list_refused(int64_t account_id, int64_t limit, const char *field) {
  msg_page_request req = {limit, NULL};
  msg_page *page = CONF_POISON;
  msg_error err;
  int rc = msg_message_list(&page, conf_store, account_id, &req, &err);
  CONF_ASSERT_ERROR(rc, err, MSG_ERR_INVALID, field);
  ck_assert_ptr_null(page);
}

START_TEST(list__returns_only_the_accounts_messages_newest_first) {
  int64_t a = conf_account(1), b = conf_account(2);
  conf_rows want_a = {0}, want_b = {0};
  for (int i = 0; i < 12; i++) {
    msg_message *m = conf_create_simple(i % 3 == 2 ? b : a, "123", "+456", "body");
    conf_rows_push(i % 3 == 2 ? &want_b : &want_a, m);
    msg_message_free(m);
  }
  /* Created one after another, so the newest is the last created. */
  for (size_t i = 1; i < want_a.count; i++)
    ck_assert_msg(conf_before(&want_a.items[i], &want_a.items[i - 1]),
                  "a later create sorts before an earlier one");
  conf_rows_sort(&want_a);
  conf_rows_sort(&want_b);
  assert_walk(a, MSG_LIMIT_DEFAULT, &want_a, 1);
  assert_walk(b, MSG_LIMIT_DEFAULT, &want_b, 1);
  conf_rows_free(&want_a);
  conf_rows_free(&want_b);
}
END_TEST

START_TEST(list__gives_one_empty_last_page_for_an_empty_account) {
  int64_t account = conf_account(1);
  msg_page *page = conf_page(conf_list_page, &account, 10, NULL);
  ck_assert_uint_eq(page->count, 0);
  ck_assert_ptr_null(page->next_cursor);
  msg_page_free(page);
}
END_TEST

START_TEST(list__limit_1_walks_one_message_per_page) {
  int64_t account = conf_account(1);
  conf_rows want = {0};
  create_many(&want, account, 5);
  assert_walk(account, 1, &want, 5);
  conf_rows_free(&want);
}
END_TEST

START_TEST(list__exact_multiples_end_without_an_empty_page) {
  int64_t account = conf_account(1);
  conf_rows want = {0};
  create_many(&want, account, 10);
  assert_walk(account, 2, &want, 5);
  assert_walk(account, 5, &want, 2);
  assert_walk(account, 10, &want, 1);
  conf_rows_free(&want);
}
END_TEST

START_TEST(list__ends_with_a_short_last_page) {
  int64_t account = conf_account(1);
  conf_rows want = {0};
  create_many(&want, account, 10);
  assert_walk(account, 3, &want, 4);
  assert_walk(account, 9, &want, 2);
  assert_walk(account, 11, &want, 1);
  assert_walk(account, MSG_LIMIT_MAX, &want, 1);

  msg_page *first = conf_page(conf_list_page, &account, 3, NULL);
  ck_assert_uint_eq(first->count, 3);
  ck_assert_ptr_nonnull(first->next_cursor);
  msg_page_free(first);
  conf_rows_free(&want);
}
END_TEST

START_TEST(list__uses_50_by_default) {
  int64_t account = conf_account(1);
  conf_rows want = {0};
  create_many(&want, account, MSG_LIMIT_DEFAULT + 1);
  msg_page_request req = MSG_PAGE_REQUEST_INIT;
  ck_assert_int_eq(req.limit, 50);
  ck_assert_ptr_null(req.cursor);
  msg_page *page = NULL;
  msg_error err;
  int rc = msg_message_list(&page, conf_store, account, &req, &err);
  CONF_ASSERT_OK(rc, err);
  ck_assert_uint_eq(page->count, MSG_LIMIT_DEFAULT);
  ck_assert_ptr_nonnull(page->next_cursor);
  for (size_t i = 0; i < page->count; i++)
    conf_assert_same_message(CONF_WHERE, &page->items[i], &want.items[i]);
  msg_page_free(page);
  conf_rows_free(&want);
}
END_TEST

START_TEST(list__cursor_continues_with_another_limit) {
  int64_t account = conf_account(1);
  conf_rows want = {0};
  create_many(&want, account, 10);
  msg_page *first = conf_page(conf_list_page, &account, 3, NULL);
  ck_assert_ptr_nonnull(first->next_cursor);
  msg_page *rest = conf_page(conf_list_page, &account, 100, first->next_cursor);
  ck_assert_uint_eq(rest->count, 7);
  ck_assert_ptr_null(rest->next_cursor);
  for (size_t i = 0; i < 3; i++)
    conf_assert_same_message(CONF_WHERE, &first->items[i], &want.items[i]);
  for (size_t i = 0; i < 7; i++)
    conf_assert_same_message(CONF_WHERE, &rest->items[i], &want.items[i + 3]);
  msg_page_free(first);
  msg_page_free(rest);
  conf_rows_free(&want);
}
END_TEST

START_TEST(list__rereading_a_cursor_gives_the_same_page) {
  int64_t account = conf_account(1);
  conf_rows want = {0};
  create_many(&want, account, 6);
  msg_page *first = conf_page(conf_list_page, &account, 2, NULL);
  msg_page *a = conf_page(conf_list_page, &account, 2, first->next_cursor);
  msg_page *b = conf_page(conf_list_page, &account, 2, first->next_cursor);
  ck_assert_uint_eq(a->count, 2);
  ck_assert_uint_eq(b->count, 2);
  for (size_t i = 0; i < 2; i++) {
    conf_assert_same_message(CONF_WHERE, &a->items[i], &want.items[i + 2]);
    conf_assert_same_message(CONF_WHERE, &b->items[i], &want.items[i + 2]);
  }
  msg_page_free(first);
  msg_page_free(a);
  msg_page_free(b);
  conf_rows_free(&want);
}
END_TEST

START_TEST(list__rejects_limits_outside_1_to_1000) {
  int64_t account = conf_account(1);
  static const int64_t bad[] = {0, -1, MSG_LIMIT_MAX + 1, INT64_MIN, INT64_MAX};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_list_refused(account, bad[i], "limit");
  msg_page *page = conf_page(conf_list_page, &account, MSG_LIMIT_MIN, NULL);
  msg_page_free(page);
  page = conf_page(conf_list_page, &account, MSG_LIMIT_MAX, NULL);
  msg_page_free(page);
}
END_TEST

START_TEST(list__rejects_account_id_out_of_range) {
  static const int64_t bad[] = {0, -1, MSG_ACCOUNT_ID_MAX + 1, INT64_MIN, INT64_MAX};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_list_refused(bad[i], 10, "account_id");
  int64_t edges[] = {1, MSG_ACCOUNT_ID_MAX};
  for (size_t i = 0; i < 2; i++) {
    msg_page *page = conf_page(conf_list_page, &edges[i], 1, NULL);
    msg_page_free(page);
  }
}
END_TEST

START_TEST(list__leaves_the_error_record_untouched_on_success) {
  int64_t account = conf_account(1);
  msg_message *m = conf_create_simple(account, "123", "456", NULL);
  msg_page_request req = MSG_PAGE_REQUEST_INIT;
  msg_page *page = NULL;
  msg_error err;
  conf_error_poison(&err);
  ck_assert_int_eq(msg_message_list(&page, conf_store, account, &req, &err), MSG_OK);
  size_t count = page->count;
  msg_page_free(page);
  msg_message_free(m);
  ck_assert_uint_eq(count, 1);
  ck_assert_msg(conf_error_is_poisoned(&err), "a successful list wrote to the error record");
}
END_TEST

START_TEST(list__works_without_an_error_record) {
  msg_page_request req = {0, NULL};
  msg_page *page = CONF_POISON;
  ck_assert_int_eq(msg_message_list(&page, conf_store, conf_account(1), &req, NULL),
                   MSG_ERR_INVALID);
  ck_assert_ptr_null(page);
  req.limit = 5;
  ck_assert_int_eq(msg_message_list(&page, conf_store, conf_account(1), &req, NULL), MSG_OK);
  ck_assert_ptr_nonnull(page);
  msg_page_free(page);
}
END_TEST

Suite *conformance_list_suite(void) {
  Suite *s = suite_create("list");
  TCase *tc = conf_tcase("list", 60);
  tcase_add_test(tc, list__returns_only_the_accounts_messages_newest_first);
  tcase_add_test(tc, list__gives_one_empty_last_page_for_an_empty_account);
  tcase_add_test(tc, list__limit_1_walks_one_message_per_page);
  tcase_add_test(tc, list__exact_multiples_end_without_an_empty_page);
  tcase_add_test(tc, list__ends_with_a_short_last_page);
  tcase_add_test(tc, list__uses_50_by_default);
  tcase_add_test(tc, list__cursor_continues_with_another_limit);
  tcase_add_test(tc, list__rereading_a_cursor_gives_the_same_page);
  tcase_add_test(tc, list__rejects_limits_outside_1_to_1000);
  tcase_add_test(tc, list__rejects_account_id_out_of_range);
  tcase_add_test(tc, list__leaves_the_error_record_untouched_on_success);
  tcase_add_test(tc, list__works_without_an_error_record);
  suite_add_tcase(s, tc);
  return s;
}
