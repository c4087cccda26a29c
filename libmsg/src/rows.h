/*
 * Rows collected from a backend, and the single-allocation objects handed to
 * callers (msg_message, msg_page), each freed with one free().
 */
#ifndef MSG_SRC_ROWS_H
#define MSG_SRC_ROWS_H

#include <msg/backend.h>

struct msg_backend_rows {
  msg_message *items; /* each item's strings live in one block starting at message_id */
  size_t count;
  size_t capacity;
};

void msg__rows_init(msg_backend_rows *rows);
void msg__rows_clear(msg_backend_rows *rows);

/* Copies `m` into one block: *out is freed by msg_message_free. */
int msg__message_copy(msg_message **out, const msg_message *m, msg_error *err);

/* Builds a page from the first `count` rows and `next_cursor` (may be NULL),
 * in one block freed by msg_page_free. */
int msg__page_build(msg_page **out, const msg_backend_rows *rows, size_t count,
                    const char *next_cursor, msg_error *err);

#endif
