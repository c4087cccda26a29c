/*
 * Opening and closing stores: pick the backend by URI scheme, open it, set up
 * the pool and apply migrations on one pooled connection before returning,
 * so that every call on an open store sees the current schema.
 */
#include "store.h"

#include "alloc.h"
#include "backend_call.h"
#include "pool.h"
#include "registry.h"

#include <string.h>

#define DEFAULT_POOL_TIMEOUT_MS 5000
#define DEFAULT_TIMEOUT_MS 5000
#define POOL_SIZE_MAX 1024

MSG_EXTERN void msg_store_options_init(msg_store_options *opts) {
  if (opts)
    *opts = (msg_store_options)MSG_STORE_OPTIONS_INIT;
}

static int resolve_options(msg_store_options *out, const msg_store_options *in, msg_error *err) {
  msg_store_options_init(out);
  if (!in)
    return MSG_OK;
  if (in->version != MSG_STORE_OPTIONS_VERSION)
    return msg_error_set(err, MSG_ERR_INVALID, "options",
                         "options version %u is not one this libmsg knows (%d)", in->version,
                         MSG_STORE_OPTIONS_VERSION);
  if (in->pool_size > POOL_SIZE_MAX)
    return msg_error_set(err, MSG_ERR_INVALID, "options", "pool_size must be at most %d",
                         POOL_SIZE_MAX);
  *out = *in;
  if (out->pool_timeout_ms == 0)
    out->pool_timeout_ms = DEFAULT_POOL_TIMEOUT_MS;
  if (out->timeout_ms == 0)
    out->timeout_ms = DEFAULT_TIMEOUT_MS;
  return MSG_OK;
}

static int open_backend(msg_store *store, const char *uri, msg_error *err) {
  const char *colon = strchr(uri, ':');
  if (!colon || colon == uri)
    return msg_error_set(err, MSG_ERR_INVALID, "uri",
                         "a store URI starts with a scheme, e.g. 'sqlite:' or 'postgresql:'");
  msg_backend_module module;
  char name[MSG_SCHEME_NAME_SIZE];
  int rc = msg__registry_find(&module, name, uri, (size_t)(colon - uri), err);
  if (rc != MSG_OK)
    return rc;
  store->scheme = msg__strdup(module.scheme);
  if (!store->scheme)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory opening the store");

  unsigned int pool_size = store->options.pool_size;
  msg_backend *backend = NULL;
  /* Scratch record: a successful open must leave the caller's untouched. */
  msg_error scratch = {0};
  rc = module.open(&backend, &pool_size, uri, &store->options, module.payload, &scratch);
  if (rc != MSG_OK) {
    if (scratch.message[0] == '\0')
      return msg_error_set(err, rc, "uri", "the %s backend could not open the store",
                           store->scheme);
    *err = scratch;
    err->status = (msg_status)rc;
    return rc;
  }
  /* Without `free` the core could never release the backend. */
  if (!backend || !backend->free)
    return msg_error_set(err, MSG_ERR_INVALID, "uri",
                         "the %s backend returned no backend or one without free", store->scheme);
  store->backend = backend;
  if (backend->version < 1 || backend->version > MSG_BACKEND_VERSION)
    return msg_error_set(err, MSG_ERR_INVALID, "uri",
                         "the %s backend has version %u; this libmsg knows 1 to %d", store->scheme,
                         backend->version, MSG_BACKEND_VERSION);
  if (store->options.pool_size == 0)
    store->options.pool_size = pool_size ? pool_size : 1;
  return MSG_OK;
}

static void destroy(msg_store *store) {
  if (store->pool.idle)
    msg__pool_destroy(store);
  msg__call_free(store->backend);
  msg__free(store->scheme);
  msg__free(store);
}

MSG_EXTERN int msg_store_open(msg_store **out, const char *uri, const msg_store_options *opts,
                              msg_error *err) {
  msg_error local;
  if (!err)
    err = &local;
  if (!out)
    return msg_error_set(err, MSG_ERR_INVALID, NULL, "out must not be NULL");
  *out = NULL;
  if (!uri)
    return msg_error_set(err, MSG_ERR_INVALID, "uri", "uri must not be NULL");
  msg_store *store = msg__calloc(1, sizeof *store);
  if (!store)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory opening the store");
  int rc = resolve_options(&store->options, opts, err);
  if (rc == MSG_OK)
    rc = open_backend(store, uri, err);
  if (rc == MSG_OK)
    rc = msg__pool_init(&store->pool, store->options.pool_size, err);
  if (rc == MSG_OK) {
    msg_backend_conn *conn;
    rc = msg__pool_acquire(store, &conn, err);
    if (rc == MSG_OK) {
      rc = msg__call_migrate(store, conn, err);
      msg__pool_release(store, conn, rc);
    }
  }
  if (rc != MSG_OK) {
    destroy(store);
    return rc;
  }
  *out = store;
  return MSG_OK;
}

MSG_EXTERN void msg_store_close(msg_store *store) {
  if (store)
    destroy(store);
}

MSG_EXTERN int msg_store_ping(msg_store *store, msg_error *err) {
  msg_error local;
  if (!err)
    err = &local;
  if (!store)
    return msg_error_set(err, MSG_ERR_INVALID, NULL, "store must not be NULL");
  msg_backend_conn *conn;
  int rc = msg__pool_acquire(store, &conn, err);
  if (rc != MSG_OK)
    return rc;
  rc = msg__call_ping(store, conn, err);
  msg__pool_release(store, conn, rc);
  return rc;
}

MSG_EXTERN const char *msg_store_scheme(const msg_store *store) {
  return store ? store->scheme : NULL;
}

MSG_EXTERN void msg_store_stats_get(const msg_store *store, msg_store_stats *out) {
  if (!out)
    return;
  *out = (msg_store_stats){0};
  if (!store)
    return;
  msg__pool *pool = (msg__pool *)&store->pool;
  pthread_mutex_lock(&pool->lock);
  out->pool_size = pool->size;
  out->pool_open = pool->open;
  out->pool_in_use = pool->in_use;
  out->pool_waits = pool->waits;
  out->pool_timeouts = pool->timeouts;
  pthread_mutex_unlock(&pool->lock);
  out->errors_unavailable = atomic_load(&((msg_store *)store)->errors_unavailable);
  out->errors_internal = atomic_load(&((msg_store *)store)->errors_internal);
}
