/*
 * Request parameters the handlers share: integers from paths and queries,
 * the page request (limit, cursor) and the search filter. Each reader
 * checks only form (is it an integer, a date-time, given once); the library
 * judges values and names the field when one is wrong.
 */
#ifndef MSG_SERVER_PARAMS_H
#define MSG_SERVER_PARAMS_H

#include "http.h"
#include "query.h"

#include <msg/msg.h>

/* Parses an optionally signed decimal integer. Values beyond int64 are
 * clamped (the library then refuses them with its range rule). 0 on
 * success, -1 when `text` is not an integer. */
int msg__params_integer(const char *text, int64_t *out);

/* Parses the query string of `req` into `q`. When `allowed` is not NULL, a
 * parameter outside it is refused. On failure sends 400 and returns -1;
 * free `q` with msg__query_free either way. */
int msg__params_query(request_ctx *req, query *q, const char *const *allowed);

/* Reads "limit" and "cursor" from `q` into `page`. Sends the problem and
 * returns -1 on failure. `page->cursor` points into `q`. */
int msg__params_page(request_ctx *req, const query *q, msg_page_request *page);

/* A search filter and the arrays it points to. */
typedef struct search_params {
  msg_filter filter;
  int64_t *account_ids;
  const char **message_ids, **sender_numbers, **receiver_numbers;
} search_params;

/* Reads the filter parameters (account_id, message_id, sender_number,
 * receiver_number: repeated and/or comma-separated; created_after,
 * created_before: RFC 3339; q) from `q`. Sends the problem and returns -1 on
 * failure. Strings point into `q`. Free with msg__params_search_free either
 * way. */
int msg__params_search(request_ctx *req, query *q, search_params *out);
void msg__params_search_free(search_params *sp);

#endif
