/*
 * Row collection and result objects. A backend pushes rows whose strings may
 * point into its own short-lived buffers, so every push copies: into large
 * chunks shared by many rows rather than a block per row, because a page of
 * rows is collected, copied once into the caller's page and dropped, and
 * per-row allocations were most of that work. The objects returned to
 * callers are single blocks (struct, then strings) so that they own
 * everything they point to and free with one call.
 */
#include "rows.h"

#include "alloc.h"
#include "builtin.h"

#include <string.h>

/* The first chunk holds the expected rows at a typical size (or a page of
 * 50 when nothing is expected); later chunks double, and a chunk is never
 * smaller than the row that needs it. */
#define ROW_TYPICAL 256
#define CHUNK_FIRST (50 * ROW_TYPICAL)
#define CHUNK_MAX 262144

struct msg__rows_chunk {
  msg__rows_chunk *next;
  size_t used, size;
  char data[];
};

void msg__rows_init(msg_backend_rows *rows) {
  *rows = (msg_backend_rows){0};
}

void msg__rows_expect(msg_backend_rows *rows, size_t count) {
  rows->expected = count;
}

void msg__rows_clear(msg_backend_rows *rows) {
  for (msg__rows_chunk *c = rows->chunks, *next; c; c = next) {
    next = c->next;
    msg__free(c);
  }
  msg__free(rows->items);
  msg__rows_init(rows);
}

static size_t strings_size(const msg_message *m) {
  return MSG_ID_LEN + 1 + strlen(m->sender_number) + 1 + strlen(m->receiver_number) + 1 +
         (m->body ? strlen(m->body) + 1 : 0);
}

/* The bytes of a collected row's strings, which lie together (see rows.h). */
static size_t row_size(const msg_message *m) {
  const char *last = m->body ? m->body : m->receiver_number;
  return (size_t)(last - m->message_id) + strlen(last) + 1;
}

/* Copies the strings of `m` into `block` and points `dst` at them. */
static void copy_strings(msg_message *dst, const msg_message *m, char *block) {
  size_t n;
  dst->account_id = m->account_id;
  dst->created_at = m->created_at;
  dst->message_id = memcpy(block, m->message_id, MSG_ID_LEN + 1);
  block += MSG_ID_LEN + 1;
  n = strlen(m->sender_number) + 1;
  dst->sender_number = memcpy(block, m->sender_number, n);
  block += n;
  n = strlen(m->receiver_number) + 1;
  dst->receiver_number = memcpy(block, m->receiver_number, n);
  block += n;
  if (m->body) {
    n = strlen(m->body) + 1;
    dst->body = memcpy(block, m->body, n);
  } else {
    dst->body = NULL;
  }
}

/* `size` bytes for a row's strings, in the newest chunk or a new one. */
static char *chunk_room(msg_backend_rows *rows, size_t size) {
  msg__rows_chunk *c = rows->chunks;
  if (!c || c->size - c->used < size) {
    size_t first = rows->expected && rows->expected < CHUNK_MAX / ROW_TYPICAL
                       ? rows->expected * ROW_TYPICAL
                   : rows->expected ? CHUNK_MAX
                                    : CHUNK_FIRST;
    size_t room = c ? (c->size < CHUNK_MAX ? c->size * 2 : c->size) : first;
    if (room < size)
      room = size;
    msg__rows_chunk *fresh = msg__malloc(sizeof *fresh + room);
    if (!fresh)
      return NULL;
    *fresh = (msg__rows_chunk){c, 0, room};
    rows->chunks = c = fresh;
  }
  char *at = c->data + c->used;
  c->used += size;
  return at;
}

/* The class of each byte in canonical UUID text: 1 a lowercase hex digit,
 * 2 a dash, 0 anything else (the NUL too). */
static const unsigned char id_class[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
    ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, ['a'] = 1, ['b'] = 1,
    ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['-'] = 2,
};

/* The class every position of 8-4-4-4-12 text must have. */
static const unsigned char id_pattern[MSG_ID_LEN] = {
    1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 2, 1, 1, 1, 1,
    2, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/* Whether `s` is canonical lowercase UUID text. It runs for every row a
 * third-party backend returns, so after the length (which keeps every read
 * inside the string) it compares each byte's class without branching. */
static int canonical_id(const char *s) {
  if (strnlen(s, MSG_ID_LEN + 1) != MSG_ID_LEN)
    return 0;
  unsigned int mismatch = 0;
  for (size_t i = 0; i < MSG_ID_LEN; i++)
    mismatch |= id_class[(unsigned char)s[i]] ^ id_pattern[i];
  return mismatch == 0;
}

int msg__rows_push_trusted(msg_backend_rows *rows, const msg_message *m, msg_error *err) {
  if (rows->count == rows->capacity) {
    size_t capacity = rows->capacity ? rows->capacity * 2 : rows->expected ? rows->expected : 16;
    msg_message *grown = msg__realloc(rows->items, capacity * sizeof *grown);
    if (!grown)
      return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory reading messages");
    rows->items = grown;
    rows->capacity = capacity;
  }
  char *block = chunk_room(rows, strings_size(m));
  if (!block)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory reading messages");
  copy_strings(&rows->items[rows->count++], m, block);
  return MSG_OK;
}

MSG_EXTERN int msg_backend_rows_push(msg_backend_rows *rows, const msg_message *m, msg_error *err) {
  if (!rows || !m || !m->message_id || !canonical_id(m->message_id) || !m->sender_number ||
      !m->receiver_number)
    return msg_error_set(err, MSG_ERR_INTERNAL, NULL,
                         "the backend returned a malformed message row");
  return msg__rows_push_trusted(rows, m, err);
}

int msg__message_copy(msg_message **out, const msg_message *m, msg_error *err) {
  *out = NULL;
  msg_message *copy = msg__malloc(sizeof *copy + strings_size(m));
  if (!copy)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory returning a message");
  copy_strings(copy, m, (char *)(copy + 1));
  *out = copy;
  return MSG_OK;
}

/* Points `dst` at a copy of collected row `m` (whose strings lie together)
 * made with one memcpy at `block`; returns the bytes copied. */
static size_t copy_row(msg_message *dst, const msg_message *m, char *block) {
  size_t size = row_size(m);
  memcpy(block, m->message_id, size);
  dst->account_id = m->account_id;
  dst->created_at = m->created_at;
  dst->message_id = block;
  dst->sender_number = block + (m->sender_number - m->message_id);
  dst->receiver_number = block + (m->receiver_number - m->message_id);
  dst->body = m->body ? block + (m->body - m->message_id) : NULL;
  return size;
}

int msg__page_build(msg_page **out, const msg_backend_rows *rows, size_t count,
                    const char *next_cursor, msg_error *err) {
  *out = NULL;
  size_t size = sizeof(msg_page) + count * sizeof(msg_message);
  for (size_t i = 0; i < count; i++)
    size += row_size(&rows->items[i]);
  if (next_cursor)
    size += strlen(next_cursor) + 1;
  msg_page *page = msg__malloc(size);
  if (!page)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory returning a page");
  page->count = count;
  page->items = count ? (msg_message *)(page + 1) : NULL;
  char *strings = (char *)((msg_message *)(page + 1) + count);
  for (size_t i = 0; i < count; i++)
    strings += copy_row(&page->items[i], &rows->items[i], strings);
  page->next_cursor = next_cursor ? strcpy(strings, next_cursor) : NULL;
  *out = page;
  return MSG_OK;
}

MSG_EXTERN void msg_page_free(msg_page *page) {
  msg__free(page);
}

MSG_EXTERN void msg_message_free(msg_message *message) {
  msg__free(message);
}
