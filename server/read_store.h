/*
 * Which store serves a read. With --read-database the server holds two
 * stores: the primary (every create and idempotent replay) and a read
 * store, opened on the replicas, for get, list and search on the v1 and
 * the old-service routes. A request sends one read to the primary with the
 * header "Read-From: primary" (to read its own write); "Read-From: replica"
 * is the default. A read store that fails with MSG_ERR_UNAVAILABLE is taken
 * out for READ_STORE_RETRY_MS, during which reads go to the primary; the
 * read that met the failure is retried on the primary at once, so a dead
 * replica slows reads down but never fails them. A watcher thread (below)
 * finds a dead or recovered read store without waiting for reads.
 */
#ifndef MSG_SERVER_READ_STORE_H
#define MSG_SERVER_READ_STORE_H

#include "http.h"

#include <msg/msg.h>

/* How long a failed read store is left alone before reads try it again. */
#define READ_STORE_RETRY_MS 2000

/* One read's target, filled by msg__read_target. */
typedef struct read_target {
  request_ctx *req;
  int primary; /* the client asked for the primary */
} read_target;

/* Reads the Read-From header (absent, "primary" or "replica", any case).
 * 0 to go on; otherwise a 400 naming the header has been sent. */
int msg__read_target(request_ctx *req, read_target *out);

/* msg_message_get, _list and _search on the store `t` chooses, falling
 * back to the primary as described above; same results and ownership. */
int msg__read_get(const read_target *t, msg_message **out, const char *message_id, msg_error *err);
int msg__read_list(const read_target *t, msg_page **out, int64_t account_id,
                   const msg_page_request *page, msg_error *err);
int msg__read_search(const read_target *t, msg_page **out, const msg_filter *filter,
                     const msg_page_request *page, msg_error *err);

/* A thread that pings the read store every READ_STORE_PROBE_MS and takes it
 * out or puts it back by the answer, so that /readyz can report it without
 * waiting on it (a frozen replica would hold the probe for the whole
 * database timeout) and a recovered replica takes reads again within a
 * probe period. Start after opening the stores (does nothing without a read
 * store; 0 on success), stop before closing them (waits for a ping in
 * flight, at most the database timeout). */
#define READ_STORE_PROBE_MS 1000
int msg__read_store_watch_start(server *srv);
void msg__read_store_watch_stop(void);

/* For /metrics: reads served by each store and reads that fell back. */
typedef struct read_counts {
  unsigned long long on_primary, on_replica, fallbacks;
  int replica_up; /* 1 unless the read store is taken out now */
} read_counts;

void msg__read_counts_get(const server *srv, read_counts *out);

#endif
