/*
 * API v1: create, list, get and search messages. Handlers parse (JSON types,
 * integer forms) and map results to HTTP; every rule about values lives in
 * libmsg, which names the offending field. Unknown JSON members and query
 * parameters are refused (422 and 400) so that a misspelt optional field
 * fails loudly instead of being dropped.
 */
#include "handlers.h"

#include "auth.h"

#include "json.h"
#include "metrics.h"
#include "params.h"
#include "problem.h"
#include "read_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads the {account_id} path parameter; sends 422 when it is no integer
 * and 403 when the caller's key is for another account. */
static int path_account_id(request_ctx *req, int64_t *out) {
  if (msg__params_integer(req->params[0], out) != 0) {
    msg__problem_send(req, 422, "account_id", NULL, "account_id must be an integer");
    return -1;
  }
  return msg__auth_require_account(req, *out, "account_id");
}

static int string_member(request_ctx *req, const cJSON *body, const char *name, int nullable,
                         const char **out) {
  if (msg__json_get_string(body, name, nullable, out) != 0) {
    msg__problem_send(req, 422, name, NULL, "%s must be %s", name,
                      nullable ? "a string or null" : "a string");
    return -1;
  }
  return 0;
}

/* Sends the created (201) or replayed (200) message with its Location. */
static void send_created(request_ctx *req, const msg_message *m, bool replayed) {
  char headers[128]; /* the id is MSG_ID_LEN characters from the library */
  snprintf(headers, sizeof headers, "Location: /v1/messages/%s\r\n%s", m->message_id,
           replayed ? "Idempotent-Replayed: true\r\n" : "");
  if (!replayed)
    msg__metrics_count_created();
  msg__http_respond_json(req, replayed ? 200 : 201, msg__json_message(m), headers);
}

void msg__messages_create(request_ctx *req) {
  static const char *const members[] = {"sender_number", "receiver_number", "body", NULL};
  msg_new_message in = {0};
  if (path_account_id(req, &in.account_id) != 0)
    return;
  cJSON *body = msg__http_read_json(req, 0);
  if (!body)
    return;
  const char *unknown = msg__json_unknown_member(body, members);
  if (unknown) {
    msg__problem_send(req, 422, unknown, NULL, "unknown member '%s'", unknown);
  } else if (string_member(req, body, "sender_number", 0, &in.sender_number) == 0 &&
             string_member(req, body, "receiver_number", 0, &in.receiver_number) == 0 &&
             string_member(req, body, "body", 1, &in.body) == 0) {
    in.idempotency_key = msg__http_header(req, "Idempotency-Key");
    msg_message *m;
    bool replayed = false;
    msg_error err;
    int rc = msg_message_create(&m, &replayed, req->srv->store, &in, &err);
    if (rc == MSG_OK) {
      send_created(req, m, replayed);
      msg_message_free(m);
    } else {
      msg__problem_from_store(req, rc, &err);
    }
  }
  cJSON_Delete(body);
}

void msg__messages_list(request_ctx *req) {
  static const char *const allowed[] = {"limit", "cursor", NULL};
  int64_t account_id;
  query q = {0};
  msg_page_request page = MSG_PAGE_REQUEST_INIT;
  read_target target;
  if (path_account_id(req, &account_id) == 0 && msg__params_query(req, &q, allowed) == 0 &&
      msg__params_page(req, &q, &page) == 0 && msg__read_target(req, &target) == 0) {
    msg_page *result;
    msg_error err;
    int rc = msg__read_list(&target, &result, account_id, &page, &err);
    if (rc == MSG_OK) {
      msg__http_respond_json(req, 200, msg__json_page(result), NULL);
      msg_page_free(result);
    } else {
      msg__problem_from_store(req, rc, &err);
    }
  }
  msg__query_free(&q);
}

void msg__messages_get(request_ctx *req) {
  read_target target;
  if (msg__read_target(req, &target) != 0)
    return;
  msg_message *m;
  msg_error err;
  int rc = msg__read_get(&target, &m, req->params[0], &err);
  if (rc != MSG_OK) {
    msg__problem_from_store(req, rc, &err);
    return;
  }
  if (!msg__auth_may_see(req, m->account_id)) {
    /* Worded as the library words a missing id, with the id in the same
     * canonical (lowercase) form rather than as the client spelled it:
     * another account's ids must be indistinguishable from ids that do
     * not exist. */
    msg__problem_send(req, 404, NULL, NULL, "no message has id %s", m->message_id);
    msg_message_free(m);
    return;
  }
  msg__http_respond_json(req, 200, msg__json_message(m), NULL);
  msg_message_free(m);
}

void msg__messages_search(request_ctx *req) {
  static const char *const allowed[] = {
      "account_id",     "message_id", "sender_number", "receiver_number", "created_after",
      "created_before", "q",          "limit",         "cursor",          NULL};
  query q = {0};
  search_params sp = {.filter = MSG_FILTER_INIT};
  msg_page_request page = MSG_PAGE_REQUEST_INIT;
  int64_t own_account;
  read_target target;
  if (msg__params_query(req, &q, allowed) == 0 && msg__params_page(req, &q, &page) == 0 &&
      msg__params_search(req, &q, &sp) == 0 &&
      msg__auth_scope_filter(req, &sp.filter, &own_account) == 0 &&
      msg__read_target(req, &target) == 0) {
    msg_page *result;
    msg_error err;
    int rc = msg__read_search(&target, &result, &sp.filter, &page, &err);
    if (rc == MSG_OK) {
      msg__http_respond_json(req, 200, msg__json_page(result), NULL);
      msg_page_free(result);
    } else {
      msg__problem_from_store(req, rc, &err);
    }
  }
  msg__params_search_free(&sp);
  msg__query_free(&q);
}
