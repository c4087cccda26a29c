/*
 * Headers, request bodies and responses. A request body is read only when
 * its framing is unambiguous, up to --max-body-bytes, and by a deadline
 * --request-timeout-ms after its first read, however slowly it arrives; a
 * body the handler leaves unread is read within the same limits after the
 * response, or the connection ends; a chunked body, its data and chunk
 * framing together, may take at most twice --max-body-bytes on the wire
 * (wire_bytes_max). Responses always carry
 * Content-Length and the request id, and say "Connection: close" whenever
 * the connection ends after them (so a pipelined request is never lost
 * unannounced) and "Connection: keep-alive" to an HTTP/1.0 client whose
 * connection stays open. While the server drains every response closes,
 * so keep-alive clients move to another replica before this one stops
 * accepting connections.
 */
/* gettid() and SIGEV_THREAD_ID, for the body deadline's timer. */
#define _GNU_SOURCE

#include "http.h"

#include "json.h"
#include "log.h"
#include "problem.h"

#include <openssl/rand.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* The header that ends the connection after a response; responses that
 * carry it are not followed by another request on the same connection. */
#define CONNECTION_CLOSE "Connection: close\r\n"

static int finish_body(request_ctx *req);
static int body_too_large_to_finish(const request_ctx *req);
static int keeps_alive(const request_ctx *req);

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

/* splitmix64's finaliser: a bijection on 64 bits that scatters its input. */
static uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/* 16 bytes for the next request id of this worker thread. RAND_bytes costs
 * a getpid() system call on every call (OpenSSL checks for a fork), so each
 * thread draws 16 random bytes once and derives its ids from them: the low
 * half is mix64(salt + n) for the thread's n-th id, which never repeats in
 * a thread because mix64 is a bijection; the high half is mix64(key ^ low),
 * so two threads (different random keys) only give the same id if their
 * keys are equal, a 2^-64 chance. msg-server never forks, so a thread's
 * state is never shared with a child. 0 on success, -1 when the generator
 * could not seed (tried again on the next request). */
static int next_request_id_bytes(unsigned char out[16]) {
  static _Thread_local struct {
    int seeded;
    uint64_t key, salt, count;
  } state;
  if (!state.seeded) {
    unsigned char seed[16];
    if (RAND_bytes(seed, sizeof seed) != 1)
      return -1;
    memcpy(&state.key, seed, 8);
    memcpy(&state.salt, seed + 8, 8);
    state.seeded = 1;
  }
  uint64_t low = mix64(state.salt + state.count++);
  uint64_t high = mix64(state.key ^ low);
  for (int i = 0; i < 8; i++) {
    out[i] = (unsigned char)(high >> (56 - 8 * i));
    out[8 + i] = (unsigned char)(low >> (56 - 8 * i));
  }
  return 0;
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
  if (next_request_id_bytes(raw) != 0) {
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

/* Bodies up to this size go out in the same send as the headers; above it
 * the copy costs more than the second system call saves. */
#define ONE_SEND_MAX_BYTES (256 * 1024)

static const char response_head_format[] = "HTTP/1.1 %d %s\r\n"
                                           "Content-Type: %s\r\n"
                                           "Content-Length: %zu\r\n"
                                           "X-Request-Id: %s\r\n"
                                           "Cache-Control: no-store\r\n"
                                           "X-Content-Type-Options: nosniff\r\n"
                                           "%s%s\r\n";

/* Writes the status line, the headers and, unless body is NULL (HEAD), the
 * body. Headers and body are formatted into one buffer (owned and freed
 * here) and written with one mg_write, so a keep-alive response costs one
 * sendto() and not two. When that buffer cannot be had (a body over
 * ONE_SEND_MAX_BYTES, no memory) the headers and the body go out in two
 * writes, as they always did. */
static void send_response(struct mg_connection *conn, int status, const char *content_type,
                          const char *request_id, const char *connection_header,
                          const char *extra_headers, const char *body, size_t body_len) {
  const char *title = msg__problem_title(status);
  const char *extra = extra_headers ? extra_headers : "";
  size_t send_len = body ? body_len : 0;
  int head_len = snprintf(NULL, 0, response_head_format, status, title, content_type, body_len,
                          request_id, connection_header, extra);
  char *buffer = NULL;
  if (head_len > 0 && send_len <= ONE_SEND_MAX_BYTES)
    buffer = malloc((size_t)head_len + 1 + send_len);
  if (buffer) {
    snprintf(buffer, (size_t)head_len + 1, response_head_format, status, title, content_type,
             body_len, request_id, connection_header, extra);
    if (send_len > 0)
      memcpy(buffer + head_len, body, send_len);
    mg_write(conn, buffer, (size_t)head_len + send_len);
    free(buffer);
    return;
  }
  int n = mg_printf(conn, response_head_format, status, title, content_type, body_len, request_id,
                    connection_header, extra);
  if (n > 0 && send_len > 0)
    mg_write(conn, body, send_len);
}

void msg__http_respond(request_ctx *req, int status, const char *content_type,
                       const char *extra_headers, const char *body, size_t body_len) {
  if (req->status)
    return;
  int says_close = extra_headers && strstr(extra_headers, CONNECTION_CLOSE) != NULL;
  /* Whatever will end the connection is decided before the headers go
   * out, so that they can say so: draining, a client that did not ask to
   * keep it, and an unread body that is already known to be over the limit
   * (it cannot be read and dropped, so the connection must end). */
  int closing = says_close || atomic_load(&req->srv->draining) || !keeps_alive(req) ||
                body_too_large_to_finish(req);
  const char *connection_header = closing && !says_close ? CONNECTION_CLOSE : "";
  /* HTTP/1.0 closes after each response unless the response says otherwise
   * (RFC 9112 section 9.3). */
  int http10 = req->info->http_version && strcmp(req->info->http_version, "1.0") == 0;
  if (!closing && http10)
    connection_header = "Connection: keep-alive\r\n";
  const char *method = req->info->request_method;
  int head_only = method && strcmp(method, "HEAD") == 0;
  send_response(req->conn, status, content_type, req->request_id, connection_header,
                extra_headers, head_only ? NULL : body, body_len);
  req->status = status;
  req->bytes_sent = body_len;
  /* civetweb reads and throws away whatever the handler left of the body
   * before it serves the next request on the connection, one mg_read at a
   * time with no bound on the size and none on the time but the request
   * timeout per read. The rest is read here within both limits instead, or
   * the connection ends. */
  if (!closing && finish_body(req) != 0)
    closing = 1;
  if (closing)
    mg_disable_keep_alive(req->conn);
}

void msg__http_respond_json(request_ctx *req, int status, cJSON *json, const char *extra_headers) {
  /* The message and page shapes arrive as one raw item holding finished
   * JSON (json.h): sent as it is, without printing it into a new buffer. */
  if (cJSON_IsRaw(json) && json->valuestring) {
    msg__http_respond(req, status, "application/json", extra_headers, json->valuestring,
                      strlen(json->valuestring));
    cJSON_Delete(json);
    return;
  }
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

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Does the comma-separated `list` hold `token` (case-insensitive)? */
static int list_has_token(const char *list, const char *token) {
  for (const char *p = list; *p;) {
    p += strspn(p, " \t,");
    size_t len = strcspn(p, ",");
    size_t trimmed = len;
    while (trimmed > 0 && (p[trimmed - 1] == ' ' || p[trimmed - 1] == '\t'))
      trimmed--;
    if (trimmed > 0 && token_is(p, trimmed, token))
      return 1;
    p += len;
  }
  return 0;
}

/* Will civetweb keep the connection open after this response? The same
 * rule as its own: keep-alive must be on, and the client must ask for it
 * (a Connection header naming keep-alive) or be HTTP/1.1 without a
 * Connection header. */
static int keeps_alive(const request_ctx *req) {
  if (req->srv->config->keepalive_timeout_ms <= 0)
    return 0;
  const char *connection = msg__http_header(req, "Connection");
  if (connection)
    return list_has_token(connection, "keep-alive");
  return req->info->http_version && strcmp(req->info->http_version, "1.1") == 0;
}

/* How the request says its body is delimited (RFC 9112 section 6). */
typedef enum framing { FRAMING_NONE, FRAMING_LENGTH, FRAMING_CHUNKED, FRAMING_BAD } framing;

/* civetweb takes the first Content-Length and reads any number its strtoll
 * accepts ("2abc", "+2", "2, 5"), and the first Transfer-Encoding; a proxy
 * may take another. Those are the ambiguities request smuggling relies on,
 * so a body is only read when every Content-Length is the same run of
 * digits and no Transfer-Encoding comes with it, or when there is exactly
 * one Transfer-Encoding and it is "chunked" (RFC 9112 section 6.1: the
 * only coding a server must know, and the last one applied; no other is
 * served here, and HTTP/1.0 has none). Our patch to civetweb refuses the
 * same requests before they get here (server/civetweb/); this check keeps
 * the rule where the body is read. */
static framing body_framing(const request_ctx *req) {
  const char *length = NULL, *coding = NULL;
  for (int i = 0; i < req->info->num_headers; i++) {
    const char *name = req->info->http_headers[i].name;
    const char *value = req->info->http_headers[i].value;
    if (strcasecmp(name, "Transfer-Encoding") == 0) {
      if (coding || strcasecmp(value, "chunked") != 0)
        return FRAMING_BAD;
      coding = value;
    } else if (strcasecmp(name, "Content-Length") == 0) {
      size_t digits = strspn(value, "0123456789");
      if (digits == 0 || value[digits + strspn(value + digits, " \t")] != '\0')
        return FRAMING_BAD;
      if (length && (strncmp(length, value, digits) != 0 || strspn(length, "0123456789") != digits))
        return FRAMING_BAD;
      length = value;
    }
  }
  int http10 = req->info->http_version && strcmp(req->info->http_version, "1.0") == 0;
  if (coding && (length || http10))
    return FRAMING_BAD;
  if (coding)
    return FRAMING_CHUNKED;
  return length && req->info->content_length > 0 ? FRAMING_LENGTH : FRAMING_NONE;
}

int msg__http_check_framing(request_ctx *req) {
  if (body_framing(req) != FRAMING_BAD)
    return 0;
  msg__problem_send(req, 400, NULL, CONNECTION_CLOSE,
                    "the body must be framed by one Content-Length of digits or by "
                    "one Transfer-Encoding: chunked, not both");
  return -1;
}

int msg__http_check_single_headers(request_ctx *req) {
  /* Fields whose value is one decision: with two of them, a proxy and
   * this server could each act on a different one. */
  static const char *const once[] = {"Authorization", "Content-Type", "Idempotency-Key"};
  for (size_t k = 0; k < sizeof once / sizeof once[0]; k++) {
    int seen = 0;
    for (int i = 0; i < req->info->num_headers; i++)
      seen += strcasecmp(req->info->http_headers[i].name, once[k]) == 0;
    if (seen > 1) {
      msg__problem_send(req, 400, once[k], NULL, "the %s header may be sent only once", once[k]);
      return -1;
    }
  }
  return 0;
}

int msg__http_check_host(request_ctx *req) {
  int hosts = 0;
  for (int i = 0; i < req->info->num_headers; i++)
    hosts += strcasecmp(req->info->http_headers[i].name, "Host") == 0;
  int http11 = req->info->http_version && strcmp(req->info->http_version, "1.1") == 0;
  if (hosts > 1 || (http11 && hosts == 0)) {
    msg__problem_send(req, 400, NULL, CONNECTION_CLOSE,
                      "an HTTP/1.1 request needs exactly one Host header");
    return -1;
  }
  return 0;
}

typedef enum body_result {
  BODY_OK,
  BODY_TOO_LARGE, /* 413 */
  BODY_TIMEOUT,   /* 408: not complete within the request timeout */
  BODY_MALFORMED, /* 400: invalid chunked encoding, or the client closed early */
  BODY_NOMEM      /* 500 */
} body_result;

/*
 * The deadline for a body. civetweb's mg_read returns only once it has
 * every byte asked for, waiting up to a request timeout for each next one,
 * so on its own a client sending a byte a second holds the worker for as
 * many seconds as bytes were asked for. A timer of the worker thread's own
 * sends it DEADLINE_SIGNAL at the deadline, and every DEADLINE_REPEAT_MS
 * after in case one lands just before the wait starts; the handler does
 * nothing, but the signal makes the poll() inside mg_read fail with EINTR,
 * and mg_read returns what it has. Where no such timer can be made (no
 * SIGEV_THREAD_ID, or timer_create fails) the body is read one byte per
 * mg_read instead, which bounds each wait to one request timeout but costs
 * about 100 ns a byte.
 */
#define DEADLINE_SIGNAL SIGRTMIN
#define DEADLINE_REPEAT_MS 20

#ifdef SIGEV_THREAD_ID
static pthread_once_t deadline_once = PTHREAD_ONCE_INIT;
static pthread_key_t deadline_key; /* this thread's timer_t, freed at thread exit */
static int deadline_ready;

static void deadline_interrupt(int sig) {
  (void)sig;
}

static void deadline_timer_free(void *timer) {
  timer_delete(*(timer_t *)timer);
  free(timer);
}

static void deadline_setup(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = deadline_interrupt;
  sigemptyset(&sa.sa_mask);
  /* No SA_RESTART: the wait must fail rather than resume. */
  deadline_ready = sigaction(DEADLINE_SIGNAL, &sa, NULL) == 0 &&
                   pthread_key_create(&deadline_key, deadline_timer_free) == 0;
}

/* This thread's timer, made on first use; NULL when there can be none. */
static timer_t *deadline_timer(void) {
  pthread_once(&deadline_once, deadline_setup);
  if (!deadline_ready)
    return NULL;
  timer_t *timer = pthread_getspecific(deadline_key);
  if (timer)
    return timer;
  /* The signal must reach this thread even if start-up blocked it for all. */
  sigset_t deadline_only;
  sigemptyset(&deadline_only);
  sigaddset(&deadline_only, DEADLINE_SIGNAL);
  if (pthread_sigmask(SIG_UNBLOCK, &deadline_only, NULL) != 0)
    return NULL;
  timer = malloc(sizeof *timer);
  if (!timer)
    return NULL;
  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_THREAD_ID;
  ev.sigev_signo = DEADLINE_SIGNAL;
  ev._sigev_un._tid = gettid(); /* glibc has no public name for it */
  if (timer_create(CLOCK_MONOTONIC, &ev, timer) != 0) {
    free(timer);
    return NULL;
  }
  if (pthread_setspecific(deadline_key, timer) != 0) {
    deadline_timer_free(timer);
    return NULL;
  }
  return timer;
}
#else
static timer_t *deadline_timer(void) {
  return NULL;
}
#endif

/* Starts (ms > 0) or stops (ms == 0) `timer`; 0 on success. */
static int deadline_set(timer_t *timer, long ms) {
  struct itimerspec when;
  memset(&when, 0, sizeof when);
  if (ms > 0) {
    when.it_value.tv_sec = ms / 1000;
    when.it_value.tv_nsec = (ms % 1000) * 1000000L;
    when.it_interval.tv_nsec = DEADLINE_REPEAT_MS * 1000000L;
  }
  return timer_settime(*timer, 0, &when, NULL);
}

/* A chunked body is read at most this many data bytes per mg_read, so that
 * one read cannot run far past the wire bound: each data byte may come
 * with up to about 70 bytes of chunk framing (a 1-byte chunk whose size
 * line is zero-padded to civetweb's 63 characters). */
#define CHUNKED_READ_MAX 512

/* The most a body may cost on the wire: its data (at most `max`) and, when
 * chunked, as much again in chunk framing. Decoding 1-byte chunks with
 * padded sizes costs CPU for every framing byte, so they count too. */
static long long wire_bytes_max(long max) {
  return 2 * (long long)max;
}

/*
 * Reads the body, keeping it in a new NUL-terminated buffer (*out, *len)
 * when `out` is not NULL and discarding it otherwise. At most `max` bytes
 * of data are accepted, at most wire_bytes_max(max) on the wire, and the
 * whole body must arrive within the request timeout from the first read
 * (see DEADLINE_SIGNAL).
 */
static body_result read_body(request_ctx *req, long max, char **out, size_t *len) {
  long timeout_ms = req->srv->config->request_timeout_ms;
  long long deadline = now_ms() + timeout_ms;
  long long declared = req->info->content_length;
  int chunked = body_framing(req) == FRAMING_CHUNKED;
  long long wire_max = wire_bytes_max(max);
  if (out) {
    *out = NULL;
    *len = 0;
  }
  if (declared > max)
    return BODY_TOO_LARGE;
  timer_t *timer = deadline_timer();
  int armed = timer && deadline_set(timer, timeout_ms) == 0;
  char scratch[4096]; /* where a discarded body goes; reads never exceed it */
  char *buf = NULL;
  size_t cap = 0, got = 0;
  body_result result = BODY_OK;
  for (;;) {
    if (now_ms() >= deadline) {
      result = BODY_TIMEOUT;
      break;
    }
    char *into = scratch;
    size_t room = sizeof scratch;
    if (out) {
      if (cap - got < 2) {
        size_t grown_cap = cap ? cap * 2 : declared >= 0 ? (size_t)declared + 2 : 4096;
        char *grown = realloc(buf, grown_cap);
        if (!grown) {
          result = BODY_NOMEM;
          break;
        }
        buf = grown;
        cap = grown_cap;
      }
      into = buf + got;
      room = cap - got - 1;
    }
    /* One byte past the limit is enough to know it is passed. */
    if (room > (size_t)max - got + 1)
      room = (size_t)max - got + 1;
    if (chunked && room > CHUNKED_READ_MAX)
      room = CHUNKED_READ_MAX;
    int n = mg_read(req->conn, into, armed ? room : 1);
    if (mg_get_request_body_wire_bytes(req->conn) > wire_max) {
      result = BODY_TOO_LARGE;
      break;
    }
    if (n == 0) {
      /* The end of the body, or a whole request timeout without a byte
       * (which cannot end before the deadline). When draining, the handler
       * may have read part of the body, so only the clock tells. */
      if (now_ms() >= deadline || (out && declared >= 0 && (long long)got < declared))
        result = BODY_TIMEOUT;
      break;
    }
    if (n < 0) {
      /* Interrupted at the deadline; or a chunked body that is malformed
       * or cut short, or a client that closed the connection. */
      result = now_ms() >= deadline ? BODY_TIMEOUT : BODY_MALFORMED;
      break;
    }
    got += (size_t)n;
    if ((long)got > max) {
      result = BODY_TOO_LARGE;
      break;
    }
    if (out && declared >= 0 && (long long)got == declared)
      break;
  }
  if (armed)
    deadline_set(timer, 0);
  if (result != BODY_OK || !out) {
    free(buf);
    return result;
  }
  if (!buf && !(buf = malloc(1)))
    return BODY_NOMEM;
  buf[got] = '\0';
  *out = buf;
  *len = got;
  return BODY_OK;
}

/* Is the request's Content-Length over --max-body-bytes, so that
 * finish_body will refuse to read the rest? */
static int body_too_large_to_finish(const request_ctx *req) {
  return body_framing(req) == FRAMING_LENGTH &&
         req->info->content_length > req->srv->config->max_body_bytes;
}

/* Reads what is left of the request body: 0 when it is complete, so that
 * the connection can serve the next request; -1 when it is not, or when it
 * is framed ambiguously. */
static int finish_body(request_ctx *req) {
  framing f = body_framing(req);
  if (f == FRAMING_NONE)
    return 0;
  if (f == FRAMING_BAD)
    return -1;
  /* Usually the handler has read it all and this returns 0 at once; one
   * byte waits at most one request timeout (then 0 too, but late), so no
   * timer is needed to see. */
  long long start = now_ms();
  char byte;
  int n = mg_read(req->conn, &byte, 1);
  if (n == 0)
    return now_ms() - start < req->srv->config->request_timeout_ms ? 0 : -1;
  if (n < 0)
    return -1;
  return read_body(req, req->srv->config->max_body_bytes, NULL, NULL) == BODY_OK ? 0 : -1;
}

cJSON *msg__http_read_json(request_ctx *req, int allow_missing_type) {
  if (!msg__http_is_json(req, allow_missing_type)) {
    msg__problem_send(req, 415, NULL, NULL, "the request body must be application/json (UTF-8)");
    return NULL;
  }
  /* The framing was checked for every request before dispatch
   * (msg__http_check_framing), so the body can be read as it says. */
  long max = req->srv->config->max_body_bytes;
  char *buf;
  size_t len;
  switch (read_body(req, max, &buf, &len)) {
  case BODY_OK:
    break;
  case BODY_TOO_LARGE:
    msg__problem_send(req, 413, NULL, CONNECTION_CLOSE,
                      "the request body must be at most %ld bytes (and, chunked, at most "
                      "%lld bytes on the wire with its chunk framing)",
                      max, wire_bytes_max(max));
    return NULL;
  case BODY_TIMEOUT:
    msg__problem_send(req, 408, NULL, CONNECTION_CLOSE,
                      "the request body was not received in time");
    return NULL;
  case BODY_MALFORMED:
    msg__problem_send(req, 400, NULL, CONNECTION_CLOSE,
                      "the request body ended early or its chunked encoding is invalid");
    return NULL;
  case BODY_NOMEM:
    msg__http_set_cause(req, "out of memory while reading the request body");
    msg__problem_send(req, 500, NULL, CONNECTION_CLOSE, "the server ran out of memory");
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
