/*
 * JSON with cJSON. cJSON is lenient where the API must not be: it accepts
 * repeated member names (keeping the first), raw control characters in
 * strings and bytes that are not UTF-8, numbers such as "042" or "1.",
 * control characters as whitespace and bad \u escapes (as U+0000), it
 * silently cuts a string at an escaped U+0000, and it recurses once per
 * level of nesting. msg__json_parse_request closes those gaps before and
 * after calling cJSON. Times are RFC 3339 UTC with microseconds; account ids are
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

/* The deepest nesting of arrays and objects a request body may have. The
 * API's bodies are flat objects; the bound exists because cJSON recurses
 * once per level, as do the checks below, and civetweb runs handlers on
 * small thread stacks (about 100 KiB in Debian's build), which a body of a
 * thousand '[' would otherwise overflow. */
#define JSON_DEPTH_MAX 64
#define STRINGIFY(x) #x
#define JSON_DEPTH_TEXT(x) STRINGIFY(x)

static int is_digit(unsigned char c) {
  return c >= '0' && c <= '9';
}

static int is_hex(unsigned char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The length of the JSON number (RFC 8259 section 6) at text[0..len), or 0
 * when there is none. cJSON hands numbers to strtod, which also takes
 * "042", "1." and "1.e5". */
static size_t number_length(const char *text, size_t len) {
  size_t i = 0;
  if (i < len && text[i] == '-')
    i++;
  if (i < len && text[i] == '0')
    i++;
  else if (i < len && is_digit((unsigned char)text[i]) && text[i] != '0')
    while (i < len && is_digit((unsigned char)text[i]))
      i++;
  else
    return 0;
  if (i < len && text[i] == '.') {
    size_t start = ++i;
    while (i < len && is_digit((unsigned char)text[i]))
      i++;
    if (i == start)
      return 0;
  }
  if (i < len && (text[i] == 'e' || text[i] == 'E')) {
    i++;
    if (i < len && (text[i] == '+' || text[i] == '-'))
      i++;
    size_t start = i;
    while (i < len && is_digit((unsigned char)text[i]))
      i++;
    if (i == start)
      return 0;
  }
  /* "01" or "1.5.2": the number must end where the token ends. */
  if (i < len && (is_digit((unsigned char)text[i]) || strchr(".eE+-", text[i])))
    return 0;
  return i;
}

/*
 * Checks what cJSON lets through and copies `text` to `out` (len + 1
 * bytes), rewriting each escaped U+0000 in a string to NUL_MARK. cJSON
 * skips any byte up to space as whitespace, reads an escape with bad hex
 * digits as U+0000 (cutting the string there), and takes numbers as strtod
 * does; here whitespace is only space, tab, CR and LF, escapes are the
 * eight of RFC 8259 plus \u with four hex digits, numbers follow the
 * grammar, and nesting is at most JSON_DEPTH_MAX deep. Returns the new
 * length, or 0 with *detail set.
 */
static size_t prescan(const char *text, size_t len, char *out, const char **detail) {
  static const char not_json[] = "the request body is not valid JSON";
  size_t o = 0;
  int in_string = 0, depth = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)text[i];
    if (c == 0) {
      *detail = not_json;
      return 0;
    }
    if (in_string) {
      if (c < 0x20) {
        *detail = "strings must not contain raw control characters";
        return 0;
      }
      if (c == '"') {
        in_string = 0;
      } else if (c == '\\') {
        if (i + 1 >= len || !strchr("\"\\/bfnrtu", text[i + 1])) {
          *detail = not_json;
          return 0;
        }
        if (text[i + 1] == 'u') {
          if (i + 5 >= len || !is_hex((unsigned char)text[i + 2]) ||
              !is_hex((unsigned char)text[i + 3]) || !is_hex((unsigned char)text[i + 4]) ||
              !is_hex((unsigned char)text[i + 5])) {
            *detail = not_json;
            return 0;
          }
          if (strncmp(text + i + 2, "0000", 4) == 0) {
            out[o++] = NUL_MARK;
            i += 5;
            continue;
          }
        }
        out[o++] = text[i++];
      }
      out[o++] = text[i];
      continue;
    }
    if (c == '"') {
      in_string = 1;
    } else if (c == '[' || c == '{') {
      if (++depth > JSON_DEPTH_MAX) {
        *detail = "the request body nests arrays and objects more than " JSON_DEPTH_TEXT(
            JSON_DEPTH_MAX) " levels deep";
        return 0;
      }
    } else if (c == ']' || c == '}') {
      depth--;
    } else if (c == '-' || is_digit(c)) {
      size_t n = number_length(text + i, len - i);
      if (n == 0) {
        *detail = not_json;
        return 0;
      }
      memcpy(out + o, text + i, n);
      o += n;
      i += n - 1;
      continue;
    } else if (c < 0x20 && c != ' ' && c != '\t' && c != '\r' && c != '\n') {
      *detail = not_json;
      return 0;
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
  size_t marked_len = prescan(text, len, marked, &detail);
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

/*
 * Responses. A page of 50 messages as a cJSON tree was some 700 small
 * allocations, and printing it escaped every string byte by byte: most of
 * the server's own time per list request. So the response text is written
 * directly into one growing buffer, byte for byte what cJSON prints for the
 * same tree (its member order, its escapes, numbers as exact integers), and
 * handed back as one raw cJSON item so that callers print and send it as
 * before.
 */

/* A growing text; after an allocation failure it stays failed. It is ended
 * with a NUL only when finished. */
typedef struct json_text {
  char *data;
  size_t len, cap;
  int failed;
} json_text;

/* Makes room for `n` more bytes and the final NUL; 0 when out of memory. */
static int grow(json_text *t, size_t n) {
  if (t->failed)
    return 0;
  size_t cap = t->cap ? t->cap : 256;
  while (cap - t->len < n + 1)
    cap *= 2;
  char *grown = realloc(t->data, cap);
  if (!grown) {
    t->failed = 1;
    return 0;
  }
  t->data = grown;
  t->cap = cap;
  return 1;
}

/* The buffer is sized for the whole response up front (expected_size), so
 * the common path is one comparison and a copy. */
static inline void put(json_text *t, const char *s, size_t n) {
  if (t->cap - t->len < n + 1 && !grow(t, n))
    return;
  memcpy(t->data + t->len, s, n);
  t->len += n;
}

#define PUT_LITERAL(t, s) put((t), (s), sizeof(s) - 1)

/* Bytes cJSON escapes in a string: the quote, the backslash and control
 * characters (with a short form for some); UTF-8 is copied as it is. */
static const char escape_as[256] = {
    [0x00] = 'u', [0x01] = 'u', [0x02] = 'u', [0x03] = 'u',  [0x04] = 'u', [0x05] = 'u',
    [0x06] = 'u', [0x07] = 'u', ['\b'] = 'b', ['\t'] = 't',  ['\n'] = 'n', [0x0b] = 'u',
    ['\f'] = 'f', ['\r'] = 'r', [0x0e] = 'u', [0x0f] = 'u',  [0x10] = 'u', [0x11] = 'u',
    [0x12] = 'u', [0x13] = 'u', [0x14] = 'u', [0x15] = 'u',  [0x16] = 'u', [0x17] = 'u',
    [0x18] = 'u', [0x19] = 'u', [0x1a] = 'u', [0x1b] = 'u',  [0x1c] = 'u', [0x1d] = 'u',
    [0x1e] = 'u', [0x1f] = 'u', ['"'] = '"',  ['\\'] = '\\',
};

/* Whether any of the 8 bytes of `w` must be escaped: below 0x20, '"' or
 * '\\' (the classic "has a byte less than / equal to" bit tricks). */
static inline int word_needs_escape(uint64_t w) {
  const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
  uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
  return ((((w - ones * 0x20) & ~w) | ((quote - ones) & ~quote) |
           ((backslash - ones) & ~backslash)) &
          highs) != 0;
}

static const char hex_digits[] = "0123456789abcdef";

/* Writes the escape of byte `c` (escape_as[c] set) to `out`; returns its length. */
static size_t escape_byte(unsigned char c, char *out) {
  char esc[6] = {'\\', escape_as[c], '0', '0', hex_digits[c >> 4], hex_digits[c & 0xf]};
  size_t n = escape_as[c] == 'u' ? 6 : 2;
  memcpy(out, esc, n);
  return n;
}

char *msg__json_quote(char *out, const char *s) {
  *out++ = '"';
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (escape_as[*p])
      out += escape_byte(*p, out);
    else
      *out++ = (char)*p;
  }
  *out++ = '"';
  return out;
}

/* Appends `s` as a JSON string, escaped as cJSON escapes it. Plain runs are
 * found 8 bytes at a time and copied at once: a message body is mostly one
 * such run. */
static void put_string(json_text *t, const char *s) {
  size_t len = strlen(s), i = 0, run = 0;
  PUT_LITERAL(t, "\"");
  while (i < len) {
    uint64_t w;
    if (len - i >= 8 && (memcpy(&w, s + i, 8), !word_needs_escape(w))) {
      i += 8;
      continue;
    }
    unsigned char c = (unsigned char)s[i];
    if (!escape_as[c]) {
      i++;
      continue;
    }
    put(t, s + run, i - run);
    char esc[6];
    put(t, esc, escape_byte(c, esc));
    run = ++i;
  }
  put(t, s + run, len - run);
  PUT_LITERAL(t, "\"");
}

/* Appends `v` in decimal, exactly (cJSON would print a double). */
static void put_int64(json_text *t, int64_t v) {
  char digits[24], *p = digits + sizeof digits;
  uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  do {
    *--p = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0)
    *--p = '-';
  put(t, p, (size_t)(digits + sizeof digits - p));
}

static void put_message(json_text *t, const msg_message *m) {
  char created[MSG_TIME_TEXT_SIZE];
  if (msg_time_format(created, sizeof created, m->created_at, NULL) != MSG_OK) {
    t->failed = 1;
    return;
  }
  PUT_LITERAL(t, "{\"message_id\":");
  put_string(t, m->message_id);
  /* cJSON prints numbers from doubles with 15 significant digits, which
   * would round ids above 10^15; the id is written as exact text. */
  PUT_LITERAL(t, ",\"account_id\":");
  put_int64(t, m->account_id);
  PUT_LITERAL(t, ",\"sender_number\":");
  put_string(t, m->sender_number);
  PUT_LITERAL(t, ",\"receiver_number\":");
  put_string(t, m->receiver_number);
  PUT_LITERAL(t, ",\"body\":");
  if (m->body)
    put_string(t, m->body);
  else
    PUT_LITERAL(t, "null");
  PUT_LITERAL(t, ",\"created_at\":");
  put_string(t, created);
  PUT_LITERAL(t, "}");
}

static void put_array(json_text *t, const msg_page *page) {
  PUT_LITERAL(t, "[");
  for (size_t i = 0; i < page->count; i++) {
    if (i > 0)
      PUT_LITERAL(t, ",");
    put_message(t, &page->items[i]);
  }
  PUT_LITERAL(t, "]");
}

/* Room for `page` (NULL: one message `m`) at once in the common case, so the
 * buffer is rarely grown: the fixed text of a message, then its strings. */
static size_t expected_size(const msg_page *page, const msg_message *m) {
  size_t count = page ? page->count : 1, size = 128;
  for (size_t i = 0; i < count; i++) {
    const msg_message *x = page ? &page->items[i] : m;
    size += 200 + strlen(x->sender_number) + strlen(x->receiver_number) +
            (x->body ? strlen(x->body) + strlen(x->body) / 8 : 0);
  }
  return size;
}

/* The text as a raw cJSON item (printed as it is), or NULL when out of
 * memory. The item takes the buffer itself rather than a copy of it:
 * cJSON_Delete frees it with the allocator msg__json_init installs (or
 * cJSON's default), which is malloc's, like the buffer's. */
static cJSON *finish(json_text *t) {
  cJSON *raw = t->failed ? NULL : cJSON_CreateRaw("");
  if (!raw) {
    free(t->data);
    return NULL;
  }
  t->data[t->len] = '\0';
  cJSON_free(raw->valuestring);
  raw->valuestring = t->data;
  return raw;
}

static void start(json_text *t, size_t size) {
  *t = (json_text){0};
  t->data = malloc(size);
  if (t->data)
    t->cap = size;
  else
    t->failed = 1;
}

cJSON *msg__json_message(const msg_message *m) {
  json_text t;
  start(&t, expected_size(NULL, m));
  put_message(&t, m);
  return finish(&t);
}

cJSON *msg__json_message_array(const msg_page *page) {
  json_text t;
  start(&t, expected_size(page, NULL));
  put_array(&t, page);
  return finish(&t);
}

cJSON *msg__json_page(const msg_page *page) {
  json_text t;
  start(&t, expected_size(page, NULL));
  PUT_LITERAL(&t, "{\"data\":");
  put_array(&t, page);
  PUT_LITERAL(&t, ",\"next_cursor\":");
  if (page->next_cursor)
    put_string(&t, page->next_cursor);
  else
    PUT_LITERAL(&t, "null");
  PUT_LITERAL(&t, "}");
  return finish(&t);
}
