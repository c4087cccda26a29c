/*
 * Turning query parameters into a libmsg search filter and page request,
 * shared by the v1 search route and the compatibility search route.
 */
#ifndef MSG_SERVER_FILTER_H
#define MSG_SERVER_FILTER_H

#include "http.h"
#include "query.h"

typedef struct search_params {
  query query;
  msg_filter filter;
  msg_page_request page;
  int64_t *account_ids;
  const char **message_ids;
  const char **senders;
  const char **receivers;
} search_params;

/* Parses the query string of `req`, accepting only `allowed` parameters
 * (NULL-terminated). Returns 0, or -1 after sending the error response.
 * Always call search_params_free afterwards. */
int search_params_parse(search_params *out, request_ctx *req, const char *const *allowed);
void search_params_free(search_params *p);

/* Parses only limit and cursor (the list route). */
int page_params_parse(search_params *out, request_ctx *req);

#endif
