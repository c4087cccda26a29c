/*
 * Text search plans (sqlite_text.c): a common word walks the ordering index
 * and a rare one is read through the word index, and both forms, whatever
 * the window, return exactly the same rows. The data set has a word in
 * every other message, one in every thirteenth, one in two messages, three
 * accounts of different sizes, ties on created_at, and rows stored out of
 * time order, which is what the window must survive.
 */
#include "sqlite_test.h"
#include "conditions.h"

#include "rows.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MESSAGES 3000

static test_store store;
static msg_backend_rows rows;

static const char *words_of(int i) {
  static char words[64];
  snprintf(words, sizeof words, "%s%s%s%s", i % 2 == 0 ? "common " : "", i % 13 == 0 ? "mid " : "",
           i == 1000 || i == 2500 ? "rare " : "", "filler");
  return words;
}

/* Mostly in time order, as stored; every 37th row is much older than its
 * neighbours and every 53rd much newer, and pairs share a time. */
static int64_t time_of(int i) {
  if (i % 37 == 0)
    return 1000 + i;
  if (i % 53 == 0)
    return 1000000 + i;
  return 100000 + (i / 2) * 10;
}

static void setup(void) {
  test_store_open(&store, "sqlite::memory:", 5000);
  msg__rows_init(&rows);
  for (int i = 0; i < MESSAGES; i++) {
    /* Distinct ids in no particular order: an odd multiplier is a
     * bijection modulo 2^32. */
    char id[40];
    snprintf(id, sizeof id, "01890000-0000-7000-8000-%012lx",
             (unsigned long)(((uint32_t)i * UINT32_C(2654435761)) & 0xffffffffu));
    msg_message m = test_message(id, "body", time_of(i));
    m.account_id = i % 10 == 0 ? 3 : i % 3 == 0 ? 2 : 1;
    msg_backend_record record = {&m, NULL, words_of(i)};
    msg_error err = {0};
    msg__rows_clear(&rows);
    assert_status(store.backend->insert(store.backend, store.conn, &record, &rows, &err), err,
                  MSG_OK);
  }
}

static void teardown(void) {
  msg__rows_clear(&rows);
  test_store_close(&store);
}

/* The text built in `ids` ("" when nothing was appended, which
 * sqlite3_str_finish returns as NULL). */
static char *finish(sqlite3_str *ids) {
  ck_assert_int_eq(sqlite3_str_errcode(ids), SQLITE_OK);
  char *text = sqlite3_str_finish(ids);
  if (!text)
    text = sqlite3_mprintf("%s", "");
  ck_assert_ptr_nonnull(text);
  return text;
}

/* Runs the search statement of `shape` (with `window` when it walks) and
 * returns its ids, one per line. Caller frees with sqlite3_free. */
static char *ids_of(const msg_backend_query *q, unsigned int shape, sqlite3_int64 window,
                    sqlite3_int64 window_end) {
  char *sql = msg__sqlite_search_sql(shape);
  ck_assert_ptr_nonnull(sql);
  sqlite3_stmt *stmt = NULL;
  ck_assert_int_eq(sqlite3_prepare_v2(store.db, sql, -1, &stmt, NULL), SQLITE_OK);
  sqlite3_free(sql);
  ck_assert_int_eq(msg__sqlite_bind_query(stmt, q), SQLITE_OK);
  sqlite_text_plan plan = {shape, window, window_end};
  if (shape & SQLITE_SHAPE_WALK)
    ck_assert_int_eq(msg__sqlite_bind_window(stmt, &plan), SQLITE_OK);
  sqlite3_str *ids = sqlite3_str_new(NULL);
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
    sqlite3_str_appendf(ids, "%s\n", (const char *)sqlite3_column_text(stmt, 0));
  ck_assert_int_eq(rc, SQLITE_DONE);
  sqlite3_finalize(stmt);
  return finish(ids);
}

/* The ids the backend itself returns for `q`, one per line. */
static char *backend_ids(const msg_backend_query *q) {
  msg_error err = {0};
  msg__rows_clear(&rows);
  msg_backend_query with = *q; /* the core computes the conditions */
  with.conditions = msg__query_conditions(q);
  assert_status(store.backend->query(store.backend, store.conn, &with, &rows, &err), err, MSG_OK);
  sqlite3_str *ids = sqlite3_str_new(NULL);
  for (size_t i = 0; i < rows.count; i++)
    sqlite3_str_appendf(ids, "%s\n", rows.items[i].message_id);
  return finish(ids);
}

static sqlite_text_plan plan_for(const msg_backend_query *q) {
  sqlite_text_plan plan = {.shape = msg__query_conditions(q)};
  msg_error err = {0};
  assert_status(msg__sqlite_text_plan((sqlite_conn *)store.conn, q, &plan, &err), err, MSG_OK);
  return plan;
}

static const char *const common[] = {"common"};
static const char *const rare[] = {"rare"};

START_TEST(text__common_word_walks_time_index_newest_first) {
  msg_backend_query q = {.terms = common, .term_count = 1, .limit = 11};
  sqlite_text_plan plan = plan_for(&q);
  ck_assert_msg(plan.shape & SQLITE_SHAPE_WALK, "a common word is read through the word index");
  /* The window is the newest rowids holding the word, not all of them. */
  ck_assert_int_gt(plan.window, 1);
  char *explain = test_plan_of(store.db, plan.shape);
  ck_assert_msg(strstr(explain, "SCAN messages USING INDEX messages_by_time") != NULL, "%s",
                explain);
  ck_assert_msg(strstr(explain, "TEMP B-TREE") == NULL, "sorts:\n%s", explain);
  sqlite3_free(explain);
}
END_TEST

START_TEST(text__rare_word_is_read_through_word_index) {
  msg_backend_query q = {.terms = rare, .term_count = 1, .limit = 11};
  sqlite_text_plan plan = plan_for(&q);
  ck_assert_msg(!(plan.shape & SQLITE_SHAPE_WALK), "a rare word walks");
  char *explain = test_plan_of(store.db, plan.shape);
  ck_assert_msg(strstr(explain, "SCAN messages_fts VIRTUAL TABLE") != NULL, "%s", explain);
  ck_assert_msg(strstr(explain, "INTEGER PRIMARY KEY (rowid=?)") != NULL, "%s", explain);
  sqlite3_free(explain);
}
END_TEST

/* The larger the page, the more rows a walk reads, so the same word can be
 * read through the word index for a large page and walked for a small one. */
START_TEST(text__choice_depends_on_page_size) {
  static const char *const mid[] = {"mid"};
  msg_backend_query q = {.terms = mid, .term_count = 1, .limit = 2};
  ck_assert(plan_for(&q).shape & SQLITE_SHAPE_WALK);
  q.limit = 1001;
  ck_assert(!(plan_for(&q).shape & SQLITE_SHAPE_WALK));
}
END_TEST

/* A window that misses rows the walk reaches (too high, too low, too
 * narrow, empty, past every rowid, or rows stored out of time order)
 * changes nothing in the result. */
START_TEST(text__both_forms_and_every_window_return_the_same_rows) {
  static const char *const mid[] = {"mid"};
  static const char *const two[] = {"common", "mid"};
  static const char *const none[] = {"absent"};
  static const struct {
    const char *const *terms;
    size_t count;
  } words[] = {{common, 1}, {mid, 1}, {rare, 1}, {two, 2}, {none, 1}};
  static const int64_t one_account[] = {3};
  static const int64_t two_accounts[] = {2, 3};
  static const size_t limits[] = {1, 11, 101, 2000};
  static const sqlite3_int64 windows[][2] = {
      {INT64_MIN, INT64_MAX}, {1, INT64_MAX},    {1500, INT64_MAX},      {2990, INT64_MAX},
      {3000, 3000},           {3001, INT64_MAX}, {INT64_MAX, INT64_MAX}, {1000, 1300},
      {1190, 1210},           {INT64_MIN, 5},    {2000, 1000},
  };
  size_t compared = 0;
  for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
    for (int filter = 0; filter < 6; filter++) {
      for (size_t l = 0; l < sizeof limits / sizeof limits[0]; l++) {
        msg_backend_query q = {
            .terms = words[w].terms, .term_count = words[w].count, .limit = limits[l]};
        if (filter == 1) {
          q.account_ids = one_account;
          q.account_id_count = 1;
        } else if (filter == 2) {
          q.account_ids = two_accounts;
          q.account_id_count = 2;
        } else if (filter == 3) {
          q.has_created_after = true;
          q.created_after = 5000;
          q.has_created_before = true;
          q.created_before = time_of(1200);
        } else if (filter == 4) {
          /* After a row stored out of order, in a tie. */
          q.has_cursor = true;
          q.cursor_created_at = time_of(1501);
          q.cursor_message_id = "01890000-0000-7000-8000-05dd00000fff";
        } else if (filter == 5) {
          q.has_cursor = true;
          q.cursor_created_at = time_of(1200);
          q.cursor_message_id = "01890000-0000-7000-8000-ffffffffffff";
          q.account_ids = one_account;
          q.account_id_count = 1;
        }
        unsigned int shape = msg__query_conditions(&q);
        char *want = ids_of(&q, shape, 0, 0);
        for (size_t i = 0; i < sizeof windows / sizeof windows[0]; i++) {
          char *got = ids_of(&q, shape | SQLITE_SHAPE_WALK, windows[i][0], windows[i][1]);
          ck_assert_msg(strcmp(want, got) == 0, "words %zu filter %d limit %zu window %lld..%lld",
                        w, filter, limits[l], (long long)windows[i][0], (long long)windows[i][1]);
          sqlite3_free(got);
          compared++;
        }
        char *chosen = backend_ids(&q);
        ck_assert_msg(strcmp(want, chosen) == 0, "backend: words %zu filter %d limit %zu", w,
                      filter, limits[l]);
        sqlite3_free(chosen);
        sqlite3_free(want);
      }
    }
  }
  ck_assert_uint_eq(compared, 5 * 6 * 4 * 11);
}
END_TEST

/* The data set's own checks: the test above compares something. */
START_TEST(text__data_set_has_common_rare_and_disordered_rows) {
  ck_assert_int_eq(test_int(store.db, "SELECT count(*) FROM messages"), MESSAGES);
  ck_assert_int_eq(
      test_int(store.db, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'rare'"), 2);
  ck_assert_int_eq(
      test_int(store.db, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'common'"),
      MESSAGES / 2);
  ck_assert_int_gt(test_int(store.db, "SELECT count(*) FROM messages a JOIN messages b"
                                      " ON b.seq = a.seq + 1 WHERE b.created_at < a.created_at"),
                   50);
}
END_TEST

Suite *text_suite(void) {
  Suite *s = suite_create("text");
  TCase *tc = tcase_create("text");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, text__common_word_walks_time_index_newest_first);
  tcase_add_test(tc, text__rare_word_is_read_through_word_index);
  tcase_add_test(tc, text__choice_depends_on_page_size);
  tcase_add_test(tc, text__both_forms_and_every_window_return_the_same_rows);
  tcase_add_test(tc, text__data_set_has_common_rare_and_disordered_rows);
  suite_add_tcase(s, tc);
  return s;
}
