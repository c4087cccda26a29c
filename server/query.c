/*
 * Query string parsing. Percent-escapes must be complete and hexadecimal and
 * may not decode to NUL, and the result must be UTF-8; '+' means space (HTML
 * form encoding, which curl's --data-urlencode and browsers produce). The
 * number of parameters is bounded so a long URI cannot make the server
 * allocate without limit.
 */
#include "query.h"

#include <stdlib.h>
#include <string.h>
#include <unistr.h>

static int hex(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

char *msg__query_decode(const char *s, size_t len, int plus_is_space, const char **error,
                        int *nomem) {
  char *out = malloc(len + 1);
  if (!out) {
    *nomem = 1;
    return NULL;
  }
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '%') {
      int hi = i + 1 < len ? hex(s[i + 1]) : -1;
      int lo = i + 2 < len ? hex(s[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        free(out);
        *error = "invalid percent-escape";
        return NULL;
      }
      if (hi == 0 && lo == 0) {
        free(out);
        *error = "%00 is not allowed";
        return NULL;
      }
      out[o++] = (char)(hi << 4 | lo);
      i += 2;
    } else {
      out[o++] = plus_is_space && s[i] == '+' ? ' ' : s[i];
    }
  }
  out[o] = '\0';
  /* Decoded text is echoed in problem details and logs, which are JSON. */
  if (u8_check((const uint8_t *)out, o) != NULL) {
    free(out);
    *error = "not UTF-8 once decoded";
    return NULL;
  }
  return out;
}

void msg__query_free(query *q) {
  for (size_t i = 0; i < q->count; i++) {
    free(q->items[i].key);
    free(q->items[i].value);
  }
  free(q->items);
  q->items = NULL;
  q->count = 0;
}

query_status msg__query_parse(query *out, const char *qs, const char **error) {
  *out = (query){0};
  if (!qs || !*qs)
    return QUERY_OK;
  size_t pieces = 1;
  for (const char *p = qs; *p; p++)
    pieces += *p == '&';
  if (pieces > QUERY_PARAMS_MAX) {
    *error = "too many parameters";
    return QUERY_MALFORMED;
  }
  out->items = calloc(pieces, sizeof *out->items);
  if (!out->items)
    return QUERY_NOMEM;
  for (const char *p = qs; *p;) {
    const char *end = strchr(p, '&');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len > 0) {
      const char *eq = memchr(p, '=', len);
      size_t klen = eq ? (size_t)(eq - p) : len;
      int nomem = 0;
      char *key = msg__query_decode(p, klen, 1, error, &nomem);
      char *value =
          key ? msg__query_decode(eq ? eq + 1 : p + len, eq ? len - klen - 1 : 0, 1, error, &nomem)
              : NULL;
      if (!key || !value) {
        free(key);
        return nomem ? QUERY_NOMEM : QUERY_MALFORMED;
      }
      out->items[out->count].key = key;
      out->items[out->count].value = value;
      out->count++;
    }
    p += len;
    if (*p == '&')
      p++;
  }
  return QUERY_OK;
}

const char *msg__query_unknown_key(const query *q, const char *const *allowed) {
  for (size_t i = 0; i < q->count; i++) {
    int known = 0;
    for (const char *const *a = allowed; *a && !known; a++)
      known = strcmp(q->items[i].key, *a) == 0;
    if (!known)
      return q->items[i].key;
  }
  return NULL;
}

const char *msg__query_single(const query *q, const char *key, int *repeated) {
  const char *found = NULL;
  int seen = 0;
  for (size_t i = 0; i < q->count; i++) {
    if (strcmp(q->items[i].key, key) == 0) {
      seen++;
      found = q->items[i].value;
    }
  }
  *repeated = seen > 1;
  return found && *found ? found : NULL;
}

query_status msg__query_multi(query *q, const char *key, const char ***values, size_t *count) {
  *values = NULL;
  *count = 0;
  size_t total = 0;
  for (size_t i = 0; i < q->count; i++) {
    if (strcmp(q->items[i].key, key) != 0)
      continue;
    total++;
    for (const char *p = q->items[i].value; *p; p++)
      total += *p == ',';
  }
  if (total == 0)
    return QUERY_OK;
  *values = malloc(total * sizeof **values);
  if (!*values)
    return QUERY_NOMEM;
  for (size_t i = 0; i < q->count; i++) {
    if (strcmp(q->items[i].key, key) != 0)
      continue;
    for (char *item = q->items[i].value; item;) {
      char *comma = strchr(item, ',');
      if (comma)
        *comma = '\0';
      if (*item)
        (*values)[(*count)++] = item;
      item = comma ? comma + 1 : NULL;
    }
  }
  return QUERY_OK;
}
