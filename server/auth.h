/*
 * Authentication and account scoping. With --auth apikey every /v1 route
 * needs "Authorization: Bearer <token>" naming a key in the keys file
 * (apikeys.h). An account key acts on its own account only; an operator key
 * (`*`) on every account. With --auth none every caller is an operator,
 * which the configuration allows only on a loopback address.
 *
 * The keys live in one process-wide table, swapped under a lock when the
 * file is reloaded (SIGHUP, or a change noticed by msg__auth_poll), so a
 * reload never drops or fails a request: each request sees the old table or
 * the new one.
 */
#ifndef MSG_SERVER_AUTH_H
#define MSG_SERVER_AUTH_H

#include "config.h"
#include "http.h"

#include <msg/msg.h>

/* Loads the keys file when the mode is apikey. 0, or 2 (a bad or unreadable
 * file: one line on stderr naming it and the line, as for any bad setting). */
int msg__auth_start(const server_config *cfg);

/* Reads the keys file again; on any problem keeps the keys in use and logs
 * why. `reason` ("SIGHUP", "file changed") goes to the log. */
void msg__auth_reload(const char *reason);

/* Reloads when the keys file's identity (inode, size, mtime) changed since
 * it was last read, as when Kubernetes updates a mounted Secret. */
void msg__auth_poll(void);

void msg__auth_stop(void);

/* Whether requests to `path` (undecoded) need a key: the /v1 routes. */
int msg__auth_required(const char *path);

/* Fills req->who from the Authorization header. 0 to go on; -1 when a 401
 * with WWW-Authenticate has been sent. */
int msg__auth_authenticate(request_ctx *req);

/* 0 when the caller may act on `account_id`; otherwise sends 403 naming
 * `field` and returns -1. */
int msg__auth_require_account(request_ctx *req, int64_t account_id, const char *field);

/* Whether the caller may see a message of `account_id` (a handler answers
 * 404 when not, so that other accounts' ids reveal nothing). */
int msg__auth_may_see(const request_ctx *req, int64_t account_id);

/*
 * Scopes a search: for an account key, a filter without account_id gets the
 * key's account (in *own, which must outlive the filter), and one naming
 * any other account is refused with 403. 0, or -1 when the 403 was sent.
 */
int msg__auth_scope_filter(request_ctx *req, msg_filter *filter, int64_t *own);

#endif
