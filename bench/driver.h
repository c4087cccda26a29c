/*
 * Running measurements: for each operation, page size and thread count, both
 * sides in turn (libmsg, baseline, then baseline, libmsg: the ABBA order
 * cancels a steady drift such as a growing table), every thread looping over
 * its own inputs until the deadline. Before an operation is measured, both
 * sides run it on the same inputs and must return the same rows.
 */
#ifndef MSG_BENCH_DRIVER_H
#define MSG_BENCH_DRIVER_H

#include "impl.h"

#include <stdio.h>

#define BENCH_MAX_LIST 16

typedef struct bench_run {
  const bench_target *target;
  const bench_dataset *ds;
  const bench_impl *impls[2]; /* libmsg, baseline; NULL for a side not run */
  bench_op ops[BENCH_OP_COUNT];
  size_t op_count;
  unsigned int threads[BENCH_MAX_LIST];
  size_t thread_count;
  size_t limits[BENCH_MAX_LIST];
  size_t limit_count;
  double seconds; /* per side, per measurement, split over the rounds */
  unsigned int rounds;
  double warmup; /* seconds per side before the first round */
  const char *label;
  FILE *json; /* one JSON object per line and side; may be NULL */
} bench_run;

/* Runs every measurement. Returns 0, or 1 when any operation failed, the
 * two sides disagreed, or the baseline used SQL libmsg does not. */
int msg__driver_run(const bench_run *run);

#endif
