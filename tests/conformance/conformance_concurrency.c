/*
 * Conformance under concurrency, on one store handle shared by threads:
 * parallel creates all land, one idempotency key raced from many threads
 * stores one message, and a paged walk stays exact while another thread
 * keeps creating messages in the same account.
 *
 * Threads never call check's assertions (a failure must end the case from
 * its own thread); they record what happened and the case asserts after
 * joining them.
 */
#include "conformance.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 8
#define CREATES_PER_THREAD 100

typedef struct creator {
  pthread_t thread;
  pthread_barrier_t *start;
  int64_t account_id;
  const char *body;
  const char *key;
  int count;
  char (*ids)[MSG_ID_LEN + 1];
  int failures;
  int replays;
  int conflicts;
  int first_error;
  msg_error err;
} creator;

static void *create_loop(void *arg) {
  creator *c = arg;
  pthread_barrier_wait(c->start);
  for (int i = 0; i < c->count; i++) {
    msg_new_message in = conf_new(c->account_id, "+123", "456", c->body);
    in.idempotency_key = c->key;
    msg_message *m = NULL;
    bool replayed = false;
    msg_error err;
    int rc = msg_message_create(&m, &replayed, conf_store, &in, &err);
    if (rc == MSG_OK) {
      memcpy(c->ids[i], m->message_id, MSG_ID_LEN + 1);
      c->replays += replayed;
      msg_message_free(m);
    } else if (rc == MSG_ERR_CONFLICT && strcmp(err.field, "idempotency_key") == 0 && m == NULL) {
      c->ids[i][0] = '\0';
      c->conflicts++;
    } else {
      c->ids[i][0] = '\0';
      if (c->failures++ == 0) {
        c->first_error = rc;
        c->err = err;
      }
    }
  }
  return NULL;
}

/* Runs THREADS creators at once (released together by a barrier). */
static void run_creators(creator *c, int64_t account_id, int count, const char *key,
                         bool same_body) {
  pthread_barrier_t start;
  ck_assert_int_eq(pthread_barrier_init(&start, NULL, THREADS), 0);
  char bodies[THREADS][32];
  for (int t = 0; t < THREADS; t++) {
    snprintf(bodies[t], sizeof bodies[t], "thread %d", same_body ? 0 : t);
    c[t] = (creator){.start = &start, .account_id = account_id, .count = count, .key = key};
    c[t].body = bodies[t];
    c[t].ids = calloc((size_t)count, sizeof *c[t].ids);
    ck_assert_ptr_nonnull(c[t].ids);
    ck_assert_int_eq(pthread_create(&c[t].thread, NULL, create_loop, &c[t]), 0);
  }
  for (int t = 0; t < THREADS; t++)
    ck_assert_int_eq(pthread_join(c[t].thread, NULL), 0);
  pthread_barrier_destroy(&start);
  for (int t = 0; t < THREADS; t++)
    ck_assert_msg(c[t].failures == 0, "thread %d: %d creates failed, first with %s: %s", t,
                  c[t].failures, msg_status_str(c[t].first_error), c[t].err.message);
}

static void free_creators(creator *c) {
  for (int t = 0; t < THREADS; t++)
    free(c[t].ids);
}

START_TEST(concurrency__parallel_creates_are_all_stored) {
  int64_t account = conf_account(1);
  creator c[THREADS];
  run_creators(c, account, CREATES_PER_THREAD, NULL, false);

  conf_rows listed = {0};
  conf_walk_list(&listed, account, MSG_LIMIT_MAX);
  ck_assert_uint_eq(listed.count, THREADS * CREATES_PER_THREAD);
  for (int t = 0; t < THREADS; t++) {
    ck_assert_int_eq(c[t].replays, 0);
    for (int i = 0; i < CREATES_PER_THREAD; i++) {
      long at = conf_rows_find(&listed, c[t].ids[i]);
      ck_assert_msg(at >= 0, "created %s is not listed", c[t].ids[i]);
      char want[16];
      snprintf(want, sizeof want, "thread %d", t);
      ck_assert_str_eq(listed.items[at].body, want);
    }
  }
  /* The walk asserted strict order, so the 800 rows are 800 distinct ids. */
  conf_rows walked = {0};
  conf_walk_list(&walked, account, 7);
  conf_assert_same_rows(CONF_WHERE, &walked, &listed);
  conf_rows_free(&walked);
  conf_rows_free(&listed);
  free_creators(c);
}
END_TEST

/* Races one key from every thread, `rounds` times with fresh keys. */
static void race_one_key(bool same_body) {
  for (int round = 0; round < 5; round++) {
    int64_t account = conf_account(1 + (unsigned int)round);
    char key[32];
    snprintf(key, sizeof key, "race-%d", round);
    creator c[THREADS];
    run_creators(c, account, 1, key, same_body);
    const char *winner = NULL;
    int fresh = 0, replays = 0, conflicts = 0;
    for (int t = 0; t < THREADS; t++) {
      replays += c[t].replays;
      conflicts += c[t].conflicts;
      if (c[t].ids[0][0] == '\0')
        continue;
      fresh += !c[t].replays;
      if (!winner)
        winner = c[t].ids[0];
      ck_assert_str_eq(c[t].ids[0], winner);
    }
    ck_assert_int_eq(fresh, 1);
    ck_assert_int_eq(replays, same_body ? THREADS - 1 : 0);
    ck_assert_int_eq(conflicts, same_body ? 0 : THREADS - 1);
    conf_rows rows = {0};
    conf_walk_list(&rows, account, 10);
    ck_assert_uint_eq(rows.count, 1);
    ck_assert_str_eq(rows.items[0].message_id, winner);
    conf_rows_free(&rows);
    free_creators(c);
  }
}

START_TEST(concurrency__one_key_raced_from_many_threads_stores_one_message) {
  race_one_key(true);
}
END_TEST

START_TEST(concurrency__one_key_raced_with_other_content_conflicts) {
  race_one_key(false);
}
END_TEST

/* The writer of the walk case: creates `total` messages one at a time, each
 * only once the walker has allowed it, so that writes are spread over the
 * whole walk however fast the store is. */
typedef struct writer {
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t changed;
  int64_t account_id;
  int total;
  int allowed;
  int done;
  int failures;
  char (*ids)[MSG_ID_LEN + 1];
} writer;

static void *write_loop(void *arg) {
  writer *w = arg;
  for (int i = 0; i < w->total; i++) {
    pthread_mutex_lock(&w->lock);
    while (i >= w->allowed)
      pthread_cond_wait(&w->changed, &w->lock);
    pthread_mutex_unlock(&w->lock);
    msg_new_message in = conf_new(w->account_id, "123", "456", "written during the walk");
    msg_message *m = NULL;
    int rc = msg_message_create(&m, NULL, conf_store, &in, NULL);
    pthread_mutex_lock(&w->lock);
    if (rc == MSG_OK)
      memcpy(w->ids[i], m->message_id, MSG_ID_LEN + 1);
    else
      w->failures++;
    w->done = i + 1;
    pthread_cond_broadcast(&w->changed);
    pthread_mutex_unlock(&w->lock);
    msg_message_free(m);
  }
  return NULL;
}

/* Lets the writer create `more` messages and returns how many it has
 * created so far. */
static int writer_allow(writer *w, int more) {
  pthread_mutex_lock(&w->lock);
  w->allowed = w->allowed + more < w->total ? w->allowed + more : w->total;
  pthread_cond_broadcast(&w->changed);
  int done = w->done;
  pthread_mutex_unlock(&w->lock);
  return done;
}

static void writer_wait_idle(writer *w) {
  pthread_mutex_lock(&w->lock);
  while (w->done < w->allowed)
    pthread_cond_wait(&w->changed, &w->lock);
  pthread_mutex_unlock(&w->lock);
}

static long find_written(const writer *w, const char *id) {
  for (int k = 0; k < w->total; k++) {
    if (strcmp(w->ids[k], id) == 0)
      return k;
  }
  return -1;
}

START_TEST(concurrency__walk_is_exact_while_messages_are_created) {
  enum { EXISTING = 100, WRITTEN = 200, LIMIT = 7, BATCH = 12 };
  int64_t account = conf_account(1);
  conf_rows existing = {0};
  for (int i = 0; i < EXISTING; i++) {
    msg_message *m = conf_create_simple(account, "123", "456", i % 2 ? "before" : NULL);
    conf_rows_push(&existing, m);
    msg_message_free(m);
  }

  writer w = {.account_id = account, .total = WRITTEN};
  w.ids = calloc(WRITTEN, sizeof *w.ids);
  ck_assert_ptr_nonnull(w.ids);
  ck_assert_int_eq(pthread_mutex_init(&w.lock, NULL), 0);
  ck_assert_int_eq(pthread_cond_init(&w.changed, NULL), 0);
  ck_assert_int_eq(pthread_create(&w.thread, NULL, write_loop, &w), 0);
  writer_allow(&w, BATCH);
  writer_wait_idle(&w);

  /* A batch of writes races every page read. The first `before` written
   * messages existed when the walk started; those from index `after_first`
   * + 1 on were begun after the first page was read, so they are newer than
   * all of it and must not appear. */
  conf_rows seen = {0};
  char *cursor = NULL;
  int pages = 0, before = 0, after_first = 0;
  for (;;) {
    int done = writer_allow(&w, BATCH);
    if (pages == 0)
      before = done;
    msg_page *page = conf_page(conf_list_page, &account, LIMIT, cursor);
    if (pages == 0)
      after_first = writer_allow(&w, 0);
    free(cursor);
    cursor = page->next_cursor ? strdup(page->next_cursor) : NULL;
    for (size_t i = 0; i < page->count; i++)
      conf_rows_push(&seen, &page->items[i]);
    msg_page_free(page);
    pages++;
    if (!cursor)
      break;
  }
  writer_allow(&w, WRITTEN);
  ck_assert_int_eq(pthread_join(w.thread, NULL), 0);
  ck_assert_int_eq(w.failures, 0);
  ck_assert_int_eq(before, BATCH);
  ck_assert_int_lt(after_first + 1, WRITTEN);

  /* Page order across the walk rules out repeats. */
  for (size_t i = 1; i < seen.count; i++)
    ck_assert_msg(conf_before(&seen.items[i - 1], &seen.items[i]),
                  "row %zu (%s) is out of order or repeated", i, seen.items[i].message_id);
  size_t found = 0;
  for (size_t i = 0; i < seen.count; i++) {
    long at = conf_rows_find(&existing, seen.items[i].message_id);
    long k = find_written(&w, seen.items[i].message_id);
    if (at >= 0) {
      conf_assert_same_message(CONF_WHERE, &seen.items[i], &existing.items[at]);
      found++;
    } else {
      ck_assert_msg(k >= 0, "%s was never created in this account", seen.items[i].message_id);
      ck_assert_msg(k <= after_first, "message %ld, begun after the first page, was listed", k);
      found += k < before;
    }
  }
  ck_assert_uint_eq(found, (size_t)(EXISTING + before));
  ck_assert_msg(pages > 2, "the walk read only %d pages", pages);

  conf_rows all = {0};
  conf_walk_list(&all, account, MSG_LIMIT_MAX);
  ck_assert_uint_eq(all.count, EXISTING + WRITTEN);
  conf_rows_free(&all);
  pthread_cond_destroy(&w.changed);
  pthread_mutex_destroy(&w.lock);
  free(w.ids);
  conf_rows_free(&seen);
  conf_rows_free(&existing);
}
END_TEST

Suite *conformance_concurrency_suite(void) {
  Suite *s = suite_create("concurrency");
  TCase *tc = conf_tcase("concurrency", 300);
  tcase_add_test(tc, concurrency__parallel_creates_are_all_stored);
  tcase_add_test(tc, concurrency__one_key_raced_from_many_threads_stores_one_message);
  tcase_add_test(tc, concurrency__one_key_raced_with_other_content_conflicts);
  tcase_add_test(tc, concurrency__walk_is_exact_while_messages_are_created);
  suite_add_tcase(s, tc);
  return s;
}
