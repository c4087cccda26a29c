/*
 * Matching a raw request path against a route template. Kept apart from the
 * route table so that the matcher, which reads outside input, can be fuzzed
 * on its own.
 */
#ifndef MSG_SERVER_ROUTE_MATCH_H
#define MSG_SERVER_ROUTE_MATCH_H

#include <stddef.h>

typedef enum route_match_result {
  ROUTE_MATCH_NO,
  ROUTE_MATCH_YES,
  ROUTE_MATCH_BAD_ESCAPE, /* the path matches but a parameter has a bad percent-escape */
  ROUTE_MATCH_NOMEM
} route_match_result;

/*
 * Matches the undecoded `path` against `template` segment by segment;
 * "{name}" matches one non-empty segment, which is percent-decoded into
 * params[0..max_params) in template order (each freed with free()). Frees
 * whatever `params` held first, so a caller can try templates in turn with
 * one array; on anything but ROUTE_MATCH_YES the array may hold partial
 * results, released by msg__route_match_free.
 */
route_match_result msg__route_match(const char *template, const char *path, char **params,
                                    size_t max_params);

/* Frees and clears params[0..max_params). */
void msg__route_match_free(char **params, size_t max_params);

#endif
