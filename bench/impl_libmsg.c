/*
 * The libmsg side: every operation through the public API, exactly as an
 * application would call it (msg.h), on the store shared by all threads.
 * A cursor walk keeps the opaque next_cursor of its previous page.
 */
#include "impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct libmsg_session {
  msg_store *store;
  char *cursor; /* the walk's next page; NULL: start over */
  int64_t walk_account;
  unsigned int depth; /* pages walked so far */
  char error[BENCH_ERROR_SIZE];
} libmsg_session;

static int fail(libmsg_session *s, const char *doing, int rc, const msg_error *err) {
  snprintf(s->error, sizeof s->error, "libmsg %s: %s (%s%s%s)", doing, err->message,
           msg_status_str(rc), err->field[0] ? ", field " : "", err->field);
  return -1;
}

static int session_open(void **out, const bench_target *target, char error[BENCH_ERROR_SIZE]) {
  libmsg_session *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(error, BENCH_ERROR_SIZE, "out of memory");
    return -1;
  }
  s->store = target->store;
  *out = s;
  return 0;
}

static void session_close(void *session) {
  libmsg_session *s = session;
  if (s)
    free(s->cursor);
  free(s);
}

static int create(void *session, const bench_item *item) {
  libmsg_session *s = session;
  msg_new_message in = {item->account_id, item->sender, item->receiver, item->body, NULL};
  msg_message *m;
  msg_error err;
  int rc = msg_message_create(&m, NULL, s->store, &in, &err);
  if (rc != MSG_OK)
    return fail(s, "create", rc, &err);
  msg_message_free(m);
  return 0;
}

static int get(void *session, const bench_item *item, bench_page *out) {
  libmsg_session *s = session;
  msg_message *m;
  msg_error err;
  int rc = msg_message_get(&m, s->store, item->message_id, &err);
  if (rc != MSG_OK)
    return fail(s, "get", rc, &err);
  out->count = 1;
  out->has_next = false;
  out->digest = msg__impl_digest(BENCH_DIGEST_INIT, m->message_id);
  msg_message_free(m);
  return 0;
}

static void reset_walk(void *session) {
  libmsg_session *s = session;
  free(s->cursor);
  s->cursor = NULL;
  s->depth = 0;
}

/* Keeps the walk's next cursor, or ends the walk after its last page. */
static int advance_walk(libmsg_session *s, const msg_page *page) {
  reset_walk(s);
  if (!page->next_cursor)
    return 0;
  s->cursor = strdup(page->next_cursor);
  if (!s->cursor) {
    snprintf(s->error, sizeof s->error, "out of memory keeping a cursor");
    return -1;
  }
  return 0;
}

static int page(void *session, bench_op op, const bench_item *item, size_t limit, bench_page *out) {
  libmsg_session *s = session;
  msg_page_request req = MSG_PAGE_REQUEST_INIT;
  req.limit = (int64_t)limit;
  msg_filter filter = MSG_FILTER_INIT;
  const char *senders[1] = {item->search_sender};
  msg_page *p = NULL;
  msg_error err;
  int rc;
  switch (op) {
  case BENCH_LIST_FIRST:
    rc = msg_message_list(&p, s->store, item->account_id, &req, &err);
    break;
  case BENCH_LIST_DEEP:
    if (s->depth >= BENCH_WALK_PAGES)
      reset_walk(s);
    req.cursor = s->cursor;
    /* A walk stays on its account until it ends; it picks one when it starts. */
    rc = msg_message_list(&p, s->store, s->cursor ? s->walk_account : item->walk_account_id, &req,
                          &err);
    break;
  case BENCH_SEARCH_SENDER:
    filter.sender_numbers = senders;
    filter.sender_number_count = 1;
    rc = msg_message_search(&p, s->store, &filter, &req, &err);
    break;
  case BENCH_SEARCH_TIME:
    filter.has_created_after = true;
    filter.created_after = item->after;
    filter.has_created_before = true;
    filter.created_before = item->before;
    rc = msg_message_search(&p, s->store, &filter, &req, &err);
    break;
  case BENCH_SEARCH_TEXT:
    filter.q = item->term;
    rc = msg_message_search(&p, s->store, &filter, &req, &err);
    break;
  default:
    snprintf(s->error, sizeof s->error, "not a page operation");
    return -1;
  }
  if (rc != MSG_OK)
    return fail(s, msg__workload_op_name(op), rc, &err);
  out->count = p->count;
  out->has_next = p->next_cursor != NULL;
  out->digest = BENCH_DIGEST_INIT;
  for (size_t i = 0; i < p->count; i++)
    out->digest = msg__impl_digest(out->digest, p->items[i].message_id);
  rc = 0;
  if (op == BENCH_LIST_DEEP) {
    int64_t account = s->cursor ? s->walk_account : item->walk_account_id;
    unsigned int depth = s->depth + 1;
    rc = advance_walk(s, p);
    if (s->cursor) {
      s->walk_account = account;
      s->depth = depth;
    }
  }
  msg_page_free(p);
  return rc;
}

static const char *error(void *session) {
  return ((libmsg_session *)session)->error;
}

const bench_impl msg__impl_libmsg = {
    "libmsg", session_open, session_close, create, get, page, reset_walk, error,
};
