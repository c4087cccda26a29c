/*
 * Backend method wrappers (SQLite's os.c, libgit2's odb.c): version and NULL
 * checks, error accounting, and the guarantee that a backend which returns a
 * failure without filling the error record still yields a useful message.
 */
#include "backend_call.h"

#include "conditions.h"

/* Members present since version 1 of the vtable; later members will name
 * their own version here. */
#define HAS_METHOD(backend, member, since) ((backend)->version >= (since) && (backend)->member)

/*
 * A backend writes its error detail into a scratch record, copied to the
 * caller's only on failure: msg.h promises that a successful call leaves the
 * caller's record untouched, and an idempotent replay starts as a backend
 * conflict that the core turns into success.
 */
static int account(msg_store *store, int rc, const msg_error *scratch, msg_error *err,
                   const char *what) {
  if (rc == MSG_OK)
    return rc;
  if (rc == MSG_ERR_UNAVAILABLE)
    atomic_fetch_add(&store->errors_unavailable, 1);
  else if (rc == MSG_ERR_INTERNAL)
    atomic_fetch_add(&store->errors_internal, 1);
  if (!err)
    return rc;
  if (scratch->message[0] == '\0')
    return msg_error_set(err, rc, NULL, "the %s backend failed to %s: %s", store->scheme, what,
                         msg_status_str(rc));
  *err = *scratch;
  err->status = (msg_status)rc;
  return rc;
}

static int unsupported(msg_store *store, msg_error *err, const char *what) {
  return msg_error_set(err, MSG_ERR_UNSUPPORTED, NULL, "the %s backend cannot %s", store->scheme,
                       what);
}

int msg__call_has_connections(const msg_backend *backend) {
  return HAS_METHOD(backend, connect, 1) && HAS_METHOD(backend, disconnect, 1);
}

int msg__call_connect(msg_store *store, msg_backend_conn **out, msg_error *err) {
  *out = NULL;
  if (!msg__call_has_connections(store->backend))
    return MSG_OK;
  msg_error scratch = {0};
  int rc = store->backend->connect(store->backend, out, &scratch);
  if (rc != MSG_OK)
    *out = NULL;
  return account(store, rc, &scratch, err, "connect");
}

void msg__call_disconnect(msg_store *store, msg_backend_conn *conn) {
  if (conn && msg__call_has_connections(store->backend))
    store->backend->disconnect(store->backend, conn);
}

int msg__call_migrate(msg_store *store, msg_backend_conn *conn, msg_error *err) {
  if (!HAS_METHOD(store->backend, migrate, 1))
    return MSG_OK; /* a backend without a schema has nothing to migrate */
  msg_error scratch = {0};
  int rc = store->backend->migrate(store->backend, conn, &scratch);
  return account(store, rc, &scratch, err, "migrate");
}

int msg__call_insert(msg_store *store, msg_backend_conn *conn, const msg_backend_record *record,
                     msg_backend_rows *existing, msg_error *err) {
  if (!HAS_METHOD(store->backend, insert, 1))
    return unsupported(store, err, "store messages");
  msg_error scratch = {0};
  int rc = store->backend->insert(store->backend, conn, record, existing, &scratch);
  /* A conflict is the idempotency contract, not a failure of the backend:
   * the core decides between replay and conflict and says which itself. */
  return rc == MSG_ERR_CONFLICT ? rc : account(store, rc, &scratch, err, "insert");
}

/* Refuses the lowest condition of `missing` (a stable answer), naming the
 * filter field it comes from in the message and in err->field. */
static int refuse_condition(msg_store *store, uint32_t missing, msg_error *err) {
  uint32_t bit = missing & (~missing + 1u);
  return msg_error_set(err, MSG_ERR_UNSUPPORTED, msg__condition_field(bit),
                       "the %s backend cannot query messages by %s%s", store->scheme,
                       msg__condition_field(bit), msg__condition_detail(bit));
}

int msg__call_query(msg_store *store, msg_backend_conn *conn, msg_backend_query *query,
                    msg_backend_rows *rows, msg_error *err) {
  if (!HAS_METHOD(store->backend, query, 1))
    return unsupported(store, err, "query messages");
  /* Computed here, the one door every query goes through, so no caller can
   * send a query whose bits disagree with its values. */
  query->conditions = msg__query_conditions(query);
  uint32_t missing = query->conditions & ~msg__backend_supports(store->backend);
  if (missing)
    return refuse_condition(store, missing, err);
  msg_error scratch = {0};
  int rc = store->backend->query(store->backend, conn, query, rows, &scratch);
  return account(store, rc, &scratch, err, "query");
}

int msg__call_ping(msg_store *store, msg_backend_conn *conn, msg_error *err) {
  if (!HAS_METHOD(store->backend, ping, 1))
    return MSG_OK; /* no ping: the pool's connect is the only proof we have */
  msg_error scratch = {0};
  int rc = store->backend->ping(store->backend, conn, &scratch);
  return account(store, rc, &scratch, err, "ping");
}

void msg__call_free(msg_backend *backend) {
  if (backend && backend->free)
    backend->free(backend);
}
