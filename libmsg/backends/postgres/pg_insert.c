/*
 * Storing a message in one statement, the row and its tsvector together, so
 * that it is stored and searchable at once or not at all.
 *
 * The idempotency key has a partial unique index, and INSERT ... ON CONFLICT
 * DO NOTHING makes concurrent creates with one key safe: the losers wait on
 * the index entry until the winner commits, then insert nothing and return
 * no row. Each statement in READ COMMITTED sees what committed before it, so
 * the following SELECT finds the winner's message, which goes back to the
 * core to tell a replay from a conflict. A clash on message_id is not an
 * arbiter of the ON CONFLICT, so it still fails (a unique violation, i.e.
 * MSG_ERR_INTERNAL: the core never reuses an id).
 */
#include "pg_backend.h"

/* The core's words are separated by single spaces; array_remove keeps an
 * empty element (from "" or a stray double space) out of the tsvector,
 * where array_to_tsvector would reject it. Duplicates it removes itself. */
static const char insert_sql[] =
    "INSERT INTO messages (message_id, account_id, sender_number, receiver_number, body,"
    " created_at, idempotency_key, search_tsv)"
    " VALUES ($1::uuid, $2::bigint, $3::text, $4::text, $5::text, $6::timestamptz, $7::text,"
    " array_to_tsvector(array_remove(string_to_array($8::text, ' '), '')))"
    " ON CONFLICT (account_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING"
    " RETURNING message_id";

static const char find_by_key_sql[] =
    "SELECT " PG_MESSAGE_COLUMNS " FROM messages"
    " WHERE account_id = $1::bigint AND idempotency_key = $2::text";

static int push_existing(pg_conn *c, const msg_backend_record *record, msg_backend_rows *existing,
                         msg_error *err) {
  pg_params p;
  msg__pg_params_init(&p, 2);
  msg__pg_param_int64(&p, 1, record->message->account_id);
  msg__pg_param_text(&p, 2, record->idempotency_key);
  int sent = 0;
  int rc = msg__pg_send_statement(c, &c->prepared[PG_STMT_FIND_BY_KEY], "msg_find_by_key",
                                  find_by_key_sql, NULL, &p, PG_BINARY_RESULTS, &sent, err);
  PGresult *res = NULL;
  if (rc == MSG_OK)
    rc = msg__pg_await(c, sent, PGRES_TUPLES_OK, &res, err,
                       "reading the message holding the idempotency key");
  msg__pg_params_free(&p);
  if (rc != MSG_OK)
    return rc;
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
  const msg_message *m = record->message;
  if (!msg__pg_time_in_range(m->created_at))
    return msg_error_set(err, MSG_ERR_INTERNAL, NULL,
                         "postgres: created_at %lld is before the earliest time PostgreSQL stores",
                         (long long)m->created_at);
  pg_params p;
  msg__pg_params_init(&p, 8);
  msg__pg_param_text(&p, 1, m->message_id);
  msg__pg_param_int64(&p, 2, m->account_id);
  msg__pg_param_text(&p, 3, m->sender_number);
  msg__pg_param_text(&p, 4, m->receiver_number);
  msg__pg_param_text(&p, 5, m->body);
  msg__pg_param_time(&p, 6, m->created_at);
  msg__pg_param_text(&p, 7, record->idempotency_key);
  msg__pg_param_text(&p, 8, record->search_text ? record->search_text : "");
  int sent = 0;
  int rc = msg__pg_send_statement(c, &c->prepared[PG_STMT_INSERT], "msg_insert", insert_sql, NULL,
                                  &p, 0, &sent, err);
  PGresult *res = NULL;
  if (rc == MSG_OK)
    rc = msg__pg_await(c, sent, PGRES_TUPLES_OK, &res, err, "inserting a message");
  msg__pg_params_free(&p);
  if (rc != MSG_OK)
    return rc;
  int inserted = PQntuples(res);
  PQclear(res);
  if (inserted == 1)
    return MSG_OK;
  if (!record->idempotency_key)
    return msg_error_set(err, MSG_ERR_INTERNAL, NULL, "postgres: the insert stored nothing");
  return push_existing(c, record, existing, err);
}
