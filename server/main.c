/*
 * msg-server: start-up, signals and the drain.
 *
 * SIGTERM and SIGINT are blocked before any thread exists, so every thread
 * inherits the mask and only the main thread, in sigwait, ever sees them.
 * On the first one the server drains, so that a Kubernetes rolling update
 * drops no request:
 *   1. readiness turns 503 at once and responses carry "Connection: close";
 *   2. for --drain-delay-ms requests are still served normally, while the
 *      load balancer takes this replica out of rotation;
 *   3. then the server waits until every connection is finished (bounded by
 *      the request and keep-alive timeouts), because civetweb's mg_stop
 *      makes reads and writes of requests still running fail;
 *   4. mg_stop closes the listener and joins the workers, the store is
 *      closed, and the exit status is 0.
 * A second signal during step 2 skips the rest of the delay.
 *
 * SIGHUP reloads the API keys file; so does a change to the file, looked
 * for every KEYS_POLL_MS (a Kubernetes Secret volume changes with no
 * signal).
 */
#include "auth.h"
#include "config.h"
#include "healthcheck.h"
#include "http.h"
#include "json.h"
#include "keygen.h"
#include "listener.h"
#include "log.h"
#include "read_store.h"
#include "routes.h"

#include <civetweb.h>
#include <msg/msg.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef MSG_SERVER_VERSION
#define MSG_SERVER_VERSION MSG_VERSION_STRING /* the one version: msg/version.h */
#endif

/* How often the drain looks at the open connections, and how many looks in
 * a row must find none: a connection that civetweb has accepted but not yet
 * handed to a worker is only counted once a worker takes it. */
#define DRAIN_POLL_MS 10
#define DRAIN_IDLE_POLLS 3
#define KEYS_POLL_MS 5000

/* Opens the store at `uri`; `setting` names it in the one-line error. */
static int open_store(msg_store **store, const server_config *cfg, const char *uri,
                      const char *setting) {
  msg_store_options opts = MSG_STORE_OPTIONS_INIT;
  opts.pool_size = (unsigned)cfg->pool_size;
  opts.pool_timeout_ms = (unsigned)cfg->db_timeout_ms;
  opts.timeout_ms = (unsigned)cfg->db_timeout_ms;
  msg_error err;
  int rc = msg_store_open(store, uri, &opts, &err);
  if (rc == MSG_OK)
    return 0;
  if (rc == MSG_ERR_INVALID) {
    /* A bad setting: one line naming it, exit status 2. */
    fprintf(stderr, "msg-server: %s: %s\n", setting, err.message);
    return 2;
  }
  cJSON *f = cJSON_CreateObject();
  if (f) {
    cJSON_AddStringToObject(f, "store", setting);
    cJSON_AddStringToObject(f, "status", msg_status_str(rc));
    cJSON_AddStringToObject(f, "error", err.message);
  }
  msg__log_event(LOG_ERROR, "cannot open the store", f);
  return 1;
}

/* The primary, then the read store when one is set. A read store must open
 * at start-up like the primary (see docs/scaling.md for a URI that falls
 * back to the primary by itself); once running, a failing one only moves
 * reads to the primary (read_store.h). */
static int open_stores(server *srv, const server_config *cfg) {
  int rc = open_store(&srv->store, cfg, cfg->database, "--database/MSG_DATABASE_URL");
  if (rc == 0 && cfg->read_database) {
    rc = open_store(&srv->read_store, cfg, cfg->read_database,
                    "--read-database/MSG_READ_DATABASE_URL");
    if (rc != 0) {
      msg_store_close(srv->store);
      srv->store = NULL;
    }
  }
  return rc;
}

static struct mg_context *start_http(server *srv, const server_config *cfg) {
  char listen[96], threads[16], queue[16], header[16], request_timeout[16], keepalive[16];
  snprintf(listen, sizeof listen, "%s:%d", cfg->listen_host, cfg->listen_port);
  snprintf(threads, sizeof threads, "%d", cfg->threads);
  snprintf(queue, sizeof queue, "%d", cfg->connection_queue);
  snprintf(header, sizeof header, "%d", cfg->max_header_bytes);
  snprintf(request_timeout, sizeof request_timeout, "%d", cfg->request_timeout_ms);
  snprintf(keepalive, sizeof keepalive, "%d", cfg->keepalive_timeout_ms);
  /* clang-format off */
  const char *options[] = {
      "listening_ports", listen,
      "num_threads", threads,
      "connection_queue", queue,
      "max_request_size", header,
      "request_timeout_ms", request_timeout,
      "keep_alive_timeout_ms", keepalive,
      "enable_keep_alive", cfg->keepalive_timeout_ms > 0 ? "yes" : "no",
      /* Paths reach the router undecoded, so an escaped "/" inside a path
       * parameter cannot change which route matches. */
      "decode_url", "no",
      "tcp_nodelay", "1",
      NULL,
  };
  /* clang-format on */
  struct mg_callbacks callbacks;
  memset(&callbacks, 0, sizeof callbacks);
  msg__listener_callbacks(&callbacks);
  struct mg_init_data init = {
      .callbacks = &callbacks, .user_data = srv, .configuration_options = options};
  unsigned code = 0;
  char text[256];
  text[0] = '\0';
  struct mg_error_data error = {.code = &code, .text = text, .text_buffer_size = sizeof text};
  struct mg_context *ctx = mg_start2(&init, &error);
  if (!ctx) {
    msg__log_message(LOG_ERROR, "cannot start the HTTP listener", "error", text);
    return NULL;
  }
  mg_set_request_handler(ctx, "**", msg__routes_dispatch, srv);
  return ctx;
}

static void log_listening(struct mg_context *ctx, const server_config *cfg, const server *srv) {
  struct mg_server_port port;
  int port_number = cfg->listen_port;
  if (mg_get_server_ports(ctx, 1, &port) == 1)
    port_number = port.port;
  cJSON *f = cJSON_CreateObject();
  if (f) {
    cJSON_AddStringToObject(f, "host", cfg->listen_host);
    cJSON_AddNumberToObject(f, "port", port_number);
    cJSON_AddStringToObject(f, "backend", msg_store_scheme(srv->store));
    if (srv->read_store)
      cJSON_AddStringToObject(f, "read_backend", msg_store_scheme(srv->read_store));
    cJSON_AddStringToObject(f, "version", MSG_SERVER_VERSION);
    cJSON_AddNumberToObject(f, "threads", cfg->threads);
  }
  msg__log_event(LOG_INFO, "listening", f);
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* Waits for the drain delay; a second signal cuts it short. */
static void drain_delay(const sigset_t *signals, int delay_ms) {
  struct timespec timeout = {delay_ms / 1000, (delay_ms % 1000) * 1000000L};
  while (sigtimedwait(signals, NULL, &timeout) < 0 && errno == EINTR)
    continue;
}

/* Waits until no connection is open, or until the longest a connection can
 * still legitimately take. Returns the connections left open. */
static int wait_idle(const server_config *cfg) {
  long long deadline = now_ms() + cfg->request_timeout_ms + cfg->keepalive_timeout_ms + 1000;
  int idle_polls = 0;
  while (idle_polls < DRAIN_IDLE_POLLS && now_ms() < deadline) {
    idle_polls = msg__listener_open_connections() == 0 ? idle_polls + 1 : 0;
    sleep_ms(DRAIN_POLL_MS);
  }
  return msg__listener_open_connections();
}

/* Serves until SIGTERM or SIGINT, which it returns; reloads the keys on
 * SIGHUP and when the file changes. */
static int wait_for_stop(const sigset_t *signals) {
  sigset_t with_hup = *signals;
  sigaddset(&with_hup, SIGHUP);
  const struct timespec poll = {KEYS_POLL_MS / 1000, (KEYS_POLL_MS % 1000) * 1000000L};
  for (;;) {
    int sig = sigtimedwait(&with_hup, NULL, &poll);
    if (sig == SIGHUP)
      msg__auth_reload("SIGHUP");
    else if (sig < 0)
      msg__auth_poll();
    else
      return sig;
  }
}

static int serve(server *srv, const sigset_t *signals) {
  const server_config *cfg = srv->config;
  struct mg_context *ctx = start_http(srv, cfg);
  if (!ctx)
    return 1;
  log_listening(ctx, cfg, srv);

  int sig = wait_for_stop(signals);
  atomic_store(&srv->draining, 1);
  cJSON *f = cJSON_CreateObject();
  if (f) {
    cJSON_AddStringToObject(f, "signal", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    cJSON_AddNumberToObject(f, "drain_delay_ms", cfg->drain_delay_ms);
  }
  msg__log_event(LOG_INFO, "draining", f);
  drain_delay(signals, cfg->drain_delay_ms);

  int left = wait_idle(cfg);
  if (left > 0) {
    f = cJSON_CreateObject();
    if (f)
      cJSON_AddNumberToObject(f, "open_connections", left);
    msg__log_event(LOG_WARN, "stopping with connections still open", f);
  }
  mg_stop(ctx);
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "keygen") == 0)
    return msg__keygen_main(argc - 2, argv + 2);
  sigset_t signals, blocked;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  blocked = signals;
  sigaddset(&blocked, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &blocked, NULL);
  signal(SIGPIPE, SIG_IGN);

  server_config cfg;
  config_result loaded = msg__config_load(&cfg, argc, argv);
  if (loaded != CONFIG_RUN) {
    msg__config_free(&cfg);
    return loaded == CONFIG_EXIT_OK ? 0 : 2;
  }
  if (cfg.healthcheck) {
    int rc = msg__healthcheck_run(&cfg);
    msg__config_free(&cfg);
    return rc;
  }
  msg__log_set_level(cfg.log_level);
  if (cfg.auth == AUTH_NONE && cfg.insecure_no_auth)
    msg__log_message(LOG_WARN, "authentication is off: anyone who can connect can read and "
                     "write every account", "listen", cfg.listen);
  int rc = msg__auth_start(&cfg);
  if (rc != 0) {
    msg__config_free(&cfg);
    return rc;
  }
  msg__json_init();
  mg_init_library(0);

  server srv = {.config = &cfg};
  rc = open_stores(&srv, &cfg);
  if (rc == 0 && msg__read_store_watch_start(&srv) != 0) {
    msg__log_message(LOG_ERROR, "cannot start the read store's watcher", NULL, NULL);
    msg_store_close(srv.read_store);
    msg_store_close(srv.store);
    rc = 1;
  } else if (rc == 0) {
    rc = serve(&srv, &signals);
    msg__read_store_watch_stop();
    msg_store_close(srv.read_store);
    msg_store_close(srv.store);
    msg__log_message(LOG_INFO, rc == 0 ? "stopped" : "failed to start", NULL, NULL);
  }
  mg_exit_library();
  msg__auth_stop();
  msg__config_free(&cfg);
  return rc;
}
