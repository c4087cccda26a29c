/*
 * The route matcher: fuzz input is a raw request path (civetweb hands it
 * over undecoded, as a C string, so input is cut at a NUL byte), matched
 * against every template of the route table in turn with one parameter
 * array, as routes.c does.
 *
 * Invariants, from route_match.h: ROUTE_MATCH_YES exactly when the path has
 * the template's segments (equal literals, a non-empty segment for each
 * {name}) and every parameter decodes, and then the array holds one decoded
 * value per {name}, equal to a reference decoding, and nothing after;
 * ROUTE_MATCH_BAD_ESCAPE only when the segments match but a parameter does
 * not decode; ROUTE_MATCH_NO when the segments do not match.
 */
#include "fuzz.h"

#include "http.h"
#include "route_match.h"

#include <stdlib.h>
#include <string.h>
#include <unistr.h>

/* The templates of server/routes.c, each path once. */
static const char *const templates[] = {
    "/v1/accounts/{account_id}/messages",
    "/v1/messages/{message_id}",
    "/v1/messages",
    "/",
    "/v1/create",
    "/v1/get/messages/{account_id}",
    "/v1/search",
    "/healthz",
    "/readyz",
    "/metrics",
    "/openapi.json",
    "/docs",
};

static int hex(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Reference decoding of one path segment: escapes complete, hexadecimal and
 * not %00, '+' kept, result UTF-8. NULL when it must be refused. */
static char *reference_decode(const char *s, size_t len) {
  char *out = malloc(len + 1);
  FUZZ_CHECK(out != NULL);
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] != '%') {
      out[o++] = s[i];
      continue;
    }
    int hi = i + 1 < len ? hex(s[i + 1]) : -1, lo = i + 2 < len ? hex(s[i + 2]) : -1;
    if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
      free(out);
      return NULL;
    }
    out[o++] = (char)(hi << 4 | lo);
    i += 2;
  }
  out[o] = '\0';
  if (u8_check((const uint8_t *)out, o) != NULL) {
    free(out);
    return NULL;
  }
  return out;
}

typedef enum shape { SHAPE_NO, SHAPE_DECODES, SHAPE_BAD_PARAM } shape;

/* Matches path against template segment by segment, independently of the
 * matcher; fills expected[] with the reference decoding of each parameter. */
static shape expected_shape(const char *template, const char *path, char **expected,
                            size_t *count) {
  const char *t = template, *p = path;
  shape result = SHAPE_DECODES;
  *count = 0;
  for (;;) {
    size_t tlen = strcspn(t, "/"), plen = strcspn(p, "/");
    if (t[0] == '{') {
      if (plen == 0)
        return SHAPE_NO;
      FUZZ_CHECK(*count < ROUTE_PARAMS_MAX);
      expected[*count] = reference_decode(p, plen);
      if (!expected[(*count)++])
        result = SHAPE_BAD_PARAM;
    } else if (tlen != plen || memcmp(t, p, tlen) != 0) {
      return SHAPE_NO;
    }
    t += tlen;
    p += plen;
    if (*t != *p)
      return SHAPE_NO; /* one ends where the other has another segment */
    if (*t == '\0')
      return result;
    t++;
    p++;
  }
}

static void check_template(const char *template, const char *path, char **params) {
  char *expected[ROUTE_PARAMS_MAX] = {0};
  size_t count;
  shape want = expected_shape(template, path, expected, &count);
  route_match_result got = msg__route_match(template, path, params, ROUTE_PARAMS_MAX);
  FUZZ_CHECK(got != ROUTE_MATCH_NOMEM);
  if (want == SHAPE_NO)
    FUZZ_CHECK(got == ROUTE_MATCH_NO);
  else if (want == SHAPE_BAD_PARAM)
    FUZZ_CHECK(got == ROUTE_MATCH_BAD_ESCAPE);
  else
    FUZZ_CHECK(got == ROUTE_MATCH_YES);
  if (got == ROUTE_MATCH_YES) {
    for (size_t i = 0; i < ROUTE_PARAMS_MAX; i++) {
      if (i < count)
        FUZZ_CHECK(params[i] && expected[i] && strcmp(params[i], expected[i]) == 0);
      else
        FUZZ_CHECK(params[i] == NULL);
    }
  }
  for (size_t i = 0; i < count; i++)
    free(expected[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *path = fuzz_strndup(data, size);
  char *params[ROUTE_PARAMS_MAX] = {0};
  for (size_t i = 0; i < sizeof templates / sizeof templates[0]; i++)
    check_template(templates[i], path, params);
  msg__route_match_free(params, ROUTE_PARAMS_MAX);
  for (size_t i = 0; i < ROUTE_PARAMS_MAX; i++)
    FUZZ_CHECK(params[i] == NULL);
  free(path);
  return 0;
}
