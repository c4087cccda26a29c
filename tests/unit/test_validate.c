/*
 * validate.c: both sides of every field rule, and the field names errors
 * carry.
 */
#include "unit.h"

#include "validate.h"

#include <stdlib.h>
#include <string.h>

/* A fresh heap string of `n` copies of `unit` (so ASan sees overreads). */
static char *repeat(const char *unit, size_t n) {
  size_t len = strlen(unit);
  char *s = malloc(len * n + 1);
  ck_assert_ptr_nonnull(s);
  for (size_t i = 0; i < n; i++)
    memcpy(s + i * len, unit, len);
  s[len * n] = '\0';
  return s;
}

START_TEST(account_id__accepts_one_and_max) {
  msg_error err = {0};
  assert_ok(msg__validate_account_id(1, &err), err);
  assert_ok(msg__validate_account_id(MSG_ACCOUNT_ID_MAX, &err), err);
}
END_TEST

START_TEST(account_id__rejects_zero_negative_and_above_max) {
  msg_error err;
  assert_invalid(msg__validate_account_id(0, &err), err, "account_id");
  assert_invalid(msg__validate_account_id(-1, &err), err, "account_id");
  assert_invalid(msg__validate_account_id(MSG_ACCOUNT_ID_MAX + 1, &err), err, "account_id");
  assert_invalid(msg__validate_account_id(INT64_MIN, &err), err, "account_id");
}
END_TEST

START_TEST(number__accepts_3_and_15_digits_with_or_without_plus) {
  msg_error err = {0};
  assert_ok(msg__validate_number("123", "sender_number", &err), err);
  assert_ok(msg__validate_number("+123", "sender_number", &err), err);
  assert_ok(msg__validate_number("123456789012345", "sender_number", &err), err);
  assert_ok(msg__validate_number("+123456789012345", "sender_number", &err), err);
}
END_TEST

START_TEST(number__rejects_2_and_16_digits) {
  msg_error err;
  assert_invalid(msg__validate_number("12", "sender_number", &err), err, "sender_number");
  assert_invalid(msg__validate_number("+12", "sender_number", &err), err, "sender_number");
  assert_invalid(msg__validate_number("1234567890123456", "receiver_number", &err), err,
                 "receiver_number");
}
END_TEST

START_TEST(create__rejects_sender_with_letters) {
  msg_error err;
  assert_invalid(msg__validate_number("12a45", "sender_number", &err), err, "sender_number");
  ck_assert_str_eq(err.message, "sender_number must be an optional '+' followed by 3 to 15 digits");
}
END_TEST

START_TEST(number__rejects_empty_null_spaces_and_misplaced_plus) {
  msg_error err;
  const char *bad[] = {"", "+", "++123", "123+", " 123", "123 ", "12 34", "-123", "１２３"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_invalid(msg__validate_number(bad[i], "sender_number", &err), err, "sender_number");
  assert_invalid(msg__validate_number(NULL, "receiver_number", &err), err, "receiver_number");
}
END_TEST

START_TEST(body__accepts_null_empty_and_1600_code_points) {
  msg_error err = {0};
  assert_ok(msg__validate_body(NULL, &err), err);
  assert_ok(msg__validate_body("", &err), err);
  char *ascii = repeat("a", MSG_BODY_MAX_CHARS);
  char *wide = repeat("\xF0\x9F\x98\x80", MSG_BODY_MAX_CHARS); /* 4-byte code points */
  assert_ok(msg__validate_body(ascii, &err), err);
  assert_ok(msg__validate_body(wide, &err), err);
  free(ascii);
  free(wide);
}
END_TEST

START_TEST(body__rejects_1601_code_points) {
  msg_error err;
  char *ascii = repeat("a", MSG_BODY_MAX_CHARS + 1);
  char *accented = repeat("\xC3\xA9", MSG_BODY_MAX_CHARS + 1);
  assert_invalid(msg__validate_body(ascii, &err), err, "body");
  assert_invalid(msg__validate_body(accented, &err), err, "body");
  free(ascii);
  free(accented);
}
END_TEST

START_TEST(body__rejects_invalid_utf8) {
  msg_error err;
  const char *bad[] = {"\xFF", "abc\xC3", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_invalid(msg__validate_body(bad[i], &err), err, "body");
}
END_TEST

START_TEST(idempotency_key__accepts_null_1_and_255_printable_chars) {
  msg_error err = {0};
  assert_ok(msg__validate_idempotency_key(NULL, &err), err);
  assert_ok(msg__validate_idempotency_key("k", &err), err);
  assert_ok(msg__validate_idempotency_key(" ~", &err), err);
  char *key = repeat("k", MSG_IDEMPOTENCY_KEY_MAX);
  assert_ok(msg__validate_idempotency_key(key, &err), err);
  free(key);
}
END_TEST

START_TEST(idempotency_key__rejects_empty_and_256_chars) {
  msg_error err;
  assert_invalid(msg__validate_idempotency_key("", &err), err, "idempotency_key");
  char *key = repeat("k", MSG_IDEMPOTENCY_KEY_MAX + 1);
  assert_invalid(msg__validate_idempotency_key(key, &err), err, "idempotency_key");
  free(key);
}
END_TEST

START_TEST(idempotency_key__rejects_control_and_non_ascii) {
  msg_error err;
  assert_invalid(msg__validate_idempotency_key("a\tb", &err), err, "idempotency_key");
  assert_invalid(msg__validate_idempotency_key("a\x7F", &err), err, "idempotency_key");
  assert_invalid(msg__validate_idempotency_key("caf\xC3\xA9", &err), err, "idempotency_key");
}
END_TEST

START_TEST(limit__accepts_1_and_1000) {
  msg_error err = {0};
  assert_ok(msg__validate_limit(MSG_LIMIT_MIN, &err), err);
  assert_ok(msg__validate_limit(MSG_LIMIT_MAX, &err), err);
}
END_TEST

START_TEST(limit__rejects_0_and_1001) {
  msg_error err;
  assert_invalid(msg__validate_limit(0, &err), err, "limit");
  assert_invalid(msg__validate_limit(MSG_LIMIT_MAX + 1, &err), err, "limit");
  assert_invalid(msg__validate_limit(-5, &err), err, "limit");
}
END_TEST

START_TEST(uuid__canonicalises_any_case_to_lowercase) {
  msg_error err = {0};
  char out[MSG_ID_LEN + 1];
  assert_ok(msg__validate_uuid("0192D4A4-6AD0-7C38-9B7E-2F4E4C1B8A11", out, "message_id", &err),
            err);
  ck_assert_str_eq(out, "0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a11");
  assert_ok(msg__validate_uuid("0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a11", out, "message_id", &err),
            err);
  ck_assert_str_eq(out, "0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a11");
}
END_TEST

START_TEST(uuid__rejects_malformed_text) {
  msg_error err;
  char out[MSG_ID_LEN + 1];
  const char *bad[] = {
      "",
      "0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a1",   /* short */
      "0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a111", /* long */
      "0192d4a46ad0-7c38-9b7e-2f4e4c1b8a11-",  /* dash misplaced */
      "0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a1g",  /* not hex */
      "{0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a1}", /* braces */
      "0192d4a46ad07c389b7e2f4e4c1b8a11",      /* no dashes */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_invalid(msg__validate_uuid(bad[i], out, "message_id", &err), err, "message_id");
  assert_invalid(msg__validate_uuid(NULL, out, "message_id", &err), err, "message_id");
}
END_TEST

Suite *validate_suite(void) {
  Suite *s = suite_create("validate");
  TCase *tc = unit_tcase("validate");
  tcase_add_test(tc, account_id__accepts_one_and_max);
  tcase_add_test(tc, account_id__rejects_zero_negative_and_above_max);
  tcase_add_test(tc, number__accepts_3_and_15_digits_with_or_without_plus);
  tcase_add_test(tc, number__rejects_2_and_16_digits);
  tcase_add_test(tc, create__rejects_sender_with_letters);
  tcase_add_test(tc, number__rejects_empty_null_spaces_and_misplaced_plus);
  tcase_add_test(tc, body__accepts_null_empty_and_1600_code_points);
  tcase_add_test(tc, body__rejects_1601_code_points);
  tcase_add_test(tc, body__rejects_invalid_utf8);
  tcase_add_test(tc, idempotency_key__accepts_null_1_and_255_printable_chars);
  tcase_add_test(tc, idempotency_key__rejects_empty_and_256_chars);
  tcase_add_test(tc, idempotency_key__rejects_control_and_non_ascii);
  tcase_add_test(tc, limit__accepts_1_and_1000);
  tcase_add_test(tc, limit__rejects_0_and_1001);
  tcase_add_test(tc, uuid__canonicalises_any_case_to_lowercase);
  tcase_add_test(tc, uuid__rejects_malformed_text);
  suite_add_tcase(s, tc);
  return s;
}
