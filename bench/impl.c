/*
 * What both baselines share: copying rows out of the driver's buffers, as
 * libmsg does for its caller (one block of strings per row, an array per
 * page, all freed when the operation is done), and the id digest.
 */
#include "impl.h"

#include "rows_copy.h"

#include <stdlib.h>
#include <string.h>

uint64_t msg__impl_digest(uint64_t h, const char *message_id) {
  for (const unsigned char *p = (const unsigned char *)message_id; *p; p++) {
    h ^= *p;
    h *= UINT64_C(0x100000001b3);
  }
  return h;
}

int msg__rows_copy_push(bench_rows *rows, const bench_row *row) {
  if (rows->count == rows->capacity) {
    size_t capacity = rows->capacity ? rows->capacity * 2 : 16;
    bench_row *grown = realloc(rows->items, capacity * sizeof *grown);
    if (!grown)
      return -1;
    rows->items = grown;
    rows->capacity = capacity;
  }
  size_t id = strlen(row->message_id) + 1, sender = strlen(row->sender) + 1,
         receiver = strlen(row->receiver) + 1, body = row->body ? strlen(row->body) + 1 : 0;
  char *block = malloc(id + sender + receiver + body);
  if (!block)
    return -1;
  bench_row *copy = &rows->items[rows->count++];
  copy->account_id = row->account_id;
  copy->created_at = row->created_at;
  copy->message_id = memcpy(block, row->message_id, id);
  copy->sender = memcpy(block + id, row->sender, sender);
  copy->receiver = memcpy(block + id + sender, row->receiver, receiver);
  copy->body = row->body ? memcpy(block + id + sender + receiver, row->body, body) : NULL;
  return 0;
}

void msg__rows_copy_page(const bench_rows *rows, size_t limit, bench_page *out) {
  out->count = rows->count < limit ? rows->count : limit;
  out->has_next = rows->count > limit;
  out->digest = BENCH_DIGEST_INIT;
  for (size_t i = 0; i < out->count; i++)
    out->digest = msg__impl_digest(out->digest, rows->items[i].message_id);
}

void msg__rows_copy_free(bench_rows *rows) {
  for (size_t i = 0; i < rows->count; i++)
    free((void *)rows->items[i].message_id);
  free(rows->items);
  *rows = (bench_rows){0};
}
