/*
 * The unit test runner: the one list of every suite. `unit NAME` runs one
 * suite (that is how meson registers them, one test() each); `unit` alone
 * runs them all.
 */
#include "unit.h"

#include "alloc.h"
#include "builtin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
  const char *name;
  Suite *(*make)(void);
} suites[] = {
    {"error", error_suite},   {"validate", validate_suite}, {"uuid", uuid_suite},
    {"cursor", cursor_suite}, {"text", text_suite},         {"time", time_suite},
    {"rows", rows_suite},     {"registry", registry_suite}, {"store", store_suite},
    {"pool", pool_suite},     {"message", message_suite},   {"page", page_suite},
    {"oom", oom_suite},
};

/* Every scheme a test registers; each may or may not be registered now. */
static const char *const test_schemes[] = {"fake", "memo", "a", "x+y-z.w",
                                           "abcdefghijabcdefghijabcdefghijab"};

static void reset_globals(void) {
  msg__alloc_fail_after(-1);
  for (size_t i = 0; i < sizeof test_schemes / sizeof test_schemes[0]; i++)
    (void)msg_backend_unregister(test_schemes[i], NULL);
  msg_backend_module sqlite = MSG_BACKEND_MODULE_INIT;
  sqlite.scheme = "sqlite";
  sqlite.open = msg__sqlite_open;
  ck_assert_int_eq(msg_backend_register(&sqlite, NULL), MSG_OK);
}

TCase *unit_tcase(const char *name) {
  TCase *tc = tcase_create(name);
  tcase_add_checked_fixture(tc, NULL, reset_globals);
  return tc;
}

int main(int argc, char **argv) {
  SRunner *runner = NULL;
  size_t n = sizeof suites / sizeof suites[0];
  for (size_t i = 0; i < n; i++) {
    if (argc > 1 && strcmp(argv[1], suites[i].name) != 0)
      continue;
    if (!runner)
      runner = srunner_create(suites[i].make());
    else
      srunner_add_suite(runner, suites[i].make());
  }
  if (!runner) {
    fprintf(stderr, "unit: no suite named '%s'\n", argc > 1 ? argv[1] : "");
    return EXIT_FAILURE;
  }
  srunner_run_all(runner, CK_NORMAL);
  int failed = srunner_ntests_failed(runner);
  srunner_free(runner);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
