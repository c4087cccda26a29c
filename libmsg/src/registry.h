/*
 * Backend registry: URI scheme -> module.
 */
#ifndef MSG_SRC_REGISTRY_H
#define MSG_SRC_REGISTRY_H

#include <msg/backend.h>

/* Copies the module registered for `scheme` (first `scheme_len` bytes) into
 * `*out`; MSG_ERR_INVALID (field "uri") when none is. The scheme in the copy
 * points to static or registry storage that stays valid until unregistered;
 * callers use it only during store open. */
int msg__registry_find(msg_backend_module *out, const char *scheme, size_t scheme_len,
                       msg_error *err);

#endif
