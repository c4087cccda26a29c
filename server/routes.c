/*
 * Dispatch. Every request passes through routes_dispatch, which gives it a
 * request id, finds its route template, runs the handler and then writes the
 * access log line and the metrics: the one place where per-request policy
 * (authentication and account scoping among it) belongs.
 */
#include "routes.h"

#include "log.h"
#include "metrics.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

typedef void (*handler_fn)(request_ctx *req);

typedef struct route {
  const char *method;
  const char *template;
  handler_fn handler;
} route;

static const route routes[] = {
    {"POST", "/v1/accounts/{account_id}/messages", handle_create},
    {"GET", "/v1/accounts/{account_id}/messages", handle_list},
    {"GET", "/v1/messages/{message_id}", handle_get},
    {"GET", "/v1/messages", handle_search},
    {"GET", "/", handle_compat_root},
    {"POST", "/v1/create", handle_compat_create},
    {"GET", "/v1/get/messages/{account_id}", handle_compat_list},
    {"GET", "/v1/search", handle_compat_search},
    {"GET", "/healthz", handle_healthz},
    {"GET", "/readyz", handle_readyz},
    {"GET", "/metrics", handle_metrics},
    {"GET", "/openapi.json", handle_openapi},
    {"GET", "/docs", handle_docs},
};

#define ROUTE_COUNT (sizeof routes / sizeof routes[0])

/* Matches `path` against `template` segment by segment; "{name}" matches one
 * non-empty segment, which is copied into req->param_storage. */
static int match(const char *template, const char *path, request_ctx *req) {
  size_t param = 0;
  const char *t = template, *p = path;
  while (*t && *p) {
    if (*t == '{') {
      const char *t_end = strchr(t, '}');
      size_t len = strcspn(p, "/");
      if (!t_end || len == 0 || len >= sizeof req->param_storage[0] || param >= ROUTE_PARAMS_MAX)
        return 0;
      memcpy(req->param_storage[param], p, len);
      req->param_storage[param][len] = '\0';
      req->params[param] = req->param_storage[param];
      param++;
      t = t_end + 1;
      p += len;
    } else if (*t++ != *p++) {
      return 0;
    }
  }
  return *t == '\0' && *p == '\0';
}

static int valid_request_id(const char *id) {
  size_t len = id ? strlen(id) : 0;
  if (len == 0 || len > REQUEST_ID_MAX)
    return 0;
  for (const char *p = id; *p; p++) {
    char c = *p;
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          c == '-' || c == '_' || c == '.' || c == ':'))
      return 0;
  }
  return 1;
}

/* A client's X-Request-Id is kept when it is a short token (so it cannot
 * inject anything into logs or headers); otherwise a random one is made. */
static void assign_request_id(request_ctx *req) {
  const char *given = request_header(req, "X-Request-Id");
  if (valid_request_id(given)) {
    snprintf(req->request_id, sizeof req->request_id, "%s", given);
    return;
  }
  unsigned char raw[16];
  if (RAND_bytes(raw, sizeof raw) != 1)
    memset(raw, 0, sizeof raw);
  for (size_t i = 0; i < sizeof raw; i++)
    snprintf(req->request_id + 2 * i, 3, "%02x", raw[i]);
}

static void dispatch(request_ctx *req, const char *method, const char *path) {
  char allow[64] = "";
  for (size_t i = 0; i < ROUTE_COUNT; i++) {
    if (!match(routes[i].template, path, req))
      continue;
    if (strcmp(routes[i].method, method) == 0) {
      req->route = routes[i].template;
      routes[i].handler(req);
      return;
    }
    req->route = routes[i].template;
    if (!strstr(allow, routes[i].method)) {
      size_t used = strlen(allow);
      snprintf(allow + used, sizeof allow - used, "%s%s", used ? ", " : "", routes[i].method);
    }
  }
  if (allow[0]) {
    char header[96], detail[128];
    snprintf(header, sizeof header, "Allow: %s\r\n", allow);
    snprintf(detail, sizeof detail, "this resource allows %s", allow);
    respond_problem(req, 405, detail, NULL, header);
    return;
  }
  req->route = "unmatched";
  respond_problem(req, 404, "no such resource", NULL, "");
}

static double seconds_since(const struct timespec *start) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

int routes_dispatch(struct mg_connection *conn, void *cbdata) {
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  request_ctx req = {.srv = cbdata, .conn = conn, .info = mg_get_request_info(conn),
                     .route = "unmatched"};
  assign_request_id(&req);
  const char *path = req.info->local_uri ? req.info->local_uri : "/";
  dispatch(&req, req.info->request_method, path);

  double elapsed = seconds_since(&start);
  metrics_observe_request(req.info->request_method, req.route, req.status, elapsed);
  cJSON *f = cJSON_CreateObject();
  if (f) {
    cJSON_AddStringToObject(f, "request_id", req.request_id);
    cJSON_AddStringToObject(f, "method", req.info->request_method);
    cJSON_AddStringToObject(f, "route", req.route);
    cJSON_AddNumberToObject(f, "status", req.status);
    cJSON_AddNumberToObject(f, "duration_ms", elapsed * 1000.0);
    cJSON_AddNumberToObject(f, "bytes", (double)req.bytes_sent);
    cJSON_AddStringToObject(f, "remote_addr", req.info->remote_addr);
  }
  log_event(req.status >= 500 ? LOG_ERROR : LOG_INFO, "request", f);
  return req.status ? req.status : 500;
}
