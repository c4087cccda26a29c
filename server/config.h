/*
 * msg-server settings: every one a flag and an environment variable, flags
 * winning. A bad value stops start-up with one line naming the setting.
 */
#ifndef MSG_SERVER_CONFIG_H
#define MSG_SERVER_CONFIG_H

typedef enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR } log_level;

typedef enum auth_mode { AUTH_NONE = 0, AUTH_APIKEY } auth_mode;

typedef struct server_config {
  const char *listen;        /* "HOST:PORT" as given */
  char *listen_host;         /* its IPv4 host ("localhost" made 127.0.0.1); owned */
  int listen_port;           /* 0: any free port (reported in the "listening" log line) */
  const char *database;      /* store URI */
  const char *read_database; /* --read-database: store URI for reads; NULL when not set */
  int threads;               /* worker threads = connections served at once */
  int connection_queue;      /* accepted connections waiting for a worker */
  log_level log_level;
  long max_body_bytes;
  int max_header_bytes;
  int request_timeout_ms;
  int keepalive_timeout_ms; /* 0 disables keep-alive */
  int drain_delay_ms;
  int pool_size; /* 0: the backend's default */
  int db_timeout_ms;
  auth_mode auth;
  const char *api_keys_file; /* NULL when not set */
  int insecure_no_auth;      /* --insecure-no-auth: allow auth none off loopback */
  int healthcheck;           /* --healthcheck: probe /healthz and exit */
} server_config;

typedef enum config_result { CONFIG_RUN, CONFIG_EXIT_OK, CONFIG_EXIT_USAGE } config_result;

/* Fills `cfg` from defaults, then the environment, then argv (which must
 * outlive `cfg`). Prints --help, --version or the one-line error itself.
 * Release with msg__config_free, whatever the result. */
config_result msg__config_load(server_config *cfg, int argc, char **argv);

void msg__config_free(server_config *cfg);

#endif
