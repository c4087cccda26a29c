/*
 * The field rules of msg.h, checked once, in the core. Each check fills the
 * error record with the field's HTTP name and a sentence stating the rule.
 */
#ifndef MSG_SRC_VALIDATE_H
#define MSG_SRC_VALIDATE_H

#include <msg/backend.h>

int msg__validate_account_id(int64_t account_id, msg_error *err);
int msg__validate_number(const char *number, const char *field, msg_error *err);
int msg__validate_body(const char *body, msg_error *err);
int msg__validate_idempotency_key(const char *key, msg_error *err);
int msg__validate_limit(int64_t limit, msg_error *err);

/* Checks `text` is a UUID (8-4-4-4-12 hex digits, any case) and writes its
 * canonical lowercase form into `canonical` (MSG_ID_LEN + 1 bytes). */
int msg__validate_uuid(const char *text, char *canonical, const char *field, msg_error *err);

#endif
