/*
 * Connection pool: an idle stack under one mutex, grown lazily up to its size.
 * Connecting and disconnecting happen outside the mutex so that a slow or
 * unreachable database never blocks threads that hold healthy connections.
 * Waits use CLOCK_MONOTONIC so that wall-clock jumps cannot stretch them
 * (read through clock.h's seam, so tests can place "now").
 */
#include "pool.h"

#include "alloc.h"
#include "backend_call.h"
#include "clock.h"

#include <errno.h>
#include <time.h>

int msg__pool_init(msg__pool *pool, unsigned int size, msg_error *err) {
  *pool = (msg__pool){0};
  pool->size = size ? size : 1;
  pool->idle = msg__calloc(pool->size, sizeof *pool->idle);
  if (!pool->idle)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory creating the pool");
  pthread_condattr_t attr;
  int failed = pthread_condattr_init(&attr) != 0;
  if (!failed) {
    failed = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) != 0 ||
             pthread_cond_init(&pool->released, &attr) != 0;
    pthread_condattr_destroy(&attr);
  }
  if (failed) {
    msg__free(pool->idle);
    return msg_error_set(err, MSG_ERR_INTERNAL, NULL, "cannot create the pool's condition");
  }
  if (pthread_mutex_init(&pool->lock, NULL) != 0) {
    pthread_cond_destroy(&pool->released);
    msg__free(pool->idle);
    return msg_error_set(err, MSG_ERR_INTERNAL, NULL, "cannot create the pool's mutex");
  }
  return MSG_OK;
}

struct timespec msg__pool_deadline(struct timespec now, unsigned int ms) {
  struct timespec t = now;
  t.tv_sec += ms / 1000;
  t.tv_nsec += (long)(ms % 1000) * 1000000L;
  if (t.tv_nsec >= 1000000000L) {
    t.tv_sec++;
    t.tv_nsec -= 1000000000L;
  }
  return t;
}

static struct timespec deadline_after(unsigned int ms) {
  struct timespec now;
  msg__clock_monotonic(&now);
  return msg__pool_deadline(now, ms);
}

int msg__pool_acquire(msg_store *store, msg_backend_conn **out, msg_error *err) {
  *out = NULL;
  if (!msg__call_has_connections(store->backend))
    return MSG_OK;
  msg__pool *pool = &store->pool;
  pthread_mutex_lock(&pool->lock);
  int waited = 0;
  struct timespec deadline = {0};
  while (pool->idle_count == 0 && pool->open >= pool->size) {
    if (!waited) {
      waited = 1;
      pool->waits++;
      deadline = deadline_after(store->options.pool_timeout_ms);
    }
    if (pthread_cond_timedwait(&pool->released, &pool->lock, &deadline) == ETIMEDOUT &&
        pool->idle_count == 0 && pool->open >= pool->size) {
      pool->timeouts++;
      pthread_mutex_unlock(&pool->lock);
      atomic_fetch_add(&store->errors_unavailable, 1);
      return msg_error_set(err, MSG_ERR_UNAVAILABLE, NULL,
                           "no database connection became free within %u ms (pool of %u)",
                           store->options.pool_timeout_ms, pool->size);
    }
  }
  if (pool->idle_count > 0) {
    *out = pool->idle[--pool->idle_count];
    pool->in_use++;
    pthread_mutex_unlock(&pool->lock);
    return MSG_OK;
  }
  /* Reserve the slot, then connect without holding the lock. */
  pool->open++;
  pool->in_use++;
  pthread_mutex_unlock(&pool->lock);
  int rc = msg__call_connect(store, out, err);
  if (rc != MSG_OK) {
    pthread_mutex_lock(&pool->lock);
    pool->open--;
    pool->in_use--;
    pthread_cond_signal(&pool->released);
    pthread_mutex_unlock(&pool->lock);
  }
  return rc;
}

void msg__pool_release(msg_store *store, msg_backend_conn *conn, int status) {
  if (!msg__call_has_connections(store->backend))
    return;
  msg__pool *pool = &store->pool;
  int broken = status == MSG_ERR_UNAVAILABLE || !conn;
  pthread_mutex_lock(&pool->lock);
  pool->in_use--;
  if (broken)
    pool->open--;
  else
    pool->idle[pool->idle_count++] = conn;
  pthread_cond_signal(&pool->released);
  pthread_mutex_unlock(&pool->lock);
  if (broken)
    msg__call_disconnect(store, conn);
}

void msg__pool_destroy(msg_store *store) {
  msg__pool *pool = &store->pool;
  if (!pool->idle)
    return;
  for (unsigned int i = 0; i < pool->idle_count; i++)
    msg__call_disconnect(store, pool->idle[i]);
  pool->idle_count = 0;
  pool->open = 0;
  msg__free(pool->idle);
  pool->idle = NULL;
  pthread_cond_destroy(&pool->released);
  pthread_mutex_destroy(&pool->lock);
}
