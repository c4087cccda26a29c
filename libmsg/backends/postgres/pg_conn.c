/*
 * Connections: connect and disconnect, the round trip every statement makes,
 * preparing statements once per connection, and ping.
 *
 * The settings each connection gets are chosen in pg_backend.c. Here they are
 * placed around the URI in PQconnectdbParams, whose later keywords override
 * earlier ones: application_name and the keepalive tuning come before the
 * URI (a URI may change them), the timeouts and session options after it
 * (the store's timeout is a promise of the API, so a URI cannot lift it).
 * Behind a transaction-mode pooler (pooler=transaction in the URI) the
 * session options are left out, because PgBouncer refuses a startup
 * parameter it does not track and would apply them to one server
 * connection among many; libmsg's own deadline still bounds every call.
 *
 * Statements are sent asynchronously and awaited with poll() against a
 * deadline. The server's statement_timeout normally ends a slow statement
 * first, with a proper error; the deadline is for what it cannot catch: a
 * server that stopped answering (frozen, or a network that drops packets
 * without a reset), which would otherwise block a caller for as long as TCP
 * retransmits. A connection that missed its deadline is returned as
 * MSG_ERR_UNAVAILABLE, so the core closes it and a later call reconnects.
 */
#include "pg_backend.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Waits until the socket is ready for `events`. 1 ready, 0 deadline passed,
 * -1 failed. */
static int wait_socket(PGconn *db, short events, int64_t deadline) {
  int fd = PQsocket(db);
  if (fd < 0)
    return -1;
  for (;;) {
    int64_t left = deadline - now_ms();
    if (left <= 0)
      return 0;
    struct pollfd pfd = {.fd = fd, .events = events};
    int n = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
    if (n > 0)
      return 1;
    if (n < 0 && errno != EINTR)
      return -1;
  }
}

static int too_slow(msg_error *err, const pg_conn *c, const char *doing) {
  return msg_error_set(err, MSG_ERR_UNAVAILABLE, NULL,
                       "postgres: %s: the server did not answer within %u ms", doing,
                       c->backend->wait_ms);
}

/* Sends what libpq still buffers, reading meanwhile so that a server
 * blocked on writing to us cannot deadlock the exchange. */
static int flush(pg_conn *c, int64_t deadline, msg_error *err, const char *doing) {
  for (;;) {
    int pending = PQflush(c->db);
    if (pending == 0)
      return MSG_OK;
    if (pending < 0)
      return msg__pg_fail(err, c, NULL, doing);
    int ready = wait_socket(c->db, POLLIN | POLLOUT, deadline);
    if (ready == 0)
      return too_slow(err, c, doing);
    if (ready < 0 || !PQconsumeInput(c->db))
      return msg__pg_fail(err, c, NULL, doing);
  }
}

int msg__pg_await(pg_conn *c, int sent, ExecStatusType want, PGresult **out, msg_error *err,
                  const char *doing) {
  *out = NULL;
  if (!sent)
    return msg__pg_fail(err, c, NULL, doing);
  int64_t deadline = now_ms() + c->backend->wait_ms;
  int rc = flush(c, deadline, err, doing);
  if (rc != MSG_OK)
    return rc;
  /* One command gives one result, then NULL; keep the first failure. */
  PGresult *kept = NULL;
  for (;;) {
    while (PQisBusy(c->db)) {
      int ready = wait_socket(c->db, POLLIN, deadline);
      if (ready == 0) {
        PQclear(kept);
        return too_slow(err, c, doing);
      }
      if (ready < 0 || !PQconsumeInput(c->db)) {
        PQclear(kept);
        return msg__pg_fail(err, c, NULL, doing);
      }
    }
    PGresult *res = PQgetResult(c->db);
    if (!res)
      break;
    if (!kept || (PQresultStatus(kept) == want && PQresultStatus(res) != want)) {
      PQclear(kept);
      kept = res;
    } else {
      PQclear(res);
    }
  }
  if (!kept || PQresultStatus(kept) != want)
    return msg__pg_fail(err, c, kept, doing);
  *out = kept;
  return MSG_OK;
}

int msg__pg_prepare(pg_conn *c, unsigned char *prepared, const char *name, const char *sql,
                    int nparams, const Oid *types, msg_error *err) {
  if (*prepared)
    return MSG_OK;
  PGresult *res;
  int rc = msg__pg_await(c, PQsendPrepare(c->db, name, sql, nparams, types), PGRES_COMMAND_OK, &res,
                         err, "preparing a statement");
  if (rc != MSG_OK)
    return rc;
  PQclear(res);
  *prepared = 1;
  return MSG_OK;
}

int msg__pg_send_statement(pg_conn *c, unsigned char *prepared, const char *name, const char *sql,
                           const Oid *types, const pg_params *p, int result_format, int *sent,
                           msg_error *err) {
  if (c->backend->transaction_pooler) {
    *sent = PQsendQueryParams(c->db, sql, p->count, types, p->values, p->lengths, p->formats,
                              result_format);
    return MSG_OK;
  }
  int rc = msg__pg_prepare(c, prepared, name, sql, p->count, types, err);
  if (rc == MSG_OK)
    *sent = PQsendQueryPrepared(c->db, name, p->count, p->values, p->lengths, p->formats,
                                result_format);
  return rc;
}

/* libpq prints notices ("relation ... already exists, skipping") on stderr;
 * a library must not write to its host program's stderr. */
static void ignore_notice(void *arg, const char *message) {}

/* Binary times (pg_values.c) are integer microseconds, which every server
 * since PostgreSQL 10 uses; an older build option could still turn it off. */
static int integer_times(PGconn *db) {
  const char *v = PQparameterStatus(db, "integer_datetimes");
  return v && strcmp(v, "on") == 0;
}

int msg__pg_connect(msg_backend *backend, msg_backend_conn **out, msg_error *err) {
  pg_backend *b = (pg_backend *)backend;
  *out = NULL;
  pg_conn *c = calloc(1, sizeof *c);
  if (!c)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory opening a connection");
  c->backend = b;
  /* Later keywords override earlier ones (see the top of this file). */
  const char *const settings[][2] = {
      {"application_name", "libmsg"},
      {"keepalives", "1"},
      {"keepalives_idle", b->keepalives_idle},
      {"keepalives_interval", "1"},
      {"keepalives_count", "3"},
      {"dbname", b->uri},
      {"connect_timeout", b->connect_timeout},
      {"tcp_user_timeout", b->tcp_user_timeout},
      {"options", b->options},
      {"client_encoding", "UTF8"},
  };
  /* Behind a transaction pooler "options" holds only the URI's own (see
   * pg_backend.c); libpq sends nothing for an empty value. */
  enum { SETTINGS = sizeof settings / sizeof settings[0] };
  const char *keys[SETTINGS + 1], *values[SETTINGS + 1];
  for (size_t i = 0; i < SETTINGS; i++) {
    keys[i] = settings[i][0];
    values[i] = settings[i][1];
  }
  keys[SETTINGS] = values[SETTINGS] = NULL;
  c->db = PQconnectdbParams(keys, values, 1);
  int rc = MSG_OK;
  if (!c->db) {
    rc = msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory opening a connection");
  } else if (PQstatus(c->db) != CONNECTION_OK) {
    /* Whatever stopped it (no route, refused, authentication, no such
     * database), this store cannot reach its database now. */
    msg__pg_fail(err, c, NULL, "connecting");
    rc = MSG_ERR_UNAVAILABLE;
  } else if (!integer_times(c->db)) {
    rc = msg_error_set(err, MSG_ERR_INTERNAL, NULL,
                       "postgres: the server does not store times as integers");
  } else if (PQsetnonblocking(c->db, 1) != 0) {
    msg__pg_fail(err, c, NULL, "connecting");
    rc = MSG_ERR_UNAVAILABLE;
  }
  if (rc == MSG_OK)
    PQsetNoticeProcessor(c->db, ignore_notice, NULL);
  if (rc != MSG_OK) {
    PQfinish(c->db);
    free(c);
    return rc;
  }
  *out = (msg_backend_conn *)c;
  return MSG_OK;
}

void msg__pg_disconnect(msg_backend *backend, msg_backend_conn *conn) {
  pg_conn *c = (pg_conn *)conn;
  if (!c)
    return;
  PQfinish(c->db);
  msg__pg_query_cache_free(c);
  free(c);
}

int msg__pg_ping(msg_backend *backend, msg_backend_conn *conn, msg_error *err) {
  pg_conn *c = (pg_conn *)conn;
  PGresult *res;
  int rc = msg__pg_await(c, PQsendQuery(c->db, "SELECT 1"), PGRES_TUPLES_OK, &res, err, "ping");
  PQclear(res);
  return rc;
}
