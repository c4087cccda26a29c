/*
 * Idempotency under real concurrency: eight threads, each on its own pooled
 * connection, create with one key at the same moment. With the same content
 * exactly one message is stored and the other seven are replays of it; with
 * different content one is stored and the other seven are conflicts.
 */
#include "pgtest_suites.h"

#include <msg/msg.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 8
#define ROUNDS 5

typedef struct gate {
  pthread_mutex_t lock;
  pthread_cond_t opened;
  int ready;
  int open;
} gate;

typedef struct attempt {
  msg_store *store;
  gate *gate;
  msg_new_message in;
  char body[64];
  int rc;
  bool replayed;
  char message_id[MSG_ID_LEN + 1];
  char error[MSG_ERROR_MESSAGE_MAX];
} attempt;

static void *create_at_gate(void *arg) {
  attempt *a = arg;
  pthread_mutex_lock(&a->gate->lock);
  a->gate->ready++;
  pthread_cond_broadcast(&a->gate->opened);
  while (!a->gate->open)
    pthread_cond_wait(&a->gate->opened, &a->gate->lock);
  pthread_mutex_unlock(&a->gate->lock);
  msg_message *m = NULL;
  msg_error err;
  a->rc = msg_message_create(&m, &a->replayed, a->store, &a->in, &err);
  if (a->rc == MSG_OK)
    memcpy(a->message_id, m->message_id, MSG_ID_LEN + 1);
  else
    snprintf(a->error, sizeof a->error, "%s", err.message);
  msg_message_free(m);
  return NULL;
}

/* Runs THREADS creates of one key in `account` at once. */
static void race(msg_store *store, int64_t account, const char *key, int same_content,
                 attempt attempts[THREADS]) {
  gate g = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};
  pthread_t threads[THREADS];
  for (int i = 0; i < THREADS; i++) {
    attempt *a = &attempts[i];
    memset(a, 0, sizeof *a);
    a->store = store;
    a->gate = &g;
    if (same_content)
      snprintf(a->body, sizeof a->body, "same key, same body");
    else
      snprintf(a->body, sizeof a->body, "same key, body %d", i);
    a->in = (msg_new_message){account, "+15550101", "+15550102", a->body, key};
    ck_assert_int_eq(pthread_create(&threads[i], NULL, create_at_gate, a), 0);
  }
  pthread_mutex_lock(&g.lock);
  while (g.ready < THREADS)
    pthread_cond_wait(&g.opened, &g.lock);
  g.open = 1;
  pthread_cond_broadcast(&g.opened);
  pthread_mutex_unlock(&g.lock);
  for (int i = 0; i < THREADS; i++)
    ck_assert_int_eq(pthread_join(threads[i], NULL), 0);
}

static msg_store *open_store(void) {
  msg_store_options opts = MSG_STORE_OPTIONS_INIT;
  opts.pool_size = THREADS;
  msg_store *store = NULL;
  msg_error err;
  int rc = msg_store_open(&store, pgt_uri(), &opts, &err);
  ck_assert_msg(rc == MSG_OK, "open: %s", err.message);
  return store;
}

static int64_t fresh_account(void) {
  return (int64_t)(pgt_random() & ((UINT64_C(1) << 52) - 1)) + 1;
}

static void assert_account_holds_one(msg_store *store, int64_t account, const char *message_id) {
  msg_page *page = NULL;
  msg_page_request req = MSG_PAGE_REQUEST_INIT;
  msg_error err;
  int rc = msg_message_list(&page, store, account, &req, &err);
  ck_assert_msg(rc == MSG_OK, "list: %s", err.message);
  ck_assert_uint_eq(page->count, 1);
  ck_assert_str_eq(page->items[0].message_id, message_id);
  msg_page_free(page);
}

START_TEST(create__eight_threads_with_one_key_and_content_store_one_and_replay_seven) {
  msg_store *store = open_store();
  for (int round = 0; round < ROUNDS; round++) {
    int64_t account = fresh_account();
    attempt attempts[THREADS];
    race(store, account, "retry-of-one-request", 1, attempts);
    int stored = 0, replays = 0;
    for (int i = 0; i < THREADS; i++) {
      ck_assert_msg(attempts[i].rc == MSG_OK, "round %d thread %d: %s (%s)", round, i,
                    msg_status_str(attempts[i].rc), attempts[i].error);
      if (attempts[i].replayed)
        replays++;
      else
        stored++;
      ck_assert_str_eq(attempts[i].message_id, attempts[0].message_id);
    }
    ck_assert_int_eq(stored, 1);
    ck_assert_int_eq(replays, THREADS - 1);
    assert_account_holds_one(store, account, attempts[0].message_id);
  }
  msg_store_close(store);
}
END_TEST

START_TEST(create__eight_threads_with_one_key_and_other_content_store_one_and_conflict_seven) {
  msg_store *store = open_store();
  for (int round = 0; round < ROUNDS; round++) {
    int64_t account = fresh_account();
    attempt attempts[THREADS];
    race(store, account, "one-key-many-bodies", 0, attempts);
    int stored = -1, conflicts = 0;
    for (int i = 0; i < THREADS; i++) {
      if (attempts[i].rc == MSG_OK) {
        ck_assert_msg(stored < 0, "round %d: threads %d and %d both stored", round, stored, i);
        ck_assert(!attempts[i].replayed);
        stored = i;
      } else {
        ck_assert_msg(attempts[i].rc == MSG_ERR_CONFLICT, "round %d thread %d: %s (%s)", round, i,
                      msg_status_str(attempts[i].rc), attempts[i].error);
        conflicts++;
      }
    }
    ck_assert_int_ge(stored, 0);
    ck_assert_int_eq(conflicts, THREADS - 1);
    assert_account_holds_one(store, account, attempts[stored].message_id);
  }
  msg_store_close(store);
}
END_TEST

Suite *pgt_idempotency_suite(void) {
  Suite *s = suite_create("idempotency");
  TCase *tc = tcase_create("idempotency");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, create__eight_threads_with_one_key_and_content_store_one_and_replay_seven);
  tcase_add_test(tc,
                 create__eight_threads_with_one_key_and_other_content_store_one_and_conflict_seven);
  suite_add_tcase(s, tc);
  return s;
}
