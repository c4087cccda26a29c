/*
 * Binding a query's values to its search statement (see sqlite_shape.c for
 * the text). A set of one value is bound as itself; a larger set as a JSON
 * array for json_each. Terms become one FTS5 expression in which every term
 * is a quoted string, so no term can be read as FTS5 syntax (AND, NEAR,
 * column filters, '*'), and the strings are separated by spaces, which FTS5
 * reads as AND.
 */
#include "sqlite_backend.h"

/* Appends `value` as a double-quoted string: in FTS5 a quote is escaped by
 * doubling it; in JSON quotes, backslashes and control characters are
 * escaped with a backslash. */
static void append_quoted(sqlite3_str *out, const char *value, bool json) {
  sqlite3_str_appendchar(out, 1, '"');
  for (const char *p = value; *p; p++) {
    unsigned char c = (unsigned char)*p;
    if (c == '"' && !json)
      sqlite3_str_appendall(out, "\"\"");
    else if (json && (c == '"' || c == '\\'))
      sqlite3_str_appendf(out, "\\%c", c);
    else if (json && c < 0x20)
      sqlite3_str_appendf(out, "\\u%04x", c);
    else
      sqlite3_str_appendchar(out, 1, (char)c);
  }
  sqlite3_str_appendchar(out, 1, '"');
}

static char *json_strings(const char *const *values, size_t count) {
  sqlite3_str *json = sqlite3_str_new(NULL);
  sqlite3_str_appendchar(json, 1, '[');
  for (size_t i = 0; i < count; i++) {
    if (i > 0)
      sqlite3_str_appendchar(json, 1, ',');
    append_quoted(json, values[i], true);
  }
  sqlite3_str_appendchar(json, 1, ']');
  return sqlite3_str_finish(json);
}

static char *json_integers(const int64_t *values, size_t count) {
  sqlite3_str *json = sqlite3_str_new(NULL);
  sqlite3_str_appendchar(json, 1, '[');
  for (size_t i = 0; i < count; i++)
    sqlite3_str_appendf(json, "%s%lld", i > 0 ? "," : "", (long long)values[i]);
  sqlite3_str_appendchar(json, 1, ']');
  return sqlite3_str_finish(json);
}

char *msg__sqlite_match_expression(const char *const *terms, size_t count) {
  sqlite3_str *expr = sqlite3_str_new(NULL);
  for (size_t i = 0; i < count; i++) {
    if (i > 0)
      sqlite3_str_appendchar(expr, 1, ' ');
    append_quoted(expr, terms[i], false);
  }
  return sqlite3_str_finish(expr);
}

/* Binds text this file built (NULL: it ran out of memory); SQLite frees it,
 * even when binding fails. */
static int bind_built(sqlite3_stmt *s, int param, char *text) {
  return text ? sqlite3_bind_text(s, param, text, -1, sqlite3_free) : SQLITE_NOMEM;
}

static int bind_strings(sqlite3_stmt *s, int param, const char *const *values, size_t count) {
  if (count == 0)
    return SQLITE_OK;
  if (count == 1)
    return sqlite3_bind_text(s, param, values[0], -1, SQLITE_STATIC);
  return bind_built(s, param, json_strings(values, count));
}

static int bind_integers(sqlite3_stmt *s, int param, const int64_t *values, size_t count) {
  if (count == 0)
    return SQLITE_OK;
  if (count == 1)
    return sqlite3_bind_int64(s, param, values[0]);
  return bind_built(s, param, json_integers(values, count));
}

int msg__sqlite_bind_query(sqlite3_stmt *s, const msg_backend_query *q) {
  int rc = bind_integers(s, SQLITE_PARAM_ACCOUNTS, q->account_ids, q->account_id_count);
  if (rc == SQLITE_OK)
    rc = bind_strings(s, SQLITE_PARAM_IDS, q->message_ids, q->message_id_count);
  if (rc == SQLITE_OK)
    rc = bind_strings(s, SQLITE_PARAM_SENDERS, q->sender_numbers, q->sender_number_count);
  if (rc == SQLITE_OK)
    rc = bind_strings(s, SQLITE_PARAM_RECEIVERS, q->receiver_numbers, q->receiver_number_count);
  if (rc == SQLITE_OK && q->has_created_after)
    rc = sqlite3_bind_int64(s, SQLITE_PARAM_AFTER, q->created_after);
  if (rc == SQLITE_OK && q->has_created_before)
    rc = sqlite3_bind_int64(s, SQLITE_PARAM_BEFORE, q->created_before);
  if (rc == SQLITE_OK && q->term_count > 0)
    rc = bind_built(s, SQLITE_PARAM_TERMS, msg__sqlite_match_expression(q->terms, q->term_count));
  if (rc == SQLITE_OK && q->has_cursor)
    rc = sqlite3_bind_int64(s, SQLITE_PARAM_CURSOR_TIME, q->cursor_created_at);
  if (rc == SQLITE_OK && q->has_cursor)
    rc = sqlite3_bind_text(s, SQLITE_PARAM_CURSOR_ID, q->cursor_message_id, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_int64(s, SQLITE_PARAM_LIMIT, (sqlite3_int64)q->limit);
  return rc;
}
