/*
 * Routing reads between the primary and the read store (read_store.h).
 *
 * The state is a few atomics, since every worker thread routes reads and
 * the watcher thread probes: the time until which the read store is out,
 * and the counters for /metrics.
 * Only MSG_ERR_UNAVAILABLE moves a read to the primary. A message missing
 * on a replica (MSG_ERR_NOT_FOUND) is an answer, not a failure: the replica
 * may simply be behind, which is what Read-From: primary is for.
 */
#include "read_store.h"

#include "problem.h"

#include <pthread.h>
#include <stdatomic.h>
#include <strings.h>
#include <time.h>

static atomic_llong out_until_ms;
static atomic_ullong on_primary, on_replica, fallbacks;

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int msg__read_target(request_ctx *req, read_target *out) {
  out->req = req;
  out->primary = 0;
  const char *v = msg__http_header(req, "Read-From");
  if (!v || strcasecmp(v, "replica") == 0)
    return 0;
  if (strcasecmp(v, "primary") == 0) {
    out->primary = 1;
    return 0;
  }
  msg__problem_send(req, 400, "Read-From", NULL, "the Read-From header must be primary or replica");
  return -1;
}

/* The read store to try first, or NULL for the primary. */
static msg_store *replica_for(const read_target *t) {
  msg_store *read = t->req->srv->read_store;
  if (!read || t->primary || now_ms() < atomic_load(&out_until_ms))
    return NULL;
  return read;
}

/* After a read on the read store: 1 to retry it on the primary. */
static int fall_back(int rc) {
  if (rc != MSG_ERR_UNAVAILABLE) {
    atomic_fetch_add(&on_replica, 1);
    return 0;
  }
  atomic_store(&out_until_ms, now_ms() + READ_STORE_RETRY_MS);
  atomic_fetch_add(&fallbacks, 1);
  return 1;
}

int msg__read_get(const read_target *t, msg_message **out, const char *message_id, msg_error *err) {
  msg_store *replica = replica_for(t);
  if (replica) {
    int rc = msg_message_get(out, replica, message_id, err);
    if (!fall_back(rc))
      return rc;
  }
  atomic_fetch_add(&on_primary, 1);
  return msg_message_get(out, t->req->srv->store, message_id, err);
}

int msg__read_list(const read_target *t, msg_page **out, int64_t account_id,
                   const msg_page_request *page, msg_error *err) {
  msg_store *replica = replica_for(t);
  if (replica) {
    int rc = msg_message_list(out, replica, account_id, page, err);
    if (!fall_back(rc))
      return rc;
  }
  atomic_fetch_add(&on_primary, 1);
  return msg_message_list(out, t->req->srv->store, account_id, page, err);
}

int msg__read_search(const read_target *t, msg_page **out, const msg_filter *filter,
                     const msg_page_request *page, msg_error *err) {
  msg_store *replica = replica_for(t);
  if (replica) {
    int rc = msg_message_search(out, replica, filter, page, err);
    if (!fall_back(rc))
      return rc;
  }
  atomic_fetch_add(&on_primary, 1);
  return msg_message_search(out, t->req->srv->store, filter, page, err);
}

static pthread_t watcher;
static atomic_int watching, stop_watching;

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static void *watch(void *arg) {
  msg_store *read = arg;
  while (!atomic_load(&stop_watching)) {
    msg_error err;
    if (msg_store_ping(read, &err) == MSG_OK)
      atomic_store(&out_until_ms, 0);
    else
      atomic_store(&out_until_ms, now_ms() + READ_STORE_RETRY_MS);
    /* Short naps, so that a stop is not held up by a whole period. */
    for (int slept = 0; slept < READ_STORE_PROBE_MS && !atomic_load(&stop_watching); slept += 50)
      sleep_ms(50);
  }
  return NULL;
}

int msg__read_store_watch_start(server *srv) {
  if (!srv->read_store)
    return 0;
  atomic_store(&stop_watching, 0);
  if (pthread_create(&watcher, NULL, watch, srv->read_store) != 0)
    return -1;
  atomic_store(&watching, 1);
  return 0;
}

void msg__read_store_watch_stop(void) {
  if (!atomic_load(&watching))
    return;
  atomic_store(&stop_watching, 1);
  pthread_join(watcher, NULL);
  atomic_store(&watching, 0);
}

void msg__read_counts_get(const server *srv, read_counts *out) {
  out->on_primary = atomic_load(&on_primary);
  out->on_replica = atomic_load(&on_replica);
  out->fallbacks = atomic_load(&fallbacks);
  out->replica_up = srv->read_store && now_ms() >= atomic_load(&out_until_ms);
}
