/*
 * Schema migrations, versioned with PRAGMA user_version: migrations[v] takes
 * a database from version v to v + 1, and ends by recording that version.
 *
 * The version is read first without a write lock, so opening a current
 * database does no DDL and takes no lock. Otherwise the steps run inside
 * BEGIN IMMEDIATE, which makes two processes opening a new file at the same
 * moment take turns: the second re-reads the version under the lock and
 * finds nothing left to do.
 *
 * Every query path has an index, each ending in (created_at, message_id) so
 * that it also yields the order: by account for lists, by sender and by
 * receiver for number searches, by time for time ranges and unfiltered
 * searches; message_id's UNIQUE serves lookups by id. Words live in an FTS5
 * table whose rowid is the message's seq. It is contentless (the words are
 * never read back) and uses the 'ascii' tokenizer, which only splits at
 * ASCII spaces and punctuation: the core already produced the words, and
 * the index must take them as they are, exactly as PostgreSQL does, rather
 * than re-tokenise them by some language's rules.
 */
#include "sqlite_backend.h"

static const char *const migrations[] = {
    /* 0 -> 1 */
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
    "CREATE VIRTUAL TABLE messages_fts USING fts5 (words, content='', tokenize='ascii');"
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
  int status =
      rc == SQLITE_OK ? MSG_OK : msg__sqlite_fail(err, db, rc, "reading the schema version");
  sqlite3_finalize(stmt);
  return status;
}

static int check_known(int version, msg_error *err) {
  if (version <= LATEST_VERSION)
    return MSG_OK;
  return msg_error_set(err, MSG_ERR_INTERNAL, NULL,
                       "sqlite: the database has schema version %d, newer than this libmsg knows "
                       "(%d)",
                       version, LATEST_VERSION);
}

static int apply(sqlite_conn *c, int version, msg_error *err) {
  for (int v = version; v < LATEST_VERSION; v++) {
    int rc = sqlite3_exec(c->db, migrations[v], NULL, NULL, NULL);
    if (rc != SQLITE_OK)
      return msg__sqlite_fail(err, c->db, rc, "migrating the schema");
  }
  return MSG_OK;
}

int msg__sqlite_migrate(msg_backend *backend, msg_backend_conn *conn, msg_error *err) {
  sqlite_conn *c = (sqlite_conn *)conn;
  int version = 0;
  int rc = read_version(c->db, &version, err);
  if (rc == MSG_OK)
    rc = check_known(version, err);
  if (rc != MSG_OK || version == LATEST_VERSION)
    return rc;
  rc = msg__sqlite_run(c->db, c->begin_immediate, err, "starting a migration");
  if (rc != MSG_OK)
    return msg__sqlite_rollback(c, rc, err);
  rc = read_version(c->db, &version, err);
  if (rc == MSG_OK)
    rc = check_known(version, err);
  if (rc == MSG_OK)
    rc = apply(c, version, err);
  if (rc == MSG_OK)
    rc = msg__sqlite_run(c->db, c->commit, err, "committing a migration");
  return rc == MSG_OK ? MSG_OK : msg__sqlite_rollback(c, rc, err);
}
