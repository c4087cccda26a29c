/*
 * The SQLite backend's entry point (scheme "sqlite", see builtin.h): open
 * fills the vtable and reads the URI; free releases what open made.
 *
 * A memory store also opens a "keeper" connection that lives as long as the
 * store: the memdb VFS deletes a database when its last connection closes,
 * and the pool may close every connection it has (after an error, say).
 */
#include "sqlite_backend.h"

#include "builtin.h"

#include <stdlib.h>

/* Files: WAL lets readers run beside the one writer, so a few connections
 * serve concurrent reads. Memory (memdb has no WAL): readers still run
 * together and a writer holds them off only while it commits; more
 * connections would mostly wait on that lock. */
#define DEFAULT_POOL_SIZE 4

static void sqlite_free(msg_backend *backend) {
  sqlite_backend *b = (sqlite_backend *)backend;
  sqlite3_close(b->keeper);
  sqlite3_free(b->filename);
  free(b);
}

int msg__sqlite_open(msg_backend **out, unsigned int *pool_size, const char *uri,
                     const msg_store_options *opts, void *payload, msg_error *err) {
  *out = NULL;
  sqlite_backend *b = calloc(1, sizeof *b);
  if (!b)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "sqlite: out of memory opening the store");
  b->parent.version = MSG_BACKEND_VERSION;
  b->parent.connect = msg__sqlite_connect;
  b->parent.disconnect = msg__sqlite_disconnect;
  b->parent.migrate = msg__sqlite_migrate;
  b->parent.insert = msg__sqlite_insert;
  b->parent.query = msg__sqlite_query;
  b->parent.ping = msg__sqlite_ping;
  b->parent.free = sqlite_free;
  b->parent.supports = MSG_BUILTIN_SUPPORTS;
  b->timeout_ms = opts->timeout_ms;
  int rc = msg__sqlite_uri_parse(b, uri, err);
  if (rc == MSG_OK && b->is_memory)
    rc = msg__sqlite_db_open(b, &b->keeper, err);
  if (rc != MSG_OK) {
    sqlite_free(&b->parent);
    return rc;
  }
  if (opts->pool_size == 0)
    *pool_size = DEFAULT_POOL_SIZE;
  *out = &b->parent;
  return MSG_OK;
}
