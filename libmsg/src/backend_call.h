/*
 * One wrapper per backend method: the only place the core calls a backend.
 * Each checks that the backend's version has the method and that it is set
 * (otherwise MSG_ERR_UNSUPPORTED), and counts failures for the store's stats.
 */
#ifndef MSG_SRC_BACKEND_CALL_H
#define MSG_SRC_BACKEND_CALL_H

#include "store.h"

/* True when the backend keeps connections (has `connect`). */
int msg__call_has_connections(const msg_backend *backend);
int msg__call_connect(msg_store *store, msg_backend_conn **out, msg_error *err);
void msg__call_disconnect(msg_store *store, msg_backend_conn *conn);
int msg__call_migrate(msg_store *store, msg_backend_conn *conn, msg_error *err);
int msg__call_insert(msg_store *store, msg_backend_conn *conn, const msg_backend_record *record,
                     msg_backend_rows *existing, msg_error *err);
/* Fills query->conditions, then refuses (MSG_ERR_UNSUPPORTED, naming the
 * condition) a query with one the backend does not declare in `supports`. */
int msg__call_query(msg_store *store, msg_backend_conn *conn, msg_backend_query *query,
                    msg_backend_rows *rows, msg_error *err);
int msg__call_ping(msg_store *store, msg_backend_conn *conn, msg_error *err);
void msg__call_free(msg_backend *backend);

#endif
