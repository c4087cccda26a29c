/*
 * The same-SQL guard (see guard.h). Recording is a short list under a mutex:
 * statements are prepared once per connection, never in the timed loop.
 * The wrapper names are the linker's (--wrap=F sends calls to __wrap_F and
 * makes __real_F the original).
 */
#include "guard.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#ifdef MSG_HAVE_POSTGRES
#include <libpq-fe.h>
#endif

typedef struct recorded {
  bench_side side;
  char *sql;
} recorded;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static recorded *list;
static size_t count, capacity;
static int out_of_memory;
static _Thread_local bench_side current_side;

void msg__guard_set_side(bench_side side) {
  current_side = side;
}

static int seen(bench_side side, const char *sql, size_t len) {
  for (size_t i = 0; i < count; i++) {
    if (list[i].side == side && strlen(list[i].sql) == len && memcmp(list[i].sql, sql, len) == 0)
      return 1;
  }
  return 0;
}

/* `len` < 0: up to the NUL. */
static void record(const char *sql, long len) {
  bench_side side = current_side;
  if (side == BENCH_SIDE_NONE || !sql)
    return;
  size_t n = len < 0 ? strlen(sql) : (size_t)len;
  pthread_mutex_lock(&lock);
  if (!seen(side, sql, n)) {
    if (count == capacity) {
      size_t grown_capacity = capacity ? capacity * 2 : 32;
      recorded *grown = realloc(list, grown_capacity * sizeof *grown);
      if (grown) {
        list = grown;
        capacity = grown_capacity;
      }
    }
    char *copy = count < capacity ? malloc(n + 1) : NULL;
    if (copy) {
      memcpy(copy, sql, n);
      copy[n] = '\0';
      list[count++] = (recorded){side, copy};
    } else {
      out_of_memory = 1;
    }
  }
  pthread_mutex_unlock(&lock);
}

int __real_sqlite3_prepare_v3(sqlite3 *db, const char *sql, int bytes, unsigned int flags,
                              sqlite3_stmt **stmt, const char **tail);
int __wrap_sqlite3_prepare_v3(sqlite3 *db, const char *sql, int bytes, unsigned int flags,
                              sqlite3_stmt **stmt, const char **tail);

int __wrap_sqlite3_prepare_v3(sqlite3 *db, const char *sql, int bytes, unsigned int flags,
                              sqlite3_stmt **stmt, const char **tail) {
  record(sql, bytes);
  return __real_sqlite3_prepare_v3(db, sql, bytes, flags, stmt, tail);
}

#ifdef MSG_HAVE_POSTGRES
PGresult *__real_PQprepare(PGconn *conn, const char *name, const char *query, int nparams,
                           const Oid *types);
PGresult *__wrap_PQprepare(PGconn *conn, const char *name, const char *query, int nparams,
                           const Oid *types);
int __real_PQsendPrepare(PGconn *conn, const char *name, const char *query, int nparams,
                         const Oid *types);
int __wrap_PQsendPrepare(PGconn *conn, const char *name, const char *query, int nparams,
                         const Oid *types);

PGresult *__wrap_PQprepare(PGconn *conn, const char *name, const char *query, int nparams,
                           const Oid *types) {
  record(query, -1);
  return __real_PQprepare(conn, name, query, nparams, types);
}

int __wrap_PQsendPrepare(PGconn *conn, const char *name, const char *query, int nparams,
                         const Oid *types) {
  record(query, -1);
  return __real_PQsendPrepare(conn, name, query, nparams, types);
}
#endif

int msg__guard_check(FILE *out) {
  pthread_mutex_lock(&lock);
  int missing = out_of_memory ? -1 : 0;
  for (size_t i = 0; missing >= 0 && i < count; i++) {
    if (list[i].side == BENCH_SIDE_BASELINE &&
        !seen(BENCH_SIDE_LIBMSG, list[i].sql, strlen(list[i].sql))) {
      fprintf(out, "msg-bench: the baseline prepared a statement libmsg did not:\n  %s\n",
              list[i].sql);
      missing++;
    }
  }
  pthread_mutex_unlock(&lock);
  return missing;
}

size_t msg__guard_count(bench_side side) {
  size_t n = 0;
  pthread_mutex_lock(&lock);
  for (size_t i = 0; i < count; i++)
    n += list[i].side == side;
  pthread_mutex_unlock(&lock);
  return n;
}

void msg__guard_free(void) {
  pthread_mutex_lock(&lock);
  for (size_t i = 0; i < count; i++)
    free(list[i].sql);
  free(list);
  list = NULL;
  count = capacity = 0;
  pthread_mutex_unlock(&lock);
}
