/*
 * civetweb callbacks. civetweb answers some requests itself before any
 * handler runs, and every error here is problem+json like the rest of the
 * API, so http_error rewrites them. civetweb 1.15 reports three different
 * failures as "400 Malformed message": headers that do not arrive within the
 * timeout, headers larger than its buffer (--max-header-bytes), and a
 * control character before the end of the headers. Clients are owed 408 for
 * the first and 431 for the second (RFC 9110, RFC 6585). The time the
 * connection has waited tells a timeout apart; the rest is answered 431,
 * whose detail names both remaining causes. civetweb's 411 for a
 * Content-Length it cannot read is a 400 (RFC 9112 section 6.3), and its
 * 505 is kept only for a well-formed version other than 1.0 and 1.1. Our
 * patch to civetweb (server/civetweb/) adds two 400s: "Invalid body
 * framing" (Transfer-Encoding other than one "chunked", or beside a
 * Content-Length) and, as "Bad request", a malformed request line or header
 * line (obs-fold, a bad field name, space before the colon, a bare CR,
 * more than one empty line before the request).
 */
#include "listener.h"

#include "http.h"
#include "log.h"
#include "metrics.h"
#include "problem.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct conn_state {
  struct timespec idle_since; /* start of waiting for the next request */
  unsigned long requests;     /* requests finished on this connection */
} conn_state;

static atomic_int open_connections;

int msg__listener_open_connections(void) {
  return atomic_load(&open_connections);
}

static int on_init_connection(const struct mg_connection *conn, void **conn_data) {
  atomic_fetch_add(&open_connections, 1);
  conn_state *st = calloc(1, sizeof *st);
  if (st)
    clock_gettime(CLOCK_MONOTONIC, &st->idle_since);
  *conn_data = st;
  return 0;
}

static void on_connection_close(const struct mg_connection *conn) {
  free(mg_get_user_connection_data(conn));
  atomic_fetch_sub(&open_connections, 1);
}

void msg__listener_request_done(const struct mg_connection *conn) {
  conn_state *st = mg_get_user_connection_data(conn);
  if (st) {
    clock_gettime(CLOCK_MONOTONIC, &st->idle_since);
    st->requests++;
  }
}

/* Did the connection wait at least as long as the timeout civetweb applies
 * to its next request (the request timeout first, then keep-alive)? */
static int timed_out(const struct mg_connection *conn, const server_config *cfg) {
  const conn_state *st = mg_get_user_connection_data(conn);
  if (!st)
    return 0;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  long long waited_ms = (long long)(now.tv_sec - st->idle_since.tv_sec) * 1000 +
                        (now.tv_nsec - st->idle_since.tv_nsec) / 1000000;
  int timeout_ms = st->requests ? cfg->keepalive_timeout_ms : cfg->request_timeout_ms;
  return waited_ms >= timeout_ms;
}

/* A copy of `text` with every byte outside printable ASCII replaced, for
 * civetweb texts that may quote a client's bytes. NULL when out of memory. */
static char *printable_copy(const char *text) {
  char *copy = strdup(text);
  for (unsigned char *p = (unsigned char *)copy; copy && *p; p++) {
    if (*p < 0x20 || *p > 0x7e)
      *p = '?';
  }
  return copy;
}

/* Is the request's version "DIGIT.DIGIT" (RFC 9112 section 2.3)? civetweb
 * answers 505 to any version but 1.0 and 1.1, also to "HTTP/1.x"; only a
 * version that is well formed is one the server does not support, the rest
 * is a malformed request line (400). */
static int well_formed_version(const struct mg_request_info *info) {
  const char *v = info ? info->http_version : NULL;
  return v && v[0] >= '0' && v[0] <= '9' && v[1] == '.' && v[2] >= '0' && v[2] <= '9' &&
         v[3] == '\0';
}

static int on_http_error(struct mg_connection *conn, int status, const char *errmsg) {
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  server *srv = mg_get_user_data(mg_get_context(conn));
  request_ctx req = {
      .srv = srv, .conn = conn, .info = mg_get_request_info(conn), .route = "unmatched"};
  msg__http_assign_request_id(&req);
  const server_config *cfg = srv->config;
  int malformed = status == 400 && strcmp(errmsg, "Malformed message") == 0;
  if (malformed && timed_out(conn, cfg))
    msg__problem_send(&req, 408, NULL, "Connection: close\r\n",
                      "the request was not received in time");
  else if (malformed || (status == 413 && strcmp(errmsg, "Message too large") == 0))
    msg__problem_send(&req, 431, NULL, "Connection: close\r\n",
                      "the request line and headers must be at most %d bytes of text "
                      "without control characters",
                      cfg->max_header_bytes);
  else if (status == 505 && well_formed_version(req.info))
    msg__problem_send(&req, 505, NULL, "Connection: close\r\n",
                      "only HTTP/1.0 and HTTP/1.1 are served");
  else if (status == 505)
    msg__problem_send(&req, 400, NULL, "Connection: close\r\n",
                      "the request line must end in a version such as HTTP/1.1");
  else if (status == 411)
    msg__problem_send(&req, 400, NULL, "Connection: close\r\n",
                      "Content-Length must be a number of bytes");
  else if (status == 400 && strcmp(errmsg, "Invalid body framing") == 0)
    msg__problem_send(&req, 400, NULL, "Connection: close\r\n",
                      "the body must be framed by one Content-Length of digits or by "
                      "one Transfer-Encoding: chunked, not both");
  else if (status == 400 && strcmp(errmsg, "Bad request") == 0)
    msg__problem_send(&req, 400, NULL, "Connection: close\r\n",
                      "the request line or a header line is malformed: each header line "
                      "must be a field name, a colon at once and a value, ending in CRLF, "
                      "with no folded lines and at most one empty line before the request");
  else if (status >= 500)
    msg__problem_send(&req, 500, NULL, "Connection: close\r\n", "the request failed");
  else
    msg__problem_send(&req, status, NULL, "Connection: close\r\n",
                      "the request could not be parsed");
  const char *method = req.info ? req.info->request_method : NULL;
  msg__metrics_observe_request(method, req.route, req.status, 0.0);
  cJSON *f = cJSON_CreateObject();
  if (f) {
    cJSON_AddStringToObject(f, "request_id", req.request_id);
    cJSON_AddStringToObject(f, "route", req.route);
    cJSON_AddNumberToObject(f, "status", req.status);
    cJSON_AddNumberToObject(f, "bytes", (double)req.bytes_sent);
    char *clean = printable_copy(errmsg);
    cJSON_AddStringToObject(f, "error", clean ? clean : "(out of memory)");
    free(clean);
  }
  msg__log_event(LOG_INFO, "request refused by the HTTP layer", f);
  free(req.cause);
  return 0;
}

/* civetweb's own diagnostics (failed accept, bad configuration). */
static int on_log_message(const struct mg_connection *conn, const char *message) {
  char *clean = printable_copy(message);
  msg__log_message(LOG_WARN, "civetweb", "detail", clean ? clean : "(out of memory)");
  free(clean);
  return 1;
}

void msg__listener_callbacks(struct mg_callbacks *cb) {
  cb->init_connection = on_init_connection;
  cb->connection_close = on_connection_close;
  cb->http_error = on_http_error;
  cb->log_message = on_log_message;
}
