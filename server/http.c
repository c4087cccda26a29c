/*
 * Response writing, problem details and request bodies. Responses always
 * carry Content-Length and the request id; while the server drains they also
 * carry "Connection: close", so keep-alive clients move to another replica
 * before this one stops accepting connections.
 */
#include "http.h"

#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *status_text(int status) {
  switch (status) {
  case 200: return "OK";
  case 201: return "Created";
  case 400: return "Bad Request";
  case 401: return "Unauthorized";
  case 403: return "Forbidden";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 408: return "Request Timeout";
  case 413: return "Content Too Large";
  case 415: return "Unsupported Media Type";
  case 422: return "Unprocessable Content";
  case 431: return "Request Header Fields Too Large";
  case 500: return "Internal Server Error";
  case 503: return "Service Unavailable";
  default: return "Unknown";
  }
}

const char *request_header(const request_ctx *req, const char *name) {
  for (int i = 0; i < req->info->num_headers; i++) {
    if (strcasecmp(req->info->http_headers[i].name, name) == 0)
      return req->info->http_headers[i].value;
  }
  return NULL;
}

void respond(request_ctx *req, int status, const char *content_type, const char *extra_headers,
             const char *body, size_t body_len) {
  int draining = atomic_load(&req->srv->draining);
  int n = mg_printf(req->conn,
                    "HTTP/1.1 %d %s\r\n"
                    "Content-Type: %s\r\n"
                    "Content-Length: %zu\r\n"
                    "X-Request-Id: %s\r\n"
                    "Cache-Control: no-store\r\n"
                    "X-Content-Type-Options: nosniff\r\n"
                    "%s%s\r\n",
                    status, status_text(status), content_type, body_len, req->request_id,
                    draining ? "Connection: close\r\n" : "", extra_headers ? extra_headers : "");
  if (n > 0 && body_len > 0 && strcmp(req->info->request_method, "HEAD") != 0)
    n = mg_write(req->conn, body, body_len);
  req->status = status;
  req->bytes_sent = body_len;
}

void respond_json(request_ctx *req, int status, cJSON *json, const char *extra_headers) {
  char *text = json ? cJSON_PrintUnformatted(json) : NULL;
  cJSON_Delete(json);
  if (!text) {
    log_message(LOG_ERROR, "cannot serialise a response", "request_id", req->request_id);
    static const char body[] = "{\"type\":\"about:blank\",\"title\":\"Internal Server Error\","
                               "\"status\":500,\"detail\":\"out of memory\"}";
    respond(req, 500, "application/problem+json", "", body, sizeof body - 1);
    return;
  }
  respond(req, status, "application/json", extra_headers, text, strlen(text));
  cJSON_free(text);
}

void respond_problem(request_ctx *req, int status, const char *detail, const char *field,
                     const char *extra_headers) {
  cJSON *p = cJSON_CreateObject();
  cJSON_AddStringToObject(p, "type", "about:blank");
  cJSON_AddStringToObject(p, "title", status_text(status));
  cJSON_AddNumberToObject(p, "status", status);
  cJSON_AddStringToObject(p, "detail", detail);
  cJSON_AddStringToObject(p, "request_id", req->request_id);
  if (field) {
    cJSON *errors = cJSON_AddArrayToObject(p, "errors");
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "field", field);
    cJSON_AddStringToObject(e, "message", detail);
    cJSON_AddItemToArray(errors, e);
  }
  char *text = cJSON_PrintUnformatted(p);
  cJSON_Delete(p);
  if (!text) {
    respond(req, status, "application/problem+json", extra_headers, "{}", 2);
    return;
  }
  respond(req, status, "application/problem+json", extra_headers, text, strlen(text));
  cJSON_free(text);
}

void respond_store_error(request_ctx *req, int status, const msg_error *err) {
  switch (status) {
  case MSG_ERR_INVALID:
  case MSG_ERR_CONFLICT:
    respond_problem(req, 422, err->message, err->field[0] ? err->field : NULL, "");
    return;
  case MSG_ERR_NOT_FOUND:
    respond_problem(req, 404, err->message, NULL, "");
    return;
  case MSG_ERR_UNAVAILABLE:
    log_message(LOG_WARN, "database unavailable", "error", err->message);
    respond_problem(req, 503, "the database is unavailable; retry later", NULL,
                    "Retry-After: 1\r\n");
    return;
  default: {
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "request_id", req->request_id);
    cJSON_AddStringToObject(f, "error", err->message);
    cJSON_AddStringToObject(f, "status", msg_status_str(status));
    log_event(LOG_ERROR, "store call failed", f);
    respond_problem(req, 500, "internal error; see the server log for this request id", NULL, "");
  }
  }
}

/* Rejects what cJSON would accept but JSON forbids, or what C strings cannot
 * hold: raw control characters inside strings and escaped U+0000. */
static const char *scan_strings(const char *s, size_t len) {
  int in_string = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (!in_string) {
      if (c == '"')
        in_string = 1;
      continue;
    }
    if (c == '"')
      in_string = 0;
    else if (c < 0x20)
      return "strings must not contain raw control characters";
    else if (c == '\\' && i + 1 < len) {
      if (s[i + 1] == 'u' && i + 5 < len && strncmp(s + i + 2, "0000", 4) == 0)
        return "strings must not contain U+0000";
      i++;
    }
  }
  return NULL;
}

/* The first duplicated member name anywhere in `item`, or NULL. */
static const char *find_duplicate(const cJSON *item) {
  for (const cJSON *a = item ? item->child : NULL; a; a = a->next) {
    if (cJSON_IsObject(item)) {
      for (const cJSON *b = a->next; b; b = b->next) {
        if (a->string && b->string && strcmp(a->string, b->string) == 0)
          return a->string;
      }
    }
    const char *nested = find_duplicate(a);
    if (nested)
      return nested;
  }
  return NULL;
}

static int is_json_content_type(const char *ct) {
  if (!ct)
    return 0;
  size_t n = strlen("application/json");
  if (strncasecmp(ct, "application/json", n) != 0)
    return 0;
  return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

cJSON *read_json_body(request_ctx *req) {
  long max = req->srv->config->max_body_bytes;
  if (!is_json_content_type(request_header(req, "Content-Type"))) {
    respond_problem(req, 415, "the request body must be application/json", NULL, "");
    return NULL;
  }
  long long declared = req->info->content_length;
  if (declared > max) {
    char detail[96];
    snprintf(detail, sizeof detail, "the request body must be at most %ld bytes", max);
    respond_problem(req, 413, detail, NULL, "Connection: close\r\n");
    return NULL;
  }
  size_t cap = declared >= 0 ? (size_t)declared + 1 : 4096;
  char *buf = malloc(cap);
  size_t len = 0;
  while (buf) {
    if (len + 1 >= cap) {
      if ((long)len > max)
        break;
      char *grown = realloc(buf, cap * 2);
      if (!grown) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = grown;
      cap *= 2;
    }
    int n = mg_read(req->conn, buf + len, cap - len - 1);
    if (n < 0) {
      free(buf);
      respond_problem(req, 408, "the request body was not received in time", NULL,
                      "Connection: close\r\n");
      return NULL;
    }
    if (n == 0)
      break;
    len += (size_t)n;
  }
  if (!buf) {
    respond_problem(req, 503, "the server is short of memory; retry later", NULL,
                    "Retry-After: 1\r\n");
    return NULL;
  }
  if ((long)len > max) {
    free(buf);
    char detail[96];
    snprintf(detail, sizeof detail, "the request body must be at most %ld bytes", max);
    respond_problem(req, 413, detail, NULL, "Connection: close\r\n");
    return NULL;
  }
  const char *bad = scan_strings(buf, len);
  cJSON *json = bad ? NULL : cJSON_ParseWithLength(buf, len);
  free(buf);
  if (!json) {
    respond_problem(req, 400, bad ? bad : "the request body is not valid JSON", NULL, "");
    return NULL;
  }
  if (!cJSON_IsObject(json)) {
    cJSON_Delete(json);
    respond_problem(req, 400, "the request body must be a JSON object", NULL, "");
    return NULL;
  }
  const char *dup = find_duplicate(json);
  if (dup) {
    char detail[128];
    snprintf(detail, sizeof detail, "the request body repeats the member '%.64s'", dup);
    cJSON_Delete(json);
    respond_problem(req, 400, detail, NULL, "");
    return NULL;
  }
  return json;
}
