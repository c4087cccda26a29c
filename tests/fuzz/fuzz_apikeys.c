/*
 * The API keys file: fuzz input is the whole file. It is parsed, written
 * back in canonical form and parsed again, and extended by one line for a
 * token made from the input, which must then be found.
 *
 * Invariants: a refusal says why and on which line (within the file); an
 * accepted file holds keys that obey the format (account range or `*`,
 * label characters and length, no hash twice); the canonical text of the
 * keys parses to the same keys; msg__apikeys_find returns exactly the key
 * whose hash is the token's SHA-256; after adding a line for a new token,
 * that token finds that line's key and every earlier key is still there.
 */
#include "fuzz.h"

#include "apikeys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tokens whose hashes the seed corpus holds (seed files name them), so
 * that finding a known token is exercised from the first input on. */
static const char *const known_tokens[] = {"token-account-1", "token-operator", "token-account-2"};

/* Room for one key line as format_line writes it (hash, account or `*`,
 * label, blanks, newline), with slack. */
#define LINE_MAX_LEN (7 + 2 * APIKEY_HASH_LEN + 1 + 16 + 2 + APIKEY_LABEL_MAX + 1 + 8)

static int label_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         (c != '\0' && strchr("._:@/-", c) != NULL);
}

static void check_keys(const apikeys *keys) {
  for (size_t i = 0; i < keys->count; i++) {
    const apikey *k = &keys->items[i];
    FUZZ_CHECK(k->any_account ||
               (k->account_id >= 1 && k->account_id <= (int64_t)MSG_ACCOUNT_ID_MAX));
    size_t n = strnlen(k->label, sizeof k->label);
    FUZZ_CHECK(n <= APIKEY_LABEL_MAX);
    for (size_t c = 0; c < n; c++)
      FUZZ_CHECK(label_char(k->label[c]));
    for (size_t j = 0; j < i; j++)
      FUZZ_CHECK(memcmp(keys->items[j].hash, k->hash, APIKEY_HASH_LEN) != 0);
  }
}

/* One key as a line of the file, into `out` (LINE_MAX_LEN + 1 bytes). */
static void format_line(char *out, const unsigned char hash[APIKEY_HASH_LEN], int any_account,
                        int64_t account_id, const char *label) {
  char *p = out + sprintf(out, "sha256:");
  for (size_t i = 0; i < APIKEY_HASH_LEN; i++)
    p += sprintf(p, "%02x", hash[i]);
  if (any_account)
    p += sprintf(p, " *");
  else
    p += sprintf(p, "\t%lld", (long long)account_id);
  sprintf(p, "%s%s\n", *label ? "  " : "", label);
}

static int same_key(const apikey *a, const apikey *b) {
  return memcmp(a->hash, b->hash, APIKEY_HASH_LEN) == 0 && a->any_account == b->any_account &&
         (a->any_account || a->account_id == b->account_id) && strcmp(a->label, b->label) == 0;
}

/* find(token) is the key holding the token's hash, or NULL when none does. */
static void check_find(const apikeys *keys, const char *token, size_t len) {
  unsigned char hash[APIKEY_HASH_LEN];
  FUZZ_CHECK(msg__apikeys_hash(token, len, hash) == 0);
  const apikey *want = NULL;
  for (size_t i = 0; i < keys->count; i++) {
    if (memcmp(keys->items[i].hash, hash, APIKEY_HASH_LEN) == 0)
      want = &keys->items[i];
  }
  FUZZ_CHECK(msg__apikeys_find(keys, token, len) == want);
}

/* The canonical text of `keys` parses back to the same keys. */
static void check_round_trip(const apikeys *keys) {
  char *text = malloc(keys->count * LINE_MAX_LEN + 1);
  FUZZ_CHECK(text != NULL);
  size_t len = 0;
  for (size_t i = 0; i < keys->count; i++) {
    const apikey *k = &keys->items[i];
    format_line(text + len, k->hash, k->any_account, k->account_id, k->label);
    len += strlen(text + len);
  }
  apikeys *back;
  apikeys_error err;
  FUZZ_CHECK(msg__apikeys_parse(text, len, &back, &err) == 0);
  FUZZ_CHECK(back->count == keys->count);
  for (size_t i = 0; i < keys->count; i++)
    FUZZ_CHECK(same_key(&back->items[i], &keys->items[i]));
  msg__apikeys_free(back);
  free(text);
}

/* Appends a line for the token data[0..size) and finds it, unless the file
 * already holds that hash (then the longer file must be refused). */
static void check_added(const uint8_t *data, size_t size, const apikeys *keys) {
  unsigned char hash[APIKEY_HASH_LEN];
  FUZZ_CHECK(msg__apikeys_hash((const char *)data, size, hash) == 0);
  int known = 0;
  for (size_t i = 0; i < keys->count; i++)
    known |= memcmp(keys->items[i].hash, hash, APIKEY_HASH_LEN) == 0;
  char *text = malloc(size + 1 + LINE_MAX_LEN + 1);
  FUZZ_CHECK(text != NULL);
  if (size > 0)
    memcpy(text, data, size);
  text[size] = '\n';
  format_line(text + size + 1, hash, 0, 7, "fuzz-added");
  apikeys *more;
  apikeys_error err;
  int rc = msg__apikeys_parse(text, size + 1 + strlen(text + size + 1), &more, &err);
  free(text);
  if (known) {
    FUZZ_CHECK(rc == -1 && more == NULL);
    return;
  }
  FUZZ_CHECK(rc == 0 && more->count == keys->count + 1);
  for (size_t i = 0; i < keys->count; i++)
    FUZZ_CHECK(same_key(&more->items[i], &keys->items[i]));
  const apikey *found = msg__apikeys_find(more, (const char *)data, size);
  FUZZ_CHECK(found == &more->items[keys->count]);
  FUZZ_CHECK(!found->any_account && found->account_id == 7 &&
             strcmp(found->label, "fuzz-added") == 0);
  msg__apikeys_free(more);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  apikeys *keys = NULL;
  apikeys_error err;
  int rc = msg__apikeys_parse((const char *)data, size, &keys, &err);
  FUZZ_CHECK(rc == 0 || rc == -1);
  if (rc != 0) {
    FUZZ_CHECK(keys == NULL);
    FUZZ_CHECK(err.message[0] != '\0' && memchr(err.message, '\0', sizeof err.message));
    size_t lines = 1;
    for (size_t i = 0; i < size; i++)
      lines += data[i] == '\n';
    FUZZ_CHECK(err.line <= lines);
    return 0;
  }
  FUZZ_CHECK(keys != NULL);
  check_keys(keys);
  for (size_t i = 0; i < sizeof known_tokens / sizeof known_tokens[0]; i++)
    check_find(keys, known_tokens[i], strlen(known_tokens[i]));
  check_find(keys, (const char *)data, size);
  check_round_trip(keys);
  check_added(data, size, keys);
  msg__apikeys_free(keys);
  return 0;
}
