/*
 * Conformance of cursors: a cursor is only good for the account (list) or
 * the filter (search) it came from, and any damage to it (a changed byte, a
 * cut or an extension) is MSG_ERR_INVALID "cursor", never another page.
 */
#include "conformance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void assert_cursor_refused(const char *where, conf_page_fn fn, const void *ctx,
                                  const char *cursor) {
  msg_page_request req = {10, cursor};
  msg_page *page = CONF_POISON;
  msg_error err;
  int rc = fn(&page, &req, ctx, &err);
  conf_check_error(where, rc, &err, MSG_ERR_INVALID, "cursor");
  ck_assert_msg(page == NULL, "%s: a refused cursor left *out set", where);
}

/* Changes each byte of `cursor` in turn to each of several other values,
 * then cuts it at every length and extends it, expecting a refusal every
 * time. */
static void assert_every_damage_refused(conf_page_fn fn, const void *ctx, const char *cursor) {
  static const unsigned char others[] = {'A', 'z', '0', '9', '-',  '_',  '.', '=',
                                         '+', '/', '~', ' ', 0x7f, 0xc3, 0xff};
  size_t len = strlen(cursor);
  ck_assert_uint_gt(len, 0);
  char *copy = malloc(len + 2);
  ck_assert_ptr_nonnull(copy);
  char where[256];
  for (size_t i = 0; i < len; i++) {
    unsigned char was = (unsigned char)cursor[i];
    unsigned char values[sizeof others + 2];
    memcpy(values, others, sizeof others);
    values[sizeof others] = was ^ 0x01;
    values[sizeof others + 1] = was ^ 0x20;
    for (size_t v = 0; v < sizeof values; v++) {
      if (values[v] == was || values[v] == 0)
        continue;
      memcpy(copy, cursor, len + 1);
      copy[i] = (char)values[v];
      snprintf(where, sizeof where, "%s: byte %zu 0x%02x -> 0x%02x", CONF_WHERE, i, was, values[v]);
      assert_cursor_refused(where, fn, ctx, copy);
    }
  }
  for (size_t cut = 0; cut < len; cut++) {
    memcpy(copy, cursor, cut);
    copy[cut] = '\0';
    snprintf(where, sizeof where, "%s: cut to %zu bytes", CONF_WHERE, cut);
    assert_cursor_refused(where, fn, ctx, copy);
  }
  memcpy(copy, cursor, len);
  copy[len] = 'A';
  copy[len + 1] = '\0';
  assert_cursor_refused(CONF_WHERE, fn, ctx, copy);
  free(copy);
}

/* A first page's cursor, copied. */
static char *first_cursor(conf_page_fn fn, const void *ctx) {
  msg_page *page = conf_page(fn, ctx, 2, NULL);
  ck_assert_ptr_nonnull(page->next_cursor);
  char *cursor = strdup(page->next_cursor);
  ck_assert_ptr_nonnull(cursor);
  msg_page_free(page);
  return cursor;
}

/* Six messages in account 1 (four from number 0, two from number 1) and
 * three in account 2. */
static void create_data(msg_message *made[9]) {
  char n0[CONF_NUMBER_SIZE], n1[CONF_NUMBER_SIZE];
  conf_number(n0, 0);
  conf_number(n1, 1);
  for (int i = 0; i < 9; i++)
    made[i] =
        conf_create_simple(conf_account(i < 6 ? 1 : 2), i % 3 == 1 ? n1 : n0, "456", "alpha beta");
}

static void free_data(msg_message *made[9]) {
  for (int i = 0; i < 9; i++)
    msg_message_free(made[i]);
}

START_TEST(cursor__list_cursor_from_another_account_is_invalid) {
  msg_message *made[9];
  create_data(made);
  int64_t a = conf_account(1), b = conf_account(2), empty = conf_account(3);
  char *cursor = first_cursor(conf_list_page, &a);
  assert_cursor_refused(CONF_WHERE, conf_list_page, &b, cursor);
  assert_cursor_refused(CONF_WHERE, conf_list_page, &empty, cursor);
  msg_page *page = conf_page(conf_list_page, &a, 2, cursor);
  ck_assert_uint_eq(page->count, 2);
  msg_page_free(page);
  free(cursor);
  free_data(made);
}
END_TEST

START_TEST(cursor__damaged_list_cursor_is_invalid) {
  msg_message *made[9];
  create_data(made);
  int64_t a = conf_account(1);
  char *cursor = first_cursor(conf_list_page, &a);
  assert_every_damage_refused(conf_list_page, &a, cursor);
  free(cursor);
  free_data(made);
}
END_TEST

START_TEST(cursor__garbage_is_invalid) {
  int64_t a = conf_account(1);
  msg_filter filter = MSG_FILTER_INIT;
  filter.account_ids = &a;
  filter.account_id_count = 1;
  char *long_cursor = malloc(10001);
  ck_assert_ptr_nonnull(long_cursor);
  memset(long_cursor, 'A', 10000);
  long_cursor[10000] = '\0';
  const char *garbage[] = {"", "x", "not a cursor", "\xff\xfe", "%00", "null", long_cursor};
  for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
    assert_cursor_refused(CONF_WHERE, conf_list_page, &a, garbage[i]);
    assert_cursor_refused(CONF_WHERE, conf_search_page, &filter, garbage[i]);
  }
  free(long_cursor);
}
END_TEST

START_TEST(cursor__search_cursor_with_another_filter_is_invalid) {
  msg_message *made[9];
  create_data(made);
  int64_t a = conf_account(1), ab[2] = {conf_account(1), conf_account(2)};
  char n0[CONF_NUMBER_SIZE];
  conf_number(n0, 0);
  const char *senders[] = {n0};
  const char *receivers[] = {"456"};
  const char *ids[] = {made[0]->message_id, made[3]->message_id, made[5]->message_id};

  msg_filter base = MSG_FILTER_INIT;
  base.account_ids = &a;
  base.account_id_count = 1;
  base.sender_numbers = senders;
  base.sender_number_count = 1;
  char *cursor = first_cursor(conf_search_page, &base);

  msg_filter other[9];
  for (int i = 0; i < 9; i++)
    other[i] = base;
  other[0].account_ids = &ab[1];
  other[1].account_ids = ab;
  other[1].account_id_count = 2;
  other[2].sender_numbers = NULL;
  other[2].sender_number_count = 0;
  other[3].q = "alpha";
  other[4].has_created_after = true;
  other[4].created_after = made[0]->created_at - 1;
  other[5].has_created_before = true;
  other[5].created_before = made[8]->created_at + 1;
  other[6].receiver_numbers = receivers;
  other[6].receiver_number_count = 1;
  other[7].message_ids = ids;
  other[7].message_id_count = 3;
  other[8].account_ids = NULL;
  other[8].account_id_count = 0;
  for (int i = 0; i < 9; i++) {
    char where[256];
    snprintf(where, sizeof where, "%s: filter %d", CONF_WHERE, i);
    assert_cursor_refused(where, conf_search_page, &other[i], cursor);
  }
  free(cursor);
  free_data(made);
}
END_TEST

START_TEST(cursor__search_cursor_works_with_an_equal_filter_in_other_memory) {
  msg_message *made[9];
  create_data(made);
  char n0[CONF_NUMBER_SIZE];
  conf_number(n0, 0);
  int64_t a = conf_account(1);
  const char *senders[] = {n0};
  msg_filter filter = MSG_FILTER_INIT;
  filter.account_ids = &a;
  filter.account_id_count = 1;
  filter.sender_numbers = senders;
  filter.sender_number_count = 1;
  filter.q = "alpha";
  char *cursor = first_cursor(conf_search_page, &filter);

  int64_t *a2 = malloc(sizeof *a2);
  char *n0_copy = strdup(n0), *q_copy = strdup("alpha");
  ck_assert(a2 && n0_copy && q_copy);
  *a2 = a;
  const char *senders2[] = {n0_copy};
  msg_filter same = MSG_FILTER_INIT;
  same.account_ids = a2;
  same.account_id_count = 1;
  same.sender_numbers = senders2;
  same.sender_number_count = 1;
  same.q = q_copy;
  msg_page *page = conf_page(conf_search_page, &same, 10, cursor);
  /* Four messages from number 0 in account 1, two on the first page. */
  ck_assert_uint_eq(page->count, 2);
  ck_assert_ptr_null(page->next_cursor);
  ck_assert_str_eq(page->items[0].message_id, made[2]->message_id);
  ck_assert_str_eq(page->items[1].message_id, made[0]->message_id);
  msg_page_free(page);
  free(a2);
  free(n0_copy);
  free(q_copy);
  free(cursor);
  free_data(made);
}
END_TEST

START_TEST(cursor__damaged_search_cursor_is_invalid) {
  msg_message *made[9];
  create_data(made);
  int64_t a = conf_account(1);
  msg_filter filter = MSG_FILTER_INIT;
  filter.account_ids = &a;
  filter.account_id_count = 1;
  filter.q = "beta";
  char *cursor = first_cursor(conf_search_page, &filter);
  assert_every_damage_refused(conf_search_page, &filter, cursor);
  free(cursor);
  free_data(made);
}
END_TEST

START_TEST(cursor__list_and_search_cursors_do_not_mix) {
  msg_message *made[9];
  create_data(made);
  char n0[CONF_NUMBER_SIZE];
  conf_number(n0, 0);
  int64_t a = conf_account(1);
  const char *senders[] = {n0};
  msg_filter filter = MSG_FILTER_INIT;
  filter.account_ids = &a;
  filter.account_id_count = 1;
  filter.sender_numbers = senders;
  filter.sender_number_count = 1;
  char *list_cursor = first_cursor(conf_list_page, &a);
  char *search_cursor = first_cursor(conf_search_page, &filter);
  assert_cursor_refused(CONF_WHERE, conf_search_page, &filter, list_cursor);
  assert_cursor_refused(CONF_WHERE, conf_list_page, &a, search_cursor);
  free(list_cursor);
  free(search_cursor);
  free_data(made);
}
END_TEST

Suite *conformance_cursor_suite(void) {
  Suite *s = suite_create("cursor");
  TCase *tc = conf_tcase("cursor", 120);
  tcase_add_test(tc, cursor__list_cursor_from_another_account_is_invalid);
  tcase_add_test(tc, cursor__damaged_list_cursor_is_invalid);
  tcase_add_test(tc, cursor__garbage_is_invalid);
  tcase_add_test(tc, cursor__search_cursor_with_another_filter_is_invalid);
  tcase_add_test(tc, cursor__search_cursor_works_with_an_equal_filter_in_other_memory);
  tcase_add_test(tc, cursor__damaged_search_cursor_is_invalid);
  tcase_add_test(tc, cursor__list_and_search_cursors_do_not_mix);
  suite_add_tcase(s, tc);
  return s;
}
