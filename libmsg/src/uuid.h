/*
 * UUIDv7 message ids (RFC 9562).
 */
#ifndef MSG_SRC_UUID_H
#define MSG_SRC_UUID_H

#include <msg/msg.h>

/* Writes a new UUIDv7 for `created_at` (µs) as canonical lowercase text into
 * `out` (MSG_ID_LEN + 1 bytes). MSG_ERR_INTERNAL if the CSPRNG fails. */
int msg__uuid_v7(char *out, int64_t created_at, msg_error *err);

/* Canonical text <-> 16 bytes. Parsing expects canonical lowercase text
 * (already validated); returns 0 on success, -1 otherwise. */
int msg__uuid_parse(uint8_t bytes[16], const char *text);
void msg__uuid_format(char *out, const uint8_t bytes[16]);

#endif
