/*
 * Conformance of msg_message_get: found by id in any case, NOT_FOUND for a
 * well-formed id that names nothing, INVALID "message_id" for text that is
 * not a UUID.
 */
#include "conformance.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static void assert_not_found(const char *id) {
  msg_message *m = CONF_POISON;
  msg_error err;
  int rc = msg_message_get(&m, conf_store, id, &err);
  ck_assert_msg(rc != MSG_OK, "%s was found", id);
  ck_assert_msg(rc == MSG_ERR_NOT_FOUND, "%s gave %s (%s), want not found", id, msg_status_str(rc),
                err.message);
  ck_assert_int_eq(err.status, MSG_ERR_NOT_FOUND);
  ck_assert_msg(err.field[0] == '\0' || strcmp(err.field, "message_id") == 0,
                "not found names field '%s'", err.field);
  ck_assert_msg(err.message[0] != '\0', "not found without a message");
  ck_assert_ptr_null(m);
}

static void assert_malformed(const char *id) {
  msg_message *m = CONF_POISON;
  msg_error err;
  int rc = msg_message_get(&m, conf_store, id, &err);
  char where[256];
  snprintf(where, sizeof where, "%s: id '%s'", CONF_WHERE, id ? id : "(null)");
  conf_check_error(where, rc, &err, MSG_ERR_INVALID, "message_id");
  ck_assert_ptr_null(m);
}

static msg_message *get_ok(const char *id) {
  msg_message *m = CONF_POISON;
  msg_error err;
  int rc = msg_message_get(&m, conf_store, id, &err);
  CONF_ASSERT_OK(rc, err);
  ck_assert_ptr_nonnull(m);
  ck_assert_ptr_ne(m, CONF_POISON);
  return m;
}

START_TEST(get__finds_a_message_by_its_id) {
  msg_message *created = conf_create_simple(conf_account(1), "+123", "456", "find me");
  msg_message *got = get_ok(created->message_id);
  conf_assert_same_message(CONF_WHERE, got, created);
  msg_message_free(got);
  msg_message_free(created);
}
END_TEST

START_TEST(get__accepts_uppercase_and_mixed_case_ids) {
  msg_message *created = conf_create_simple(conf_account(1), "123", "456", NULL);
  char upper[MSG_ID_LEN + 1], mixed[MSG_ID_LEN + 1];
  for (size_t i = 0; i <= MSG_ID_LEN; i++) {
    upper[i] = (char)toupper((unsigned char)created->message_id[i]);
    mixed[i] = i % 2 ? upper[i] : created->message_id[i];
  }
  msg_message *got = get_ok(upper);
  conf_assert_same_message(CONF_WHERE, got, created);
  ck_assert_str_eq(got->message_id, created->message_id);
  msg_message_free(got);
  got = get_ok(mixed);
  conf_assert_same_message(CONF_WHERE, got, created);
  msg_message_free(got);
  msg_message_free(created);
}
END_TEST

START_TEST(get__reports_unknown_ids_as_not_found) {
  char random_id[MSG_ID_LEN + 1];
  conf_random_uuid(random_id);
  assert_not_found(random_id);
  assert_not_found("00000000-0000-0000-0000-000000000000");
  assert_not_found("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF");

  /* An id one bit away from a stored one names nothing. */
  msg_message *created = conf_create_simple(conf_account(1), "123", "456", NULL);
  char near[MSG_ID_LEN + 1];
  memcpy(near, created->message_id, sizeof near);
  near[MSG_ID_LEN - 1] = near[MSG_ID_LEN - 1] == '0' ? '1' : '0';
  assert_not_found(near);
  msg_message_free(created);
}
END_TEST

START_TEST(get__rejects_text_that_is_not_a_uuid) {
  static const char *const bad[] = {
      "",
      "abc",
      "0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a1",    /* 35 characters */
      "0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a111",  /* 37 characters */
      "0192d4a46ad07c389b7e2f4e4c1b8a11",       /* no dashes */
      "0192d4a4-6ad07-c38-9b7e-2f4e4c1b8a11",   /* dash misplaced */
      "0192d4a4_6ad0_7c38_9b7e_2f4e4c1b8a11",   /* not dashes */
      "0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8g11",   /* not hex */
      "{0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a11}", /* braces */
      "urn:uuid:0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a11",
      " 0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a11",
      "0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a11 ",
      "0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a1\xc3\xa9",
      "'; SELECT 1; --",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_malformed(bad[i]);
  assert_malformed(NULL);
}
END_TEST

START_TEST(get__returns_a_copy_of_its_own) {
  msg_message *created = conf_create_simple(conf_account(1), "123", "456", "copy");
  msg_message *a = get_ok(created->message_id);
  msg_message *b = get_ok(created->message_id);
  ck_assert_ptr_ne(a, b);
  ck_assert_ptr_ne(a->body, b->body);
  msg_message_free(a);
  conf_assert_same_message(CONF_WHERE, b, created);
  msg_message_free(b);
  msg_message_free(created);
}
END_TEST

START_TEST(get__leaves_the_error_record_untouched_on_success) {
  msg_message *created = conf_create_simple(conf_account(1), "123", "456", NULL);
  msg_message *got = NULL;
  msg_error err;
  conf_error_poison(&err);
  ck_assert_int_eq(msg_message_get(&got, conf_store, created->message_id, &err), MSG_OK);
  msg_message_free(got);
  msg_message_free(created);
  ck_assert_msg(conf_error_is_poisoned(&err), "a successful get wrote to the error record");
}
END_TEST

START_TEST(get__works_without_an_error_record) {
  char random_id[MSG_ID_LEN + 1];
  conf_random_uuid(random_id);
  msg_message *m = CONF_POISON;
  ck_assert_int_eq(msg_message_get(&m, conf_store, random_id, NULL), MSG_ERR_NOT_FOUND);
  ck_assert_ptr_null(m);
  m = CONF_POISON;
  ck_assert_int_eq(msg_message_get(&m, conf_store, "nope", NULL), MSG_ERR_INVALID);
  ck_assert_ptr_null(m);
}
END_TEST

Suite *conformance_get_suite(void) {
  Suite *s = suite_create("get");
  TCase *tc = conf_tcase("get", 30);
  tcase_add_test(tc, get__finds_a_message_by_its_id);
  tcase_add_test(tc, get__accepts_uppercase_and_mixed_case_ids);
  tcase_add_test(tc, get__reports_unknown_ids_as_not_found);
  tcase_add_test(tc, get__rejects_text_that_is_not_a_uuid);
  tcase_add_test(tc, get__returns_a_copy_of_its_own);
  tcase_add_test(tc, get__leaves_the_error_record_untouched_on_success);
  tcase_add_test(tc, get__works_without_an_error_record);
  suite_add_tcase(s, tc);
  return s;
}
