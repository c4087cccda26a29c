/*
 * The PostgreSQL backend's private types and the functions its files share.
 *
 * One pg_backend per open store holds what every connection needs (the URI
 * and the settings derived from the store's timeout). One pg_conn per pooled
 * connection holds its libpq handle and which statements it has prepared: a
 * connection is used by one thread at a time (the core's pool guarantees it),
 * so nothing here is locked.
 */
#ifndef MSG_PG_BACKEND_H
#define MSG_PG_BACKEND_H

#include "builtin.h"

#include <libpq-fe.h>
#include <msg/backend.h>

/* The shapes of a search (see pg_query.c), numbered densely from the core's
 * condition bits: 3 states (none, one value, many) for each of the four
 * sets, times 2^4 optional conditions. */
#define PG_SHAPE_COUNT (81 * 16)

/* Parameters of the search statements (every shape declares all of them). */
#define PG_SEARCH_PARAMS 10

/* Most parameters any statement takes. */
#define PG_PARAMS_MAX PG_SEARCH_PARAMS

typedef struct pg_backend {
  msg_backend parent;
  char *uri;      /* as given, scheme lowercased so that libpq recognises it */
  char *password; /* the URI's password, only to scrub it from error text; NULL if none */
  char *options;  /* libpq "options": the URI's own, then our session settings */
  char connect_timeout[16];
  char keepalives_idle[16];
  char tcp_user_timeout[16];
  unsigned int timeout_ms;
  unsigned int wait_ms; /* client-side bound on one round trip (pg_conn.c) */
  /* The URI said pooler=transaction (pg_backend.c): a transaction-mode
   * pooler sits in front, so no statement is prepared by name and no
   * session settings are sent at startup. */
  int transaction_pooler;
} pg_backend;

enum { PG_STMT_INSERT, PG_STMT_FIND_BY_KEY, PG_STMT_COUNT };

/* The SQL of a shape run as an unnamed statement (see pg_query.c), kept so
 * that it is built once per connection. */
typedef struct pg_unnamed {
  unsigned int shape;
  char *sql;
  Oid types[PG_SEARCH_PARAMS];
} pg_unnamed;

typedef struct pg_conn {
  pg_backend *backend;
  PGconn *db;
  unsigned char prepared[PG_STMT_COUNT];
  unsigned char search_prepared[PG_SHAPE_COUNT];
  pg_unnamed *unnamed;
  size_t unnamed_count, unnamed_capacity;
} pg_conn;

/* pg_error.c: maps a failure (res may be NULL) to MSG_ERR_UNAVAILABLE or
 * MSG_ERR_INTERNAL, fills `err` with the server's or libpq's message with
 * the password scrubbed, clears `res` and returns the status. */
int msg__pg_fail(msg_error *err, const pg_conn *c, PGresult *res, const char *doing);

/* pg_conn.c: waits (within the backend's wait_ms) for the result of the
 * command just sent with a PQsend* function (`sent` is what it returned).
 * On MSG_OK *out is a result of status `want` (PGRES_TUPLES_OK or
 * PGRES_COMMAND_OK) that the caller clears. */
int msg__pg_await(pg_conn *c, int sent, ExecStatusType want, PGresult **out, msg_error *err,
                  const char *doing);

/* pg_conn.c: prepares `sql` as `name` unless *prepared says it was. `types`
 * may be NULL to infer every parameter's type from the SQL. */
int msg__pg_prepare(pg_conn *c, unsigned char *prepared, const char *name, const char *sql,
                    int nparams, const Oid *types, msg_error *err);

int msg__pg_connect(msg_backend *backend, msg_backend_conn **out, msg_error *err);
void msg__pg_disconnect(msg_backend *backend, msg_backend_conn *conn);
int msg__pg_ping(msg_backend *backend, msg_backend_conn *conn, msg_error *err);

/*
 * pg_values.c: parameters in libpq's form. Parameter numbers are 1-based as
 * in SQL ($1). Setters never fail: an allocation failure marks the set
 * `failed`, which the caller checks once before sending.
 */
typedef struct pg_params {
  int count;
  int failed;
  const char *values[PG_PARAMS_MAX];
  int lengths[PG_PARAMS_MAX];
  int formats[PG_PARAMS_MAX];
  char *owned[PG_PARAMS_MAX];
  char inline_values[PG_PARAMS_MAX][24];
} pg_params;

void msg__pg_params_init(pg_params *p, int count);
void msg__pg_params_free(pg_params *p);
/* `value` is borrowed, not copied; NULL sends SQL NULL. */
void msg__pg_param_text(pg_params *p, int n, const char *value);
void msg__pg_param_int64(pg_params *p, int n, int64_t value);
/* A binary timestamptz. A time before the earliest timestamptz becomes
 * -infinity, which compares with every stored time exactly as the number
 * would; no int64 lies past the latest timestamptz. */
void msg__pg_param_time(pg_params *p, int n, int64_t micros);
void msg__pg_param_int64_array(pg_params *p, int n, const int64_t *values, size_t count);
void msg__pg_param_text_array(pg_params *p, int n, const char *const *values, size_t count);
/* 'term1' & 'term2' & ...: every term a quoted lexeme, so none is parsed. */
void msg__pg_param_tsquery(pg_params *p, int n, const char *const *terms, size_t count);

/* pg_conn.c: sends `sql` with the parameters `p` as the statement `name`,
 * prepared on this connection the first time (see msg__pg_prepare). Behind
 * a transaction-mode pooler the statement is sent unnamed instead, parsed
 * and planned each time, since a name prepared on one server connection is
 * unknown on the next. `types` may be NULL (see msg__pg_prepare); `sql` may
 * be NULL once *prepared is set on a direct connection. On MSG_OK
 * *sent is what the PQsend* function returned, for msg__pg_await. */
int msg__pg_send_statement(pg_conn *c, unsigned char *prepared, const char *name, const char *sql,
                           const Oid *types, const pg_params *p, int result_format, int *sent,
                           msg_error *err);

/* Whether PostgreSQL stores `micros` as a finite timestamptz. */
int msg__pg_time_in_range(int64_t micros);

/* The columns of a message, in the order msg__pg_push_row reads them. */
#define PG_MESSAGE_COLUMNS MSG_BUILTIN_MESSAGE_COLUMNS

/* Rows of PG_MESSAGE_COLUMNS are fetched in binary (resultFormat 1), so ids,
 * numbers and times arrive as the server's own integers. */
#define PG_BINARY_RESULTS 1

/* pg_values.c: pushes row `row` of a binary result of PG_MESSAGE_COLUMNS. */
int msg__pg_push_row(PGresult *res, int row, msg_backend_rows *rows, msg_error *err);

/* pg_schema.c, pg_insert.c, pg_query.c: the vtable's methods. */
int msg__pg_migrate(msg_backend *backend, msg_backend_conn *conn, msg_error *err);
int msg__pg_insert(msg_backend *backend, msg_backend_conn *conn, const msg_backend_record *record,
                   msg_backend_rows *existing, msg_error *err);
int msg__pg_query(msg_backend *backend, msg_backend_conn *conn, const msg_backend_query *query,
                  msg_backend_rows *rows, msg_error *err);

/* pg_query.c, also for the plan tests: the SELECT for `query`'s shape with
 * its parameter types (0: taken from the cast in the SQL; text for those the
 * shape does not use). Free with free(); NULL when out of memory. */
char *msg__pg_search_sql(const msg_backend_query *query, Oid types[PG_SEARCH_PARAMS]);

/* pg_query.c, also for the plan tests: whether `query`'s shape runs as a
 * named prepared statement (1), whose plan PostgreSQL may cache as a generic
 * one, or as an unnamed statement planned with its values every time (0). */
int msg__pg_search_is_prepared(const msg_backend_query *query);

/* pg_query.c: frees the SQL a connection kept for its unnamed shapes. */
void msg__pg_query_cache_free(pg_conn *c);

#endif
