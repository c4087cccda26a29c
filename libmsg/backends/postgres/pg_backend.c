/*
 * The PostgreSQL backend: opening (URI checks and per-connection settings),
 * the vtable, and freeing.
 *
 * The URI goes to libpq as given, so everything libpq accepts works (sslmode
 * and the other TLS settings, several hosts, service names). It is checked
 * here with libpq's own parser so a typo fails at open with MSG_ERR_INVALID
 * rather than as an unreachable server. Neither the URI nor libpq's parse
 * message (which quotes pieces of the URI) is ever copied into an error.
 *
 * From the store's timeout come the settings every connection is opened with
 * (pg_conn.c): libpq's connect timeout (whole seconds, at least 2, libpq's
 * own minimum), TCP keepalives and a TCP user timeout so that a vanished
 * server is noticed, and session options: statement_timeout (which also
 * bounds lock waits), TimeZone UTC and client_encoding UTF8.
 *
 * One more session option, plan_cache_mode=auto (PostgreSQL's default),
 * is set so that a URI or PGOPTIONS cannot force generic plans: the
 * searches whose plan depends on their values are sent as unnamed
 * statements, planned with the values (pg_query.c), and force_generic_plan
 * would plan them blind as well. Forcing custom plans everywhere instead
 * would re-plan every get and list page, which costs more than running it.
 *
 * One URI parameter is libmsg's own and is taken out before libpq sees the
 * URI (libpq refuses parameters it does not know): pooler=transaction says
 * that a transaction-mode pooler (PgBouncer, RDS Proxy) sits between libmsg
 * and PostgreSQL. A pooler gives each transaction whichever server
 * connection is free, so a statement prepared by name on one is missing on
 * the next, and PgBouncer refuses startup options it does not track. With
 * it, every statement is sent unnamed (parsed and planned each time) and
 * only the URI's own options are sent. pooler=none (the default) is a
 * direct connection with named statements and cached plans. A pooler
 * cannot be detected reliably from the client side (PgBouncer reports the
 * server's version and settings as its own), hence an explicit setting.
 */
#include "pg_backend.h"

#include "builtin.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Four connections serve a small server's threads; callers that want more
 * set pool_size. */
#define PG_DEFAULT_POOL_SIZE 4

static void pg_free(msg_backend *backend) {
  pg_backend *b = (pg_backend *)backend;
  if (!b)
    return;
  free(b->password);
  free(b->uri);
  free(b->options);
  free(b);
}

static int invalid_uri(msg_error *err, const char *why) {
  return msg_error_set(err, MSG_ERR_INVALID, "uri", "the PostgreSQL URI is not valid: %s", why);
}

/* Ports and sslmode are checked here because libpq only rejects them when
 * connecting, which would look like a server that is down. Each
 * comma-separated port is empty (libpq's default) or 1..65535. */
static int ports_are_valid(const char *ports) {
  const char *p = ports;
  for (;;) {
    unsigned long value = 0;
    size_t digits = 0;
    for (; isdigit((unsigned char)*p); p++, digits++) {
      value = value * 10 + (unsigned long)(*p - '0');
      if (value > 65535)
        return 0;
    }
    if (digits > 0 && value == 0)
      return 0;
    if (*p == '\0')
      return 1;
    if (*p != ',')
      return 0;
    p++;
  }
}

static int sslmode_is_valid(const char *mode) {
  static const char *const modes[] = {"disable",   "allow",       "prefer", "require",
                                      "verify-ca", "verify-full", NULL};
  for (const char *const *m = modes; *m; m++) {
    if (strcmp(mode, *m) == 0)
      return 1;
  }
  return 0;
}

/* Copies `uri` with its scheme in lower case: URI schemes are
 * case-insensitive, but libpq recognises only "postgresql://" and
 * "postgres://" as written. */
static int copy_uri(pg_backend *b, const char *uri, msg_error *err) {
  static const char *const schemes[] = {"postgresql://", "postgres://", NULL};
  size_t scheme_len = 0;
  for (const char *const *s = schemes; *s && scheme_len == 0; s++) {
    if (strncasecmp(uri, *s, strlen(*s)) == 0)
      scheme_len = strlen(*s);
  }
  if (scheme_len == 0)
    return invalid_uri(err, "it must start with postgresql:// or postgres://");
  b->uri = strdup(uri);
  if (!b->uri)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory opening the store");
  for (size_t i = 0; i < scheme_len; i++)
    b->uri[i] = (char)tolower((unsigned char)b->uri[i]);
  return MSG_OK;
}

/* The session options: the URI's own (or PGOPTIONS, which libpq would have
 * used had we not set "options"), then ours, which win where they repeat a
 * setting because the server applies them in order. */
static int build_options(pg_backend *b, const char *uri_options, msg_error *err) {
  const char *base = uri_options && uri_options[0] ? uri_options : getenv("PGOPTIONS");
  if (!base)
    base = "";
  if (b->transaction_pooler) {
    /* Only what the URI or PGOPTIONS asked for (see the top of this file). */
    b->options = strdup(base);
    return b->options ? MSG_OK
                      : msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory opening the store");
  }
  static const char fmt[] = "%s%s-c statement_timeout=%u -c TimeZone=UTC -c client_encoding=UTF8"
                            " -c plan_cache_mode=auto";
  const char *sep = base[0] ? " " : "";
  int len = snprintf(NULL, 0, fmt, base, sep, b->timeout_ms);
  b->options = len < 0 ? NULL : malloc((size_t)len + 1);
  if (!b->options)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory opening the store");
  snprintf(b->options, (size_t)len + 1, fmt, base, sep, b->timeout_ms);
  return MSG_OK;
}

/* Takes libmsg's "pooler" parameter out of the copied URI's query string
 * (see the top of this file) and records it. Parameters are "&"-separated
 * after the first "?"; the rest of the URI is left byte for byte. */
static int take_pooler(pg_backend *b, msg_error *err) {
  char *query = strchr(b->uri, '?');
  if (!query)
    return MSG_OK;
  char *out = query + 1;
  int seen = 0;
  for (char *p = query + 1; *p;) {
    size_t len = strcspn(p, "&");
    int ours = len >= 7 && strncmp(p, "pooler=", 7) == 0;
    if (ours) {
      const char *value = p + 7;
      size_t value_len = len - 7;
      if (seen)
        return invalid_uri(err, "pooler is given twice");
      seen = 1;
      if (value_len == 11 && strncmp(value, "transaction", 11) == 0)
        b->transaction_pooler = 1;
      else if (!(value_len == 4 && strncmp(value, "none", 4) == 0))
        return invalid_uri(err, "pooler must be transaction or none");
    } else if (len > 0) {
      if (out != query + 1)
        *out++ = '&';
      memmove(out, p, len);
      out += len;
    }
    p += len;
    if (*p == '&')
      p++;
  }
  /* Nothing left after "?": drop it too. */
  if (out == query + 1)
    out = query;
  *out = '\0';
  return MSG_OK;
}

static int read_uri(pg_backend *b, const char *uri, msg_error *err) {
  int rc = copy_uri(b, uri, err);
  if (rc == MSG_OK)
    rc = take_pooler(b, err);
  if (rc != MSG_OK)
    return rc;
  char *parse_error = NULL;
  PQconninfoOption *parsed = PQconninfoParse(b->uri, &parse_error);
  if (!parsed) {
    /* NULL without a message is libpq out of memory. */
    rc = parse_error ? invalid_uri(err, "libpq cannot parse it (see libpq's connection URIs)")
                     : msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory opening the store");
    PQfreemem(parse_error);
    return rc;
  }
  const char *options = NULL;
  for (PQconninfoOption *o = parsed; rc == MSG_OK && o->keyword; o++) {
    if (!o->val)
      continue;
    if (strcmp(o->keyword, "password") == 0 && o->val[0] != '\0') {
      b->password = strdup(o->val);
      if (!b->password)
        rc = msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory opening the store");
    } else if (strcmp(o->keyword, "port") == 0 && !ports_are_valid(o->val)) {
      rc = invalid_uri(err, "a port must be a number from 1 to 65535");
    } else if (strcmp(o->keyword, "sslmode") == 0 && !sslmode_is_valid(o->val)) {
      rc = invalid_uri(err, "sslmode must be disable, allow, prefer, require, verify-ca or "
                            "verify-full");
    } else if (strcmp(o->keyword, "options") == 0) {
      options = o->val;
    }
  }
  if (rc == MSG_OK)
    rc = build_options(b, options, err);
  PQconninfoFree(parsed);
  return rc;
}

static void derive_settings(pg_backend *b, unsigned int timeout_ms) {
  unsigned int seconds = timeout_ms / 1000 + (timeout_ms % 1000 != 0);
  b->timeout_ms = timeout_ms;
  snprintf(b->connect_timeout, sizeof b->connect_timeout, "%u", seconds < 2 ? 2 : seconds);
  snprintf(b->keepalives_idle, sizeof b->keepalives_idle, "%u", seconds < 1 ? 1 : seconds);
  snprintf(b->tcp_user_timeout, sizeof b->tcp_user_timeout, "%u", timeout_ms);
  /* Half as long again as the server's own timeout, so that one normally
   * fires first and says why; the extra 100 ms absorbs the round trip. */
  unsigned long long wait = (unsigned long long)timeout_ms * 3 / 2 + 100;
  b->wait_ms = wait > 0x7fffffffULL ? 0x7fffffffU : (unsigned int)wait;
}

int msg__postgres_open(msg_backend **out, unsigned int *pool_size, const char *uri,
                       const msg_store_options *opts, void *payload, msg_error *err) {
  *out = NULL;
  pg_backend *b = calloc(1, sizeof *b);
  if (!b)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory opening the store");
  derive_settings(b, opts->timeout_ms);
  int rc = read_uri(b, uri, err);
  if (rc != MSG_OK) {
    pg_free(&b->parent);
    return rc;
  }
  b->parent.version = MSG_BACKEND_VERSION;
  b->parent.connect = msg__pg_connect;
  b->parent.disconnect = msg__pg_disconnect;
  b->parent.migrate = msg__pg_migrate;
  b->parent.insert = msg__pg_insert;
  b->parent.query = msg__pg_query;
  b->parent.ping = msg__pg_ping;
  b->parent.free = pg_free;
  b->parent.supports = MSG_BUILTIN_SUPPORTS;
  if (opts->pool_size == 0)
    *pool_size = PG_DEFAULT_POOL_SIZE;
  *out = &b->parent;
  return MSG_OK;
}
