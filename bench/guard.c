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

/* How a statement runs: prepared by name, or sent unnamed with its values
 * (PostgreSQL plans those with the values every time). The same text run
 * the two ways is two different workloads. */
typedef enum run_kind { RUN_PREPARED, RUN_UNNAMED } run_kind;

typedef struct recorded {
  bench_side side;
  run_kind kind;
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

static int seen(bench_side side, run_kind kind, const char *sql, size_t len) {
  for (size_t i = 0; i < count; i++) {
    if (list[i].side == side && list[i].kind == kind && strlen(list[i].sql) == len &&
        memcmp(list[i].sql, sql, len) == 0)
      return 1;
  }
  return 0;
}

/* `len` < 0: up to the NUL. */
static void record(run_kind kind, const char *sql, long len) {
  bench_side side = current_side;
  if (side == BENCH_SIDE_NONE || !sql)
    return;
  size_t n = len < 0 ? strlen(sql) : (size_t)len;
  pthread_mutex_lock(&lock);
  if (!seen(side, kind, sql, n)) {
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
      list[count++] = (recorded){side, kind, copy};
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
  record(RUN_PREPARED, sql, bytes);
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
  record(RUN_PREPARED, query, -1);
  return __real_PQprepare(conn, name, query, nparams, types);
}

int __wrap_PQsendPrepare(PGconn *conn, const char *name, const char *query, int nparams,
                         const Oid *types) {
  record(RUN_PREPARED, query, -1);
  return __real_PQsendPrepare(conn, name, query, nparams, types);
}

/* Unnamed statements run in the timed loop, once per operation: a thread
 * remembers the text it last recorded (both sides keep their SQL for the
 * connection's lifetime), so the list and its lock are only met when a
 * thread switches statements. */
static _Thread_local const char *last_unnamed;

static void record_unnamed(const char *query) {
  if (query == last_unnamed)
    return;
  record(RUN_UNNAMED, query, -1);
  last_unnamed = query;
}

PGresult *__real_PQexecParams(PGconn *conn, const char *command, int nparams, const Oid *types,
                              const char *const *values, const int *lengths, const int *formats,
                              int result_format);
PGresult *__wrap_PQexecParams(PGconn *conn, const char *command, int nparams, const Oid *types,
                              const char *const *values, const int *lengths, const int *formats,
                              int result_format);
int __real_PQsendQueryParams(PGconn *conn, const char *command, int nparams, const Oid *types,
                             const char *const *values, const int *lengths, const int *formats,
                             int result_format);
int __wrap_PQsendQueryParams(PGconn *conn, const char *command, int nparams, const Oid *types,
                             const char *const *values, const int *lengths, const int *formats,
                             int result_format);

PGresult *__wrap_PQexecParams(PGconn *conn, const char *command, int nparams, const Oid *types,
                              const char *const *values, const int *lengths, const int *formats,
                              int result_format) {
  record_unnamed(command);
  return __real_PQexecParams(conn, command, nparams, types, values, lengths, formats,
                             result_format);
}

int __wrap_PQsendQueryParams(PGconn *conn, const char *command, int nparams, const Oid *types,
                             const char *const *values, const int *lengths, const int *formats,
                             int result_format) {
  record_unnamed(command);
  return __real_PQsendQueryParams(conn, command, nparams, types, values, lengths, formats,
                                  result_format);
}
#endif

int msg__guard_check(FILE *out) {
  pthread_mutex_lock(&lock);
  int missing = out_of_memory ? -1 : 0;
  for (size_t i = 0; missing >= 0 && i < count; i++) {
    if (list[i].side == BENCH_SIDE_BASELINE &&
        !seen(BENCH_SIDE_LIBMSG, list[i].kind, list[i].sql, strlen(list[i].sql))) {
      fprintf(out,
              "msg-bench: the baseline ran a statement libmsg did not run that way (%s):\n  %s\n",
              list[i].kind == RUN_PREPARED ? "prepared" : "unnamed", list[i].sql);
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
