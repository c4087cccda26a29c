/*
 * The benchmark data set: N messages over M accounts, every field a pure
 * function of (seed, message index), so any program can regenerate message i
 * (its id, account, numbers, time) without storing the set, and two runs
 * with one seed load identical databases.
 *
 * Shape (see gen.c for the numbers): accounts follow a Zipf law, so a few
 * accounts hold a large share of the messages; each account talks to its
 * own Zipf-distributed contacts; bodies are SMS-like, mostly short, some
 * long, in several languages and scripts, a few absent or empty; times are
 * spread over one year and increase with the index.
 */
#ifndef MSG_BENCH_GEN_H
#define MSG_BENCH_GEN_H

#include <msg/msg.h>

#include <stdbool.h>
#include <stdint.h>

/* Longest body the generator writes, in bytes (it stays below
 * MSG_BODY_MAX_CHARS code points by construction). */
#define BENCH_BODY_BYTES 4096
#define BENCH_NUMBER_BYTES 24
#define BENCH_KEY_BYTES 40

typedef struct bench_dataset {
  uint64_t seed;
  uint64_t messages;
  uint64_t accounts;
  double *account_cdf; /* Zipf over accounts, `accounts` entries */
  int64_t start_us;    /* created_at of message 0 (before jitter) */
  int64_t step_us;     /* time between consecutive messages */
} bench_dataset;

typedef struct bench_message {
  uint64_t index;
  int64_t account_id;
  int64_t created_at;
  char message_id[MSG_ID_LEN + 1];
  char sender[BENCH_NUMBER_BYTES];
  char receiver[BENCH_NUMBER_BYTES];
  bool has_body;
  char body[BENCH_BODY_BYTES];
  bool has_key;
  char key[BENCH_KEY_BYTES];
} bench_message;

/* A small fast generator; one per thread or per message. */
typedef struct bench_rng {
  uint64_t state;
} bench_rng;

uint64_t msg__gen_next(bench_rng *rng);
/* A stream for (seed, a, b): independent streams for independent uses. */
bench_rng msg__gen_stream(uint64_t seed, uint64_t a, uint64_t b);
/* Uniform in [0, n). */
uint64_t msg__gen_below(bench_rng *rng, uint64_t n);

/* Sets up `ds`; `accounts` 0 picks max(10, messages / 1000). Returns 0, or
 * -1 when out of memory or for more than 10^9 accounts. */
int msg__gen_init(bench_dataset *ds, uint64_t seed, uint64_t messages, uint64_t accounts);
void msg__gen_free(bench_dataset *ds);

/* Writes message `index` of the data set into `out`. */
void msg__gen_message(const bench_dataset *ds, uint64_t index, bench_message *out);

/* A fresh message for creates: same model, drawn from `rng`, without id,
 * time or key (the library assigns those). */
void msg__gen_new_message(const bench_dataset *ds, bench_rng *rng, bench_message *out);

/* An account drawn with the data set's skew (busy accounts more often). */
int64_t msg__gen_account(const bench_dataset *ds, bench_rng *rng);

/* The number an account sends from and receives on. */
void msg__gen_account_number(char out[BENCH_NUMBER_BYTES], int64_t account_id);

/* A word for text search: one of the vocabulary's words, uniformly, skipping
 * the most frequent ones (so queries range from common to rare words). */
const char *msg__gen_search_word(bench_rng *rng);

/* A UUIDv7 for `created_at` with random bits from `rng`, canonical text. */
void msg__gen_uuid_v7(char out[MSG_ID_LEN + 1], int64_t created_at, bench_rng *rng);

#endif
