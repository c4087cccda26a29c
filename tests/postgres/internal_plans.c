/*
 * Every query path reads its index. The backend's own statements (as
 * msg__pg_search_sql builds them, with its parameter types) are prepared on
 * the backend's own connection, so with its session settings, over a table
 * of 60 000 analysed rows, and explained with values. A shape the backend
 * runs prepared is explained six times and the last plan is checked:
 * PostgreSQL may switch a prepared statement to a generic plan after five
 * executions, and that plan must still read the index. A shape the backend
 * runs unnamed is planned with its values every time, which is what the
 * first execution of a prepared statement gets: it is explained once. No
 * plan may scan the table. Which shapes run which way, and that the
 * backend really runs them so, is checked too: a generic plan cannot see
 * how rare a word is.
 */
#include "internal.h"
#include "conditions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pgi_fixture fx;
static PGconn *db;

static void setup(void) {
  pgi_open(&fx, "msgtest_plans");
  db = ((pg_conn *)fx.conn)->db;
  /* Loaded on a connection of its own: the backend's statement timeout is
   * for messages, not for 60 000 of them at once on a busy test machine. */
  char *uri = pgt_uri_for(fx.dbname);
  PGconn *loader = PQconnectdb(uri);
  free(uri);
  ck_assert_msg(PQstatus(loader) == CONNECTION_OK, "%s", PQerrorMessage(loader));
  /* 600 accounts, 1000 senders, 997 receivers, one message a second, a
   * word in every message and 5000 rarer ones. */
  free(pgt_sql(loader,
               "INSERT INTO messages (message_id, account_id, sender_number,"
               " receiver_number, body, created_at, search_tsv)"
               " SELECT gen_random_uuid(), i % 600 + 1, '+1555' || (i % 1000),"
               " '+1666' || (i % 997), 'body', timestamptz '2024-01-01 00:00:00+00'"
               " + i * interval '1 second', array_to_tsvector(ARRAY['common', 'w' || (i % 5000)])"
               " FROM generate_series(1, 60000) AS i"));
  free(pgt_sql(loader, "ANALYZE messages"));
  PQfinish(loader);
}

static void teardown(void) {
  pgi_close(&fx);
}

/* Explains `q` with `args` (the EXECUTE argument list, one per parameter)
 * as often as it takes to see the plan the backend's way of running it gets
 * (see the top), and returns the last plan as one string (malloc'd). */
/* Whether `q` runs prepared, its conditions computed as the core does. */
static int prepared(msg_backend_query q) {
  q.conditions = msg__query_conditions(&q);
  return msg__pg_search_is_prepared(&q);
}

static char *explain(const msg_backend_query *given, const char *args) {
  msg_backend_query with = *given; /* the core computes the conditions */
  with.conditions = msg__query_conditions(given);
  const msg_backend_query *q = &with;
  static int probes;
  char name[32];
  snprintf(name, sizeof name, "probe_%d", ++probes);
  Oid types[PG_SEARCH_PARAMS];
  char *sql = msg__pg_search_sql(q, types);
  ck_assert_ptr_nonnull(sql);
  PGresult *res = PQprepare(db, name, sql, PG_SEARCH_PARAMS, types);
  ck_assert_msg(PQresultStatus(res) == PGRES_COMMAND_OK, "%s: %s", sql, PQerrorMessage(db));
  PQclear(res);
  size_t len = strlen(args) + 64;
  char *text = malloc(len);
  ck_assert_ptr_nonnull(text);
  snprintf(text, len, "EXPLAIN EXECUTE %s(%s)", name, args);
  res = NULL;
  int runs = msg__pg_search_is_prepared(q) ? 6 : 1;
  for (int run = 0; run < runs; run++) {
    PQclear(res);
    res = PQexec(db, text);
    ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s: %s", text, PQerrorMessage(db));
  }
  size_t total = 1;
  for (int i = 0; i < PQntuples(res); i++)
    total += strlen(PQgetvalue(res, i, 0)) + 1;
  char *plan = calloc(1, total);
  ck_assert_ptr_nonnull(plan);
  for (int i = 0; i < PQntuples(res); i++) {
    strcat(plan, PQgetvalue(res, i, 0));
    strcat(plan, "\n");
  }
  PQclear(res);
  free(text);
  free(sql);
  return plan;
}

/* Asserts the plan of `q` uses `index` and does not scan the table. */
static void assert_uses(const char *what, const msg_backend_query *q, const char *args,
                        const char *index) {
  char *plan = explain(q, args);
  ck_assert_msg(strstr(plan, "Seq Scan") == NULL, "%s scans the table:\n%s", what, plan);
  ck_assert_msg(strstr(plan, index) != NULL, "%s does not use %s:\n%s", what, index, plan);
  free(plan);
}

/* EXECUTE arguments in parameter order: accounts, ids, senders, receivers,
 * after, before, terms, cursor time, cursor id, limit. */
#define ARGS(accounts, ids, senders, receivers, after, before, terms, ctime, cid)                  \
  accounts ", " ids ", " senders ", " receivers ", " after ", " before ", " terms ", " ctime       \
           ", " cid ", 51"

START_TEST(plans__every_query_path_reads_its_index) {
  static const int64_t one_account[] = {7}, accounts[] = {7, 8, 9};
  static const char *const one_id[] = {"00000000-0000-7000-8000-000000000001"};
  static const char *const ids[] = {"00000000-0000-7000-8000-000000000001",
                                    "00000000-0000-7000-8000-000000000002"};
  static const char *const numbers[] = {"+15557", "+15558"};
  static const char *const receivers[] = {"+16667", "+16668"};
  static const char *const rare[] = {"w42"};
  static const char *const rare_and_common[] = {"w42", "common"};
  const char *cursor_id = "00000000-0000-7000-8000-000000000009";
  msg_backend_query q;

  q = (msg_backend_query){.account_ids = one_account, .account_id_count = 1, .limit = 51};
  assert_uses("one account", &q,
              ARGS("7", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"),
              "messages_by_account");
  q.has_cursor = true;
  q.cursor_created_at = 1704070000000000;
  q.cursor_message_id = cursor_id;
  assert_uses("one account, next page", &q,
              ARGS("7", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "'2024-01-01 00:30:00+00'",
                   "'00000000-0000-7000-8000-000000000009'"),
              "messages_by_account");

  q = (msg_backend_query){.account_ids = accounts, .account_id_count = 3, .limit = 51};
  assert_uses("three accounts", &q,
              ARGS("'{7,8,9}'", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"),
              "messages_by_account");

  q = (msg_backend_query){.message_ids = one_id, .message_id_count = 1, .limit = 51};
  assert_uses("one id", &q,
              ARGS("NULL", "'00000000-0000-7000-8000-000000000001'", "NULL", "NULL", "NULL", "NULL",
                   "NULL", "NULL", "NULL"),
              "messages_pkey");
  q = (msg_backend_query){.message_ids = ids, .message_id_count = 2, .limit = 51};
  assert_uses("two ids", &q,
              ARGS("NULL",
                   "'{00000000-0000-7000-8000-000000000001,00000000-0000-7000-8000-000000000002}'",
                   "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"),
              "messages_pkey");

  q = (msg_backend_query){.sender_numbers = numbers, .sender_number_count = 1, .limit = 51};
  assert_uses("one sender", &q,
              ARGS("NULL", "NULL", "'+15557'", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"),
              "messages_by_sender");
  q.sender_number_count = 2;
  assert_uses(
      "two senders", &q,
      ARGS("NULL", "NULL", "'{+15557,+15558}'", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"),
      "messages_by_sender");

  q = (msg_backend_query){.receiver_numbers = receivers, .receiver_number_count = 1, .limit = 51};
  assert_uses("one receiver", &q,
              ARGS("NULL", "NULL", "NULL", "'+16667'", "NULL", "NULL", "NULL", "NULL", "NULL"),
              "messages_by_receiver");
  q.receiver_number_count = 2;
  assert_uses(
      "two receivers", &q,
      ARGS("NULL", "NULL", "NULL", "'{+16667,+16668}'", "NULL", "NULL", "NULL", "NULL", "NULL"),
      "messages_by_receiver");

  q = (msg_backend_query){.limit = 51};
  assert_uses("everything", &q,
              ARGS("NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"),
              "messages_by_time");
  q.has_created_after = true;
  q.has_created_before = true;
  assert_uses("a time range", &q,
              ARGS("NULL", "NULL", "NULL", "NULL", "'2024-01-01 01:00:00+00'",
                   "'2024-01-01 02:00:00+00'", "NULL", "NULL", "NULL"),
              "messages_by_time");

  q = (msg_backend_query){.terms = rare, .term_count = 1, .limit = 51};
  assert_uses("a rare word", &q,
              ARGS("NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "'''w42'''", "NULL", "NULL"),
              "messages_search");
  q = (msg_backend_query){.terms = rare_and_common, .term_count = 2, .limit = 51};
  assert_uses("a rare and a common word", &q,
              ARGS("NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "'''w42'' & ''common'''", "NULL",
                   "NULL"),
              "messages_search");
}
END_TEST

START_TEST(plans__only_value_blind_shapes_are_prepared) {
  static const int64_t one_account[] = {7}, accounts[] = {7, 8};
  static const char *const one_id[] = {"00000000-0000-7000-8000-000000000001"};
  static const char *const numbers[] = {"+15557", "+15558"};
  static const char *const rare[] = {"w42"};
  msg_backend_query q;

  q = (msg_backend_query){.account_ids = one_account, .account_id_count = 1, .limit = 51};
  ck_assert(prepared(q));
  q.has_cursor = true;
  ck_assert(prepared(q));
  q = (msg_backend_query){.message_ids = one_id, .message_id_count = 1, .limit = 1};
  ck_assert(prepared(q));
  q = (msg_backend_query){.sender_numbers = numbers, .sender_number_count = 1, .limit = 51};
  ck_assert(prepared(q));
  q = (msg_backend_query){.limit = 51};
  ck_assert(prepared(q));

  q = (msg_backend_query){.account_ids = accounts, .account_id_count = 2, .limit = 51};
  ck_assert(!prepared(q));
  q = (msg_backend_query){.sender_numbers = numbers, .sender_number_count = 2, .limit = 51};
  ck_assert(!prepared(q));
  q = (msg_backend_query){.terms = rare, .term_count = 1, .limit = 51};
  ck_assert(!prepared(q));
  q = (msg_backend_query){.has_created_after = true, .limit = 51};
  ck_assert(!prepared(q));
  q = (msg_backend_query){.account_ids = one_account,
                          .account_id_count = 1,
                          .terms = rare,
                          .term_count = 1,
                          .limit = 51};
  ck_assert(!prepared(q));
  q = (msg_backend_query){.account_ids = one_account,
                          .account_id_count = 1,
                          .sender_numbers = numbers,
                          .sender_number_count = 1,
                          .limit = 51};
  ck_assert(!prepared(q));
}
END_TEST

/* Statements the connection holds prepared whose text contains `needle`. */
static long prepared_with(const char *needle) {
  char sql[160];
  snprintf(sql, sizeof sql,
           "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%%%s%%'", needle);
  char *n = pgt_sql(db, sql);
  long count = strtol(n, NULL, 10);
  free(n);
  return count;
}

START_TEST(plans__the_backend_runs_word_searches_unnamed_and_lists_prepared) {
  static const int64_t one_account[] = {7};
  static const char *const rare[] = {"w42"};
  msg_backend_rows rows;
  msg_backend_query q = {.terms = rare, .term_count = 1, .limit = 51};
  for (int run = 0; run < 6; run++) {
    pgi_query(&fx, &q, &rows);
    ck_assert_uint_eq(rows.count, 12);
    msg__rows_clear(&rows);
  }
  ck_assert_int_eq(prepared_with("tsquery"), 0);
  q = (msg_backend_query){.account_ids = one_account, .account_id_count = 1, .limit = 51};
  pgi_query(&fx, &q, &rows);
  ck_assert_uint_eq(rows.count, 51);
  msg__rows_clear(&rows);
  ck_assert_int_eq(prepared_with("account_id = $1::bigint"), 1);
}
END_TEST

Suite *pgi_plans_suite(void) {
  Suite *s = suite_create("plans");
  TCase *tc = tcase_create("plans");
  tcase_set_timeout(tc, 120);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, plans__every_query_path_reads_its_index);
  tcase_add_test(tc, plans__only_value_blind_shapes_are_prepared);
  tcase_add_test(tc, plans__the_backend_runs_word_searches_unnamed_and_lists_prepared);
  suite_add_tcase(s, tc);
  return s;
}
