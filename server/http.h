/*
 * The per-request context and the HTTP plumbing every handler shares:
 * headers, the JSON request body (with its size limit and strict parsing)
 * and responses. Every response goes through msg__http_respond so that the
 * status and size reach the access log and the metrics from one place.
 */
#ifndef MSG_SERVER_HTTP_H
#define MSG_SERVER_HTTP_H

#include "config.h"

#include <civetweb.h>
#include <cjson/cJSON.h>
#include <msg/msg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* What every request can reach. One per process. */
typedef struct server {
  const server_config *config;
  msg_store *store;      /* the primary: creates, replays, and reads without a read store */
  msg_store *read_store; /* --read-database, or NULL (read_store.h) */
  atomic_int draining;   /* set on SIGTERM/SIGINT: readiness fails, responses close */
} server;

#define ROUTE_PARAMS_MAX 2
#define REQUEST_ID_MAX 64
#define PRINCIPAL_LABEL_MAX 64

/* Who is calling, as msg__auth_authenticate found out. */
typedef struct principal {
  int scoped;         /* only `account_id` may be acted on (an account key) */
  int64_t account_id; /* when scoped */
  /* For the access log: the key's label, or "account:N" / "operator" when it
   * has none; "" without authentication. Never the token. */
  char label[PRINCIPAL_LABEL_MAX + 24];
} principal;

/*
 * One request, filled by msg__routes_dispatch before the handler runs: the
 * request id, the route template and the decoded path parameters. This is
 * the one place where per-request policy lives, so authentication (the
 * caller's identity) and account scoping (which accounts it may read and
 * write) are added here and resolved in msg__routes_dispatch, and handlers
 * read them from here only.
 */
typedef struct request_ctx {
  server *srv;
  struct mg_connection *conn;
  const struct mg_request_info *info;
  const char *route;                   /* route template (static); "unmatched" if none */
  char *params[ROUTE_PARAMS_MAX];      /* decoded path parameters, template order; owned */
  char request_id[REQUEST_ID_MAX + 1]; /* X-Request-Id as given (when a safe token) or made */
  int status;                          /* sent status; 0 until a response is sent */
  size_t bytes_sent;                   /* body bytes */
  char *cause;                         /* why a 5xx/503 happened, for the log; owned */
  principal who;                       /* unscoped unless a key says otherwise */
} request_ctx;

/* Sets req->request_id: the client's X-Request-Id when it is a short token
 * (letters, digits, "-_.:", at most REQUEST_ID_MAX), so that it cannot
 * inject anything into headers or logs; otherwise 32 random hex digits. */
void msg__http_assign_request_id(request_ctx *req);

/* The value of request header `name` (case-insensitive), or NULL. */
const char *msg__http_header(const request_ctx *req, const char *name);

/* Sends a complete response. `extra_headers` is NULL or header lines each
 * ending in "\r\n". A request gets one response; later calls do nothing. */
void msg__http_respond(request_ctx *req, int status, const char *content_type,
                       const char *extra_headers, const char *body, size_t body_len);

/* Serialises `json` (and deletes it) and sends it as application/json. A
 * NULL `json` (a failed allocation upstream) sends a 500. */
void msg__http_respond_json(request_ctx *req, int status, cJSON *json, const char *extra_headers);

/* Keeps the first cause of a failure for the access log (copied). */
void msg__http_set_cause(request_ctx *req, const char *cause);

/* Refuses (400, closing the connection) a request whose body framing is
 * ambiguous: a Content-Length that is not one run of digits, several that
 * differ, one beside Transfer-Encoding, or a Transfer-Encoding that is not
 * exactly one "chunked" (the ground of request smuggling). Checked for
 * every request, whether or not its route reads a body. 0 to go on, -1
 * when the response has been sent. */
int msg__http_check_framing(request_ctx *req);

/* Refuses (400) a request with several Host headers, or an HTTP/1.1 one
 * with none (RFC 9112 section 3.2). 0 to go on, -1 when answered. */
int msg__http_check_host(request_ctx *req);

/* Refuses (400, naming the field) a request that repeats Authorization,
 * Content-Type or Idempotency-Key: each holds one decision, and with two a
 * proxy and this server could each act on a different one. 0 to go on, -1
 * when answered. */
int msg__http_check_single_headers(request_ctx *req);

/* Content-Type check for request bodies: application/json, optionally with
 * charset=utf-8. `allow_missing` accepts a request without the header (the
 * compatibility routes, whose old clients did not always send it). */
int msg__http_is_json(const request_ctx *req, int allow_missing);

/*
 * Reads and parses the JSON request body after checking its type (415) and
 * size (413, also for chunked bodies), and that it is complete (408). The
 * text must be UTF-8 JSON with no duplicate member names and no raw control
 * characters in strings (400) and be an object (400). A string holding
 * U+0000 gives 422 naming its top-level member. The body's framing must
 * have passed msg__http_check_framing (dispatch checks every request). On
 * failure the response has been sent and NULL is returned; otherwise the
 * caller deletes the object.
 */
cJSON *msg__http_read_json(request_ctx *req, int allow_missing_type);

#endif
