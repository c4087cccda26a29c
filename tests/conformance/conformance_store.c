/*
 * Conformance of the store handle: msg_store_open's errors, options, ping,
 * scheme and stats, the version and status strings, NULL frees, and the
 * promise that returned objects do not point into the store.
 */
#include "conformance.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

static void assert_open_fails(const char *where, const char *uri, const msg_store_options *opts,
                              int status, const char *field) {
  msg_store *store = CONF_POISON;
  msg_error err;
  int rc = msg_store_open(&store, uri, opts, &err);
  conf_check_error(where, rc, &err, status, field);
  ck_assert_msg(store == NULL, "%s: a failed open left *out set", where);
}

START_TEST(store__open_rejects_unknown_scheme) {
  assert_open_fails(CONF_WHERE, "nosuchscheme:whatever", NULL, MSG_ERR_INVALID, "uri");
  assert_open_fails(CONF_WHERE, "nosuchscheme://host/db", NULL, MSG_ERR_INVALID, "uri");
}
END_TEST

START_TEST(store__open_rejects_uri_without_scheme) {
  assert_open_fails(CONF_WHERE, "", NULL, MSG_ERR_INVALID, "uri");
  assert_open_fails(CONF_WHERE, "no-scheme-here", NULL, MSG_ERR_INVALID, "uri");
  assert_open_fails(CONF_WHERE, ":memory:", NULL, MSG_ERR_INVALID, "uri");
  assert_open_fails(CONF_WHERE, NULL, NULL, MSG_ERR_INVALID, "uri");
}
END_TEST

START_TEST(store__open_rejects_unknown_options_version) {
  msg_store_options opts = MSG_STORE_OPTIONS_INIT;
  opts.version = 0;
  assert_open_fails(CONF_WHERE, conf_uri, &opts, MSG_ERR_INVALID, "options");
  opts.version = MSG_STORE_OPTIONS_VERSION + 1;
  assert_open_fails(CONF_WHERE, conf_uri, &opts, MSG_ERR_INVALID, "options");
}
END_TEST

START_TEST(store__open_without_error_record_still_fails_cleanly) {
  msg_store *store = CONF_POISON;
  ck_assert_int_eq(msg_store_open(&store, "nosuchscheme:x", NULL, NULL), MSG_ERR_INVALID);
  ck_assert_ptr_null(store);
}
END_TEST

START_TEST(store__open_errors_never_show_the_password) {
  static const char secret[] = "s3cret-Pa55w0rd";
  msg_store_options opts = MSG_STORE_OPTIONS_INIT;
  opts.timeout_ms = 2000;
  msg_store *store = CONF_POISON;
  msg_error err;
  /* Port 1 on loopback refuses at once: the connection must fail. */
  int rc = msg_store_open(&store, "postgresql://conformance:s3cret-Pa55w0rd@127.0.0.1:1/none",
                          &opts, &err);
#ifdef CONF_HAVE_POSTGRES
  CONF_ASSERT_ERROR(rc, err, MSG_ERR_UNAVAILABLE, "");
#else
  CONF_ASSERT_ERROR(rc, err, MSG_ERR_INVALID, "uri");
#endif
  ck_assert_ptr_null(store);
  ck_assert_msg(strstr(err.message, secret) == NULL, "the password leaked: %s", err.message);
  ck_assert_msg(strstr(err.field, secret) == NULL, "the password leaked into the field");
}
END_TEST

START_TEST(store__open_leaves_the_error_record_untouched_on_success) {
  msg_store *store = NULL;
  msg_error err;
  conf_error_poison(&err);
  ck_assert_int_eq(msg_store_open(&store, conf_uri, NULL, &err), MSG_OK);
  msg_store_close(store);
  ck_assert_msg(conf_error_is_poisoned(&err), "a successful open wrote to the error record");
}
END_TEST

START_TEST(store__options_init_gives_the_documented_defaults) {
  msg_store_options want = MSG_STORE_OPTIONS_INIT, got;
  memset(&got, 0x5a, sizeof got);
  msg_store_options_init(&got);
  ck_assert_uint_eq(got.version, MSG_STORE_OPTIONS_VERSION);
  ck_assert_uint_eq(got.version, want.version);
  ck_assert_uint_eq(got.pool_size, want.pool_size);
  ck_assert_uint_eq(got.pool_timeout_ms, want.pool_timeout_ms);
  ck_assert_uint_eq(got.timeout_ms, want.timeout_ms);
}
END_TEST

START_TEST(store__opens_with_explicit_options) {
  msg_store_options opts;
  msg_store_options_init(&opts);
  opts.pool_size = 3;
  opts.pool_timeout_ms = 10000;
  opts.timeout_ms = 10000;
  msg_store *store = conf_open(&opts);
  msg_error err;
  int rc = msg_store_ping(store, &err);
  CONF_ASSERT_OK(rc, err);
  msg_store_stats stats;
  msg_store_stats_get(store, &stats);
  ck_assert_uint_ge(stats.pool_size, 1);
  ck_assert_uint_le(stats.pool_size, 3);
  msg_store_close(store);
}
END_TEST

START_TEST(store__ping_answers) {
  msg_error err;
  conf_error_poison(&err);
  int rc = msg_store_ping(conf_store, &err);
  CONF_ASSERT_OK(rc, err);
  ck_assert_msg(conf_error_is_poisoned(&err), "a successful ping wrote to the error record");
  ck_assert_int_eq(msg_store_ping(conf_store, NULL), MSG_OK);
}
END_TEST

START_TEST(store__scheme_names_the_backend) {
  const char *scheme = msg_store_scheme(conf_store);
  ck_assert_ptr_nonnull(scheme);
  if (strncmp(conf_uri, "sqlite:", 7) == 0)
    ck_assert_str_eq(scheme, "sqlite");
  else if (strncmp(conf_uri, "postgres://", 11) == 0 || strncmp(conf_uri, "postgresql://", 13) == 0)
    ck_assert_str_eq(scheme, "postgres");
  else
    ck_assert_int_eq(strncmp(conf_uri, scheme, strlen(scheme)), 0);
}
END_TEST

START_TEST(store__stats_show_an_idle_pool_between_calls) {
  msg_message *m = conf_create_simple(conf_account(1), "123", "456", "stats");
  msg_message_free(m);
  msg_store_stats stats;
  memset(&stats, 0x5a, sizeof stats);
  msg_store_stats_get(conf_store, &stats);
  ck_assert_uint_ge(stats.pool_size, 1);
  ck_assert_uint_ge(stats.pool_open, 1);
  ck_assert_uint_le(stats.pool_open, stats.pool_size);
  ck_assert_uint_eq(stats.pool_in_use, 0);
  ck_assert_uint_eq(stats.pool_timeouts, 0);
  ck_assert_uint_eq(stats.errors_unavailable, 0);
  ck_assert_uint_eq(stats.errors_internal, 0);
}
END_TEST

START_TEST(store__invalid_input_is_not_counted_as_an_error_of_the_store) {
  msg_new_message in = conf_new(0, "123", "456", NULL);
  msg_message *m = CONF_POISON;
  ck_assert_int_eq(msg_message_create(&m, NULL, conf_store, &in, NULL), MSG_ERR_INVALID);
  msg_store_stats stats;
  msg_store_stats_get(conf_store, &stats);
  ck_assert_uint_eq(stats.errors_unavailable, 0);
  ck_assert_uint_eq(stats.errors_internal, 0);
}
END_TEST

START_TEST(store__null_frees_do_nothing) {
  msg_store_close(NULL);
  msg_message_free(NULL);
  msg_page_free(NULL);
}
END_TEST

START_TEST(store__version_matches_the_header) {
  char want[32];
  snprintf(want, sizeof want, "%d.%d.%d", MSG_VERSION_MAJOR, MSG_VERSION_MINOR, MSG_VERSION_PATCH);
  ck_assert_ptr_nonnull(msg_version());
  ck_assert_str_eq(msg_version(), want);
}
END_TEST

START_TEST(store__status_str_names_every_status) {
  static const int statuses[] = {MSG_OK,           MSG_ERR_INVALID,     MSG_ERR_NOT_FOUND,
                                 MSG_ERR_CONFLICT, MSG_ERR_UNAVAILABLE, MSG_ERR_NOMEM,
                                 MSG_ERR_INTERNAL, MSG_ERR_UNSUPPORTED};
  size_t n = sizeof statuses / sizeof statuses[0];
  ck_assert_str_eq(msg_status_str(MSG_OK), "ok");
  ck_assert_str_eq(msg_status_str(MSG_ERR_INVALID), "invalid argument");
  for (size_t i = 0; i < n; i++) {
    const char *name = msg_status_str(statuses[i]);
    ck_assert_ptr_nonnull(name);
    ck_assert_msg(name[0] != '\0', "status %d has an empty name", statuses[i]);
    ck_assert_msg(strcmp(name, "unknown status") != 0, "status %d is unknown", statuses[i]);
    for (size_t j = 0; j < i; j++)
      ck_assert_msg(strcmp(name, msg_status_str(statuses[j])) != 0, "two statuses are '%s'", name);
  }
  ck_assert_str_eq(msg_status_str(1), "unknown status");
  ck_assert_str_eq(msg_status_str(-8), "unknown status");
  ck_assert_str_eq(msg_status_str(INT_MIN), "unknown status");
  ck_assert_str_eq(msg_status_str(INT_MAX), "unknown status");
}
END_TEST

START_TEST(store__returned_objects_outlive_the_store) {
  msg_store *store = conf_open(NULL);
  int64_t account = conf_account(1);
  msg_new_message in = conf_new(account, "+123", "456", "outlives");
  msg_message *created = NULL, *got = NULL;
  msg_page *page = NULL;
  msg_page_request req = MSG_PAGE_REQUEST_INIT;
  msg_error err;
  int rc = msg_message_create(&created, NULL, store, &in, &err);
  CONF_ASSERT_OK(rc, err);
  rc = msg_message_get(&got, store, created->message_id, &err);
  CONF_ASSERT_OK(rc, err);
  rc = msg_message_list(&page, store, account, &req, &err);
  CONF_ASSERT_OK(rc, err);
  msg_store_close(store);

  ck_assert_uint_eq(page->count, 1);
  conf_assert_same_message(CONF_WHERE, got, created);
  conf_assert_same_message(CONF_WHERE, &page->items[0], created);
  ck_assert_str_eq(created->body, "outlives");
  msg_message_free(created);
  msg_message_free(got);
  msg_page_free(page);
}
END_TEST

Suite *conformance_store_suite(void) {
  Suite *s = suite_create("store");
  TCase *tc = conf_tcase("store", 30);
  tcase_add_test(tc, store__open_rejects_unknown_scheme);
  tcase_add_test(tc, store__open_rejects_uri_without_scheme);
  tcase_add_test(tc, store__open_rejects_unknown_options_version);
  tcase_add_test(tc, store__open_without_error_record_still_fails_cleanly);
  tcase_add_test(tc, store__open_errors_never_show_the_password);
  tcase_add_test(tc, store__open_leaves_the_error_record_untouched_on_success);
  tcase_add_test(tc, store__options_init_gives_the_documented_defaults);
  tcase_add_test(tc, store__opens_with_explicit_options);
  tcase_add_test(tc, store__ping_answers);
  tcase_add_test(tc, store__scheme_names_the_backend);
  tcase_add_test(tc, store__stats_show_an_idle_pool_between_calls);
  tcase_add_test(tc, store__invalid_input_is_not_counted_as_an_error_of_the_store);
  tcase_add_test(tc, store__null_frees_do_nothing);
  tcase_add_test(tc, store__version_matches_the_header);
  tcase_add_test(tc, store__status_str_names_every_status);
  tcase_add_test(tc, store__returned_objects_outlive_the_store);
  suite_add_tcase(s, tc);
  return s;
}
