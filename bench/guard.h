/*
 * The same-SQL guard. msg-bench is linked with the linker's --wrap for the
 * functions that prepare statements (sqlite3_prepare_v3; PQprepare and
 * PQsendPrepare) and that run unnamed ones (PQexecParams and
 * PQsendQueryParams), so every statement either side runs passes through
 * here and is recorded with the side the calling thread works for and the
 * way it runs. After a run, every statement the baseline ran must be one
 * libmsg ran the same way, text for text; otherwise the baseline measured a
 * different workload and msg-bench fails.
 */
#ifndef MSG_BENCH_GUARD_H
#define MSG_BENCH_GUARD_H

#include <stdio.h>

typedef enum bench_side { BENCH_SIDE_NONE, BENCH_SIDE_LIBMSG, BENCH_SIDE_BASELINE } bench_side;

/* Which side the calling thread prepares statements for, from now on. */
void msg__guard_set_side(bench_side side);

/* Number of baseline statements libmsg never prepared; each is printed to
 * `out`. -1 when recording ran out of memory. */
int msg__guard_check(FILE *out);

/* Statements recorded for `side` so far. */
size_t msg__guard_count(bench_side side);

void msg__guard_free(void);

#endif
