/*
 * The fake backend: an in-memory, mutex-protected message array that answers
 * queries by scanning it, with the ordering and keyset rules of backend.h.
 * Slow and simple on purpose; it exists to observe the core.
 */
#include "fake_backend.h"

#include <check.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct msg_backend_conn {
  int serial;
  atomic_int busy;
};

static char *dup_or_null(const char *s) {
  if (!s)
    return NULL;
  char *copy = strdup(s);
  ck_assert_ptr_nonnull(copy);
  return copy;
}

static fake_backend *fake_of(msg_backend *backend) {
  return (fake_backend *)backend;
}

/* Consumes fail_next: returns its status (and fills err) when armed. */
static int injected_failure(fake_backend *fake, msg_error *err) {
  int rc = fake->fail_next;
  if (rc == MSG_OK)
    return MSG_OK;
  fake->fail_next = MSG_OK;
  if (fake->silent_failures)
    return rc;
  return msg_error_set(err, rc, NULL, "fake backend: injected %s", msg_status_str(rc));
}

static int fake_connect(msg_backend *backend, msg_backend_conn **out, msg_error *err) {
  fake_backend *fake = fake_of(backend);
  pthread_mutex_lock(&fake->lock);
  int rc = injected_failure(fake, err);
  if (rc == MSG_OK && fake->refuse_connects)
    rc = msg_error_set(err, MSG_ERR_UNAVAILABLE, NULL, "fake backend: connection refused");
  if (rc == MSG_OK) {
    fake->connects++;
    fake->open_conns++;
    if (fake->open_conns > fake->max_open_conns)
      fake->max_open_conns = fake->open_conns;
    *out = malloc(sizeof **out);
    ck_assert_ptr_nonnull(*out);
    (*out)->serial = fake->connects;
    atomic_init(&(*out)->busy, 0);
  }
  pthread_mutex_unlock(&fake->lock);
  return rc;
}

static void fake_disconnect(msg_backend *backend, msg_backend_conn *conn) {
  fake_backend *fake = fake_of(backend);
  pthread_mutex_lock(&fake->lock);
  fake->disconnects++;
  fake->open_conns--;
  pthread_mutex_unlock(&fake->lock);
  free(conn);
}

static int fake_migrate(msg_backend *backend, msg_backend_conn *conn, msg_error *err) {
  fake_backend *fake = fake_of(backend);
  pthread_mutex_lock(&fake->lock);
  fake->migrates++;
  int rc = injected_failure(fake, err);
  if (rc == MSG_OK && fake->migrate_status != MSG_OK)
    rc = msg_error_set(err, fake->migrate_status, NULL, "fake backend: migration failed");
  pthread_mutex_unlock(&fake->lock);
  return rc;
}

static int push(msg_backend_rows *rows, const fake_message *m, msg_error *err) {
  return msg_backend_rows_push(rows, &m->message, err);
}

static int fake_insert(msg_backend *backend, msg_backend_conn *conn,
                       const msg_backend_record *record, msg_backend_rows *existing,
                       msg_error *err) {
  fake_backend *fake = fake_of(backend);
  pthread_mutex_lock(&fake->lock);
  fake->inserts++;
  int rc = injected_failure(fake, err);
  if (rc == MSG_OK) {
    free(fake->last_search_text);
    fake->last_search_text = dup_or_null(record->search_text);
  }
  for (size_t i = 0; rc == MSG_OK && record->idempotency_key && i < fake->count; i++) {
    const fake_message *m = &fake->messages[i];
    if (m->message.account_id == record->message->account_id && m->idempotency_key &&
        strcmp(m->idempotency_key, record->idempotency_key) == 0) {
      rc = fake->conflict_without_row ? MSG_OK : push(existing, m, err);
      if (rc == MSG_OK)
        rc = MSG_ERR_CONFLICT;
      pthread_mutex_unlock(&fake->lock);
      return rc;
    }
  }
  if (rc == MSG_OK) {
    fake_message *grown = realloc(fake->messages, (fake->count + 1) * sizeof *grown);
    ck_assert_ptr_nonnull(grown);
    fake->messages = grown;
    fake_message *m = &fake->messages[fake->count++];
    m->message = *record->message;
    m->message.message_id = dup_or_null(record->message->message_id);
    m->message.sender_number = dup_or_null(record->message->sender_number);
    m->message.receiver_number = dup_or_null(record->message->receiver_number);
    m->message.body = dup_or_null(record->message->body);
    m->idempotency_key = dup_or_null(record->idempotency_key);
    m->search_text = dup_or_null(record->search_text);
  }
  pthread_mutex_unlock(&fake->lock);
  return rc;
}

static int has_i64(const int64_t *set, size_t n, int64_t v) {
  for (size_t i = 0; i < n; i++) {
    if (set[i] == v)
      return 1;
  }
  return n == 0;
}

static int has_str(const char *const *set, size_t n, const char *v) {
  for (size_t i = 0; i < n; i++) {
    if (strcmp(set[i], v) == 0)
      return 1;
  }
  return n == 0;
}

static int has_word(const char *text, const char *word) {
  size_t len = strlen(word);
  for (const char *p = text; p && *p;) {
    const char *end = strchr(p, ' ');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    if (n == len && strncmp(p, word, len) == 0)
      return 1;
    p = end ? end + 1 : NULL;
  }
  return 0;
}

/* (created_at, id) of `a` is before `b` in the backend order (newest first). */
static int newer_first(const void *pa, const void *pb) {
  const msg_message *a = &(*(const fake_message *const *)pa)->message;
  const msg_message *b = &(*(const fake_message *const *)pb)->message;
  if (a->created_at != b->created_at)
    return a->created_at > b->created_at ? -1 : 1;
  return -strcmp(a->message_id, b->message_id);
}

static int matches(const fake_message *fm, const msg_backend_query *q) {
  const msg_message *m = &fm->message;
  if (!has_i64(q->account_ids, q->account_id_count, m->account_id) ||
      !has_str(q->message_ids, q->message_id_count, m->message_id) ||
      !has_str(q->sender_numbers, q->sender_number_count, m->sender_number) ||
      !has_str(q->receiver_numbers, q->receiver_number_count, m->receiver_number))
    return 0;
  if ((q->has_created_after && m->created_at <= q->created_after) ||
      (q->has_created_before && m->created_at >= q->created_before))
    return 0;
  for (size_t i = 0; i < q->term_count; i++) {
    if (!has_word(fm->search_text, q->terms[i]))
      return 0;
  }
  if (q->has_cursor &&
      (m->created_at > q->cursor_created_at ||
       (m->created_at == q->cursor_created_at && strcmp(m->message_id, q->cursor_message_id) >= 0)))
    return 0;
  return 1;
}

static void remember_query(fake_backend *fake, const msg_backend_query *q) {
  fake->last_query = *q;
  for (size_t i = 0; i < q->account_id_count; i++)
    fake->last_accounts[i] = q->account_ids[i];
  for (size_t i = 0; i < q->message_id_count; i++)
    snprintf(fake->last_ids[i], sizeof fake->last_ids[i], "%s", q->message_ids[i]);
  for (size_t i = 0; i < q->sender_number_count; i++)
    snprintf(fake->last_senders[i], sizeof fake->last_senders[i], "%s", q->sender_numbers[i]);
  for (size_t i = 0; i < q->receiver_number_count; i++)
    snprintf(fake->last_receivers[i], sizeof fake->last_receivers[i], "%s", q->receiver_numbers[i]);
  for (size_t i = 0; i < q->term_count; i++)
    snprintf(fake->last_terms[i], sizeof fake->last_terms[i], "%s", q->terms[i]);
  snprintf(fake->last_cursor_id, sizeof fake->last_cursor_id, "%s",
           q->has_cursor ? q->cursor_message_id : "");
  fake->last_query.account_ids = fake->last_accounts;
  fake->last_query.message_ids = NULL;
  fake->last_query.sender_numbers = NULL;
  fake->last_query.receiver_numbers = NULL;
  fake->last_query.terms = NULL;
  fake->last_query.cursor_message_id = fake->last_cursor_id;
}

static int fake_query(msg_backend *backend, msg_backend_conn *conn, const msg_backend_query *q,
                      msg_backend_rows *rows, msg_error *err) {
  fake_backend *fake = fake_of(backend);
  pthread_mutex_lock(&fake->lock);
  fake->queries++;
  remember_query(fake, q);
  int rc = injected_failure(fake, err);
  const fake_message **found = calloc(fake->count + 1, sizeof *found);
  ck_assert_ptr_nonnull(found);
  size_t n = 0;
  for (size_t i = 0; rc == MSG_OK && i < fake->count; i++) {
    if (matches(&fake->messages[i], q))
      found[n++] = &fake->messages[i];
  }
  qsort(found, n, sizeof *found, newer_first);
  for (size_t i = 0; rc == MSG_OK && i < n && i < q->limit; i++)
    rc = push(rows, found[i], err);
  free(found);
  pthread_mutex_unlock(&fake->lock);
  return rc;
}

/* Besides counting, ping holds its connection for a moment outside the lock,
 * so that a pool lending one connection to two threads gets caught. */
static int fake_ping(msg_backend *backend, msg_backend_conn *conn, msg_error *err) {
  fake_backend *fake = fake_of(backend);
  if (conn && atomic_exchange(&conn->busy, 1))
    atomic_store(&fake->shared_conn_seen, 1);
  sched_yield();
  pthread_mutex_lock(&fake->lock);
  fake->pings++;
  int rc = injected_failure(fake, err);
  pthread_mutex_unlock(&fake->lock);
  if (conn)
    atomic_store(&conn->busy, 0);
  return rc;
}

void fake_destroy(fake_backend *fake) {
  for (size_t i = 0; i < fake->count; i++) {
    fake_message *m = &fake->messages[i];
    free((char *)m->message.message_id);
    free((char *)m->message.sender_number);
    free((char *)m->message.receiver_number);
    free((char *)m->message.body);
    free(m->idempotency_key);
    free(m->search_text);
  }
  free(fake->messages);
  free(fake->last_search_text);
  pthread_mutex_destroy(&fake->lock);
  free(fake);
}

static void fake_free(msg_backend *backend) {
  fake_destroy(fake_of(backend));
}

int fake_open_fn(msg_backend **out, unsigned int *pool_size, const char *uri,
                 const msg_store_options *opts, void *payload, msg_error *err) {
  fake_config *config = payload;
  config->opens++;
  config->seen_opts = *opts;
  snprintf(config->seen_uri, sizeof config->seen_uri, "%s", uri);
  *out = NULL;
  if (config->open_status != MSG_OK)
    return msg_error_set(err, config->open_status, "uri", "fake backend: open refused");
  fake_backend *fake = calloc(1, sizeof *fake);
  ck_assert_ptr_nonnull(fake);
  ck_assert_int_eq(pthread_mutex_init(&fake->lock, NULL), 0);
  unsigned int omit = config->omit;
  fake->parent.version =
      config->version || config->bad_version ? config->version : MSG_BACKEND_VERSION;
  fake->parent.connect = omit & FAKE_NO_CONNECT ? NULL : fake_connect;
  fake->parent.disconnect = omit & FAKE_NO_CONNECT ? NULL : fake_disconnect;
  fake->parent.migrate = omit & FAKE_NO_MIGRATE ? NULL : fake_migrate;
  fake->parent.insert = omit & FAKE_NO_INSERT ? NULL : fake_insert;
  fake->parent.query = omit & FAKE_NO_QUERY ? NULL : fake_query;
  fake->parent.ping = omit & FAKE_NO_PING ? NULL : fake_ping;
  fake->parent.free = omit & FAKE_NO_FREE ? NULL : fake_free;
  fake->parent.supports = MSG_COND_ALL; /* read only from version 2 on */
  fake->migrate_status = config->migrate_status;
  fake->refuse_connects = config->refuse_connects;
  config->backend = fake;
  if (*pool_size == 0)
    *pool_size = config->pool_size ? config->pool_size : 2;
  *out = &fake->parent;
  return MSG_OK;
}

void fake_register(const char *scheme, fake_config *config) {
  msg_backend_module module = MSG_BACKEND_MODULE_INIT;
  module.scheme = scheme;
  module.open = fake_open_fn;
  module.payload = config;
  msg_error err;
  ck_assert_int_eq(msg_backend_register(&module, &err), MSG_OK);
}

msg_store *fake_open(fake_config *config, const msg_store_options *opts) {
  fake_register("fake", config);
  msg_store *store = NULL;
  msg_error err = {0};
  int rc = msg_store_open(&store, "fake:test", opts, &err);
  ck_assert_msg(rc == MSG_OK, "opening the fake store: %s (%s)", msg_status_str(rc), err.message);
  return store;
}
