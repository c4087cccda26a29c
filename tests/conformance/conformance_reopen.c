/*
 * Conformance of durability for stores that outlive their handle (not
 * registered for "sqlite::memory:"): every acknowledged message, its search
 * words and its idempotency key are there after the store is closed and
 * opened again, and two handles on one database see each other's writes.
 */
#include "conformance.h"

#include <stdio.h>
#include <string.h>

START_TEST(reopen__every_acknowledged_message_is_still_there) {
  int64_t accounts[] = {conf_account(1), conf_account(2)};
  char sender[CONF_NUMBER_SIZE];
  conf_number(sender, 0);
  static const char *const bodies[] = {"Straße nach Köln", NULL, "", "😀 emoji", "plain words"};
  conf_rows made = {0};
  for (int i = 0; i < 20; i++) {
    msg_new_message in = conf_new(accounts[i % 2], sender, "456", bodies[i % 5]);
    char key[16];
    snprintf(key, sizeof key, "reopen-%d", i);
    in.idempotency_key = i % 4 == 0 ? key : NULL;
    msg_message *m = conf_create(&in);
    conf_rows_push(&made, m);
    msg_message_free(m);
  }

  msg_store_close(conf_store);
  conf_store = conf_open(NULL);

  for (size_t i = 0; i < made.count; i++) {
    msg_message *got = NULL;
    msg_error err;
    int rc = msg_message_get(&got, conf_store, made.items[i].message_id, &err);
    CONF_ASSERT_OK(rc, err);
    conf_assert_same_message(CONF_WHERE, got, &made.items[i]);
    msg_message_free(got);
  }
  for (int a = 0; a < 2; a++) {
    conf_rows want = {0}, got = {0};
    for (size_t i = 0; i < made.count; i++) {
      if (made.items[i].account_id == accounts[a])
        conf_rows_push(&want, &made.items[i]);
    }
    conf_rows_sort(&want);
    conf_walk_list(&got, accounts[a], 3);
    conf_assert_same_rows(CONF_WHERE, &got, &want);
    conf_rows_free(&want);
    conf_rows_free(&got);
  }

  /* The search words were stored too. */
  msg_filter f = MSG_FILTER_INIT;
  const char *senders[] = {sender};
  f.sender_numbers = senders;
  f.sender_number_count = 1;
  f.q = "STRASSE";
  conf_rows found = {0};
  conf_walk(&found, conf_search_page, &f, 10, NULL);
  ck_assert_uint_eq(found.count, 4);
  for (size_t i = 0; i < found.count; i++)
    ck_assert_str_eq(found.items[i].body, "Straße nach Köln");
  conf_rows_free(&found);

  /* The idempotency keys were stored too: the first message replays. */
  msg_new_message again = conf_new(accounts[0], sender, "456", bodies[0]);
  again.idempotency_key = "reopen-0";
  msg_message *m = NULL;
  bool replayed = false;
  msg_error err;
  int rc = msg_message_create(&m, &replayed, conf_store, &again, &err);
  CONF_ASSERT_OK(rc, err);
  ck_assert(replayed);
  conf_assert_same_message(CONF_WHERE, m, &made.items[0]);
  msg_message_free(m);
  conf_rows_free(&made);
}
END_TEST

START_TEST(reopen__two_handles_see_each_others_messages) {
  msg_store *other = conf_open(NULL);
  int64_t account = conf_account(1);
  msg_message *a = conf_create_simple(account, "123", "456", "from the first handle");
  msg_new_message in = conf_new(account, "123", "456", "from the second handle");
  msg_message *b = NULL;
  msg_error err;
  int rc = msg_message_create(&b, NULL, other, &in, &err);
  CONF_ASSERT_OK(rc, err);

  msg_message *got = NULL;
  rc = msg_message_get(&got, other, a->message_id, &err);
  CONF_ASSERT_OK(rc, err);
  conf_assert_same_message(CONF_WHERE, got, a);
  msg_message_free(got);
  rc = msg_message_get(&got, conf_store, b->message_id, &err);
  CONF_ASSERT_OK(rc, err);
  conf_assert_same_message(CONF_WHERE, got, b);
  msg_message_free(got);

  conf_rows listed = {0};
  conf_walk_list(&listed, account, 10);
  ck_assert_uint_eq(listed.count, 2);
  ck_assert_int_ge(conf_rows_find(&listed, a->message_id), 0);
  ck_assert_int_ge(conf_rows_find(&listed, b->message_id), 0);
  conf_rows_free(&listed);
  msg_store_close(other);
  msg_message_free(a);
  msg_message_free(b);
}
END_TEST

START_TEST(reopen__opening_again_and_again_keeps_the_data) {
  int64_t account = conf_account(1);
  msg_message *m = conf_create_simple(account, "123", "456", "kept");
  for (int i = 0; i < 3; i++) {
    msg_store_close(conf_store);
    conf_store = conf_open(NULL);
  }
  msg_message *got = NULL;
  msg_error err;
  int rc = msg_message_get(&got, conf_store, m->message_id, &err);
  CONF_ASSERT_OK(rc, err);
  conf_assert_same_message(CONF_WHERE, got, m);
  msg_message_free(got);
  msg_message_free(m);
}
END_TEST

Suite *conformance_reopen_suite(void) {
  Suite *s = suite_create("reopen");
  TCase *tc = conf_tcase("reopen", 60);
  tcase_add_test(tc, reopen__every_acknowledged_message_is_still_there);
  tcase_add_test(tc, reopen__two_handles_see_each_others_messages);
  tcase_add_test(tc, reopen__opening_again_and_again_keeps_the_data);
  suite_add_tcase(s, tc);
  return s;
}
