/*
 * The SQLite backend's private types and the functions its files share. One
 * sqlite_backend per open store; one sqlite_conn per pooled connection, each
 * with its own prepared statements: the core lends a connection to one thread
 * at a time, so statements are reused without locks.
 */
#ifndef MSG_SQLITE_BACKEND_H
#define MSG_SQLITE_BACKEND_H

#include "builtin.h"

#include <msg/backend.h>

#include <sqlite3.h>
#include <stdbool.h>

typedef struct sqlite_backend {
  msg_backend parent;
  char *filename; /* the URI filename sqlite3_open_v2 gets (sqlite3_malloc'd) */
  bool is_memory;
  bool synchronous_full;
  unsigned int timeout_ms;
  sqlite3 *keeper; /* memory stores: holds the database open while the pool has no connection */
} sqlite_backend;

/* A search statement prepared for one query shape. */
typedef struct sqlite_search_stmt {
  unsigned int shape;
  sqlite3_stmt *stmt;
} sqlite_search_stmt;

typedef struct sqlite_conn {
  sqlite3 *db;
  sqlite3_stmt *begin_immediate;
  sqlite3_stmt *commit;
  sqlite3_stmt *rollback;
  sqlite3_stmt *ping;
  /* Prepared on first use: the first connection exists before the migration
   * that creates the tables they name. */
  sqlite3_stmt *insert;
  sqlite3_stmt *insert_fts;
  sqlite3_stmt *find_by_key;
  sqlite_search_stmt *searches; /* one per shape seen so far, in first-use order */
  size_t search_count;
  size_t search_capacity;
} sqlite_conn;

/*
 * A query's shape: the core's condition bits (msg_backend_query.conditions,
 * MSG_COND_* of backend.h), which this backend handles all of, plus the two
 * private bits below. The SQL text of a search depends on its shape only,
 * never on its values. A set of one value has its own bit because it is
 * compared with '=', which lets its index also give the order (a list of
 * one account is an index range scan, newest first, stopping at the limit);
 * a larger set is matched through json_each.
 */
enum {
  SQLITE_SHAPE_ACCOUNT_ONE = MSG_COND_ACCOUNT_ONE,
  SQLITE_SHAPE_ACCOUNT_MANY = MSG_COND_ACCOUNT_MANY,
  SQLITE_SHAPE_ID_ONE = MSG_COND_ID_ONE,
  SQLITE_SHAPE_ID_MANY = MSG_COND_ID_MANY,
  SQLITE_SHAPE_SENDER_ONE = MSG_COND_SENDER_ONE,
  SQLITE_SHAPE_SENDER_MANY = MSG_COND_SENDER_MANY,
  SQLITE_SHAPE_RECEIVER_ONE = MSG_COND_RECEIVER_ONE,
  SQLITE_SHAPE_RECEIVER_MANY = MSG_COND_RECEIVER_MANY,
  SQLITE_SHAPE_AFTER = MSG_COND_CREATED_AFTER,
  SQLITE_SHAPE_BEFORE = MSG_COND_CREATED_BEFORE,
  SQLITE_SHAPE_TERMS = MSG_COND_TERMS,
  SQLITE_SHAPE_CURSOR = MSG_COND_CURSOR,
  /* With TERMS, how the words are matched (sqlite_text.c chooses per query).
   * Without WALK the word index drives: every message holding the words is
   * read and sorted, which suits rare words. With WALK the ordering index
   * drives, newest first, and each row is checked against sets of the
   * words' rowids (see SQLITE_PARAM_WINDOW), which stops at the limit and
   * suits common words. In the bits the core leaves to backends. */
  SQLITE_SHAPE_WALK = 1u << 24,
  /* Not a search: the statements sqlite_text.c runs to choose, cached with
   * the searches under these keys. */
  SQLITE_SHAPE_HELPER = 1u << 25,
};
_Static_assert(((SQLITE_SHAPE_WALK | SQLITE_SHAPE_HELPER) & ~MSG_COND_BACKEND_PRIVATE) == 0,
               "the SQLite backend's own shape bits must not collide with the core's");

/* The helper statements (SQLITE_SHAPE_HELPER | one of these). */
enum {
  /* The table's size (max seq) and the seq of the newest row at or before a
   * time (?1), which is where a walk starts. */
  SQLITE_HELPER_BOUNDS = 0,
  /* How many rowids match the words ?1, up to ?2 of them (in index order,
   * the cheapest). */
  SQLITE_HELPER_COUNT,
  /* How many of the newest rowids at or below ?2 match the words ?1, up to
   * ?3 of them, and the smallest of those rowids. */
  SQLITE_HELPER_NEWEST,
};

/* The parameters of a search statement, numbered by meaning, so that a
 * number carries the same value in every shape. */
enum {
  SQLITE_PARAM_ACCOUNTS = 1,
  SQLITE_PARAM_IDS,
  SQLITE_PARAM_SENDERS,
  SQLITE_PARAM_RECEIVERS,
  SQLITE_PARAM_AFTER,
  SQLITE_PARAM_BEFORE,
  SQLITE_PARAM_TERMS,
  SQLITE_PARAM_CURSOR_TIME,
  SQLITE_PARAM_CURSOR_ID,
  SQLITE_PARAM_LIMIT,
  /* WALK shapes only: the window, the rowids from SQLITE_PARAM_WINDOW to
   * SQLITE_PARAM_WINDOW_END, where the walk is expected to find its page.
   * A row in the window is checked against the words' rowids in the window;
   * a row below or above it against those below or above, a set built only
   * if the walk meets such a row. Either way a row passes exactly when it
   * holds the words: the window only decides how much of the word index is
   * read, and when. */
  SQLITE_PARAM_WINDOW,
  SQLITE_PARAM_WINDOW_END,
};

/* The columns every statement that reads messages selects, in the order
 * msg__sqlite_push_row reads them (builtin.h). */
#define SQLITE_MESSAGE_COLUMNS MSG_BUILTIN_MESSAGE_COLUMNS

/* sqlite_uri.c: fills b->filename, is_memory and synchronous_full from a
 * "sqlite:..." URI. MSG_ERR_INVALID (field "uri") for anything else. */
int msg__sqlite_uri_parse(sqlite_backend *b, const char *uri, msg_error *err);

/* sqlite_conn.c */
int msg__sqlite_db_open(const sqlite_backend *b, sqlite3 **out, msg_error *err);
/* Prepares `sql` into *stmt unless it is already prepared. */
int msg__sqlite_prepare(sqlite3 *db, sqlite3_stmt **stmt, const char *sql, msg_error *err);
int msg__sqlite_connect(msg_backend *backend, msg_backend_conn **out, msg_error *err);
void msg__sqlite_disconnect(msg_backend *backend, msg_backend_conn *conn);
int msg__sqlite_ping(msg_backend *backend, msg_backend_conn *conn, msg_error *err);

/* sqlite_error.c */
/* Maps SQLite result `rc` to a status, fills `err` with what we were
 * `doing` and SQLite's message, and returns the status. */
int msg__sqlite_fail(msg_error *err, sqlite3 *db, int rc, const char *doing);
/* Steps a statement that returns at most one row we do not need, then
 * resets it. */
int msg__sqlite_run(sqlite3 *db, sqlite3_stmt *stmt, msg_error *err, const char *doing);
/* Ends the open transaction (if SQLite has not already) after a failure
 * whose status is `status`, and returns that status; when the rollback
 * itself fails, returns MSG_ERR_UNAVAILABLE so that the pool closes the
 * connection, which rolls back. */
int msg__sqlite_rollback(sqlite_conn *c, int status, msg_error *err);

/* sqlite_schema.c */
int msg__sqlite_migrate(msg_backend *backend, msg_backend_conn *conn, msg_error *err);

/* sqlite_insert.c */
int msg__sqlite_insert(msg_backend *backend, msg_backend_conn *conn,
                       const msg_backend_record *record, msg_backend_rows *existing,
                       msg_error *err);

/* sqlite_shape.c */
/* The SELECT text of the search statement for `shape`, or of a helper
 * statement (also what the query-plan tests inspect). Caller frees with
 * sqlite3_free; NULL when out of memory. */
char *msg__sqlite_search_sql(unsigned int shape);

/* sqlite_text.c: how a query with words is run. */
typedef struct sqlite_text_plan {
  unsigned int shape;               /* the query's shape, with WALK when the walk is chosen */
  sqlite3_int64 window, window_end; /* WALK: SQLITE_PARAM_WINDOW and _END */
} sqlite_text_plan;

/* Chooses between the word index driving and the walk for `query`, whose
 * shape (in plan->shape) has TERMS, from the number of messages holding the
 * words, counted up to a bound, and sets the window for a walk. */
int msg__sqlite_text_plan(sqlite_conn *c, const msg_backend_query *query, sqlite_text_plan *plan,
                          msg_error *err);
/* Binds the window of a WALK plan to `stmt`. Returns an SQLite result code. */
int msg__sqlite_bind_window(sqlite3_stmt *stmt, const sqlite_text_plan *plan);

/* sqlite_bind.c: binds every value of `query` to `stmt`, prepared from the
 * query's shape. Returns an SQLite result code. */
int msg__sqlite_bind_query(sqlite3_stmt *stmt, const msg_backend_query *query);
/* The FTS5 expression requiring every one of `terms`. Caller frees with
 * sqlite3_free; NULL when out of memory. */
char *msg__sqlite_match_expression(const char *const *terms, size_t count);

/* sqlite_query.c */
/* The connection's statement for `shape` (a search or a helper), prepared on
 * first use and kept until the connection closes. */
int msg__sqlite_prepare_shape(sqlite_conn *c, unsigned int shape, sqlite3_stmt **out,
                              msg_error *err);
int msg__sqlite_query(msg_backend *backend, msg_backend_conn *conn, const msg_backend_query *query,
                      msg_backend_rows *rows, msg_error *err);
/* Pushes the message in the current row of `stmt` (SQLITE_MESSAGE_COLUMNS)
 * into `rows`. */
int msg__sqlite_push_row(sqlite3 *db, sqlite3_stmt *stmt, msg_backend_rows *rows, msg_error *err);

#endif
