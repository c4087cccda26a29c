/*
 * Values to and from libpq. Parameters go as text in PostgreSQL's input
 * syntax (numbers, array literals, a tsquery), except times, which go as
 * binary timestamptz: an integer count of microseconds, so nothing on the
 * way passes through floating point. Rows come back in binary for the same
 * reason: a timestamptz is read as the server's own integer (SQL such as
 * extract(epoch ...) is exact for most times, but not for all of them).
 *
 * Every text value is escaped for the syntax it enters, even where the core
 * has already restricted the characters: a value never becomes part of the
 * SQL text, and must not become part of any other syntax either.
 */
#include "pg_backend.h"

#include "builtin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Microseconds from 1970-01-01 to 2000-01-01, PostgreSQL's epoch. */
#define PG_EPOCH_OFFSET INT64_C(946684800000000)

/* The earliest timestamptz (4714-11-24 00:00 UTC, Julian day 0) in
 * microseconds since 1970. The latest one lies beyond INT64_MAX here. */
#define PG_TIME_MIN INT64_C(-210866803200000000)

void msg__pg_params_init(pg_params *p, int count) {
  memset(p, 0, sizeof *p);
  p->count = count;
}

void msg__pg_params_free(pg_params *p) {
  for (int i = 0; i < PG_PARAMS_MAX; i++) {
    free(p->owned[i]);
    p->owned[i] = NULL;
  }
}

void msg__pg_param_text(pg_params *p, int n, const char *value) {
  p->values[n - 1] = value;
  p->formats[n - 1] = 0;
}

void msg__pg_param_int64(pg_params *p, int n, int64_t value) {
  snprintf(p->inline_values[n - 1], sizeof p->inline_values[0], "%lld", (long long)value);
  msg__pg_param_text(p, n, p->inline_values[n - 1]);
}

int msg__pg_time_in_range(int64_t micros) {
  return micros >= PG_TIME_MIN;
}

void msg__pg_param_time(pg_params *p, int n, int64_t micros) {
  /* INT64_MIN is -infinity; no int64 is past the latest timestamptz. */
  uint64_t v =
      msg__pg_time_in_range(micros) ? (uint64_t)(micros - PG_EPOCH_OFFSET) : (uint64_t)INT64_MIN;
  unsigned char *out = (unsigned char *)p->inline_values[n - 1];
  for (int i = 7; i >= 0; i--) {
    out[i] = (unsigned char)(v & 0xff);
    v >>= 8;
  }
  p->values[n - 1] = p->inline_values[n - 1];
  p->lengths[n - 1] = 8;
  p->formats[n - 1] = 1;
}

/* A growable string; after an allocation failure it stays failed. */
typedef struct text {
  char *data;
  size_t len, cap;
  int failed;
} text;

static void add(text *t, const char *s, size_t n) {
  if (t->failed)
    return;
  if (t->len + n + 1 > t->cap) {
    size_t cap = (t->cap ? t->cap * 2 : 128) + n;
    char *grown = realloc(t->data, cap);
    if (!grown) {
      t->failed = 1;
      return;
    }
    t->data = grown;
    t->cap = cap;
  }
  memcpy(t->data + t->len, s, n);
  t->len += n;
  t->data[t->len] = '\0';
}

static void add_str(text *t, const char *s) {
  add(t, s, strlen(s));
}

/* Appends `s`, putting `escape` before every character found in `special`. */
static void add_escaped(text *t, const char *s, const char *special, char escape) {
  for (const char *p = s; *p; p++) {
    if (strchr(special, *p))
      add(t, &escape, 1);
    add(t, p, 1);
  }
}

/* Hands the built string to parameter `n` (the set owns it from now on). */
static void take(pg_params *p, int n, text *t) {
  if (t->failed || !t->data) {
    free(t->data);
    p->failed = 1;
    return;
  }
  free(p->owned[n - 1]);
  p->owned[n - 1] = t->data;
  msg__pg_param_text(p, n, t->data);
}

void msg__pg_param_int64_array(pg_params *p, int n, const int64_t *values, size_t count) {
  text t = {0};
  add_str(&t, "{");
  for (size_t i = 0; i < count; i++) {
    char number[24];
    snprintf(number, sizeof number, "%s%lld", i ? "," : "", (long long)values[i]);
    add_str(&t, number);
  }
  add_str(&t, "}");
  take(p, n, &t);
}

/* Array literal {"a","b"}: inside double quotes only '"' and '\' are special. */
void msg__pg_param_text_array(pg_params *p, int n, const char *const *values, size_t count) {
  text t = {0};
  add_str(&t, "{");
  for (size_t i = 0; i < count; i++) {
    add_str(&t, i ? ",\"" : "\"");
    add_escaped(&t, values[i], "\"\\", '\\');
    add_str(&t, "\"");
  }
  add_str(&t, "}");
  take(p, n, &t);
}

/* Inside a quoted tsquery lexeme a quote is doubled and a backslash escapes
 * the next character, so both get a backslash. */
void msg__pg_param_tsquery(pg_params *p, int n, const char *const *terms, size_t count) {
  text t = {0};
  for (size_t i = 0; i < count; i++) {
    add_str(&t, i ? " & '" : "'");
    add_escaped(&t, terms[i], "'\\", '\\');
    add_str(&t, "'");
  }
  take(p, n, &t);
}

static uint64_t read_be64(const unsigned char *in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++)
    v = v << 8 | in[i];
  return v;
}

/* A binary int8 or timestamptz field (8 bytes, big-endian). */
static int read_int64(PGresult *res, int row, int col, int64_t *out) {
  if (PQgetisnull(res, row, col) || PQgetlength(res, row, col) != 8)
    return -1;
  *out = (int64_t)read_be64((const unsigned char *)PQgetvalue(res, row, col));
  return 0;
}

/* A binary uuid (16 bytes) as canonical lowercase text. */
static int read_uuid(PGresult *res, int row, int col, char out[MSG_ID_LEN + 1]) {
  static const char hex[] = "0123456789abcdef";
  if (PQgetisnull(res, row, col) || PQgetlength(res, row, col) != 16)
    return -1;
  const unsigned char *in = (const unsigned char *)PQgetvalue(res, row, col);
  size_t o = 0;
  for (int i = 0; i < 16; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      out[o++] = '-';
    out[o++] = hex[in[i] >> 4];
    out[o++] = hex[in[i] & 0xf];
  }
  out[o] = '\0';
  return 0;
}

/* A binary timestamptz as microseconds since 1970. Infinity, or a time an
 * int64 cannot hold in our epoch, was not written by this backend. */
static int read_time(PGresult *res, int row, int col, int64_t *out) {
  int64_t pg;
  if (read_int64(res, row, col, &pg) != 0 || pg == INT64_MIN || pg == INT64_MAX ||
      pg > INT64_MAX - PG_EPOCH_OFFSET)
    return -1;
  *out = pg + PG_EPOCH_OFFSET;
  return 0;
}

int msg__pg_push_row(PGresult *res, int row, msg_backend_rows *rows, msg_error *err) {
  char id[MSG_ID_LEN + 1];
  /* Text arrives as its bytes; libpq still ends every value with a NUL. */
  msg_message m = {
      .message_id = id,
      .sender_number = PQgetvalue(res, row, 2),
      .receiver_number = PQgetvalue(res, row, 3),
      .body = PQgetisnull(res, row, 4) ? NULL : PQgetvalue(res, row, 4),
  };
  if (PQnfields(res) != 6 || read_uuid(res, row, 0, id) != 0 ||
      read_int64(res, row, 1, &m.account_id) != 0 || read_time(res, row, 5, &m.created_at) != 0)
    return msg_error_set(err, MSG_ERR_INTERNAL, NULL,
                         "postgres: a stored message has an unreadable id, account or time");
  /* The id was formatted just above from 16 bytes and the numbers are NOT
   * NULL columns: nothing is left for msg_backend_rows_push to check. */
  return msg__rows_push_trusted(rows, &m, err);
}
