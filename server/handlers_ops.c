/*
 * Operations routes: liveness and readiness probes, Prometheus metrics, the
 * OpenAPI description and the page that shows it to people.
 */
#include "handlers.h"

#include "assets.h"
#include "listener.h"
#include "metrics.h"
#include "problem.h"
#include "read_store.h"

#include <stdlib.h>
#include <string.h>

void msg__ops_healthz(request_ctx *req) {
  static const char body[] = "{\"status\":\"ok\"}";
  msg__http_respond(req, 200, "application/json", NULL, body, sizeof body - 1);
}

/* Ready means: not draining, and the primary answers. While draining the
 * answer is 503 at once so that the load balancer stops sending requests
 * before the listener closes. A read store that does not answer leaves the
 * server ready, since its reads go to the primary meanwhile; its state is
 * the watcher's last finding (read_store.h), so a frozen replica cannot
 * hold the probe. */
void msg__ops_readyz(request_ctx *req) {
  if (atomic_load(&req->srv->draining)) {
    msg__problem_send(req, 503, NULL, NULL, "the server is shutting down");
    return;
  }
  msg_error err;
  if (msg_store_ping(req->srv->store, &err) != MSG_OK) {
    msg__http_set_cause(req, err.message);
    msg__problem_send(req, 503, NULL, "Retry-After: 1\r\n", "the database is unavailable");
    return;
  }
  if (!req->srv->read_store) {
    static const char body[] = "{\"status\":\"ready\"}";
    msg__http_respond(req, 200, "application/json", NULL, body, sizeof body - 1);
    return;
  }
  static const char up[] = "{\"status\":\"ready\",\"primary\":\"up\",\"read_store\":\"up\"}";
  static const char down[] = "{\"status\":\"ready\",\"primary\":\"up\",\"read_store\":\"down\"}";
  read_counts counts;
  msg__read_counts_get(req->srv, &counts);
  if (counts.replica_up)
    msg__http_respond(req, 200, "application/json", NULL, up, sizeof up - 1);
  else
    msg__http_respond(req, 200, "application/json", NULL, down, sizeof down - 1);
}

void msg__ops_metrics(request_ctx *req) {
  char *text = msg__metrics_render(req->srv, msg__listener_open_connections());
  if (!text) {
    msg__http_set_cause(req, "out of memory while rendering metrics");
    msg__problem_send(req, 500, NULL, NULL, "the server ran out of memory");
    return;
  }
  msg__http_respond(req, 200, "text/plain; version=0.0.4; charset=utf-8", NULL, text, strlen(text));
  free(text);
}

void msg__ops_openapi(request_ctx *req) {
  msg__http_respond(req, 200, "application/json", NULL, msg__asset_openapi_json,
                    msg__asset_openapi_json_len);
}

/* The page's script is inline and reads /openapi.json from this server, so
 * the policy allows exactly that and nothing from elsewhere. */
void msg__ops_docs(request_ctx *req) {
  msg__http_respond(req, 200, "text/html; charset=utf-8",
                    "Content-Security-Policy: default-src 'none'; script-src 'unsafe-inline'; "
                    "style-src 'unsafe-inline'; connect-src 'self'\r\n",
                    msg__asset_docs_html, msg__asset_docs_html_len);
}
