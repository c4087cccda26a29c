/*
 * Query strings and path segments: strict percent-decoding, repeated and
 * comma-separated values, bounded counts.
 */
#ifndef MSG_SERVER_QUERY_H
#define MSG_SERVER_QUERY_H

#include <stddef.h>

/* Most parameters one query string may hold; a URI is already bounded by
 * --max-header-bytes, this bounds the allocations made from it. */
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

/* Percent-decodes s[0..len) into a new string (free with free()); '+' is a
 * space when `plus_is_space` (query strings, not paths). Escapes must be
 * complete and hexadecimal and may not decode to NUL. NULL with *error (a
 * static phrase) on bad input, or with *nomem set when out of memory. */
char *msg__query_decode(const char *s, size_t len, int plus_is_space, const char **error,
                        int *nomem);

/* Parses `qs` (may be NULL). On QUERY_MALFORMED, *error says why (static).
 * Free with msg__query_free, also after a failure. */
query_status msg__query_parse(query *out, const char *qs, const char **error);
void msg__query_free(query *q);

/* The first key not in `allowed` (NULL-ended), or NULL. */
const char *msg__query_unknown_key(const query *q, const char *const *allowed);

/* The single value of `key`, or NULL when absent or empty (an empty value
 * is the same as none, as HTML forms send unused fields); *repeated is set
 * when the key appears more than once. */
const char *msg__query_single(const query *q, const char *key, int *repeated);

/* Every value of `key`, from repeated parameters and comma-separated lists,
 * empty items skipped. `*values` (free with free()) points into `q`, whose
 * values are split in place: call once per key. */
query_status msg__query_multi(query *q, const char *key, const char ***values, size_t *count);

#endif
