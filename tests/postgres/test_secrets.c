/*
 * Passwords never reach error text. Each URI below carries a password and
 * fails to open (no server on the port, a parse error, a role the server
 * refuses); the error must not contain the password, and must not echo the
 * URI. The last case uses the password as the user name too, so the
 * server's own message ("role ... does not exist") quotes it: the backend
 * has to scrub it, not merely avoid copying the URI.
 */
#include "pgtest_suites.h"

#include <msg/msg.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Pw-h3-s3cr3t-Zq9"

static void assert_fails_quietly(const char *uri, int status, const char *field) {
  msg_store_options opts = MSG_STORE_OPTIONS_INIT;
  opts.timeout_ms = 2000;
  msg_store *store = NULL;
  msg_error err;
  int64_t start = pgt_now_ms();
  int rc = msg_store_open(&store, uri, &opts, &err);
  int64_t took = pgt_now_ms() - start;
  ck_assert_msg(rc == status, "%s: got %s (%s)", uri, msg_status_str(rc), err.message);
  ck_assert_ptr_null(store);
  ck_assert_int_eq(err.status, status);
  ck_assert_str_eq(err.field, field);
  ck_assert_msg(err.message[0] != '\0', "%s: empty error message", uri);
  ck_assert_msg(strstr(err.message, PASSWORD) == NULL, "the password leaked: %s", err.message);
  ck_assert_msg(strstr(err.message, uri) == NULL, "the URI was echoed: %s", err.message);
  ck_assert_msg(took < 3 * (int64_t)opts.timeout_ms, "%s: failing took %lld ms", uri,
                (long long)took);
}

/* host:port of the test server, as libpq reads MSG_TEST_PG_URI. */
static void test_server_address(char *host, size_t host_size, char *port, size_t port_size) {
  char *error = NULL;
  PQconninfoOption *opts = PQconninfoParse(pgt_uri(), &error);
  ck_assert_msg(opts != NULL, "cannot parse MSG_TEST_PG_URI");
  snprintf(host, host_size, "127.0.0.1");
  snprintf(port, port_size, "5432");
  for (PQconninfoOption *o = opts; o->keyword; o++) {
    if (o->val && strcmp(o->keyword, "host") == 0)
      snprintf(host, host_size, "%s", o->val);
    if (o->val && strcmp(o->keyword, "port") == 0)
      snprintf(port, port_size, "%s", o->val);
  }
  PQconninfoFree(opts);
}

START_TEST(open__with_no_server_on_the_port_is_unavailable_without_the_password) {
  assert_fails_quietly("postgresql://libmsg:" PASSWORD "@127.0.0.1:1/msgtest", MSG_ERR_UNAVAILABLE,
                       "");
  assert_fails_quietly("postgres://127.0.0.1:1/msgtest?user=libmsg&password=" PASSWORD,
                       MSG_ERR_UNAVAILABLE, "");
}
END_TEST

START_TEST(open__with_a_uri_libpq_rejects_is_invalid_without_the_password) {
  assert_fails_quietly("postgresql://libmsg:" PASSWORD "@127.0.0.1:5432/msgtest?no_such_key=1",
                       MSG_ERR_INVALID, "uri");
  assert_fails_quietly("postgresql://libmsg:" PASSWORD "@[::1/msgtest", MSG_ERR_INVALID, "uri");
  assert_fails_quietly("postgresql://libmsg:" PASSWORD "%zz@127.0.0.1/msgtest", MSG_ERR_INVALID,
                       "uri");
  assert_fails_quietly("postgresql://libmsg:" PASSWORD "@127.0.0.1:" PASSWORD "/msgtest",
                       MSG_ERR_INVALID, "uri");
  assert_fails_quietly("postgres:libmsg:" PASSWORD "@127.0.0.1/msgtest", MSG_ERR_INVALID, "uri");
}
END_TEST

START_TEST(open__refused_by_the_server_is_unavailable_without_the_password) {
  char host[256], port[16], uri[512];
  test_server_address(host, sizeof host, port, sizeof port);
  snprintf(uri, sizeof uri, "postgresql://no_such_role_h3:%s@%s:%s/msgtest", PASSWORD, host, port);
  assert_fails_quietly(uri, MSG_ERR_UNAVAILABLE, "");
  /* The server quotes the user name in its refusal. */
  snprintf(uri, sizeof uri, "postgresql://%s:%s@%s:%s/msgtest", PASSWORD, PASSWORD, host, port);
  assert_fails_quietly(uri, MSG_ERR_UNAVAILABLE, "");
}
END_TEST

Suite *pgt_secrets_suite(void) {
  Suite *s = suite_create("secrets");
  TCase *tc = tcase_create("secrets");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, open__with_no_server_on_the_port_is_unavailable_without_the_password);
  tcase_add_test(tc, open__with_a_uri_libpq_rejects_is_invalid_without_the_password);
  tcase_add_test(tc, open__refused_by_the_server_is_unavailable_without_the_password);
  suite_add_tcase(s, tc);
  return s;
}
