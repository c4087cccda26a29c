/*
 * Route handlers, one file per family: handlers_messages.c (API v1),
 * handlers_compat.c (the routes of the service this one replaces) and
 * handlers_ops.c (probes, metrics, the OpenAPI description and its page).
 * Each sends exactly one response through http.h or problem.h.
 */
#ifndef MSG_SERVER_HANDLERS_H
#define MSG_SERVER_HANDLERS_H

#include "http.h"

void msg__messages_create(request_ctx *req);
void msg__messages_list(request_ctx *req);
void msg__messages_get(request_ctx *req);
void msg__messages_search(request_ctx *req);

void msg__compat_root(request_ctx *req);
void msg__compat_create(request_ctx *req);
void msg__compat_list(request_ctx *req);
void msg__compat_search(request_ctx *req);

void msg__ops_healthz(request_ctx *req);
void msg__ops_readyz(request_ctx *req);
void msg__ops_metrics(request_ctx *req);
void msg__ops_openapi(request_ctx *req);
void msg__ops_docs(request_ctx *req);

#endif
