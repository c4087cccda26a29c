/*
 * The route table and dispatch: method + path template -> handler, 404 for
 * unknown paths, 405 with Allow for known paths and another method.
 */
#ifndef MSG_SERVER_ROUTES_H
#define MSG_SERVER_ROUTES_H

#include <civetweb.h>

/* The civetweb request handler for every path; `cbdata` is the server. */
int msg__routes_dispatch(struct mg_connection *conn, void *cbdata);

#endif
