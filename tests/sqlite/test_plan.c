/*
 * Query plans: every query path of the backend uses its index. Each test
 * asks the backend for the SQL text of a query shape, runs EXPLAIN QUERY
 * PLAN on it in a database the backend migrated, and checks the plan. A
 * path whose index gives the order must not sort ("USE TEMP B-TREE FOR ORDER
 * BY"): with the limit, it reads only the rows it returns.
 */
#include "sqlite_test.h"

#include <string.h>

static test_store store;

static void setup(void) {
  test_store_open(&store, "sqlite::memory:", 5000);
}

static void teardown(void) {
  test_store_close(&store);
}

/* Fails unless the plan of `shape` contains `want`, and, when `sorted_by_index`
 * is set, has no sort step. */
static void assert_plan(unsigned int shape, const char *want, bool sorted_by_index) {
  char *plan = test_plan_of(store.db, shape);
  ck_assert_msg(strstr(plan, want) != NULL, "shape %#x: plan lacks '%s':\n%s", shape, want, plan);
  if (sorted_by_index)
    ck_assert_msg(strstr(plan, "TEMP B-TREE") == NULL, "shape %#x sorts:\n%s", shape, plan);
  sqlite3_free(plan);
}

START_TEST(plan__list_by_account_uses_account_index_without_sort) {
  assert_plan(SQLITE_SHAPE_ACCOUNT_ONE,
              "SEARCH messages USING INDEX messages_by_account (account_id=?)", true);
}
END_TEST

START_TEST(plan__list_page_after_cursor_seeks_account_index_without_sort) {
  assert_plan(SQLITE_SHAPE_ACCOUNT_ONE | SQLITE_SHAPE_CURSOR,
              "SEARCH messages USING INDEX messages_by_account (account_id=? AND "
              "(created_at,message_id)<(?,?))",
              true);
}
END_TEST

START_TEST(plan__search_by_sender_uses_sender_index_without_sort) {
  assert_plan(SQLITE_SHAPE_SENDER_ONE,
              "SEARCH messages USING INDEX messages_by_sender (sender_number=?)", true);
}
END_TEST

START_TEST(plan__search_by_receiver_uses_receiver_index_without_sort) {
  assert_plan(SQLITE_SHAPE_RECEIVER_ONE,
              "SEARCH messages USING INDEX messages_by_receiver (receiver_number=?)", true);
}
END_TEST

START_TEST(plan__search_by_several_senders_uses_sender_index) {
  assert_plan(SQLITE_SHAPE_SENDER_MANY,
              "SEARCH messages USING INDEX messages_by_sender (sender_number=?)", false);
}
END_TEST

START_TEST(plan__get_by_id_uses_message_id_index) {
  assert_plan(SQLITE_SHAPE_ID_ONE,
              "SEARCH messages USING INDEX sqlite_autoindex_messages_1 (message_id=?)", true);
}
END_TEST

START_TEST(plan__search_by_several_ids_uses_message_id_index) {
  assert_plan(SQLITE_SHAPE_ID_MANY,
              "SEARCH messages USING INDEX sqlite_autoindex_messages_1 (message_id=?)", false);
}
END_TEST

START_TEST(plan__time_range_uses_time_index_without_sort) {
  assert_plan(SQLITE_SHAPE_AFTER | SQLITE_SHAPE_BEFORE,
              "SEARCH messages USING INDEX messages_by_time (created_at>? AND created_at<?)", true);
  assert_plan(SQLITE_SHAPE_AFTER, "SEARCH messages USING INDEX messages_by_time (created_at>?)",
              true);
  assert_plan(SQLITE_SHAPE_BEFORE, "SEARCH messages USING INDEX messages_by_time (created_at<?)",
              true);
}
END_TEST

START_TEST(plan__unfiltered_search_walks_time_index_without_sort) {
  assert_plan(0, "SCAN messages USING INDEX messages_by_time", true);
}
END_TEST

START_TEST(plan__text_search_reads_rows_the_word_index_found) {
  assert_plan(SQLITE_SHAPE_TERMS, "SCAN messages_fts VIRTUAL TABLE INDEX 0:M", false);
  assert_plan(SQLITE_SHAPE_TERMS, "SEARCH messages USING INTEGER PRIMARY KEY (rowid=?)", false);
}
END_TEST

/* Without WALK the word index drives even when a filter has an index that
 * gives the order: the words are rare, and walking the filter's rows would
 * read every one of them. */
START_TEST(plan__text_search_in_account_reads_rows_the_word_index_found) {
  unsigned int shape = SQLITE_SHAPE_ACCOUNT_ONE | SQLITE_SHAPE_TERMS;
  assert_plan(shape, "SCAN messages_fts VIRTUAL TABLE INDEX 0:M", false);
  assert_plan(shape, "SEARCH messages USING INTEGER PRIMARY KEY (rowid=?)", false);
  assert_plan(shape | SQLITE_SHAPE_AFTER | SQLITE_SHAPE_BEFORE | SQLITE_SHAPE_CURSOR,
              "SEARCH messages USING INTEGER PRIMARY KEY (rowid=?)", false);
}
END_TEST

/* With WALK the ordering index drives, newest first, without a sort, and
 * the words are a set checked per row. */
START_TEST(plan__walking_text_search_walks_time_index_without_sort) {
  unsigned int walk = SQLITE_SHAPE_TERMS | SQLITE_SHAPE_WALK;
  assert_plan(walk, "SCAN messages USING INDEX messages_by_time", true);
  assert_plan(walk, "LIST SUBQUERY", true);
  assert_plan(walk | SQLITE_SHAPE_CURSOR,
              "SEARCH messages USING INDEX messages_by_time ((created_at,message_id)<(?,?))", true);
  assert_plan(walk | SQLITE_SHAPE_AFTER | SQLITE_SHAPE_BEFORE,
              "SEARCH messages USING INDEX messages_by_time (created_at>? AND created_at<?)", true);
}
END_TEST

START_TEST(plan__walking_text_search_in_account_uses_account_index_without_sort) {
  unsigned int walk = SQLITE_SHAPE_ACCOUNT_ONE | SQLITE_SHAPE_TERMS | SQLITE_SHAPE_WALK;
  assert_plan(walk, "SEARCH messages USING INDEX messages_by_account (account_id=?)", true);
  assert_plan(walk | SQLITE_SHAPE_CURSOR,
              "SEARCH messages USING INDEX messages_by_account (account_id=? AND "
              "(created_at,message_id)<(?,?))",
              true);
  assert_plan(SQLITE_SHAPE_SENDER_ONE | SQLITE_SHAPE_TERMS | SQLITE_SHAPE_WALK,
              "SEARCH messages USING INDEX messages_by_sender (sender_number=?)", true);
}
END_TEST

/* The statements that choose between the two read only indexes. */
START_TEST(plan__text_plan_helpers_seek_indexes) {
  assert_plan(SQLITE_SHAPE_HELPER | SQLITE_HELPER_BOUNDS,
              "SEARCH messages USING COVERING INDEX messages_by_time (created_at<?)", true);
  assert_plan(SQLITE_SHAPE_HELPER | SQLITE_HELPER_COUNT, "SCAN messages_fts VIRTUAL TABLE", true);
  assert_plan(SQLITE_SHAPE_HELPER | SQLITE_HELPER_NEWEST, "SCAN messages_fts VIRTUAL TABLE", true);
  ck_assert_ptr_null(msg__sqlite_search_sql(SQLITE_SHAPE_HELPER | 7u));
}
END_TEST

/* The SQL of every possible shape, in both forms when it has words, is
 * valid against the migrated schema. */
START_TEST(plan__every_shape_prepares) {
  static const unsigned int sets[][2] = {
      {SQLITE_SHAPE_ACCOUNT_ONE, SQLITE_SHAPE_ACCOUNT_MANY},
      {SQLITE_SHAPE_ID_ONE, SQLITE_SHAPE_ID_MANY},
      {SQLITE_SHAPE_SENDER_ONE, SQLITE_SHAPE_SENDER_MANY},
      {SQLITE_SHAPE_RECEIVER_ONE, SQLITE_SHAPE_RECEIVER_MANY},
  };
  unsigned int prepared = 0;
  for (unsigned int combo = 0; combo < 81 * 16; combo++) {
    unsigned int shape = 0, rest = combo / 16;
    for (size_t i = 0; i < 4; i++, rest /= 3)
      shape |= rest % 3 == 0 ? 0u : sets[i][rest % 3 - 1];
    if (combo & 1)
      shape |= SQLITE_SHAPE_AFTER;
    if (combo & 2)
      shape |= SQLITE_SHAPE_BEFORE;
    if (combo & 4)
      shape |= SQLITE_SHAPE_TERMS;
    if (combo & 8)
      shape |= SQLITE_SHAPE_CURSOR;
    for (int walk = 0; walk < ((shape & SQLITE_SHAPE_TERMS) ? 2 : 1); walk++) {
      unsigned int s = shape | (walk ? SQLITE_SHAPE_WALK : 0u);
      char *sql = msg__sqlite_search_sql(s);
      ck_assert_ptr_nonnull(sql);
      sqlite3_stmt *stmt = NULL;
      int rc = sqlite3_prepare_v2(store.db, sql, -1, &stmt, NULL);
      ck_assert_msg(rc == SQLITE_OK, "shape %#x: %s: %s", s, sql, sqlite3_errmsg(store.db));
      ck_assert_int_eq(sqlite3_bind_parameter_count(stmt),
                       walk ? SQLITE_PARAM_WINDOW_END : SQLITE_PARAM_LIMIT);
      sqlite3_finalize(stmt);
      sqlite3_free(sql);
      prepared++;
    }
  }
  ck_assert_uint_eq(prepared, 1296 + 648);
}
END_TEST

Suite *plan_suite(void) {
  Suite *s = suite_create("plan");
  TCase *tc = tcase_create("plan");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, plan__list_by_account_uses_account_index_without_sort);
  tcase_add_test(tc, plan__list_page_after_cursor_seeks_account_index_without_sort);
  tcase_add_test(tc, plan__search_by_sender_uses_sender_index_without_sort);
  tcase_add_test(tc, plan__search_by_receiver_uses_receiver_index_without_sort);
  tcase_add_test(tc, plan__search_by_several_senders_uses_sender_index);
  tcase_add_test(tc, plan__get_by_id_uses_message_id_index);
  tcase_add_test(tc, plan__search_by_several_ids_uses_message_id_index);
  tcase_add_test(tc, plan__time_range_uses_time_index_without_sort);
  tcase_add_test(tc, plan__unfiltered_search_walks_time_index_without_sort);
  tcase_add_test(tc, plan__text_search_reads_rows_the_word_index_found);
  tcase_add_test(tc, plan__text_search_in_account_reads_rows_the_word_index_found);
  tcase_add_test(tc, plan__walking_text_search_walks_time_index_without_sort);
  tcase_add_test(tc, plan__walking_text_search_in_account_uses_account_index_without_sort);
  tcase_add_test(tc, plan__text_plan_helpers_seek_indexes);
  tcase_add_test(tc, plan__every_shape_prepares);
  suite_add_tcase(s, tc);
  return s;
}
