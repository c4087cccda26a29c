/*
 * Schema migrations, numbered from 1 and recorded in msg_schema_version.
 *
 * The version is read first without any lock, so opening a current database
 * runs no DDL and waits for nobody. Otherwise the steps run in one
 * transaction holding a transaction-level advisory lock: processes opening
 * an empty database at the same moment queue on the lock, and each re-reads
 * the version once it holds it, so exactly one of them applies each step and
 * the others find nothing left to do. The lock is released by COMMIT or
 * ROLLBACK, never left behind.
 *
 * The table: created_at is a timestamptz holding exactly the microsecond the
 * core assigned (pg_values.c converts without floating point). search_tsv is
 * the core's normalised words made into a tsvector as they are: no parser,
 * dictionary or stemmer touches them, so PostgreSQL and SQLite match exactly
 * the same messages. Numbers and keys are only ever compared for equality,
 * so they use the "C" collation: byte comparison, whatever the database's
 * locale. Each query path has its index, newest first, so a page is an index
 * range scan that stops at the limit.
 */
#include "pg_backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "libmsg\0\1" read as a big-endian 64-bit integer: a key no other program
 * is likely to take for its own advisory locks. */
#define MIGRATION_LOCK_KEY "7811883250877923329"

static const char *const migration_1[] = {
    "CREATE TABLE messages ("
    " message_id uuid PRIMARY KEY,"
    " account_id bigint NOT NULL,"
    " sender_number text COLLATE \"C\" NOT NULL,"
    " receiver_number text COLLATE \"C\" NOT NULL,"
    " body text NULL,"
    " created_at timestamptz NOT NULL,"
    " idempotency_key text COLLATE \"C\" NULL,"
    " search_tsv tsvector NOT NULL)",
    "CREATE UNIQUE INDEX messages_idempotency ON messages (account_id, idempotency_key)"
    " WHERE idempotency_key IS NOT NULL",
    "CREATE INDEX messages_by_account ON messages (account_id, created_at DESC, message_id DESC)",
    "CREATE INDEX messages_by_sender ON messages"
    " (sender_number, created_at DESC, message_id DESC)",
    "CREATE INDEX messages_by_receiver ON messages"
    " (receiver_number, created_at DESC, message_id DESC)",
    "CREATE INDEX messages_by_time ON messages (created_at DESC, message_id DESC)",
    "CREATE INDEX messages_search ON messages USING gin (search_tsv)",
    NULL,
};

static const char *const *const migrations[] = {migration_1};

#define LATEST_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

/* Runs one parameterless statement and clears its result. */
static int run(pg_conn *c, const char *sql, ExecStatusType want, msg_error *err,
               const char *doing) {
  PGresult *res;
  int rc = msg__pg_await(c, PQsendQuery(c->db, sql), want, &res, err, doing);
  PQclear(res);
  return rc;
}

/* Runs a one-value query and reads its integer (0 for NULL). */
static int query_int(pg_conn *c, const char *sql, int *out, msg_error *err) {
  PGresult *res;
  int rc = msg__pg_await(c, PQsendQuery(c->db, sql), PGRES_TUPLES_OK, &res, err,
                         "reading the schema version");
  if (rc != MSG_OK)
    return rc;
  *out = PQntuples(res) == 1 && !PQgetisnull(res, 0, 0) ? atoi(PQgetvalue(res, 0, 0)) : 0;
  PQclear(res);
  return MSG_OK;
}

static int read_version(pg_conn *c, int *version, msg_error *err) {
  int exists = 0;
  *version = 0;
  int rc =
      query_int(c, "SELECT (to_regclass('msg_schema_version') IS NOT NULL)::int", &exists, err);
  if (rc == MSG_OK && exists)
    rc = query_int(c, "SELECT max(version) FROM msg_schema_version", version, err);
  return rc;
}

static int record_version(pg_conn *c, int version, msg_error *err) {
  char text[16];
  snprintf(text, sizeof text, "%d", version);
  const char *values[] = {text};
  PGresult *res;
  int rc = msg__pg_await(
      c,
      PQsendQueryParams(c->db, "INSERT INTO msg_schema_version (version) VALUES ($1::integer)", 1,
                        NULL, values, NULL, NULL, 0),
      PGRES_COMMAND_OK, &res, err, "recording the schema version");
  PQclear(res);
  return rc;
}

static int migrate_locked(pg_conn *c, msg_error *err) {
  int rc = run(c, "SELECT pg_advisory_xact_lock(" MIGRATION_LOCK_KEY ")", PGRES_TUPLES_OK, err,
               "waiting for the migration lock");
  if (rc == MSG_OK)
    rc = run(c,
             "CREATE TABLE IF NOT EXISTS msg_schema_version ("
             " version integer PRIMARY KEY,"
             " applied_at timestamptz NOT NULL DEFAULT now())",
             PGRES_COMMAND_OK, err, "creating the schema version table");
  int version = 0;
  if (rc == MSG_OK)
    rc = read_version(c, &version, err);
  for (int v = version; rc == MSG_OK && v < LATEST_VERSION; v++) {
    for (const char *const *step = migrations[v]; rc == MSG_OK && *step; step++)
      rc = run(c, *step, PGRES_COMMAND_OK, err, "migrating the schema");
    if (rc == MSG_OK)
      rc = record_version(c, v + 1, err);
  }
  return rc;
}

int msg__pg_migrate(msg_backend *backend, msg_backend_conn *conn, msg_error *err) {
  pg_conn *c = (pg_conn *)conn;
  int version = 0;
  int rc = read_version(c, &version, err);
  if (rc != MSG_OK || version == LATEST_VERSION)
    return rc;
  if (version > LATEST_VERSION)
    return msg_error_set(err, MSG_ERR_INTERNAL, NULL,
                         "postgres: the database has schema version %d, newer than this libmsg "
                         "knows (%d)",
                         version, LATEST_VERSION);
  rc = run(c, "BEGIN", PGRES_COMMAND_OK, err, "starting a migration");
  if (rc != MSG_OK)
    return rc;
  rc = migrate_locked(c, err);
  if (rc == MSG_OK)
    return run(c, "COMMIT", PGRES_COMMAND_OK, err, "committing a migration");
  /* The first error is the one worth reporting. A connection that cannot
   * even roll back is dropped (UNAVAILABLE) rather than reused mid-transaction. */
  msg_error ignored;
  if (PQstatus(c->db) == CONNECTION_OK &&
      run(c, "ROLLBACK", PGRES_COMMAND_OK, &ignored, "rolling back a migration") != MSG_OK)
    return MSG_ERR_UNAVAILABLE;
  return rc;
}
