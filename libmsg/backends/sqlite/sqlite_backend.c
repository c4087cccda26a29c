/*
 * The SQLite backend: URI parsing, open/free, and connections.
 *
 * "sqlite::memory:" gives each store its own in-memory database shared by the
 * store's pooled connections (the memdb VFS under a unique name); a "keeper"
 * connection holds it open for the store's lifetime, since memdb drops the
 * database when its last connection closes and the pool may close them all.
 *
 * Files use WAL (readers never block the writer) and synchronous=FULL by
 * default, so an acknowledged message survives a process kill and a power
 * loss; "?synchronous=normal" trades the latter for speed.
 */
#include "sqlite_backend.h"

#include "builtin.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_POOL_SIZE 4

static atomic_uint memory_counter;

static int parse_uri(sqlite_backend *b, const char *uri, msg_error *err) {
  const char *rest = uri + strlen("sqlite:");
  if (strcmp(rest, ":memory:") == 0) {
    b->is_memory = 1;
    b->filename = sqlite3_mprintf("file:/libmsg-%ld-%u?vfs=memdb", (long)getpid(),
                                  atomic_fetch_add(&memory_counter, 1));
    return b->filename ? MSG_OK : msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory");
  }
  const char *query = strchr(rest, '?');
  size_t path_len = query ? (size_t)(query - rest) : strlen(rest);
  if (path_len == 0)
    return msg_error_set(err, MSG_ERR_INVALID, "uri",
                         "a SQLite URI is 'sqlite::memory:' or 'sqlite:PATH' with a file path");
  b->synchronous_full = 1;
  if (query) {
    if (strcmp(query, "?synchronous=full") == 0)
      b->synchronous_full = 1;
    else if (strcmp(query, "?synchronous=normal") == 0)
      b->synchronous_full = 0;
    else
      return msg_error_set(err, MSG_ERR_INVALID, "uri",
                           "the only SQLite URI parameter is '?synchronous=full' or "
                           "'?synchronous=normal'");
  }
  b->filename = sqlite3_mprintf("%.*s", (int)path_len, rest);
  return b->filename ? MSG_OK : msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory");
}

/* Opens a raw connection with the settings every connection needs. */
static int open_db(sqlite_backend *b, sqlite3 **out, msg_error *err) {
  sqlite3 *db = NULL;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
              (b->is_memory ? SQLITE_OPEN_URI : 0);
  int rc = sqlite3_open_v2(b->filename, &db, flags, NULL);
  if (rc != SQLITE_OK) {
    rc = msg__sqlite_fail(err, db, rc, "opening the database");
    sqlite3_close(db);
    return rc;
  }
  sqlite3_busy_timeout(db, (int)(b->timeout_ms > INT32_MAX ? INT32_MAX : b->timeout_ms));
  sqlite3_extended_result_codes(db, 1);
  const char *pragmas = b->is_memory ? "PRAGMA synchronous=OFF;"
                        : b->synchronous_full
                            ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                            : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;";
  rc = sqlite3_exec(db, pragmas, NULL, NULL, NULL);
  if (rc != SQLITE_OK) {
    rc = msg__sqlite_fail(err, db, rc, "configuring the connection");
    sqlite3_close(db);
    return rc;
  }
  *out = db;
  return MSG_OK;
}

static int prepare(sqlite3 *db, sqlite3_stmt **stmt, const char *sql, msg_error *err) {
  int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL);
  return rc == SQLITE_OK ? MSG_OK : msg__sqlite_fail(err, db, rc, "preparing a statement");
}

void msg__sqlite_disconnect(msg_backend *backend, msg_backend_conn *conn) {
  sqlite_conn *c = (sqlite_conn *)conn;
  if (!c)
    return;
  sqlite3_finalize(c->begin_immediate);
  sqlite3_finalize(c->commit);
  sqlite3_finalize(c->rollback);
  sqlite3_finalize(c->insert);
  sqlite3_finalize(c->insert_words);
  sqlite3_finalize(c->find_by_key);
  sqlite3_finalize(c->ping);
  for (unsigned int i = 0; i < SQLITE_SHAPE_COUNT; i++)
    sqlite3_finalize(c->search[i]);
  sqlite3_close(c->db);
  free(c);
}

/* Statements on the messages table are prepared after migrations, on first
 * use, since the table does not exist on the very first connection. */
int msg__sqlite_connect(msg_backend *backend, msg_backend_conn **out, msg_error *err) {
  sqlite_backend *b = (sqlite_backend *)backend;
  sqlite_conn *c = calloc(1, sizeof *c);
  if (!c)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory opening a connection");
  int rc = open_db(b, &c->db, err);
  if (rc == MSG_OK)
    rc = prepare(c->db, &c->begin_immediate, "BEGIN IMMEDIATE", err);
  if (rc == MSG_OK)
    rc = prepare(c->db, &c->commit, "COMMIT", err);
  if (rc == MSG_OK)
    rc = prepare(c->db, &c->rollback, "ROLLBACK", err);
  if (rc == MSG_OK)
    rc = prepare(c->db, &c->ping, "SELECT 1", err);
  if (rc != MSG_OK) {
    msg__sqlite_disconnect(backend, (msg_backend_conn *)c);
    return rc;
  }
  *out = (msg_backend_conn *)c;
  return MSG_OK;
}

static int sqlite_ping(msg_backend *backend, msg_backend_conn *conn, msg_error *err) {
  sqlite_conn *c = (sqlite_conn *)conn;
  return msg__sqlite_exec_stmt(c->db, c->ping, err, "ping");
}

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
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory opening the store");
  b->parent.version = MSG_BACKEND_VERSION;
  b->parent.connect = msg__sqlite_connect;
  b->parent.disconnect = msg__sqlite_disconnect;
  b->parent.migrate = msg__sqlite_migrate;
  b->parent.insert = msg__sqlite_insert;
  b->parent.query = msg__sqlite_query;
  b->parent.ping = sqlite_ping;
  b->parent.free = sqlite_free;
  b->timeout_ms = opts->timeout_ms;
  int rc = parse_uri(b, uri, err);
  if (rc == MSG_OK && b->is_memory)
    rc = open_db(b, &b->keeper, err);
  if (rc != MSG_OK) {
    sqlite_free(&b->parent);
    return rc;
  }
  if (*pool_size == 0)
    *pool_size = DEFAULT_POOL_SIZE;
  *out = &b->parent;
  return MSG_OK;
}
