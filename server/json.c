/*
 * JSON conversion with cJSON. Times are RFC 3339 UTC with microseconds;
 * account ids are JSON numbers (exact up to 2^53 - 1, which is why the
 * library caps them there).
 */
#include "json.h"

#include <math.h>
#include <string.h>

cJSON *json_message(const msg_message *m) {
  char created[MSG_TIME_TEXT_SIZE];
  if (msg_time_format(created, sizeof created, m->created_at, NULL) != MSG_OK)
    return NULL;
  cJSON *o = cJSON_CreateObject();
  if (!o)
    return NULL;
  int ok = cJSON_AddStringToObject(o, "message_id", m->message_id) &&
           cJSON_AddNumberToObject(o, "account_id", (double)m->account_id) &&
           cJSON_AddStringToObject(o, "sender_number", m->sender_number) &&
           cJSON_AddStringToObject(o, "receiver_number", m->receiver_number) &&
           (m->body ? cJSON_AddStringToObject(o, "body", m->body) != NULL
                    : cJSON_AddNullToObject(o, "body") != NULL) &&
           cJSON_AddStringToObject(o, "created_at", created);
  if (!ok) {
    cJSON_Delete(o);
    return NULL;
  }
  return o;
}

cJSON *json_message_array(const msg_page *page) {
  cJSON *a = cJSON_CreateArray();
  for (size_t i = 0; a && i < page->count; i++) {
    cJSON *m = json_message(&page->items[i]);
    if (!m || !cJSON_AddItemToArray(a, m)) {
      cJSON_Delete(m);
      cJSON_Delete(a);
      return NULL;
    }
  }
  return a;
}

cJSON *json_page(const msg_page *page) {
  cJSON *o = cJSON_CreateObject();
  cJSON *data = json_message_array(page);
  if (!o || !data || !cJSON_AddItemToObject(o, "data", data)) {
    cJSON_Delete(o);
    cJSON_Delete(data);
    return NULL;
  }
  cJSON *cursor = page->next_cursor ? cJSON_AddStringToObject(o, "next_cursor", page->next_cursor)
                                    : cJSON_AddNullToObject(o, "next_cursor");
  if (!cursor) {
    cJSON_Delete(o);
    return NULL;
  }
  return o;
}

int json_get_string(const cJSON *obj, const char *name, int nullable, const char **out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
  *out = NULL;
  if (!v || (nullable && cJSON_IsNull(v)))
    return 0;
  if (!cJSON_IsString(v))
    return -1;
  *out = v->valuestring;
  return 0;
}

int json_get_account_id(const cJSON *obj, const char *name, int64_t *out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
  *out = 0;
  if (!v)
    return 0;
  if (!cJSON_IsNumber(v))
    return -1;
  double d = v->valuedouble;
  if (isfinite(d) && floor(d) == d && d >= 1 && d <= (double)MSG_ACCOUNT_ID_MAX)
    *out = (int64_t)d;
  return 0;
}

const char *json_unknown_member(const cJSON *obj, const char *const *allowed) {
  for (const cJSON *m = obj->child; m; m = m->next) {
    int known = 0;
    for (const char *const *a = allowed; *a && !known; a++)
      known = strcmp(m->string, *a) == 0;
    if (!known)
      return m->string;
  }
  return NULL;
}

int64_t parse_account_id(const char *text) {
  int64_t v = 0;
  if (!text || !*text || strlen(text) > 16)
    return 0;
  for (const char *p = text; *p; p++) {
    if (*p < '0' || *p > '9')
      return 0;
    v = v * 10 + (*p - '0');
  }
  return v;
}
