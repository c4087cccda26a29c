/*
 * libmsg backend interface: for people who write a storage backend.
 *
 * A backend stores and queries messages; it does not validate them. The core
 * (libmsg/src) has already checked every field, assigned ids and timestamps,
 * normalised text for search and decoded cursors before a backend method is
 * called, so a backend trusts what it is given and only has to be correct and
 * durable.
 *
 * A backend is registered under a URI scheme with msg_backend_register. When
 * msg_store_open sees that scheme it calls the module's `open`, which returns
 * an msg_backend: a struct of function pointers whose first member is
 * `version`. Backends "subclass" it by embedding it as their first member:
 *
 *     struct my_backend { msg_backend parent; my_db *db; };
 *
 * Versioning follows sqlite3_vfs / git_odb_backend: members are only ever
 * appended, and the core calls a member only when the backend's `version`
 * says it exists. Every method except `free` is optional (NULL): the core
 * answers MSG_ERR_UNSUPPORTED for an operation whose method is missing.
 *
 * Conditions (since version 2). A backend declares in `supports` which
 * conditions of a query (MSG_COND_* bits: one or several values per set,
 * time bounds, words, cursor) it handles, the way a virtual table claims
 * each constraint in sqlite3_index_info. The core computes every query's
 * bits once, puts them in msg_backend_query.conditions, and answers
 * MSG_ERR_UNSUPPORTED, naming the filter field, for a query with a
 * condition the backend did not declare, so a backend written for this
 * version cannot silently ignore a filter added later and return too many
 * rows. The bits are also a ready cache key for prepared statements.
 *
 * Connections. When `connect` is set, the core keeps a pool of connections
 * per store: each call borrows one, passes it to the method, and returns it.
 * A connection is used by one thread at a time. A method that returns
 * MSG_ERR_UNAVAILABLE marks its connection broken: the core disconnects it
 * and opens a fresh one for a later call, which is how a store recovers when
 * its server comes back. When `connect` is NULL, methods get conn == NULL and
 * the backend must be safe to call from many threads at once.
 *
 * Errors: methods return msg_status codes and fill `err` (never NULL when the
 * core calls) with msg_error_set. Map "cannot reach / timed out / locked past
 * the timeout" to MSG_ERR_UNAVAILABLE and everything unexpected to
 * MSG_ERR_INTERNAL; never put passwords in messages.
 */
#ifndef MSG_BACKEND_H
#define MSG_BACKEND_H

#include <msg/msg.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 2: `supports` appended to msg_backend and `conditions` to msg_backend_query. */
#define MSG_BACKEND_VERSION 2

typedef struct msg_backend msg_backend;

/* A backend's connection. Defined by each backend; opaque to the core. */
typedef struct msg_backend_conn msg_backend_conn;

/* Where a backend puts the messages it reads (see msg_backend_rows_push). */
typedef struct msg_backend_rows msg_backend_rows;

/* A message ready to store: everything assigned and validated by the core. */
typedef struct msg_backend_record {
  const msg_message *message;  /* id, account, numbers, body (may be NULL), created_at */
  const char *idempotency_key; /* NULL when the caller gave none */
  /*
   * The body's words, case-folded and NFKC-normalised, separated by single
   * ASCII spaces; "" when there are none. Each word is one token: index it
   * as given (do not re-tokenise with a language's rules) so that every
   * backend matches exactly the same messages.
   */
  const char *search_text;
} msg_backend_record;

/*
 * The conditions of a query, as bits (msg_backend_query.conditions and
 * msg_backend.supports). The core computes them once per query, so every
 * backend classifies a query the same way and may use the bits, as they
 * are, as the key of its statement or plan cache: the SQL of a query
 * depends on which conditions it has, never on its values. A set has a
 * _ONE bit when it holds exactly one value and a _MANY bit when it holds
 * several; never both. Bits are only ever added, each with the backend
 * version that introduced it; bits 24 and up stay free for a backend's own
 * use (the core never sets them).
 */
enum {
  MSG_COND_ACCOUNT_ONE = 1u << 0,
  MSG_COND_ACCOUNT_MANY = 1u << 1,
  MSG_COND_ID_ONE = 1u << 2,
  MSG_COND_ID_MANY = 1u << 3,
  MSG_COND_SENDER_ONE = 1u << 4,
  MSG_COND_SENDER_MANY = 1u << 5,
  MSG_COND_RECEIVER_ONE = 1u << 6,
  MSG_COND_RECEIVER_MANY = 1u << 7,
  MSG_COND_CREATED_AFTER = 1u << 8,
  MSG_COND_CREATED_BEFORE = 1u << 9,
  MSG_COND_TERMS = 1u << 10,
  MSG_COND_CURSOR = 1u << 11
};

/* Every condition of backend version 1: what the core assumes a backend
 * whose version predates `supports` handles. */
#define MSG_COND_V1 0x0fffu
/* Every condition this libmsg knows. */
#define MSG_COND_ALL MSG_COND_V1
/* The bits a backend may use for its own cache keys (never set by the core). */
#define MSG_COND_BACKEND_PRIVATE 0xff000000u

/*
 * A query. Rows must come back ordered by created_at descending, then
 * message_id descending (byte order of the canonical lowercase text, which
 * equals the order of the 16 UUID bytes), at most `limit` of them.
 * Every condition present must hold (AND); each set matches any of its
 * values (OR). Sets are deduplicated and sorted; empty sets mean "no
 * condition".
 */
typedef struct msg_backend_query {
  const int64_t *account_ids;
  size_t account_id_count;
  const char *const *message_ids; /* canonical lowercase UUIDs */
  size_t message_id_count;
  const char *const *sender_numbers;
  size_t sender_number_count;
  const char *const *receiver_numbers;
  size_t receiver_number_count;
  bool has_created_after;
  int64_t created_after;  /* created_at > created_after */
  bool has_created_before;
  int64_t created_before; /* created_at < created_before */
  /* Normalised words (same form as msg_backend_record.search_text): every
   * one must be a word of the message's search_text. */
  const char *const *terms;
  size_t term_count;
  /* Keyset position: when set, only rows strictly after
   * (cursor_created_at, cursor_message_id) in the order above, i.e.
   * (created_at, message_id) < (cursor_created_at, cursor_message_id). */
  bool has_cursor;
  int64_t cursor_created_at;
  const char *cursor_message_id;
  size_t limit; /* 1 .. MSG_LIMIT_MAX + 1 */
  /* Since version 2: the MSG_COND_* bits of the conditions above, computed
   * by the core. Every bit set is one the backend declared in `supports`
   * (the core refuses the query otherwise). */
  uint32_t conditions;
} msg_backend_query;

struct msg_backend {
  unsigned int version; /* MSG_BACKEND_VERSION the backend was written for */

  /* Opens a connection. NULL: the backend has no connections (see above). */
  int (*connect)(msg_backend *backend, msg_backend_conn **out, msg_error *err);
  /* Closes a connection from `connect`. Required when `connect` is set. */
  void (*disconnect)(msg_backend *backend, msg_backend_conn *conn);

  /*
   * Brings the schema to the newest version, once, at store open. Must be
   * safe when several processes open the same database at once, and must do
   * no DDL when the schema is already current.
   */
  int (*migrate)(msg_backend *backend, msg_backend_conn *conn, msg_error *err);

  /*
   * Stores `record` atomically (the message and its search index together,
   * or nothing). When record->idempotency_key is set and the account already
   * has a message with that key: store nothing, push that existing message
   * into `existing` and return MSG_ERR_CONFLICT; the core decides whether it
   * is a replay. This must hold under concurrent inserts of the same key.
   */
  int (*insert)(msg_backend *backend, msg_backend_conn *conn, const msg_backend_record *record,
                msg_backend_rows *existing, msg_error *err);

  /* Pushes the rows matching `query` into `rows`, in order. */
  int (*query)(msg_backend *backend, msg_backend_conn *conn, const msg_backend_query *query,
               msg_backend_rows *rows, msg_error *err);

  /* A cheap round trip proving the database answers (for readiness). */
  int (*ping)(msg_backend *backend, msg_backend_conn *conn, msg_error *err);

  /* Required. Releases the backend and everything it owns; called once, after
   * every connection has been disconnected. */
  void (*free)(msg_backend *backend);

  /*
   * Since version 2: the MSG_COND_* bits of the conditions `query` handles.
   * The core answers MSG_ERR_UNSUPPORTED, naming the condition, for a query
   * with any other, so a backend never silently ignores a filter it does
   * not know and returns too many rows. A backend of version 1 is taken to
   * handle exactly MSG_COND_V1.
   */
  uint32_t supports;
};

/*
 * Opens a backend for `uri` (the whole URI, scheme included). `opts` is never
 * NULL (the core fills in defaults; pool_size 0 means "choose one", and the
 * backend reports its choice in *pool_size). `payload` is the module's.
 * On success `*out` is a backend the core later releases with its `free`.
 */
typedef int (*msg_backend_open_fn)(msg_backend **out, unsigned int *pool_size, const char *uri,
                                   const msg_store_options *opts, void *payload, msg_error *err);

#define MSG_BACKEND_MODULE_VERSION 1

/* A backend as registered: its scheme and how to open it. */
typedef struct msg_backend_module {
  unsigned int version; /* MSG_BACKEND_MODULE_VERSION */
  const char *scheme;   /* letters, digits, '+', '-', '.'; starts with a letter */
  msg_backend_open_fn open;
  void *payload;        /* passed to open; owned by the caller, must outlive the registration */
} msg_backend_module;

#define MSG_BACKEND_MODULE_INIT {MSG_BACKEND_MODULE_VERSION, NULL, NULL, NULL}

/*
 * Registers `module` (copied; the scheme string too) so that msg_store_open
 * opens URIs "scheme:..." with it. Replaces an earlier registration of the
 * same scheme, built-in ones included. MSG_ERR_INVALID for a version this
 * library does not know, a bad scheme or a NULL open. Thread-safe.
 */
MSG_EXTERN int msg_backend_register(const msg_backend_module *module, msg_error *err);

/* Removes the registration of `scheme`. MSG_ERR_NOT_FOUND if there is none.
 * Stores already open keep working. Thread-safe. */
MSG_EXTERN int msg_backend_unregister(const char *scheme, msg_error *err);

/*
 * Copies `message` (every string, so the backend may pass pointers into its
 * own short-lived buffers) into `rows`. MSG_ERR_NOMEM on allocation failure;
 * MSG_ERR_INTERNAL (and nothing is added) if the row is malformed: a
 * message_id that is not a canonical UUID, a NULL number. The backend returns
 * that status from its method.
 */
MSG_EXTERN int msg_backend_rows_push(msg_backend_rows *rows, const msg_message *message,
                                     msg_error *err);

/*
 * Fills `err` (if non-NULL) with `status`, the field name (NULL for none) and
 * a printf-style message, cut to fit. Returns `status`, so a backend can write
 * `return msg_error_set(err, MSG_ERR_UNAVAILABLE, NULL, "...", ...);`.
 */
MSG_EXTERN int msg_error_set(msg_error *err, int status, const char *field, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

#ifdef __cplusplus
}
#endif

#endif /* MSG_BACKEND_H */
