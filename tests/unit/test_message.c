/*
 * message.c on the fake backend: what create hands the backend, idempotent
 * replays and conflicts, and get.
 */
#include "unit.h"

#include "fake_backend.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static msg_message *create_ok(msg_store *store, const msg_new_message *in, bool *replayed) {
  msg_message *m = NULL;
  msg_error err = {0};
  assert_ok(msg_message_create(&m, replayed, store, in, &err), err);
  ck_assert_ptr_nonnull(m);
  return m;
}

START_TEST(create__assigns_v7_ids_and_increasing_times) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  msg_new_message in = {5, "+123", "456", "hello", NULL};
  msg_message *prev = create_ok(store, &in, NULL);
  for (int i = 0; i < 50; i++) {
    msg_message *m = create_ok(store, &in, NULL);
    ck_assert_uint_eq(strlen(m->message_id), MSG_ID_LEN);
    ck_assert_int_eq(m->message_id[14], '7');
    ck_assert_int_gt(m->created_at, prev->created_at);
    ck_assert_str_gt(m->message_id, prev->message_id);
    msg_message_free(prev);
    prev = m;
  }
  msg_message_free(prev);
  msg_store_close(store);
}
END_TEST

START_TEST(create__returns_and_stores_what_was_given) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  char sender[] = "+123", body[] = "hello";
  msg_new_message in = {5, sender, "456", body, "key-1"};
  msg_message *m = create_ok(store, &in, NULL);
  memset(sender, 'x', 4);
  memset(body, 'x', 5);
  ck_assert_int_eq(m->account_id, 5);
  ck_assert_str_eq(m->sender_number, "+123");
  ck_assert_str_eq(m->receiver_number, "456");
  ck_assert_str_eq(m->body, "hello");
  ck_assert_uint_eq(config.backend->count, 1);
  const fake_message *stored = &config.backend->messages[0];
  ck_assert_str_eq(stored->message.message_id, m->message_id);
  ck_assert_int_eq(stored->message.created_at, m->created_at);
  ck_assert_str_eq(stored->idempotency_key, "key-1");
  msg_message_free(m);
  msg_store_close(store);
}
END_TEST

START_TEST(create__keeps_null_and_empty_bodies_apart) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  msg_new_message none = {5, "123", "456", NULL, NULL}, empty = {5, "123", "456", "", NULL};
  msg_message *a = create_ok(store, &none, NULL);
  msg_message *b = create_ok(store, &empty, NULL);
  ck_assert_ptr_null(a->body);
  ck_assert_str_eq(b->body, "");
  ck_assert_ptr_null(config.backend->messages[0].message.body);
  ck_assert_str_eq(config.backend->messages[1].message.body, "");
  ck_assert_str_eq(config.backend->last_search_text, "");
  msg_message_free(a);
  msg_message_free(b);
  msg_store_close(store);
}
END_TEST

START_TEST(create__hands_the_backend_normalised_search_text) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  msg_new_message in = {5, "123", "456",
                        "Gr\xC3\xBC\xC3\x9F"
                        "e aus der STRASSE, 42!",
                        NULL};
  msg_message_free(create_ok(store, &in, NULL));
  ck_assert_str_eq(config.backend->last_search_text, "gr\xC3\xBCsse aus der strasse 42");
  msg_store_close(store);
}
END_TEST

START_TEST(create__validates_before_reaching_the_backend) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  const struct {
    msg_new_message in;
    const char *field;
  } cases[] = {
      {{0, "123", "456", NULL, NULL}, "account_id"},
      {{MSG_ACCOUNT_ID_MAX + 1, "123", "456", NULL, NULL}, "account_id"},
      {{1, "12a45", "456", NULL, NULL}, "sender_number"},
      {{1, NULL, "456", NULL, NULL}, "sender_number"},
      {{1, "123", "45", NULL, NULL}, "receiver_number"},
      {{1, "123", "456", "\xFF", NULL}, "body"},
      {{1, "123", "456", NULL, ""}, "idempotency_key"},
      {{1, "123", "456", NULL, "tab\there"}, "idempotency_key"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    msg_message *m = (msg_message *)&m;
    bool replayed = true;
    msg_error err;
    assert_invalid(msg_message_create(&m, &replayed, store, &cases[i].in, &err), err,
                   cases[i].field);
    ck_assert_ptr_null(m);
    ck_assert(!replayed);
  }
  ck_assert_int_eq(config.backend->inserts, 0);
  msg_store_close(store);
}
END_TEST

START_TEST(create__names_the_first_offending_field) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  msg_new_message in = {0, "x", "y", "\xFF", ""};
  msg_message *m;
  msg_error err;
  assert_invalid(msg_message_create(&m, NULL, store, &in, &err), err, "account_id");
  msg_store_close(store);
}
END_TEST

START_TEST(create__rejects_null_arguments) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  msg_new_message in = {1, "123", "456", NULL, NULL};
  msg_message *m;
  msg_error err;
  ck_assert_int_eq(msg_message_create(NULL, NULL, store, &in, &err), MSG_ERR_INVALID);
  ck_assert_int_eq(msg_message_create(&m, NULL, NULL, &in, &err), MSG_ERR_INVALID);
  ck_assert_int_eq(msg_message_create(&m, NULL, store, NULL, &err), MSG_ERR_INVALID);
  ck_assert_int_eq(msg_message_create(&m, NULL, store, &in, NULL), MSG_OK);
  msg_message_free(m);
  msg_store_close(store);
}
END_TEST

START_TEST(create__replays_the_same_content_under_the_same_key) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  msg_new_message in = {5, "+123", "456", "hello", "order-7"};
  bool replayed = true;
  msg_message *first = create_ok(store, &in, &replayed);
  ck_assert(!replayed);
  msg_message *again = create_ok(store, &in, &replayed);
  ck_assert(replayed);
  ck_assert_str_eq(again->message_id, first->message_id);
  ck_assert_int_eq(again->created_at, first->created_at);
  ck_assert_str_eq(again->body, "hello");
  ck_assert_uint_eq(config.backend->count, 1);
  msg_message_free(first);
  msg_message_free(again);
  msg_store_close(store);
}
END_TEST

START_TEST(create__replay_leaves_the_error_record_untouched) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  msg_new_message in = {5, "+123", "456", NULL, "order-7"};
  msg_message *first = create_ok(store, &in, NULL);
  msg_error err, before;
  memset(&err, 0x5a, sizeof err);
  before = err;
  msg_message *again = NULL;
  bool replayed = false;
  ck_assert_int_eq(msg_message_create(&again, &replayed, store, &in, &err), MSG_OK);
  ck_assert(replayed);
  ck_assert(memcmp(&err, &before, sizeof err) == 0);
  msg_message_free(first);
  msg_message_free(again);
  msg_store_close(store);
}
END_TEST

START_TEST(create__conflicts_when_a_key_comes_back_with_other_content) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  msg_new_message original = {5, "+123", "456", "", "order-7"};
  msg_message_free(create_ok(store, &original, NULL));
  msg_new_message changed[] = {
      {5, "+123", "456", NULL, "order-7"}, /* no body is not the empty body */
      {5, "+123", "456", "x", "order-7"},
      {5, "123", "456", "", "order-7"}, /* '+' matters: numbers are kept as given */
      {5, "+123", "4567", "", "order-7"},
  };
  for (size_t i = 0; i < sizeof changed / sizeof changed[0]; i++) {
    msg_message *m = (msg_message *)&m;
    bool replayed = true;
    msg_error err;
    assert_error(msg_message_create(&m, &replayed, store, &changed[i], &err), err, MSG_ERR_CONFLICT,
                 "idempotency_key");
    ck_assert_ptr_null(m);
    ck_assert(!replayed);
  }
  ck_assert_uint_eq(config.backend->count, 1);
  msg_store_close(store);
}
END_TEST

START_TEST(create__scopes_keys_to_the_account) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  msg_new_message a = {5, "123", "456", "hi", "k"}, b = {6, "123", "456", "other", "k"};
  bool replayed = true;
  msg_message_free(create_ok(store, &a, &replayed));
  msg_message_free(create_ok(store, &b, &replayed));
  ck_assert(!replayed);
  ck_assert_uint_eq(config.backend->count, 2);
  msg_store_close(store);
}
END_TEST

START_TEST(create__without_a_key_stores_every_call) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  msg_new_message in = {5, "123", "456", "hi", NULL};
  msg_message_free(create_ok(store, &in, NULL));
  msg_message_free(create_ok(store, &in, NULL));
  ck_assert_uint_eq(config.backend->count, 2);
  msg_store_close(store);
}
END_TEST

START_TEST(create__treats_a_conflict_without_the_stored_row_as_internal) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  msg_new_message in = {5, "123", "456", "hi", "k"};
  msg_message_free(create_ok(store, &in, NULL));
  config.backend->conflict_without_row = 1;
  msg_message *m;
  msg_error err;
  assert_error(msg_message_create(&m, NULL, store, &in, &err), err, MSG_ERR_INTERNAL, "");
  ck_assert_ptr_null(m);
  msg_store_close(store);
}
END_TEST

START_TEST(create__returns_null_when_the_backend_fails) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  config.backend->fail_next = MSG_ERR_UNAVAILABLE;
  msg_new_message in = {5, "123", "456", "hi", NULL};
  msg_message *m = (msg_message *)&m;
  msg_error err;
  assert_error(msg_message_create(&m, NULL, store, &in, &err), err, MSG_ERR_UNAVAILABLE, "");
  ck_assert_ptr_null(m);
  msg_store_close(store);
}
END_TEST

START_TEST(get__finds_a_message_by_id_in_any_case) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  msg_new_message in = {5, "123", "456", "hi", NULL};
  msg_message *created = create_ok(store, &in, NULL);
  char upper[MSG_ID_LEN + 1];
  for (size_t i = 0; i <= MSG_ID_LEN; i++)
    upper[i] = (char)toupper((unsigned char)created->message_id[i]);
  msg_message *got = NULL;
  msg_error err = {0};
  assert_ok(msg_message_get(&got, store, upper, &err), err);
  ck_assert_str_eq(got->message_id, created->message_id);
  ck_assert_str_eq(got->body, "hi");
  ck_assert_uint_eq(config.backend->last_query.message_id_count, 1);
  ck_assert_str_eq(config.backend->last_ids[0], created->message_id);
  ck_assert_uint_eq(config.backend->last_query.limit, 1);
  msg_message_free(created);
  msg_message_free(got);
  msg_store_close(store);
}
END_TEST

START_TEST(get__reports_a_missing_message) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  msg_message *m = (msg_message *)&m;
  msg_error err;
  assert_error(msg_message_get(&m, store, "0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a11", &err), err,
               MSG_ERR_NOT_FOUND, "message_id");
  ck_assert_ptr_null(m);
  msg_store_close(store);
}
END_TEST

START_TEST(get__rejects_a_malformed_id_without_a_query) {
  fake_config config = {0};
  msg_store *store = fake_open(&config, NULL);
  msg_message *m = (msg_message *)&m;
  msg_error err;
  assert_invalid(msg_message_get(&m, store, "not-a-uuid", &err), err, "message_id");
  assert_invalid(msg_message_get(&m, store, NULL, &err), err, "message_id");
  ck_assert_ptr_null(m);
  ck_assert_int_eq(config.backend->queries, 0);
  msg_store_close(store);
}
END_TEST

Suite *message_suite(void) {
  Suite *s = suite_create("message");
  TCase *tc = unit_tcase("message");
  tcase_add_test(tc, create__assigns_v7_ids_and_increasing_times);
  tcase_add_test(tc, create__returns_and_stores_what_was_given);
  tcase_add_test(tc, create__keeps_null_and_empty_bodies_apart);
  tcase_add_test(tc, create__hands_the_backend_normalised_search_text);
  tcase_add_test(tc, create__validates_before_reaching_the_backend);
  tcase_add_test(tc, create__names_the_first_offending_field);
  tcase_add_test(tc, create__rejects_null_arguments);
  tcase_add_test(tc, create__replays_the_same_content_under_the_same_key);
  tcase_add_test(tc, create__replay_leaves_the_error_record_untouched);
  tcase_add_test(tc, create__conflicts_when_a_key_comes_back_with_other_content);
  tcase_add_test(tc, create__scopes_keys_to_the_account);
  tcase_add_test(tc, create__without_a_key_stores_every_call);
  tcase_add_test(tc, create__treats_a_conflict_without_the_stored_row_as_internal);
  tcase_add_test(tc, create__returns_null_when_the_backend_fails);
  tcase_add_test(tc, get__finds_a_message_by_id_in_any_case);
  tcase_add_test(tc, get__reports_a_missing_message);
  tcase_add_test(tc, get__rejects_a_malformed_id_without_a_query);
  suite_add_tcase(s, tc);
  return s;
}
