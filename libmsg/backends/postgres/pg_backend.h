/*
 * The PostgreSQL backend's private types. One pg_backend per open store; one
 * pg_conn per pooled connection, each with its statements prepared on first
 * use under fixed names (a connection is used by one thread at a time).
 */
#ifndef MSG_PG_BACKEND_H
#define MSG_PG_BACKEND_H

#include <libpq-fe.h>
#include <msg/backend.h>

/* As in the SQLite backend: 3 states (none, one value, many) for each of the
 * four sets, times 2^4 optional conditions. */
#define PG_SHAPE_COUNT (81 * 16)

typedef struct pg_backend {
  msg_backend parent;
  char *uri;
  unsigned int timeout_ms;
} pg_backend;

typedef struct pg_conn {
  PGconn *db;
  int insert_prepared;
  int find_by_key_prepared;
  unsigned char search_prepared[PG_SHAPE_COUNT];
} pg_conn;

/* Maps a failed result (or a NULL one) to a status and fills `err` without
 * secrets. Clears `res`. */
int msg__pg_fail(msg_error *err, PGconn *db, PGresult *res, const char *doing);

/* Prepares `sql` under `name` once per connection (`*prepared` remembers). */
int msg__pg_prepare(pg_conn *c, int *prepared_flag, unsigned char *prepared_byte,
                    const char *name, const char *sql, int params, msg_error *err);

/* Pushes row `row` of `res` (columns of PG_MESSAGE_COLUMNS) into `rows`. */
int msg__pg_push_row(PGresult *res, int row, msg_backend_rows *rows, msg_error *err);

#define PG_MESSAGE_COLUMNS \
  "message_id::text, account_id, sender_number, receiver_number, body, created_at"

int msg__pg_migrate(msg_backend *backend, msg_backend_conn *conn, msg_error *err);
int msg__pg_insert(msg_backend *backend, msg_backend_conn *conn, const msg_backend_record *record,
                   msg_backend_rows *existing, msg_error *err);
int msg__pg_query(msg_backend *backend, msg_backend_conn *conn, const msg_backend_query *query,
                  msg_backend_rows *rows, msg_error *err);

/* The SELECT for a query's shape (exposed for plan tests); free with free(). */
char *msg__pg_search_sql(const msg_backend_query *query);
unsigned int msg__pg_shape(const msg_backend_query *query);

#endif
