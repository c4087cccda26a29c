/*
 * Dispatch. Every request passes through msg__routes_dispatch, which fills
 * its request_ctx (request id, route template, decoded path parameters),
 * runs the handler and then writes the access log line and the metrics.
 * Per-request policy runs here, before any handler: the header count limit
 * and, for the /v1 routes, authentication (auth.h). Handlers then scope
 * every account they touch with the caller found here.
 */
#include "routes.h"

#include "auth.h"
#include "handlers.h"
#include "http.h"
#include "listener.h"
#include "log.h"
#include "metrics.h"
#include "problem.h"
#include "query.h"
#include "route_match.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef void (*handler_fn)(request_ctx *req);

typedef struct route {
  const char *method;
  const char *template;
  handler_fn handler;
} route;

/* Templates with the same path must be adjacent, so that 405's Allow lists
 * every method of a path once. */
static const route routes[] = {
    {"POST", "/v1/accounts/{account_id}/messages", msg__messages_create},
    {"GET", "/v1/accounts/{account_id}/messages", msg__messages_list},
    {"GET", "/v1/messages/{message_id}", msg__messages_get},
    {"GET", "/v1/messages", msg__messages_search},
    {"GET", "/", msg__compat_root},
    {"POST", "/v1/create", msg__compat_create},
    {"GET", "/v1/get/messages/{account_id}", msg__compat_list},
    {"GET", "/v1/search", msg__compat_search},
    {"GET", "/healthz", msg__ops_healthz},
    {"GET", "/readyz", msg__ops_readyz},
    {"GET", "/metrics", msg__ops_metrics},
    {"GET", "/openapi.json", msg__ops_openapi},
    {"GET", "/docs", msg__ops_docs},
};

#define ROUTE_COUNT (sizeof routes / sizeof routes[0])

/* Fills what every handler relies on before it runs; 0 to go on, -1 when
 * the request has been answered. */
static int prepare(request_ctx *req) {
  msg__http_assign_request_id(req);
  /* civetweb keeps the first MG_MAX_HEADERS header lines and drops the rest
   * unseen, so a request that fills the table may have had more (a header
   * the client relied on could be among the lost): it is refused. */
  if (req->info->num_headers >= MG_MAX_HEADERS) {
    msg__problem_send(req, 431, NULL, NULL, "a request may carry at most %d header lines",
                      MG_MAX_HEADERS - 1);
    return -1;
  }
  if (msg__http_check_host(req) != 0 || msg__http_check_single_headers(req) != 0 ||
      msg__http_check_framing(req) != 0)
    return -1;
  return 0;
}

/* Authenticates a request to a /v1 path once, whichever answer (handler,
 * 404, 405, 400) it gets, so that an unauthenticated caller learns nothing
 * about the API but that it needs a key. 0 to go on. */
static int authenticate_once(request_ctx *req, int *done) {
  if (*done)
    return 0;
  *done = 1;
  if (!msg__auth_required(req->info->local_uri_raw))
    return 0;
  return msg__auth_authenticate(req);
}

static void dispatch(request_ctx *req) {
  const char *method = req->info->request_method;
  const char *path = req->info->local_uri_raw;
  const route *allowed[ROUTE_COUNT];
  size_t allowed_count = 0;
  int authenticated = 0;
  for (size_t i = 0; path && i < ROUTE_COUNT; i++) {
    route_match_result m =
        msg__route_match(routes[i].template, path, req->params, ROUTE_PARAMS_MAX);
    if (m == ROUTE_MATCH_NO)
      continue;
    req->route = routes[i].template;
    if (authenticate_once(req, &authenticated) != 0)
      return;
    if (m == ROUTE_MATCH_BAD_ESCAPE) {
      msg__problem_send(req, 400, NULL, NULL, "the path has an invalid percent-escape");
      return;
    }
    if (m == ROUTE_MATCH_NOMEM) {
      msg__http_set_cause(req, "out of memory while decoding the path");
      msg__problem_send(req, 500, NULL, NULL, "the server ran out of memory");
      return;
    }
    if (strcmp(routes[i].method, method) == 0) {
      routes[i].handler(req);
      return;
    }
    allowed[allowed_count++] = &routes[i];
  }
  if (allowed_count == 0) {
    req->route = "unmatched";
    if (authenticate_once(req, &authenticated) != 0)
      return;
    msg__problem_send(req, 404, NULL, NULL, "no such resource");
    return;
  }
  /* Built from the route table, never from the request, so it fits. */
  char allow[64] = "";
  for (size_t i = 0; i < allowed_count; i++) {
    size_t used = strlen(allow);
    snprintf(allow + used, sizeof allow - used, "%s%s", used ? ", " : "", allowed[i]->method);
  }
  char header[96];
  snprintf(header, sizeof header, "Allow: %s\r\n", allow);
  msg__problem_send(req, 405, NULL, header, "this resource allows %s", allow);
}

static double seconds_since(const struct timespec *start) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void log_request(const request_ctx *req, double elapsed) {
  cJSON *f = cJSON_CreateObject();
  if (f) {
    cJSON_AddStringToObject(f, "request_id", req->request_id);
    cJSON_AddStringToObject(f, "method", req->info->request_method);
    cJSON_AddStringToObject(f, "route", req->route);
    cJSON_AddNumberToObject(f, "status", req->status);
    cJSON_AddNumberToObject(f, "duration_ms", elapsed * 1000.0);
    cJSON_AddNumberToObject(f, "bytes", (double)req->bytes_sent);
    cJSON_AddStringToObject(f, "remote_addr", req->info->remote_addr);
    if (req->who.label[0])
      cJSON_AddStringToObject(f, "key", req->who.label);
    if (req->cause)
      cJSON_AddStringToObject(f, "error", req->cause);
  }
  msg__log_event(req->status >= 500 ? LOG_ERROR : LOG_INFO, "request", f);
}

int msg__routes_dispatch(struct mg_connection *conn, void *cbdata) {
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  request_ctx req = {
      .srv = cbdata, .conn = conn, .info = mg_get_request_info(conn), .route = "unmatched"};
  if (prepare(&req) == 0)
    dispatch(&req);
  if (!req.status) {
    msg__http_set_cause(&req, "the handler sent no response");
    msg__problem_send(&req, 500, NULL, NULL, "the request failed");
  }
  double elapsed = seconds_since(&start);
  msg__metrics_observe_request(req.info->request_method, req.route, req.status, elapsed);
  log_request(&req, elapsed);
  msg__listener_request_done(conn);
  msg__route_match_free(req.params, ROUTE_PARAMS_MAX);
  free(req.cause);
  return req.status;
}
