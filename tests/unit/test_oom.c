/*
 * Out of memory (libuv's test-loop-oom): for each public operation, fail its
 * 1st, 2nd, ... allocation until the call succeeds, and check that every
 * failure returns MSG_ERR_NOMEM, leaves *out NULL, stores nothing and frees
 * every block it took (counted by the core's allocator; ASan and valgrind
 * check the rest).
 */
#include "unit.h"

#include "alloc.h"
#include "fake_backend.h"
#include "rows.h"

#include <string.h>

/* No operation allocates anywhere near this often. */
#define MAX_ATTEMPTS 200

typedef int (*operation)(void **out, void *ctx, msg_error *err);

/* Runs `op` with allocation n failing, for n = 1, 2, ... until it succeeds;
 * returns the number of allocations the successful run needed. */
static long fail_each_allocation(operation op, void *ctx, void (*release)(void *)) {
  for (long n = 1; n <= MAX_ATTEMPTS; n++) {
    void *out = (void *)&out;
    msg_error err = {0};
    long live_before = msg__alloc_live();
    msg__alloc_fail_after(n);
    int rc = op(&out, ctx, &err);
    msg__alloc_fail_after(-1);
    if (rc == MSG_OK) {
      ck_assert_ptr_nonnull(out);
      release(out);
      ck_assert_int_eq(msg__alloc_live(), live_before);
      return n;
    }
    ck_assert_msg(rc == MSG_ERR_NOMEM, "allocation %ld: status %s, want out of memory (%s)", n,
                  msg_status_str(rc), err.message);
    ck_assert_int_eq(err.status, MSG_ERR_NOMEM);
    ck_assert_msg(out == NULL, "allocation %ld: *out is not NULL after a failure", n);
    ck_assert_msg(msg__alloc_live() == live_before, "allocation %ld: %ld blocks leaked", n,
                  msg__alloc_live() - live_before);
  }
  ck_abort_msg("the operation never succeeded");
  return 0;
}

static int do_open(void **out, void *ctx, msg_error *err) {
  (void)ctx;
  return msg_store_open((msg_store **)out, "fake:oom", NULL, err);
}

static void close_store(void *store) {
  msg_store_close(store);
}

static void free_message(void *m) {
  msg_message_free(m);
}

static void free_page(void *p) {
  msg_page_free(p);
}

typedef struct create_ctx {
  msg_store *store;
  fake_config *config;
  msg_new_message in;
} create_ctx;

static int do_create(void **out, void *ctx, msg_error *err) {
  create_ctx *c = ctx;
  size_t stored_before = c->config->backend->count;
  bool replayed = true;
  int rc = msg_message_create((msg_message **)out, &replayed, c->store, &c->in, err);
  if (rc != MSG_OK) {
    ck_assert_msg(c->config->backend->count == stored_before, "a failed create stored a message");
    ck_assert(!replayed);
  }
  return rc;
}

typedef struct page_ctx {
  msg_store *store;
  const msg_filter *filter; /* NULL: list account 1 */
  msg_page_request req;
} page_ctx;

static int do_page(void **out, void *ctx, msg_error *err) {
  page_ctx *c = ctx;
  if (c->filter)
    return msg_message_search((msg_page **)out, c->store, c->filter, &c->req, err);
  return msg_message_list((msg_page **)out, c->store, 1, &c->req, err);
}

static int do_get(void **out, void *ctx, msg_error *err) {
  create_ctx *c = ctx;
  return msg_message_get((msg_message **)out, c->store,
                         c->config->backend->messages[0].message.message_id, err);
}

static msg_store *seeded_store(fake_config *config) {
  msg_store *store = fake_open(config, NULL);
  for (int i = 0; i < 5; i++) {
    msg_new_message in = {1, "+123", "456", "hello world", NULL};
    msg_message *m = NULL;
    msg_error err = {0};
    assert_ok(msg_message_create(&m, NULL, store, &in, &err), err);
    msg_message_free(m);
  }
  return store;
}

START_TEST(oom__open_fails_cleanly_at_every_allocation) {
  fake_config config = {0};
  fake_register("fake", &config);
  ck_assert_int_gt(fail_each_allocation(do_open, NULL, close_store), 1);
}
END_TEST

START_TEST(oom__create_fails_cleanly_at_every_allocation) {
  fake_config config = {0};
  create_ctx c = {fake_open(&config, NULL), &config, {1, "+123", "456", "Hello World", NULL}};
  ck_assert_int_gt(fail_each_allocation(do_create, &c, free_message), 1);
  ck_assert_uint_eq(config.backend->count, 1);
  msg_store_close(c.store);
}
END_TEST

START_TEST(oom__create_replay_fails_cleanly_at_every_allocation) {
  fake_config config = {0};
  create_ctx c = {fake_open(&config, NULL), &config, {1, "+123", "456", "Hello", "key"}};
  msg_message *first = NULL;
  msg_error err = {0};
  assert_ok(msg_message_create(&first, NULL, c.store, &c.in, &err), err);
  msg_message_free(first);
  ck_assert_int_gt(fail_each_allocation(do_create, &c, free_message), 1);
  ck_assert_uint_eq(config.backend->count, 1);
  msg_store_close(c.store);
}
END_TEST

START_TEST(oom__get_fails_cleanly_at_every_allocation) {
  fake_config config = {0};
  create_ctx c = {seeded_store(&config), &config, {0}};
  ck_assert_int_gt(fail_each_allocation(do_get, &c, free_message), 1);
  msg_store_close(c.store);
}
END_TEST

START_TEST(oom__list_fails_cleanly_at_every_allocation) {
  fake_config config = {0};
  page_ctx c = {seeded_store(&config), NULL, {2, NULL}};
  ck_assert_int_gt(fail_each_allocation(do_page, &c, free_page), 1);
  /* Again from the middle, so cursor decoding and encoding are covered. */
  msg_page *first = NULL;
  msg_error err = {0};
  assert_ok(msg_message_list(&first, c.store, 1, &c.req, &err), err);
  c.req.cursor = first->next_cursor;
  ck_assert_int_gt(fail_each_allocation(do_page, &c, free_page), 1);
  msg_page_free(first);
  msg_store_close(c.store);
}
END_TEST

START_TEST(oom__search_fails_cleanly_at_every_allocation) {
  fake_config config = {0};
  const int64_t accounts[] = {2, 1};
  const char *ids[] = {"0192D4A4-6AD0-7C38-9B7E-2F4E4C1B8A11"};
  const char *senders[] = {"+123", "+124"};
  const char *receivers[] = {"456"};
  msg_filter filter = MSG_FILTER_INIT;
  filter.account_ids = accounts;
  filter.account_id_count = 2;
  filter.sender_numbers = senders;
  filter.sender_number_count = 2;
  filter.receiver_numbers = receivers;
  filter.receiver_number_count = 1;
  filter.q = "WORLD hello";
  page_ctx c = {seeded_store(&config), &filter, {2, NULL}};
  ck_assert_int_gt(fail_each_allocation(do_page, &c, free_page), 1);
  filter.message_ids = ids;
  filter.message_id_count = 1;
  ck_assert_int_gt(fail_each_allocation(do_page, &c, free_page), 1);
  msg_store_close(c.store);
}
END_TEST

START_TEST(oom__rows_push_fails_cleanly_and_adds_nothing) {
  msg_message m = {"0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a11", 1, "123", "456", "hi", 1};
  msg_backend_rows rows;
  msg__rows_init(&rows);
  long live_before = msg__alloc_live();
  for (long n = 1; n <= 2; n++) {
    msg_error err = {0};
    msg__alloc_fail_after(n);
    assert_error(msg_backend_rows_push(&rows, &m, &err), err, MSG_ERR_NOMEM, "");
    msg__alloc_fail_after(-1);
    ck_assert_uint_eq(rows.count, 0);
  }
  msg__rows_clear(&rows);
  ck_assert_int_eq(msg__alloc_live(), live_before);
}
END_TEST

Suite *oom_suite(void) {
  Suite *s = suite_create("oom");
  TCase *tc = unit_tcase("oom");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, oom__open_fails_cleanly_at_every_allocation);
  tcase_add_test(tc, oom__create_fails_cleanly_at_every_allocation);
  tcase_add_test(tc, oom__create_replay_fails_cleanly_at_every_allocation);
  tcase_add_test(tc, oom__get_fails_cleanly_at_every_allocation);
  tcase_add_test(tc, oom__list_fails_cleanly_at_every_allocation);
  tcase_add_test(tc, oom__search_fails_cleanly_at_every_allocation);
  tcase_add_test(tc, oom__rows_push_fails_cleanly_and_adds_nothing);
  suite_add_tcase(s, tc);
  return s;
}
