/*
 * The backends compiled into libmsg. The registry (registry.c) registers each
 * of these under its scheme the first time any store is opened or any backend
 * registered, so a program never has to call anything to use them.
 */
#ifndef MSG_SRC_BUILTIN_H
#define MSG_SRC_BUILTIN_H

#include <msg/backend.h>

/* The columns every built-in backend selects to read a message, in the
 * order of msg_message. Both dialects spell them the same way; the rest of
 * each statement is the backend's own SQL. */
#define MSG_BUILTIN_MESSAGE_COLUMNS                                                                \
  "message_id, account_id, sender_number, receiver_number, body, created_at"

/* The conditions both built-in backends handle: every one this libmsg knows. */
#define MSG_BUILTIN_SUPPORTS MSG_COND_ALL

/* libmsg/backends/sqlite: scheme "sqlite". */
int msg__sqlite_open(msg_backend **out, unsigned int *pool_size, const char *uri,
                     const msg_store_options *opts, void *payload, msg_error *err);

#ifdef MSG_HAVE_POSTGRES
/* libmsg/backends/postgres: schemes "postgres" and "postgresql". */
int msg__postgres_open(msg_backend **out, unsigned int *pool_size, const char *uri,
                       const msg_store_options *opts, void *payload, msg_error *err);
#endif

/*
 * msg_backend_rows_push without its checks of the row, for the built-in
 * backends, whose rows come from their own databases: every id and number
 * was checked by the core when it was stored (and the PostgreSQL backend
 * formats each id from the server's 16 bytes). Checking every row of every
 * page again cost more than copying it. NULL columns are still the
 * backend's to catch.
 */
int msg__rows_push_trusted(msg_backend_rows *rows, const msg_message *message, msg_error *err);

#endif
