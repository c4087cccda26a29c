/*
 * Reading messages. The SQL text depends only on the query's shape, never on
 * its values, so each connection prepares one statement per shape on first
 * use and binds values afterwards. A set with one value is compared with
 * '=' so that its index also yields the order (a list of one account is an
 * index range scan, newest first, stopping at the limit); a larger set is
 * bound as one JSON array and matched through json_each.
 */
#include "sqlite_backend.h"

#include <stdlib.h>
#include <string.h>

enum { SET_NONE = 0, SET_ONE = 1, SET_MANY = 2 };
enum {
  FLAG_AFTER = 1,
  FLAG_BEFORE = 2,
  FLAG_TERMS = 4,
  FLAG_CURSOR = 8,
};

static unsigned int set_state(size_t count) {
  return count == 0 ? SET_NONE : count == 1 ? SET_ONE : SET_MANY;
}

unsigned int msg__sqlite_shape(const msg_backend_query *q) {
  unsigned int sets = set_state(q->account_id_count) + 3 * set_state(q->message_id_count) +
                      9 * set_state(q->sender_number_count) +
                      27 * set_state(q->receiver_number_count);
  unsigned int flags = (q->has_created_after ? FLAG_AFTER : 0) |
                       (q->has_created_before ? FLAG_BEFORE : 0) |
                       (q->term_count ? FLAG_TERMS : 0) | (q->has_cursor ? FLAG_CURSOR : 0);
  return sets * 16 + flags;
}

/* Parameters are numbered by meaning so the binder need not track order. */
enum {
  P_ACCOUNTS = 1,
  P_IDS,
  P_SENDERS,
  P_RECEIVERS,
  P_AFTER,
  P_BEFORE,
  P_TERMS,
  P_CURSOR_TIME,
  P_CURSOR_ID,
  P_LIMIT,
};

static void append_set(sqlite3_str *sql, const char *column, size_t count, int param) {
  if (count == 1)
    sqlite3_str_appendf(sql, " AND %s = ?%d", column, param);
  else if (count > 1)
    sqlite3_str_appendf(sql, " AND %s IN (SELECT value FROM json_each(?%d))", column, param);
}

char *msg__sqlite_search_sql(const msg_backend_query *q) {
  sqlite3_str *sql = sqlite3_str_new(NULL);
  sqlite3_str_appendall(sql, "SELECT " SQLITE_MESSAGE_COLUMNS " FROM messages WHERE 1");
  append_set(sql, "account_id", q->account_id_count, P_ACCOUNTS);
  append_set(sql, "message_id", q->message_id_count, P_IDS);
  append_set(sql, "sender_number", q->sender_number_count, P_SENDERS);
  append_set(sql, "receiver_number", q->receiver_number_count, P_RECEIVERS);
  if (q->has_created_after)
    sqlite3_str_appendf(sql, " AND created_at > ?%d", P_AFTER);
  if (q->has_created_before)
    sqlite3_str_appendf(sql, " AND created_at < ?%d", P_BEFORE);
  if (q->term_count > 0)
    sqlite3_str_appendf(sql,
                        " AND seq IN (SELECT rowid FROM messages_words WHERE messages_words"
                        " MATCH ?%d)",
                        P_TERMS);
  if (q->has_cursor)
    sqlite3_str_appendf(sql, " AND (created_at, message_id) < (?%d, ?%d)", P_CURSOR_TIME,
                        P_CURSOR_ID);
  sqlite3_str_appendf(sql, " ORDER BY created_at DESC, message_id DESC LIMIT ?%d", P_LIMIT);
  return sqlite3_str_finish(sql);
}

/* Appends `value` inside double quotes, doubling quotes (FTS5) or
 * backslash-escaping quotes and backslashes (JSON). */
static void append_quoted(sqlite3_str *out, const char *value, int json) {
  sqlite3_str_appendchar(out, 1, '"');
  for (const char *p = value; *p; p++) {
    if (*p == '"')
      sqlite3_str_appendall(out, json ? "\\\"" : "\"\"");
    else if (json && *p == '\\')
      sqlite3_str_appendall(out, "\\\\");
    else
      sqlite3_str_appendchar(out, 1, *p);
  }
  sqlite3_str_appendchar(out, 1, '"');
}

/* A JSON array of strings, for json_each. Values were validated by the core
 * (digits, '+', hex and '-'); they are escaped all the same. */
static char *json_strings(const char *const *values, size_t count) {
  sqlite3_str *json = sqlite3_str_new(NULL);
  sqlite3_str_appendchar(json, 1, '[');
  for (size_t i = 0; i < count; i++) {
    if (i)
      sqlite3_str_appendchar(json, 1, ',');
    append_quoted(json, values[i], 1);
  }
  sqlite3_str_appendchar(json, 1, ']');
  return sqlite3_str_finish(json);
}

static char *json_integers(const int64_t *values, size_t count) {
  sqlite3_str *json = sqlite3_str_new(NULL);
  sqlite3_str_appendchar(json, 1, '[');
  for (size_t i = 0; i < count; i++)
    sqlite3_str_appendf(json, "%s%lld", i ? "," : "", (long long)values[i]);
  sqlite3_str_appendchar(json, 1, ']');
  return sqlite3_str_finish(json);
}

/* An FTS5 query requiring every term: each one quoted as a phrase, and
 * phrases separated by spaces (an implicit AND). */
static char *match_expression(const char *const *terms, size_t count) {
  sqlite3_str *expr = sqlite3_str_new(NULL);
  for (size_t i = 0; i < count; i++) {
    if (i)
      sqlite3_str_appendchar(expr, 1, ' ');
    append_quoted(expr, terms[i], 0);
  }
  return sqlite3_str_finish(expr);
}

static int bind_string_set(sqlite3_stmt *s, int param, const char *const *values, size_t count) {
  if (count == 0)
    return SQLITE_OK;
  if (count == 1)
    return sqlite3_bind_text(s, param, values[0], -1, SQLITE_STATIC);
  char *json = json_strings(values, count);
  return json ? sqlite3_bind_text(s, param, json, -1, sqlite3_free) : SQLITE_NOMEM;
}

static int bind_query(sqlite3_stmt *s, const msg_backend_query *q) {
  int rc = SQLITE_OK;
  if (q->account_id_count == 1) {
    rc = sqlite3_bind_int64(s, P_ACCOUNTS, q->account_ids[0]);
  } else if (q->account_id_count > 1) {
    char *json = json_integers(q->account_ids, q->account_id_count);
    rc = json ? sqlite3_bind_text(s, P_ACCOUNTS, json, -1, sqlite3_free) : SQLITE_NOMEM;
  }
  if (rc == SQLITE_OK)
    rc = bind_string_set(s, P_IDS, q->message_ids, q->message_id_count);
  if (rc == SQLITE_OK)
    rc = bind_string_set(s, P_SENDERS, q->sender_numbers, q->sender_number_count);
  if (rc == SQLITE_OK)
    rc = bind_string_set(s, P_RECEIVERS, q->receiver_numbers, q->receiver_number_count);
  if (rc == SQLITE_OK && q->has_created_after)
    rc = sqlite3_bind_int64(s, P_AFTER, q->created_after);
  if (rc == SQLITE_OK && q->has_created_before)
    rc = sqlite3_bind_int64(s, P_BEFORE, q->created_before);
  if (rc == SQLITE_OK && q->term_count > 0) {
    char *expr = match_expression(q->terms, q->term_count);
    rc = expr ? sqlite3_bind_text(s, P_TERMS, expr, -1, sqlite3_free) : SQLITE_NOMEM;
  }
  if (rc == SQLITE_OK && q->has_cursor) {
    rc = sqlite3_bind_int64(s, P_CURSOR_TIME, q->cursor_created_at);
    if (rc == SQLITE_OK)
      rc = sqlite3_bind_text(s, P_CURSOR_ID, q->cursor_message_id, -1, SQLITE_STATIC);
  }
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_int64(s, P_LIMIT, (sqlite3_int64)q->limit);
  return rc;
}

int msg__sqlite_push_row(sqlite3_stmt *stmt, msg_backend_rows *rows, msg_error *err) {
  msg_message m = {
      .message_id = (const char *)sqlite3_column_text(stmt, 0),
      .account_id = sqlite3_column_int64(stmt, 1),
      .sender_number = (const char *)sqlite3_column_text(stmt, 2),
      .receiver_number = (const char *)sqlite3_column_text(stmt, 3),
      .body = sqlite3_column_type(stmt, 4) == SQLITE_NULL
                  ? NULL
                  : (const char *)sqlite3_column_text(stmt, 4),
      .created_at = sqlite3_column_int64(stmt, 5),
  };
  return msg_backend_rows_push(rows, &m, err);
}

static int prepare_shape(sqlite_conn *c, const msg_backend_query *q, sqlite3_stmt **out,
                         msg_error *err) {
  unsigned int shape = msg__sqlite_shape(q);
  if (!c->search[shape]) {
    char *sql = msg__sqlite_search_sql(q);
    if (!sql)
      return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory building a query");
    int rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &c->search[shape],
                                NULL);
    sqlite3_free(sql);
    if (rc != SQLITE_OK)
      return msg__sqlite_fail(err, c->db, rc, "preparing a query");
  }
  *out = c->search[shape];
  return MSG_OK;
}

int msg__sqlite_query(msg_backend *backend, msg_backend_conn *conn,
                      const msg_backend_query *query, msg_backend_rows *rows, msg_error *err) {
  sqlite_conn *c = (sqlite_conn *)conn;
  sqlite3_stmt *s = NULL;
  int rc = prepare_shape(c, query, &s, err);
  if (rc != MSG_OK)
    return rc;
  int src = bind_query(s, query);
  if (src != SQLITE_OK) {
    rc = msg__sqlite_fail(err, c->db, src, "binding a query");
  } else {
    while ((src = sqlite3_step(s)) == SQLITE_ROW && rc == MSG_OK)
      rc = msg__sqlite_push_row(s, rows, err);
    if (rc == MSG_OK && src != SQLITE_DONE)
      rc = msg__sqlite_fail(err, c->db, src, "running a query");
  }
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  return rc;
}
