/*
 * The path matcher. Paths arrive undecoded (civetweb's decode_url is off),
 * so an escaped "/" inside a parameter is data and cannot change which
 * template matches.
 */
#include "route_match.h"

#include "query.h"

#include <stdlib.h>
#include <string.h>

void msg__route_match_free(char **params, size_t max_params) {
  for (size_t i = 0; i < max_params; i++) {
    free(params[i]);
    params[i] = NULL;
  }
}

route_match_result msg__route_match(const char *template, const char *path, char **params,
                                    size_t max_params) {
  size_t param = 0;
  const char *t = template, *p = path;
  route_match_result matched = ROUTE_MATCH_YES;
  msg__route_match_free(params, max_params);
  while (*t && *p) {
    if (*t == '{') {
      size_t len = strcspn(p, "/");
      if (len == 0 || param >= max_params)
        return ROUTE_MATCH_NO;
      const char *error;
      int nomem = 0;
      params[param] = msg__query_decode(p, len, 0, &error, &nomem);
      if (nomem)
        return ROUTE_MATCH_NOMEM;
      /* A bad escape is this route's 400 only if the rest of the path
       * matches too; otherwise the path belongs to no route (404). */
      if (!params[param])
        matched = ROUTE_MATCH_BAD_ESCAPE;
      param++;
      t = strchr(t, '}') + 1;
      p += len;
    } else if (*t++ != *p++) {
      return ROUTE_MATCH_NO;
    }
  }
  return *t == '\0' && *p == '\0' ? matched : ROUTE_MATCH_NO;
}
