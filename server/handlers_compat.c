/*
 * Routes of the service msg-server replaces, kept so its clients work
 * unchanged. They answer with bare arrays, so they cannot paginate: each
 * returns at most COMPAT_ARRAY_MAX messages, the newest first (documented in
 * the OpenAPI description and the README). New clients use the v1 routes.
 */
#include "filter.h"
#include "json.h"
#include "routes.h"

#define COMPAT_ARRAY_MAX 1000

void handle_compat_root(request_ctx *req) {
  cJSON *o = cJSON_CreateObject();
  if (o)
    cJSON_AddStringToObject(o, "message", "Service is running properly");
  respond_json(req, 200, o, "");
}

void handle_compat_create(request_ctx *req) {
  create_message(req, 1);
}

void handle_compat_list(request_ctx *req) {
  msg_page_request page_req = {COMPAT_ARRAY_MAX, NULL};
  msg_page *page = NULL;
  msg_error err;
  int rc =
      msg_message_list(&page, req->srv->store, parse_account_id(req->params[0]), &page_req, &err);
  if (rc == MSG_OK)
    respond_json(req, 200, json_message_array(page), "");
  else
    respond_store_error(req, rc, &err);
  msg_page_free(page);
}

void handle_compat_search(request_ctx *req) {
  static const char *const allowed[] = {"message_id", "sender_number", "receiver_number", NULL};
  search_params p;
  if (search_params_parse(&p, req, allowed) == 0) {
    p.page.limit = COMPAT_ARRAY_MAX;
    msg_page *page = NULL;
    msg_error err;
    int rc = msg_message_search(&page, req->srv->store, &p.filter, &p.page, &err);
    if (rc == MSG_OK)
      respond_json(req, 200, json_message_array(page), "");
    else
      respond_store_error(req, rc, &err);
    msg_page_free(page);
  }
  search_params_free(&p);
}
