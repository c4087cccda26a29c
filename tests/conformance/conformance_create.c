/*
 * Conformance of msg_message_create: what it returns (a UUIDv7, the current
 * time, the fields as given), both sides of every field limit, the field a
 * refusal names, and that a refused call stores nothing.
 */
#include "conformance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ACCOUNT_2_53 INT64_C(9007199254740992)

/* Asserts that creating `in` fails with MSG_ERR_INVALID naming `field`. */
static void assert_refused(const char *where, const msg_new_message *in, const char *field) {
  msg_message *m = CONF_POISON;
  bool replayed = true;
  msg_error err;
  int rc = msg_message_create(&m, &replayed, conf_store, in, &err);
  conf_check_error(where, rc, &err, MSG_ERR_INVALID, field);
  ck_assert_msg(m == NULL, "%s: a refused create left *out set", where);
}

/* Asserts that `account_id` holds no message at all. */
static void assert_account_empty(int64_t account_id) {
  conf_rows rows = {0};
  conf_walk_list(&rows, account_id, MSG_LIMIT_MAX);
  ck_assert_msg(rows.count == 0, "a refused create stored %zu message(s)", rows.count);
  conf_rows_free(&rows);
}

/* `count` copies of `unit`, in a buffer the caller frees. */
static char *repeat(const char *unit, size_t count) {
  size_t len = strlen(unit);
  char *s = malloc(len * count + 1);
  ck_assert_ptr_nonnull(s);
  for (size_t i = 0; i < count; i++)
    memcpy(s + i * len, unit, len);
  s[len * count] = '\0';
  return s;
}

static void assert_round_trips(const msg_new_message *in) {
  msg_message *created = conf_create(in);
  ck_assert_int_eq(created->account_id, in->account_id);
  ck_assert_str_eq(created->sender_number, in->sender_number);
  ck_assert_str_eq(created->receiver_number, in->receiver_number);
  if (in->body) {
    ck_assert_ptr_nonnull(created->body);
    ck_assert_str_eq(created->body, in->body);
  } else {
    ck_assert_ptr_null(created->body);
  }
  msg_message *got = CONF_POISON;
  msg_error err;
  int rc = msg_message_get(&got, conf_store, created->message_id, &err);
  CONF_ASSERT_OK(rc, err);
  conf_assert_same_message(CONF_WHERE, got, created);
  msg_message_free(got);
  msg_message_free(created);
}

static bool is_lower_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

START_TEST(create__returns_a_uuidv7_made_now) {
  int64_t before = conf_now_micros();
  msg_message *m = conf_create_simple(conf_account(1), "123", "456", "hello");
  int64_t after = conf_now_micros();

  const char *id = m->message_id;
  ck_assert_ptr_nonnull(id);
  ck_assert_uint_eq(strlen(id), MSG_ID_LEN);
  for (size_t i = 0; i < MSG_ID_LEN; i++) {
    if (i == 8 || i == 13 || i == 18 || i == 23)
      ck_assert_msg(id[i] == '-', "%s: no dash at %zu", id, i);
    else
      ck_assert_msg(is_lower_hex(id[i]), "%s: '%c' at %zu is not lowercase hex", id, id[i], i);
  }
  ck_assert_msg(id[14] == '7', "%s is not version 7", id);
  ck_assert_msg(strchr("89ab", id[19]) != NULL, "%s does not have the RFC 9562 variant", id);

  ck_assert_msg(m->created_at >= before - 1000000 && m->created_at <= after + 1000000,
                "created_at %lld is not within a second of now (%lld .. %lld)",
                (long long)m->created_at, (long long)before, (long long)after);
  /* The first 48 bits of a UUIDv7 are its Unix time in milliseconds. */
  char hex[13];
  memcpy(hex, id, 8);
  memcpy(hex + 8, id + 9, 4);
  hex[12] = '\0';
  long long id_ms = strtoll(hex, NULL, 16);
  long long created_ms = (long long)(m->created_at / 1000);
  ck_assert_msg(llabs(id_ms - created_ms) <= 1000,
                "the id's time (%lld ms) is far from created_at (%lld ms)", id_ms, created_ms);
  msg_message_free(m);
}
END_TEST

START_TEST(create__gives_every_message_its_own_id) {
  enum { N = 50 };
  msg_message *m[N];
  int64_t account = conf_account(1);
  for (int i = 0; i < N; i++)
    m[i] = conf_create_simple(account, "123", "456", NULL);
  for (int i = 0; i < N; i++) {
    for (int j = 0; j < i; j++)
      ck_assert_str_ne(m[i]->message_id, m[j]->message_id);
  }
  for (int i = 0; i < N; i++)
    msg_message_free(m[i]);
}
END_TEST

START_TEST(create__round_trips_every_field_through_get) {
  int64_t account = conf_account(1);
  static const char *const bodies[] = {
      "plain ASCII",
      "Straße, café, Οδυσσεύς, Привет, 東京タワー, 😀🎉, e\xcc\x81 (decomposed)",
      "quotes ' \" and \\ backslash, 100% of %s and %n",
      "'); DROP TABLE messages; --",
      "line one\nline two\r\n\ttabbed",
      " leading and trailing spaces ",
      "\uFEFFBOM first",
      "\xf4\x8f\xbf\xbf max code point",
  };
  for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
    msg_new_message in = conf_new(account, "+123456789012345", "000", bodies[i]);
    assert_round_trips(&in);
  }
  msg_new_message no_body = conf_new(account, "123", "+456", NULL);
  assert_round_trips(&no_body);
  msg_new_message empty_body = conf_new(account, "123", "+456", "");
  assert_round_trips(&empty_body);
}
END_TEST

START_TEST(create__copies_its_input) {
  char sender[] = "+1234567";
  char receiver[] = "7654321";
  char body[] = "original body";
  msg_new_message in = conf_new(conf_account(1), sender, receiver, body);
  msg_message *m = conf_create(&in);
  ck_assert_ptr_ne(m->sender_number, sender);
  ck_assert_ptr_ne(m->receiver_number, receiver);
  ck_assert_ptr_ne(m->body, body);
  memset(sender + 1, '9', strlen(sender) - 1);
  memset(receiver, '9', strlen(receiver));
  memset(body, 'x', strlen(body));
  ck_assert_str_eq(m->sender_number, "+1234567");
  msg_message *got = NULL;
  msg_error err;
  int rc = msg_message_get(&got, conf_store, m->message_id, &err);
  CONF_ASSERT_OK(rc, err);
  ck_assert_str_eq(got->sender_number, "+1234567");
  ck_assert_str_eq(got->receiver_number, "7654321");
  ck_assert_str_eq(got->body, "original body");
  msg_message_free(got);
  msg_message_free(m);
}
END_TEST

START_TEST(create__works_without_replayed_or_error_record) {
  msg_new_message in = conf_new(conf_account(1), "123", "456", "x");
  msg_message *m = CONF_POISON;
  ck_assert_int_eq(msg_message_create(&m, NULL, conf_store, &in, NULL), MSG_OK);
  ck_assert_ptr_nonnull(m);
  ck_assert_ptr_ne(m, CONF_POISON);
  msg_message_free(m);
  in.account_id = 0;
  m = CONF_POISON;
  ck_assert_int_eq(msg_message_create(&m, NULL, conf_store, &in, NULL), MSG_ERR_INVALID);
  ck_assert_ptr_null(m);
}
END_TEST

START_TEST(create__leaves_the_error_record_untouched_on_success) {
  msg_new_message in = conf_new(conf_account(1), "123", "456", "x");
  msg_message *m = NULL;
  bool replayed = true;
  msg_error err;
  conf_error_poison(&err);
  ck_assert_int_eq(msg_message_create(&m, &replayed, conf_store, &in, &err), MSG_OK);
  msg_message_free(m);
  ck_assert(!replayed);
  ck_assert_msg(conf_error_is_poisoned(&err), "a successful create wrote to the error record");
}
END_TEST

START_TEST(create__accepts_account_id_limits) {
  static const int64_t valid[] = {1, MSG_ACCOUNT_ID_MAX};
  for (size_t i = 0; i < 2; i++) {
    msg_new_message in = conf_new(valid[i], "123", "456", "edge account");
    assert_round_trips(&in);
  }
}
END_TEST

START_TEST(create__rejects_account_id_out_of_range) {
  static const int64_t invalid[] = {0, -1, ACCOUNT_2_53, ACCOUNT_2_53 + 1, INT64_MIN, INT64_MAX};
  for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
    msg_new_message in = conf_new(invalid[i], "123", "456", "x");
    assert_refused(CONF_WHERE, &in, "account_id");
  }
}
END_TEST

static const char *const valid_numbers[] = {
    "123", "+123", "000", "123456789012345", "+123456789012345", "0123456789",
};

static const char *const invalid_numbers[] = {
    "12",
    "+12",
    "1234567890123456",
    "+1234567890123456",
    "12a3",
    "abc",
    "+",
    "++123",
    "+-123",
    "-123",
    " 123",
    "123 ",
    "1 23",
    "",
    "12.3",
    "１２３",
    "123\n",
    "+ 123",
    "1+23",
    "\u00B2123",
};

START_TEST(create__accepts_valid_numbers) {
  int64_t account = conf_account(1);
  for (size_t i = 0; i < sizeof valid_numbers / sizeof valid_numbers[0]; i++) {
    msg_new_message in = conf_new(account, valid_numbers[i], "456", NULL);
    assert_round_trips(&in);
    in = conf_new(account, "456", valid_numbers[i], NULL);
    assert_round_trips(&in);
  }
}
END_TEST

START_TEST(create__rejects_invalid_sender_number) {
  int64_t account = conf_account(1);
  for (size_t i = 0; i < sizeof invalid_numbers / sizeof invalid_numbers[0]; i++) {
    msg_new_message in = conf_new(account, invalid_numbers[i], "456", "x");
    char where[256];
    snprintf(where, sizeof where, "%s: sender '%s'", CONF_WHERE, invalid_numbers[i]);
    assert_refused(where, &in, "sender_number");
  }
  msg_new_message in = conf_new(account, NULL, "456", "x");
  assert_refused(CONF_WHERE, &in, "sender_number");
  assert_account_empty(account);
}
END_TEST

START_TEST(create__rejects_invalid_receiver_number) {
  int64_t account = conf_account(1);
  for (size_t i = 0; i < sizeof invalid_numbers / sizeof invalid_numbers[0]; i++) {
    msg_new_message in = conf_new(account, "456", invalid_numbers[i], "x");
    char where[256];
    snprintf(where, sizeof where, "%s: receiver '%s'", CONF_WHERE, invalid_numbers[i]);
    assert_refused(where, &in, "receiver_number");
  }
  msg_new_message in = conf_new(account, "456", NULL, "x");
  assert_refused(CONF_WHERE, &in, "receiver_number");
  assert_account_empty(account);
}
END_TEST

START_TEST(create__accepts_bodies_up_to_1600_code_points) {
  int64_t account = conf_account(1);
  char *four_byte = repeat("\xf0\x9f\x98\x80", MSG_BODY_MAX_CHARS);
  char *ascii = repeat("a", MSG_BODY_MAX_CHARS);
  /* 400 each of 1-, 2-, 3- and 4-byte characters. */
  char *mixed = repeat("a\xc3\xa9\xe6\x9d\xb1\xf0\x9f\x8e\x89", MSG_BODY_MAX_CHARS / 4);
  const char *bodies[] = {four_byte, ascii, mixed};
  for (size_t i = 0; i < 3; i++) {
    msg_new_message in = conf_new(account, "123", "456", bodies[i]);
    assert_round_trips(&in);
  }
  free(four_byte);
  free(ascii);
  free(mixed);
}
END_TEST

START_TEST(create__rejects_bodies_over_1600_code_points) {
  int64_t account = conf_account(1);
  char *four_byte = repeat("\xf0\x9f\x98\x80", MSG_BODY_MAX_CHARS + 1);
  char *ascii = repeat("a", MSG_BODY_MAX_CHARS + 1);
  char *mixed = repeat("a\xc3\xa9\xe6\x9d\xb1\xf0\x9f\x8e\x89", MSG_BODY_MAX_CHARS / 4 + 1);
  const char *bodies[] = {four_byte, ascii, mixed};
  for (size_t i = 0; i < 3; i++) {
    msg_new_message in = conf_new(account, "123", "456", bodies[i]);
    assert_refused(CONF_WHERE, &in, "body");
  }
  free(four_byte);
  free(ascii);
  free(mixed);
  assert_account_empty(account);
}
END_TEST

START_TEST(create__rejects_bodies_that_are_not_utf8) {
  static const char *const bad[] = {
      "\xc0\xaf",                 /* overlong '/' (2 bytes) */
      "\xe0\x80\xaf",             /* overlong '/' (3 bytes) */
      "\xf0\x80\x80\xaf",         /* overlong '/' (4 bytes) */
      "\xc1\xbf",                 /* overlong U+007F */
      "\x80",                     /* lone continuation byte */
      "ok \xbf ok",               /* continuation byte between ASCII */
      "\xed\xa0\x80",             /* UTF-16 high surrogate U+D800 */
      "\xed\xbf\xbf",             /* UTF-16 low surrogate U+DFFF */
      "\xed\xa0\xbd\xed\xb8\x80", /* a surrogate pair encoded as CESU-8 */
      "\xe2\x82",                 /* truncated 3-byte sequence at the end */
      "\xe2\x82x",                /* truncated 3-byte sequence before ASCII */
      "end \xf0\x9f\x98",         /* truncated 4-byte sequence at the end */
      "\xf4\x90\x80\x80",         /* above U+10FFFF */
      "\xf8\x88\x80\x80\x80",     /* 5-byte form */
      "\xfe",
      "\xff",
  };
  int64_t account = conf_account(1);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    msg_new_message in = conf_new(account, "123", "456", bad[i]);
    char where[256];
    snprintf(where, sizeof where, "%s: bad UTF-8 #%zu", CONF_WHERE, i);
    assert_refused(where, &in, "body");
  }
  assert_account_empty(account);
}
END_TEST

START_TEST(create__names_the_first_offending_field) {
  msg_new_message in = conf_new(0, "x", "y", "\xff");
  in.idempotency_key = "";
  assert_refused(CONF_WHERE, &in, "account_id");
  in.account_id = conf_account(1);
  assert_refused(CONF_WHERE, &in, "sender_number");
  in.sender_number = "123";
  assert_refused(CONF_WHERE, &in, "receiver_number");
  in.receiver_number = "456";
  assert_refused(CONF_WHERE, &in, "body");
  in.body = NULL;
  assert_refused(CONF_WHERE, &in, "idempotency_key");
  assert_account_empty(in.account_id);
}
END_TEST

Suite *conformance_create_suite(void) {
  Suite *s = suite_create("create");
  TCase *tc = conf_tcase("create", 60);
  tcase_add_test(tc, create__returns_a_uuidv7_made_now);
  tcase_add_test(tc, create__gives_every_message_its_own_id);
  tcase_add_test(tc, create__round_trips_every_field_through_get);
  tcase_add_test(tc, create__copies_its_input);
  tcase_add_test(tc, create__works_without_replayed_or_error_record);
  tcase_add_test(tc, create__leaves_the_error_record_untouched_on_success);
  tcase_add_test(tc, create__accepts_account_id_limits);
  tcase_add_test(tc, create__rejects_account_id_out_of_range);
  tcase_add_test(tc, create__accepts_valid_numbers);
  tcase_add_test(tc, create__rejects_invalid_sender_number);
  tcase_add_test(tc, create__rejects_invalid_receiver_number);
  tcase_add_test(tc, create__accepts_bodies_up_to_1600_code_points);
  tcase_add_test(tc, create__rejects_bodies_over_1600_code_points);
  tcase_add_test(tc, create__rejects_bodies_that_are_not_utf8);
  tcase_add_test(tc, create__names_the_first_offending_field);
  suite_add_tcase(s, tc);
  return s;
}
