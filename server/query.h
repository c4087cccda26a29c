/*
 * Query strings: strict percent-decoding, repeated and comma-separated
 * values, and the list of parameters a route accepts.
 */
#ifndef MSG_SERVER_QUERY_H
#define MSG_SERVER_QUERY_H

#include <stddef.h>

#define QUERY_PARAMS_MAX 1000

typedef struct query_param {
  char *key;
  char *value;
} query_param;

typedef struct query {
  query_param *items;
  size_t count;
} query;

typedef enum query_status { QUERY_OK = 0, QUERY_MALFORMED = -1, QUERY_NOMEM = -2 } query_status;

/* Parses `qs` (may be NULL). On QUERY_MALFORMED, *error says why (static).
 * Free with query_free, also after a failure. */
query_status query_parse(query *out, const char *qs, const char **error);
void query_free(query *q);

/* The first key not in `allowed` (NULL-terminated), or NULL. */
const char *query_unknown_key(const query *q, const char *const *allowed);

/* The single value of `key` or NULL when absent; *repeated set when the key
 * appears more than once. */
const char *query_single(const query *q, const char *key, int *repeated);

/* Every value of `key`, from repeated parameters and comma-separated lists,
 * empty items skipped. `*values` (free with free()) points into `q`, whose
 * values are split in place: call once per key. */
query_status query_multi(query *q, const char *key, const char ***values, size_t *count);

#endif
