/*
 * JSON with cJSON. cJSON is lenient where the API must not be: it accepts
 * repeated member names (keeping the first), raw control characters in
 * strings and bytes that are not UTF-8, and it silently cuts a string at an
 * escaped U+0000. msg__json_parse_request closes those gaps before and after
 * calling cJSON. Times are RFC 3339 UTC with microseconds; account ids are
 * JSON numbers, exact up to 2^53 - 1 (hence the library's cap).
 */
#include "json.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

/* A byte that never occurs in UTF-8. After the UTF-8 check, an escaped
 * U+0000 is rewritten to it so that the member holding it can be named once
 * the tree exists. */
#define NUL_MARK '\xff'

static _Thread_local int alloc_failed;

static void *counting_malloc(size_t size) {
  void *p = malloc(size);
  if (!p)
    alloc_failed = 1;
  return p;
}

void msg__json_init(void) {
  cJSON_Hooks hooks = {counting_malloc, free};
  cJSON_InitHooks(&hooks);
}

/* Copies `text` to `out` (len + 1 bytes), rewriting each escaped U+0000 in a
 * string to NUL_MARK. Returns the new length, or 0 with *detail set when a
 * string holds a raw control character or the text a NUL byte. */
static size_t mark_nul_escapes(const char *text, size_t len, char *out, const char **detail) {
  size_t o = 0;
  int in_string = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)text[i];
    if (c == 0) {
      *detail = "the request body is not valid JSON";
      return 0;
    }
    if (in_string && c < 0x20) {
      *detail = "strings must not contain raw control characters";
      return 0;
    }
    if (c == '"') {
      in_string = !in_string;
    } else if (in_string && c == '\\' && i + 1 < len) {
      if (i + 5 < len && strncmp(text + i + 1, "u0000", 5) == 0) {
        out[o++] = NUL_MARK;
        i += 5;
        continue;
      }
      out[o++] = text[i++];
    }
    out[o++] = text[i];
  }
  out[o] = '\0';
  return o;
}

static int compare_names(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Finds a repeated member name anywhere in `item` (sorted, so a body of many
 * members costs n log n). 1 with *dup set, 0 for none, -1 out of memory. */
static int find_duplicate(const cJSON *item, const char **dup) {
  size_t n = 0;
  for (const cJSON *c = item->child; c; c = c->next)
    n++;
  if (cJSON_IsObject(item) && n > 1) {
    const char **names = malloc(n * sizeof *names);
    if (!names)
      return -1;
    size_t i = 0;
    for (const cJSON *c = item->child; c; c = c->next)
      names[i++] = c->string;
    qsort(names, n, sizeof *names, compare_names);
    for (i = 1; i < n && !*dup; i++) {
      if (strcmp(names[i - 1], names[i]) == 0)
        *dup = names[i];
    }
    free(names);
    if (*dup)
      return 1;
  }
  for (const cJSON *c = item->child; c; c = c->next) {
    int rc = find_duplicate(c, dup);
    if (rc != 0)
      return rc;
  }
  return 0;
}

/* Does `item` or anything in it hold NUL_MARK in a string or member name? */
static int holds_nul(const cJSON *item) {
  if (item->string && strchr(item->string, NUL_MARK))
    return 1;
  if (cJSON_IsString(item) && strchr(item->valuestring, NUL_MARK))
    return 1;
  for (const cJSON *c = item->child; c; c = c->next) {
    if (holds_nul(c))
      return 1;
  }
  return 0;
}

static cJSON *fail(json_parse_error *err, int status, const char *detail, const char *field) {
  err->status = status;
  err->detail = detail;
  err->field = NULL;
  if (field && !strchr(field, NUL_MARK)) {
    err->field = strdup(field);
    if (!err->field) {
      err->status = 500;
      err->detail = "out of memory";
    }
  }
  return NULL;
}

cJSON *msg__json_parse_request(const char *text, size_t len, json_parse_error *err) {
  if (u8_check((const uint8_t *)text, len) != NULL)
    return fail(err, 400, "the request body is not UTF-8", NULL);
  char *marked = malloc(len + 1);
  if (!marked)
    return fail(err, 500, "out of memory", NULL);
  const char *detail = NULL;
  size_t marked_len = mark_nul_escapes(text, len, marked, &detail);
  if (detail) {
    free(marked);
    return fail(err, 400, detail, NULL);
  }
  alloc_failed = 0;
  /* Length + 1 and "null-terminated" make cJSON refuse text after the value. */
  cJSON *json = cJSON_ParseWithLengthOpts(marked, marked_len + 1, NULL, 1);
  free(marked);
  if (!json) {
    if (alloc_failed)
      return fail(err, 500, "out of memory", NULL);
    return fail(err, 400, "the request body is not valid JSON", NULL);
  }
  if (!cJSON_IsObject(json)) {
    cJSON_Delete(json);
    return fail(err, 400, "the request body must be a JSON object", NULL);
  }
  const char *dup = NULL;
  int rc = find_duplicate(json, &dup);
  if (rc != 0) {
    fail(err, rc < 0 ? 500 : 400,
         rc < 0 ? "out of memory" : "the request body repeats a member name", dup);
    cJSON_Delete(json);
    return NULL;
  }
  for (const cJSON *m = json->child; m; m = m->next) {
    if (holds_nul(m)) {
      fail(err, 422, "strings must not contain U+0000", m->string);
      cJSON_Delete(json);
      return NULL;
    }
  }
  return json;
}

int msg__json_get_string(const cJSON *obj, const char *name, int nullable, const char **out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
  *out = NULL;
  if (!v || (nullable && cJSON_IsNull(v)))
    return 0;
  if (!cJSON_IsString(v))
    return -1;
  *out = v->valuestring;
  return 0;
}

int msg__json_get_integer(const cJSON *obj, const char *name, int64_t *out, int *present) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
  *out = 0;
  *present = v != NULL;
  if (!v)
    return 0;
  if (!cJSON_IsNumber(v))
    return -1;
  double d = v->valuedouble;
  /* 2^63 is exact as a double; anything at or beyond it cannot be an int64. */
  if (!isfinite(d) || floor(d) != d || d >= 9223372036854775808.0 || d < -9223372036854775808.0)
    return -1;
  *out = (int64_t)d;
  return 0;
}

const char *msg__json_unknown_member(const cJSON *obj, const char *const *allowed) {
  for (const cJSON *m = obj->child; m; m = m->next) {
    int known = 0;
    for (const char *const *a = allowed; *a && !known; a++)
      known = strcmp(m->string, *a) == 0;
    if (!known)
      return m->string;
  }
  return NULL;
}

cJSON *msg__json_message(const msg_message *m) {
  char created[MSG_TIME_TEXT_SIZE];
  if (msg_time_format(created, sizeof created, m->created_at, NULL) != MSG_OK)
    return NULL;
  /* cJSON prints numbers from doubles with 15 significant digits, which
   * would round ids above 10^15; the id is written as exact text. */
  char account_id[24];
  snprintf(account_id, sizeof account_id, "%" PRId64, m->account_id);
  cJSON *o = cJSON_CreateObject();
  if (!o)
    return NULL;
  int ok = cJSON_AddStringToObject(o, "message_id", m->message_id) &&
           cJSON_AddRawToObject(o, "account_id", account_id) &&
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

cJSON *msg__json_message_array(const msg_page *page) {
  cJSON *a = cJSON_CreateArray();
  for (size_t i = 0; a && i < page->count; i++) {
    cJSON *m = msg__json_message(&page->items[i]);
    if (!m || !cJSON_AddItemToArray(a, m)) {
      cJSON_Delete(m);
      cJSON_Delete(a);
      return NULL;
    }
  }
  return a;
}

cJSON *msg__json_page(const msg_page *page) {
  cJSON *o = cJSON_CreateObject();
  cJSON *data = msg__json_message_array(page);
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
