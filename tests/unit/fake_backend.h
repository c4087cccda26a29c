/*
 * A fake, call-counting backend for the unit tests (libgit2's
 * backend_helpers.h idea): it keeps messages in a plain array, counts every
 * method call, records the last query and record it was given, and can be
 * told to fail, so the core's pool, wrappers, paging and idempotency can be
 * tested without a database. It allocates with plain malloc, never through
 * the core's allocator, so the out-of-memory tests count only the core.
 */
#ifndef MSG_TEST_FAKE_BACKEND_H
#define MSG_TEST_FAKE_BACKEND_H

#include <msg/backend.h>

#include <pthread.h>
#include <stdatomic.h>

/* Methods a test can leave out of the vtable (bit flags). */
enum {
  FAKE_NO_CONNECT = 1 << 0, /* no connect/disconnect: conn is always NULL */
  FAKE_NO_MIGRATE = 1 << 1,
  FAKE_NO_INSERT = 1 << 2,
  FAKE_NO_QUERY = 1 << 3,
  FAKE_NO_PING = 1 << 4,
  FAKE_NO_FREE = 1 << 5
};

typedef struct fake_message {
  msg_message message; /* strings malloc'ed, owned here */
  char *idempotency_key;
  char *search_text;
} fake_message;

typedef struct fake_backend {
  msg_backend parent;
  pthread_mutex_t lock;
  /* Calls, by method. */
  int connects, disconnects, migrates, inserts, queries, pings;
  int open_conns;     /* connects minus disconnects */
  int max_open_conns; /* most open at once */
  /* Set when ping found its connection already in use by another thread. */
  atomic_int shared_conn_seen;
  /* Status the next call of any method (connect included) returns instead of
   * working; MSG_OK for none. */
  int fail_next;
  /* When set, injected failures leave the error record empty. */
  int silent_failures;
  /* While set, every connect fails with MSG_ERR_UNAVAILABLE. */
  int refuse_connects;
  /* When set, insert reports MSG_ERR_CONFLICT without pushing the existing
   * message (a broken backend). */
  int conflict_without_row;
  /* What migrate returns. */
  int migrate_status;
  /* Stored messages, in insertion order. */
  fake_message *messages;
  size_t count;
  /* Copies of what the core passed last. */
  char *last_search_text;
  msg_backend_query last_query; /* arrays below; cursor id in last_cursor_id */
  int64_t last_accounts[MSG_FILTER_VALUES_MAX];
  char last_ids[MSG_FILTER_VALUES_MAX][MSG_ID_LEN + 1];
  char last_senders[MSG_FILTER_VALUES_MAX][MSG_NUMBER_DIGITS_MAX + 2];
  char last_receivers[MSG_FILTER_VALUES_MAX][MSG_NUMBER_DIGITS_MAX + 2];
  char last_terms[MSG_QUERY_MAX_TERMS][4 * 64 + 1];
  char last_cursor_id[MSG_ID_LEN + 1];
} fake_backend;

/* How msg_store_open should build the fake. Pass as the module's payload. */
typedef struct fake_config {
  unsigned int omit;           /* FAKE_NO_* flags */
  unsigned int version;        /* the vtable version to report; 0 means MSG_BACKEND_VERSION */
  int bad_version;             /* report exactly `version`, even 0 */
  unsigned int pool_size;      /* what open reports when asked to choose; 0: 2 */
  int open_status;             /* open fails with this when not MSG_OK */
  int migrate_status;          /* the backend's migrate returns this */
  int refuse_connects;         /* the backend starts refusing connections */
  int opens;                   /* calls of open */
  msg_store_options seen_opts; /* options open was given */
  char seen_uri[256];
  fake_backend *backend; /* the last backend open built */
} fake_config;

/* Registers the fake under `scheme` with `config` as payload. */
void fake_register(const char *scheme, fake_config *config);

/* Registers a fake under "fake" and opens "fake:test" with `opts` (may be
 * NULL). Fails the test on error. */
msg_store *fake_open(fake_config *config, const msg_store_options *opts);

/* The open function behind fake_register. */
int fake_open_fn(msg_backend **out, unsigned int *pool_size, const char *uri,
                 const msg_store_options *opts, void *payload, msg_error *err);

/* Releases a fake whose vtable has no free (FAKE_NO_FREE). */
void fake_destroy(fake_backend *fake);

#endif
