/*
 * Connections: opening one with the settings every connection needs, the
 * statements prepared for its lifetime, closing, and ping.
 *
 * Files use WAL, so readers never block the writer nor wait for it, and
 * synchronous=FULL by default: a message is acknowledged only after its
 * commit reached the disk, so it survives a process kill and a power loss.
 * "?synchronous=normal" keeps the first guarantee (WAL commits survive a
 * process kill either way) and drops the second for speed. The busy timeout
 * bounds how long a statement waits for another connection's lock before
 * SQLITE_BUSY, which the core reports as MSG_ERR_UNAVAILABLE.
 */
#include "sqlite_backend.h"

#include <limits.h>
#include <stdlib.h>

/* Interval between two attempts to switch a new file to WAL. */
#define WAL_RETRY_MS 5

/*
 * Switching a new file to WAL needs an exclusive lock, and SQLite does not
 * call the busy handler for it when another connection is switching the
 * same file at that moment (both would wait on each other), so this retries
 * for up to the timeout. A file already in WAL (the mode is stored in the
 * file) answers at once without a lock.
 */
static int enable_wal(const sqlite_backend *b, sqlite3 *db) {
  unsigned int waited = 0;
  for (;;) {
    int rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
    if ((rc & 0xff) != SQLITE_BUSY || waited >= b->timeout_ms)
      return rc;
    sqlite3_sleep(WAL_RETRY_MS);
    waited += WAL_RETRY_MS;
  }
}

static int configure(const sqlite_backend *b, sqlite3 *db, msg_error *err) {
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, b->timeout_ms > INT_MAX ? INT_MAX : (int)b->timeout_ms);
  if (b->is_memory)
    return MSG_OK;
  /* journal_mode answers with the mode it ended in; a file system that
   * cannot do WAL leaves the rollback journal, which is as durable. */
  int rc = enable_wal(b, db);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec(db, b->synchronous_full ? "PRAGMA synchronous=FULL"
                                              : "PRAGMA synchronous=NORMAL",
                      NULL, NULL, NULL);
  return rc == SQLITE_OK ? MSG_OK : msg__sqlite_fail(err, db, rc, "configuring a connection");
}

int msg__sqlite_db_open(const sqlite_backend *b, sqlite3 **out, msg_error *err) {
  *out = NULL;
  sqlite3 *db = NULL;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
  int rc = sqlite3_open_v2(b->filename, &db, flags, NULL);
  if (!db)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "sqlite: out of memory opening the database");
  rc = rc == SQLITE_OK ? configure(b, db, err)
                       : msg__sqlite_fail(err, db, rc, "opening the database");
  if (rc != MSG_OK) {
    sqlite3_close(db);
    return rc;
  }
  *out = db;
  return MSG_OK;
}

int msg__sqlite_prepare(sqlite3 *db, sqlite3_stmt **stmt, const char *sql, msg_error *err) {
  if (*stmt)
    return MSG_OK;
  int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL);
  return rc == SQLITE_OK ? MSG_OK : msg__sqlite_fail(err, db, rc, "preparing a statement");
}

void msg__sqlite_disconnect(msg_backend *backend, msg_backend_conn *conn) {
  sqlite_conn *c = (sqlite_conn *)conn;
  if (!c)
    return;
  sqlite3_finalize(c->begin_immediate);
  sqlite3_finalize(c->commit);
  sqlite3_finalize(c->rollback);
  sqlite3_finalize(c->ping);
  sqlite3_finalize(c->insert);
  sqlite3_finalize(c->insert_fts);
  sqlite3_finalize(c->find_by_key);
  for (size_t i = 0; i < c->search_count; i++)
    sqlite3_finalize(c->searches[i].stmt);
  free(c->searches);
  sqlite3_close(c->db);
  free(c);
}

int msg__sqlite_connect(msg_backend *backend, msg_backend_conn **out, msg_error *err) {
  *out = NULL;
  sqlite_conn *c = calloc(1, sizeof *c);
  if (!c)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "sqlite: out of memory opening a connection");
  int rc = msg__sqlite_db_open((sqlite_backend *)backend, &c->db, err);
  if (rc == MSG_OK)
    rc = msg__sqlite_prepare(c->db, &c->begin_immediate, "BEGIN IMMEDIATE", err);
  if (rc == MSG_OK)
    rc = msg__sqlite_prepare(c->db, &c->commit, "COMMIT", err);
  if (rc == MSG_OK)
    rc = msg__sqlite_prepare(c->db, &c->rollback, "ROLLBACK", err);
  if (rc == MSG_OK)
    rc = msg__sqlite_prepare(c->db, &c->ping, "SELECT 1", err);
  if (rc != MSG_OK) {
    msg__sqlite_disconnect(backend, (msg_backend_conn *)c);
    return rc;
  }
  *out = (msg_backend_conn *)c;
  return MSG_OK;
}

int msg__sqlite_ping(msg_backend *backend, msg_backend_conn *conn, msg_error *err) {
  sqlite_conn *c = (sqlite_conn *)conn;
  return msg__sqlite_run(c->db, c->ping, err, "ping");
}
