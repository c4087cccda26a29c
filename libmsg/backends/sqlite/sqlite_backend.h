/*
 * The SQLite backend's private types. One sqlite_backend per open store; one
 * sqlite_conn per pooled connection, each with its own prepared statements
 * (a connection is only ever used by one thread at a time, so statements are
 * reused without locks).
 */
#ifndef MSG_SQLITE_BACKEND_H
#define MSG_SQLITE_BACKEND_H

#include <msg/backend.h>
#include <sqlite3.h>

/* A query's shape: which conditions it has, and for each set whether it holds
 * one value (compared with '=', so the index also gives the order) or many
 * (matched through json_each). 3^4 set states x 2^4 flags. */
#define SQLITE_SHAPE_COUNT (81 * 16)

typedef struct sqlite_backend {
  msg_backend parent;
  char *filename;    /* what sqlite3_open_v2 gets: a path or a memdb URI */
  int is_memory;
  int synchronous_full;
  unsigned int timeout_ms;
  sqlite3 *keeper;   /* memory stores: keeps the shared database alive */
} sqlite_backend;

typedef struct sqlite_conn {
  sqlite3 *db;
  sqlite3_stmt *begin_immediate;
  sqlite3_stmt *commit;
  sqlite3_stmt *rollback;
  sqlite3_stmt *insert;
  sqlite3_stmt *insert_words;
  sqlite3_stmt *find_by_key;
  sqlite3_stmt *ping;
  sqlite3_stmt *search[SQLITE_SHAPE_COUNT];
} sqlite_conn;

/* Maps an SQLite result code to a status and fills `err`. */
int msg__sqlite_fail(msg_error *err, sqlite3 *db, int rc, const char *doing);

/* Runs a cached statement that returns no rows; resets it. */
int msg__sqlite_exec_stmt(sqlite3 *db, sqlite3_stmt *stmt, msg_error *err, const char *doing);

int msg__sqlite_connect(msg_backend *backend, msg_backend_conn **out, msg_error *err);
void msg__sqlite_disconnect(msg_backend *backend, msg_backend_conn *conn);
int msg__sqlite_migrate(msg_backend *backend, msg_backend_conn *conn, msg_error *err);
int msg__sqlite_insert(msg_backend *backend, msg_backend_conn *conn,
                       const msg_backend_record *record, msg_backend_rows *existing,
                       msg_error *err);
int msg__sqlite_query(msg_backend *backend, msg_backend_conn *conn,
                      const msg_backend_query *query, msg_backend_rows *rows, msg_error *err);

/* Pushes the message in the current row of `stmt` (columns in the order of
 * SQLITE_MESSAGE_COLUMNS) into `rows`. */
int msg__sqlite_push_row(sqlite3_stmt *stmt, msg_backend_rows *rows, msg_error *err);

#define SQLITE_MESSAGE_COLUMNS \
  "message_id, account_id, sender_number, receiver_number, body, created_at"

/* The SELECT text for a query of this shape (exposed for the query-plan
 * tests). Caller frees with sqlite3_free. NULL when out of memory. */
char *msg__sqlite_search_sql(const msg_backend_query *query);

/* The shape index of a query, 0 .. SQLITE_SHAPE_COUNT - 1. */
unsigned int msg__sqlite_shape(const msg_backend_query *query);

#endif
