/*
 * The command line of the PostgreSQL tests that use only the public API,
 * read for the shared runner (tests/check_main.c; the suites are listed in
 * meson.build):
 *
 *   postgres-tests SUITE      SUITE: migrate, outage, idempotency, secrets
 *
 * Exits 99 (meson: error; 77, skipped, with MSG_ALLOW_SKIP=1) when the
 * environment does not name a database (and, for the outage suite, the
 * cluster to stop), so that a missing server is never mistaken for a pass;
 * scripts/test treats a skip as a failure too.
 */
#include "pgtest_suites.h"

#include "check_main.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *missing_env(const char *suite) {
  if (!pgt_uri())
    return "MSG_TEST_PG_URI";
  int needs_cluster = strcmp(suite, "outage") == 0;
  if (needs_cluster && !getenv("MSG_TEST_PG_DIR"))
    return "MSG_TEST_PG_DIR";
  if (needs_cluster && !getenv("MSG_TEST_PG_CLUSTER"))
    return "MSG_TEST_PG_CLUSTER";
  return NULL;
}

check_prepare_fn pgt_prepare;

int pgt_prepare(int argc, char **argv, const char **only) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s migrate|outage|idempotency|secrets\n", argv[0]);
    return EXIT_FAILURE;
  }
  const char *missing = missing_env(argv[1]);
  if (missing) {
    fprintf(stderr, "postgres-tests: %s is not set (an error unless MSG_ALLOW_SKIP=1)\n", missing);
    return PGT_EXIT_SKIP;
  }
  *only = argv[1];
  return -1;
}
