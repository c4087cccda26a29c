/*
 * Reading parameters. Form errors of the query string itself (bad escapes,
 * unknown or repeated parameters) are 400; a value of the wrong form for its
 * field (limit=ten) is 422 naming the field, like a JSON member of the wrong
 * type.
 */
#include "params.h"

#include "problem.h"

#include <stdlib.h>
#include <string.h>

int msg__params_integer(const char *text, int64_t *out) {
  const char *p = text;
  int negative = *p == '-';
  if (*p == '-' || *p == '+')
    p++;
  if (*p == '\0')
    return -1;
  int64_t v = 0;
  for (; *p; p++) {
    if (*p < '0' || *p > '9')
      return -1;
    int digit = *p - '0';
    v = v > (INT64_MAX - digit) / 10 ? INT64_MAX : v * 10 + digit;
  }
  *out = negative ? -v : v;
  return 0;
}

int msg__params_query(request_ctx *req, query *q, const char *const *allowed) {
  const char *why = NULL;
  query_status st = msg__query_parse(q, req->info->query_string, &why);
  if (st == QUERY_NOMEM) {
    msg__http_set_cause(req, "out of memory while parsing the query string");
    msg__problem_send(req, 500, NULL, NULL, "the server ran out of memory");
    return -1;
  }
  if (st != QUERY_OK) {
    msg__problem_send(req, 400, NULL, NULL, "the query string is malformed: %s", why);
    return -1;
  }
  const char *unknown = allowed ? msg__query_unknown_key(q, allowed) : NULL;
  if (unknown) {
    msg__problem_send(req, 400, unknown, NULL, "unknown query parameter '%s'", unknown);
    return -1;
  }
  return 0;
}

void msg__params_problem_send(request_ctx *req, const params_problem *p) {
  switch (p->kind) {
  case PARAMS_REPEATED:
    msg__problem_send(req, 400, p->field, NULL, "the query parameter '%s' must be given once",
                      p->field);
    return;
  case PARAMS_BAD_LIMIT:
    msg__problem_send(req, 422, p->field, NULL, "limit must be an integer from %d to %d",
                      MSG_LIMIT_MIN, MSG_LIMIT_MAX);
    return;
  case PARAMS_BAD_INTEGER:
    msg__problem_send(req, 422, p->field, NULL, "%s must be an integer", p->field);
    return;
  case PARAMS_BAD_TIME:
    msg__problem_send(req, 422, p->field, NULL,
                      "%s must be an RFC 3339 date-time such as 2026-11-28T22:05:26Z", p->field);
    return;
  case PARAMS_NOMEM:
    break;
  }
  msg__http_set_cause(req, "out of memory while reading the query");
  msg__problem_send(req, 500, NULL, NULL, "the server ran out of memory");
}

static int problem(params_problem *p, params_problem_kind kind, const char *field) {
  *p = (params_problem){kind, field};
  return -1;
}

/* The value of a parameter that may appear once, or NULL. Records the
 * first repeated one in *p and sets *failed. */
static const char *single(const query *q, const char *key, params_problem *p, int *failed) {
  int repeated;
  const char *v = msg__query_single(q, key, &repeated);
  if (repeated && !*failed) {
    problem(p, PARAMS_REPEATED, key);
    *failed = 1;
  }
  return v;
}

int msg__params_page_read(const query *q, msg_page_request *page, params_problem *p) {
  int failed = 0;
  const char *limit = single(q, "limit", p, &failed);
  const char *cursor = single(q, "cursor", p, &failed);
  if (failed)
    return -1;
  if (limit && msg__params_integer(limit, &page->limit) != 0)
    return problem(p, PARAMS_BAD_LIMIT, "limit");
  page->cursor = cursor;
  return 0;
}

int msg__params_page(request_ctx *req, const query *q, msg_page_request *page) {
  params_problem p;
  if (msg__params_page_read(q, page, &p) != 0) {
    msg__params_problem_send(req, &p);
    return -1;
  }
  return 0;
}

static int time_bound(const char *text, const char *field, bool *has, int64_t *out,
                      params_problem *p) {
  if (!text)
    return 0;
  if (msg_time_parse(out, text, NULL) != MSG_OK)
    return problem(p, PARAMS_BAD_TIME, field);
  *has = true;
  return 0;
}

int msg__params_search_read(query *q, search_params *out, params_problem *p) {
  *out = (search_params){.filter = MSG_FILTER_INIT};
  msg_filter *f = &out->filter;
  int failed = 0;
  const char *after = single(q, "created_after", p, &failed);
  const char *before = single(q, "created_before", p, &failed);
  f->q = single(q, "q", p, &failed);
  if (failed)
    return -1;
  if (time_bound(after, "created_after", &f->has_created_after, &f->created_after, p) ||
      time_bound(before, "created_before", &f->has_created_before, &f->created_before, p))
    return -1;

  const char **ids;
  size_t n;
  if (msg__query_multi(q, "account_id", &ids, &n) != QUERY_OK)
    return problem(p, PARAMS_NOMEM, NULL);
  if (n > 0) {
    out->account_ids = malloc(n * sizeof *out->account_ids);
    if (!out->account_ids) {
      free(ids);
      return problem(p, PARAMS_NOMEM, NULL);
    }
    for (size_t i = 0; i < n; i++) {
      if (msg__params_integer(ids[i], &out->account_ids[i]) != 0) {
        free(ids);
        return problem(p, PARAMS_BAD_INTEGER, "account_id");
      }
    }
  }
  free(ids);
  f->account_ids = out->account_ids;
  f->account_id_count = n;

  if (msg__query_multi(q, "message_id", &out->message_ids, &f->message_id_count) != QUERY_OK ||
      msg__query_multi(q, "sender_number", &out->sender_numbers, &f->sender_number_count) !=
          QUERY_OK ||
      msg__query_multi(q, "receiver_number", &out->receiver_numbers, &f->receiver_number_count) !=
          QUERY_OK)
    return problem(p, PARAMS_NOMEM, NULL);
  f->message_ids = out->message_ids;
  f->sender_numbers = out->sender_numbers;
  f->receiver_numbers = out->receiver_numbers;
  return 0;
}

int msg__params_search(request_ctx *req, query *q, search_params *out) {
  params_problem p;
  if (msg__params_search_read(q, out, &p) != 0) {
    msg__params_problem_send(req, &p);
    return -1;
  }
  return 0;
}

void msg__params_search_free(search_params *sp) {
  free(sp->account_ids);
  free(sp->message_ids);
  free(sp->sender_numbers);
  free(sp->receiver_numbers);
  *sp = (search_params){.filter = MSG_FILTER_INIT};
}
