/*
 * The keys table in use, its reloads, and the per-request checks. See
 * auth.h for the policy.
 */
#include "auth.h"

#include "apikeys.h"
#include "log.h"
#include "problem.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* Longer bearer tokens are refused before hashing: keygen makes 47
 * characters, and this bounds the work an unauthenticated request causes. */
#define TOKEN_MAX 512

#define CHALLENGE "WWW-Authenticate: Bearer realm=\"msg-server\""

static struct {
  auth_mode mode;
  const char *path;
  pthread_rwlock_t lock; /* guards `keys` (readers: requests; writer: a reload) */
  apikeys *keys;
  struct stat seen; /* the file as last read, for msg__auth_poll */
} auth = {.lock = PTHREAD_RWLOCK_INITIALIZER};

static int same_file(const struct stat *a, const struct stat *b) {
  return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
         a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Counts for the log: account keys and operator keys. */
static cJSON *describe(const apikeys *keys) {
  size_t operators = 0;
  for (size_t i = 0; i < keys->count; i++)
    operators += keys->items[i].any_account != 0;
  cJSON *f = cJSON_CreateObject();
  if (f) {
    cJSON_AddStringToObject(f, "file", auth.path);
    cJSON_AddNumberToObject(f, "account_keys", (double)(keys->count - operators));
    cJSON_AddNumberToObject(f, "operator_keys", (double)operators);
  }
  return f;
}

/* Reads the file; the stat taken before the read, so that a change made
 * while reading is noticed by the next poll. */
static int load(apikeys **keys, struct stat *st, apikeys_error *err) {
  if (stat(auth.path, st) != 0)
    memset(st, 0, sizeof *st);
  return msg__apikeys_load(auth.path, keys, err);
}

int msg__auth_start(const server_config *cfg) {
  auth.mode = cfg->auth;
  auth.path = cfg->api_keys_file;
  if (auth.mode != AUTH_APIKEY)
    return 0;
  apikeys_error err;
  int rc = load(&auth.keys, &auth.seen, &err);
  if (rc == -2) {
    fprintf(stderr, "msg-server: --api-keys/MSG_API_KEYS_FILE: out of memory\n");
    return 2;
  }
  if (rc != 0) {
    if (err.line)
      fprintf(stderr, "msg-server: --api-keys/MSG_API_KEYS_FILE: %s:%zu: %s\n", auth.path, err.line,
              err.message);
    else
      fprintf(stderr, "msg-server: --api-keys/MSG_API_KEYS_FILE: %s: %s\n", auth.path, err.message);
    return 2;
  }
  msg__log_event(LOG_INFO, "api keys loaded", describe(auth.keys));
  return 0;
}

void msg__auth_reload(const char *reason) {
  if (auth.mode != AUTH_APIKEY)
    return;
  apikeys *fresh = NULL;
  apikeys_error err;
  struct stat st;
  int rc = load(&fresh, &st, &err);
  /* Remember this version even when it is bad, so a poll does not log the
   * same error every few seconds; the next change is read again. */
  auth.seen = st;
  if (rc != 0) {
    cJSON *f = cJSON_CreateObject();
    if (f) {
      cJSON_AddStringToObject(f, "file", auth.path);
      cJSON_AddStringToObject(f, "reason", reason);
      if (rc == -2) {
        cJSON_AddStringToObject(f, "error", "out of memory");
      } else {
        if (err.line)
          cJSON_AddNumberToObject(f, "line", (double)err.line);
        cJSON_AddStringToObject(f, "error", err.message);
      }
    }
    msg__log_event(LOG_ERROR, "api keys not reloaded; the keys in use stay", f);
    return;
  }
  pthread_rwlock_wrlock(&auth.lock);
  apikeys *old = auth.keys;
  auth.keys = fresh;
  pthread_rwlock_unlock(&auth.lock);
  msg__apikeys_free(old);
  cJSON *f = describe(fresh);
  if (f)
    cJSON_AddStringToObject(f, "reason", reason);
  msg__log_event(LOG_INFO, "api keys reloaded", f);
}

void msg__auth_poll(void) {
  if (auth.mode != AUTH_APIKEY)
    return;
  struct stat st;
  if (stat(auth.path, &st) != 0)
    memset(&st, 0, sizeof st);
  if (!same_file(&st, &auth.seen))
    msg__auth_reload("file changed");
}

void msg__auth_stop(void) {
  pthread_rwlock_wrlock(&auth.lock);
  msg__apikeys_free(auth.keys);
  auth.keys = NULL;
  pthread_rwlock_unlock(&auth.lock);
}

int msg__auth_required(const char *path) {
  return auth.mode == AUTH_APIKEY && path && strncmp(path, "/v1", 3) == 0 &&
         (path[3] == '/' || path[3] == '\0');
}

static int unauthorized(request_ctx *req, int invalid, const char *detail) {
  msg__problem_send(req, 401, "Authorization",
                    invalid ? CHALLENGE ", error=\"invalid_token\"\r\n" : CHALLENGE "\r\n", "%s",
                    detail);
  return -1;
}

/* RFC 6750 b64token: the characters a bearer token may hold. */
static int is_token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         strchr("-._~+/=", c) != NULL;
}

int msg__auth_authenticate(request_ctx *req) {
  const char *header = msg__http_header(req, "Authorization");
  if (!header)
    return unauthorized(req, 0, "this API needs a key: Authorization: Bearer <token>");
  if (strncasecmp(header, "Bearer ", 7) != 0)
    return unauthorized(req, 0, "the Authorization header must use the Bearer scheme");
  const char *token = header + 7;
  while (*token == ' ')
    token++;
  size_t len = strlen(token);
  while (len > 0 && token[len - 1] == ' ')
    len--;
  int well_formed = len > 0 && len <= TOKEN_MAX;
  for (size_t i = 0; well_formed && i < len; i++)
    well_formed = is_token_char(token[i]);
  if (!well_formed)
    return unauthorized(req, 1, "the API key is not valid");

  int found = 0;
  pthread_rwlock_rdlock(&auth.lock);
  const apikey *key = msg__apikeys_find(auth.keys, token, len);
  if (key) {
    found = 1;
    req->who.scoped = !key->any_account;
    req->who.account_id = key->account_id;
    if (key->label[0])
      snprintf(req->who.label, sizeof req->who.label, "%s", key->label);
    else if (key->any_account)
      snprintf(req->who.label, sizeof req->who.label, "operator");
    else
      snprintf(req->who.label, sizeof req->who.label, "account:%lld", (long long)key->account_id);
  }
  pthread_rwlock_unlock(&auth.lock);
  return found ? 0 : unauthorized(req, 1, "the API key is not valid");
}

int msg__auth_require_account(request_ctx *req, int64_t account_id, const char *field) {
  if (!req->who.scoped || req->who.account_id == account_id)
    return 0;
  msg__problem_send(req, 403, field, NULL, "this API key may not act on account %lld",
                    (long long)account_id);
  return -1;
}

int msg__auth_may_see(const request_ctx *req, int64_t account_id) {
  return !req->who.scoped || req->who.account_id == account_id;
}

int msg__auth_scope_filter(request_ctx *req, msg_filter *filter, int64_t *own) {
  if (!req->who.scoped)
    return 0;
  if (filter->account_id_count == 0) {
    *own = req->who.account_id;
    filter->account_ids = own;
    filter->account_id_count = 1;
    return 0;
  }
  for (size_t i = 0; i < filter->account_id_count; i++) {
    if (msg__auth_require_account(req, filter->account_ids[i], "account_id") != 0)
      return -1;
  }
  return 0;
}
