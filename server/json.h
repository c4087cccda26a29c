/*
 * The JSON of the API: strict parsing of request bodies, reading typed
 * members, and the message and page shapes of responses.
 */
#ifndef MSG_SERVER_JSON_H
#define MSG_SERVER_JSON_H

#include <cjson/cJSON.h>
#include <msg/msg.h>

/* Installs cJSON allocation hooks that let a parse failure caused by memory
 * be told apart from bad input. Call once before any thread parses. */
void msg__json_init(void);

/* Why a request body was refused: status 400 (not JSON, not an object,
 * duplicate member), 422 (a string holds U+0000) or 500 (out of memory).
 * `detail` is static; `field` (a member name or NULL) is owned by the caller. */
typedef struct json_parse_error {
  int status;
  const char *detail;
  char *field;
} json_parse_error;

/*
 * Parses `len` bytes of request body into an object the caller deletes, or
 * returns NULL and fills `*err`. Stricter than cJSON alone: the text must be
 * UTF-8, strings may not hold raw control characters, member names may not
 * repeat within an object, and the top level must be an object. A string
 * holding U+0000 (which C strings cannot carry) is refused naming the
 * top-level member it is in.
 */
cJSON *msg__json_parse_request(const char *text, size_t len, json_parse_error *err);

/* Reads member `name` as a string: 0 with *out set (NULL when absent, or when
 * JSON null and `nullable`), or -1 when it has another type. */
int msg__json_get_string(const cJSON *obj, const char *name, int nullable, const char **out);

/* Reads member `name` as an integer: 0 with *out set and *present true, 0
 * with *present false when absent, -1 when it is not an integer-valued JSON
 * number within int64. The library judges the range. */
int msg__json_get_integer(const cJSON *obj, const char *name, int64_t *out, int *present);

/* The first member of `obj` whose name is not in `allowed` (NULL-ended). */
const char *msg__json_unknown_member(const cJSON *obj, const char *const *allowed);

/* Writes `s` quoted and escaped as cJSON escapes strings (the quote, the
 * backslash, control characters; UTF-8 as it is) to `out`, which has room
 * for 6 * strlen(s) + 2 bytes. Returns the end; adds no NUL. */
char *msg__json_quote(char *out, const char *s);

/*
 * Response bodies. Each returns one raw cJSON item holding the finished JSON
 * text (print it, e.g. with cJSON_PrintUnformatted, and delete it; it has no
 * members to add to), or NULL when out of memory.
 */

/* {"message_id","account_id","sender_number","receiver_number","body","created_at"}. */
cJSON *msg__json_message(const msg_message *m);

/* A bare array of the page's messages. */
cJSON *msg__json_message_array(const msg_page *page);

/* {"data":[...],"next_cursor":...}. */
cJSON *msg__json_page(const msg_page *page);

#endif
