/*
 * Backend method wrappers (SQLite's os.c, libgit2's odb.c): version and NULL
 * checks, error accounting, and the guarantee that a backend which returns a
 * failure without filling the error record still yields a useful message.
 */
#include "backend_call.h"

/* Members present since version 1 of the vtable; later members will name
 * their own version here. */
#define HAS_METHOD(backend, member, since) ((backend)->version >= (since) && (backend)->member)

static int account(msg_store *store, int rc, msg_error *err, const char *what) {
  if (rc == MSG_OK)
    return rc;
  if (err && err->message[0] == '\0')
    msg_error_set(err, rc, NULL, "%s backend failed to %s: %s", store->scheme, what,
                  msg_status_str(rc));
  if (rc == MSG_ERR_UNAVAILABLE)
    atomic_fetch_add(&store->errors_unavailable, 1);
  else if (rc == MSG_ERR_INTERNAL)
    atomic_fetch_add(&store->errors_internal, 1);
  return rc;
}

static int unsupported(msg_store *store, msg_error *err, const char *what) {
  return msg_error_set(err, MSG_ERR_UNSUPPORTED, NULL, "the %s backend cannot %s", store->scheme,
                       what);
}

static void clear(msg_error *err) {
  if (err)
    err->message[0] = '\0';
}

int msg__call_has_connections(const msg_backend *backend) {
  return HAS_METHOD(backend, connect, 1) && HAS_METHOD(backend, disconnect, 1);
}

int msg__call_connect(msg_store *store, msg_backend_conn **out, msg_error *err) {
  *out = NULL;
  if (!msg__call_has_connections(store->backend))
    return MSG_OK;
  clear(err);
  int rc = store->backend->connect(store->backend, out, err);
  if (rc != MSG_OK)
    *out = NULL;
  return account(store, rc, err, "connect");
}

void msg__call_disconnect(msg_store *store, msg_backend_conn *conn) {
  if (conn && msg__call_has_connections(store->backend))
    store->backend->disconnect(store->backend, conn);
}

int msg__call_migrate(msg_store *store, msg_backend_conn *conn, msg_error *err) {
  if (!HAS_METHOD(store->backend, migrate, 1))
    return MSG_OK; /* a backend without a schema has nothing to migrate */
  clear(err);
  return account(store, store->backend->migrate(store->backend, conn, err), err, "migrate");
}

int msg__call_insert(msg_store *store, msg_backend_conn *conn, const msg_backend_record *record,
                     msg_backend_rows *existing, msg_error *err) {
  if (!HAS_METHOD(store->backend, insert, 1))
    return unsupported(store, err, "store messages");
  clear(err);
  int rc = store->backend->insert(store->backend, conn, record, existing, err);
  /* A conflict is the idempotency contract, not a failure of the backend. */
  return rc == MSG_ERR_CONFLICT ? rc : account(store, rc, err, "insert");
}

int msg__call_query(msg_store *store, msg_backend_conn *conn, const msg_backend_query *query,
                    msg_backend_rows *rows, msg_error *err) {
  if (!HAS_METHOD(store->backend, query, 1))
    return unsupported(store, err, "query messages");
  clear(err);
  return account(store, store->backend->query(store->backend, conn, query, rows, err), err,
                 "query");
}

int msg__call_ping(msg_store *store, msg_backend_conn *conn, msg_error *err) {
  if (!HAS_METHOD(store->backend, ping, 1))
    return MSG_OK; /* no ping: the pool's connect is the only proof we have */
  clear(err);
  return account(store, store->backend->ping(store->backend, conn, err), err, "ping");
}

void msg__call_free(msg_backend *backend) {
  if (backend && backend->free)
    backend->free(backend);
}
