/*
 * What civetweb calls besides the request handler: connection accounting
 * (which the drain waits on), its own error responses turned into problem
 * details with the right status (431, 408), and its log lines.
 */
#ifndef MSG_SERVER_LISTENER_H
#define MSG_SERVER_LISTENER_H

#include <civetweb.h>

/* Sets the connection, error and log callbacks in `cb`. The context's user
 * data must be the server. */
void msg__listener_callbacks(struct mg_callbacks *cb);

/* Connections a worker has taken and not yet closed (idle keep-alive ones
 * included). */
int msg__listener_open_connections(void);

/* Records that a request on `conn` finished: the keep-alive idle time, and
 * so the timeout that applies to the next request, starts now. */
void msg__listener_request_done(const struct mg_connection *conn);

#endif
