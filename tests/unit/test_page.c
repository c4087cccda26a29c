/*
 * page.c on the fake backend: keyset paging (limit + 1, no empty last page),
 * canonical queries, cursors tied to their query, and filter validation.
 */
#include "unit.h"

#include "fake_backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void create_n(msg_store *store, int64_t account, int n, const char *body) {
  for (int i = 0; i < n; i++) {
    msg_new_message in = {account, "+123", "456", body, NULL};
    msg_message *m = NULL;
    msg_error err = {0};
    assert_ok(msg_message_create(&m, NULL, store, &in, &err), err);
    msg_message_free(m);
  }
}

static msg_page *list_ok(msg_store *store, int64_t account, int64_t limit, const char *cursor) {
  msg_page_request req = {limit, cursor};
  msg_page *page = NULL;
  msg_error err = {0};
  assert_ok(msg_message_list(&page, store, account, &req, &err), err);
  ck_assert_ptr_nonnull(page);
  return page;
}

static msg_page *search_ok(msg_store *store, const msg_filter *filter, int64_t limit,
                           const char *cursor) {
  msg_page_request req = {limit, cursor};
  msg_page *page = NULL;
  msg_error err = {0};
  assert_ok(msg_message_search(&page, store, filter, &req, &err), err);
  ck_assert_ptr_nonnull(page);
  return page;
}

static char *dup(const char *s) {
  char *copy = strdup(s);
  ck_assert_ptr_nonnull(copy);
  return copy;
}

/* Walks every page of account 1 with `limit`; checks order and returns the
 * number of pages. */
static int walk(msg_store *store, int64_t limit, size_t want_total) {
  size_t total = 0;
  int pages = 0;
  char prev_id[MSG_ID_LEN + 1] = "";
  int64_t prev_time = INT64_MAX;
  char *cursor = NULL;
  do {
    msg_page *page = list_ok(store, 1, limit, cursor);
    free(cursor);
    cursor = page->next_cursor ? dup(page->next_cursor) : NULL;
    pages++;
    ck_assert_uint_le(page->count, (size_t)limit);
    ck_assert_msg(page->count > 0 || pages == 1, "empty page after the first");
    for (size_t i = 0; i < page->count; i++) {
      const msg_message *m = &page->items[i];
      ck_assert_int_eq(m->account_id, 1);
      ck_assert(m->created_at < prev_time ||
                (m->created_at == prev_time && strcmp(m->message_id, prev_id) < 0));
      prev_time = m->created_at;
      memcpy(prev_id, m->message_id, sizeof prev_id);
    }
    total += page->count;
    msg_page_free(page);
  } while (cursor);
  ck_assert_uint_eq(total, want_total);
  return pages;
}

START_TEST(list__walks_every_message_once_newest_first) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  create_n(store, 1, 7, "x");
  create_n(store, 2, 3, "y");
  ck_assert_int_eq(walk(store, 3, 7), 3);
  ck_assert_uint_eq(config.backend->last_query.limit, 4);
  ck_assert(config.backend->last_query.has_cursor);
  msg_store_close(store);
}
END_TEST

START_TEST(list__ends_without_an_empty_page) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  create_n(store, 1, 6, "x");
  ck_assert_int_eq(walk(store, 3, 6), 2);
  ck_assert_int_eq(walk(store, 6, 6), 1);
  ck_assert_int_eq(walk(store, 1, 6), 6);
  ck_assert_int_eq(walk(store, MSG_LIMIT_MAX, 6), 1);
  msg_store_close(store);
}
END_TEST

START_TEST(list__of_an_empty_account_is_one_empty_page) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  msg_page *page = list_ok(store, 9, 10, NULL);
  ck_assert_uint_eq(page->count, 0);
  ck_assert_ptr_null(page->next_cursor);
  msg_page_free(page);
  msg_store_close(store);
}
END_TEST

START_TEST(list__uses_the_default_request_when_null) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  msg_page *page = NULL;
  msg_error err = {0};
  assert_ok(msg_message_list(&page, store, 1, NULL, &err), err);
  ck_assert_uint_eq(config.backend->last_query.limit, MSG_LIMIT_DEFAULT + 1);
  ck_assert_uint_eq(config.backend->last_query.account_id_count, 1);
  ck_assert_int_eq(config.backend->last_accounts[0], 1);
  ck_assert(!config.backend->last_query.has_cursor);
  msg_page_free(page);
  msg_store_close(store);
}
END_TEST

START_TEST(list__rejects_bad_account_and_limit) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  msg_page *page = (msg_page *)&page;
  msg_error err;
  msg_page_request req = MSG_PAGE_REQUEST_INIT;
  assert_invalid(msg_message_list(&page, store, 0, &req, &err), err, "account_id");
  ck_assert_ptr_null(page);
  req.limit = 0;
  assert_invalid(msg_message_list(&page, store, 1, &req, &err), err, "limit");
  req.limit = MSG_LIMIT_MAX + 1;
  assert_invalid(msg_message_list(&page, store, 1, &req, &err), err, "limit");
  ck_assert_int_eq(config.backend->queries, 0);
  ck_assert_int_eq(msg_message_list(NULL, store, 1, &req, &err), MSG_ERR_INVALID);
  msg_store_close(store);
}
END_TEST

START_TEST(list__rejects_the_cursor_of_another_account) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  create_n(store, 1, 3, "x");
  msg_page *first = list_ok(store, 1, 1, NULL);
  ck_assert_ptr_nonnull(first->next_cursor);
  msg_page_request req = {1, first->next_cursor};
  msg_page *page = (msg_page *)&page;
  msg_error err;
  assert_invalid(msg_message_list(&page, store, 2, &req, &err), err, "cursor");
  ck_assert_ptr_null(page);
  req.cursor = "garbage";
  assert_invalid(msg_message_list(&page, store, 1, &req, &err), err, "cursor");
  msg_page_free(first);
  msg_store_close(store);
}
END_TEST

START_TEST(list__cursor_does_not_fit_an_equivalent_search) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  create_n(store, 1, 3, "x");
  msg_page *first = list_ok(store, 1, 1, NULL);
  int64_t account = 1;
  msg_filter filter = MSG_FILTER_INIT;
  filter.account_ids = &account;
  filter.account_id_count = 1;
  msg_page_request req = {1, first->next_cursor};
  msg_page *page;
  msg_error err;
  assert_invalid(msg_message_search(&page, store, &filter, &req, &err), err, "cursor");
  msg_page_free(first);
  msg_store_close(store);
}
END_TEST

START_TEST(list__cursor_survives_a_change_of_limit) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  create_n(store, 1, 5, "x");
  msg_page *first = list_ok(store, 1, 2, NULL);
  msg_page *rest = list_ok(store, 1, 10, first->next_cursor);
  ck_assert_uint_eq(rest->count, 3);
  ck_assert_ptr_null(rest->next_cursor);
  msg_page_free(first);
  msg_page_free(rest);
  msg_store_close(store);
}
END_TEST

START_TEST(search__hands_the_backend_canonical_sets) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  const int64_t accounts[] = {3, 1, 3, 2};
  const char *ids[] = {"0192D4A4-6AD0-7C38-9B7E-2F4E4C1B8A12",
                       "0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a11",
                       "0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a12"};
  const char *senders[] = {"+999", "+111", "+999"};
  const char *receivers[] = {"555"};
  msg_filter filter = MSG_FILTER_INIT;
  filter.account_ids = accounts;
  filter.account_id_count = 4;
  filter.message_ids = ids;
  filter.message_id_count = 3;
  filter.sender_numbers = senders;
  filter.sender_number_count = 3;
  filter.receiver_numbers = receivers;
  filter.receiver_number_count = 1;
  filter.has_created_after = true;
  filter.created_after = 10;
  filter.has_created_before = true;
  filter.created_before = 20;
  filter.q = "World hello WORLD";
  msg_page_free(search_ok(store, &filter, 5, NULL));
  const fake_backend *fake = config.backend;
  const msg_backend_query *q = &fake->last_query;
  ck_assert_uint_eq(q->account_id_count, 3);
  ck_assert_int_eq(fake->last_accounts[0], 1);
  ck_assert_int_eq(fake->last_accounts[1], 2);
  ck_assert_int_eq(fake->last_accounts[2], 3);
  ck_assert_uint_eq(q->message_id_count, 2);
  ck_assert_str_eq(fake->last_ids[0], "0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a11");
  ck_assert_str_eq(fake->last_ids[1], "0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a12");
  ck_assert_uint_eq(q->sender_number_count, 2);
  ck_assert_str_eq(fake->last_senders[0], "+111");
  ck_assert_str_eq(fake->last_senders[1], "+999");
  ck_assert_uint_eq(q->receiver_number_count, 1);
  ck_assert_str_eq(fake->last_receivers[0], "555");
  ck_assert(q->has_created_after);
  ck_assert_int_eq(q->created_after, 10);
  ck_assert(q->has_created_before);
  ck_assert_int_eq(q->created_before, 20);
  ck_assert_uint_eq(q->term_count, 2);
  ck_assert_str_eq(fake->last_terms[0], "hello");
  ck_assert_str_eq(fake->last_terms[1], "world");
  ck_assert_uint_eq(q->limit, 6);
  msg_store_close(store);
}
END_TEST

START_TEST(search__equivalent_filters_share_cursors) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  create_n(store, 1, 2, "hello world");
  create_n(store, 2, 2, "hello world");
  const int64_t a[] = {1, 2}, b[] = {2, 1, 2};
  msg_filter fa = MSG_FILTER_INIT, fb = MSG_FILTER_INIT;
  fa.account_ids = a;
  fa.account_id_count = 2;
  fa.q = "hello world";
  fb.account_ids = b;
  fb.account_id_count = 3;
  fb.q = "WORLD, hello!";
  msg_page *first = search_ok(store, &fa, 3, NULL);
  ck_assert_ptr_nonnull(first->next_cursor);
  msg_page *rest = search_ok(store, &fb, 3, first->next_cursor);
  ck_assert_uint_eq(rest->count, 1);
  msg_page_free(first);
  msg_page_free(rest);
  msg_store_close(store);
}
END_TEST

START_TEST(search__rejects_the_cursor_of_another_filter) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  create_n(store, 1, 3, "hello world");
  msg_filter hello = MSG_FILTER_INIT, world = MSG_FILTER_INIT;
  hello.q = "hello";
  world.q = "world";
  msg_page *first = search_ok(store, &hello, 1, NULL);
  msg_page_request req = {1, first->next_cursor};
  msg_page *page;
  msg_error err;
  assert_invalid(msg_message_search(&page, store, &world, &req, &err), err, "cursor");
  world.q = NULL;
  world.has_created_after = true;
  assert_invalid(msg_message_search(&page, store, &world, &req, &err), err, "cursor");
  msg_page_free(first);
  msg_store_close(store);
}
END_TEST

START_TEST(search__finds_words_across_case_and_forms) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  create_n(store, 1, 1,
           "Gr\xC3\xBC\xC3\x9F"
           "e aus der Stra\xC3\x9F"
           "e");
  create_n(store, 1, 1, "nothing here");
  msg_filter filter = MSG_FILTER_INIT;
  filter.q = "STRASSE";
  msg_page *page = search_ok(store, &filter, 10, NULL);
  ck_assert_uint_eq(page->count, 1);
  ck_assert_str_eq(page->items[0].body, "Gr\xC3\xBC\xC3\x9F"
                                        "e aus der Stra\xC3\x9F"
                                        "e");
  msg_page_free(page);
  msg_store_close(store);
}
END_TEST

START_TEST(search__with_null_or_empty_filter_matches_everything) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  create_n(store, 1, 2, "a");
  create_n(store, 2, 2, NULL);
  msg_page *page = search_ok(store, NULL, 10, NULL);
  ck_assert_uint_eq(page->count, 4);
  msg_page_free(page);
  msg_filter empty = MSG_FILTER_INIT;
  page = search_ok(store, &empty, 10, NULL);
  ck_assert_uint_eq(page->count, 4);
  msg_page_free(page);
  msg_store_close(store);
}
END_TEST

START_TEST(search__rejects_each_bad_field) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  const int64_t bad_account[] = {1, 0};
  const char *bad_id[] = {"nope"};
  const char *bad_number[] = {"12"};
  msg_page *page = (msg_page *)&page;
  msg_error err;
  msg_filter f = MSG_FILTER_INIT;
  f.account_ids = bad_account;
  f.account_id_count = 2;
  assert_invalid(msg_message_search(&page, store, &f, NULL, &err), err, "account_id");
  ck_assert_ptr_null(page);
  f = (msg_filter)MSG_FILTER_INIT;
  f.message_ids = bad_id;
  f.message_id_count = 1;
  assert_invalid(msg_message_search(&page, store, &f, NULL, &err), err, "message_id");
  f = (msg_filter)MSG_FILTER_INIT;
  f.sender_numbers = bad_number;
  f.sender_number_count = 1;
  assert_invalid(msg_message_search(&page, store, &f, NULL, &err), err, "sender_number");
  f = (msg_filter)MSG_FILTER_INIT;
  f.receiver_numbers = bad_number;
  f.receiver_number_count = 1;
  assert_invalid(msg_message_search(&page, store, &f, NULL, &err), err, "receiver_number");
  f = (msg_filter)MSG_FILTER_INIT;
  f.receiver_number_count = 1; /* NULL array with a count */
  assert_invalid(msg_message_search(&page, store, &f, NULL, &err), err, "receiver_number");
  f = (msg_filter)MSG_FILTER_INIT;
  f.q = "?!";
  assert_invalid(msg_message_search(&page, store, &f, NULL, &err), err, "q");
  msg_page_request req = {0, NULL};
  assert_invalid(msg_message_search(&page, store, NULL, &req, &err), err, "limit");
  ck_assert_int_eq(config.backend->queries, 0);
  msg_store_close(store);
}
END_TEST

START_TEST(search__requires_created_before_after_created_after) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  msg_filter f = MSG_FILTER_INIT;
  f.has_created_after = true;
  f.created_after = 100;
  f.has_created_before = true;
  f.created_before = 100;
  msg_page *page;
  msg_error err;
  assert_invalid(msg_message_search(&page, store, &f, NULL, &err), err, "created_before");
  f.created_before = 99;
  assert_invalid(msg_message_search(&page, store, &f, NULL, &err), err, "created_before");
  f.created_before = 101;
  msg_page_free(search_ok(store, &f, 10, NULL));
  msg_store_close(store);
}
END_TEST

START_TEST(search__accepts_100_values_and_rejects_101) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  int64_t accounts[MSG_FILTER_VALUES_MAX + 1];
  char number_text[MSG_FILTER_VALUES_MAX + 1][8];
  const char *numbers[MSG_FILTER_VALUES_MAX + 1];
  for (int i = 0; i <= MSG_FILTER_VALUES_MAX; i++) {
    accounts[i] = i + 1;
    snprintf(number_text[i], sizeof number_text[i], "%d", 1000 + i);
    numbers[i] = number_text[i];
  }
  const char *fields[] = {"account_id", "sender_number", "receiver_number"};
  for (int which = 0; which < 3; which++) {
    msg_filter f = MSG_FILTER_INIT;
    size_t *count = which == 0   ? &f.account_id_count
                    : which == 1 ? &f.sender_number_count
                                 : &f.receiver_number_count;
    f.account_ids = accounts;
    f.sender_numbers = numbers;
    f.receiver_numbers = numbers;
    *count = MSG_FILTER_VALUES_MAX;
    msg_page_free(search_ok(store, &f, 10, NULL));
    *count = MSG_FILTER_VALUES_MAX + 1;
    msg_page *page;
    msg_error err;
    assert_invalid(msg_message_search(&page, store, &f, NULL, &err), err, fields[which]);
  }
  msg_store_close(store);
}
END_TEST

START_TEST(pages__leave_the_error_record_untouched_on_success) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  create_n(store, 1, 3, "hello");
  msg_error err, before;
  memset(&err, 0x5a, sizeof err);
  before = err;
  msg_page_request req = {2, NULL};
  msg_page *page = NULL;
  ck_assert_int_eq(msg_message_list(&page, store, 1, &req, &err), MSG_OK);
  msg_page_free(page);
  msg_filter f = MSG_FILTER_INIT;
  f.q = "hello";
  ck_assert_int_eq(msg_message_search(&page, store, &f, &req, &err), MSG_OK);
  msg_page_free(page);
  ck_assert(memcmp(&err, &before, sizeof err) == 0);
  msg_store_close(store);
}
END_TEST

Suite *page_suite(void) {
  Suite *s = suite_create("page");
  TCase *tc = unit_tcase("page");
  tcase_add_test(tc, list__walks_every_message_once_newest_first);
  tcase_add_test(tc, list__ends_without_an_empty_page);
  tcase_add_test(tc, list__of_an_empty_account_is_one_empty_page);
  tcase_add_test(tc, list__uses_the_default_request_when_null);
  tcase_add_test(tc, list__rejects_bad_account_and_limit);
  tcase_add_test(tc, list__rejects_the_cursor_of_another_account);
  tcase_add_test(tc, list__cursor_does_not_fit_an_equivalent_search);
  tcase_add_test(tc, list__cursor_survives_a_change_of_limit);
  tcase_add_test(tc, search__hands_the_backend_canonical_sets);
  tcase_add_test(tc, search__equivalent_filters_share_cursors);
  tcase_add_test(tc, search__rejects_the_cursor_of_another_filter);
  tcase_add_test(tc, search__finds_words_across_case_and_forms);
  tcase_add_test(tc, search__with_null_or_empty_filter_matches_everything);
  tcase_add_test(tc, search__rejects_each_bad_field);
  tcase_add_test(tc, search__requires_created_before_after_created_after);
  tcase_add_test(tc, search__accepts_100_values_and_rejects_101);
  tcase_add_test(tc, pages__leave_the_error_record_untouched_on_success);
  suite_add_tcase(s, tc);
  return s;
}
