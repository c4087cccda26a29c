/*
 * The route table and dispatch: method + path template -> handler, 404 for
 * unknown paths and 405 with Allow for known paths with another method.
 */
#ifndef MSG_SERVER_ROUTES_H
#define MSG_SERVER_ROUTES_H

#include "http.h"

/* The civetweb request handler for every path; `cbdata` is the server. */
int routes_dispatch(struct mg_connection *conn, void *cbdata);

/* Creates a message from the request body: the v1 route (account from the
 * path, 201) and the compatibility route (account in the body, 200). */
void create_message(request_ctx *req, int compat);

/* Handlers (handlers_*.c). */
void handle_create(request_ctx *req);
void handle_list(request_ctx *req);
void handle_get(request_ctx *req);
void handle_search(request_ctx *req);
void handle_compat_root(request_ctx *req);
void handle_compat_create(request_ctx *req);
void handle_compat_list(request_ctx *req);
void handle_compat_search(request_ctx *req);
void handle_healthz(request_ctx *req);
void handle_readyz(request_ctx *req);
void handle_metrics(request_ctx *req);
void handle_openapi(request_ctx *req);
void handle_docs(request_ctx *req);

#endif
