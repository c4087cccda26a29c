/*
 * Opaque keyset cursors. A cursor carries the position of the last message
 * of a page and a fingerprint of the query it belongs to, so a cursor used
 * with another account or filter, or altered, is rejected.
 */
#ifndef MSG_SRC_CURSOR_H
#define MSG_SRC_CURSOR_H

#include <msg/backend.h>

#define MSG_FINGERPRINT_SIZE 8

typedef enum msg__query_kind { MSG_QUERY_LIST = 1, MSG_QUERY_SEARCH = 2 } msg__query_kind;

/* The identity of a canonical query (sets sorted and deduplicated): every
 * condition, but not the limit or position. */
int msg__cursor_fingerprint(uint8_t out[MSG_FINGERPRINT_SIZE], msg__query_kind kind,
                            const msg_backend_query *query, msg_error *err);

/* Encodes a cursor after (created_at, message_id). Free with msg__free. */
int msg__cursor_encode(char **out, const uint8_t fingerprint[MSG_FINGERPRINT_SIZE],
                       int64_t created_at, const char *message_id, msg_error *err);

/* Decodes `cursor` for the query with `fingerprint`; writes the position.
 * MSG_ERR_INVALID (field "cursor") when malformed or from another query. */
int msg__cursor_decode(int64_t *created_at, char message_id[MSG_ID_LEN + 1], const char *cursor,
                       const uint8_t fingerprint[MSG_FINGERPRINT_SIZE], msg_error *err);

#endif
