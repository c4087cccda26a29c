/*
 * msg-server: start-up, signals and graceful drain.
 *
 * Signals are blocked in every thread and taken by sigwait in the main
 * thread, so no handler runs inside civetweb or libmsg. On SIGTERM or SIGINT:
 * readiness turns 503 at once (responses also say "Connection: close"), the
 * listener stays open for --drain-delay-ms so requests routed here before
 * the endpoints update still succeed, then mg_stop refuses new connections
 * and waits for the requests in flight, the store is closed, and the process
 * exits 0. That is the sequence a Kubernetes rolling update needs.
 */
#include "config.h"
#include "healthcheck.h"
#include "http.h"
#include "log.h"
#include "routes.h"

#include <civetweb.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int log_civetweb(const struct mg_connection *conn, const char *message) {
  log_message(LOG_WARN, "http server", "detail", message);
  return 1;
}

static struct mg_context *start_http(server *srv, const server_config *cfg) {
  char threads[16], queue[16], header[16], timeout[16], keepalive[16];
  snprintf(threads, sizeof threads, "%d", cfg->threads);
  snprintf(queue, sizeof queue, "%d", cfg->connection_queue);
  snprintf(header, sizeof header, "%d", cfg->max_header_bytes);
  snprintf(timeout, sizeof timeout, "%d", cfg->request_timeout_ms);
  snprintf(keepalive, sizeof keepalive, "%d", cfg->keepalive_timeout_ms);
  const char *options[] = {
      "listening_ports", cfg->listen,
      "num_threads", threads,
      "connection_queue", queue,
      "max_request_size", header,
      "request_timeout_ms", timeout,
      "keep_alive_timeout_ms", keepalive,
      "enable_keep_alive", cfg->keepalive_timeout_ms > 0 ? "yes" : "no",
      "linger_timeout_ms", "1000",
      NULL,
  };
  struct mg_callbacks callbacks;
  memset(&callbacks, 0, sizeof callbacks);
  callbacks.log_message = log_civetweb;
  struct mg_context *ctx = mg_start(&callbacks, srv, options);
  if (ctx)
    mg_set_request_handler(ctx, "/", routes_dispatch, srv);
  return ctx;
}

static int open_store(server *srv, const server_config *cfg) {
  msg_store_options opts = MSG_STORE_OPTIONS_INIT;
  opts.pool_size = (unsigned int)cfg->pool_size;
  opts.timeout_ms = (unsigned int)cfg->db_timeout_ms;
  opts.pool_timeout_ms = (unsigned int)cfg->db_timeout_ms;
  msg_error err;
  if (msg_store_open(&srv->store, cfg->database, &opts, &err) != MSG_OK) {
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "error", err.message);
    cJSON_AddStringToObject(f, "status", msg_status_str(err.status));
    log_event(LOG_ERROR, "cannot open the store", f);
    return -1;
  }
  return 0;
}

static void sleep_ms(int ms) {
  struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
  while (nanosleep(&t, &t) != 0)
    ;
}

int main(int argc, char **argv) {
  server_config cfg;
  switch (config_load(&cfg, argc, argv)) {
  case CONFIG_EXIT_OK:
    return 0;
  case CONFIG_EXIT_USAGE:
    return 2;
  case CONFIG_RUN:
    break;
  }
  if (cfg.healthcheck)
    return healthcheck_run(&cfg);
  log_set_level(cfg.log_level);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, NULL);
  signal(SIGPIPE, SIG_IGN);

  server srv = {.config = &cfg};
  if (open_store(&srv, &cfg) != 0)
    return 1;
  mg_init_library(0);
  struct mg_context *ctx = start_http(&srv, &cfg);
  if (!ctx) {
    log_message(LOG_ERROR, "cannot listen", "listen", cfg.listen);
    msg_store_close(srv.store);
    mg_exit_library();
    return 1;
  }
  cJSON *f = cJSON_CreateObject();
  cJSON_AddStringToObject(f, "listen", cfg.listen);
  cJSON_AddStringToObject(f, "backend", msg_store_scheme(srv.store));
  cJSON_AddNumberToObject(f, "threads", cfg.threads);
  log_event(LOG_INFO, "msg-server started", f);

  int sig = 0;
  sigwait(&signals, &sig);
  atomic_store(&srv.draining, 1);
  log_message(LOG_INFO, "draining", "signal", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  sleep_ms(cfg.drain_delay_ms);
  mg_stop(ctx);
  mg_exit_library();
  msg_store_close(srv.store);
  log_message(LOG_INFO, "msg-server stopped", NULL, NULL);
  return 0;
}
