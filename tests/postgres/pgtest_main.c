/*
 * Runner of the PostgreSQL tests that use only the public API:
 *
 *   postgres-tests SUITE      SUITE: migrate, outage, idempotency, secrets
 *
 * Exits 99 (meson: error; 77, skipped, with MSG_ALLOW_SKIP=1) when the
 * environment does not name a database (and, for the outage suite, the
 * cluster to stop), so that a missing server is never mistaken for a pass;
 * scripts/test treats a skip as a failure too.
 */
#include "pgtest_suites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
  const char *name;
  Suite *(*make)(void);
  int needs_cluster;
} suites[] = {
    {"migrate", pgt_migrate_suite, 0},
    {"outage", pgt_outage_suite, 1},
    {"idempotency", pgt_idempotency_suite, 0},
    {"secrets", pgt_secrets_suite, 0},
};

static const char *missing_env(int needs_cluster) {
  if (!pgt_uri())
    return "MSG_TEST_PG_URI";
  if (needs_cluster && !getenv("MSG_TEST_PG_DIR"))
    return "MSG_TEST_PG_DIR";
  if (needs_cluster && !getenv("MSG_TEST_PG_CLUSTER"))
    return "MSG_TEST_PG_CLUSTER";
  return NULL;
}

int main(int argc, char **argv) {
  for (size_t i = 0; argc == 2 && i < sizeof suites / sizeof suites[0]; i++) {
    if (strcmp(argv[1], suites[i].name) != 0)
      continue;
    const char *missing = missing_env(suites[i].needs_cluster);
    if (missing) {
      fprintf(stderr, "postgres-tests: %s is not set (an error unless MSG_ALLOW_SKIP=1)\n", missing);
      return PGT_EXIT_SKIP;
    }
    SRunner *runner = srunner_create(suites[i].make());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
  }
  fprintf(stderr, "usage: %s migrate|outage|idempotency|secrets\n", argv[0]);
  return EXIT_FAILURE;
}
