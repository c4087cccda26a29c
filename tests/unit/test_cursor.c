/*
 * cursor.c: round trips, and every way a cursor can be wrong (damaged,
 * truncated, garbage, another version, another query) is MSG_ERR_INVALID
 * on field "cursor".
 */
#include "unit.h"

#include "alloc.h"
#include "cursor.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#define ID "0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a11"
#define WHEN INT64_C(1795903526123456)

static void list_fingerprint(uint8_t fp[MSG_FINGERPRINT_SIZE], int64_t account) {
  msg_backend_query q = {0};
  q.account_ids = &account;
  q.account_id_count = 1;
  msg_error err = {0};
  assert_ok(msg__cursor_fingerprint(fp, MSG_QUERY_LIST, &q, &err), err);
}

static char *encode(const uint8_t fp[MSG_FINGERPRINT_SIZE]) {
  char *text = NULL;
  msg_error err = {0};
  assert_ok(msg__cursor_encode(&text, fp, WHEN, ID, &err), err);
  return text;
}

START_TEST(round_trip__gives_back_time_and_id) {
  uint8_t fp[MSG_FINGERPRINT_SIZE];
  list_fingerprint(fp, 42);
  char *text = encode(fp);
  for (const char *p = text; *p; p++)
    ck_assert_msg(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *p),
                  "'%c' is not base64url", *p);
  int64_t when = 0;
  char id[MSG_ID_LEN + 1];
  msg_error err = {0};
  assert_ok(msg__cursor_decode(&when, id, text, fp, &err), err);
  ck_assert_int_eq(when, WHEN);
  ck_assert_str_eq(id, ID);
  msg__free(text);
}
END_TEST

START_TEST(round_trip__keeps_negative_times) {
  uint8_t fp[MSG_FINGERPRINT_SIZE];
  list_fingerprint(fp, 1);
  char *text = NULL;
  msg_error err = {0};
  assert_ok(msg__cursor_encode(&text, fp, -1, ID, &err), err);
  int64_t when = 0;
  char id[MSG_ID_LEN + 1];
  assert_ok(msg__cursor_decode(&when, id, text, fp, &err), err);
  ck_assert_int_eq(when, -1);
  msg__free(text);
}
END_TEST

START_TEST(decode__rejects_every_tampered_character) {
  uint8_t fp[MSG_FINGERPRINT_SIZE];
  list_fingerprint(fp, 42);
  char *text = encode(fp);
  size_t len = strlen(text);
  for (size_t i = 0; i < len; i++) {
    char saved = text[i];
    text[i] = saved == 'A' ? 'B' : 'A';
    int64_t when;
    char id[MSG_ID_LEN + 1];
    msg_error err;
    assert_invalid(msg__cursor_decode(&when, id, text, fp, &err), err, "cursor");
    text[i] = saved;
  }
  msg__free(text);
}
END_TEST

START_TEST(decode__rejects_cursor_of_another_account) {
  uint8_t mine[MSG_FINGERPRINT_SIZE], other[MSG_FINGERPRINT_SIZE];
  list_fingerprint(mine, 42);
  list_fingerprint(other, 43);
  char *text = encode(mine);
  int64_t when;
  char id[MSG_ID_LEN + 1];
  msg_error err;
  assert_invalid(msg__cursor_decode(&when, id, text, other, &err), err, "cursor");
  ck_assert_ptr_nonnull(strstr(err.message, "does not belong"));
  msg__free(text);
}
END_TEST

START_TEST(decode__rejects_truncated_extended_empty_and_garbage) {
  uint8_t fp[MSG_FINGERPRINT_SIZE];
  list_fingerprint(fp, 42);
  char *text = encode(fp);
  size_t len = strlen(text);
  char *longer = malloc(len + 2);
  ck_assert_ptr_nonnull(longer);
  memcpy(longer, text, len);
  memcpy(longer + len, "A", 2);
  int64_t when;
  char id[MSG_ID_LEN + 1];
  msg_error err;
  assert_invalid(msg__cursor_decode(&when, id, longer, fp, &err), err, "cursor");
  text[len - 1] = '\0';
  assert_invalid(msg__cursor_decode(&when, id, text, fp, &err), err, "cursor");
  ck_assert_ptr_nonnull(strstr(err.message, "malformed"));
  assert_invalid(msg__cursor_decode(&when, id, "", fp, &err), err, "cursor");
  assert_invalid(msg__cursor_decode(&when, id, "not a cursor at all", fp, &err), err, "cursor");
  /* Right length, characters outside base64url (standard '+' and '/' included). */
  memset(longer, '+', len);
  longer[len] = '\0';
  assert_invalid(msg__cursor_decode(&when, id, longer, fp, &err), err, "cursor");
  memset(longer, '!', len);
  assert_invalid(msg__cursor_decode(&when, id, longer, fp, &err), err, "cursor");
  free(longer);
  msg__free(text);
}
END_TEST

/* A cursor with a valid check but another layout version must still be refused:
 * rebuild the bytes by hand, with the same layout but version 2. */
START_TEST(decode__rejects_unknown_version_even_with_valid_check) {
  uint8_t fp[MSG_FINGERPRINT_SIZE];
  list_fingerprint(fp, 42);
  char *text = encode(fp);
  for (char *p = text; *p; p++)
    *p = *p == '-' ? '+' : *p == '_' ? '/' : *p;
  uint8_t raw[64];
  int n = EVP_DecodeBlock(raw, (const unsigned char *)text, (int)strlen(text));
  ck_assert_int_gt(n, 8);
  raw[0] = 2;
  int check_at = n - 6;
  uint8_t digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len;
  ck_assert(EVP_Digest(raw, (size_t)check_at, digest, &digest_len, EVP_sha256(), NULL));
  memcpy(raw + check_at, digest, 6);
  char forged[128];
  EVP_EncodeBlock((unsigned char *)forged, raw, n);
  for (char *p = forged; *p; p++)
    *p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
  int64_t when;
  char id[MSG_ID_LEN + 1];
  msg_error err;
  assert_invalid(msg__cursor_decode(&when, id, forged, fp, &err), err, "cursor");
  msg__free(text);
}
END_TEST

START_TEST(fingerprint__differs_by_kind_and_ignores_limit_and_position) {
  int64_t account = 42;
  msg_backend_query q = {0};
  q.account_ids = &account;
  q.account_id_count = 1;
  q.limit = 10;
  uint8_t list[MSG_FINGERPRINT_SIZE], search[MSG_FINGERPRINT_SIZE],
      other_limit[MSG_FINGERPRINT_SIZE];
  msg_error err = {0};
  assert_ok(msg__cursor_fingerprint(list, MSG_QUERY_LIST, &q, &err), err);
  assert_ok(msg__cursor_fingerprint(search, MSG_QUERY_SEARCH, &q, &err), err);
  q.limit = 500;
  q.has_cursor = true;
  q.cursor_created_at = 7;
  q.cursor_message_id = ID;
  assert_ok(msg__cursor_fingerprint(other_limit, MSG_QUERY_LIST, &q, &err), err);
  ck_assert(memcmp(list, search, sizeof list) != 0);
  ck_assert(memcmp(list, other_limit, sizeof list) == 0);
}
END_TEST

START_TEST(fingerprint__changes_with_every_condition) {
  const char *ids[] = {ID};
  const char *numbers[] = {"+123"};
  const char *terms[] = {"hello"};
  int64_t account = 42;
  msg_backend_query base = {0};
  uint8_t seen[9][MSG_FINGERPRINT_SIZE];
  msg_error err = {0};
  for (int variant = 0; variant < 9; variant++) {
    msg_backend_query q = base;
    switch (variant) {
    case 1:
      q.account_ids = &account;
      q.account_id_count = 1;
      break;
    case 2:
      q.message_ids = ids;
      q.message_id_count = 1;
      break;
    case 3:
      q.sender_numbers = numbers;
      q.sender_number_count = 1;
      break;
    case 4:
      q.receiver_numbers = numbers;
      q.receiver_number_count = 1;
      break;
    case 5:
      q.has_created_after = true;
      break;
    case 6:
      q.has_created_before = true;
      break;
    case 7:
      q.has_created_before = true;
      q.created_before = 1;
      break;
    case 8:
      q.terms = terms;
      q.term_count = 1;
      break;
    default:
      break;
    }
    assert_ok(msg__cursor_fingerprint(seen[variant], MSG_QUERY_SEARCH, &q, &err), err);
    for (int j = 0; j < variant; j++)
      ck_assert_msg(memcmp(seen[j], seen[variant], MSG_FINGERPRINT_SIZE) != 0,
                    "variants %d and %d share a fingerprint", j, variant);
  }
}
END_TEST

Suite *cursor_suite(void) {
  Suite *s = suite_create("cursor");
  TCase *tc = unit_tcase("cursor");
  tcase_add_test(tc, round_trip__gives_back_time_and_id);
  tcase_add_test(tc, round_trip__keeps_negative_times);
  tcase_add_test(tc, decode__rejects_every_tampered_character);
  tcase_add_test(tc, decode__rejects_cursor_of_another_account);
  tcase_add_test(tc, decode__rejects_truncated_extended_empty_and_garbage);
  tcase_add_test(tc, decode__rejects_unknown_version_even_with_valid_check);
  tcase_add_test(tc, fingerprint__differs_by_kind_and_ignores_limit_and_position);
  tcase_add_test(tc, fingerprint__changes_with_every_condition);
  suite_add_tcase(s, tc);
  return s;
}
