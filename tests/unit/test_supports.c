/*
 * Backends declare the conditions they handle (msg_backend.supports) and the
 * core refuses, with MSG_ERR_UNSUPPORTED naming the condition, a query using
 * one they do not, before the backend sees it. The backend here handles only
 * what its test tells it to and records what the core sent, so the tests
 * also prove the bits the core computes (msg_backend_query.conditions) and
 * that a version-1 backend, which has no `supports`, is taken to handle
 * exactly what version 1 had. Uses only the public API (unit.h is included
 * for the suite's declaration).
 */
#include "unit.h"

#include <msg/backend.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a test backend handles and what the core sent it. */
typedef struct partial_config {
  unsigned int version; /* vtable version to report */
  uint32_t supports;    /* its `supports` (ignored by the core below version 2) */
  int rows;             /* rows each query returns, newest first, account 1 */
  int queries;          /* calls of query */
  uint32_t last_conditions;
} partial_config;

typedef struct partial_backend {
  msg_backend parent;
  partial_config *config;
} partial_backend;

static const char *const ids[] = {
    "0190a000-0000-7000-8000-000000000003",
    "0190a000-0000-7000-8000-000000000002",
    "0190a000-0000-7000-8000-000000000001",
};

static int partial_query(msg_backend *backend, msg_backend_conn *conn,
                         const msg_backend_query *query, msg_backend_rows *rows, msg_error *err) {
  (void)conn;
  partial_config *config = ((partial_backend *)backend)->config;
  config->queries++;
  config->last_conditions = query->conditions;
  /* Rows strictly after the cursor, as the contract asks. */
  for (int i = 0; i < config->rows && (size_t)i < query->limit; i++) {
    if (query->has_cursor && strcmp(ids[i], query->cursor_message_id) >= 0)
      continue;
    msg_message m = {ids[i], 1, "+123", "456", "hello", 1000 - i};
    int rc = msg_backend_rows_push(rows, &m, err);
    if (rc != MSG_OK)
      return rc;
  }
  return MSG_OK;
}

static void partial_free(msg_backend *backend) {
  free(backend);
}

static int partial_open(msg_backend **out, unsigned int *pool_size, const char *uri,
                        const msg_store_options *opts, void *payload, msg_error *err) {
  (void)uri;
  (void)opts;
  partial_backend *b = calloc(1, sizeof *b);
  if (!b)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory");
  b->config = payload;
  b->parent.version = b->config->version;
  b->parent.query = partial_query;
  b->parent.free = partial_free;
  b->parent.supports = b->config->supports;
  *pool_size = 1;
  *out = &b->parent;
  return MSG_OK;
}

static msg_store *open_partial(partial_config *config) {
  msg_backend_module module = MSG_BACKEND_MODULE_INIT;
  module.scheme = "partial";
  module.open = partial_open;
  module.payload = config;
  msg_error err = {0};
  ck_assert_int_eq(msg_backend_register(&module, &err), MSG_OK);
  msg_store *store = NULL;
  ck_assert_msg(msg_store_open(&store, "partial:test", NULL, &err) == MSG_OK, "%s", err.message);
  return store;
}

static int search(msg_store *store, const msg_filter *filter, msg_error *err) {
  msg_page *page = NULL;
  int rc = msg_message_search(&page, store, filter, NULL, err);
  msg_page_free(page);
  return rc;
}

/* Fails unless `rc` is a refusal naming `field`, with `words` in its
 * message, and the backend was never asked. */
static void assert_refused(int rc, const msg_error *err, const partial_config *config,
                           const char *field, const char *words) {
  ck_assert_msg(rc == MSG_ERR_UNSUPPORTED, "status %s, want MSG_ERR_UNSUPPORTED: %s",
                msg_status_str(rc), err->message);
  ck_assert_int_eq(err->status, MSG_ERR_UNSUPPORTED);
  ck_assert_str_eq(err->field, field);
  ck_assert_msg(strstr(err->message, words) != NULL, "message '%s' lacks '%s'", err->message,
                words);
  ck_assert_int_eq(config->queries, 0);
}

static const int64_t one_account[] = {1};
static const int64_t two_accounts[] = {1, 2};
static const char *const two_senders[] = {"+123", "+124"};

START_TEST(supported_conditions_reach_the_backend_with_their_bits) {
  partial_config config = {MSG_BACKEND_VERSION,
                           MSG_COND_ACCOUNT_ONE | MSG_COND_ID_ONE | MSG_COND_CURSOR, 3, 0, 0};
  msg_store *store = open_partial(&config);
  msg_error err = {0};

  msg_page *page = NULL;
  msg_page_request req = MSG_PAGE_REQUEST_INIT;
  req.limit = 2;
  ck_assert_msg(msg_message_list(&page, store, 1, &req, &err) == MSG_OK, "%s", err.message);
  ck_assert_uint_eq(config.last_conditions, MSG_COND_ACCOUNT_ONE);
  ck_assert_uint_eq(page->count, 2);
  ck_assert_ptr_nonnull(page->next_cursor);

  /* The second page carries the cursor, which this backend handles too. */
  req.cursor = page->next_cursor;
  msg_page *next = NULL;
  ck_assert_msg(msg_message_list(&next, store, 1, &req, &err) == MSG_OK, "%s", err.message);
  ck_assert_uint_eq(config.last_conditions, MSG_COND_ACCOUNT_ONE | MSG_COND_CURSOR);
  ck_assert_uint_eq(next->count, 1);
  ck_assert_str_eq(next->items[0].message_id, ids[2]);
  msg_page_free(next);
  msg_page_free(page);

  msg_message *m = NULL;
  ck_assert_msg(msg_message_get(&m, store, ids[1], &err) == MSG_OK, "%s", err.message);
  ck_assert_uint_eq(config.last_conditions, MSG_COND_ID_ONE);
  msg_message_free(m);
  ck_assert_int_eq(config.queries, 3);
  msg_store_close(store);
}
END_TEST

START_TEST(a_set_of_several_values_is_refused_when_only_one_is_supported) {
  partial_config config = {MSG_BACKEND_VERSION, MSG_COND_ACCOUNT_ONE, 3, 0, 0};
  msg_store *store = open_partial(&config);
  msg_filter filter = MSG_FILTER_INIT;
  filter.account_ids = two_accounts;
  filter.account_id_count = 2;
  msg_error err = {0};
  assert_refused(search(store, &filter, &err), &err, &config, "account_ids",
                 "the partial backend cannot query messages by account_ids with several values");
  msg_store_close(store);
}
END_TEST

START_TEST(words_time_bounds_and_other_sets_are_refused_by_name) {
  partial_config config = {MSG_BACKEND_VERSION, MSG_COND_ACCOUNT_ONE, 3, 0, 0};
  msg_store *store = open_partial(&config);
  msg_error err = {0};

  msg_filter words = MSG_FILTER_INIT;
  words.account_ids = one_account;
  words.account_id_count = 1;
  words.q = "hello";
  assert_refused(search(store, &words, &err), &err, &config, "q", "by q");

  msg_filter after = MSG_FILTER_INIT;
  after.has_created_after = true;
  after.created_after = 5;
  assert_refused(search(store, &after, &err), &err, &config, "created_after", "by created_after");

  msg_filter before = MSG_FILTER_INIT;
  before.has_created_before = true;
  before.created_before = 5;
  assert_refused(search(store, &before, &err), &err, &config, "created_before",
                 "by created_before");

  msg_filter senders = MSG_FILTER_INIT;
  senders.sender_numbers = two_senders;
  senders.sender_number_count = 1;
  assert_refused(search(store, &senders, &err), &err, &config, "sender_numbers",
                 "sender_numbers with one value");

  msg_message *m = NULL;
  assert_refused(msg_message_get(&m, store, ids[0], &err), &err, &config, "message_ids",
                 "message_ids with one value");
  ck_assert_ptr_null(m);
  msg_store_close(store);
}
END_TEST

START_TEST(a_cursor_is_a_condition_too) {
  partial_config config = {MSG_BACKEND_VERSION, MSG_COND_ACCOUNT_ONE, 3, 0, 0};
  msg_store *store = open_partial(&config);
  msg_error err = {0};
  msg_page *page = NULL;
  msg_page_request req = MSG_PAGE_REQUEST_INIT;
  req.limit = 1;
  ck_assert_msg(msg_message_list(&page, store, 1, &req, &err) == MSG_OK, "%s", err.message);
  ck_assert_ptr_nonnull(page->next_cursor);
  req.cursor = page->next_cursor;
  config.queries = 0;
  msg_page *next = NULL;
  assert_refused(msg_message_list(&next, store, 1, &req, &err), &err, &config, "cursor",
                 "by cursor");
  ck_assert_ptr_null(next);
  msg_page_free(page);
  msg_store_close(store);
}
END_TEST

START_TEST(the_lowest_missing_condition_is_named) {
  partial_config config = {MSG_BACKEND_VERSION, 0, 3, 0, 0};
  msg_store *store = open_partial(&config);
  msg_filter filter = MSG_FILTER_INIT;
  filter.sender_numbers = two_senders;
  filter.sender_number_count = 2;
  filter.q = "hello";
  msg_error err = {0};
  assert_refused(search(store, &filter, &err), &err, &config, "sender_numbers",
                 "sender_numbers with several values");
  /* A backend that declares nothing answers no query, not even a list. */
  msg_page *page = NULL;
  assert_refused(msg_message_list(&page, store, 1, NULL, &err), &err, &config, "account_ids",
                 "account_ids with one value");
  msg_store_close(store);
}
END_TEST

START_TEST(a_version_1_backend_handles_what_version_1_had) {
  /* Its `supports` says nothing: the member did not exist in version 1, so
   * the core must not read it. */
  partial_config config = {1, 0, 3, 0, 0};
  msg_store *store = open_partial(&config);
  msg_filter filter = MSG_FILTER_INIT;
  filter.account_ids = two_accounts;
  filter.account_id_count = 2;
  filter.sender_numbers = two_senders;
  filter.sender_number_count = 2;
  filter.has_created_after = true;
  filter.created_after = 1;
  filter.has_created_before = true;
  filter.created_before = 5000;
  filter.q = "hello";
  msg_error err = {0};
  ck_assert_msg(search(store, &filter, &err) == MSG_OK, "%s", err.message);
  ck_assert_int_eq(config.queries, 1);
  ck_assert_uint_eq(config.last_conditions, MSG_COND_ACCOUNT_MANY | MSG_COND_SENDER_MANY |
                                                MSG_COND_CREATED_AFTER | MSG_COND_CREATED_BEFORE |
                                                MSG_COND_TERMS);
  msg_store_close(store);
}
END_TEST

START_TEST(the_core_computes_one_bit_per_condition) {
  partial_config config = {MSG_BACKEND_VERSION, MSG_COND_ALL, 0, 0, 0};
  msg_store *store = open_partial(&config);
  msg_filter filter = MSG_FILTER_INIT;
  static const char *const one_id[] = {"0190A000-0000-7000-8000-000000000001"};
  static const char *const receivers[] = {"456", "457", "456"}; /* two after deduplication */
  filter.message_ids = one_id;
  filter.message_id_count = 1;
  filter.receiver_numbers = receivers;
  filter.receiver_number_count = 3;
  filter.has_created_before = true;
  filter.created_before = 5000;
  msg_error err = {0};
  ck_assert_msg(search(store, &filter, &err) == MSG_OK, "%s", err.message);
  ck_assert_uint_eq(config.last_conditions,
                    MSG_COND_ID_ONE | MSG_COND_RECEIVER_MANY | MSG_COND_CREATED_BEFORE);
  /* A set whose values are all the same is a set of one. */
  static const int64_t same[] = {7, 7};
  msg_filter dup = MSG_FILTER_INIT;
  dup.account_ids = same;
  dup.account_id_count = 2;
  ck_assert_msg(search(store, &dup, &err) == MSG_OK, "%s", err.message);
  ck_assert_uint_eq(config.last_conditions, MSG_COND_ACCOUNT_ONE);
  /* No filter at all: no condition. */
  ck_assert_msg(search(store, NULL, &err) == MSG_OK, "%s", err.message);
  ck_assert_uint_eq(config.last_conditions, 0);
  msg_store_close(store);
}
END_TEST

Suite *supports_suite(void) {
  Suite *s = suite_create("supports");
  TCase *tc = tcase_create("supports");
  tcase_add_test(tc, supported_conditions_reach_the_backend_with_their_bits);
  tcase_add_test(tc, a_set_of_several_values_is_refused_when_only_one_is_supported);
  tcase_add_test(tc, words_time_bounds_and_other_sets_are_refused_by_name);
  tcase_add_test(tc, a_cursor_is_a_condition_too);
  tcase_add_test(tc, the_lowest_missing_condition_is_named);
  tcase_add_test(tc, a_version_1_backend_handles_what_version_1_had);
  tcase_add_test(tc, the_core_computes_one_bit_per_condition);
  suite_add_tcase(s, tc);
  return s;
}
