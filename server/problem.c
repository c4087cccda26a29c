/*
 * Problem details. The type is "about:blank" with the status's reason phrase
 * as title (RFC 9457 section 4.2.1), so clients branch on the status and,
 * for 422, on errors[].field, which uses the API's member names.
 */
#include "problem.h"

#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *msg__problem_title(int status) {
  switch (status) {
  case 200:
    return "OK";
  case 201:
    return "Created";
  case 400:
    return "Bad Request";
  case 401:
    return "Unauthorized";
  case 403:
    return "Forbidden";
  case 404:
    return "Not Found";
  case 405:
    return "Method Not Allowed";
  case 408:
    return "Request Timeout";
  case 413:
    return "Content Too Large";
  case 415:
    return "Unsupported Media Type";
  case 422:
    return "Unprocessable Content";
  case 431:
    return "Request Header Fields Too Large";
  case 500:
    return "Internal Server Error";
  case 503:
    return "Service Unavailable";
  case 505:
    return "HTTP Version Not Supported";
  default:
    return status < 500 ? "Bad Request" : "Internal Server Error";
  }
}

/* vsnprintf into a new string; NULL when out of memory. */
__attribute__((format(printf, 1, 0))) static char *format(const char *fmt, va_list ap) {
  va_list again;
  va_copy(again, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  char *text = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (text)
    vsnprintf(text, (size_t)n + 1, fmt, again);
  va_end(again);
  return text;
}

static cJSON *build(const request_ctx *req, int status, const char *field, const char *detail) {
  cJSON *p = cJSON_CreateObject();
  if (!p || !cJSON_AddStringToObject(p, "type", "about:blank") ||
      !cJSON_AddStringToObject(p, "title", msg__problem_title(status)) ||
      !cJSON_AddNumberToObject(p, "status", status) ||
      !cJSON_AddStringToObject(p, "detail", detail) ||
      !cJSON_AddStringToObject(p, "request_id", req->request_id)) {
    cJSON_Delete(p);
    return NULL;
  }
  if (field) {
    cJSON *errors = cJSON_AddArrayToObject(p, "errors");
    cJSON *e = cJSON_CreateObject();
    if (!errors || !e || !cJSON_AddItemToArray(errors, e)) {
      cJSON_Delete(e);
      cJSON_Delete(p);
      return NULL;
    }
    if (!cJSON_AddStringToObject(e, "field", field) ||
        !cJSON_AddStringToObject(e, "message", detail)) {
      cJSON_Delete(p);
      return NULL;
    }
  }
  return p;
}

void msg__problem_send(request_ctx *req, int status, const char *field, const char *extra_headers,
                       const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *detail = format(fmt, ap);
  va_end(ap);
  cJSON *p = detail ? build(req, status, field, detail) : NULL;
  free(detail);
  char *text = p ? cJSON_PrintUnformatted(p) : NULL;
  cJSON_Delete(p);
  if (!text) {
    /* Out of memory: the status still reaches the client, with a body that
     * needs no allocation. */
    msg__http_set_cause(req, "out of memory while building a problem response");
    static const char body[] = "{\"type\":\"about:blank\",\"detail\":\"out of memory\"}";
    msg__http_respond(req, status, "application/problem+json", extra_headers, body,
                      sizeof body - 1);
    return;
  }
  msg__http_respond(req, status, "application/problem+json", extra_headers, text, strlen(text));
  cJSON_free(text);
}

void msg__problem_from_store(request_ctx *req, int status, const msg_error *err) {
  switch (status) {
  case MSG_ERR_INVALID:
  case MSG_ERR_CONFLICT:
    msg__problem_send(req, 422, err->field[0] ? err->field : NULL, NULL, "%s", err->message);
    return;
  case MSG_ERR_NOT_FOUND:
    msg__problem_send(req, 404, NULL, NULL, "%s", err->message);
    return;
  case MSG_ERR_UNAVAILABLE:
    msg__http_set_cause(req, err->message);
    msg__problem_send(req, 503, NULL, "Retry-After: 1\r\n",
                      "the database is unavailable; retry later");
    return;
  default:
    msg__http_set_cause(req, err->message[0] ? err->message : msg_status_str(status));
    msg__problem_send(req, 500, NULL, NULL,
                      "internal error (%s); the server log has the cause under this request id",
                      msg_status_str(status));
  }
}
