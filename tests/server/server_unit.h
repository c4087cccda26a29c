/*
 * Shared declarations of msg-server's unit tests: one check suite per
 * server file (listed once, in meson.build), and the captured response
 * that the problem and params suites read instead of a socket.
 */
#ifndef MSG_TEST_SERVER_UNIT_H
#define MSG_TEST_SERVER_UNIT_H

#include "http.h"

#include <check.h>
#include <cjson/cJSON.h>

Suite *apikeys_suite(void);
Suite *config_suite(void);
Suite *params_suite(void);
Suite *query_suite(void);
Suite *route_suite(void);
Suite *problem_suite(void);

/*
 * The last response a server file sent. The binary links with
 * -Wl,--wrap=msg__http_respond, so every call from outside http.c lands in
 * captured_respond.c and is kept here instead of being written to a
 * civetweb connection (which a unit test does not have).
 */
typedef struct captured_response {
  int calls;
  int status;
  char content_type[64];
  char extra_headers[256];
  char *body; /* owned; NUL-terminated copy */
} captured_response;

extern captured_response captured;

/* Clears `captured` (freeing its body) and returns a request with the
 * given id and query string and no connection. Free with
 * captured_request_free. */
request_ctx captured_request(const char *request_id, const char *query_string);
void captured_request_free(request_ctx *req);

/* The captured body parsed as JSON (free with cJSON_Delete); fails the
 * test when there is none or it is not JSON. */
cJSON *captured_json(void);

#endif
