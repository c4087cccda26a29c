/*
 * Schema migrations, versioned in msg_schema_version. The version is read
 * first without a lock, so opening a current database runs no DDL and takes
 * no lock. Otherwise the steps run in one transaction holding a
 * transaction-level advisory lock: processes that open an empty database at
 * the same moment queue on the lock, and each re-reads the version under it,
 * so exactly one of them applies each step.
 *
 * created_at is stored as bigint microseconds, exactly the value the core
 * assigned (as in SQLite); words is the core's normalised word list turned
 * into a tsvector as is (array_to_tsvector does no parsing or stemming), so
 * both backends match exactly the same messages.
 */
#include "pg_backend.h"

#include <stdio.h>
#include <stdlib.h>

/* "libmsg" in ASCII: the advisory lock key of our migrations. */
#define MIGRATION_LOCK_KEY "108105098109115103"

static const char *const migrations[] = {
    /* 1 */
    "CREATE TABLE messages ("
    "  message_id uuid PRIMARY KEY,"
    "  account_id bigint NOT NULL,"
    "  sender_number text NOT NULL,"
    "  receiver_number text NOT NULL,"
    "  body text,"
    "  created_at bigint NOT NULL,"
    "  idempotency_key text,"
    "  words tsvector NOT NULL);"
    "CREATE UNIQUE INDEX messages_idempotency ON messages (account_id, idempotency_key)"
    "  WHERE idempotency_key IS NOT NULL;"
    "CREATE INDEX messages_by_account ON messages (account_id, created_at DESC, message_id DESC);"
    "CREATE INDEX messages_by_sender ON messages (sender_number, created_at DESC, message_id DESC);"
    "CREATE INDEX messages_by_receiver ON messages"
    "  (receiver_number, created_at DESC, message_id DESC);"
    "CREATE INDEX messages_by_time ON messages (created_at DESC, message_id DESC);"
    "CREATE INDEX messages_words ON messages USING gin (words);",
};

#define LATEST_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

static int read_version(PGconn *db, int *version, msg_error *err) {
  PGresult *res = PQexec(db, "SELECT CASE WHEN to_regclass('msg_schema_version') IS NULL"
                             " THEN -1 ELSE 0 END");
  if (PQresultStatus(res) != PGRES_TUPLES_OK)
    return msg__pg_fail(err, db, res, "reading the schema version");
  int exists = atoi(PQgetvalue(res, 0, 0)) == 0;
  PQclear(res);
  *version = 0;
  if (!exists)
    return MSG_OK;
  res = PQexec(db, "SELECT coalesce(max(version), 0) FROM msg_schema_version");
  if (PQresultStatus(res) != PGRES_TUPLES_OK)
    return msg__pg_fail(err, db, res, "reading the schema version");
  *version = atoi(PQgetvalue(res, 0, 0));
  PQclear(res);
  return MSG_OK;
}

static int exec(PGconn *db, const char *sql, msg_error *err, const char *doing) {
  PGresult *res = PQexec(db, sql);
  ExecStatusType st = PQresultStatus(res);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    return msg__pg_fail(err, db, res, doing);
  PQclear(res);
  return MSG_OK;
}

int msg__pg_migrate(msg_backend *backend, msg_backend_conn *conn, msg_error *err) {
  PGconn *db = ((pg_conn *)conn)->db;
  int version;
  int rc = read_version(db, &version, err);
  if (rc != MSG_OK || version == LATEST_VERSION)
    return rc;
  if (version > LATEST_VERSION)
    return msg_error_set(err, MSG_ERR_INTERNAL, NULL,
                         "postgres: the database has schema version %d, newer than this libmsg "
                         "(%d)",
                         version, LATEST_VERSION);
  rc = exec(db, "BEGIN", err, "starting a migration");
  if (rc == MSG_OK)
    rc = exec(db, "SELECT pg_advisory_xact_lock(" MIGRATION_LOCK_KEY ")", err,
              "waiting for the migration lock");
  if (rc == MSG_OK)
    rc = exec(db, "CREATE TABLE IF NOT EXISTS msg_schema_version (version integer PRIMARY KEY,"
                  " applied_at timestamptz NOT NULL DEFAULT now())",
              err, "creating the version table");
  if (rc == MSG_OK)
    rc = read_version(db, &version, err);
  for (int v = version; rc == MSG_OK && v < LATEST_VERSION; v++) {
    rc = exec(db, migrations[v], err, "migrating the schema");
    if (rc == MSG_OK) {
      char sql[96];
      snprintf(sql, sizeof sql, "INSERT INTO msg_schema_version (version) VALUES (%d)", v + 1);
      rc = exec(db, sql, err, "recording the schema version");
    }
  }
  if (rc == MSG_OK)
    return exec(db, "COMMIT", err, "committing a migration");
  PQclear(PQexec(db, "ROLLBACK"));
  return rc;
}
