/*
 * The cursor: fuzz input is the `cursor` query parameter. It goes to the
 * library's decoder directly and to list and search on an in-memory store.
 * The decoder's check bytes make a random cursor almost never decode, so
 * the first 24 bytes of each input are also made into a well-formed cursor
 * (created_at, then the 16 id bytes) for the listed account: that drives
 * the backend's keyset query with any position, including ones no page
 * ever hands out (negative times, ids that are no UUIDv7).
 *
 * Invariants: the decoder accepts only the one canonical text of a cursor
 * (decode then encode gives the input back); list and search take exactly
 * the cursors the decoder takes for their query, so a list cursor never
 * passes for a search; a refusal is invalid input naming "cursor"; pages
 * hold only the account's messages, in order, strictly after the cursor's
 * position.
 */
#include "fuzz.h"

#include "alloc.h"
#include "cursor.h"
#include "uuid.h"

#include <stdlib.h>
#include <string.h>

#define LIMIT 3

static const int64_t account = FUZZ_ACCOUNT_A;

/* The fingerprint page.c gives listing account A (MSG_QUERY_LIST) or
 * searching for account A alone (MSG_QUERY_SEARCH). */
static void fingerprint_of(uint8_t out[MSG_FINGERPRINT_SIZE], msg__query_kind kind) {
  msg_backend_query q = {.account_ids = &account, .account_id_count = 1};
  FUZZ_CHECK(msg__cursor_fingerprint(out, kind, &q, NULL) == MSG_OK);
}

/* (created_at, id) strictly before (at, at_id) in the newest-first order. */
static int before(const msg_message *m, int64_t at, const char *at_id) {
  return m->created_at < at || (m->created_at == at && strcmp(m->message_id, at_id) < 0);
}

/* Lists or searches account A from `cursor`; `decoded` says whether the
 * decoder took it for that query and, then, at the position (at, at_id). */
static void page_from(msg__query_kind kind, const char *cursor, int decoded, int64_t at,
                      const char *at_id) {
  msg_page_request req = {LIMIT, cursor};
  msg_page *page;
  msg_error err;
  int rc;
  if (kind == MSG_QUERY_LIST) {
    rc = msg_message_list(&page, fuzz_store(), account, &req, &err);
  } else {
    msg_filter f = MSG_FILTER_INIT;
    f.account_ids = &account;
    f.account_id_count = 1;
    rc = msg_message_search(&page, fuzz_store(), &f, &req, &err);
  }
  if (!decoded) {
    FUZZ_CHECK(rc == MSG_ERR_INVALID && page == NULL);
    FUZZ_CHECK(strcmp(err.field, "cursor") == 0);
    return;
  }
  FUZZ_CHECK(rc == MSG_OK);
  fuzz_check_page(page, LIMIT);
  for (size_t i = 0; i < page->count; i++) {
    FUZZ_CHECK(page->items[i].account_id == account);
    FUZZ_CHECK(before(&page->items[i], at, at_id));
  }
  msg_page_free(page);
}

/* The input as cursor text, for the list and for the search. */
static void as_text(const char *text, msg__query_kind kind) {
  uint8_t fingerprint[MSG_FINGERPRINT_SIZE];
  fingerprint_of(fingerprint, kind);
  int64_t at = 0;
  char at_id[MSG_ID_LEN + 1] = "";
  msg_error err;
  int rc = msg__cursor_decode(&at, at_id, text, fingerprint, &err);
  FUZZ_CHECK(rc == MSG_OK || (rc == MSG_ERR_INVALID && strcmp(err.field, "cursor") == 0));
  if (rc == MSG_OK) {
    char *again;
    FUZZ_CHECK(msg__cursor_encode(&again, fingerprint, at, at_id, NULL) == MSG_OK);
    FUZZ_CHECK(strcmp(again, text) == 0);
    msg__free(again);
  }
  page_from(kind, text, rc == MSG_OK, at, at_id);
}

/* A well-formed list cursor at the position in data[0..24): the list takes
 * it, the search of the same account must not. */
static void as_position(const uint8_t *data) {
  uint8_t fingerprint[MSG_FINGERPRINT_SIZE];
  fingerprint_of(fingerprint, MSG_QUERY_LIST);
  uint64_t t = 0;
  for (int i = 0; i < 8; i++)
    t = t << 8 | data[i];
  int64_t at = (int64_t)t;
  char id[MSG_ID_LEN + 1];
  msg__uuid_format(id, data + 8);
  char *cursor;
  FUZZ_CHECK(msg__cursor_encode(&cursor, fingerprint, at, id, NULL) == MSG_OK);
  int64_t back_at;
  char back_id[MSG_ID_LEN + 1];
  FUZZ_CHECK(msg__cursor_decode(&back_at, back_id, cursor, fingerprint, NULL) == MSG_OK);
  FUZZ_CHECK(back_at == at && strcmp(back_id, id) == 0);
  page_from(MSG_QUERY_LIST, cursor, 1, at, id);
  page_from(MSG_QUERY_SEARCH, cursor, 0, 0, NULL);
  msg__free(cursor);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = fuzz_strndup(data, size);
  as_text(text, MSG_QUERY_LIST);
  as_text(text, MSG_QUERY_SEARCH);
  free(text);
  if (size >= 24)
    as_position(data);
  return 0;
}
