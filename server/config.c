/*
 * Settings. One table describes every setting (flag, environment variable,
 * default, help); parsing walks it, so --help, the environment and the flags
 * can never disagree. Values are checked here, once, so that the rest of the
 * server can trust them.
 */
#include "config.h"

#include <msg/msg.h>

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MSG_SERVER_VERSION
#define MSG_SERVER_VERSION MSG_VERSION_STRING /* the one version: msg/version.h */
#endif

typedef enum kind {
  KIND_STRING,
  KIND_OPTIONAL_STRING, /* no default: NULL unless set */
  KIND_INT,
  KIND_LONG,
  KIND_LEVEL,
  KIND_LISTEN,
  KIND_AUTH
} kind;

typedef struct setting {
  const char *flag;
  const char *env;
  kind kind;
  size_t offset; /* of the field in server_config (the string and number kinds) */
  long min, max;
  const char *default_value;
  const char *help;
} setting;

#define AT(field) offsetof(server_config, field)

static const setting settings[] = {
    {"listen", "MSG_LISTEN", KIND_LISTEN, AT(listen), 0, 0, "127.0.0.1:8080",
     "address to listen on, HOST:PORT (IPv4)"},
    {"database", "MSG_DATABASE_URL", KIND_STRING, AT(database), 0, 0, "sqlite:msg.db",
     "store URI: sqlite:PATH, sqlite::memory:, postgresql://..."},
    {"read-database", "MSG_READ_DATABASE_URL", KIND_OPTIONAL_STRING, AT(read_database), 0, 0, NULL,
     "store URI for get, list and search (replicas); creates stay on --database"},
    {"auth", "MSG_AUTH", KIND_AUTH, AT(auth), 0, 0, "none",
     "none, or apikey: /v1 needs Authorization: Bearer <token> from --api-keys"},
    {"api-keys", "MSG_API_KEYS_FILE", KIND_OPTIONAL_STRING, AT(api_keys_file), 0, 0, NULL,
     "file of API key hashes (lines from `msg-server keygen`); reloaded on SIGHUP and change"},
    {"threads", "MSG_THREADS", KIND_INT, AT(threads), 1, 1024, "32",
     "worker threads = connections served at once"},
    {"connection-queue", "MSG_CONNECTION_QUEUE", KIND_INT, AT(connection_queue), 1, 65535, "64",
     "accepted connections that may wait for a worker"},
    {"log-level", "MSG_LOG_LEVEL", KIND_LEVEL, AT(log_level), 0, 0, "info",
     "debug, info, warn or error"},
    {"max-body-bytes", "MSG_MAX_BODY_BYTES", KIND_LONG, AT(max_body_bytes), 64, 16L * 1024 * 1024,
     "65536", "largest request body accepted (413 above)"},
    {"max-header-bytes", "MSG_MAX_HEADER_BYTES", KIND_INT, AT(max_header_bytes), 1024, 1024 * 1024,
     "16384", "largest request line plus headers accepted"},
    {"request-timeout-ms", "MSG_REQUEST_TIMEOUT_MS", KIND_INT, AT(request_timeout_ms), 100, 3600000,
     "10000", "longest time to receive a request or send a response"},
    {"keepalive-timeout-ms", "MSG_KEEPALIVE_TIMEOUT_MS", KIND_INT, AT(keepalive_timeout_ms), 0,
     3600000, "5000", "how long an idle keep-alive connection is held"},
    {"drain-delay-ms", "MSG_DRAIN_DELAY_MS", KIND_INT, AT(drain_delay_ms), 0, 3600000, "5000",
     "after SIGTERM/SIGINT: time requests are still served while /readyz answers 503"},
    {"pool-size", "MSG_POOL_SIZE", KIND_INT, AT(pool_size), 0, 1024, "0",
     "database connections per process (0: the backend's default)"},
    {"db-timeout-ms", "MSG_DB_TIMEOUT_MS", KIND_INT, AT(db_timeout_ms), 100, 600000, "5000",
     "bound on connecting to the database and on each statement"},
};

#define SETTING_COUNT (sizeof settings / sizeof settings[0])

static void print_help(void) {
  printf("Usage: msg-server [OPTION]...\n"
         "       msg-server --healthcheck [--listen HOST:PORT]\n"
         "       msg-server keygen --account ACCOUNT_ID|'*' [--label LABEL]\n\n"
         "Serves the libmsg HTTP API. Every option can also be set through the environment\n"
         "variable shown; a flag wins over the environment.\n\n");
  for (size_t i = 0; i < SETTING_COUNT; i++) {
    const setting *s = &settings[i];
    printf("  --%-22s %-26s %s (default %s)\n", s->flag, s->env, s->help,
           s->default_value ? s->default_value : "none");
  }
  printf("  --%-22s %-26s %s\n", "insecure-no-auth", "MSG_INSECURE_NO_AUTH=1",
         "allow --auth none on a non-loopback address (logs a warning)");
  printf("  --%-22s %-26s %s\n", "healthcheck", "", "GET /healthz on --listen; exit 0 if 200");
  printf("  --%-22s %-26s %s\n", "help", "", "show this help");
  printf("  --%-22s %-26s %s\n", "version", "", "show the version");
}

/* Parses "HOST:PORT" with an IPv4 host (or "localhost"); sets cfg->listen_host
 * (allocated) and cfg->listen_port. -1 when malformed, -2 when out of memory. */
static int split_listen(server_config *cfg, const char *listen) {
  const char *colon = strrchr(listen, ':');
  if (!colon || colon == listen)
    return -1;
  size_t host_len = (size_t)(colon - listen);
  char *host = strndup(listen, host_len);
  if (!host)
    return -2;
  struct in_addr addr;
  if (strcmp(host, "localhost") == 0) {
    free(host);
    host = strdup("127.0.0.1");
    if (!host)
      return -2;
  } else if (inet_pton(AF_INET, host, &addr) != 1) {
    free(host);
    return -1;
  }
  const char *digits = colon + 1;
  char *end;
  errno = 0;
  long port = strtol(digits, &end, 10);
  if (errno || *end != '\0' || end == digits || *digits < '0' || *digits > '9' || port > 65535) {
    free(host);
    return -1;
  }
  free(cfg->listen_host);
  cfg->listen_host = host;
  cfg->listen_port = (int)port;
  return 0;
}

static int set_value(server_config *cfg, const setting *s, const char *value, const char *origin) {
  if (s->kind == KIND_AUTH) {
    if (strcmp(value, "none") == 0 || strcmp(value, "apikey") == 0) {
      cfg->auth = value[0] == 'n' ? AUTH_NONE : AUTH_APIKEY;
      return 0;
    }
    fprintf(stderr, "msg-server: %s: invalid value '%s' (none or apikey)\n", origin, value);
    return -1;
  }
  if (s->kind == KIND_STRING || s->kind == KIND_OPTIONAL_STRING || s->kind == KIND_LISTEN) {
    int rc = value[0] == '\0' ? -1 : s->kind == KIND_LISTEN ? split_listen(cfg, value) : 0;
    if (rc == -2) {
      fprintf(stderr, "msg-server: %s: out of memory\n", origin);
      return -1;
    }
    if (rc != 0) {
      fprintf(stderr, "msg-server: %s: invalid value '%s' (%s)\n", origin, value, s->help);
      return -1;
    }
    *(const char **)(void *)((char *)cfg + s->offset) = value;
    return 0;
  }
  if (s->kind == KIND_LEVEL) {
    static const char *const names[] = {"debug", "info", "warn", "error"};
    for (int i = 0; i < 4; i++) {
      if (strcmp(value, names[i]) == 0) {
        cfg->log_level = (log_level)i;
        return 0;
      }
    }
    fprintf(stderr, "msg-server: %s: invalid value '%s' (debug, info, warn or error)\n", origin,
            value);
    return -1;
  }
  char *end;
  errno = 0;
  long v = strtol(value, &end, 10);
  if (errno || *end != '\0' || end == value || v < s->min || v > s->max) {
    fprintf(stderr, "msg-server: %s: invalid value '%s' (an integer from %ld to %ld)\n", origin,
            value, s->min, s->max);
    return -1;
  }
  char *field = (char *)cfg + s->offset;
  if (s->kind == KIND_LONG)
    *(long *)(void *)field = v;
  else
    *(int *)(void *)field = (int)v;
  return 0;
}

/* 127.0.0.0/8: only this machine can connect. */
static int is_loopback(const char *host) {
  struct in_addr addr;
  return inet_pton(AF_INET, host, &addr) == 1 && (ntohl(addr.s_addr) >> 24) == 127;
}

/* The settings that only make sense together. Without authentication every
 * caller can read every account, so that is refused where other machines
 * can connect unless the operator says, with --insecure-no-auth, that
 * something in front (a network policy, an authenticating proxy) guards it. */
static int check_auth(const server_config *cfg) {
  if (cfg->auth == AUTH_APIKEY && !cfg->api_keys_file) {
    fprintf(stderr, "msg-server: --auth apikey needs --api-keys/MSG_API_KEYS_FILE\n");
    return -1;
  }
  if (cfg->auth == AUTH_NONE && cfg->api_keys_file) {
    fprintf(stderr, "msg-server: --api-keys is set but --auth is none; use --auth apikey\n");
    return -1;
  }
  if (cfg->auth == AUTH_NONE && !cfg->insecure_no_auth && !cfg->healthcheck &&
      !is_loopback(cfg->listen_host)) {
    fprintf(stderr,
            "msg-server: --auth none on %s would let anyone who can connect read every "
            "account; use --auth apikey with --api-keys, or --insecure-no-auth\n",
            cfg->listen_host);
    return -1;
  }
  return 0;
}

static const setting *find_flag(const char *name, size_t len) {
  for (size_t i = 0; i < SETTING_COUNT; i++) {
    if (strlen(settings[i].flag) == len && strncmp(settings[i].flag, name, len) == 0)
      return &settings[i];
  }
  return NULL;
}

config_result msg__config_load(server_config *cfg, int argc, char **argv) {
  *cfg = (server_config){0};
  /* Pick each setting's one value first (flag, else environment, else
   * default) and validate only that, so a bad environment value that a flag
   * overrides does not stop start-up. */
  const char *flag_values[SETTING_COUNT] = {0};
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      print_help();
      return CONFIG_EXIT_OK;
    }
    if (strcmp(arg, "--version") == 0) {
      printf("msg-server %s (libmsg %s)\n", MSG_SERVER_VERSION, msg_version());
      return CONFIG_EXIT_OK;
    }
    if (strcmp(arg, "--healthcheck") == 0) {
      cfg->healthcheck = 1;
      continue;
    }
    if (strcmp(arg, "--insecure-no-auth") == 0) {
      cfg->insecure_no_auth = 1;
      continue;
    }
    if (strncmp(arg, "--", 2) != 0) {
      fprintf(stderr, "msg-server: unexpected argument '%s' (see --help)\n", arg);
      return CONFIG_EXIT_USAGE;
    }
    const char *name = arg + 2, *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const setting *s = find_flag(name, len);
    if (!s) {
      fprintf(stderr, "msg-server: unknown option '--%.*s' (see --help)\n", (int)len, name);
      return CONFIG_EXIT_USAGE;
    }
    const char *value = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
    if (!value) {
      fprintf(stderr, "msg-server: --%s needs a value\n", s->flag);
      return CONFIG_EXIT_USAGE;
    }
    flag_values[s - settings] = value;
  }
  for (size_t i = 0; i < SETTING_COUNT; i++) {
    const setting *s = &settings[i];
    char origin[64]; /* a flag or variable name from the table, never user text */
    const char *value = flag_values[i];
    if (value) {
      snprintf(origin, sizeof origin, "--%s", s->flag);
    } else if ((value = getenv(s->env)) != NULL) {
      snprintf(origin, sizeof origin, "%s", s->env);
    } else if ((value = s->default_value) != NULL) {
      snprintf(origin, sizeof origin, "--%s (default)", s->flag);
    } else {
      continue;
    }
    if (set_value(cfg, s, value, origin) != 0)
      return CONFIG_EXIT_USAGE;
  }
  if (!cfg->insecure_no_auth) {
    const char *env = getenv("MSG_INSECURE_NO_AUTH");
    cfg->insecure_no_auth = env && (strcmp(env, "1") == 0 || strcmp(env, "true") == 0);
  }
  return check_auth(cfg) == 0 ? CONFIG_RUN : CONFIG_EXIT_USAGE;
}

void msg__config_free(server_config *cfg) {
  free(cfg->listen_host);
  cfg->listen_host = NULL;
}
