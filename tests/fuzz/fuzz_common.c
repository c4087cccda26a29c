/*
 * The harnesses' shared pieces: failing on a broken invariant, C strings
 * from fuzz input, the in-memory store and the checks on pages it returns.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void fuzz_fail(const char *file, int line, const char *what) {
  fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
  abort();
}

char *fuzz_strndup(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  FUZZ_CHECK(s != NULL);
  if (size > 0)
    memcpy(s, data, size);
  s[size] = '\0';
  return s;
}

/* Rows of two accounts, with and without a body, an empty body, words that
 * need case folding and NFKC, and numbers with and without '+', so that
 * searches built from the seed corpora find something and page. */
static const msg_new_message rows[] = {
    {FUZZ_ACCOUNT_A, FUZZ_SENDER, FUZZ_RECEIVER, "Hello world", NULL},
    {FUZZ_ACCOUNT_A, FUZZ_SENDER, FUZZ_RECEIVER, "Grüße aus Köln", NULL},
    {FUZZ_ACCOUNT_A, "15550000000", FUZZ_RECEIVER, "STRASSE Straße ﬁsh", NULL},
    {FUZZ_ACCOUNT_A, FUZZ_SENDER, "+4930123456", NULL, NULL},
    {FUZZ_ACCOUNT_A, "+4930123456", FUZZ_SENDER, "", NULL},
    {FUZZ_ACCOUNT_A, FUZZ_SENDER, FUZZ_RECEIVER, "order 17 shipped; ' OR 1=1 --", NULL},
    {FUZZ_ACCOUNT_A, FUZZ_SENDER, FUZZ_RECEIVER, "hello again world", "seed-key-1"},
    {FUZZ_ACCOUNT_B, FUZZ_SENDER, FUZZ_RECEIVER, "Hello world", NULL},
    {FUZZ_ACCOUNT_B, "999", "+999", "日本語のテキスト", NULL},
    {FUZZ_ACCOUNT_B, FUZZ_RECEIVER, FUZZ_SENDER, "emoji 😀 and more", NULL},
    {FUZZ_ACCOUNT_B, FUZZ_SENDER, FUZZ_RECEIVER, "% _ \\ percent underscore", NULL},
    {FUZZ_ACCOUNT_B, FUZZ_SENDER, FUZZ_RECEIVER, NULL, NULL},
};

msg_store *fuzz_store(void) {
  static msg_store *store;
  if (store)
    return store;
  msg_error err;
  if (msg_store_open(&store, "sqlite::memory:", NULL, &err) != MSG_OK) {
    fprintf(stderr, "fuzz: opening sqlite::memory: failed: %s\n", err.message);
    abort();
  }
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    msg_message *m;
    if (msg_message_create(&m, NULL, store, &rows[i], &err) != MSG_OK) {
      fprintf(stderr, "fuzz: storing row %zu failed: %s\n", i, err.message);
      abort();
    }
    msg_message_free(m);
  }
  return store;
}

static int in_strings(const char *value, const char *const *set, size_t count, int fold) {
  for (size_t i = 0; i < count; i++) {
    if ((fold ? strcasecmp(value, set[i]) : strcmp(value, set[i])) == 0)
      return 1;
  }
  return 0;
}

int fuzz_matches_filter(const msg_message *m, const msg_filter *f) {
  int account = f->account_id_count == 0;
  for (size_t i = 0; !account && i < f->account_id_count; i++)
    account = f->account_ids[i] == m->account_id;
  return account &&
         (f->message_id_count == 0 ||
          in_strings(m->message_id, f->message_ids, f->message_id_count, 1)) &&
         (f->sender_number_count == 0 ||
          in_strings(m->sender_number, f->sender_numbers, f->sender_number_count, 0)) &&
         (f->receiver_number_count == 0 ||
          in_strings(m->receiver_number, f->receiver_numbers, f->receiver_number_count, 0)) &&
         (!f->has_created_after || m->created_at > f->created_after) &&
         (!f->has_created_before || m->created_at < f->created_before);
}

void fuzz_check_page(const msg_page *page, int64_t limit) {
  FUZZ_CHECK(page != NULL);
  FUZZ_CHECK(page->count <= (size_t)limit);
  FUZZ_CHECK(page->count > 0 || page->next_cursor == NULL);
  for (size_t i = 1; i < page->count; i++) {
    const msg_message *newer = &page->items[i - 1], *older = &page->items[i];
    FUZZ_CHECK(newer->created_at > older->created_at ||
               (newer->created_at == older->created_at &&
                strcmp(newer->message_id, older->message_id) > 0));
  }
}
