/*
 * Rows as a baseline hands them to its caller (impl.c): every string copied
 * out of the database driver's buffers, which are only valid until the next
 * step or PQclear.
 */
#ifndef MSG_BENCH_ROWS_COPY_H
#define MSG_BENCH_ROWS_COPY_H

#include "impl.h"

#include <stdint.h>

typedef struct bench_row {
  const char *message_id;
  int64_t account_id;
  const char *sender;
  const char *receiver;
  const char *body; /* NULL: no body */
  int64_t created_at;
} bench_row;

typedef struct bench_rows {
  bench_row *items;
  size_t count, capacity;
} bench_rows;

/* Copies `row` (every string) to the end of `rows`. 0, or -1 when out of
 * memory. */
int msg__rows_copy_push(bench_rows *rows, const bench_row *row);
/* Describes the first `limit` rows as a page; a row beyond them means there
 * is a next page. */
void msg__rows_copy_page(const bench_rows *rows, size_t limit, bench_page *out);
void msg__rows_copy_free(bench_rows *rows);

#endif
