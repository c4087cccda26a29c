/*
 * A query's conditions (the MSG_COND_* bits of backend.h), computed once by
 * the core for every query it sends to a backend, and the check that the
 * backend declared each of them.
 */
#ifndef MSG_SRC_CONDITIONS_H
#define MSG_SRC_CONDITIONS_H

#include <msg/backend.h>

/* The MSG_COND_* bits of `query`'s sets, time bounds, terms and cursor. */
uint32_t msg__query_conditions(const msg_backend_query *query);

/* The conditions `backend` handles: its `supports` from version 2 on,
 * MSG_COND_V1 before (the version that had no `supports` member). */
uint32_t msg__backend_supports(const msg_backend *backend);

/* The filter field a condition bit comes from ("account_ids", "q",
 * "cursor", ...); "" for a bit the core does not know. */
const char *msg__condition_field(uint32_t bit);

/* " with one value" / " with several values" for a set's bits, else "". */
const char *msg__condition_detail(uint32_t bit);

#endif
