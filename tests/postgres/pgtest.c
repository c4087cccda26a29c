/*
 * Helpers of the PostgreSQL tests (see pgtest.h). Database names are built
 * from a fixed prefix and random hex digits only, so the SQL that creates
 * and drops them can name them directly.
 */
#include "pgtest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *pgt_uri(void) {
  const char *uri = getenv("MSG_TEST_PG_URI");
  return uri && uri[0] ? uri : NULL;
}

uint64_t pgt_random(void) {
  uint64_t v = 0;
  FILE *f = fopen("/dev/urandom", "rb");
  ck_assert_msg(f != NULL, "cannot open /dev/urandom");
  size_t n = fread(&v, sizeof v, 1, f);
  fclose(f);
  ck_assert_msg(n == 1, "cannot read /dev/urandom");
  return v;
}

int64_t pgt_now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void pgt_sleep_ms(int ms) {
  struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
  while (nanosleep(&t, &t) != 0 && errno == EINTR)
    ;
}

PGconn *pgt_admin(void) {
  const char *uri = pgt_uri();
  ck_assert_msg(uri != NULL, "MSG_TEST_PG_URI is not set");
  PGconn *db = PQconnectdb(uri);
  ck_assert_msg(db && PQstatus(db) == CONNECTION_OK, "cannot connect to the test database: %s",
                db ? PQerrorMessage(db) : "out of memory");
  return db;
}

char *pgt_sql(PGconn *db, const char *sql) {
  PGresult *res = PQexec(db, sql);
  ExecStatusType st = PQresultStatus(res);
  ck_assert_msg(st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK, "%s: %s", sql, PQerrorMessage(db));
  const char *value = st == PGRES_TUPLES_OK && PQntuples(res) > 0 && PQnfields(res) > 0
                          ? PQgetvalue(res, 0, 0)
                          : "";
  char *copy = strdup(value);
  PQclear(res);
  ck_assert_msg(copy != NULL, "out of memory");
  return copy;
}

static void exec_admin(const char *sql) {
  PGconn *db = pgt_admin();
  free(pgt_sql(db, sql));
  PQfinish(db);
}

char *pgt_create_database(const char *prefix) {
  char name[64], sql[128];
  snprintf(name, sizeof name, "%s_%016llx", prefix, (unsigned long long)pgt_random());
  snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
  exec_admin(sql);
  char *copy = strdup(name);
  ck_assert_msg(copy != NULL, "out of memory");
  return copy;
}

char *pgt_uri_for(const char *dbname) {
  const char *uri = pgt_uri();
  ck_assert_msg(uri != NULL, "MSG_TEST_PG_URI is not set");
  /* libpq lets a query parameter override the URI's path. */
  size_t len = strlen(uri) + strlen(dbname) + 16;
  char *out = malloc(len);
  ck_assert_msg(out != NULL, "out of memory");
  snprintf(out, len, "%s%cdbname=%s", uri, strchr(uri, '?') ? '&' : '?', dbname);
  return out;
}

void pgt_drop_database(const char *dbname) {
  char sql[128];
  snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", dbname);
  exec_admin(sql);
}

int pgt_cluster(const char *command) {
  const char *script = getenv("MSG_TEST_PG_CLUSTER");
  const char *dir = getenv("MSG_TEST_PG_DIR");
  ck_assert_msg(script && dir, "MSG_TEST_PG_CLUSTER and MSG_TEST_PG_DIR must be set");
  pid_t pid = fork();
  ck_assert_msg(pid >= 0, "fork failed");
  if (pid == 0) {
    execl(script, script, command, dir, (char *)NULL);
    _exit(127);
  }
  int status = 0;
  ck_assert_msg(waitpid(pid, &status, 0) == pid, "waitpid failed");
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
