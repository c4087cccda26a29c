/*
 * libpq results -> msg statuses. A lost connection, a server shutting down
 * or starting up, a statement or lock timeout, too many connections and
 * serialisation failures are all MSG_ERR_UNAVAILABLE: the pool then drops
 * the connection, and a later call reconnects once the server is back.
 * Messages come from the server's primary message field or libpq's
 * connection error, neither of which contains the password.
 */
#include "pg_backend.h"

#include <stdlib.h>
#include <string.h>

static int transient(const char *sqlstate) {
  static const char *const states[] = {"57P01", "57P02", "57P03", "57014", "55P03",
                                       "53300", "40001", "40P01", NULL};
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

int msg__pg_fail(msg_error *err, PGconn *db, PGresult *res, const char *doing) {
  const char *sqlstate = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
  const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  const char *detail = primary ? primary : (db ? PQerrorMessage(db) : "no connection");
  int status = (!db || PQstatus(db) == CONNECTION_BAD || transient(sqlstate))
                   ? MSG_ERR_UNAVAILABLE
                   : MSG_ERR_INTERNAL;
  size_t len = strlen(detail);
  while (len > 0 && (detail[len - 1] == '\n' || detail[len - 1] == ' '))
    len--;
  msg_error_set(err, status, NULL, "postgres: %s: %.*s%s%s%s", doing, (int)len, detail,
                sqlstate ? " (SQLSTATE " : "", sqlstate ? sqlstate : "", sqlstate ? ")" : "");
  PQclear(res);
  return status;
}

int msg__pg_prepare(pg_conn *c, int *prepared_flag, unsigned char *prepared_byte,
                    const char *name, const char *sql, int params, msg_error *err) {
  if ((prepared_flag && *prepared_flag) || (prepared_byte && *prepared_byte))
    return MSG_OK;
  PGresult *res = PQprepare(c->db, name, sql, params, NULL);
  if (PQresultStatus(res) != PGRES_COMMAND_OK)
    return msg__pg_fail(err, c->db, res, "preparing a statement");
  PQclear(res);
  if (prepared_flag)
    *prepared_flag = 1;
  if (prepared_byte)
    *prepared_byte = 1;
  return MSG_OK;
}

int msg__pg_push_row(PGresult *res, int row, msg_backend_rows *rows, msg_error *err) {
  msg_message m = {
      .message_id = PQgetvalue(res, row, 0),
      .account_id = strtoll(PQgetvalue(res, row, 1), NULL, 10),
      .sender_number = PQgetvalue(res, row, 2),
      .receiver_number = PQgetvalue(res, row, 3),
      .body = PQgetisnull(res, row, 4) ? NULL : PQgetvalue(res, row, 4),
      .created_at = strtoll(PQgetvalue(res, row, 5), NULL, 10),
  };
  return msg_backend_rows_push(rows, &m, err);
}
