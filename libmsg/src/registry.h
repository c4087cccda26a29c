/*
 * Backend registry: URI scheme -> module.
 */
#ifndef MSG_SRC_REGISTRY_H
#define MSG_SRC_REGISTRY_H

#include <msg/backend.h>

/* Room for a backend's name: schemes are at most 32 characters. */
#define MSG_SCHEME_NAME_SIZE 33

/* Copies the module registered for `scheme` (first `scheme_len` bytes) into
 * `*out`; MSG_ERR_INVALID (field "uri") when none is. The copy's scheme
 * points to `name`, filled under the registry lock with the backend's name:
 * the scheme itself, or for an alias the backend's own name ("postgresql"
 * URIs open the "postgres" backend). */
int msg__registry_find(msg_backend_module *out, char name[MSG_SCHEME_NAME_SIZE],
                       const char *scheme, size_t scheme_len, msg_error *err);

#endif
