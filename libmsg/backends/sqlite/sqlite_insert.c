/*
 * Storing a message: the row and its words in one IMMEDIATE transaction, so
 * a message is either fully stored and searchable or not stored at all. An
 * idempotency key already taken in the account stores nothing and hands the
 * existing message back to the core, which tells a replay from a conflict.
 * IMMEDIATE takes the write lock up front, so concurrent writers queue on the
 * busy timeout instead of failing to upgrade a read lock.
 */
#include "sqlite_backend.h"

static const char insert_sql[] =
    "INSERT INTO messages (message_id, account_id, sender_number, receiver_number, body,"
    " created_at, idempotency_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
    " ON CONFLICT (account_id, idempotency_key) DO NOTHING";
static const char insert_words_sql[] = "INSERT INTO messages_words (rowid, words) VALUES (?1, ?2)";
static const char find_by_key_sql[] = "SELECT " SQLITE_MESSAGE_COLUMNS
                                      " FROM messages WHERE account_id = ?1 AND idempotency_key = ?2";

static int prepare_once(sqlite3 *db, sqlite3_stmt **stmt, const char *sql, msg_error *err) {
  if (*stmt)
    return MSG_OK;
  int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL);
  return rc == SQLITE_OK ? MSG_OK : msg__sqlite_fail(err, db, rc, "preparing an insert");
}

static int step_done(sqlite3 *db, sqlite3_stmt *stmt, msg_error *err, const char *doing) {
  int rc = sqlite3_step(stmt);
  return rc == SQLITE_DONE ? MSG_OK : msg__sqlite_fail(err, db, rc, doing);
}

static int push_existing(sqlite_conn *c, const msg_backend_record *record,
                         msg_backend_rows *existing, msg_error *err) {
  int rc = prepare_once(c->db, &c->find_by_key, find_by_key_sql, err);
  if (rc != MSG_OK)
    return rc;
  sqlite3_bind_int64(c->find_by_key, 1, record->message->account_id);
  sqlite3_bind_text(c->find_by_key, 2, record->idempotency_key, -1, SQLITE_STATIC);
  int src = sqlite3_step(c->find_by_key);
  if (src == SQLITE_ROW)
    rc = msg__sqlite_push_row(c->find_by_key, existing, err);
  else
    rc = msg__sqlite_fail(err, c->db, src == SQLITE_DONE ? SQLITE_INTERNAL : src,
                          "reading the message that holds the idempotency key");
  sqlite3_reset(c->find_by_key);
  sqlite3_clear_bindings(c->find_by_key);
  return rc == MSG_OK ? MSG_ERR_CONFLICT : rc;
}

static int insert_in_transaction(sqlite_conn *c, const msg_backend_record *record,
                                 msg_backend_rows *existing, msg_error *err) {
  const msg_message *m = record->message;
  sqlite3_stmt *s = c->insert;
  sqlite3_bind_text(s, 1, m->message_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 2, m->account_id);
  sqlite3_bind_text(s, 3, m->sender_number, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 4, m->receiver_number, -1, SQLITE_STATIC);
  if (m->body)
    sqlite3_bind_text(s, 5, m->body, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(s, 5);
  sqlite3_bind_int64(s, 6, m->created_at);
  if (record->idempotency_key)
    sqlite3_bind_text(s, 7, record->idempotency_key, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(s, 7);
  int rc = step_done(c->db, s, err, "inserting a message");
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  if (rc != MSG_OK)
    return rc;
  if (sqlite3_changes(c->db) == 0)
    return push_existing(c, record, existing, err);
  if (record->search_text[0] == '\0')
    return MSG_OK;
  sqlite3_bind_int64(c->insert_words, 1, sqlite3_last_insert_rowid(c->db));
  sqlite3_bind_text(c->insert_words, 2, record->search_text, -1, SQLITE_STATIC);
  rc = step_done(c->db, c->insert_words, err, "indexing a message's words");
  sqlite3_reset(c->insert_words);
  sqlite3_clear_bindings(c->insert_words);
  return rc;
}

int msg__sqlite_insert(msg_backend *backend, msg_backend_conn *conn,
                       const msg_backend_record *record, msg_backend_rows *existing,
                       msg_error *err) {
  sqlite_conn *c = (sqlite_conn *)conn;
  int rc = prepare_once(c->db, &c->insert, insert_sql, err);
  if (rc == MSG_OK)
    rc = prepare_once(c->db, &c->insert_words, insert_words_sql, err);
  if (rc == MSG_OK)
    rc = msg__sqlite_exec_stmt(c->db, c->begin_immediate, err, "starting a write");
  if (rc != MSG_OK)
    return rc;
  rc = insert_in_transaction(c, record, existing, err);
  if (rc == MSG_OK)
    rc = msg__sqlite_exec_stmt(c->db, c->commit, err, "committing a message");
  if (rc != MSG_OK && !sqlite3_get_autocommit(c->db)) {
    sqlite3_step(c->rollback);
    sqlite3_reset(c->rollback);
  }
  return rc;
}
