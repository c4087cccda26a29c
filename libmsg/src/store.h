/*
 * The store handle as the core sees it: a backend, its connection pool and
 * the counters behind msg_store_stats_get.
 */
#ifndef MSG_SRC_STORE_H
#define MSG_SRC_STORE_H

#include <msg/backend.h>

#include <pthread.h>
#include <stdatomic.h>

typedef struct msg__pool {
  pthread_mutex_t lock;
  pthread_cond_t released;
  msg_backend_conn **idle; /* connections ready for use, capacity `size` */
  unsigned int idle_count;
  unsigned int size;   /* most connections open at once */
  unsigned int open;   /* open now (idle + lent) */
  unsigned int in_use; /* lent to calls now */
  uint64_t waits;
  uint64_t timeouts;
} msg__pool;

struct msg_store {
  msg_backend *backend;
  char *scheme;
  msg_store_options options;
  msg__pool pool;
  atomic_uint_fast64_t errors_unavailable;
  atomic_uint_fast64_t errors_internal;
};

#endif
