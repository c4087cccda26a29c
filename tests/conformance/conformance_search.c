/*
 * Conformance of msg_message_search's filter: every field alone and in every
 * combination (checked against a small model of the documented rules), the
 * exclusive time bounds to the microsecond, the zeroed filter, set sizes of
 * exactly 100 and 101, and the fields a refusal names. The text query's
 * Unicode rules are in conformance_text.c; here bodies and queries are plain
 * ASCII words, which the model can match itself.
 */
#include "conformance.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DATA_COUNT 18

/* The case's messages and the values its filters pick from. */
typedef struct dataset {
  conf_rows rows; /* in creation order */
  char token[24]; /* a word no other case or run uses */
  char senders[3][CONF_NUMBER_SIZE];
  char receivers[3][CONF_NUMBER_SIZE];
  int64_t accounts[3];
} dataset;

static void make_dataset(dataset *d) {
  *d = (dataset){0};
  snprintf(d->token, sizeof d->token, "tok%012llx",
           (unsigned long long)(conf_random() & 0xffffffffffffULL));
  for (unsigned int i = 0; i < 3; i++) {
    conf_number(d->senders[i], i);
    conf_number(d->receivers[i], 10 + i);
    d->accounts[i] = conf_account(i + 1);
  }
  char body[96];
  for (int i = 0; i < DATA_COUNT; i++) {
    const char *words = i % 4 == 0 ? "apple banana" : i % 4 == 1 ? "banana cherry" : "cherry";
    snprintf(body, sizeof body, "%s %s", words, i % 3 ? d->token : "plain");
    const char *text = body;
    if (i == 5)
      text = NULL;
    else if (i == 11)
      text = "";
    msg_message *m = conf_create_simple(d->accounts[i % 3], d->senders[(i / 3) % 3],
                                        d->receivers[(i / 2) % 3], text);
    conf_rows_push(&d->rows, m);
    msg_message_free(m);
  }
}

static void free_dataset(dataset *d) {
  conf_rows_free(&d->rows);
}

/* Whether `word` is one of the ASCII words of `body` (case-insensitive). */
static bool ascii_has_word(const char *body, const char *word, size_t word_len) {
  const char *p = body;
  while (*p) {
    while (*p && !isalnum((unsigned char)*p))
      p++;
    const char *start = p;
    while (*p && isalnum((unsigned char)*p))
      p++;
    if ((size_t)(p - start) == word_len && word_len > 0 && strncasecmp(start, word, word_len) == 0)
      return true;
  }
  return false;
}

/* The documented filter rules, for ASCII bodies and queries. */
static bool model_matches(const msg_filter *f, const msg_message *m) {
  bool ok = f->account_id_count == 0;
  for (size_t i = 0; i < f->account_id_count; i++)
    ok = ok || f->account_ids[i] == m->account_id;
  if (!ok)
    return false;
  ok = f->message_id_count == 0;
  for (size_t i = 0; i < f->message_id_count; i++)
    ok = ok || strcasecmp(f->message_ids[i], m->message_id) == 0;
  if (!ok)
    return false;
  ok = f->sender_number_count == 0;
  for (size_t i = 0; i < f->sender_number_count; i++)
    ok = ok || strcmp(f->sender_numbers[i], m->sender_number) == 0;
  if (!ok)
    return false;
  ok = f->receiver_number_count == 0;
  for (size_t i = 0; i < f->receiver_number_count; i++)
    ok = ok || strcmp(f->receiver_numbers[i], m->receiver_number) == 0;
  if (!ok)
    return false;
  if (f->has_created_after && !(m->created_at > f->created_after))
    return false;
  if (f->has_created_before && !(m->created_at < f->created_before))
    return false;
  if (f->q) {
    const char *p = f->q;
    while (*p) {
      while (*p && !isalnum((unsigned char)*p))
        p++;
      const char *start = p;
      while (*p && isalnum((unsigned char)*p))
        p++;
      if (p > start && (!m->body || !ascii_has_word(m->body, start, (size_t)(p - start))))
        return false;
    }
  }
  return true;
}

/* Whether a filter only matches messages of this case, so that the whole
 * result, not just our part of it, can be compared. */
static bool filter_is_confined(const msg_filter *f) {
  return f->account_id_count || f->message_id_count || f->sender_number_count ||
         f->receiver_number_count || f->q;
}

/*
 * Searches with `filter` at `limit` and compares the result with the model.
 * For a filter that also matches other cases' messages, every row must still
 * satisfy the bounds, and our rows must be exactly the expected ones.
 */
static void assert_search(const char *where, const dataset *d, const msg_filter *filter,
                          int64_t limit) {
  conf_rows want = {0}, got = {0};
  for (size_t i = 0; i < d->rows.count; i++) {
    if (model_matches(filter, &d->rows.items[i]))
      conf_rows_push(&want, &d->rows.items[i]);
  }
  conf_rows_sort(&want);
  bool confined = filter_is_confined(filter);
  conf_rows all = {0};
  conf_walk(&all, conf_search_page, filter, limit, NULL);
  for (size_t i = 0; i < all.count; i++) {
    const msg_message *m = &all.items[i];
    ck_assert_msg(!filter->has_created_after || m->created_at > filter->created_after,
                  "%s: %s is not after the bound", where, m->message_id);
    ck_assert_msg(!filter->has_created_before || m->created_at < filter->created_before,
                  "%s: %s is not before the bound", where, m->message_id);
    if (confined || conf_rows_find(&d->rows, m->message_id) >= 0)
      conf_rows_push(&got, m);
  }
  conf_assert_same_rows(where, &got, &want);
  conf_rows_free(&all);
  conf_rows_free(&got);
  conf_rows_free(&want);
}

static void assert_search_refused(const char *where, const msg_filter *filter, const char *field) {
  msg_page_request req = {10, NULL};
  msg_page *page = CONF_POISON;
  msg_error err;
  int rc = msg_message_search(&page, conf_store, filter, &req, &err);
  conf_check_error(where, rc, &err, MSG_ERR_INVALID, field);
  ck_assert_msg(page == NULL, "%s: a refused search left *out set", where);
}

START_TEST(search__zeroed_filter_matches_every_message) {
  dataset d;
  make_dataset(&d);
  msg_filter zeroed;
  memset(&zeroed, 0, sizeof zeroed);
  msg_filter init = MSG_FILTER_INIT;
  conf_rows want = {0}, got = {0}, got_init = {0};
  for (size_t i = 0; i < d.rows.count; i++)
    conf_rows_push(&want, &d.rows.items[i]);
  conf_rows_sort(&want);
  /* Walks every message in the store, checking order on all of them. */
  conf_walk(&got, conf_search_page, &zeroed, MSG_LIMIT_MAX, &d.rows);
  conf_assert_same_rows(CONF_WHERE, &got, &want);
  conf_walk(&got_init, conf_search_page, &init, MSG_LIMIT_MAX, &d.rows);
  conf_assert_same_rows(CONF_WHERE, &got_init, &want);
  conf_rows_free(&want);
  conf_rows_free(&got);
  conf_rows_free(&got_init);
  free_dataset(&d);
}
END_TEST

START_TEST(search__each_set_alone_matches_any_of_its_values) {
  dataset d;
  make_dataset(&d);
  const msg_message *r = d.rows.items;
  int64_t one_account[] = {d.accounts[0]};
  int64_t two_accounts[] = {d.accounts[2], d.accounts[0], d.accounts[2]};
  char upper[MSG_ID_LEN + 1], unknown[MSG_ID_LEN + 1];
  for (size_t i = 0; i <= MSG_ID_LEN; i++)
    upper[i] = (char)toupper((unsigned char)r[7].message_id[i]);
  conf_random_uuid(unknown);
  const char *ids[] = {r[0].message_id, upper, r[12].message_id, unknown, r[0].message_id};
  const char *senders[] = {d.senders[1]};
  const char *receivers[] = {d.receivers[0], d.receivers[2]};

  msg_filter f = MSG_FILTER_INIT;
  f.account_ids = one_account;
  f.account_id_count = 1;
  assert_search(CONF_WHERE, &d, &f, 5);
  f.account_ids = two_accounts;
  f.account_id_count = 3;
  assert_search(CONF_WHERE, &d, &f, 5);

  f = (msg_filter)MSG_FILTER_INIT;
  f.message_ids = ids;
  f.message_id_count = 5;
  assert_search(CONF_WHERE, &d, &f, 2);

  f = (msg_filter)MSG_FILTER_INIT;
  f.sender_numbers = senders;
  f.sender_number_count = 1;
  assert_search(CONF_WHERE, &d, &f, 4);

  f = (msg_filter)MSG_FILTER_INIT;
  f.receiver_numbers = receivers;
  f.receiver_number_count = 2;
  assert_search(CONF_WHERE, &d, &f, 50);
  free_dataset(&d);
}
END_TEST

START_TEST(search__query_alone_finds_whole_words) {
  dataset d;
  make_dataset(&d);
  msg_filter f = MSG_FILTER_INIT;
  f.q = d.token;
  assert_search(CONF_WHERE, &d, &f, 3);
  char upper[sizeof d.token];
  for (size_t i = 0; i < sizeof upper; i++)
    upper[i] = (char)toupper((unsigned char)d.token[i]);
  f.q = upper;
  assert_search(CONF_WHERE, &d, &f, 1000);
  free_dataset(&d);
}
END_TEST

START_TEST(search__time_bounds_alone_are_exclusive) {
  dataset d;
  make_dataset(&d);
  int64_t t = d.rows.items[15].created_at;
  msg_filter f = MSG_FILTER_INIT;
  f.has_created_after = true;
  f.created_after = t;
  assert_search(CONF_WHERE, &d, &f, 1000);
  f.created_after = t - 1;
  assert_search(CONF_WHERE, &d, &f, 1000);

  f = (msg_filter)MSG_FILTER_INIT;
  f.has_created_before = true;
  f.created_before = d.rows.items[0].created_at + 1;
  assert_search(CONF_WHERE, &d, &f, 1000);
  free_dataset(&d);
}
END_TEST

START_TEST(search__time_bounds_are_exclusive_to_the_microsecond) {
  dataset d;
  make_dataset(&d);
  int64_t account = d.accounts[0];
  const msg_message *m = &d.rows.items[6]; /* in accounts[0] */
  ck_assert_int_eq(m->account_id, account);
  int64_t t = m->created_at;
  msg_filter f = MSG_FILTER_INIT;
  f.account_ids = &account;
  f.account_id_count = 1;

  f.has_created_after = true;
  f.created_after = t;
  assert_search(CONF_WHERE, &d, &f, 2);
  f.created_after = t - 1;
  assert_search(CONF_WHERE, &d, &f, 2);

  f.has_created_after = false;
  f.has_created_before = true;
  f.created_before = t;
  assert_search(CONF_WHERE, &d, &f, 2);
  f.created_before = t + 1;
  assert_search(CONF_WHERE, &d, &f, 2);

  /* Only one microsecond lies strictly between t - 1 and t + 1. */
  f.has_created_after = true;
  f.created_after = t - 1;
  f.created_before = t + 1;
  conf_rows got = {0};
  conf_walk(&got, conf_search_page, &f, 10, NULL);
  ck_assert_uint_eq(got.count, 1);
  conf_assert_same_message(CONF_WHERE, &got.items[0], m);
  conf_rows_free(&got);

  /* Bounds one apart leave no room at all, and are valid. */
  f.created_after = t - 1;
  f.created_before = t;
  assert_search(CONF_WHERE, &d, &f, 2);
  f.created_after = t;
  f.created_before = t + 1;
  assert_search(CONF_WHERE, &d, &f, 2);
  free_dataset(&d);
}
END_TEST

START_TEST(search__every_combination_of_fields_is_an_and) {
  dataset d;
  make_dataset(&d);
  const msg_message *r = d.rows.items;
  int64_t accounts[] = {d.accounts[0], d.accounts[1]};
  const char *ids[] = {r[1].message_id, r[3].message_id,  r[4].message_id,  r[7].message_id,
                       r[9].message_id, r[10].message_id, r[13].message_id, r[16].message_id};
  const char *senders[] = {d.senders[0], d.senders[2]};
  const char *receivers[] = {d.receivers[1], d.receivers[2]};
  for (unsigned int mask = 0; mask < 128; mask++) {
    msg_filter f = MSG_FILTER_INIT;
    if (mask & 1) {
      f.account_ids = accounts;
      f.account_id_count = 2;
    }
    if (mask & 2) {
      f.message_ids = ids;
      f.message_id_count = sizeof ids / sizeof ids[0];
    }
    if (mask & 4) {
      f.sender_numbers = senders;
      f.sender_number_count = 2;
    }
    if (mask & 8) {
      f.receiver_numbers = receivers;
      f.receiver_number_count = 2;
    }
    if (mask & 16) {
      f.has_created_after = true;
      f.created_after = r[2].created_at;
    }
    if (mask & 32) {
      f.has_created_before = true;
      f.created_before = r[15].created_at;
    }
    if (mask & 64)
      f.q = d.token;
    /* Unbounded filters without a set walk the whole store; one of them is
     * the zeroed-filter case, the others are covered there too. */
    if (!filter_is_confined(&f) && !(mask & 16))
      continue;
    char where[256];
    snprintf(where, sizeof where, "%s: fields 0x%02x", CONF_WHERE, mask);
    assert_search(where, &d, &f, 1 + mask % 4);
  }
  free_dataset(&d);
}
END_TEST

START_TEST(search__query_combines_with_words_of_other_messages) {
  dataset d;
  make_dataset(&d);
  int64_t accounts[] = {d.accounts[0], d.accounts[1], d.accounts[2]};
  static const char *const queries[] = {"apple",           "banana", "cherry",      "apple cherry",
                                        "banana, CHERRY!", "plain",  "plain apple", "durian"};
  msg_filter f = MSG_FILTER_INIT;
  f.account_ids = accounts;
  f.account_id_count = 3;
  for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
    f.q = queries[i];
    char where[256];
    snprintf(where, sizeof where, "%s: q '%s'", CONF_WHERE, queries[i]);
    assert_search(where, &d, &f, 3);
  }
  free_dataset(&d);
}
END_TEST

START_TEST(search__pages_like_list) {
  dataset d;
  make_dataset(&d);
  msg_filter f = MSG_FILTER_INIT;
  f.account_ids = d.accounts;
  f.account_id_count = 3;
  assert_search(CONF_WHERE, &d, &f, 1);
  assert_search(CONF_WHERE, &d, &f, 6);
  assert_search(CONF_WHERE, &d, &f, 9);
  assert_search(CONF_WHERE, &d, &f, DATA_COUNT);
  assert_search(CONF_WHERE, &d, &f, DATA_COUNT + 1);
  conf_rows got = {0};
  ck_assert_uint_eq(conf_walk(&got, conf_search_page, &f, 6, NULL), 3);
  conf_rows_free(&got);
  free_dataset(&d);
}
END_TEST

/* Fills `values` with `n` valid numbers that no case ever creates: the
 * numbers of cases start "+0" or "+1" (a 40-bit base has 13 digits). */
static void unused_numbers(char (*storage)[CONF_NUMBER_SIZE], const char **values, size_t n) {
  for (size_t i = 0; i < n; i++) {
    conf_number(storage[i], (unsigned int)(i % 50));
    storage[i][1] = (char)('5' + i / 50);
    values[i] = storage[i];
  }
}

START_TEST(search__sets_hold_up_to_100_values) {
  dataset d;
  make_dataset(&d);
  enum { N = MSG_FILTER_VALUES_MAX + 1 };
  int64_t accounts[N];
  char id_storage[N][MSG_ID_LEN + 1];
  const char *ids[N];
  char number_storage[N][CONF_NUMBER_SIZE];
  const char *numbers[N];
  for (size_t i = 0; i < N; i++) {
    accounts[i] = conf_account(100 + (unsigned int)i);
    conf_random_uuid(id_storage[i]);
    ids[i] = id_storage[i];
  }
  unused_numbers(number_storage, numbers, N);
  accounts[99] = d.accounts[1];
  ids[99] = d.rows.items[4].message_id;

  msg_filter f = MSG_FILTER_INIT;
  f.account_ids = accounts;
  f.account_id_count = MSG_FILTER_VALUES_MAX;
  assert_search(CONF_WHERE, &d, &f, 50);
  f.account_id_count = N;
  assert_search_refused(CONF_WHERE, &f, "account_id");

  f = (msg_filter)MSG_FILTER_INIT;
  f.message_ids = ids;
  f.message_id_count = MSG_FILTER_VALUES_MAX;
  assert_search(CONF_WHERE, &d, &f, 50);
  f.message_id_count = N;
  assert_search_refused(CONF_WHERE, &f, "message_id");

  numbers[99] = d.senders[2];
  f = (msg_filter)MSG_FILTER_INIT;
  f.sender_numbers = numbers;
  f.sender_number_count = MSG_FILTER_VALUES_MAX;
  assert_search(CONF_WHERE, &d, &f, 50);
  f.sender_number_count = N;
  assert_search_refused(CONF_WHERE, &f, "sender_number");

  numbers[99] = d.receivers[1];
  f = (msg_filter)MSG_FILTER_INIT;
  f.receiver_numbers = numbers;
  f.receiver_number_count = MSG_FILTER_VALUES_MAX;
  assert_search(CONF_WHERE, &d, &f, 50);
  f.receiver_number_count = N;
  assert_search_refused(CONF_WHERE, &f, "receiver_number");
  free_dataset(&d);
}
END_TEST

START_TEST(search__refuses_invalid_set_values) {
  int64_t accounts[] = {conf_account(1), 0};
  int64_t big[] = {MSG_ACCOUNT_ID_MAX + 1};
  int64_t negative[] = {-5};
  const char *ids[] = {"0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a11", "nope"};
  const char *null_id[] = {NULL};
  const char *numbers[] = {"+123", "12"};
  const char *letters[] = {"abc"};
  const char *null_number[] = {NULL};

  msg_filter f = MSG_FILTER_INIT;
  f.account_ids = accounts;
  f.account_id_count = 2;
  assert_search_refused(CONF_WHERE, &f, "account_id");
  f.account_ids = big;
  f.account_id_count = 1;
  assert_search_refused(CONF_WHERE, &f, "account_id");
  f.account_ids = negative;
  assert_search_refused(CONF_WHERE, &f, "account_id");

  f = (msg_filter)MSG_FILTER_INIT;
  f.message_ids = ids;
  f.message_id_count = 2;
  assert_search_refused(CONF_WHERE, &f, "message_id");
  f.message_ids = null_id;
  f.message_id_count = 1;
  assert_search_refused(CONF_WHERE, &f, "message_id");

  f = (msg_filter)MSG_FILTER_INIT;
  f.sender_numbers = numbers;
  f.sender_number_count = 2;
  assert_search_refused(CONF_WHERE, &f, "sender_number");
  f.sender_numbers = letters;
  f.sender_number_count = 1;
  assert_search_refused(CONF_WHERE, &f, "sender_number");
  f.sender_numbers = null_number;
  assert_search_refused(CONF_WHERE, &f, "sender_number");

  f = (msg_filter)MSG_FILTER_INIT;
  f.receiver_numbers = numbers;
  f.receiver_number_count = 2;
  assert_search_refused(CONF_WHERE, &f, "receiver_number");
  f.receiver_numbers = letters;
  f.receiver_number_count = 1;
  assert_search_refused(CONF_WHERE, &f, "receiver_number");
  f.receiver_numbers = null_number;
  assert_search_refused(CONF_WHERE, &f, "receiver_number");
}
END_TEST

START_TEST(search__refuses_before_not_after_after) {
  int64_t account = conf_account(1);
  msg_filter f = MSG_FILTER_INIT;
  f.account_ids = &account;
  f.account_id_count = 1;
  f.has_created_after = true;
  f.has_created_before = true;
  f.created_after = 1000;
  f.created_before = 1000;
  assert_search_refused(CONF_WHERE, &f, "created_before");
  f.created_before = 999;
  assert_search_refused(CONF_WHERE, &f, "created_before");
  f.created_after = INT64_MAX;
  f.created_before = INT64_MIN;
  assert_search_refused(CONF_WHERE, &f, "created_before");
}
END_TEST

START_TEST(search__works_without_an_error_record) {
  int64_t account = conf_account(1);
  msg_filter f = MSG_FILTER_INIT;
  f.account_ids = &account;
  f.account_id_count = 1;
  msg_page_request req = MSG_PAGE_REQUEST_INIT;
  msg_page *page = NULL;
  ck_assert_int_eq(msg_message_search(&page, conf_store, &f, &req, NULL), MSG_OK);
  msg_page_free(page);
  f.account_id_count = MSG_FILTER_VALUES_MAX + 1;
  page = CONF_POISON;
  ck_assert_int_eq(msg_message_search(&page, conf_store, &f, &req, NULL), MSG_ERR_INVALID);
  ck_assert_ptr_null(page);
}
END_TEST

START_TEST(search__refuses_limits_outside_1_to_1000) {
  int64_t account = conf_account(1);
  msg_filter f = MSG_FILTER_INIT;
  f.account_ids = &account;
  f.account_id_count = 1;
  static const int64_t bad[] = {0, -1, MSG_LIMIT_MAX + 1, INT64_MIN, INT64_MAX};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    msg_page_request req = {bad[i], NULL};
    msg_page *page = CONF_POISON;
    msg_error err;
    int rc = msg_message_search(&page, conf_store, &f, &req, &err);
    CONF_ASSERT_ERROR(rc, err, MSG_ERR_INVALID, "limit");
    ck_assert_ptr_null(page);
  }
  msg_page *page = conf_page(conf_search_page, &f, MSG_LIMIT_MAX, NULL);
  ck_assert_uint_eq(page->count, 0);
  ck_assert_ptr_null(page->next_cursor);
  msg_page_free(page);
}
END_TEST

START_TEST(search__leaves_the_error_record_untouched_on_success) {
  int64_t account = conf_account(1);
  msg_filter f = MSG_FILTER_INIT;
  f.account_ids = &account;
  f.account_id_count = 1;
  msg_page_request req = MSG_PAGE_REQUEST_INIT;
  msg_page *page = NULL;
  msg_error err;
  conf_error_poison(&err);
  int rc = msg_message_search(&page, conf_store, &f, &req, &err);
  CONF_ASSERT_OK(rc, err);
  msg_page_free(page);
  ck_assert_msg(conf_error_is_poisoned(&err), "a successful search wrote to the error record");
}
END_TEST

Suite *conformance_search_suite(void) {
  Suite *s = suite_create("search");
  TCase *tc = conf_tcase("search", 120);
  tcase_add_test(tc, search__zeroed_filter_matches_every_message);
  tcase_add_test(tc, search__each_set_alone_matches_any_of_its_values);
  tcase_add_test(tc, search__query_alone_finds_whole_words);
  tcase_add_test(tc, search__time_bounds_alone_are_exclusive);
  tcase_add_test(tc, search__time_bounds_are_exclusive_to_the_microsecond);
  tcase_add_test(tc, search__every_combination_of_fields_is_an_and);
  tcase_add_test(tc, search__query_combines_with_words_of_other_messages);
  tcase_add_test(tc, search__pages_like_list);
  tcase_add_test(tc, search__sets_hold_up_to_100_values);
  tcase_add_test(tc, search__refuses_invalid_set_values);
  tcase_add_test(tc, search__refuses_before_not_after_after);
  tcase_add_test(tc, search__works_without_an_error_record);
  tcase_add_test(tc, search__refuses_limits_outside_1_to_1000);
  tcase_add_test(tc, search__leaves_the_error_record_untouched_on_success);
  suite_add_tcase(s, tc);
  return s;
}
