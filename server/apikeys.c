/*
 * Parsing the API keys file and finding a token's key. The parser is strict
 * (one bad line refuses the file) because the file grants access: a line
 * that was meant to revoke or restrict a key must not be skipped silently.
 */
#include "apikeys.h"

#include <msg/msg.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HASH_PREFIX "sha256:"

__attribute__((format(printf, 3, 4))) static int fail(apikeys_error *err, size_t line,
                                                      const char *fmt, ...) {
  err->line = line;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  return -1;
}

static int is_blank(char c) {
  return c == ' ' || c == '\t';
}

static int is_label_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         strchr("._:@/-", c) != NULL;
}

/* The next blank-separated field of line[*pos..len), or a zero length. */
static size_t next_field(const char *line, size_t len, size_t *pos, const char **field) {
  while (*pos < len && is_blank(line[*pos]))
    (*pos)++;
  size_t start = *pos;
  while (*pos < len && !is_blank(line[*pos]))
    (*pos)++;
  *field = line + start;
  return *pos - start;
}

static int parse_hash(const char *f, size_t n, unsigned char *out) {
  size_t prefix = sizeof HASH_PREFIX - 1;
  if (n != prefix + 2 * APIKEY_HASH_LEN || memcmp(f, HASH_PREFIX, prefix) != 0)
    return -1;
  for (size_t i = 0; i < APIKEY_HASH_LEN; i++) {
    int hi = OPENSSL_hexchar2int((unsigned char)f[prefix + 2 * i]);
    int lo = OPENSSL_hexchar2int((unsigned char)f[prefix + 2 * i + 1]);
    if (hi < 0 || lo < 0)
      return -1;
    out[i] = (unsigned char)(hi << 4 | lo);
  }
  return 0;
}

/* A decimal account id from 1 to MSG_ACCOUNT_ID_MAX, without sign or
 * leading zeros, so that each id has one spelling in the file. */
static int parse_account(const char *f, size_t n, int64_t *out) {
  if (n == 0 || n > 16 || f[0] == '0')
    return -1;
  int64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    if (f[i] < '0' || f[i] > '9')
      return -1;
    v = v * 10 + (f[i] - '0');
  }
  if (v > MSG_ACCOUNT_ID_MAX)
    return -1;
  *out = v;
  return 0;
}

static int parse_line(const char *line, size_t len, size_t line_no, apikey *key,
                      apikeys_error *err) {
  size_t pos = 0;
  const char *f;
  size_t n = next_field(line, len, &pos, &f);
  if (parse_hash(f, n, key->hash) != 0)
    return fail(err, line_no, "the first field must be sha256: and 64 hex digits");
  n = next_field(line, len, &pos, &f);
  if (n == 1 && f[0] == '*') {
    key->any_account = 1;
  } else if (parse_account(f, n, &key->account_id) != 0) {
    return fail(err, line_no, "the second field must be an account id from 1 to %lld, or *",
                (long long)MSG_ACCOUNT_ID_MAX);
  }
  n = next_field(line, len, &pos, &f);
  if (n > APIKEY_LABEL_MAX)
    return fail(err, line_no, "the label is longer than %d characters", APIKEY_LABEL_MAX);
  for (size_t i = 0; i < n; i++) {
    if (!is_label_char(f[i]))
      return fail(err, line_no, "the label may hold only letters, digits and ._:@/-");
  }
  memcpy(key->label, f, n);
  key->label[n] = '\0';
  if (next_field(line, len, &pos, &f) != 0)
    return fail(err, line_no, "unexpected text after the label");
  return 0;
}

/* A line holding only blanks, or a comment. */
static int is_ignored(const char *line, size_t len) {
  size_t i = 0;
  while (i < len && is_blank(line[i]))
    i++;
  return i == len || line[i] == '#';
}

/* A key's hash and the line it came from, for finding duplicates. */
typedef struct hash_line {
  unsigned char hash[APIKEY_HASH_LEN];
  size_t line;
} hash_line;

static int compare_hash_line(const void *a, const void *b) {
  const hash_line *x = a, *y = b;
  int c = memcmp(x->hash, y->hash, APIKEY_HASH_LEN);
  if (c)
    return c;
  return (x->line > y->line) - (x->line < y->line);
}

/* Refuses a hash that is on two lines, naming the first line that repeats
 * an earlier one. Sorting keeps this O(n log n): comparing every pair took
 * seconds for a file of some 50,000 keys, on the thread that reloads.
 * 0, -1 with *err filled, or -2 when out of memory. */
static int check_duplicates(const hash_line *lines, size_t count, apikeys_error *err) {
  if (count < 2)
    return 0;
  hash_line *sorted = malloc(count * sizeof *sorted);
  if (!sorted)
    return -2;
  memcpy(sorted, lines, count * sizeof *sorted);
  qsort(sorted, count, sizeof *sorted, compare_hash_line);
  size_t repeat = 0;
  for (size_t i = 1; i < count; i++) {
    if (memcmp(sorted[i - 1].hash, sorted[i].hash, APIKEY_HASH_LEN) == 0 &&
        (repeat == 0 || sorted[i].line < repeat))
      repeat = sorted[i].line;
  }
  free(sorted);
  if (repeat)
    return fail(err, repeat, "the same key hash is already on an earlier line");
  return 0;
}

int msg__apikeys_parse(const char *text, size_t len, apikeys **out, apikeys_error *err) {
  *out = NULL;
  err->line = 0;
  err->message[0] = '\0';
  if (memchr(text, '\0', len))
    return fail(err, 0, "the file holds a NUL byte");
  apikeys *keys = calloc(1, sizeof *keys);
  if (!keys)
    return -2;
  size_t capacity = 0, line_no = 0;
  hash_line *lines = NULL; /* parallel to keys->items */
  for (size_t start = 0; start < len;) {
    const char *nl = memchr(text + start, '\n', len - start);
    size_t end = nl ? (size_t)(nl - text) : len;
    size_t line_len = end - start;
    line_no++;
    if (line_len > 0 && text[start + line_len - 1] == '\r')
      line_len--;
    const char *line = text + start;
    start = end + 1;
    if (memchr(line, '\r', line_len)) {
      msg__apikeys_free(keys);
      free(lines);
      return fail(err, line_no, "a carriage return inside a line");
    }
    if (is_ignored(line, line_len))
      continue;
    if (keys->count == capacity) {
      size_t grown = capacity ? capacity * 2 : 16;
      apikey *items = realloc(keys->items, grown * sizeof *items);
      if (items)
        keys->items = items;
      hash_line *grown_lines = items ? realloc(lines, grown * sizeof *grown_lines) : NULL;
      if (!grown_lines) {
        msg__apikeys_free(keys);
        free(lines);
        return -2;
      }
      lines = grown_lines;
      capacity = grown;
    }
    apikey *key = &keys->items[keys->count];
    memset(key, 0, sizeof *key);
    if (parse_line(line, line_len, line_no, key, err) != 0) {
      msg__apikeys_free(keys);
      free(lines);
      return -1;
    }
    memcpy(lines[keys->count].hash, key->hash, APIKEY_HASH_LEN);
    lines[keys->count].line = line_no;
    keys->count++;
  }
  int rc = check_duplicates(lines, keys->count, err);
  free(lines);
  if (rc != 0) {
    msg__apikeys_free(keys);
    return rc;
  }
  *out = keys;
  return 0;
}

/* Reads a regular file of at most APIKEYS_FILE_MAX bytes into a new
 * buffer (*text, *len). Opened without blocking and checked with fstat
 * before any read, so that a FIFO, a device or a huge file at the path is
 * refused at once instead of holding the reloading thread. */
static int read_keys_file(const char *path, char **text, size_t *len, apikeys_error *err) {
  *text = NULL;
  *len = 0;
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return fail(err, 0, "cannot open: %s", strerror(errno));
  struct stat st;
  int rc = 0;
  if (fstat(fd, &st) != 0)
    rc = fail(err, 0, "cannot stat: %s", strerror(errno));
  else if (!S_ISREG(st.st_mode))
    rc = fail(err, 0, "not a regular file");
  else if (st.st_size > APIKEYS_FILE_MAX)
    rc = fail(err, 0, "the file is larger than %d bytes", APIKEYS_FILE_MAX);
  char *buf = rc == 0 ? malloc((size_t)st.st_size + 1) : NULL;
  if (rc == 0 && !buf)
    rc = -2;
  /* One byte more than fstat said shows a file that grew since. */
  size_t want = rc == 0 ? (size_t)st.st_size + 1 : 0, got = 0;
  while (rc == 0 && got < want) {
    ssize_t n = read(fd, buf + got, want - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      rc = fail(err, 0, "cannot read the file: %s", strerror(errno));
    else if (n == 0)
      break;
    else
      got += (size_t)n;
  }
  close(fd);
  if (rc == 0 && got > (size_t)st.st_size)
    rc = fail(err, 0, "the file changed while it was read");
  if (rc != 0) {
    free(buf);
    return rc;
  }
  *text = buf;
  *len = got;
  return 0;
}

int msg__apikeys_load(const char *path, apikeys **out, apikeys_error *err) {
  *out = NULL;
  err->line = 0;
  err->message[0] = '\0';
  char *text;
  size_t len;
  int rc = read_keys_file(path, &text, &len, err);
  if (rc != 0)
    return rc;
  rc = msg__apikeys_parse(text, len, out, err);
  free(text);
  /* An empty or comments-only file is far more likely a truncated or
   * half-written one than a wish to lock every caller out. */
  if (rc == 0 && (*out)->count == 0) {
    msg__apikeys_free(*out);
    *out = NULL;
    rc = fail(err, 0, "the file holds no key");
  }
  return rc;
}

int msg__apikeys_hash(const char *token, size_t len, unsigned char out[APIKEY_HASH_LEN]) {
  unsigned int out_len = 0;
  if (EVP_Digest(token, len, out, &out_len, EVP_sha256(), NULL) != 1 || out_len != APIKEY_HASH_LEN)
    return -1;
  return 0;
}

const apikey *msg__apikeys_find(const apikeys *keys, const char *token, size_t len) {
  unsigned char hash[APIKEY_HASH_LEN];
  if (!keys || msg__apikeys_hash(token, len, hash) != 0)
    return NULL;
  const apikey *found = NULL;
  for (size_t i = 0; i < keys->count; i++) {
    /* No early exit: every key costs the same whether or not it matches. */
    if (CRYPTO_memcmp(keys->items[i].hash, hash, APIKEY_HASH_LEN) == 0)
      found = &keys->items[i];
  }
  return found;
}

void msg__apikeys_free(apikeys *keys) {
  if (!keys)
    return;
  free(keys->items);
  free(keys);
}
