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

/* Why reading the page or the filter failed. The readers below return it
 * instead of sending a response, so that they need no request (the fuzz
 * harness in tests/fuzz drives them directly); msg__params_problem_send
 * turns it into the response. */
typedef enum params_problem_kind {
  PARAMS_REPEATED,    /* 400: a single-valued parameter is given more than once */
  PARAMS_BAD_LIMIT,   /* 422: limit is not an integer */
  PARAMS_BAD_INTEGER, /* 422: an account_id is not an integer */
  PARAMS_BAD_TIME,    /* 422: created_after/created_before is not RFC 3339 */
  PARAMS_NOMEM        /* 500 */
} params_problem_kind;

typedef struct params_problem {
  params_problem_kind kind;
  const char *field; /* the parameter (static storage); NULL for PARAMS_NOMEM */
} params_problem;

/* Sends the response for `p`. */
void msg__params_problem_send(request_ctx *req, const params_problem *p);

/* Reads "limit" and "cursor" from `q` into `page`: 0, or -1 with *problem
 * set. `page->cursor` points into `q`. */
int msg__params_page_read(const query *q, msg_page_request *page, params_problem *problem);

/* msg__params_page_read, sending the problem on failure (-1). */
int msg__params_page(request_ctx *req, const query *q, msg_page_request *page);

/* A search filter and the arrays it points to. */
typedef struct search_params {
  msg_filter filter;
  int64_t *account_ids;
  const char **message_ids, **sender_numbers, **receiver_numbers;
} search_params;

/* Reads the filter parameters (account_id, message_id, sender_number,
 * receiver_number: repeated and/or comma-separated; created_after,
 * created_before: RFC 3339; q) from `q`: 0, or -1 with *problem set (the
 * first problem in that order). Strings point into `q`, whose values are
 * split in place (read once per query). Free with msg__params_search_free
 * either way. */
int msg__params_search_read(query *q, search_params *out, params_problem *problem);

/* msg__params_search_read, sending the problem on failure (-1). */
int msg__params_search(request_ctx *req, query *q, search_params *out);
void msg__params_search_free(search_params *sp);

#endif
