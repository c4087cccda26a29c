/*
 * Rows collected from a backend, and the single-allocation objects handed to
 * callers (msg_message, msg_page), each freed with one free().
 */
#ifndef MSG_SRC_ROWS_H
#define MSG_SRC_ROWS_H

#include <msg/backend.h>

/* A block of row strings. Blocks never move once allocated, so the pointers
 * in `items` stay valid while more rows arrive. */
typedef struct msg__rows_chunk msg__rows_chunk;

struct msg_backend_rows {
  /* Each item's strings lie together, in order (id, sender, receiver, body),
   * in one of `chunks`. */
  msg_message *items;
  size_t count;
  size_t capacity;
  msg__rows_chunk *chunks; /* newest first */
  size_t expected;         /* rows the caller expects at most; 0: unknown */
};

void msg__rows_init(msg_backend_rows *rows);
/* Sizes the first chunk for about `count` rows (a get expects one, a page
 * its limit plus one), so a small result does not take a page-sized block. */
void msg__rows_expect(msg_backend_rows *rows, size_t count);
void msg__rows_clear(msg_backend_rows *rows);

/* Copies `m` into one block: *out is freed by msg_message_free. */
int msg__message_copy(msg_message **out, const msg_message *m, msg_error *err);

/* Builds a page from the first `count` rows and `next_cursor` (may be NULL),
 * in one block freed by msg_page_free. */
int msg__page_build(msg_page **out, const msg_backend_rows *rows, size_t count,
                    const char *next_cursor, msg_error *err);

#endif
