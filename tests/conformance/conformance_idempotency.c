/*
 * Conformance of idempotency keys in msg_message_create: a replay with the
 * same content returns the original (replayed, nothing stored), other
 * content under the same key is a CONFLICT, keys are scoped to the account,
 * and the key's own rules (1..255 printable ASCII characters).
 */
#include "conformance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t count_messages(int64_t account_id) {
  conf_rows rows = {0};
  conf_walk_list(&rows, account_id, MSG_LIMIT_MAX);
  size_t n = rows.count;
  conf_rows_free(&rows);
  return n;
}

static msg_new_message keyed(int64_t account_id, const char *sender, const char *receiver,
                             const char *body, const char *key) {
  msg_new_message in = conf_new(account_id, sender, receiver, body);
  in.idempotency_key = key;
  return in;
}

/* Creates `in` again and asserts it is a replay of `original`. */
static void assert_replays(const msg_new_message *in, const msg_message *original) {
  msg_message *m = CONF_POISON;
  bool replayed = false;
  msg_error err;
  int rc = msg_message_create(&m, &replayed, conf_store, in, &err);
  CONF_ASSERT_OK(rc, err);
  ck_assert_msg(replayed, "a repeated create with the same key and content was not a replay");
  conf_assert_same_message(CONF_WHERE, m, original);
  msg_message_free(m);
}

static void assert_conflicts(const msg_new_message *in) {
  msg_message *m = CONF_POISON;
  bool replayed = true;
  msg_error err;
  int rc = msg_message_create(&m, &replayed, conf_store, in, &err);
  CONF_ASSERT_ERROR(rc, err, MSG_ERR_CONFLICT, "idempotency_key");
  ck_assert_ptr_null(m);
}

static void assert_key_refused(const char *key) {
  msg_new_message in = keyed(conf_account(1), "123", "456", "x", key);
  msg_message *m = CONF_POISON;
  msg_error err;
  int rc = msg_message_create(&m, NULL, conf_store, &in, &err);
  char where[256];
  snprintf(where, sizeof where, "%s: key '%.40s'", CONF_WHERE, key);
  conf_check_error(where, rc, &err, MSG_ERR_INVALID, "idempotency_key");
  ck_assert_ptr_null(m);
}

START_TEST(idempotency__replay_returns_the_original_and_stores_nothing) {
  int64_t account = conf_account(1);
  const char *bodies[] = {"hello Straße 😀", NULL, ""};
  const char *keys[] = {"order-1", "order-2", "order-3"};
  for (size_t i = 0; i < 3; i++) {
    msg_new_message in = keyed(account, "+123", "456", bodies[i], keys[i]);
    msg_message *original = conf_create(&in);
    assert_replays(&in, original);
    assert_replays(&in, original);
    msg_message_free(original);
  }
  ck_assert_uint_eq(count_messages(account), 3);
}
END_TEST

START_TEST(idempotency__replay_accepts_a_null_replayed_flag) {
  msg_new_message in = keyed(conf_account(1), "123", "456", "x", "k");
  msg_message *original = conf_create(&in);
  msg_message *m = NULL;
  msg_error err;
  int rc = msg_message_create(&m, NULL, conf_store, &in, &err);
  CONF_ASSERT_OK(rc, err);
  conf_assert_same_message(CONF_WHERE, m, original);
  msg_message_free(m);
  msg_message_free(original);
  ck_assert_uint_eq(count_messages(in.account_id), 1);
}
END_TEST

START_TEST(idempotency__replay_leaves_the_error_record_untouched) {
  msg_new_message in = keyed(conf_account(1), "123", "456", "x", "k");
  msg_message *original = conf_create(&in);
  msg_message *m = NULL;
  bool replayed = false;
  msg_error err;
  conf_error_poison(&err);
  ck_assert_int_eq(msg_message_create(&m, &replayed, conf_store, &in, &err), MSG_OK);
  msg_message_free(m);
  msg_message_free(original);
  ck_assert(replayed);
  ck_assert_msg(conf_error_is_poisoned(&err), "a replay wrote to the error record");
}
END_TEST

START_TEST(idempotency__other_content_under_the_same_key_conflicts) {
  int64_t account = conf_account(1);
  msg_new_message in = keyed(account, "+123", "456", "body", "key");
  msg_message *original = conf_create(&in);
  msg_new_message other[] = {
      keyed(account, "123", "456", "body", "key"),   /* sender without '+' */
      keyed(account, "+124", "456", "body", "key"),  /* other sender */
      keyed(account, "+123", "457", "body", "key"),  /* other receiver */
      keyed(account, "+123", "456", "Body", "key"),  /* other body */
      keyed(account, "+123", "456", "body ", "key"), /* one more byte */
      keyed(account, "+123", "456", NULL, "key"),    /* no body */
      keyed(account, "+123", "456", "", "key"),      /* empty body */
  };
  for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
    assert_conflicts(&other[i]);
  ck_assert_uint_eq(count_messages(account), 1);
  assert_replays(&in, original);
  msg_message_free(original);
}
END_TEST

START_TEST(idempotency__null_and_empty_bodies_differ) {
  int64_t account = conf_account(1);
  msg_new_message no_body = keyed(account, "123", "456", NULL, "no-body");
  msg_new_message empty_body = keyed(account, "123", "456", "", "empty-body");
  msg_message *a = conf_create(&no_body);
  msg_message *b = conf_create(&empty_body);
  no_body.idempotency_key = "empty-body";
  empty_body.idempotency_key = "no-body";
  assert_conflicts(&no_body);
  assert_conflicts(&empty_body);
  ck_assert_uint_eq(count_messages(account), 2);
  msg_message_free(a);
  msg_message_free(b);
}
END_TEST

START_TEST(idempotency__keys_are_scoped_to_the_account) {
  int64_t a = conf_account(1), b = conf_account(2);
  msg_new_message in_a = keyed(a, "123", "456", "same", "shared-key");
  msg_new_message in_b = keyed(b, "123", "456", "same", "shared-key");
  msg_message *ma = conf_create(&in_a);
  msg_message *mb = conf_create(&in_b);
  ck_assert_str_ne(ma->message_id, mb->message_id);
  ck_assert_int_eq(ma->account_id, a);
  ck_assert_int_eq(mb->account_id, b);
  assert_replays(&in_a, ma);
  assert_replays(&in_b, mb);
  /* Other content under the same key is fine in an account without it. */
  msg_new_message in_c = keyed(conf_account(3), "999", "888", "other", "shared-key");
  msg_message *mc = conf_create(&in_c);
  ck_assert_uint_eq(count_messages(a), 1);
  ck_assert_uint_eq(count_messages(b), 1);
  msg_message_free(ma);
  msg_message_free(mb);
  msg_message_free(mc);
}
END_TEST

START_TEST(idempotency__creates_without_a_key_never_replay) {
  int64_t account = conf_account(1);
  msg_message *a = conf_create_simple(account, "123", "456", "same");
  msg_message *b = conf_create_simple(account, "123", "456", "same");
  ck_assert_str_ne(a->message_id, b->message_id);
  ck_assert_uint_eq(count_messages(account), 2);
  /* A keyed message does not replay an unkeyed one with the same content. */
  msg_new_message in = keyed(account, "123", "456", "same", "k1");
  msg_message *c = conf_create(&in);
  ck_assert_str_ne(c->message_id, a->message_id);
  ck_assert_str_ne(c->message_id, b->message_id);
  msg_message_free(a);
  msg_message_free(b);
  msg_message_free(c);
}
END_TEST

START_TEST(idempotency__accepts_keys_of_1_to_255_printable_characters) {
  int64_t account = conf_account(1);
  char k255[MSG_IDEMPOTENCY_KEY_MAX + 1];
  memset(k255, 'k', MSG_IDEMPOTENCY_KEY_MAX);
  k255[MSG_IDEMPOTENCY_KEY_MAX] = '\0';
  char printable[0x7f - 0x20 + 1];
  for (int c = 0x20; c < 0x7f; c++)
    printable[c - 0x20] = (char)c;
  printable[0x7f - 0x20] = '\0';
  const char *keys[] = {"k", k255, printable, " ", "~", "'; DROP TABLE messages; --"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    msg_new_message in = keyed(account, "123", "456", "x", keys[i]);
    msg_message *m = conf_create(&in);
    assert_replays(&in, m);
    msg_message_free(m);
  }
  ck_assert_uint_eq(count_messages(account), sizeof keys / sizeof keys[0]);
}
END_TEST

START_TEST(idempotency__refuses_keys_outside_1_to_255_characters) {
  char k256[MSG_IDEMPOTENCY_KEY_MAX + 2];
  memset(k256, 'k', MSG_IDEMPOTENCY_KEY_MAX + 1);
  k256[MSG_IDEMPOTENCY_KEY_MAX + 1] = '\0';
  assert_key_refused("");
  assert_key_refused(k256);
  char *long_key = malloc(100001);
  ck_assert_ptr_nonnull(long_key);
  memset(long_key, 'k', 100000);
  long_key[100000] = '\0';
  assert_key_refused(long_key);
  free(long_key);
  ck_assert_uint_eq(count_messages(conf_account(1)), 0);
}
END_TEST

START_TEST(idempotency__refuses_keys_with_other_characters) {
  static const char *const bad[] = {"\x01",        "a\tb", "a\nb", "key\x7f",
                                    "caf\xc3\xa9", "\x80", "\xff", "k\x1f"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_key_refused(bad[i]);
  ck_assert_uint_eq(count_messages(conf_account(1)), 0);
}
END_TEST

Suite *conformance_idempotency_suite(void) {
  Suite *s = suite_create("idempotency");
  TCase *tc = conf_tcase("idempotency", 60);
  tcase_add_test(tc, idempotency__replay_returns_the_original_and_stores_nothing);
  tcase_add_test(tc, idempotency__replay_accepts_a_null_replayed_flag);
  tcase_add_test(tc, idempotency__replay_leaves_the_error_record_untouched);
  tcase_add_test(tc, idempotency__other_content_under_the_same_key_conflicts);
  tcase_add_test(tc, idempotency__null_and_empty_bodies_differ);
  tcase_add_test(tc, idempotency__keys_are_scoped_to_the_account);
  tcase_add_test(tc, idempotency__creates_without_a_key_never_replay);
  tcase_add_test(tc, idempotency__accepts_keys_of_1_to_255_printable_characters);
  tcase_add_test(tc, idempotency__refuses_keys_outside_1_to_255_characters);
  tcase_add_test(tc, idempotency__refuses_keys_with_other_characters);
  suite_add_tcase(s, tc);
  return s;
}
