/*
 * Values through the backend exactly: created_at survives the round trip to
 * timestamptz to the microsecond across PostgreSQL's whole range, time
 * bounds and cursors compare exactly (also beyond what PostgreSQL can
 * store), words match only as given (quotes and backslashes included), and
 * the insert's failure statuses follow backend.h.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define ACCOUNT 42

/* 1 µs, 2^52 µs and friends: values a float8 on the way would round. */
static const int64_t times[] = {
    0,
    1,
    -1,
    INT64_C(1) << 52,
    (INT64_C(1) << 53) + 1,
    (INT64_C(1) << 62) + 7,
    INT64_MAX,
    INT64_C(1732838726123457),    /* 2024-11-29T00:05:26.123457Z */
    INT64_C(-62135596800000000),  /* 0001-01-01T00:00:00Z */
    INT64_C(253402300799999999),  /* 9999-12-31T23:59:59.999999Z */
    INT64_C(-210866803200000000), /* the earliest timestamptz */
};
#define TIME_COUNT (sizeof times / sizeof times[0])

static pgi_fixture fx;

static void setup(void) {
  pgi_open(&fx, "msgtest_values");
}

static void teardown(void) {
  pgi_close(&fx);
}

static void store_times(void) {
  for (size_t i = 0; i < TIME_COUNT; i++) {
    char id[MSG_ID_LEN + 1];
    pgi_uuid(id, i + 1);
    msg_error err;
    int rc = pgi_insert(&fx, id, ACCOUNT, times[i], "", NULL, NULL, &err);
    ck_assert_msg(rc == MSG_OK, "insert %lld: %s", (long long)times[i], err.message);
  }
}

static msg_backend_query account_query(void) {
  static const int64_t account = ACCOUNT;
  msg_backend_query q = {0};
  q.account_ids = &account;
  q.account_id_count = 1;
  q.limit = MSG_LIMIT_MAX + 1;
  return q;
}

static size_t count_matching(const msg_backend_query *q) {
  msg_backend_rows rows;
  pgi_query(&fx, q, &rows);
  size_t n = rows.count;
  msg__rows_clear(&rows);
  return n;
}

/* How many stored times satisfy `lo < t < hi` (either side optional). */
static size_t expected(bool has_lo, int64_t lo, bool has_hi, int64_t hi) {
  size_t n = 0;
  for (size_t i = 0; i < TIME_COUNT; i++)
    n += (!has_lo || times[i] > lo) && (!has_hi || times[i] < hi);
  return n;
}

START_TEST(time__created_at_round_trips_to_the_microsecond) {
  store_times();
  msg_backend_query q = account_query();
  msg_backend_rows rows;
  pgi_query(&fx, &q, &rows);
  ck_assert_uint_eq(rows.count, TIME_COUNT);
  for (size_t r = 0; r < rows.count; r++) {
    const msg_message *m = &rows.items[r];
    size_t i = (size_t)strtoull(m->message_id + 24, NULL, 16) - 1;
    ck_assert_uint_lt(i, TIME_COUNT);
    ck_assert_int_eq(m->created_at, times[i]);
    if (r > 0)
      ck_assert_int_lt(m->created_at, rows.items[r - 1].created_at);
  }
  msg__rows_clear(&rows);
}
END_TEST

START_TEST(time__bounds_compare_exactly_even_beyond_postgres_range) {
  store_times();
  msg_backend_query q = account_query();
  for (size_t i = 0; i < TIME_COUNT; i++) {
    int64_t t = times[i];
    q.has_created_after = true;
    q.has_created_before = false;
    q.created_after = t;
    ck_assert_uint_eq(count_matching(&q), expected(true, t, false, 0));
    if (t > INT64_MIN) {
      q.created_after = t - 1;
      ck_assert_uint_eq(count_matching(&q), expected(true, t - 1, false, 0));
    }
    q.has_created_after = false;
    q.has_created_before = true;
    q.created_before = t;
    ck_assert_uint_eq(count_matching(&q), expected(false, 0, true, t));
    if (t < INT64_MAX) {
      q.created_before = t + 1;
      ck_assert_uint_eq(count_matching(&q), expected(false, 0, true, t + 1));
    }
  }
  /* Below the earliest timestamptz: -infinity must behave like the number. */
  static const int64_t far[] = {INT64_MIN, INT64_C(-210866803200000001)};
  for (size_t i = 0; i < 2; i++) {
    q.has_created_after = true;
    q.created_after = far[i];
    q.has_created_before = false;
    ck_assert_uint_eq(count_matching(&q), TIME_COUNT);
    q.has_created_after = false;
    q.has_created_before = true;
    q.created_before = far[i];
    ck_assert_uint_eq(count_matching(&q), 0);
  }
}
END_TEST

START_TEST(time__cursor_positions_compare_exactly) {
  store_times();
  msg_backend_query q = account_query();
  q.has_cursor = true;
  for (size_t i = 0; i < TIME_COUNT; i++) {
    char id[MSG_ID_LEN + 1];
    pgi_uuid(id, i + 1);
    q.cursor_created_at = times[i];
    q.cursor_message_id = id;
    ck_assert_uint_eq(count_matching(&q), expected(false, 0, true, times[i]));
  }
  q.cursor_created_at = INT64_MIN;
  q.cursor_message_id = "ffffffff-ffff-ffff-ffff-ffffffffffff";
  ck_assert_uint_eq(count_matching(&q), 0);
}
END_TEST

START_TEST(insert__before_the_earliest_postgres_time_is_internal) {
  char id[MSG_ID_LEN + 1];
  pgi_uuid(id, 1);
  msg_error err;
  int rc = pgi_insert(&fx, id, ACCOUNT, INT64_C(-210866803200000001), "", NULL, NULL, &err);
  ck_assert_int_eq(rc, MSG_ERR_INTERNAL);
}
END_TEST

START_TEST(insert__a_reused_message_id_is_internal) {
  char id[MSG_ID_LEN + 1];
  pgi_uuid(id, 7);
  msg_error err;
  ck_assert_int_eq(pgi_insert(&fx, id, ACCOUNT, 1, "", NULL, NULL, &err), MSG_OK);
  int rc = pgi_insert(&fx, id, ACCOUNT + 1, 2, "", "a key", NULL, &err);
  ck_assert_int_eq(rc, MSG_ERR_INTERNAL);
  ck_assert_msg(strstr(err.message, "23505") != NULL, "%s", err.message);
  /* The connection is still usable afterwards. */
  pgi_uuid(id, 8);
  ck_assert_int_eq(pgi_insert(&fx, id, ACCOUNT, 3, "", NULL, NULL, &err), MSG_OK);
}
END_TEST

START_TEST(insert__a_taken_key_stores_nothing_and_returns_the_holder) {
  char first[MSG_ID_LEN + 1], second[MSG_ID_LEN + 1];
  pgi_uuid(first, 1);
  pgi_uuid(second, 2);
  msg_error err;
  ck_assert_int_eq(pgi_insert(&fx, first, ACCOUNT, 10, "x", "key", NULL, &err), MSG_OK);
  /* The same key in another account is another key. */
  ck_assert_int_eq(pgi_insert(&fx, second, ACCOUNT + 1, 11, "x", "key", NULL, &err), MSG_OK);
  msg_backend_rows existing;
  msg__rows_init(&existing);
  pgi_uuid(second, 3);
  int rc = pgi_insert(&fx, second, ACCOUNT, 12, "y", "key", &existing, &err);
  ck_assert_int_eq(rc, MSG_ERR_CONFLICT);
  ck_assert_uint_eq(existing.count, 1);
  ck_assert_str_eq(existing.items[0].message_id, first);
  ck_assert_int_eq(existing.items[0].created_at, 10);
  msg__rows_clear(&existing);
  msg_backend_query q = account_query();
  ck_assert_uint_eq(count_matching(&q), 1);
}
END_TEST

static size_t count_terms(const char *const *terms, size_t count) {
  msg_backend_query q = account_query();
  q.terms = terms;
  q.term_count = count;
  return count_matching(&q);
}

START_TEST(search__words_match_exactly_as_given) {
  static const char *const texts[] = {"b a b", "", "it's a\\b", "x  y", "Straße strasse"};
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    char id[MSG_ID_LEN + 1];
    pgi_uuid(id, i + 1);
    msg_error err;
    int rc = pgi_insert(&fx, id, ACCOUNT, (int64_t)i, texts[i], NULL, NULL, &err);
    ck_assert_msg(rc == MSG_OK, "insert '%s': %s", texts[i], err.message);
  }
  const char *t[3];
  t[0] = "a";
  ck_assert_uint_eq(count_terms(t, 1), 1);
  t[0] = "b";
  t[1] = "a";
  ck_assert_uint_eq(count_terms(t, 2), 1);
  t[0] = "it's";
  ck_assert_uint_eq(count_terms(t, 1), 1);
  t[0] = "a\\b";
  ck_assert_uint_eq(count_terms(t, 1), 1);
  t[0] = "it";
  ck_assert_uint_eq(count_terms(t, 1), 0);
  t[0] = "x";
  t[1] = "y";
  ck_assert_uint_eq(count_terms(t, 2), 1);
  t[0] = "straße";
  ck_assert_uint_eq(count_terms(t, 1), 0);
  t[0] = "Straße";
  t[1] = "strasse";
  ck_assert_uint_eq(count_terms(t, 2), 1);
  /* No stemming or stop words: "a" matched above; "bs" is not "b". */
  t[0] = "bs";
  ck_assert_uint_eq(count_terms(t, 1), 0);
  t[0] = "a";
  t[1] = "x";
  ck_assert_uint_eq(count_terms(t, 2), 0);
}
END_TEST

Suite *pgi_values_suite(void) {
  Suite *s = suite_create("values");
  TCase *tc = tcase_create("values");
  tcase_set_timeout(tc, 60);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, time__created_at_round_trips_to_the_microsecond);
  tcase_add_test(tc, time__bounds_compare_exactly_even_beyond_postgres_range);
  tcase_add_test(tc, time__cursor_positions_compare_exactly);
  tcase_add_test(tc, insert__before_the_earliest_postgres_time_is_internal);
  tcase_add_test(tc, insert__a_reused_message_id_is_internal);
  tcase_add_test(tc, insert__a_taken_key_stores_nothing_and_returns_the_holder);
  tcase_add_test(tc, search__words_match_exactly_as_given);
  suite_add_tcase(s, tc);
  return s;
}
