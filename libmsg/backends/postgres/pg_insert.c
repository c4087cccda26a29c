/*
 * Storing a message in one statement: the row and its tsvector together, so
 * it is stored and searchable at once or not at all. The idempotency key is a
 * partial unique index; INSERT ... ON CONFLICT DO NOTHING makes concurrent
 * retries of one key safe (the losers wait for the winner's commit, then
 * insert nothing) and the existing message goes back to the core.
 */
#include "pg_backend.h"

#include <stdio.h>

static const char insert_sql[] =
    "INSERT INTO messages (message_id, account_id, sender_number, receiver_number, body,"
    " created_at, idempotency_key, words)"
    " VALUES ($1::uuid, $2::bigint, $3, $4, $5, $6::bigint, $7,"
    "  array_to_tsvector(string_to_array($8, ' ')))"
    " ON CONFLICT (account_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING"
    " RETURNING 1";
static const char find_by_key_sql[] = "SELECT " PG_MESSAGE_COLUMNS " FROM messages"
                                      " WHERE account_id = $1::bigint AND idempotency_key = $2";

static int push_existing(pg_conn *c, const msg_backend_record *record, msg_backend_rows *existing,
                         msg_error *err) {
  int rc = msg__pg_prepare(c, &c->find_by_key_prepared, NULL, "find_by_key", find_by_key_sql, 2,
                           err);
  if (rc != MSG_OK)
    return rc;
  char account[24];
  snprintf(account, sizeof account, "%lld", (long long)record->message->account_id);
  const char *params[] = {account, record->idempotency_key};
  PGresult *res = PQexecPrepared(c->db, "find_by_key", 2, params, NULL, NULL, 0);
  if (PQresultStatus(res) != PGRES_TUPLES_OK)
    return msg__pg_fail(err, c->db, res, "reading the message that holds the idempotency key");
  rc = PQntuples(res) == 1
           ? msg__pg_push_row(res, 0, existing, err)
           : msg_error_set(err, MSG_ERR_INTERNAL, NULL,
                           "postgres: the idempotency key is taken but its message is missing");
  PQclear(res);
  return rc == MSG_OK ? MSG_ERR_CONFLICT : rc;
}

int msg__pg_insert(msg_backend *backend, msg_backend_conn *conn, const msg_backend_record *record,
                   msg_backend_rows *existing, msg_error *err) {
  pg_conn *c = (pg_conn *)conn;
  int rc = msg__pg_prepare(c, &c->insert_prepared, NULL, "insert", insert_sql, 8, err);
  if (rc != MSG_OK)
    return rc;
  const msg_message *m = record->message;
  char account[24], created[24];
  snprintf(account, sizeof account, "%lld", (long long)m->account_id);
  snprintf(created, sizeof created, "%lld", (long long)m->created_at);
  const char *params[] = {m->message_id, account,  m->sender_number,         m->receiver_number,
                          m->body,       created,  record->idempotency_key, record->search_text};
  PGresult *res = PQexecPrepared(c->db, "insert", 8, params, NULL, NULL, 0);
  if (PQresultStatus(res) != PGRES_TUPLES_OK)
    return msg__pg_fail(err, c->db, res, "inserting a message");
  int inserted = PQntuples(res) == 1;
  PQclear(res);
  if (inserted)
    return MSG_OK;
  if (!record->idempotency_key)
    return msg_error_set(err, MSG_ERR_INTERNAL, NULL, "postgres: the insert stored nothing");
  return push_existing(c, record, existing, err);
}
