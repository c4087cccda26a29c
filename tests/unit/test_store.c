/*
 * store.c: opening (scheme, options, backend checks, migration), closing,
 * ping, scheme and stats, on the fake backend.
 */
#include "unit.h"

#include "fake_backend.h"

#include <string.h>

static int try_open(fake_config *config, const char *uri, const msg_store_options *opts,
                    msg_error *err) {
  fake_register("fake", config);
  msg_store *store = (msg_store *)&store; /* must be reset to NULL on failure */
  int rc = msg_store_open(&store, uri, opts, err);
  if (rc != MSG_OK)
    ck_assert_ptr_null(store);
  msg_store_close(store);
  return rc;
}

START_TEST(open__fills_default_options) {
  fake_config config = {0};
  msg_error err = {0};
  assert_ok(try_open(&config, "fake:x", NULL, &err), err);
  ck_assert_uint_eq(config.seen_opts.version, MSG_STORE_OPTIONS_VERSION);
  ck_assert_uint_eq(config.seen_opts.pool_size, 0);
  ck_assert_uint_eq(config.seen_opts.pool_timeout_ms, 5000);
  ck_assert_uint_eq(config.seen_opts.timeout_ms, 5000);
}
END_TEST

START_TEST(open__replaces_zero_timeouts_with_defaults) {
  fake_config config = {0};
  msg_store_options opts = MSG_STORE_OPTIONS_INIT;
  opts.pool_timeout_ms = 0;
  opts.timeout_ms = 0;
  opts.pool_size = 3;
  msg_error err = {0};
  assert_ok(try_open(&config, "fake:x", &opts, &err), err);
  ck_assert_uint_eq(config.seen_opts.pool_size, 3);
  ck_assert_uint_eq(config.seen_opts.pool_timeout_ms, 5000);
  ck_assert_uint_eq(config.seen_opts.timeout_ms, 5000);
}
END_TEST

START_TEST(open__keeps_given_options) {
  fake_config config = {0};
  msg_store_options opts;
  msg_store_options_init(&opts);
  opts.pool_timeout_ms = 7;
  opts.timeout_ms = 9;
  msg_error err = {0};
  assert_ok(try_open(&config, "fake:x", &opts, &err), err);
  ck_assert_uint_eq(config.seen_opts.pool_timeout_ms, 7);
  ck_assert_uint_eq(config.seen_opts.timeout_ms, 9);
}
END_TEST

START_TEST(open__refuses_unknown_options_version_and_huge_pool) {
  fake_config config = {0};
  msg_store_options opts = MSG_STORE_OPTIONS_INIT;
  msg_error err;
  opts.version = MSG_STORE_OPTIONS_VERSION + 1;
  assert_invalid(try_open(&config, "fake:x", &opts, &err), err, "options");
  opts.version = MSG_STORE_OPTIONS_VERSION;
  opts.pool_size = 100000;
  assert_invalid(try_open(&config, "fake:x", &opts, &err), err, "options");
  ck_assert_int_eq(config.opens, 0);
}
END_TEST

START_TEST(open__refuses_uri_without_known_scheme) {
  fake_config config = {0};
  msg_error err;
  assert_invalid(try_open(&config, "no-scheme-here", NULL, &err), err, "uri");
  assert_invalid(try_open(&config, ":memory:", NULL, &err), err, "uri");
  assert_invalid(try_open(&config, "nosuch:x", NULL, &err), err, "uri");
  assert_invalid(try_open(&config, "fakes:x", NULL, &err), err, "uri");
  assert_invalid(try_open(&config, NULL, NULL, &err), err, "uri");
  ck_assert_int_eq(config.opens, 0);
}
END_TEST

START_TEST(open__refuses_null_out) {
  msg_error err;
  ck_assert_int_eq(msg_store_open(NULL, "sqlite::memory:", NULL, &err), MSG_ERR_INVALID);
}
END_TEST

START_TEST(open__passes_the_backend_failure_on) {
  fake_config config = {0};
  config.open_status = MSG_ERR_UNAVAILABLE;
  msg_error err;
  assert_error(try_open(&config, "fake:x", NULL, &err), err, MSG_ERR_UNAVAILABLE, "uri");
  ck_assert_str_eq(err.message, "fake backend: open refused");
}
END_TEST

START_TEST(open__refuses_backend_of_unknown_version) {
  fake_config config = {0};
  config.version = MSG_BACKEND_VERSION + 1;
  msg_error err;
  assert_invalid(try_open(&config, "fake:x", NULL, &err), err, "uri");
  config.version = 0;
  config.bad_version = 1;
  assert_invalid(try_open(&config, "fake:x", NULL, &err), err, "uri");
}
END_TEST

START_TEST(open__refuses_backend_without_free) {
  fake_config config = {0};
  config.omit = FAKE_NO_FREE;
  msg_error err;
  assert_invalid(try_open(&config, "fake:x", NULL, &err), err, "uri");
  fake_destroy(config.backend);
}
END_TEST

START_TEST(open__fails_cleanly_when_migration_fails) {
  fake_config config = {0};
  config.migrate_status = MSG_ERR_UNAVAILABLE;
  msg_error err;
  assert_error(try_open(&config, "fake:x", NULL, &err), err, MSG_ERR_UNAVAILABLE, "");
  ck_assert_int_eq(config.opens, 1);
}
END_TEST

START_TEST(open__fails_cleanly_when_the_database_cannot_be_reached) {
  fake_config config = {0};
  config.refuse_connects = 1;
  msg_error err;
  assert_error(try_open(&config, "fake:x", NULL, &err), err, MSG_ERR_UNAVAILABLE, "");
  ck_assert_str_eq(err.message, "fake backend: connection refused");
}
END_TEST

START_TEST(open__migrates_once_on_a_pooled_connection) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  ck_assert_int_eq(config.backend->migrates, 1);
  ck_assert_int_eq(config.backend->connects, 1);
  msg_store_stats stats;
  msg_store_stats_get(store, &stats);
  ck_assert_uint_eq(stats.pool_open, 1);
  ck_assert_uint_eq(stats.pool_in_use, 0);
  msg_store_close(store);
}
END_TEST

START_TEST(open__takes_the_pool_size_the_backend_chooses) {
  fake_config config = {0};
  config.pool_size = 4;
  msg_store *store = fake_open(&config, NULL);
  msg_store_stats stats;
  msg_store_stats_get(store, &stats);
  ck_assert_uint_eq(stats.pool_size, 4);
  msg_store_close(store);
}
END_TEST

START_TEST(open__leaves_the_error_record_untouched_on_success) {
  fake_config config = {0};
  msg_error err, before;
  memset(&err, 0x5a, sizeof err);
  before = err;
  msg_store *store = NULL;
  fake_register("fake", &config);
  ck_assert_int_eq(msg_store_open(&store, "fake:x", NULL, &err), MSG_OK);
  ck_assert(memcmp(&err, &before, sizeof err) == 0);
  ck_assert_int_eq(msg_store_ping(store, &err), MSG_OK);
  ck_assert(memcmp(&err, &before, sizeof err) == 0);
  msg_store_close(store);
}
END_TEST

START_TEST(close__disconnects_every_connection_then_frees_the_backend) {
  fake_config config = {0};
  msg_store_options opts = MSG_STORE_OPTIONS_INIT;
  opts.pool_size = 3;
  msg_store *store = fake_open(&config, &opts);
  fake_backend *fake = config.backend;
  msg_error err = {0};
  assert_ok(msg_store_ping(store, &err), err);
  ck_assert_int_eq(fake->open_conns, 1);
  /* The fake is freed by close; ASan/valgrind prove that nothing is left. */
  msg_store_close(store);
  msg_store_close(NULL);
}
END_TEST

START_TEST(ping__counts_failures_in_stats) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  msg_error err;
  config.backend->fail_next = MSG_ERR_INTERNAL;
  assert_error(msg_store_ping(store, &err), err, MSG_ERR_INTERNAL, "");
  ck_assert_str_eq(err.message, "fake backend: injected internal error");
  config.backend->fail_next = MSG_ERR_UNAVAILABLE;
  assert_error(msg_store_ping(store, &err), err, MSG_ERR_UNAVAILABLE, "");
  msg_store_stats stats;
  msg_store_stats_get(store, &stats);
  ck_assert_uint_eq(stats.errors_internal, 1);
  ck_assert_uint_eq(stats.errors_unavailable, 1);
  ck_assert_int_eq(config.backend->pings, 2);
  msg_store_close(store);
}
END_TEST

START_TEST(ping__without_method_only_proves_the_pool) {
  fake_config config = {0};
  config.omit = FAKE_NO_PING;
  msg_store *store = fake_open(&config, NULL);
  msg_error err = {0};
  assert_ok(msg_store_ping(store, &err), err);
  msg_store_close(store);
}
END_TEST

START_TEST(scheme_and_stats__accept_null) {
  ck_assert_ptr_null(msg_store_scheme(NULL));
  msg_store_stats stats;
  memset(&stats, 0xff, sizeof stats);
  msg_store_stats_get(NULL, &stats);
  ck_assert_uint_eq(stats.pool_size, 0);
  ck_assert_uint_eq(stats.errors_internal, 0);
  msg_store_stats_get(NULL, NULL);
  msg_error err;
  ck_assert_int_eq(msg_store_ping(NULL, &err), MSG_ERR_INVALID);
}
END_TEST

Suite *store_suite(void) {
  Suite *s = suite_create("store");
  TCase *tc = unit_tcase("store");
  tcase_add_test(tc, open__fills_default_options);
  tcase_add_test(tc, open__replaces_zero_timeouts_with_defaults);
  tcase_add_test(tc, open__keeps_given_options);
  tcase_add_test(tc, open__refuses_unknown_options_version_and_huge_pool);
  tcase_add_test(tc, open__refuses_uri_without_known_scheme);
  tcase_add_test(tc, open__refuses_null_out);
  tcase_add_test(tc, open__passes_the_backend_failure_on);
  tcase_add_test(tc, open__refuses_backend_of_unknown_version);
  tcase_add_test(tc, open__refuses_backend_without_free);
  tcase_add_test(tc, open__fails_cleanly_when_migration_fails);
  tcase_add_test(tc, open__fails_cleanly_when_the_database_cannot_be_reached);
  tcase_add_test(tc, open__migrates_once_on_a_pooled_connection);
  tcase_add_test(tc, open__takes_the_pool_size_the_backend_chooses);
  tcase_add_test(tc, open__leaves_the_error_record_untouched_on_success);
  tcase_add_test(tc, close__disconnects_every_connection_then_frees_the_backend);
  tcase_add_test(tc, ping__counts_failures_in_stats);
  tcase_add_test(tc, ping__without_method_only_proves_the_pool);
  tcase_add_test(tc, scheme_and_stats__accept_null);
  suite_add_tcase(s, tc);
  return s;
}
