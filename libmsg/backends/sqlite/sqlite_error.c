/*
 * SQLite result codes -> msg statuses, and leaving a connection clean after
 * a failure.
 *
 * What a retry later could fix is MSG_ERR_UNAVAILABLE: a lock held past the
 * busy timeout (BUSY, LOCKED, and PROTOCOL, a WAL lock race SQLite gave up
 * retrying), a file that cannot be opened or written (CANTOPEN, READONLY: a
 * permission or a read-only mount, which an operator fixes), an I/O error, a
 * full disk. The pool then closes the connection and opens a fresh one for a
 * later call. Everything else is a bug or a corrupt file: MSG_ERR_INTERNAL.
 */
#include "sqlite_backend.h"

static int status_of(int rc) {
  switch (rc & 0xff) {
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
  case SQLITE_PROTOCOL:
  case SQLITE_CANTOPEN:
  case SQLITE_READONLY:
  case SQLITE_IOERR:
  case SQLITE_FULL:
    return MSG_ERR_UNAVAILABLE;
  case SQLITE_NOMEM:
    return MSG_ERR_NOMEM;
  default:
    return MSG_ERR_INTERNAL;
  }
}

int msg__sqlite_fail(msg_error *err, sqlite3 *db, int rc, const char *doing) {
  /* The connection's message describes `rc` only when SQLite raised it;
   * codes this backend made up (an allocation of its own) get the generic
   * text. */
  const char *text = db && (sqlite3_extended_errcode(db) & 0xff) == (rc & 0xff)
                         ? sqlite3_errmsg(db)
                         : sqlite3_errstr(rc);
  return msg_error_set(err, status_of(rc), NULL, "sqlite: %s: %s", doing, text);
}

int msg__sqlite_run(sqlite3 *db, sqlite3_stmt *stmt, msg_error *err, const char *doing) {
  int rc = sqlite3_step(stmt);
  int status =
      rc == SQLITE_DONE || rc == SQLITE_ROW ? MSG_OK : msg__sqlite_fail(err, db, rc, doing);
  sqlite3_reset(stmt);
  return status;
}

int msg__sqlite_rollback(sqlite_conn *c, int status, msg_error *err) {
  /* SQLite itself rolls back on some errors (I/O, a full disk, memory). */
  if (sqlite3_get_autocommit(c->db))
    return status;
  sqlite3_step(c->rollback);
  sqlite3_reset(c->rollback);
  if (sqlite3_get_autocommit(c->db))
    return status;
  return msg_error_set(err, MSG_ERR_UNAVAILABLE, NULL,
                       "sqlite: rolling back after an error: %s; the connection is closed",
                       sqlite3_errmsg(c->db));
}
