/*
 * Helpers for the conformance cases (see conformance.h): the store fixture,
 * per-case random accounts and numbers, error assertions, row lists and the
 * page walker that checks ordering and cursors on every page it reads.
 */
#include "conformance.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

const char *conf_uri;
msg_store *conf_store;
char conf_poison_byte;

/* The case's random base: 40 bits, so that base << 13 | k stays within
 * MSG_ACCOUNT_ID_MAX (2^53 - 1) and 13 decimal digits. */
static uint64_t case_base;

uint64_t conf_random(void) {
  uint64_t v = 0;
  FILE *f = fopen("/dev/urandom", "rb");
  ck_assert_msg(f != NULL, "cannot open /dev/urandom");
  size_t n = fread(&v, sizeof v, 1, f);
  fclose(f);
  ck_assert_msg(n == 1, "cannot read /dev/urandom");
  return v;
}

void conf_setup(void) {
  case_base = conf_random() & ((UINT64_C(1) << 40) - 1);
  conf_store = conf_open(NULL);
}

void conf_teardown(void) {
  msg_store_close(conf_store);
  conf_store = NULL;
}

bool conf_uri_is_persistent(void) {
  return strcmp(conf_uri, "sqlite::memory:") != 0;
}

msg_store *conf_open(const msg_store_options *opts) {
  msg_store *store = CONF_POISON;
  msg_error err;
  int rc = msg_store_open(&store, conf_uri, opts, &err);
  CONF_ASSERT_OK(rc, err);
  ck_assert_ptr_nonnull(store);
  ck_assert_ptr_ne(store, CONF_POISON);
  return store;
}

int64_t conf_account(unsigned int k) {
  ck_assert_uint_ge(k, 1);
  ck_assert_uint_le(k, CONF_KEYS_MAX);
  return (int64_t)(case_base << 13 | k);
}

void conf_number(char out[CONF_NUMBER_SIZE], unsigned int k) {
  ck_assert_uint_le(k, 99);
  snprintf(out, CONF_NUMBER_SIZE, "+%013" PRIu64 "%02u", case_base, k);
}

void conf_random_uuid(char out[MSG_ID_LEN + 1]) {
  static const char hex[] = "0123456789abcdef";
  uint64_t hi = conf_random(), lo = conf_random();
  size_t o = 0;
  for (int i = 0; i < 32; i++) {
    if (i == 8 || i == 12 || i == 16 || i == 20)
      out[o++] = '-';
    unsigned int nib =
        (unsigned int)((i < 16 ? hi >> (60 - 4 * i) : lo >> (60 - 4 * (i - 16))) & 0xf);
    if (i == 12)
      nib = 4;
    if (i == 16)
      nib = 8 | (nib & 3);
    out[o++] = hex[nib];
  }
  out[o] = '\0';
}

int64_t conf_now_micros(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void conf_error_poison(msg_error *err) {
  memset(err, 0x5a, sizeof *err);
}

bool conf_error_is_poisoned(const msg_error *err) {
  const unsigned char *p = (const unsigned char *)err;
  for (size_t i = 0; i < sizeof *err; i++) {
    if (p[i] != 0x5a)
      return false;
  }
  return true;
}

void conf_check_error(const char *where, int rc, const msg_error *err, int status,
                      const char *field) {
  /* On success the record is untouched (maybe uninitialised): name no field. */
  ck_assert_msg(rc != MSG_OK, "%s: expected %s, got ok", where, msg_status_str(status));
  ck_assert_msg(rc == status, "%s: expected %s, got %s (%d), field '%s': %s", where,
                msg_status_str(status), msg_status_str(rc), rc, err->field, err->message);
  ck_assert_msg(err->status == status, "%s: err.status is %d, the call returned %d", where,
                err->status, rc);
  ck_assert_msg(memchr(err->field, '\0', sizeof err->field) != NULL,
                "%s: err.field is not terminated", where);
  ck_assert_msg(strcmp(err->field, field) == 0, "%s: expected field '%s', got '%s' (%s)", where,
                field, err->field, err->message);
  ck_assert_msg(memchr(err->message, '\0', sizeof err->message) != NULL,
                "%s: err.message is not terminated", where);
  ck_assert_msg(err->message[0] != '\0', "%s: err.message is empty", where);
}

msg_new_message conf_new(int64_t account_id, const char *sender, const char *receiver,
                         const char *body) {
  msg_new_message in = {account_id, sender, receiver, body, NULL};
  return in;
}

msg_message *conf_create(const msg_new_message *in) {
  msg_message *m = CONF_POISON;
  bool replayed = true;
  msg_error err;
  int rc = msg_message_create(&m, &replayed, conf_store, in, &err);
  CONF_ASSERT_OK(rc, err);
  ck_assert_ptr_nonnull(m);
  ck_assert_ptr_ne(m, CONF_POISON);
  ck_assert_msg(!replayed, "a first create reported a replay");
  return m;
}

msg_message *conf_create_simple(int64_t account_id, const char *sender, const char *receiver,
                                const char *body) {
  msg_new_message in = conf_new(account_id, sender, receiver, body);
  return conf_create(&in);
}

void conf_assert_same_message(const char *where, const msg_message *got, const msg_message *want) {
  ck_assert_msg(strcmp(got->message_id, want->message_id) == 0, "%s: message_id %s, want %s", where,
                got->message_id, want->message_id);
  ck_assert_msg(got->account_id == want->account_id, "%s: %s account_id %" PRId64 ", want %" PRId64,
                where, want->message_id, got->account_id, want->account_id);
  ck_assert_msg(strcmp(got->sender_number, want->sender_number) == 0,
                "%s: %s sender_number '%s', want '%s'", where, want->message_id, got->sender_number,
                want->sender_number);
  ck_assert_msg(strcmp(got->receiver_number, want->receiver_number) == 0,
                "%s: %s receiver_number '%s', want '%s'", where, want->message_id,
                got->receiver_number, want->receiver_number);
  if (want->body == NULL) {
    ck_assert_msg(got->body == NULL, "%s: %s body '%s', want no body (NULL)", where,
                  want->message_id, got->body);
  } else {
    ck_assert_msg(got->body != NULL, "%s: %s has no body, want '%s'", where, want->message_id,
                  want->body);
    ck_assert_msg(strcmp(got->body, want->body) == 0, "%s: %s body '%s', want '%s'", where,
                  want->message_id, got->body, want->body);
  }
  ck_assert_msg(got->created_at == want->created_at, "%s: %s created_at %" PRId64 ", want %" PRId64,
                where, want->message_id, got->created_at, want->created_at);
}

static char *dup_or_null(const char *s) {
  if (!s)
    return NULL;
  char *copy = strdup(s);
  ck_assert_msg(copy != NULL, "out of memory");
  return copy;
}

void conf_rows_push(conf_rows *rows, const msg_message *m) {
  if (rows->count == rows->capacity) {
    size_t capacity = rows->capacity ? rows->capacity * 2 : 16;
    msg_message *items = realloc(rows->items, capacity * sizeof *items);
    ck_assert_msg(items != NULL, "out of memory");
    rows->items = items;
    rows->capacity = capacity;
  }
  msg_message *copy = &rows->items[rows->count++];
  *copy = *m;
  copy->message_id = dup_or_null(m->message_id);
  copy->sender_number = dup_or_null(m->sender_number);
  copy->receiver_number = dup_or_null(m->receiver_number);
  copy->body = dup_or_null(m->body);
}

void conf_rows_free(conf_rows *rows) {
  for (size_t i = 0; i < rows->count; i++) {
    free((char *)rows->items[i].message_id);
    free((char *)rows->items[i].sender_number);
    free((char *)rows->items[i].receiver_number);
    free((char *)rows->items[i].body);
  }
  free(rows->items);
  *rows = (conf_rows){0};
}

long conf_rows_find(const conf_rows *rows, const char *id) {
  for (size_t i = 0; i < rows->count; i++) {
    if (strcasecmp(rows->items[i].message_id, id) == 0)
      return (long)i;
  }
  return -1;
}

bool conf_before(const msg_message *a, const msg_message *b) {
  if (a->created_at != b->created_at)
    return a->created_at > b->created_at;
  return strcmp(a->message_id, b->message_id) > 0;
}

static int compare_page_order(const void *pa, const void *pb) {
  const msg_message *a = pa, *b = pb;
  if (conf_before(a, b))
    return -1;
  return conf_before(b, a) ? 1 : 0;
}

void conf_rows_sort(conf_rows *rows) {
  if (rows->count > 1)
    qsort(rows->items, rows->count, sizeof *rows->items, compare_page_order);
}

void conf_assert_same_rows(const char *where, const conf_rows *got, const conf_rows *want) {
  size_t n = got->count < want->count ? got->count : want->count;
  for (size_t i = 0; i < n; i++) {
    ck_assert_msg(strcmp(got->items[i].message_id, want->items[i].message_id) == 0,
                  "%s: row %zu is %s, want %s (%zu rows, want %zu)", where, i,
                  got->items[i].message_id, want->items[i].message_id, got->count, want->count);
    conf_assert_same_message(where, &got->items[i], &want->items[i]);
  }
  ck_assert_msg(got->count == want->count, "%s: %zu rows, want %zu", where, got->count,
                want->count);
}

int conf_list_page(msg_page **out, const msg_page_request *req, const void *account_id,
                   msg_error *err) {
  return msg_message_list(out, conf_store, *(const int64_t *)account_id, req, err);
}

int conf_search_page(msg_page **out, const msg_page_request *req, const void *filter,
                     msg_error *err) {
  return msg_message_search(out, conf_store, filter, req, err);
}

msg_page *conf_page(conf_page_fn fn, const void *ctx, int64_t limit, const char *cursor) {
  msg_page_request req = {limit, cursor};
  msg_page *page = CONF_POISON;
  msg_error err;
  int rc = fn(&page, &req, ctx, &err);
  CONF_ASSERT_OK(rc, err);
  ck_assert_ptr_nonnull(page);
  ck_assert_ptr_ne(page, CONF_POISON);
  ck_assert_msg(page->count <= (size_t)limit, "a page of %zu rows for limit %" PRId64, page->count,
                limit);
  ck_assert_msg(page->count == 0 || page->items != NULL, "a page of %zu rows without items",
                page->count);
  return page;
}

size_t conf_walk(conf_rows *out, conf_page_fn fn, const void *ctx, int64_t limit,
                 const conf_rows *keep) {
  char *cursor = NULL;
  msg_message last = {0};
  char last_id[MSG_ID_LEN + 1] = "";
  size_t pages = 0, rows = 0;
  for (;;) {
    msg_page *page = conf_page(fn, ctx, limit, cursor);
    free(cursor);
    cursor = NULL;
    pages++;
    ck_assert_msg(pages == 1 || page->count > 0, "page %zu is empty after a next_cursor", pages);
    if (page->next_cursor) {
      ck_assert_msg(page->count == (size_t)limit,
                    "page %zu has a next_cursor but only %zu of %" PRId64 " rows", pages,
                    page->count, limit);
    }
    for (size_t i = 0; i < page->count; i++) {
      const msg_message *m = &page->items[i];
      ck_assert_msg(m->message_id && strlen(m->message_id) == MSG_ID_LEN,
                    "page %zu row %zu has a malformed message_id", pages, i);
      if (rows > 0) {
        ck_assert_msg(conf_before(&last, m),
                      "page %zu row %zu (%s at %" PRId64 ") does not come after %s at %" PRId64,
                      pages, i, m->message_id, m->created_at, last_id, last.created_at);
      }
      memcpy(last_id, m->message_id, MSG_ID_LEN + 1);
      last.message_id = last_id;
      last.created_at = m->created_at;
      rows++;
      if (!keep || conf_rows_find(keep, m->message_id) >= 0)
        conf_rows_push(out, m);
    }
    if (!page->next_cursor) {
      msg_page_free(page);
      return pages;
    }
    cursor = strdup(page->next_cursor);
    ck_assert_msg(cursor != NULL, "out of memory");
    msg_page_free(page);
  }
}

size_t conf_walk_list(conf_rows *out, int64_t account_id, int64_t limit) {
  return conf_walk(out, conf_list_page, &account_id, limit, NULL);
}

TCase *conf_tcase(const char *name, double timeout_seconds) {
  TCase *tc = tcase_create(name);
  tcase_add_checked_fixture(tc, conf_setup, conf_teardown);
  tcase_set_timeout(tc, timeout_seconds);
  return tc;
}
