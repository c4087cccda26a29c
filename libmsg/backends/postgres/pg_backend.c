/*
 * The PostgreSQL backend: open/free and connections.
 *
 * The URI goes to libpq as given (so everything libpq accepts works: TLS
 * sslmode, multiple hosts, service files). Our own settings come BEFORE it in
 * PQconnectdbParams, so a URI can still override them: a connect timeout and
 * TCP keepalives/user timeout derived from the store's timeout, so that a
 * vanished server fails calls within that bound instead of hanging. The
 * statement timeout is set per connection after connecting.
 */
#include "pg_backend.h"

#include "builtin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_POOL_SIZE 4

static int pg_connect(msg_backend *backend, msg_backend_conn **out, msg_error *err) {
  pg_backend *b = (pg_backend *)backend;
  char connect_timeout[16], user_timeout[16];
  snprintf(connect_timeout, sizeof connect_timeout, "%u",
           b->timeout_ms < 2000 ? 2 : (b->timeout_ms + 999) / 1000);
  snprintf(user_timeout, sizeof user_timeout, "%u", b->timeout_ms);
  const char *keys[] = {"connect_timeout", "keepalives", "keepalives_idle", "keepalives_interval",
                        "keepalives_count", "tcp_user_timeout", "application_name",
                        "client_encoding", "dbname", NULL};
  const char *values[] = {connect_timeout, "1", "5", "2", "3", user_timeout, "libmsg", "UTF8",
                          b->uri, NULL};
  pg_conn *c = calloc(1, sizeof *c);
  if (!c)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory opening a connection");
  c->db = PQconnectdbParams(keys, values, 1);
  int rc = MSG_OK;
  if (!c->db || PQstatus(c->db) != CONNECTION_OK) {
    rc = msg__pg_fail(err, c->db, NULL, "connecting");
  } else {
    char timeout[16];
    snprintf(timeout, sizeof timeout, "%u", b->timeout_ms);
    const char *params[] = {timeout};
    PGresult *res = PQexecParams(c->db,
                                 "SELECT set_config('statement_timeout', $1, false),"
                                 " set_config('lock_timeout', $1, false)",
                                 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
      rc = msg__pg_fail(err, c->db, res, "setting the statement timeout");
    else
      PQclear(res);
  }
  if (rc != MSG_OK) {
    PQfinish(c->db);
    free(c);
    return rc == MSG_ERR_INTERNAL ? MSG_ERR_UNAVAILABLE : rc;
  }
  *out = (msg_backend_conn *)c;
  return MSG_OK;
}

static void pg_disconnect(msg_backend *backend, msg_backend_conn *conn) {
  pg_conn *c = (pg_conn *)conn;
  if (!c)
    return;
  PQfinish(c->db);
  free(c);
}

static int pg_ping(msg_backend *backend, msg_backend_conn *conn, msg_error *err) {
  pg_conn *c = (pg_conn *)conn;
  PGresult *res = PQexec(c->db, "SELECT 1");
  if (PQresultStatus(res) != PGRES_TUPLES_OK)
    return msg__pg_fail(err, c->db, res, "ping");
  PQclear(res);
  return MSG_OK;
}

static void pg_free(msg_backend *backend) {
  pg_backend *b = (pg_backend *)backend;
  free(b->uri);
  free(b);
}

int msg__postgres_open(msg_backend **out, unsigned int *pool_size, const char *uri,
                       const msg_store_options *opts, void *payload, msg_error *err) {
  *out = NULL;
  /* Validated here so a typo fails at open with a clear error. libpq's parse
   * message can quote parts of the URI, password included, so it is not
   * passed on. */
  char *parse_error = NULL;
  PQconninfoOption *parsed = PQconninfoParse(uri, &parse_error);
  PQfreemem(parse_error);
  if (!parsed)
    return msg_error_set(err, MSG_ERR_INVALID, "uri",
                         "the PostgreSQL URI is not valid (see libpq's connection URIs)");
  PQconninfoFree(parsed);
  pg_backend *b = calloc(1, sizeof *b);
  if (b)
    b->uri = strdup(uri);
  if (!b || !b->uri) {
    free(b);
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory opening the store");
  }
  b->parent.version = MSG_BACKEND_VERSION;
  b->parent.connect = pg_connect;
  b->parent.disconnect = pg_disconnect;
  b->parent.migrate = msg__pg_migrate;
  b->parent.insert = msg__pg_insert;
  b->parent.query = msg__pg_query;
  b->parent.ping = pg_ping;
  b->parent.free = pg_free;
  b->timeout_ms = opts->timeout_ms;
  if (*pool_size == 0)
    *pool_size = DEFAULT_POOL_SIZE;
  *out = &b->parent;
  return MSG_OK;
}
