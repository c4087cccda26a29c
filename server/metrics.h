/*
 * Prometheus metrics: HTTP requests by method, route template and status;
 * messages created; the store's pool and error counters; build and process
 * information.
 */
#ifndef MSG_SERVER_METRICS_H
#define MSG_SERVER_METRICS_H

#include "http.h"

#include <msg/msg.h>

#include <stddef.h>

/* Records one finished request. `route` is a route template (never a raw
 * path) or "unmatched" and must have static storage; `method` may be NULL
 * (a request civetweb could not parse). */
void msg__metrics_observe_request(const char *method, const char *route, int status,
                                  double seconds);
void msg__metrics_count_created(void);

/* The whole exposition text (text format 0.0.4); caller frees with free().
 * NULL when out of memory. */
/* The exposition text (caller frees), NULL when out of memory. The msg_db_*
 * series describe the primary store; with a read store, msg_read_db_* the
 * same figures for it, and msg_reads_total where reads went. */
char *msg__metrics_render(const server *srv, int open_connections);

#endif
