/*
 * Storing a message: the row and its words in one transaction, so that a
 * message is either stored and searchable or not stored at all.
 *
 * The transaction is IMMEDIATE: it takes the write lock up front, so
 * concurrent writers queue on the busy timeout instead of failing to upgrade
 * a read lock, and the idempotency check and the insert see the same
 * database. A key already taken in the account stores nothing and hands the
 * message holding it back to the core, which tells a replay from a conflict.
 */
#include "sqlite_backend.h"

static const char insert_sql[] =
    "INSERT INTO messages (message_id, account_id, sender_number, receiver_number, body,"
    " created_at, idempotency_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
    " ON CONFLICT (account_id, idempotency_key) DO NOTHING";
static const char insert_fts_sql[] = "INSERT INTO messages_fts (rowid, words) VALUES (?1, ?2)";
static const char find_by_key_sql[] =
    "SELECT " SQLITE_MESSAGE_COLUMNS
    " FROM messages WHERE account_id = ?1 AND idempotency_key = ?2";

static int bind_text_or_null(sqlite3_stmt *s, int param, const char *text) {
  return text ? sqlite3_bind_text(s, param, text, -1, SQLITE_STATIC) : sqlite3_bind_null(s, param);
}

/* Steps a bound statement that returns no rows, then resets and unbinds it
 * (the bound strings are the caller's, valid only during the call). */
static int finish(sqlite3 *db, sqlite3_stmt *s, int bind_rc, msg_error *err, const char *doing) {
  int rc = bind_rc == SQLITE_OK ? sqlite3_step(s) : bind_rc;
  int status = rc == SQLITE_DONE ? MSG_OK : msg__sqlite_fail(err, db, rc, doing);
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  return status;
}

static int insert_message(sqlite_conn *c, const msg_backend_record *record, msg_error *err) {
  const msg_message *m = record->message;
  sqlite3_stmt *s = c->insert;
  int rc = sqlite3_bind_text(s, 1, m->message_id, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_int64(s, 2, m->account_id);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(s, 3, m->sender_number, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(s, 4, m->receiver_number, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = bind_text_or_null(s, 5, m->body);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_int64(s, 6, m->created_at);
  if (rc == SQLITE_OK)
    rc = bind_text_or_null(s, 7, record->idempotency_key);
  return finish(c->db, s, rc, err, "inserting a message");
}

static int insert_words(sqlite_conn *c, sqlite3_int64 seq, const char *words, msg_error *err) {
  sqlite3_stmt *s = c->insert_fts;
  int rc = sqlite3_bind_int64(s, 1, seq);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(s, 2, words, -1, SQLITE_STATIC);
  return finish(c->db, s, rc, err, "indexing a message's words");
}

/* Pushes the message holding the record's key; MSG_ERR_CONFLICT when done. */
static int push_existing(sqlite_conn *c, const msg_backend_record *record,
                         msg_backend_rows *existing, msg_error *err) {
  sqlite3_stmt *s = c->find_by_key;
  int rc = sqlite3_bind_int64(s, 1, record->message->account_id);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(s, 2, record->idempotency_key, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = sqlite3_step(s);
  int status;
  if (rc == SQLITE_ROW)
    status = msg__sqlite_push_row(c->db, s, existing, err);
  else if (rc == SQLITE_DONE)
    status = msg_error_set(err, MSG_ERR_INTERNAL, NULL,
                           "sqlite: an idempotency key conflicted but no message holds it");
  else
    status = msg__sqlite_fail(err, c->db, rc, "reading the message holding an idempotency key");
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  return status == MSG_OK ? MSG_ERR_CONFLICT : status;
}

static int insert_in_transaction(sqlite_conn *c, const msg_backend_record *record,
                                 msg_backend_rows *existing, msg_error *err) {
  int rc = insert_message(c, record, err);
  if (rc != MSG_OK)
    return rc;
  /* DO NOTHING changed no row: the account's key is taken. */
  if (sqlite3_changes(c->db) == 0)
    return push_existing(c, record, existing, err);
  if (record->search_text[0] == '\0')
    return MSG_OK;
  return insert_words(c, sqlite3_last_insert_rowid(c->db), record->search_text, err);
}

int msg__sqlite_insert(msg_backend *backend, msg_backend_conn *conn,
                       const msg_backend_record *record, msg_backend_rows *existing,
                       msg_error *err) {
  sqlite_conn *c = (sqlite_conn *)conn;
  int rc = msg__sqlite_prepare(c->db, &c->insert, insert_sql, err);
  if (rc == MSG_OK)
    rc = msg__sqlite_prepare(c->db, &c->insert_fts, insert_fts_sql, err);
  if (rc == MSG_OK)
    rc = msg__sqlite_prepare(c->db, &c->find_by_key, find_by_key_sql, err);
  if (rc != MSG_OK)
    return rc;
  rc = msg__sqlite_run(c->db, c->begin_immediate, err, "starting a write");
  if (rc == MSG_OK)
    rc = insert_in_transaction(c, record, existing, err);
  if (rc == MSG_OK)
    rc = msg__sqlite_run(c->db, c->commit, err, "committing a message");
  return rc == MSG_OK ? MSG_OK : msg__sqlite_rollback(c, rc, err);
}
