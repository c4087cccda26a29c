/*
 * error.c: the status names, the error record and the version string.
 */
#include "unit.h"

#include <stdio.h>
#include <string.h>

START_TEST(status_str__names_every_status) {
  ck_assert_str_eq(msg_status_str(MSG_OK), "ok");
  ck_assert_str_eq(msg_status_str(MSG_ERR_INVALID), "invalid argument");
  ck_assert_str_eq(msg_status_str(MSG_ERR_NOT_FOUND), "not found");
  ck_assert_str_eq(msg_status_str(MSG_ERR_CONFLICT), "conflict");
  ck_assert_str_eq(msg_status_str(MSG_ERR_UNAVAILABLE), "unavailable");
  ck_assert_str_eq(msg_status_str(MSG_ERR_NOMEM), "out of memory");
  ck_assert_str_eq(msg_status_str(MSG_ERR_INTERNAL), "internal error");
  ck_assert_str_eq(msg_status_str(MSG_ERR_UNSUPPORTED), "unsupported");
}
END_TEST

START_TEST(status_str__unknown_value_is_unknown_status) {
  ck_assert_str_eq(msg_status_str(-100), "unknown status");
  ck_assert_str_eq(msg_status_str(1), "unknown status");
}
END_TEST

START_TEST(error_set__fills_status_field_and_message) {
  msg_error err;
  ck_assert_int_eq(msg_error_set(&err, MSG_ERR_INVALID, "limit", "limit %d is too big", 5000),
                   MSG_ERR_INVALID);
  ck_assert_int_eq(err.status, MSG_ERR_INVALID);
  ck_assert_str_eq(err.field, "limit");
  ck_assert_str_eq(err.message, "limit 5000 is too big");
}
END_TEST

START_TEST(error_set__null_field_is_empty) {
  msg_error err;
  memset(&err, 'x', sizeof err);
  msg_error_set(&err, MSG_ERR_INTERNAL, NULL, "boom");
  ck_assert_str_eq(err.field, "");
}
END_TEST

START_TEST(error_set__null_record_only_returns_status) {
  ck_assert_int_eq(msg_error_set(NULL, MSG_ERR_UNAVAILABLE, NULL, "down"), MSG_ERR_UNAVAILABLE);
}
END_TEST

START_TEST(error_set__cuts_long_text_and_terminates_it) {
  char long_text[1000];
  memset(long_text, 'a', sizeof long_text - 1);
  long_text[sizeof long_text - 1] = '\0';
  msg_error err;
  msg_error_set(&err, MSG_ERR_INVALID, long_text, "%s", long_text);
  ck_assert_uint_eq(strlen(err.field), MSG_ERROR_FIELD_MAX - 1);
  ck_assert_uint_eq(strlen(err.message), MSG_ERROR_MESSAGE_MAX - 1);
}
END_TEST

START_TEST(version__is_major_minor_patch) {
  char want[64];
  snprintf(want, sizeof want, "%d.%d.%d", MSG_VERSION_MAJOR, MSG_VERSION_MINOR, MSG_VERSION_PATCH);
  ck_assert_str_eq(msg_version(), want);
}
END_TEST

Suite *error_suite(void) {
  Suite *s = suite_create("error");
  TCase *tc = unit_tcase("error");
  tcase_add_test(tc, status_str__names_every_status);
  tcase_add_test(tc, status_str__unknown_value_is_unknown_status);
  tcase_add_test(tc, error_set__fills_status_field_and_message);
  tcase_add_test(tc, error_set__null_field_is_empty);
  tcase_add_test(tc, error_set__null_record_only_returns_status);
  tcase_add_test(tc, error_set__cuts_long_text_and_terminates_it);
  tcase_add_test(tc, version__is_major_minor_patch);
  suite_add_tcase(s, tc);
  return s;
}
