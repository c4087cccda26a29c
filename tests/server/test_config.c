/*
 * The settings parser (server/config.c): for every numeric setting, exactly
 * its minimum and its maximum are accepted and stored, one below and one
 * above are refused with one line naming the flag or variable, from a flag
 * and from the environment alike; the listen port the same way. The bounds
 * are written out here on purpose: they are the documented limits, and a
 * change to the table must show up as a failing test.
 */
#include "server_unit.h"

#include "config.h"

#include <check.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct bound {
  const char *flag;
  const char *env;
  long min, max;
  size_t offset;
  int is_long; /* the field is a long, else an int */
} bound;

#define FIELD(f) offsetof(server_config, f)

static const bound bounds[] = {
    {"threads", "MSG_THREADS", 1, 1024, FIELD(threads), 0},
    {"connection-queue", "MSG_CONNECTION_QUEUE", 1, 65535, FIELD(connection_queue), 0},
    {"max-body-bytes", "MSG_MAX_BODY_BYTES", 64, 16L * 1024 * 1024, FIELD(max_body_bytes), 1},
    {"max-header-bytes", "MSG_MAX_HEADER_BYTES", 1024, 1024 * 1024, FIELD(max_header_bytes), 0},
    {"request-timeout-ms", "MSG_REQUEST_TIMEOUT_MS", 100, 3600000, FIELD(request_timeout_ms), 0},
    {"keepalive-timeout-ms", "MSG_KEEPALIVE_TIMEOUT_MS", 0, 3600000, FIELD(keepalive_timeout_ms), 0},
    {"drain-delay-ms", "MSG_DRAIN_DELAY_MS", 0, 3600000, FIELD(drain_delay_ms), 0},
    {"pool-size", "MSG_POOL_SIZE", 0, 1024, FIELD(pool_size), 0},
    {"db-timeout-ms", "MSG_DB_TIMEOUT_MS", 100, 600000, FIELD(db_timeout_ms), 0},
};

#define BOUND_COUNT (sizeof bounds / sizeof bounds[0])

/* Every variable the parser reads, cleared so the host's environment cannot
 * change a result. */
static void clear_environment(void) {
  static const char *const names[] = {
      "MSG_LISTEN",           "MSG_DATABASE_URL",         "MSG_READ_DATABASE_URL",
      "MSG_AUTH",             "MSG_API_KEYS_FILE",        "MSG_THREADS",
      "MSG_CONNECTION_QUEUE", "MSG_LOG_LEVEL",            "MSG_MAX_BODY_BYTES",
      "MSG_MAX_HEADER_BYTES", "MSG_REQUEST_TIMEOUT_MS",   "MSG_KEEPALIVE_TIMEOUT_MS",
      "MSG_DRAIN_DELAY_MS",   "MSG_POOL_SIZE",            "MSG_DB_TIMEOUT_MS",
      "MSG_INSECURE_NO_AUTH",
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    unsetenv(names[i]);
}

static long field_of(const server_config *cfg, const bound *b) {
  const char *p = (const char *)cfg + b->offset;
  return b->is_long ? *(const long *)(const void *)p : *(const int *)(const void *)p;
}

/* Loads the settings from `argv` (argv[0] included) with stderr captured
 * into `err` (NUL-terminated, truncated to its size). */
static config_result load(server_config *cfg, int argc, char **argv, char *err, size_t size) {
  FILE *capture = tmpfile();
  ck_assert_ptr_nonnull(capture);
  fflush(stderr);
  int saved = dup(STDERR_FILENO);
  ck_assert_int_ge(saved, 0);
  ck_assert_int_ge(dup2(fileno(capture), STDERR_FILENO), 0);
  config_result rc = msg__config_load(cfg, argc, argv);
  fflush(stderr);
  ck_assert_int_ge(dup2(saved, STDERR_FILENO), 0);
  close(saved);
  rewind(capture);
  size_t n = fread(err, 1, size - 1, capture);
  err[n] = '\0';
  fclose(capture);
  return rc;
}

/* One setting to `value`, from the flag (--flag=value) or the environment. */
static config_result load_one(server_config *cfg, const bound *b, long value, int from_env,
                              char *err, size_t size) {
  char number[32], arg[96];
  snprintf(number, sizeof number, "%ld", value);
  clear_environment();
  if (from_env) {
    ck_assert_int_eq(setenv(b->env, number, 1), 0);
    char *argv[] = {"msg-server", NULL};
    return load(cfg, 1, argv, err, size);
  }
  snprintf(arg, sizeof arg, "--%s=%s", b->flag, number);
  char *argv[] = {"msg-server", arg, NULL};
  return load(cfg, 2, argv, err, size);
}

static void accepts(const bound *b, long value, int from_env) {
  server_config cfg;
  char err[512];
  config_result rc = load_one(&cfg, b, value, from_env, err, sizeof err);
  ck_assert_msg(rc == CONFIG_RUN, "%s=%ld refused: %s", from_env ? b->env : b->flag, value, err);
  ck_assert_int_eq(field_of(&cfg, b), value);
  ck_assert_str_eq(err, "");
  msg__config_free(&cfg);
}

static void refuses(const bound *b, long value, int from_env) {
  server_config cfg;
  char err[512], name[64];
  config_result rc = load_one(&cfg, b, value, from_env, err, sizeof err);
  snprintf(name, sizeof name, from_env ? "%s" : "--%s", from_env ? b->env : b->flag);
  ck_assert_msg(rc == CONFIG_EXIT_USAGE, "%s=%ld accepted", name, value);
  ck_assert_msg(strstr(err, name), "the error does not name %s: %s", name, err);
  char *newline = strchr(err, '\n');
  ck_assert_msg(newline && newline[1] == '\0', "not one line: %s", err);
  msg__config_free(&cfg);
}

START_TEST(each_maximum_is_accepted_and_one_more_refused) {
  for (int from_env = 0; from_env <= 1; from_env++) {
    accepts(&bounds[_i], bounds[_i].max, from_env);
    refuses(&bounds[_i], bounds[_i].max + 1, from_env);
  }
}
END_TEST

START_TEST(each_minimum_is_accepted_and_one_less_refused) {
  for (int from_env = 0; from_env <= 1; from_env++) {
    accepts(&bounds[_i], bounds[_i].min, from_env);
    refuses(&bounds[_i], bounds[_i].min - 1, from_env);
  }
}
END_TEST

START_TEST(a_number_beyond_long_is_refused) {
  server_config cfg;
  char err[512], arg[96];
  clear_environment();
  snprintf(arg, sizeof arg, "--%s=99999999999999999999", bounds[_i].flag);
  char *argv[] = {"msg-server", arg, NULL};
  ck_assert_int_eq(load(&cfg, 2, argv, err, sizeof err), CONFIG_EXIT_USAGE);
  ck_assert_ptr_nonnull(strstr(err, bounds[_i].flag));
  msg__config_free(&cfg);
}
END_TEST

static config_result load_listen(server_config *cfg, const char *listen, char *err, size_t size) {
  char arg[96];
  clear_environment();
  snprintf(arg, sizeof arg, "--listen=%s", listen);
  char *argv[] = {"msg-server", arg, NULL};
  return load(cfg, 2, argv, err, size);
}

START_TEST(the_listen_port_goes_from_0_to_65535) {
  server_config cfg;
  char err[512];
  ck_assert_int_eq(load_listen(&cfg, "127.0.0.1:65535", err, sizeof err), CONFIG_RUN);
  ck_assert_int_eq(cfg.listen_port, 65535);
  ck_assert_str_eq(cfg.listen_host, "127.0.0.1");
  msg__config_free(&cfg);
  ck_assert_int_eq(load_listen(&cfg, "127.0.0.1:0", err, sizeof err), CONFIG_RUN);
  ck_assert_int_eq(cfg.listen_port, 0);
  msg__config_free(&cfg);
  ck_assert_int_eq(load_listen(&cfg, "127.0.0.1:65536", err, sizeof err), CONFIG_EXIT_USAGE);
  ck_assert_ptr_nonnull(strstr(err, "--listen"));
  msg__config_free(&cfg);
  ck_assert_int_eq(load_listen(&cfg, "127.0.0.1:-1", err, sizeof err), CONFIG_EXIT_USAGE);
  msg__config_free(&cfg);
}
END_TEST

START_TEST(the_defaults_are_within_the_bounds) {
  server_config cfg;
  char err[512];
  clear_environment();
  char *argv[] = {"msg-server", NULL};
  ck_assert_int_eq(load(&cfg, 1, argv, err, sizeof err), CONFIG_RUN);
  for (size_t i = 0; i < BOUND_COUNT; i++) {
    long v = field_of(&cfg, &bounds[i]);
    ck_assert_msg(v >= bounds[i].min && v <= bounds[i].max, "--%s default %ld", bounds[i].flag, v);
  }
  msg__config_free(&cfg);
}
END_TEST

Suite *config_suite(void) {
  Suite *s = suite_create("config");
  TCase *tc = tcase_create("config");
  tcase_add_loop_test(tc, each_maximum_is_accepted_and_one_more_refused, 0, (int)BOUND_COUNT);
  tcase_add_loop_test(tc, each_minimum_is_accepted_and_one_less_refused, 0, (int)BOUND_COUNT);
  tcase_add_loop_test(tc, a_number_beyond_long_is_refused, 0, (int)BOUND_COUNT);
  tcase_add_test(tc, the_listen_port_goes_from_0_to_65535);
  tcase_add_test(tc, the_defaults_are_within_the_bounds);
  suite_add_tcase(s, tc);
  return s;
}
