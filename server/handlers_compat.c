/*
 * The routes of the service msg-server replaces, kept so that its clients
 * work unchanged. They answer the old shapes (a bare message, bare arrays)
 * and are lenient where the old service was: unknown JSON members and query
 * parameters are ignored, and POST /v1/create accepts a body without a
 * Content-Type. Arrays hold at most COMPAT_ARRAY_MAX messages, newest first,
 * since these routes have no pagination.
 */
#include "handlers.h"

#include "auth.h"

#include "json.h"
#include "metrics.h"
#include "params.h"
#include "problem.h"
#include "read_store.h"

#include <string.h>

/* The cap on the bare arrays; documented in openapi.json. */
#define COMPAT_ARRAY_MAX MSG_LIMIT_MAX

void msg__compat_root(request_ctx *req) {
  static const char body[] = "{\"message\":\"Service is running properly\"}";
  msg__http_respond(req, 200, "application/json", NULL, body, sizeof body - 1);
}

void msg__compat_create(request_ctx *req) {
  cJSON *body = msg__http_read_json(req, 1);
  if (!body)
    return;
  msg_new_message in = {0};
  int64_t account_id = 0;
  int present;
  const char *bad = NULL, *rule = NULL;
  if (msg__json_get_integer(body, "account_id", &account_id, &present) != 0)
    bad = "account_id", rule = "an integer";
  else if (msg__json_get_string(body, "sender_number", 0, &in.sender_number) != 0)
    bad = "sender_number", rule = "a string";
  else if (msg__json_get_string(body, "receiver_number", 0, &in.receiver_number) != 0)
    bad = "receiver_number", rule = "a string";
  else if (msg__json_get_string(body, "body", 1, &in.body) != 0)
    bad = "body", rule = "a string or null";
  if (bad) {
    msg__problem_send(req, 422, bad, NULL, "%s must be %s", bad, rule);
  } else if (present && msg__auth_require_account(req, account_id, "account_id") != 0) {
    /* 403 sent; without an account_id the library names the missing field. */
  } else {
    in.account_id = account_id;
    msg_message *m;
    msg_error err;
    int rc = msg_message_create(&m, NULL, req->srv->store, &in, &err);
    if (rc == MSG_OK) {
      msg__metrics_count_created();
      msg__http_respond_json(req, 200, msg__json_message(m), NULL);
      msg_message_free(m);
    } else {
      msg__problem_from_store(req, rc, &err);
    }
  }
  cJSON_Delete(body);
}

static void respond_array(request_ctx *req, int rc, msg_page *page, const msg_error *err) {
  if (rc != MSG_OK) {
    msg__problem_from_store(req, rc, err);
    return;
  }
  msg__http_respond_json(req, 200, msg__json_message_array(page), NULL);
  msg_page_free(page);
}

void msg__compat_list(request_ctx *req) {
  int64_t account_id;
  if (msg__params_integer(req->params[0], &account_id) != 0) {
    msg__problem_send(req, 422, "account_id", NULL, "account_id must be an integer");
    return;
  }
  read_target target;
  if (msg__auth_require_account(req, account_id, "account_id") != 0 ||
      msg__read_target(req, &target) != 0)
    return;
  msg_page_request page = {COMPAT_ARRAY_MAX, NULL};
  msg_page *result = NULL;
  msg_error err;
  int rc = msg__read_list(&target, &result, account_id, &page, &err);
  respond_array(req, rc, result, &err);
}

void msg__compat_search(request_ctx *req) {
  query q = {0};
  search_params sp = {.filter = MSG_FILTER_INIT};
  int64_t own_account;
  read_target target;
  if (msg__params_query(req, &q, NULL) == 0 && msg__params_search(req, &q, &sp) == 0 &&
      msg__auth_scope_filter(req, &sp.filter, &own_account) == 0 &&
      msg__read_target(req, &target) == 0) {
    msg_page_request page = {COMPAT_ARRAY_MAX, NULL};
    msg_page *result = NULL;
    msg_error err;
    int rc = msg__read_search(&target, &result, &sp.filter, &page, &err);
    respond_array(req, rc, result, &err);
  }
  msg__params_search_free(&sp);
  msg__query_free(&q);
}
