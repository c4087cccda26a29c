/*
 * rows.c: msg_backend_rows_push copies and checks rows; messages and pages
 * handed to callers are self-contained single blocks.
 */
#include "unit.h"

#include "rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ID_A "0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a11"
#define ID_B "0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a12"

static msg_message sample(const char *id, const char *body) {
  msg_message m = {id, 7, "+123", "456", body, 1000};
  return m;
}

START_TEST(push__copies_every_string) {
  char id[] = ID_A, sender[] = "+123", receiver[] = "456", body[] = "hello";
  msg_message m = {id, 7, sender, receiver, body, 1000};
  msg_backend_rows rows;
  msg__rows_init(&rows);
  msg_error err = {0};
  assert_ok(msg_backend_rows_push(&rows, &m, &err), err);
  memset(id, 'x', sizeof id - 1);
  memset(sender, 'x', sizeof sender - 1);
  memset(receiver, 'x', sizeof receiver - 1);
  memset(body, 'x', sizeof body - 1);
  ck_assert_uint_eq(rows.count, 1);
  ck_assert_str_eq(rows.items[0].message_id, ID_A);
  ck_assert_str_eq(rows.items[0].sender_number, "+123");
  ck_assert_str_eq(rows.items[0].receiver_number, "456");
  ck_assert_str_eq(rows.items[0].body, "hello");
  ck_assert_int_eq(rows.items[0].account_id, 7);
  ck_assert_int_eq(rows.items[0].created_at, 1000);
  msg__rows_clear(&rows);
}
END_TEST

START_TEST(push__keeps_null_and_empty_bodies_apart) {
  msg_backend_rows rows;
  msg__rows_init(&rows);
  msg_error err = {0};
  msg_message none = sample(ID_A, NULL), empty = sample(ID_B, "");
  assert_ok(msg_backend_rows_push(&rows, &none, &err), err);
  assert_ok(msg_backend_rows_push(&rows, &empty, &err), err);
  ck_assert_ptr_null(rows.items[0].body);
  ck_assert_str_eq(rows.items[1].body, "");
  msg__rows_clear(&rows);
}
END_TEST

START_TEST(push__grows_past_its_first_capacity) {
  msg_backend_rows rows;
  msg__rows_init(&rows);
  msg_error err = {0};
  msg_message m = sample(ID_A, "x");
  for (int i = 0; i < 1001; i++)
    assert_ok(msg_backend_rows_push(&rows, &m, &err), err);
  ck_assert_uint_eq(rows.count, 1001);
  msg__rows_clear(&rows);
  ck_assert_uint_eq(rows.count, 0);
}
END_TEST

START_TEST(push__rejects_malformed_rows_and_adds_nothing) {
  msg_backend_rows rows;
  msg__rows_init(&rows);
  msg_error err;
  msg_message bad[] = {
      sample("0192D4A4-6AD0-7C38-9B7E-2F4E4C1B8A11", NULL), /* not canonical */
      sample("0192d4a4", NULL),
      sample(NULL, NULL),
      sample(ID_A, NULL),
      sample(ID_A, NULL),
  };
  bad[3].sender_number = NULL;
  bad[4].receiver_number = NULL;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_error(msg_backend_rows_push(&rows, &bad[i], &err), err, MSG_ERR_INTERNAL, "");
    ck_assert_uint_eq(rows.count, 0);
  }
  assert_error(msg_backend_rows_push(&rows, NULL, &err), err, MSG_ERR_INTERNAL, "");
  msg__rows_clear(&rows);
}
END_TEST

START_TEST(message_copy__owns_its_strings) {
  char body[] = "body text";
  msg_message m = sample(ID_A, body);
  msg_message *copy = NULL;
  msg_error err = {0};
  assert_ok(msg__message_copy(&copy, &m, &err), err);
  memset(body, 'x', sizeof body - 1);
  ck_assert_str_eq(copy->message_id, ID_A);
  ck_assert_str_eq(copy->body, "body text");
  ck_assert_str_eq(copy->sender_number, "+123");
  msg_message_free(copy);
  msg_message_free(NULL);
}
END_TEST

START_TEST(page_build__holds_items_and_cursor) {
  msg_backend_rows rows;
  msg__rows_init(&rows);
  msg_error err = {0};
  msg_message a = sample(ID_A, "one"), b = sample(ID_B, NULL);
  assert_ok(msg_backend_rows_push(&rows, &a, &err), err);
  assert_ok(msg_backend_rows_push(&rows, &b, &err), err);
  msg_page *page = NULL;
  assert_ok(msg__page_build(&page, &rows, 2, "CURSOR", &err), err);
  msg__rows_clear(&rows);
  ck_assert_uint_eq(page->count, 2);
  ck_assert_str_eq(page->items[0].message_id, ID_A);
  ck_assert_str_eq(page->items[0].body, "one");
  ck_assert_str_eq(page->items[1].message_id, ID_B);
  ck_assert_ptr_null(page->items[1].body);
  ck_assert_str_eq(page->next_cursor, "CURSOR");
  msg_page_free(page);
}
END_TEST

START_TEST(page_build__of_no_rows_is_empty_without_cursor) {
  msg_backend_rows rows;
  msg__rows_init(&rows);
  msg_page *page = NULL;
  msg_error err = {0};
  assert_ok(msg__page_build(&page, &rows, 0, NULL, &err), err);
  ck_assert_uint_eq(page->count, 0);
  ck_assert_ptr_null(page->next_cursor);
  msg_page_free(page);
  msg_page_free(NULL);
}
END_TEST

/* A body of `len` bytes that starts with the number of row `i`. */
static char *numbered_body(size_t i, size_t len) {
  char *body = malloc(len + 1);
  ck_assert_ptr_nonnull(body);
  memset(body, 'a' + (int)(i % 26), len);
  body[len] = '\0';
  char number[24];
  int n = snprintf(number, sizeof number, "%zu-", i);
  memcpy(body, number, (size_t)n < len ? (size_t)n : len);
  return body;
}

START_TEST(push__keeps_earlier_rows_intact_across_many_chunks) {
  /* Rows of 1 KiB and more fill several chunks; rows stored before a new
   * chunk was taken must still read back exactly, and so must a page built
   * from all of them. A row larger than any chunk so far gets its own. */
  enum { ROWS = 700 };
  msg_backend_rows rows;
  msg__rows_init(&rows);
  msg__rows_expect(&rows, 1);
  msg_error err = {0};
  char *bodies[ROWS];
  for (size_t i = 0; i < ROWS; i++) {
    bodies[i] = numbered_body(i, i == 3 ? 300000 : 1000 + i % 7);
    msg_message m = sample(i % 2 ? ID_A : ID_B, i % 5 == 4 ? NULL : bodies[i]);
    m.account_id = (int64_t)i + 1;
    assert_ok(msg_backend_rows_push(&rows, &m, &err), err);
  }
  ck_assert_uint_eq(rows.count, ROWS);
  msg_page *page = NULL;
  assert_ok(msg__page_build(&page, &rows, ROWS - 1, "NEXT", &err), err);
  for (size_t i = 0; i < ROWS; i++) {
    const msg_message *r = &rows.items[i];
    ck_assert_str_eq(r->message_id, i % 2 ? ID_A : ID_B);
    ck_assert_str_eq(r->sender_number, "+123");
    ck_assert_str_eq(r->receiver_number, "456");
    ck_assert_int_eq(r->account_id, (int64_t)i + 1);
    if (i % 5 == 4)
      ck_assert_ptr_null(r->body);
    else
      ck_assert_str_eq(r->body, bodies[i]);
    if (i < ROWS - 1) {
      const msg_message *p = &page->items[i];
      ck_assert_str_eq(p->message_id, r->message_id);
      ck_assert_str_eq(p->receiver_number, "456");
      ck_assert_int_eq(p->account_id, (int64_t)i + 1);
      if (i % 5 == 4)
        ck_assert_ptr_null(p->body);
      else
        ck_assert_str_eq(p->body, bodies[i]);
    }
  }
  msg__rows_clear(&rows);
  /* The page owns its copy: the rows are gone, the page still reads. */
  ck_assert_str_eq(page->items[3].body, bodies[3]);
  ck_assert_str_eq(page->next_cursor, "NEXT");
  msg_page_free(page);
  for (size_t i = 0; i < ROWS; i++)
    free(bodies[i]);
}
END_TEST

Suite *rows_suite(void) {
  Suite *s = suite_create("rows");
  TCase *tc = unit_tcase("rows");
  tcase_add_test(tc, push__copies_every_string);
  tcase_add_test(tc, push__keeps_null_and_empty_bodies_apart);
  tcase_add_test(tc, push__grows_past_its_first_capacity);
  tcase_add_test(tc, push__keeps_earlier_rows_intact_across_many_chunks);
  tcase_add_test(tc, push__rejects_malformed_rows_and_adds_nothing);
  tcase_add_test(tc, message_copy__owns_its_strings);
  tcase_add_test(tc, page_build__holds_items_and_cursor);
  tcase_add_test(tc, page_build__of_no_rows_is_empty_without_cursor);
  suite_add_tcase(s, tc);
  return s;
}
