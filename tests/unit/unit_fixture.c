/*
 * The fixture every unit test case shares (unit_tcase): each test starts
 * from the registry as the library starts it and with no allocation
 * failure armed. The suites themselves are listed once, in meson.build,
 * and run by the shared runner, tests/check_main.c.
 */
#include "unit.h"

#include "alloc.h"
#include "builtin.h"

/* Every scheme a test registers; each may or may not be registered now. */
static const char *const test_schemes[] = {
    "fake",   "memo", "a", "x+y-z.w", "abcdefghijabcdefghijabcdefghijab",
    "partial"};

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
