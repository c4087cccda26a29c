/*
 * The query string and the search filter: fuzz input is the query string of
 * a request (the part after '?', as civetweb hands it over: a C string, so
 * input is cut at a NUL byte). It is parsed, checked against the v1 search
 * route's parameters, read into a page request and a filter as the handlers
 * do (msg__params_page_read, msg__params_search_read), and the search runs
 * on an in-memory store with a few rows.
 *
 * Invariants beyond "no crash": the parse accepts exactly what a strict
 * percent-decoder accepts, and each decoded key and value has the decoded
 * length (no NUL inside) and is UTF-8; refusals come with a reason; the
 * unknown-key, single and multi readers agree with the parsed list; a
 * refused filter names a parameter of the query; a search fails only as
 * invalid input naming a field, and every message it returns matches the
 * filter, in order, within the limit.
 */
#include "fuzz.h"

#include "params.h"
#include "query.h"

#include <stdlib.h>
#include <string.h>
#include <unistr.h>

static const char *const allowed[] = {
    "account_id",     "message_id", "sender_number", "receiver_number", "created_after",
    "created_before", "q",          "limit",         "cursor",          NULL};

static int hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The length s[0..len) decodes to, or -1 when a strict decoder must refuse
 * it for its escapes (incomplete, not hexadecimal, or %00). */
static long decoded_length(const char *s, size_t len) {
  long out = 0;
  for (size_t i = 0; i < len; i++, out++) {
    if (s[i] != '%')
      continue;
    if (i + 2 >= len || !hex(s[i + 1]) || !hex(s[i + 2]) || (s[i + 1] == '0' && s[i + 2] == '0'))
      return -1;
    i += 2;
  }
  return out;
}

/* Decodes one piece the way the parser must: accepted exactly when its
 * escapes are valid and the result is UTF-8, with the expected length. */
static void check_decode(const char *s, size_t len, int plus_is_space) {
  const char *error = NULL;
  int nomem = 0;
  char *out = msg__query_decode(s, len, plus_is_space, &error, &nomem);
  FUZZ_CHECK(!nomem);
  long expected = decoded_length(s, len);
  if (!out) {
    FUZZ_CHECK(error != NULL);
    /* Without escapes only bytes that are not UTF-8 can be refused. */
    FUZZ_CHECK(memchr(s, '%', len) || u8_check((const uint8_t *)s, len) != NULL);
    return;
  }
  FUZZ_CHECK(expected >= 0 && strlen(out) == (size_t)expected);
  FUZZ_CHECK(u8_check((const uint8_t *)out, strlen(out)) == NULL);
  if (plus_is_space)
    FUZZ_CHECK(strchr(out, '+') == NULL || memchr(s, '%', len) != NULL);
  free(out);
}

/* Does the raw query string hold a piece a strict parse must refuse? */
static int must_refuse(const char *qs) {
  for (const char *p = qs; *p;) {
    size_t len = strcspn(p, "&");
    if (decoded_length(p, len) < 0)
      return 1;
    p += len;
    if (*p)
      p++;
  }
  return 0;
}

static int has_key(const query *q, const char *key) {
  for (size_t i = 0; i < q->count; i++) {
    if (strcmp(q->items[i].key, key) == 0)
      return 1;
  }
  return 0;
}

static void check_readers(const query *q) {
  const char *unknown = msg__query_unknown_key(q, allowed);
  int any_unknown = 0;
  for (size_t i = 0; i < q->count; i++) {
    int known = 0;
    for (const char *const *a = allowed; *a; a++)
      known |= strcmp(q->items[i].key, *a) == 0;
    any_unknown |= !known;
  }
  FUZZ_CHECK(any_unknown == (unknown != NULL));

  int repeated;
  const char *cursor = msg__query_single(q, "cursor", &repeated);
  size_t seen = 0;
  for (size_t i = 0; i < q->count; i++)
    seen += strcmp(q->items[i].key, "cursor") == 0;
  FUZZ_CHECK(repeated == (seen > 1));
  FUZZ_CHECK(cursor == NULL || (*cursor != '\0' && seen > 0));
}

/* Runs the search the filter describes and checks what comes back. */
static void search(const msg_filter *f, const msg_page_request *page) {
  msg_page *result;
  msg_error err;
  int rc = msg_message_search(&result, fuzz_store(), f, page, &err);
  if (rc != MSG_OK) {
    FUZZ_CHECK(result == NULL);
    FUZZ_CHECK(rc == MSG_ERR_INVALID);
    FUZZ_CHECK(err.field[0] != '\0');
    return;
  }
  FUZZ_CHECK(page->limit >= MSG_LIMIT_MIN && page->limit <= MSG_LIMIT_MAX);
  fuzz_check_page(result, page->limit);
  for (size_t i = 0; i < result->count; i++)
    FUZZ_CHECK(fuzz_matches_filter(&result->items[i], f));
  msg_page_free(result);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *qs = fuzz_strndup(data, size);
  size_t len = strlen(qs);
  check_decode(qs, len, 1);
  check_decode(qs, len, 0);

  query q;
  const char *why = NULL;
  query_status st = msg__query_parse(&q, qs, &why);
  FUZZ_CHECK(st != QUERY_NOMEM);
  if (st == QUERY_MALFORMED) {
    FUZZ_CHECK(why != NULL);
    msg__query_free(&q);
    free(qs);
    return 0;
  }
  FUZZ_CHECK(!must_refuse(qs));
  for (size_t i = 0; i < q.count; i++) {
    FUZZ_CHECK(u8_check((const uint8_t *)q.items[i].key, strlen(q.items[i].key)) == NULL);
    FUZZ_CHECK(u8_check((const uint8_t *)q.items[i].value, strlen(q.items[i].value)) == NULL);
  }
  check_readers(&q);

  msg_page_request page = MSG_PAGE_REQUEST_INIT;
  search_params sp = {.filter = MSG_FILTER_INIT};
  params_problem problem = {0};
  if (msg__params_page_read(&q, &page, &problem) != 0 ||
      msg__params_search_read(&q, &sp, &problem) != 0) {
    FUZZ_CHECK(problem.kind != PARAMS_NOMEM && problem.field != NULL);
    FUZZ_CHECK(has_key(&q, problem.field));
  } else {
    search(&sp.filter, &page);
  }
  msg__params_search_free(&sp);
  msg__query_free(&q);
  free(qs);
  return 0;
}
