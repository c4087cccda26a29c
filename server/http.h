/*
 * The request context and response writers. Every request gets one
 * request_ctx, filled before dispatch (request id, route, parameters; and
 * the place where authentication and account scoping plug in), and every
 * response goes through respond_* so that status, size and headers are
 * recorded for the access log and metrics in one place.
 */
#ifndef MSG_SERVER_HTTP_H
#define MSG_SERVER_HTTP_H

#include "config.h"

#include <civetweb.h>
#include <cjson/cJSON.h>
#include <msg/msg.h>
#include <stdatomic.h>

typedef struct server {
  const server_config *config;
  msg_store *store;
  atomic_int draining;
} server;

#define ROUTE_PARAMS_MAX 2
#define REQUEST_ID_MAX 64

typedef struct request_ctx {
  server *srv;
  struct mg_connection *conn;
  const struct mg_request_info *info;
  const char *route;                    /* route template, "unmatched" if none */
  const char *params[ROUTE_PARAMS_MAX]; /* path parameters, in template order */
  char param_storage[ROUTE_PARAMS_MAX][256];
  char request_id[REQUEST_ID_MAX + 1];
  int status;
  size_t bytes_sent;
} request_ctx;

/* Sends a complete response. `extra_headers` is "" or lines ending "\r\n". */
void respond(request_ctx *req, int status, const char *content_type, const char *extra_headers,
             const char *body, size_t body_len);

/* Serialises `json` (and deletes it) and sends it as application/json. */
void respond_json(request_ctx *req, int status, cJSON *json, const char *extra_headers);

/* RFC 9457 problem details. `field` may be NULL; when set, the body has
 * errors: [{"field", "message": detail}]. */
void respond_problem(request_ctx *req, int status, const char *detail, const char *field,
                     const char *extra_headers);

/* Maps a libmsg failure to its HTTP problem: INVALID and CONFLICT 422,
 * NOT_FOUND 404, UNAVAILABLE 503 with Retry-After, anything else 500 (logged
 * with its cause; never caused by client input). */
void respond_store_error(request_ctx *req, int status, const msg_error *err);

/* Reads the JSON request body: checks Content-Type (415), size (413),
 * syntax and duplicate keys (400), that it is an object (400). On failure
 * the response is already sent and NULL is returned. */
cJSON *read_json_body(request_ctx *req);

/* The value of header `name`, or NULL. */
const char *request_header(const request_ctx *req, const char *name);

#endif
