/*
 * The backends compiled into libmsg. The registry (registry.c) registers each
 * of these under its scheme the first time any store is opened or any backend
 * registered, so a program never has to call anything to use them.
 */
#ifndef MSG_SRC_BUILTIN_H
#define MSG_SRC_BUILTIN_H

#include <msg/backend.h>

/* libmsg/backends/sqlite: scheme "sqlite". */
int msg__sqlite_open(msg_backend **out, unsigned int *pool_size, const char *uri,
                     const msg_store_options *opts, void *payload, msg_error *err);

#ifdef MSG_HAVE_POSTGRES
/* libmsg/backends/postgres: schemes "postgres" and "postgresql". */
int msg__postgres_open(msg_backend **out, unsigned int *pool_size, const char *uri,
                       const msg_store_options *opts, void *payload, msg_error *err);
#endif

#endif
