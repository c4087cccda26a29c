/*
 * Loading a data set (gen.h) into an empty store. The schema is the
 * library's: msg_store_open creates it. Rows are then written straight into
 * the tables by a bulk path for the backend (load_sqlite.c, load_pg.c), with
 * the words of each body computed by the library's own normalisation, so
 * the result is the database libmsg would have built message by message,
 * only much faster.
 */
#ifndef MSG_BENCH_LOAD_H
#define MSG_BENCH_LOAD_H

#include "gen.h"
#include "impl.h"

#include <stdio.h>

/* A backend's bulk path: `add` is called for every message in index order,
 * then `finish` (which commits and rebuilds indexes) or `abort`. */
typedef struct bench_loader {
  int (*begin)(void **state, const bench_target *target, char error[BENCH_ERROR_SIZE]);
  int (*add)(void *state, const bench_message *m, const char *words, char error[BENCH_ERROR_SIZE]);
  int (*finish)(void *state, char error[BENCH_ERROR_SIZE]);
  void (*abort)(void *state);
} bench_loader;

extern const bench_loader msg__load_sqlite;
#ifdef MSG_HAVE_POSTGRES
extern const bench_loader msg__load_pg;
#endif

/* Loads `ds` into the store at target->uri, which must hold no messages
 * (the schema is created if missing). Progress goes to stderr, a JSON line with the rate to `json`
 * (when not NULL) under the backend name `label`. 0, or -1 after printing
 * why. */
int msg__load_run(const bench_target *target, const bench_dataset *ds, const char *label,
                  FILE *json);

#endif
