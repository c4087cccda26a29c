/*
 * Schema migrations, versioned with PRAGMA user_version. The version is read
 * first without a write lock, so opening a current database does no DDL and
 * takes no lock; otherwise the steps run inside BEGIN IMMEDIATE, which makes
 * two processes opening a new file at the same moment take turns (the second
 * re-reads the version under the lock and finds nothing to do).
 *
 * Every query path has an index: (account_id, created_at, message_id) for
 * lists, sender and receiver indexes for number searches, (created_at,
 * message_id) for time ranges and unfiltered pages, message_id's UNIQUE for
 * ids, and an FTS5 table for words. The FTS table is contentless and uses the
 * 'ascii' tokenizer because the core already produced the words: the index
 * must take them as they are, exactly as PostgreSQL does.
 */
#include "sqlite_backend.h"

static const char *const migrations[] = {
    /* 1 */
    "CREATE TABLE messages ("
    "  seq INTEGER PRIMARY KEY,"
    "  message_id TEXT NOT NULL UNIQUE,"
    "  account_id INTEGER NOT NULL,"
    "  sender_number TEXT NOT NULL,"
    "  receiver_number TEXT NOT NULL,"
    "  body TEXT,"
    "  created_at INTEGER NOT NULL,"
    "  idempotency_key TEXT,"
    "  UNIQUE (account_id, idempotency_key));"
    "CREATE INDEX messages_by_account ON messages (account_id, created_at, message_id);"
    "CREATE INDEX messages_by_sender ON messages (sender_number, created_at, message_id);"
    "CREATE INDEX messages_by_receiver ON messages (receiver_number, created_at, message_id);"
    "CREATE INDEX messages_by_time ON messages (created_at, message_id);"
    "CREATE VIRTUAL TABLE messages_words USING fts5 (words, content='', tokenize='ascii');"
    "PRAGMA user_version = 1;",
};

#define LATEST_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

static int read_version(sqlite3 *db, int *version, msg_error *err) {
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) {
    *version = sqlite3_column_int(stmt, 0);
    rc = SQLITE_OK;
  }
  sqlite3_finalize(stmt);
  return rc == SQLITE_OK ? MSG_OK : msg__sqlite_fail(err, db, rc, "reading the schema version");
}

int msg__sqlite_migrate(msg_backend *backend, msg_backend_conn *conn, msg_error *err) {
  sqlite_conn *c = (sqlite_conn *)conn;
  int version = 0;
  int rc = read_version(c->db, &version, err);
  if (rc != MSG_OK || version == LATEST_VERSION)
    return rc;
  if (version > LATEST_VERSION)
    return msg_error_set(err, MSG_ERR_INTERNAL, NULL,
                         "sqlite: the database has schema version %d, newer than this libmsg (%d)",
                         version, LATEST_VERSION);
  if ((rc = msg__sqlite_exec_stmt(c->db, c->begin_immediate, err, "starting a migration")))
    return rc;
  rc = read_version(c->db, &version, err);
  for (int v = version; rc == MSG_OK && v < LATEST_VERSION; v++) {
    int src = sqlite3_exec(c->db, migrations[v], NULL, NULL, NULL);
    if (src != SQLITE_OK)
      rc = msg__sqlite_fail(err, c->db, src, "migrating the schema");
  }
  if (rc == MSG_OK)
    rc = msg__sqlite_exec_stmt(c->db, c->commit, err, "committing a migration");
  if (rc != MSG_OK)
    sqlite3_step(c->rollback), sqlite3_reset(c->rollback);
  return rc;
}
