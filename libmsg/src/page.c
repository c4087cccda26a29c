/*
 * List and search. Both become one canonical backend query (sets validated,
 * deduplicated and sorted, ids in canonical case, text split into terms), so
 * equivalent filters share cursors and every backend sees the same input.
 * The core asks for one row more than the page holds: that extra row is how
 * it knows a next page exists without ever returning an empty last page.
 */
#include "alloc.h"
#include "backend_call.h"
#include "cursor.h"
#include "pool.h"
#include "rows.h"
#include "text.h"
#include "validate.h"

#include <stdlib.h>
#include <string.h>

/* The canonical query and the storage it points into. */
typedef struct canonical {
  msg_backend_query query;
  int64_t *account_ids;
  char (*id_storage)[MSG_ID_LEN + 1];
  const char **ids;
  const char **senders;
  const char **receivers;
  msg__terms terms;
} canonical;

static void canonical_free(canonical *c) {
  msg__free(c->account_ids);
  msg__free(c->id_storage);
  msg__free((void *)c->ids);
  msg__free((void *)c->senders);
  msg__free((void *)c->receivers);
  msg__text_terms_free(&c->terms);
}

static int compare_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

static int compare_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int check_set(const void *values, size_t count, const char *field, msg_error *err) {
  if (count > MSG_FILTER_VALUES_MAX)
    return msg_error_set(err, MSG_ERR_INVALID, field, "%s accepts at most %d values", field,
                         MSG_FILTER_VALUES_MAX);
  if (count > 0 && !values)
    return msg_error_set(err, MSG_ERR_INVALID, field, "%s values must not be NULL", field);
  return MSG_OK;
}

/* Sorts `items` and drops duplicates; returns the new count. */
static size_t sort_unique_strings(const char **items, size_t count) {
  qsort(items, count, sizeof *items, compare_str);
  size_t unique = 0;
  for (size_t i = 0; i < count; i++) {
    if (unique == 0 || strcmp(items[unique - 1], items[i]) != 0)
      items[unique++] = items[i];
  }
  return unique;
}

static int canonical_accounts(canonical *c, const int64_t *ids, size_t count, msg_error *err) {
  int rc = check_set(ids, count, "account_id", err);
  if (rc != MSG_OK || count == 0)
    return rc;
  for (size_t i = 0; i < count; i++) {
    if ((rc = msg__validate_account_id(ids[i], err)) != MSG_OK)
      return rc;
  }
  c->account_ids = msg__malloc(count * sizeof *c->account_ids);
  if (!c->account_ids)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory preparing the query");
  memcpy(c->account_ids, ids, count * sizeof *ids);
  qsort(c->account_ids, count, sizeof *c->account_ids, compare_i64);
  size_t unique = 0;
  for (size_t i = 0; i < count; i++) {
    if (unique == 0 || c->account_ids[unique - 1] != c->account_ids[i])
      c->account_ids[unique++] = c->account_ids[i];
  }
  c->query.account_ids = c->account_ids;
  c->query.account_id_count = unique;
  return MSG_OK;
}

static int canonical_ids(canonical *c, const char *const *ids, size_t count, msg_error *err) {
  int rc = check_set(ids, count, "message_id", err);
  if (rc != MSG_OK || count == 0)
    return rc;
  c->id_storage = msg__malloc(count * sizeof *c->id_storage);
  c->ids = msg__malloc(count * sizeof *c->ids);
  if (!c->id_storage || !c->ids)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory preparing the query");
  for (size_t i = 0; i < count; i++) {
    if ((rc = msg__validate_uuid(ids[i], c->id_storage[i], "message_id", err)) != MSG_OK)
      return rc;
    c->ids[i] = c->id_storage[i];
  }
  c->query.message_ids = c->ids;
  c->query.message_id_count = sort_unique_strings(c->ids, count);
  return MSG_OK;
}

static int canonical_numbers(const char ***storage, const char *const **out_items,
                             size_t *out_count, const char *const *numbers, size_t count,
                             const char *field, msg_error *err) {
  int rc = check_set(numbers, count, field, err);
  if (rc != MSG_OK || count == 0)
    return rc;
  for (size_t i = 0; i < count; i++) {
    if ((rc = msg__validate_number(numbers[i], field, err)) != MSG_OK)
      return rc;
  }
  *storage = msg__malloc(count * sizeof **storage);
  if (!*storage)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory preparing the query");
  memcpy(*storage, numbers, count * sizeof *numbers);
  *out_items = *storage;
  *out_count = sort_unique_strings(*storage, count);
  return MSG_OK;
}

static int canonicalise(canonical *c, const msg_filter *f, msg_error *err) {
  int rc = canonical_accounts(c, f->account_ids, f->account_id_count, err);
  if (rc == MSG_OK)
    rc = canonical_ids(c, f->message_ids, f->message_id_count, err);
  if (rc == MSG_OK)
    rc = canonical_numbers(&c->senders, &c->query.sender_numbers, &c->query.sender_number_count,
                           f->sender_numbers, f->sender_number_count, "sender_number", err);
  if (rc == MSG_OK)
    rc = canonical_numbers(&c->receivers, &c->query.receiver_numbers,
                           &c->query.receiver_number_count, f->receiver_numbers,
                           f->receiver_number_count, "receiver_number", err);
  if (rc != MSG_OK)
    return rc;
  if (f->has_created_after && f->has_created_before && f->created_before <= f->created_after)
    return msg_error_set(err, MSG_ERR_INVALID, "created_before",
                         "created_before must be later than created_after");
  c->query.has_created_after = f->has_created_after;
  c->query.created_after = f->has_created_after ? f->created_after : 0;
  c->query.has_created_before = f->has_created_before;
  c->query.created_before = f->has_created_before ? f->created_before : 0;
  if (f->q) {
    if ((rc = msg__text_terms(&c->terms, f->q, err)) != MSG_OK)
      return rc;
    c->query.terms = (const char *const *)c->terms.items;
    c->query.term_count = c->terms.count;
  }
  return MSG_OK;
}

/* Runs a canonical query for one page. */
static int run_page(msg_page **out, msg_store *store, msg_backend_query *query,
                    msg__query_kind kind, const msg_page_request *req, msg_error *err) {
  msg_page_request defaults = MSG_PAGE_REQUEST_INIT;
  if (!req)
    req = &defaults;
  int rc = msg__validate_limit(req->limit, err);
  if (rc != MSG_OK)
    return rc;
  uint8_t fingerprint[MSG_FINGERPRINT_SIZE];
  if ((rc = msg__cursor_fingerprint(fingerprint, kind, query, err)) != MSG_OK)
    return rc;
  char cursor_id[MSG_ID_LEN + 1];
  if (req->cursor) {
    rc = msg__cursor_decode(&query->cursor_created_at, cursor_id, req->cursor, fingerprint, err);
    if (rc != MSG_OK)
      return rc;
    query->has_cursor = true;
    query->cursor_message_id = cursor_id;
  }
  size_t limit = (size_t)req->limit;
  query->limit = limit + 1;

  msg_backend_rows rows;
  msg__rows_init(&rows);
  msg__rows_expect(&rows, query->limit);
  msg_backend_conn *conn;
  rc = msg__pool_acquire(store, &conn, err);
  if (rc == MSG_OK) {
    rc = msg__call_query(store, conn, query, &rows, err);
    msg__pool_release(store, conn, rc);
  }
  char *next = NULL;
  if (rc == MSG_OK && rows.count > limit) {
    const msg_message *last = &rows.items[limit - 1];
    rc = msg__cursor_encode(&next, fingerprint, last->created_at, last->message_id, err);
  }
  if (rc == MSG_OK)
    rc = msg__page_build(out, &rows, rows.count > limit ? limit : rows.count, next, err);
  msg__free(next);
  msg__rows_clear(&rows);
  return rc;
}

MSG_EXTERN int msg_message_list(msg_page **out, msg_store *store, int64_t account_id,
                                const msg_page_request *req, msg_error *err) {
  msg_error local;
  if (!err)
    err = &local;
  if (!out || !store)
    return msg_error_set(err, MSG_ERR_INVALID, NULL, "out and store must not be NULL");
  *out = NULL;
  int rc = msg__validate_account_id(account_id, err);
  if (rc != MSG_OK)
    return rc;
  msg_backend_query query = {0};
  query.account_ids = &account_id;
  query.account_id_count = 1;
  return run_page(out, store, &query, MSG_QUERY_LIST, req, err);
}

MSG_EXTERN int msg_message_search(msg_page **out, msg_store *store, const msg_filter *filter,
                                  const msg_page_request *req, msg_error *err) {
  msg_error local;
  if (!err)
    err = &local;
  if (!out || !store)
    return msg_error_set(err, MSG_ERR_INVALID, NULL, "out and store must not be NULL");
  *out = NULL;
  msg_filter empty = MSG_FILTER_INIT;
  canonical c = {0};
  int rc = canonicalise(&c, filter ? filter : &empty, err);
  if (rc == MSG_OK)
    rc = run_page(out, store, &c.query, MSG_QUERY_SEARCH, req, err);
  canonical_free(&c);
  return rc;
}
