/*
 * API v1 message routes: create, list, get, search.
 */
#include "filter.h"
#include "json.h"
#include "metrics.h"
#include "routes.h"

#include <stdio.h>
#include <string.h>

/* Reads the create body's fields into `in`. Returns 0, or -1 after sending
 * the error response. `with_account` reads account_id from the body too
 * (the compatibility route). */
static int read_new_message(request_ctx *req, const cJSON *body, msg_new_message *in,
                            int with_account) {
  static const char *const v1_fields[] = {"sender_number", "receiver_number", "body", NULL};
  static const char *const compat_fields[] = {"account_id", "sender_number", "receiver_number",
                                              "body", NULL};
  const char *unknown = json_unknown_member(body, with_account ? compat_fields : v1_fields);
  if (unknown) {
    char detail[128];
    snprintf(detail, sizeof detail, "unknown member '%.64s'", unknown);
    respond_problem(req, 422, detail, unknown, "");
    return -1;
  }
  const char *field = NULL;
  if (with_account && json_get_account_id(body, "account_id", &in->account_id))
    field = "account_id";
  else if (json_get_string(body, "sender_number", 0, &in->sender_number))
    field = "sender_number";
  else if (json_get_string(body, "receiver_number", 0, &in->receiver_number))
    field = "receiver_number";
  else if (json_get_string(body, "body", 1, &in->body))
    field = "body";
  if (field) {
    char detail[96];
    snprintf(detail, sizeof detail, "%s has the wrong JSON type", field);
    respond_problem(req, 422, detail, field, "");
    return -1;
  }
  return 0;
}

void create_message(request_ctx *req, int compat) {
  cJSON *body = read_json_body(req);
  if (!body)
    return;
  msg_new_message in = {0};
  if (!compat)
    in.account_id = parse_account_id(req->params[0]);
  if (read_new_message(req, body, &in, compat) != 0) {
    cJSON_Delete(body);
    return;
  }
  in.idempotency_key = request_header(req, "Idempotency-Key");
  msg_message *m = NULL;
  bool replayed = false;
  msg_error err;
  int rc = msg_message_create(&m, &replayed, req->srv->store, &in, &err);
  cJSON_Delete(body);
  if (rc != MSG_OK) {
    respond_store_error(req, rc, &err);
    return;
  }
  if (!replayed)
    metrics_count_created();
  char headers[160];
  if (replayed)
    snprintf(headers, sizeof headers, "Location: /v1/messages/%s\r\nIdempotent-Replayed: true\r\n",
             m->message_id);
  else
    snprintf(headers, sizeof headers, "Location: /v1/messages/%s\r\n", m->message_id);
  int status = compat || replayed ? 200 : 201;
  respond_json(req, status, json_message(m), headers);
  msg_message_free(m);
}

void handle_create(request_ctx *req) {
  create_message(req, 0);
}

void handle_list(request_ctx *req) {
  search_params p;
  if (page_params_parse(&p, req) == 0) {
    msg_page *page = NULL;
    msg_error err;
    int rc = msg_message_list(&page, req->srv->store, parse_account_id(req->params[0]), &p.page,
                              &err);
    if (rc == MSG_OK)
      respond_json(req, 200, json_page(page), "");
    else
      respond_store_error(req, rc, &err);
    msg_page_free(page);
  }
  search_params_free(&p);
}

void handle_get(request_ctx *req) {
  msg_message *m = NULL;
  msg_error err;
  int rc = msg_message_get(&m, req->srv->store, req->params[0], &err);
  if (rc == MSG_OK)
    respond_json(req, 200, json_message(m), "");
  else
    respond_store_error(req, rc, &err);
  msg_message_free(m);
}

void handle_search(request_ctx *req) {
  static const char *const allowed[] = {"account_id", "message_id", "sender_number",
                                        "receiver_number", "created_after", "created_before",
                                        "q", "limit", "cursor", NULL};
  search_params p;
  if (search_params_parse(&p, req, allowed) == 0) {
    msg_page *page = NULL;
    msg_error err;
    int rc = msg_message_search(&page, req->srv->store, &p.filter, &p.page, &err);
    if (rc == MSG_OK)
      respond_json(req, 200, json_page(page), "");
    else
      respond_store_error(req, rc, &err);
    msg_page_free(page);
  }
  search_params_free(&p);
}
