/*
 * The runner of the SQLite backend tests: the one list of every suite.
 * `sqlite-backend NAME` runs one suite (meson registers one test() each);
 * without a name it runs them all.
 */
#include "sqlite_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
  const char *name;
  Suite *(*make)(void);
} suites[] = {
    {"plan", plan_suite},   {"schema", schema_suite}, {"insert", insert_suite},
    {"query", query_suite}, {"uri", uri_suite},       {"memory", memory_suite},
    {"text", text_suite},   {"faults", faults_suite},
};

int main(int argc, char **argv) {
  SRunner *runner = NULL;
  for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++) {
    if (argc > 1 && strcmp(argv[1], suites[i].name) != 0)
      continue;
    if (!runner)
      runner = srunner_create(suites[i].make());
    else
      srunner_add_suite(runner, suites[i].make());
  }
  if (!runner) {
    fprintf(stderr, "sqlite-backend: no suite named '%s'\n", argc > 1 ? argv[1] : "");
    return EXIT_FAILURE;
  }
  srunner_run_all(runner, CK_NORMAL);
  int failed = srunner_ntests_failed(runner);
  srunner_free(runner);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
