/*
 * Headers, request bodies and responses. Responses always carry
 * Content-Length and the request id; while the server drains they also carry
 * "Connection: close", so keep-alive clients move to another replica before
 * this one stops accepting connections.
 */
#include "http.h"

#include "json.h"
#include "log.h"
#include "problem.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *msg__http_header(const request_ctx *req, const char *name) {
  for (int i = 0; i < req->info->num_headers; i++) {
    if (strcasecmp(req->info->http_headers[i].name, name) == 0)
      return req->info->http_headers[i].value;
  }
  return NULL;
}

static int valid_request_id(const char *id) {
  size_t len = id ? strlen(id) : 0;
  if (len == 0 || len > REQUEST_ID_MAX)
    return 0;
  for (const char *p = id; *p; p++) {
    char c = *p;
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_' || c == '.' || c == ':'))
      return 0;
  }
  return 1;
}

void msg__http_assign_request_id(request_ctx *req) {
  const char *given = req->info ? msg__http_header(req, "X-Request-Id") : NULL;
  if (valid_request_id(given)) {
    memcpy(req->request_id, given, strlen(given) + 1);
    return;
  }
  unsigned char raw[16];
  /* Ids only need to be unique, not secret: if the generator fails, a
   * process-wide counter still tells requests apart. */
  if (RAND_bytes(raw, sizeof raw) != 1) {
    static atomic_ullong fallback;
    snprintf(req->request_id, sizeof req->request_id, "local-%llu",
             (unsigned long long)atomic_fetch_add(&fallback, 1));
    return;
  }
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < sizeof raw; i++) {
    req->request_id[2 * i] = digits[raw[i] >> 4];
    req->request_id[2 * i + 1] = digits[raw[i] & 15];
  }
  req->request_id[2 * sizeof raw] = '\0';
}

void msg__http_set_cause(request_ctx *req, const char *cause) {
  if (!req->cause && cause)
    req->cause = strdup(cause);
}

void msg__http_respond(request_ctx *req, int status, const char *content_type,
                       const char *extra_headers, const char *body, size_t body_len) {
  if (req->status)
    return;
  int draining = atomic_load(&req->srv->draining);
  const char *method = req->info->request_method;
  int n = mg_printf(req->conn,
                    "HTTP/1.1 %d %s\r\n"
                    "Content-Type: %s\r\n"
                    "Content-Length: %zu\r\n"
                    "X-Request-Id: %s\r\n"
                    "Cache-Control: no-store\r\n"
                    "X-Content-Type-Options: nosniff\r\n"
                    "%s%s\r\n",
                    status, msg__problem_title(status), content_type, body_len, req->request_id,
                    draining ? "Connection: close\r\n" : "", extra_headers ? extra_headers : "");
  if (n > 0 && body_len > 0 && !(method && strcmp(method, "HEAD") == 0))
    mg_write(req->conn, body, body_len);
#ifdef MSG_HAVE_MG_DISABLE_KEEP_ALIVE
  if (draining)
    mg_disable_keep_alive(req->conn);
#endif
  req->status = status;
  req->bytes_sent = body_len;
}

void msg__http_respond_json(request_ctx *req, int status, cJSON *json, const char *extra_headers) {
  char *text = json ? cJSON_PrintUnformatted(json) : NULL;
  cJSON_Delete(json);
  if (!text) {
    msg__http_set_cause(req, "out of memory while building the response");
    msg__problem_send(req, 500, NULL, NULL, "the response could not be built");
    return;
  }
  msg__http_respond(req, status, "application/json", extra_headers, text, strlen(text));
  cJSON_free(text);
}

/* Is `value` (up to `len` bytes) the token `token`, case-insensitively? */
static int token_is(const char *value, size_t len, const char *token) {
  return strlen(token) == len && strncasecmp(value, token, len) == 0;
}

int msg__http_is_json(const request_ctx *req, int allow_missing) {
  const char *ct = msg__http_header(req, "Content-Type");
  if (!ct)
    return allow_missing;
  size_t type_len = strcspn(ct, "; \t");
  if (!token_is(ct, type_len, "application/json"))
    return 0;
  /* Parameters: only a UTF-8 charset may be named; JSON is UTF-8 (RFC 8259). */
  for (const char *p = ct + type_len; *p;) {
    p += strspn(p, "; \t");
    if (!*p)
      break;
    size_t len = strcspn(p, ";");
    const char *eq = memchr(p, '=', len);
    if (eq && token_is(p, (size_t)(eq - p), "charset")) {
      const char *v = eq + 1;
      size_t vlen = len - (size_t)(v - p);
      while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
        vlen--;
      if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"')
        v++, vlen -= 2;
      if (!token_is(v, vlen, "utf-8"))
        return 0;
    }
    p += len;
  }
  return 1;
}

/* Reads the whole body into a new buffer, stopping one byte past `max` so an
 * oversized chunked body is detected without being stored. Returns the
 * buffer (NUL-terminated, *len set), or NULL with *failure set: 413 too
 * large, 408 incomplete in time, 500 out of memory. */
static char *read_body(request_ctx *req, long max, size_t *len, int *failure) {
  long long declared = req->info->content_length;
  *len = 0;
  if (declared > max) {
    *failure = 413;
    return NULL;
  }
  size_t cap = declared >= 0 ? (size_t)declared + 1 : 4096;
  char *buf = malloc(cap);
  if (!buf) {
    *failure = 500;
    return NULL;
  }
  for (;;) {
    if (*len + 1 >= cap) {
      if ((long)*len > max)
        break;
      char *grown = realloc(buf, cap * 2);
      if (!grown) {
        free(buf);
        *failure = 500;
        return NULL;
      }
      buf = grown;
      cap *= 2;
    }
    /* civetweb returns 0 at the end of the body and also when the request
     * timeout passes first; a short body tells the two apart below. */
    int n = mg_read(req->conn, buf + *len, cap - *len - 1);
    if (n <= 0)
      break;
    *len += (size_t)n;
  }
  if ((long)*len > max) {
    free(buf);
    *failure = 413;
    return NULL;
  }
  if (declared >= 0 && (long long)*len < declared) {
    free(buf);
    *failure = 408;
    return NULL;
  }
  buf[*len] = '\0';
  return buf;
}

cJSON *msg__http_read_json(request_ctx *req, int allow_missing_type) {
  if (!msg__http_is_json(req, allow_missing_type)) {
    msg__problem_send(req, 415, NULL, NULL, "the request body must be application/json (UTF-8)");
    return NULL;
  }
  long max = req->srv->config->max_body_bytes;
  size_t len;
  int failure = 0;
  char *buf = read_body(req, max, &len, &failure);
  if (!buf) {
    if (failure == 413)
      msg__problem_send(req, 413, NULL, "Connection: close\r\n",
                        "the request body must be at most %ld bytes", max);
    else if (failure == 408)
      msg__problem_send(req, 408, NULL, "Connection: close\r\n",
                        "the request body was not received in time");
    else {
      msg__http_set_cause(req, "out of memory while reading the request body");
      msg__problem_send(req, 500, NULL, NULL, "the server ran out of memory");
    }
    return NULL;
  }
  json_parse_error perr;
  cJSON *json = msg__json_parse_request(buf, len, &perr);
  free(buf);
  if (!json) {
    if (perr.status == 500) {
      msg__http_set_cause(req, "out of memory while parsing the request body");
      msg__problem_send(req, 500, NULL, NULL, "the server ran out of memory");
    } else {
      msg__problem_send(req, perr.status, perr.field, NULL, "%s", perr.detail);
    }
    free(perr.field);
    return NULL;
  }
  return json;
}
