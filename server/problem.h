/*
 * Error responses as RFC 9457 problem details (application/problem+json),
 * and the one mapping from libmsg statuses to HTTP statuses.
 */
#ifndef MSG_SERVER_PROBLEM_H
#define MSG_SERVER_PROBLEM_H

#include "http.h"

/* The reason phrase of `status` ("Not Found"); also a problem's title. */
const char *msg__problem_title(int status);

/*
 * Sends {"type":"about:blank","title","status","detail","request_id"} and,
 * when `field` is not NULL, "errors":[{"field","message":detail}].
 * `extra_headers` is NULL or header lines ending in "\r\n".
 */
__attribute__((format(printf, 5, 6))) void msg__problem_send(request_ctx *req, int status,
                                                             const char *field,
                                                             const char *extra_headers,
                                                             const char *fmt, ...);

/*
 * Maps a failed libmsg call to its problem: INVALID and CONFLICT 422 naming
 * the field, NOT_FOUND 404, UNAVAILABLE 503 with Retry-After, and NOMEM,
 * INTERNAL, UNSUPPORTED 500 (never caused by the client; the cause goes to
 * the log, not to the client).
 */
void msg__problem_from_store(request_ctx *req, int status, const msg_error *err);

#endif
