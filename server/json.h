/*
 * The JSON shapes of the API: a message, a page, and the typed reading of
 * request members.
 */
#ifndef MSG_SERVER_JSON_H
#define MSG_SERVER_JSON_H

#include <cjson/cJSON.h>
#include <msg/msg.h>

/* {"message_id","account_id","sender_number","receiver_number","body","created_at"};
 * NULL when out of memory. */
cJSON *json_message(const msg_message *m);

/* {"data":[...],"next_cursor":...} */
cJSON *json_page(const msg_page *page);

/* A bare array of the page's messages (compatibility routes). */
cJSON *json_message_array(const msg_page *page);

/* Reads member `name` of `obj` as a string. Returns 0 and sets *out (NULL if
 * absent or JSON null when `nullable`); -1 when it has another type. */
int json_get_string(const cJSON *obj, const char *name, int nullable, const char **out);

/* Reads an integer account id: 0 and *out set, or -1 when not a JSON number.
 * Numbers that are not integers or are out of range give *out = 0, which the
 * library rejects with its own message. */
int json_get_account_id(const cJSON *obj, const char *name, int64_t *out);

/* The first member of `obj` whose name is not in `allowed` (NULL-terminated). */
const char *json_unknown_member(const cJSON *obj, const char *const *allowed);

/* Parses a decimal id from a path or query ("42"); anything else gives 0,
 * which the library rejects with its rule for account_id. */
int64_t parse_account_id(const char *text);

#endif
