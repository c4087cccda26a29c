/*
 * The connection pool of a store. Calls borrow a connection for their whole
 * duration and give it back, so one connection is never used by two threads.
 */
#ifndef MSG_SRC_POOL_H
#define MSG_SRC_POOL_H

#include "store.h"

#include <time.h>

/* Sets up an empty pool of at most `size` connections. MSG_ERR_NOMEM or
 * MSG_ERR_INTERNAL (pthread failure). */
int msg__pool_init(msg__pool *pool, unsigned int size, msg_error *err);

/* Borrows a connection: an idle one, a new one while fewer than `size` are
 * open, or the next one released within options.pool_timeout_ms (else
 * MSG_ERR_UNAVAILABLE). `*out` is NULL for backends without connections. */
int msg__pool_acquire(msg_store *store, msg_backend_conn **out, msg_error *err);

/* Gives a connection back. `status` is what the call on it returned: after
 * MSG_ERR_UNAVAILABLE the connection is presumed broken and is closed, so the
 * next call opens a fresh one (this is how a store recovers from an outage). */
void msg__pool_release(msg_store *store, msg_backend_conn *conn, int status);

/* The deadline `ms` milliseconds after `now` (a CLOCK_MONOTONIC time with
 * tv_nsec in 0..999999999), normalised the same way. */
struct timespec msg__pool_deadline(struct timespec now, unsigned int ms);

/* Closes every idle connection and frees the pool. All must be released. */
void msg__pool_destroy(msg_store *store);

#endif
