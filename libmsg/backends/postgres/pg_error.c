/*
 * libpq failures -> msg statuses and error text.
 *
 * MSG_ERR_UNAVAILABLE means "the database cannot serve us now; retry later",
 * and makes the core drop the connection and open a fresh one for a later
 * call. That covers a lost or broken connection, the server shutting down,
 * crashing or starting up (57P01..57P03), our statement timeout (57014),
 * too many connections (53300) and the connection exception class (08).
 * Serialisation failures and deadlocks (40001, 40P01) are also transient
 * and go the same way, and so does a write refused because the server is
 * read-only (25006): after a failover the connection may lead to a demoted
 * primary or a standby, and a fresh connection with
 * target_session_attrs=read-write finds the new primary. Everything else,
 * a unique violation on message_id included, is a bug or a damaged
 * database: MSG_ERR_INTERNAL.
 *
 * The text comes from the server's primary message or libpq's connection
 * error. Neither is meant to contain the password, but a URI can put it in
 * unexpected places, so the password is scrubbed from whatever is copied.
 */
#include "pg_backend.h"

#include <stdlib.h>
#include <string.h>

static int transient(const char *sqlstate) {
  static const char *const states[] = {"57P01", "57P02", "57P03", "57014", "53300",
                                       "40001", "40P01", "25006", NULL};
  if (!sqlstate)
    return 0;
  if (strncmp(sqlstate, "08", 2) == 0)
    return 1;
  for (const char *const *s = states; *s; s++) {
    if (strcmp(sqlstate, *s) == 0)
      return 1;
  }
  return 0;
}

/* Copies `text` with every occurrence of `secret` replaced and each run of
 * blanks and control characters made one space, without leading or trailing
 * ones. NULL when out of memory. */
static char *scrub(const char *text, const char *secret) {
  size_t secret_len = secret ? strlen(secret) : 0;
  static const char mask[] = "***";
  size_t hits = 0;
  if (secret_len > 0) {
    for (const char *p = strstr(text, secret); p; p = strstr(p + secret_len, secret))
      hits++;
  }
  size_t text_len = strlen(text);
  /* Each hit shrinks or grows the text by at most the mask's length. */
  char *out = malloc(text_len + hits * sizeof mask + 1);
  if (!out)
    return NULL;
  size_t o = 0;
  for (const char *p = text; *p;) {
    if (secret_len > 0 && strncmp(p, secret, secret_len) == 0) {
      memcpy(out + o, mask, sizeof mask - 1);
      o += sizeof mask - 1;
      p += secret_len;
    } else {
      /* libpq's messages span lines ("failed: ...\n\tIs the server ..."). */
      unsigned char ch = (unsigned char)*p++;
      int blank = ch <= 0x20 || ch == 0x7f;
      if (!blank)
        out[o++] = (char)ch;
      else if (o > 0 && out[o - 1] != ' ')
        out[o++] = ' ';
    }
  }
  while (o > 0 && out[o - 1] == ' ')
    o--;
  out[o] = '\0';
  return out;
}

int msg__pg_fail(msg_error *err, const pg_conn *c, PGresult *res, const char *doing) {
  const char *sqlstate = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
  const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  PGconn *db = c ? c->db : NULL;
  /* No result at all means libpq could not send or ran out of memory: the
   * connection's state is unknown, so it must not be reused. */
  int status = (!res || !db || PQstatus(db) == CONNECTION_BAD || transient(sqlstate))
                   ? MSG_ERR_UNAVAILABLE
                   : MSG_ERR_INTERNAL;
  const char *detail = primary ? primary : db ? PQerrorMessage(db) : "";
  char *clean = scrub(detail, c ? c->backend->password : NULL);
  if (!clean || clean[0] == '\0')
    msg_error_set(err, status, NULL, "postgres: %s failed%s%s%s", doing,
                  sqlstate ? " (SQLSTATE " : "", sqlstate ? sqlstate : "", sqlstate ? ")" : "");
  else
    msg_error_set(err, status, NULL, "postgres: %s: %s%s%s%s", doing, clean,
                  sqlstate ? " (SQLSTATE " : "", sqlstate ? sqlstate : "", sqlstate ? ")" : "");
  free(clean);
  PQclear(res);
  return status;
}
