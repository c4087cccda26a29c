/*
 * Row collection and result objects. A backend pushes rows whose strings may
 * point into its own short-lived buffers, so every push copies. The objects
 * returned to callers are single blocks (struct, then strings) so that they
 * own everything they point to and free with one call.
 */
#include "rows.h"

#include "alloc.h"
#include "uuid.h"

#include <string.h>

void msg__rows_init(msg_backend_rows *rows) {
  *rows = (msg_backend_rows){0};
}

void msg__rows_clear(msg_backend_rows *rows) {
  for (size_t i = 0; i < rows->count; i++)
    msg__free((void *)rows->items[i].message_id);
  msg__free(rows->items);
  msg__rows_init(rows);
}

static size_t strings_size(const msg_message *m) {
  return MSG_ID_LEN + 1 + strlen(m->sender_number) + 1 + strlen(m->receiver_number) + 1 +
         (m->body ? strlen(m->body) + 1 : 0);
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

MSG_EXTERN int msg_backend_rows_push(msg_backend_rows *rows, const msg_message *m, msg_error *err) {
  uint8_t id_bytes[16];
  if (!rows || !m || !m->message_id || strlen(m->message_id) != MSG_ID_LEN ||
      msg__uuid_parse(id_bytes, m->message_id) != 0 || !m->sender_number || !m->receiver_number)
    return msg_error_set(err, MSG_ERR_INTERNAL, NULL,
                         "the backend returned a malformed message row");
  if (rows->count == rows->capacity) {
    size_t capacity = rows->capacity ? rows->capacity * 2 : 16;
    msg_message *grown = msg__realloc(rows->items, capacity * sizeof *grown);
    if (!grown)
      return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory reading messages");
    rows->items = grown;
    rows->capacity = capacity;
  }
  char *block = msg__malloc(strings_size(m));
  if (!block)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory reading messages");
  copy_strings(&rows->items[rows->count++], m, block);
  return MSG_OK;
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

int msg__page_build(msg_page **out, const msg_backend_rows *rows, size_t count,
                    const char *next_cursor, msg_error *err) {
  *out = NULL;
  size_t size = sizeof(msg_page) + count * sizeof(msg_message);
  for (size_t i = 0; i < count; i++)
    size += strings_size(&rows->items[i]);
  if (next_cursor)
    size += strlen(next_cursor) + 1;
  msg_page *page = msg__malloc(size);
  if (!page)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory returning a page");
  page->count = count;
  page->items = count ? (msg_message *)(page + 1) : NULL;
  char *strings = (char *)((msg_message *)(page + 1) + count);
  for (size_t i = 0; i < count; i++) {
    copy_strings(&page->items[i], &rows->items[i], strings);
    strings += strings_size(&rows->items[i]);
  }
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
