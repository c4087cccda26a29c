/*
 * Prometheus metrics: HTTP requests by method, route template and status;
 * messages created; the store's pool and error counters; build and process
 * information.
 */
#ifndef MSG_SERVER_METRICS_H
#define MSG_SERVER_METRICS_H

#include <msg/msg.h>

#include <stddef.h>

/* Records one finished request. `route` is a route template (never a raw
 * path) or "unmatched"; it must be a string with static storage. */
void metrics_observe_request(const char *method, const char *route, int status, double seconds);
void metrics_count_created(void);

/* The whole exposition text (text format 0.0.4); caller frees with free().
 * NULL when out of memory. */
char *metrics_render(const msg_store *store);

#endif
