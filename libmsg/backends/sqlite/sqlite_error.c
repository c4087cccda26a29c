/*
 * SQLite result codes -> msg statuses. Anything that a retry later could fix
 * (a lock held past the busy timeout, a file that cannot be opened, an I/O
 * error, a full disk) is MSG_ERR_UNAVAILABLE; the pool then drops the
 * connection and opens a fresh one for the next call.
 */
#include "sqlite_backend.h"

int msg__sqlite_fail(msg_error *err, sqlite3 *db, int rc, const char *doing) {
  int status;
  switch (rc & 0xff) {
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
  case SQLITE_CANTOPEN:
  case SQLITE_IOERR:
  case SQLITE_FULL:
  case SQLITE_PROTOCOL:
  case SQLITE_READONLY:
    status = MSG_ERR_UNAVAILABLE;
    break;
  case SQLITE_NOMEM:
    status = MSG_ERR_NOMEM;
    break;
  default:
    status = MSG_ERR_INTERNAL;
    break;
  }
  return msg_error_set(err, status, NULL, "sqlite: %s: %s", doing,
                       db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

int msg__sqlite_exec_stmt(sqlite3 *db, sqlite3_stmt *stmt, msg_error *err, const char *doing) {
  int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return msg__sqlite_fail(err, db, rc, doing);
  return MSG_OK;
}
