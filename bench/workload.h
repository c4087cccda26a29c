/*
 * What msg-bench measures: the operations, and the inputs each thread feeds
 * them. Inputs are drawn before any timing starts, from the data set's model
 * (gen.h), and both implementations (libmsg and the baseline) walk the very
 * same list, so they do the same work on the same rows.
 */
#ifndef MSG_BENCH_WORKLOAD_H
#define MSG_BENCH_WORKLOAD_H

#include "gen.h"

#include <stddef.h>

typedef enum bench_op {
  BENCH_CREATE,        /* a new message, no idempotency key */
  BENCH_GET,           /* one message by id */
  BENCH_LIST_FIRST,    /* an account's newest page */
  BENCH_LIST_DEEP,     /* the next page of a cursor walk through a busy account */
  BENCH_SEARCH_SENDER, /* one sender number, newest first */
  BENCH_SEARCH_TIME,   /* a created_after/created_before window, newest first */
  BENCH_SEARCH_TEXT,   /* one word anywhere, newest first */
  BENCH_OP_COUNT
} bench_op;

/* A cursor walk restarts from the first page after this many pages. */
#define BENCH_WALK_PAGES 200

/* How many messages a search-time window spans, on average. */
#define BENCH_TIME_WINDOW_MESSAGES 5000

const char *msg__workload_op_name(bench_op op);
/* -1 for an unknown name. */
int msg__workload_op_parse(const char *name);
/* Whether the operation returns a page (and so takes a limit). */
int msg__workload_op_pages(bench_op op);

/* One operation's inputs; each operation reads the fields it needs. */
typedef struct bench_item {
  int64_t account_id;      /* create, list-first */
  int64_t walk_account_id; /* list-deep: one of the busiest accounts */
  char sender[BENCH_NUMBER_BYTES];
  char receiver[BENCH_NUMBER_BYTES];
  char *body;                             /* create; NULL: no body */
  char *words;                            /* the body's words as the library normalises them */
  char message_id[MSG_ID_LEN + 1];        /* get: a message of the data set */
  char search_sender[BENCH_NUMBER_BYTES]; /* search-sender */
  int64_t after, before;                  /* search-time */
  const char *term;                       /* search-text, as a user would type it */
  char *term_words;                       /* its normalised words */
} bench_item;

typedef struct bench_items {
  bench_item *items;
  size_t count;
} bench_items;

/* Draws `count` inputs for thread `thread`. 0, or -1 when out of memory or
 * when the library refuses to normalise a body. */
int msg__workload_items(bench_items *out, const bench_dataset *ds, unsigned int thread,
                        size_t count);
void msg__workload_items_free(bench_items *items);

#endif
