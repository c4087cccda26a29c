/*
 * The session every connection gets: the store's timeout as
 * statement_timeout, UTC, UTF-8, application_name "libmsg" and PostgreSQL's
 * own plan cache mode (pg_query.c chooses per shape how plans are made);
 * a URI's own session options kept beside ours, a URI's application_name
 * preferred to ours, but never a URI's statement_timeout over the store's.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct session {
  msg_backend *backend;
  msg_backend_conn *conn;
} session;

/* Connects with MSG_TEST_PG_URI plus `params` (URI query parameters). */
static session connect_with(const char *params, unsigned int timeout_ms) {
  const char *base = pgt_uri();
  char uri[1024];
  snprintf(uri, sizeof uri, "%s%s%s", base, params[0] ? (strchr(base, '?') ? "&" : "?") : "",
           params);
  msg_store_options opts = MSG_STORE_OPTIONS_INIT;
  opts.timeout_ms = timeout_ms;
  unsigned int pool_size = 0;
  session s = {0};
  msg_error err;
  int rc = msg__postgres_open(&s.backend, &pool_size, uri, &opts, NULL, &err);
  ck_assert_msg(rc == MSG_OK, "open: %s", err.message);
  rc = s.backend->connect(s.backend, &s.conn, &err);
  ck_assert_msg(rc == MSG_OK, "connect: %s", err.message);
  return s;
}

static void disconnect(session *s) {
  s->backend->disconnect(s->backend, s->conn);
  s->backend->free(s->backend);
}

static void assert_setting(session *s, const char *name, const char *want) {
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT current_setting('%s')", name);
  char *got = pgt_sql(((pg_conn *)s->conn)->db, sql);
  ck_assert_msg(strcmp(got, want) == 0, "%s is '%s', want '%s'", name, got, want);
  free(got);
}

START_TEST(session__has_the_store_settings) {
  session s = connect_with("", 1234);
  assert_setting(&s, "statement_timeout", "1234ms");
  assert_setting(&s, "TimeZone", "UTC");
  assert_setting(&s, "client_encoding", "UTF8");
  assert_setting(&s, "application_name", "libmsg");
  assert_setting(&s, "plan_cache_mode", "auto");
  disconnect(&s);
}
END_TEST

START_TEST(session__keeps_the_uri_options_but_not_its_timeout) {
  session s = connect_with("options=-c%20work_mem%3D8MB%20-c%20statement_timeout%3D0"
                           "%20-c%20plan_cache_mode%3Dforce_generic_plan"
                           "&application_name=mine",
                           2000);
  assert_setting(&s, "work_mem", "8MB");
  assert_setting(&s, "statement_timeout", "2s");
  /* Generic plans for every statement would plan rare words blind. */
  assert_setting(&s, "plan_cache_mode", "auto");
  assert_setting(&s, "application_name", "mine");
  disconnect(&s);
}
END_TEST

START_TEST(session__statement_timeout_ends_a_slow_statement_as_unavailable) {
  session s = connect_with("", 1000);
  pg_conn *c = (pg_conn *)s.conn;
  PGresult *res = NULL;
  msg_error err;
  int64_t start = pgt_now_ms();
  int rc = msg__pg_await(c, PQsendQuery(c->db, "SELECT pg_sleep(5)"), PGRES_TUPLES_OK, &res, &err,
                         "sleeping");
  int64_t took = pgt_now_ms() - start;
  ck_assert_int_eq(rc, MSG_ERR_UNAVAILABLE);
  ck_assert_ptr_null(res);
  ck_assert_msg(strstr(err.message, "57014") != NULL, "%s", err.message);
  ck_assert_msg(took < 1500, "the statement ran %lld ms", (long long)took);
  disconnect(&s);
}
END_TEST

Suite *pgi_session_suite(void) {
  Suite *s = suite_create("session");
  TCase *tc = tcase_create("session");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, session__has_the_store_settings);
  tcase_add_test(tc, session__keeps_the_uri_options_but_not_its_timeout);
  tcase_add_test(tc, session__statement_timeout_ends_a_slow_statement_as_unavailable);
  suite_add_tcase(s, tc);
  return s;
}
