/*
 * Creating and reading single messages. Creation is where the core does its
 * one-time work: validate every field, derive the search words, assign the
 * time and id, and decide whether an idempotency-key collision is a replay
 * (same content) or a conflict (anything else differs).
 */
#include "alloc.h"
#include "backend_call.h"
#include "clock.h"
#include "pool.h"
#include "rows.h"
#include "text.h"
#include "uuid.h"
#include "validate.h"

#include <string.h>

static int validate_new_message(const msg_new_message *in, msg_error *err) {
  int rc = msg__validate_account_id(in->account_id, err);
  if (rc == MSG_OK)
    rc = msg__validate_number(in->sender_number, "sender_number", err);
  if (rc == MSG_OK)
    rc = msg__validate_number(in->receiver_number, "receiver_number", err);
  if (rc == MSG_OK)
    rc = msg__validate_body(in->body, err);
  if (rc == MSG_OK)
    rc = msg__validate_idempotency_key(in->idempotency_key, err);
  return rc;
}

static int same_body(const char *a, const char *b) {
  if (!a || !b)
    return a == b;
  return strcmp(a, b) == 0;
}

static int same_content(const msg_message *stored, const msg_new_message *in) {
  return strcmp(stored->sender_number, in->sender_number) == 0 &&
         strcmp(stored->receiver_number, in->receiver_number) == 0 &&
         same_body(stored->body, in->body);
}

/* Settles an insert that found the idempotency key taken. */
static int resolve_key_collision(msg_message **out, bool *replayed, const msg_backend_rows *rows,
                                 const msg_new_message *in, msg_error *err) {
  if (rows->count != 1)
    return msg_error_set(err, MSG_ERR_INTERNAL, NULL,
                         "the backend reported a taken idempotency key without its message");
  if (!same_content(&rows->items[0], in))
    return msg_error_set(err, MSG_ERR_CONFLICT, "idempotency_key",
                         "idempotency_key was already used in this account for a message with "
                         "other content");
  int rc = msg__message_copy(out, &rows->items[0], err);
  if (rc == MSG_OK && replayed)
    *replayed = true;
  return rc;
}

MSG_EXTERN int msg_message_create(msg_message **out, bool *replayed, msg_store *store,
                                  const msg_new_message *in, msg_error *err) {
  msg_error local;
  if (!err)
    err = &local;
  if (replayed)
    *replayed = false;
  if (!out || !store || !in)
    return msg_error_set(err, MSG_ERR_INVALID, NULL, "out, store and in must not be NULL");
  *out = NULL;
  int rc = validate_new_message(in, err);
  if (rc != MSG_OK)
    return rc;

  char *search_text = NULL;
  rc = msg__text_words(&search_text, in->body ? in->body : "", err);
  if (rc != MSG_OK)
    return rc;

  char id[MSG_ID_LEN + 1];
  int64_t created_at = msg__clock_next_micros();
  msg_message message = {id,       in->account_id, in->sender_number, in->receiver_number,
                         in->body, created_at};
  /* The result is allocated before the insert, so that no allocation can
   * fail after the message is stored: a failed call stores nothing. */
  msg_message *created = NULL;
  rc = msg__uuid_v7(id, created_at, err);
  if (rc == MSG_OK)
    rc = msg__message_copy(&created, &message, err);
  if (rc != MSG_OK) {
    msg__free(search_text);
    return rc;
  }
  msg_backend_record record = {&message, in->idempotency_key, search_text};
  msg_backend_rows existing;
  msg__rows_init(&existing);
  msg__rows_expect(&existing, 1);

  msg_backend_conn *conn;
  rc = msg__pool_acquire(store, &conn, err);
  if (rc == MSG_OK) {
    rc = msg__call_insert(store, conn, &record, &existing, err);
    msg__pool_release(store, conn, rc);
  }
  if (rc == MSG_OK) {
    *out = created;
    created = NULL;
  } else if (rc == MSG_ERR_CONFLICT && in->idempotency_key) {
    rc = resolve_key_collision(out, replayed, &existing, in, err);
  } else if (rc == MSG_ERR_CONFLICT) {
    rc =
        msg_error_set(err, MSG_ERR_INTERNAL, NULL, "the backend reported a conflict without a key");
  }

  msg_message_free(created);
  msg__rows_clear(&existing);
  msg__free(search_text);
  return rc;
}

MSG_EXTERN int msg_message_get(msg_message **out, msg_store *store, const char *message_id,
                               msg_error *err) {
  msg_error local;
  if (!err)
    err = &local;
  if (!out || !store)
    return msg_error_set(err, MSG_ERR_INVALID, NULL, "out and store must not be NULL");
  *out = NULL;
  char id[MSG_ID_LEN + 1];
  int rc = msg__validate_uuid(message_id, id, "message_id", err);
  if (rc != MSG_OK)
    return rc;
  const char *ids[1] = {id};
  msg_backend_query query = {0};
  query.message_ids = ids;
  query.message_id_count = 1;
  query.limit = 1;

  msg_backend_rows rows;
  msg__rows_init(&rows);
  msg__rows_expect(&rows, 1);
  msg_backend_conn *conn;
  rc = msg__pool_acquire(store, &conn, err);
  if (rc == MSG_OK) {
    rc = msg__call_query(store, conn, &query, &rows, err);
    msg__pool_release(store, conn, rc);
  }
  if (rc == MSG_OK && rows.count == 0)
    rc = msg_error_set(err, MSG_ERR_NOT_FOUND, "message_id", "no message has id %s", id);
  else if (rc == MSG_OK)
    rc = msg__message_copy(out, &rows.items[0], err);
  msg__rows_clear(&rows);
  return rc;
}
