/*
 * The two sides of every measurement. `libmsg` runs an operation through the
 * public API; a baseline runs the same statements the backend prepares
 * directly on sqlite3 or libpq, on its own connection per thread, prepared
 * once, with the same durability settings, and copies the rows out as
 * libmsg does. The ratio libmsg / baseline is then the cost of what the
 * library adds: validation, the pool, ids and times, normalisation, cursors
 * and copies.
 *
 * A session is one thread's state: its connection (baselines) and the
 * position of its cursor walk. Sessions are opened before timing starts and
 * kept for the whole run, as libmsg keeps its pool.
 */
#ifndef MSG_BENCH_IMPL_H
#define MSG_BENCH_IMPL_H

#include "workload.h"

#include <msg/msg.h>

#include <stdbool.h>
#include <stddef.h>

/* What a run talks to. */
typedef struct bench_target {
  const char *uri;        /* the store URI given to msg_store_open */
  bool postgres;          /* otherwise a SQLite file */
  const char *path;       /* SQLite: the file */
  bool sync_full;         /* SQLite: synchronous=FULL (the default) or NORMAL */
  const char *pg_options; /* PostgreSQL: the baseline's session options; NULL: none */
  msg_store *store;       /* libmsg's store, shared by every libmsg session */
} bench_target;

/* What a page-returning operation produced. `digest` identifies the ids in
 * order, so that libmsg and a baseline can be shown to return the same rows. */
typedef struct bench_page {
  size_t count;
  bool has_next;
  uint64_t digest;
} bench_page;

#define BENCH_ERROR_SIZE 512

typedef struct bench_impl {
  const char *name;
  /* 0 on success; otherwise -1 and a reason in `error`. */
  int (*open)(void **out, const bench_target *target, char error[BENCH_ERROR_SIZE]);
  void (*close)(void *session);
  /* Each returns 0, or -1 with the reason in the session's error text. */
  int (*create)(void *session, const bench_item *item);
  int (*get)(void *session, const bench_item *item, bench_page *out);
  int (*page)(void *session, bench_op op, const bench_item *item, size_t limit, bench_page *out);
  /* Forgets the cursor walk, so the next list-deep starts on a first page. */
  void (*reset_walk)(void *session);
  const char *(*error)(void *session);
} bench_impl;

extern const bench_impl msg__impl_libmsg;
extern const bench_impl msg__impl_sqlite;
#ifdef MSG_HAVE_POSTGRES
extern const bench_impl msg__impl_pg;
#endif

/* FNV-1a over a message id, chained from `h` (start with
 * BENCH_DIGEST_INIT). */
#define BENCH_DIGEST_INIT UINT64_C(0xcbf29ce484222325)
uint64_t msg__impl_digest(uint64_t h, const char *message_id);

#endif
