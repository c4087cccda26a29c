/*
 * Operational routes: liveness, readiness, metrics and the API description.
 * Liveness says only that the process serves HTTP; readiness also asks the
 * database and turns 503 the moment draining starts, so that Kubernetes
 * stops routing new requests here before the listener closes.
 */
#include "assets.h"
#include "metrics.h"
#include "routes.h"

#include <stdlib.h>
#include <string.h>

void handle_healthz(request_ctx *req) {
  static const char body[] = "{\"status\":\"ok\"}";
  respond(req, 200, "application/json", "", body, sizeof body - 1);
}

void handle_readyz(request_ctx *req) {
  if (atomic_load(&req->srv->draining)) {
    respond_problem(req, 503, "the server is draining", NULL, "Retry-After: 1\r\n");
    return;
  }
  msg_error err;
  if (msg_store_ping(req->srv->store, &err) != MSG_OK) {
    respond_problem(req, 503, "the database does not answer", NULL, "Retry-After: 1\r\n");
    return;
  }
  static const char body[] = "{\"status\":\"ready\"}";
  respond(req, 200, "application/json", "", body, sizeof body - 1);
}

void handle_metrics(request_ctx *req) {
  char *text = metrics_render(req->srv->store);
  if (!text) {
    respond_problem(req, 503, "the server is short of memory; retry later", NULL,
                    "Retry-After: 1\r\n");
    return;
  }
  respond(req, 200, "text/plain; version=0.0.4; charset=utf-8", "", text, strlen(text));
  free(text);
}

void handle_openapi(request_ctx *req) {
  respond(req, 200, "application/json", "", asset_openapi_json, asset_openapi_json_len);
}

void handle_docs(request_ctx *req) {
  respond(req, 200, "text/html; charset=utf-8", "", asset_docs_html, asset_docs_html_len);
}
