/*
 * Shared by the PostgreSQL tests: the database they run against, fresh
 * databases of their own, SQL through libpq for what the public API does not
 * show (the schema version, plans), the pg-cluster script for outages, and a
 * monotonic clock for time bounds.
 *
 * Environment:
 *   MSG_TEST_PG_URI      the database (scripts/pg-cluster prints it); unset: skip
 *   MSG_TEST_PG_DIR      the pg-cluster directory, for tests that stop the server
 *   MSG_TEST_PG_CLUSTER  the pg-cluster script (meson sets it)
 */
#ifndef PGTEST_H
#define PGTEST_H

#include <check.h>
#include <libpq-fe.h>
#include <stdint.h>

/* The exit status without a database: meson reports 77 as skipped and 99 as
 * an error. A skip proves nothing, so it is an error unless MSG_ALLOW_SKIP=1
 * says a skip is acceptable (needs <stdlib.h> and <string.h>). */
#define PGT_EXIT_SKIP \
  (getenv("MSG_ALLOW_SKIP") && strcmp(getenv("MSG_ALLOW_SKIP"), "1") == 0 ? 77 : 99)

/* MSG_TEST_PG_URI, or NULL when unset or empty. */
const char *pgt_uri(void);

/* Random bits, for names and values no other run uses. */
uint64_t pgt_random(void);

/* Milliseconds on a monotonic clock. */
int64_t pgt_now_ms(void);

/* Sleeps `ms` milliseconds. */
void pgt_sleep_ms(int ms);

/* An admin connection to the test database (asserts it works); PQfinish it. */
PGconn *pgt_admin(void);

/* Runs `sql` on `db`, asserting it succeeds; returns the first value of the
 * first row as a malloc'd string ("" when there is none). */
char *pgt_sql(PGconn *db, const char *sql);

/* Creates an empty database named PREFIX_<random>; returns its name
 * (malloc'd). pgt_uri_for gives a URI for it; pgt_drop_database drops it. */
char *pgt_create_database(const char *prefix);
char *pgt_uri_for(const char *dbname);
void pgt_drop_database(const char *dbname);

/* Runs `pg-cluster COMMAND $MSG_TEST_PG_DIR`; returns its exit status. */
int pgt_cluster(const char *command);

#endif
