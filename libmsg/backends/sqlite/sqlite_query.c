/*
 * Reading messages. Each connection prepares the search statement of a
 * shape the first time it sees that shape and keeps it for its lifetime;
 * later queries of the shape only bind and step. Only a few shapes occur in
 * practice (list, get, the searches a client uses, and the helpers that
 * choose how a text search runs), so the cache is a short array searched in
 * order.
 */
#include "sqlite_backend.h"

#include "builtin.h"

#include <stdlib.h>

int msg__sqlite_prepare_shape(sqlite_conn *c, unsigned int shape, sqlite3_stmt **out,
                              msg_error *err) {
  for (size_t i = 0; i < c->search_count; i++) {
    if (c->searches[i].shape == shape) {
      *out = c->searches[i].stmt;
      return MSG_OK;
    }
  }
  if (c->search_count == c->search_capacity) {
    size_t capacity = c->search_capacity ? c->search_capacity * 2 : 8;
    sqlite_search_stmt *grown = realloc(c->searches, capacity * sizeof *grown);
    if (!grown)
      return msg_error_set(err, MSG_ERR_NOMEM, NULL, "sqlite: out of memory preparing a query");
    c->searches = grown;
    c->search_capacity = capacity;
  }
  char *sql = msg__sqlite_search_sql(shape);
  if (!sql)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "sqlite: out of memory preparing a query");
  sqlite3_stmt *stmt = NULL;
  int rc = msg__sqlite_prepare(c->db, &stmt, sql, err);
  sqlite3_free(sql);
  if (rc != MSG_OK)
    return rc;
  c->searches[c->search_count++] = (sqlite_search_stmt){shape, stmt};
  *out = stmt;
  return MSG_OK;
}

/* Reads a text column the schema declares NOT NULL: NULL means SQLite ran
 * out of memory converting it. */
static bool column_text(sqlite3_stmt *stmt, int column, const char **out) {
  *out = (const char *)sqlite3_column_text(stmt, column);
  return *out != NULL;
}

/* Reads the body, which may be NULL. The type is read first because it is
 * undefined after a conversion; a non-NULL value read as NULL is SQLite
 * running out of memory. */
static bool column_body(sqlite3_stmt *stmt, int column, const char **out) {
  bool is_null = sqlite3_column_type(stmt, column) == SQLITE_NULL;
  *out = is_null ? NULL : (const char *)sqlite3_column_text(stmt, column);
  return *out || is_null;
}

int msg__sqlite_push_row(sqlite3 *db, sqlite3_stmt *stmt, msg_backend_rows *rows, msg_error *err) {
  const char *id, *sender, *receiver, *body;
  if (!column_text(stmt, 0, &id) || !column_text(stmt, 2, &sender) ||
      !column_text(stmt, 3, &receiver) || !column_body(stmt, 4, &body))
    return msg__sqlite_fail(err, db, SQLITE_NOMEM, "reading a message");
  msg_message m = {
      .message_id = id,
      .account_id = sqlite3_column_int64(stmt, 1),
      .sender_number = sender,
      .receiver_number = receiver,
      .body = body,
      .created_at = sqlite3_column_int64(stmt, 5),
  };
  /* Every stored id and number was written by the core, checked, through
   * this backend's insert; NULLs were caught above. */
  return msg__rows_push_trusted(rows, &m, err);
}

static int run(sqlite_conn *c, sqlite3_stmt *s, const msg_backend_query *query,
               const sqlite_text_plan *plan, msg_backend_rows *rows, msg_error *err) {
  int rc = msg__sqlite_bind_query(s, query);
  if (rc == SQLITE_OK && (plan->shape & SQLITE_SHAPE_WALK))
    rc = msg__sqlite_bind_window(s, plan);
  if (rc != SQLITE_OK)
    return msg__sqlite_fail(err, c->db, rc, "binding a query");
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    int status = msg__sqlite_push_row(c->db, s, rows, err);
    if (status != MSG_OK)
      return status;
  }
  return rc == SQLITE_DONE ? MSG_OK : msg__sqlite_fail(err, c->db, rc, "running a query");
}

int msg__sqlite_query(msg_backend *backend, msg_backend_conn *conn, const msg_backend_query *query,
                      msg_backend_rows *rows, msg_error *err) {
  sqlite_conn *c = (sqlite_conn *)conn;
  sqlite_text_plan plan = {.shape = query->conditions};
  int rc = plan.shape & SQLITE_SHAPE_TERMS ? msg__sqlite_text_plan(c, query, &plan, err) : MSG_OK;
  sqlite3_stmt *s = NULL;
  if (rc == MSG_OK)
    rc = msg__sqlite_prepare_shape(c, plan.shape, &s, err);
  if (rc != MSG_OK)
    return rc;
  rc = run(c, s, query, &plan, rows, err);
  /* Reset ends the read transaction; unbinding drops the caller's strings. */
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  return rc;
}
