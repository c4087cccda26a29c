/*
 * The stand-in for sending a response: with -Wl,--wrap=msg__http_respond
 * the linker sends every call made from the other server files here, so
 * the tests read the status, media type, headers and body that would have
 * gone to the client.
 */
#include "server_unit.h"

#include <stdlib.h>
#include <string.h>

captured_response captured;

/* The linker's name for the wrapped function; declared here because only
 * the linker knows it. */
void __wrap_msg__http_respond(request_ctx *req, int status, const char *content_type,
                              const char *extra_headers, const char *body, size_t body_len);

void __wrap_msg__http_respond(request_ctx *req, int status, const char *content_type,
                              const char *extra_headers, const char *body, size_t body_len) {
  captured.calls++;
  if (req->status)
    return; /* as http.c: one response per request */
  req->status = status;
  captured.status = status;
  snprintf(captured.content_type, sizeof captured.content_type, "%s", content_type);
  snprintf(captured.extra_headers, sizeof captured.extra_headers, "%s",
           extra_headers ? extra_headers : "");
  free(captured.body);
  captured.body = malloc(body_len + 1);
  ck_assert_ptr_nonnull(captured.body);
  memcpy(captured.body, body, body_len);
  captured.body[body_len] = '\0';
}

/* The request info lives as long as the test binary: a request only
 * points to it. */
static struct mg_request_info info;

request_ctx captured_request(const char *request_id, const char *query_string) {
  free(captured.body);
  memset(&captured, 0, sizeof captured);
  memset(&info, 0, sizeof info);
  info.request_method = "GET";
  info.query_string = query_string;
  request_ctx req;
  memset(&req, 0, sizeof req);
  req.info = &info;
  snprintf(req.request_id, sizeof req.request_id, "%s", request_id);
  return req;
}

void captured_request_free(request_ctx *req) {
  free(req->cause);
  req->cause = NULL;
  free(captured.body);
  captured.body = NULL;
}

cJSON *captured_json(void) {
  ck_assert_msg(captured.body != NULL, "no response was sent");
  cJSON *json = cJSON_Parse(captured.body);
  ck_assert_msg(json != NULL, "not JSON: %s", captured.body);
  return json;
}
