/*
 * The server stopped in the middle of work: while it is down every call
 * fails with MSG_ERR_UNAVAILABLE, quickly (well within 3 x timeout_ms, never
 * hanging); once it is back the very same store handle works again, and
 * every message whose create was acknowledged before the stop is still
 * there, unchanged.
 *
 * A writer thread creates messages all along; the main thread stops and
 * restarts the server with scripts/pg-cluster and makes calls of every kind
 * while it is down. A second case freezes the server instead (SIGSTOP):
 * connections stay open but nothing answers, the case TCP alone would let
 * hang for many minutes. meson runs this test alone (is_parallel: false), since
 * stopping the shared server would fail any other test running then.
 */
#include "pgtest_suites.h"

#include <msg/msg.h>

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TIMEOUT_MS 1000
#define BOUND_MS (3 * TIMEOUT_MS)
#define MAX_ACKED 4096

typedef struct writer {
  msg_store *store;
  int64_t account;
  atomic_int stop;
  atomic_int acked_count;
  atomic_int unavailable;
  atomic_llong slowest_ms;
  int other_failures;
  char other_failure[MSG_ERROR_MESSAGE_MAX + 64];
  msg_message *acked[MAX_ACKED];
} writer;

static void note_duration(atomic_llong *slowest, int64_t took) {
  long long seen = atomic_load(slowest);
  while (took > seen && !atomic_compare_exchange_weak(slowest, &seen, took))
    ;
}

static void *write_messages(void *arg) {
  writer *w = arg;
  for (int n = 0; !atomic_load(&w->stop) && atomic_load(&w->acked_count) < MAX_ACKED; n++) {
    char body[64];
    snprintf(body, sizeof body, "outage message %d", n);
    msg_new_message in = {w->account, "+15550001", "+15550002", body, NULL};
    msg_message *m = NULL;
    bool replayed = false;
    msg_error err;
    int64_t start = pgt_now_ms();
    int rc = msg_message_create(&m, &replayed, w->store, &in, &err);
    note_duration(&w->slowest_ms, pgt_now_ms() - start);
    if (rc == MSG_OK) {
      w->acked[atomic_load(&w->acked_count)] = m;
      atomic_fetch_add(&w->acked_count, 1);
    } else if (rc == MSG_ERR_UNAVAILABLE) {
      atomic_fetch_add(&w->unavailable, 1);
    } else if (w->other_failures++ == 0) {
      snprintf(w->other_failure, sizeof w->other_failure, "%s: %s", msg_status_str(rc),
               err.message);
    }
    pgt_sleep_ms(5);
  }
  return NULL;
}

/* One call of each kind against the stopped server. */
static void assert_calls_fail_fast(msg_store *store, int64_t account) {
  for (int kind = 0; kind < 4; kind++) {
    msg_error err;
    int rc;
    int64_t start = pgt_now_ms();
    if (kind == 0) {
      rc = msg_store_ping(store, &err);
    } else if (kind == 1) {
      msg_new_message in = {account, "+15550001", "+15550002", "while down", NULL};
      msg_message *m = NULL;
      bool replayed = false;
      rc = msg_message_create(&m, &replayed, store, &in, &err);
      ck_assert_ptr_null(m);
    } else {
      msg_page *page = NULL;
      msg_filter filter = MSG_FILTER_INIT;
      msg_page_request req = MSG_PAGE_REQUEST_INIT;
      filter.account_ids = &account;
      filter.account_id_count = 1;
      if (kind == 3)
        filter.q = "outage";
      rc = msg_message_search(&page, store, &filter, &req, &err);
      ck_assert_ptr_null(page);
    }
    int64_t took = pgt_now_ms() - start;
    ck_assert_msg(rc == MSG_ERR_UNAVAILABLE, "call %d while down: %s (%s)", kind,
                  msg_status_str(rc), err.message);
    ck_assert_msg(took < BOUND_MS, "call %d while down took %lld ms", kind, (long long)took);
  }
}

static void wait_for_acks(writer *w, int at_least, int64_t within_ms) {
  int64_t until = pgt_now_ms() + within_ms;
  while (atomic_load(&w->acked_count) < at_least && pgt_now_ms() < until)
    pgt_sleep_ms(20);
  ck_assert_msg(atomic_load(&w->acked_count) >= at_least,
                "the writer had %d acknowledged creates after %lld ms, wanted %d",
                atomic_load(&w->acked_count), (long long)within_ms, at_least);
}

static void assert_all_acked_survive(writer *w) {
  int count = atomic_load(&w->acked_count);
  for (int i = 0; i < count; i++) {
    msg_message *got = NULL;
    msg_error err;
    int rc = msg_message_get(&got, w->store, w->acked[i]->message_id, &err);
    ck_assert_msg(rc == MSG_OK, "acknowledged message %s: %s (%s)", w->acked[i]->message_id,
                  msg_status_str(rc), err.message);
    ck_assert_str_eq(got->body, w->acked[i]->body);
    ck_assert_int_eq(got->created_at, w->acked[i]->created_at);
    ck_assert_int_eq(got->account_id, w->account);
    msg_message_free(got);
  }
}

START_TEST(outage__calls_fail_fast_while_down_and_the_same_store_recovers) {
  msg_store_options opts = MSG_STORE_OPTIONS_INIT;
  opts.pool_size = 2;
  opts.timeout_ms = TIMEOUT_MS;
  opts.pool_timeout_ms = TIMEOUT_MS;
  writer *w = calloc(1, sizeof *w);
  ck_assert_ptr_nonnull(w);
  msg_error err;
  int rc = msg_store_open(&w->store, pgt_uri(), &opts, &err);
  ck_assert_msg(rc == MSG_OK, "open: %s", err.message);
  w->account = (int64_t)(pgt_random() & ((UINT64_C(1) << 52) - 1)) + 1;

  pthread_t thread;
  ck_assert_int_eq(pthread_create(&thread, NULL, write_messages, w), 0);
  wait_for_acks(w, 20, 10000);

  ck_assert_int_eq(pgt_cluster("stop-only"), 0);
  int acked_before_down = atomic_load(&w->acked_count);
  assert_calls_fail_fast(w->store, w->account);
  pgt_sleep_ms(1500); /* the writer keeps failing meanwhile */
  assert_calls_fail_fast(w->store, w->account);
  ck_assert_int_eq(pgt_cluster("start-only"), 0);

  /* The first call on the same handle after the restart succeeds: every
   * connection from before the stop was dropped when it failed. */
  rc = msg_store_ping(w->store, &err);
  ck_assert_msg(rc == MSG_OK, "ping after the restart: %s", err.message);
  wait_for_acks(w, atomic_load(&w->acked_count) + 20, 10000);
  atomic_store(&w->stop, 1);
  ck_assert_int_eq(pthread_join(thread, NULL), 0);

  ck_assert_msg(atomic_load(&w->unavailable) > 0, "the writer never saw the server down");
  ck_assert_msg(w->other_failures == 0, "%d creates failed otherwise; first: %s", w->other_failures,
                w->other_failure);
  ck_assert_msg(atomic_load(&w->slowest_ms) < BOUND_MS, "the slowest create took %lld ms",
                (long long)atomic_load(&w->slowest_ms));
  ck_assert_int_gt(acked_before_down, 0);
  assert_all_acked_survive(w);

  for (int i = 0; i < atomic_load(&w->acked_count); i++)
    msg_message_free(w->acked[i]);
  msg_store_close(w->store);
  free(w);
}
END_TEST

START_TEST(outage__a_frozen_server_fails_calls_within_the_bound_and_the_store_recovers) {
  msg_store_options opts = MSG_STORE_OPTIONS_INIT;
  opts.pool_size = 2;
  opts.timeout_ms = TIMEOUT_MS;
  opts.pool_timeout_ms = TIMEOUT_MS;
  msg_store *store = NULL;
  msg_error err;
  int rc = msg_store_open(&store, pgt_uri(), &opts, &err);
  ck_assert_msg(rc == MSG_OK, "open: %s", err.message);
  int64_t account = (int64_t)(pgt_random() & ((UINT64_C(1) << 52) - 1)) + 1;
  msg_new_message in = {account, "+15550001", "+15550002", "before the freeze", NULL};
  msg_message *acked = NULL;
  bool replayed = false;
  rc = msg_message_create(&acked, &replayed, store, &in, &err);
  ck_assert_msg(rc == MSG_OK, "create: %s", err.message);

  /* The server's sockets still accept, but nothing answers: only the
   * client's own deadlines (the wait for a result, libpq's connect
   * timeout) can end these calls. */
  ck_assert_int_eq(pgt_cluster("freeze"), 0);
  assert_calls_fail_fast(store, account);
  ck_assert_int_eq(pgt_cluster("thaw"), 0);

  rc = msg_store_ping(store, &err);
  ck_assert_msg(rc == MSG_OK, "ping after the thaw: %s", err.message);
  msg_message *got = NULL;
  rc = msg_message_get(&got, store, acked->message_id, &err);
  ck_assert_msg(rc == MSG_OK, "get after the thaw: %s", err.message);
  ck_assert_str_eq(got->body, "before the freeze");
  msg_message_free(got);
  msg_message_free(acked);
  msg_store_close(store);
}
END_TEST

/* If a check failed while the server was down or frozen, bring it back for
 * the tests that run after this one. */
static void restart_server(void) {
  (void)pgt_cluster("thaw");
  (void)pgt_cluster("start-only");
}

Suite *pgt_outage_suite(void) {
  Suite *s = suite_create("outage");
  TCase *tc = tcase_create("outage");
  tcase_set_timeout(tc, 120);
  tcase_add_unchecked_fixture(tc, NULL, restart_server);
  tcase_add_test(tc, outage__calls_fail_fast_while_down_and_the_same_store_recovers);
  tcase_add_test(tc, outage__a_frozen_server_fails_calls_within_the_bound_and_the_store_recovers);
  suite_add_tcase(s, tc);
  return s;
}
