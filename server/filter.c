/*
 * Query parameters -> filter. Only syntax is checked here (a parameter the
 * route does not know, one given twice that takes one value, a bad escape:
 * 400); field rules (ranges, formats, set sizes) are the library's, which
 * names the field in its error (422). Values that cannot even be read as the
 * right type (limit=abc) are passed on as an out-of-range value so the
 * library's rule text is what the client sees.
 */
#include "filter.h"

#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void search_params_free(search_params *p) {
  query_free(&p->query);
  free(p->account_ids);
  free(p->message_ids);
  free(p->senders);
  free(p->receivers);
  *p = (search_params){0};
}

static int fail_nomem(request_ctx *req) {
  respond_problem(req, 503, "the server is short of memory; retry later", NULL,
                  "Retry-After: 1\r\n");
  return -1;
}

static int parse_query(search_params *out, request_ctx *req, const char *const *allowed) {
  *out = (search_params){0};
  out->filter = (msg_filter)MSG_FILTER_INIT;
  out->page = (msg_page_request)MSG_PAGE_REQUEST_INIT;
  const char *error = NULL;
  query_status st = query_parse(&out->query, req->info->query_string, &error);
  if (st == QUERY_NOMEM)
    return fail_nomem(req);
  if (st != QUERY_OK) {
    respond_problem(req, 400, error, NULL, "");
    return -1;
  }
  const char *unknown = query_unknown_key(&out->query, allowed);
  if (unknown) {
    char detail[160];
    snprintf(detail, sizeof detail, "unknown query parameter '%.64s'", unknown);
    respond_problem(req, 400, detail, NULL, "");
    return -1;
  }
  return 0;
}

/* A parameter that takes one value; sends 400 when repeated. */
static int single(search_params *p, request_ctx *req, const char *key, const char **out) {
  int repeated;
  *out = query_single(&p->query, key, &repeated);
  if (repeated) {
    char detail[96];
    snprintf(detail, sizeof detail, "%s may be given only once", key);
    respond_problem(req, 400, detail, key, "");
    return -1;
  }
  return 0;
}

static int64_t parse_limit(const char *text) {
  if (!*text || strlen(text) > 9 || strspn(text, "0123456789") != strlen(text))
    return -1;
  return strtoll(text, NULL, 10);
}

static int page_part(search_params *p, request_ctx *req) {
  const char *limit, *cursor;
  if (single(p, req, "limit", &limit) || single(p, req, "cursor", &cursor))
    return -1;
  if (limit)
    p->page.limit = parse_limit(limit);
  p->page.cursor = cursor;
  return 0;
}

int page_params_parse(search_params *out, request_ctx *req) {
  static const char *const allowed[] = {"limit", "cursor", NULL};
  if (parse_query(out, req, allowed))
    return -1;
  return page_part(out, req);
}

static int time_bound(search_params *p, request_ctx *req, const char *key, bool *has,
                      int64_t *value) {
  const char *text;
  if (single(p, req, key, &text))
    return -1;
  if (!text)
    return 0;
  if (msg_time_parse(value, text, NULL) != MSG_OK) {
    char detail[128];
    snprintf(detail, sizeof detail,
             "%s must be an RFC 3339 time such as 2026-11-28T22:05:26.123456Z", key);
    respond_problem(req, 422, detail, key, "");
    return -1;
  }
  *has = true;
  return 0;
}

int search_params_parse(search_params *out, request_ctx *req, const char *const *allowed) {
  if (parse_query(out, req, allowed))
    return -1;
  msg_filter *f = &out->filter;
  const char **accounts;
  size_t account_count;
  if (query_multi(&out->query, "account_id", &accounts, &account_count) ||
      query_multi(&out->query, "message_id", &out->message_ids, &f->message_id_count) ||
      query_multi(&out->query, "sender_number", &out->senders, &f->sender_number_count) ||
      query_multi(&out->query, "receiver_number", &out->receivers, &f->receiver_number_count))
    return fail_nomem(req);
  if (account_count) {
    out->account_ids = malloc(account_count * sizeof *out->account_ids);
    if (!out->account_ids) {
      free(accounts);
      return fail_nomem(req);
    }
    for (size_t i = 0; i < account_count; i++)
      out->account_ids[i] = parse_account_id(accounts[i]);
  }
  free(accounts);
  f->account_ids = out->account_ids;
  f->account_id_count = account_count;
  f->message_ids = out->message_ids;
  f->sender_numbers = out->senders;
  f->receiver_numbers = out->receivers;
  if (time_bound(out, req, "created_after", &f->has_created_after, &f->created_after) ||
      time_bound(out, req, "created_before", &f->has_created_before, &f->created_before) ||
      single(out, req, "q", &f->q))
    return -1;
  return page_part(out, req);
}
