/*
 * registry.c: registering, replacing and unregistering backends, and what
 * registration refuses. Each test runs in its own process (check's fork
 * mode), so registrations never leak between tests.
 */
#include "unit.h"

#include "builtin.h"
#include "fake_backend.h"

#include <string.h>

static msg_backend_module module_for(const char *scheme, fake_config *config) {
  msg_backend_module module = MSG_BACKEND_MODULE_INIT;
  module.scheme = scheme;
  module.open = fake_open_fn;
  module.payload = config;
  return module;
}

static int open_uri(const char *uri, msg_error *err) {
  msg_store *store = NULL;
  int rc = msg_store_open(&store, uri, NULL, err);
  if (rc == MSG_OK)
    ck_assert_ptr_nonnull(store);
  else
    ck_assert_ptr_null(store);
  msg_store_close(store);
  return rc;
}

START_TEST(register__custom_backend_is_used_for_its_scheme) {
  fake_config config = {0};
  fake_register("memo", &config);
  msg_store *store = NULL;
  msg_error err = {0};
  assert_ok(msg_store_open(&store, "memo:some/where", NULL, &err), err);
  ck_assert_int_eq(config.opens, 1);
  ck_assert_str_eq(config.seen_uri, "memo:some/where");
  ck_assert_str_eq(msg_store_scheme(store), "memo");
  ck_assert_int_eq(config.backend->migrates, 1);
  msg_store_close(store);
}
END_TEST

START_TEST(register__copies_module_and_scheme) {
  fake_config config = {0};
  char scheme[] = "memo";
  msg_backend_module module = module_for(scheme, &config);
  msg_error err = {0};
  assert_ok(msg_backend_register(&module, &err), err);
  memset(&module, 0, sizeof module);
  memcpy(scheme, "xxxx", 4);
  assert_ok(open_uri("memo:x", &err), err);
  ck_assert_int_eq(config.opens, 1);
}
END_TEST

START_TEST(register__refuses_unknown_module_version) {
  fake_config config = {0};
  msg_backend_module module = module_for("memo", &config);
  msg_error err;
  module.version = MSG_BACKEND_MODULE_VERSION + 1;
  assert_invalid(msg_backend_register(&module, &err), err, "module");
  module.version = 0;
  assert_invalid(msg_backend_register(&module, &err), err, "module");
  assert_invalid(open_uri("memo:x", &err), err, "uri");
}
END_TEST

START_TEST(register__refuses_bad_scheme_and_null_open) {
  fake_config config = {0};
  msg_error err;
  const char *bad[] = {"",
                       "1abc",
                       "me mo",
                       "memo:",
                       "m_emo",
                       "\xC3\xA9t\xC3\xA9",
                       "abcdefghijabcdefghijabcdefghijabc"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    msg_backend_module module = module_for(bad[i], &config);
    assert_invalid(msg_backend_register(&module, &err), err, "module");
  }
  msg_backend_module module = module_for(NULL, &config);
  assert_invalid(msg_backend_register(&module, &err), err, "module");
  module = module_for("memo", &config);
  module.open = NULL;
  assert_invalid(msg_backend_register(&module, &err), err, "module");
  assert_invalid(msg_backend_register(NULL, &err), err, "module");
}
END_TEST

START_TEST(register__accepts_scheme_punctuation_and_32_chars) {
  fake_config config = {0};
  msg_error err = {0};
  const char *good[] = {"a", "x+y-z.w", "abcdefghijabcdefghijabcdefghijab"};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    msg_backend_module module = module_for(good[i], &config);
    assert_ok(msg_backend_register(&module, &err), err);
  }
  assert_ok(open_uri("x+y-z.w:db", &err), err);
}
END_TEST

START_TEST(register__again_replaces_the_earlier_module) {
  fake_config first = {0}, second = {0};
  fake_register("memo", &first);
  fake_register("memo", &second);
  msg_error err = {0};
  assert_ok(open_uri("memo:x", &err), err);
  ck_assert_int_eq(first.opens, 0);
  ck_assert_int_eq(second.opens, 1);
}
END_TEST

START_TEST(register__can_replace_a_builtin_and_restore_it) {
  fake_config config = {0};
  fake_register("sqlite", &config);
  msg_error err = {0};
  assert_ok(open_uri("sqlite::memory:", &err), err);
  ck_assert_int_eq(config.opens, 1);
  msg_backend_module builtin = MSG_BACKEND_MODULE_INIT;
  builtin.scheme = "sqlite";
  builtin.open = msg__sqlite_open;
  assert_ok(msg_backend_register(&builtin, &err), err);
  assert_ok(open_uri("sqlite::memory:", &err), err);
  ck_assert_int_eq(config.opens, 1);
}
END_TEST

START_TEST(lookup__ignores_scheme_case) {
  fake_config config = {0};
  fake_register("memo", &config);
  msg_error err = {0};
  assert_ok(open_uri("MeMo:x", &err), err);
  ck_assert_int_eq(config.opens, 1);
}
END_TEST

START_TEST(builtin__sqlite_is_registered_without_any_call) {
  msg_error err = {0};
  msg_store *store = NULL;
  assert_ok(msg_store_open(&store, "sqlite::memory:", NULL, &err), err);
  ck_assert_str_eq(msg_store_scheme(store), "sqlite");
  msg_store_close(store);
}
END_TEST

START_TEST(unregister__makes_the_scheme_unknown) {
  fake_config config = {0};
  fake_register("memo", &config);
  msg_error err = {0};
  assert_ok(msg_backend_unregister("memo", &err), err);
  assert_invalid(open_uri("memo:x", &err), err, "uri");
  assert_error(msg_backend_unregister("memo", &err), err, MSG_ERR_NOT_FOUND, "scheme");
  ck_assert_int_eq(config.opens, 0);
}
END_TEST

START_TEST(unregister__keeps_open_stores_working) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  msg_error err = {0};
  assert_ok(msg_backend_unregister("fake", &err), err);
  assert_ok(msg_store_ping(store, &err), err);
  ck_assert_str_eq(msg_store_scheme(store), "fake");
  msg_store_close(store);
}
END_TEST

START_TEST(unregister__of_a_builtin_works_too) {
  msg_error err = {0};
  assert_ok(msg_backend_unregister("sqlite", &err), err);
  assert_invalid(open_uri("sqlite::memory:", &err), err, "uri");
}
END_TEST

START_TEST(unregister__refuses_null_and_unknown) {
  msg_error err;
  assert_invalid(msg_backend_unregister(NULL, &err), err, "scheme");
  assert_error(msg_backend_unregister("never-registered", &err), err, MSG_ERR_NOT_FOUND, "scheme");
}
END_TEST

Suite *registry_suite(void) {
  Suite *s = suite_create("registry");
  TCase *tc = unit_tcase("registry");
  tcase_add_test(tc, register__custom_backend_is_used_for_its_scheme);
  tcase_add_test(tc, register__copies_module_and_scheme);
  tcase_add_test(tc, register__refuses_unknown_module_version);
  tcase_add_test(tc, register__refuses_bad_scheme_and_null_open);
  tcase_add_test(tc, register__accepts_scheme_punctuation_and_32_chars);
  tcase_add_test(tc, register__again_replaces_the_earlier_module);
  tcase_add_test(tc, register__can_replace_a_builtin_and_restore_it);
  tcase_add_test(tc, lookup__ignores_scheme_case);
  tcase_add_test(tc, builtin__sqlite_is_registered_without_any_call);
  tcase_add_test(tc, unregister__makes_the_scheme_unknown);
  tcase_add_test(tc, unregister__keeps_open_stores_working);
  tcase_add_test(tc, unregister__of_a_builtin_works_too);
  tcase_add_test(tc, unregister__refuses_null_and_unknown);
  suite_add_tcase(s, tc);
  return s;
}
