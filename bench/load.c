/*
 * The loader's common part (see load.h): let the library create the schema,
 * refuse a store that already has messages (a benchmark must never write
 * into someone's data), generate every message with its words, hand them to
 * the backend's bulk path, and finally read a sample back through the
 * library to prove the rows are ones libmsg understands.
 */
#include "load.h"

#include "alloc.h"
#include "latency.h"
#include "text.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int open_store(msg_store **store, const char *uri) {
  msg_error err;
  if (msg_store_open(store, uri, NULL, &err) != MSG_OK) {
    fprintf(stderr, "msg-bench load: opening %s: %s\n", uri, err.message);
    return -1;
  }
  return 0;
}

static int store_is_empty(msg_store *store) {
  msg_page_request req = MSG_PAGE_REQUEST_INIT;
  req.limit = 1;
  msg_page *page;
  msg_error err;
  if (msg_message_search(&page, store, NULL, &req, &err) != MSG_OK) {
    fprintf(stderr, "msg-bench load: cannot read the store: %s\n", err.message);
    return 0;
  }
  int empty = page->count == 0;
  msg_page_free(page);
  if (!empty)
    fprintf(stderr, "msg-bench load: the store already holds messages; load needs an empty one\n");
  return empty;
}

static int same_text(const char *a, const char *b) {
  return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Finds `m` through a text search for its first word, narrowed to its
 * account and time: proves the search index holds the library's words. */
static int check_text(msg_store *store, const bench_message *m) {
  char *words = NULL;
  msg_error err;
  if (msg__text_words(&words, m->has_body ? m->body : "", &err) != MSG_OK)
    return -1;
  char *space = strchr(words, ' ');
  if (space)
    *space = '\0';
  int rc = 0;
  if (words[0]) {
    msg_filter filter = MSG_FILTER_INIT;
    filter.account_ids = &m->account_id;
    filter.account_id_count = 1;
    filter.has_created_after = true;
    filter.created_after = m->created_at - 1;
    filter.has_created_before = true;
    filter.created_before = m->created_at + 1;
    filter.q = words;
    msg_page *page = NULL;
    rc = msg_message_search(&page, store, &filter, NULL, &err) == MSG_OK ? 0 : -1;
    if (rc == 0 && (page->count != 1 || strcmp(page->items[0].message_id, m->message_id) != 0))
      rc = -1;
    msg_page_free(page);
    if (rc != 0)
      fprintf(stderr, "msg-bench load: a search for '%s' does not find message %llu\n", words,
              (unsigned long long)m->index);
  }
  msg__free(words);
  return rc;
}

/* Reads a few messages back through libmsg and compares every field. */
static int check_sample(const char *uri, const bench_dataset *ds, bench_message *m) {
  msg_store *store;
  if (open_store(&store, uri) != 0)
    return -1;
  int rc = 0;
  for (uint64_t k = 0; rc == 0 && k < 8 && ds->messages > 0; k++) {
    uint64_t i = k * (ds->messages - 1) / 7;
    msg__gen_message(ds, i, m);
    msg_message *got;
    msg_error err;
    if (msg_message_get(&got, store, m->message_id, &err) != MSG_OK) {
      fprintf(stderr, "msg-bench load: message %llu (%s) does not read back: %s\n",
              (unsigned long long)i, m->message_id, err.message);
      rc = -1;
      break;
    }
    if (got->account_id != m->account_id || got->created_at != m->created_at ||
        strcmp(got->sender_number, m->sender) != 0 ||
        strcmp(got->receiver_number, m->receiver) != 0 ||
        !same_text(got->body, m->has_body ? m->body : NULL)) {
      fprintf(stderr, "msg-bench load: message %llu reads back different\n", (unsigned long long)i);
      rc = -1;
    }
    msg_message_free(got);
    if (rc == 0)
      rc = check_text(store, m);
  }
  msg_store_close(store);
  return rc;
}

/*
 * Generating and normalising a message costs about as much as storing it, so
 * a producer thread does that while this thread stores: batches go round a
 * small ring of slots, each either free or full.
 */
#define BATCH 1024
#define SLOTS 4

typedef struct batch {
  bench_message *messages; /* BATCH of them */
  char *words[BATCH];
  size_t count;
  int full;
} batch;

typedef struct pipeline {
  const bench_dataset *ds;
  batch slots[SLOTS];
  pthread_mutex_t lock;
  pthread_cond_t changed;
  int failed;  /* the producer could not normalise a body */
  int stopped; /* the consumer gave up: the producer must stop */
  char error[BENCH_ERROR_SIZE];
} pipeline;

static void *produce(void *arg) {
  pipeline *p = arg;
  uint64_t next = 0;
  for (size_t slot = 0; next < p->ds->messages; slot = (slot + 1) % SLOTS) {
    batch *b = &p->slots[slot];
    pthread_mutex_lock(&p->lock);
    while (b->full && !p->stopped)
      pthread_cond_wait(&p->changed, &p->lock);
    int stop = p->stopped;
    pthread_mutex_unlock(&p->lock);
    if (stop)
      return NULL;
    b->count = 0;
    for (; b->count < BATCH && next < p->ds->messages; b->count++, next++) {
      bench_message *m = &b->messages[b->count];
      msg__gen_message(p->ds, next, m);
      msg_error err;
      if (msg__text_words(&b->words[b->count], m->has_body ? m->body : "", &err) != MSG_OK) {
        snprintf(p->error, sizeof p->error, "normalising message %llu: %s",
                 (unsigned long long)next, err.message);
        pthread_mutex_lock(&p->lock);
        p->failed = 1;
        pthread_cond_broadcast(&p->changed);
        pthread_mutex_unlock(&p->lock);
        return NULL;
      }
    }
    pthread_mutex_lock(&p->lock);
    b->full = 1;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
  }
  return NULL;
}

static void free_words(batch *b) {
  for (size_t i = 0; i < b->count; i++) {
    msg__free(b->words[i]);
    b->words[i] = NULL;
  }
}

static int consume(pipeline *p, const bench_loader *loader, void *state, uint64_t start,
                   char error[BENCH_ERROR_SIZE]) {
  const bench_dataset *ds = p->ds;
  uint64_t tenth = ds->messages / 10 ? ds->messages / 10 : 1;
  uint64_t done = 0;
  int rc = 0;
  for (size_t slot = 0; rc == 0 && done < ds->messages; slot = (slot + 1) % SLOTS) {
    batch *b = &p->slots[slot];
    pthread_mutex_lock(&p->lock);
    while (!b->full && !p->failed)
      pthread_cond_wait(&p->changed, &p->lock);
    int failed = p->failed && !b->full;
    pthread_mutex_unlock(&p->lock);
    if (failed) {
      memcpy(error, p->error, BENCH_ERROR_SIZE);
      return -1;
    }
    for (size_t i = 0; rc == 0 && i < b->count; i++) {
      rc = loader->add(state, &b->messages[i], b->words[i], error);
      if (rc == 0 && ++done % tenth == 0)
        fprintf(stderr, "msg-bench load: %llu of %llu messages (%.0f s)\n",
                (unsigned long long)done, (unsigned long long)ds->messages,
                (double)(msg__latency_now() - start) / 1e9);
    }
    free_words(b);
    pthread_mutex_lock(&p->lock);
    b->full = 0;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
  }
  return rc;
}

static int load_rows(const bench_loader *loader, void *state, const bench_dataset *ds,
                     uint64_t start, char error[BENCH_ERROR_SIZE]) {
  pipeline *p = calloc(1, sizeof *p);
  int rc = p ? 0 : -1;
  for (size_t i = 0; rc == 0 && i < SLOTS; i++) {
    p->slots[i].messages = malloc(BATCH * sizeof *p->slots[i].messages);
    rc = p->slots[i].messages ? 0 : -1;
  }
  pthread_t producer;
  if (rc == 0) {
    p->ds = ds;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->changed, NULL);
    rc = pthread_create(&producer, NULL, produce, p) == 0 ? 0 : -1;
    if (rc == 0) {
      rc = consume(p, loader, state, start, error);
      pthread_mutex_lock(&p->lock);
      p->stopped = 1;
      pthread_cond_broadcast(&p->changed);
      pthread_mutex_unlock(&p->lock);
      pthread_join(producer, NULL);
    } else {
      snprintf(error, BENCH_ERROR_SIZE, "cannot start the producer thread");
    }
    pthread_cond_destroy(&p->changed);
    pthread_mutex_destroy(&p->lock);
  } else {
    snprintf(error, BENCH_ERROR_SIZE, "out of memory");
  }
  for (size_t i = 0; p && i < SLOTS; i++) {
    free_words(&p->slots[i]);
    free(p->slots[i].messages);
  }
  free(p);
  return rc;
}

int msg__load_run(const bench_target *target, const bench_dataset *ds, const char *label,
                  FILE *json) {
  /* The store is closed again before the bulk path starts: SQLite can only
   * leave WAL mode for the load when no other connection has the file. */
  msg_store *store;
  if (open_store(&store, target->uri) != 0)
    return -1;
  int empty = store_is_empty(store);
  msg_store_close(store);
  if (!empty)
    return -1;
#ifdef MSG_HAVE_POSTGRES
  const bench_loader *loader = target->postgres ? &msg__load_pg : &msg__load_sqlite;
#else
  const bench_loader *loader = &msg__load_sqlite;
#endif
  char error[BENCH_ERROR_SIZE] = "";
  bench_message *m = malloc(sizeof *m);
  void *state = NULL;
  if (!m || loader->begin(&state, target, error) != 0) {
    fprintf(stderr, "msg-bench load: %s\n", m ? error : "out of memory");
    free(m);
    return -1;
  }
  uint64_t start = msg__latency_now();
  int rc = load_rows(loader, state, ds, start, error);
  uint64_t rows_done = msg__latency_now();
  if (rc == 0)
    rc = loader->finish(state, error);
  else
    loader->abort(state);
  if (rc != 0)
    fprintf(stderr, "msg-bench load: %s\n", error);
  uint64_t done = msg__latency_now();
  double seconds = (double)(done - start) / 1e9;
  if (rc == 0)
    rc = check_sample(target->uri, ds, m);
  free(m);
  if (rc != 0)
    return -1;
  fprintf(stderr,
          "msg-bench load: %llu messages over %llu accounts in %.1f s (%.0f rows/s; of which "
          "indexes and commit %.1f s)\n",
          (unsigned long long)ds->messages, (unsigned long long)ds->accounts, seconds,
          (double)ds->messages / seconds, (double)(done - rows_done) / 1e9);
  if (json)
    fprintf(json,
            "{\"kind\": \"load\", \"backend\": \"%s\", \"messages\": %llu, \"accounts\": %llu,"
            " \"seconds\": %.3f, \"rows_per_s\": %.0f}\n",
            label, (unsigned long long)ds->messages, (unsigned long long)ds->accounts, seconds,
            (double)ds->messages / seconds);
  return 0;
}
