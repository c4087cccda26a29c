/*
 * The one check runner `main` of every unit-test binary. It is compiled
 * into each binary with that binary's list of suites from its meson.build:
 *
 *   CHECK_PROGRAM  the binary's name, for messages ("unit")
 *   CHECK_SUITES   X(name, constructor) for every suite, in run order
 *   CHECK_PREPARE  optional check_prepare_fn reading the command line
 *   CHECK_WANTS    optional check_wants_fn dropping suites from a run
 *
 * By default `PROG SUITE` runs one suite (meson registers one test() per
 * suite, so a failure names it) and `PROG` runs them all. The output mode
 * comes from CK_VERBOSITY (CK_ENV), the fork mode from CK_FORK, so that
 * valgrind runs (CK_FORK=no) see every test in one process.
 */
#include "check_main.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if !defined(CHECK_PROGRAM) || !defined(CHECK_SUITES)
#error "compile with -DCHECK_PROGRAM=\"name\" and -DCHECK_SUITES=X(name,constructor)..."
#endif

/* The constructors are declared from the list itself (each folder's header
 * declares them too, for the files defining them), so the runner needs no
 * header of its own per binary; an entry without a suite fails at link
 * time, naming the missing constructor. */
#define X(name, make) Suite *make(void);
CHECK_SUITES
#undef X

#ifdef CHECK_PREPARE
check_prepare_fn CHECK_PREPARE;
#endif
#ifdef CHECK_WANTS
check_wants_fn CHECK_WANTS;
#endif

typedef struct check_suite {
  const char *name;
  Suite *(*make)(void);
} check_suite;

#define X(name, make) {#name, make},
static const check_suite suites[] = {CHECK_SUITES};
#undef X

static void usage(void) {
  fprintf(stderr, "usage: %s [SUITE]; suites:", CHECK_PROGRAM);
  for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
    fprintf(stderr, " %s", suites[i].name);
  fputc('\n', stderr);
}

#ifndef CHECK_PREPARE
static int default_prepare(int argc, char **argv, const char **only) {
  if (argc > 2) {
    usage();
    return EXIT_FAILURE;
  }
  *only = argc == 2 ? argv[1] : NULL;
  return -1;
}
#endif

int main(int argc, char **argv) {
  const char *only = NULL;
#ifdef CHECK_PREPARE
  int status = CHECK_PREPARE(argc, argv, &only);
#else
  int status = default_prepare(argc, argv, &only);
#endif
  if (status >= 0)
    return status;

  SRunner *runner = NULL;
  for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++) {
    if (only && strcmp(only, suites[i].name) != 0)
      continue;
#ifdef CHECK_WANTS
    if (!CHECK_WANTS(suites[i].name))
      continue;
#endif
    if (!runner)
      runner = srunner_create(suites[i].make());
    else
      srunner_add_suite(runner, suites[i].make());
  }
  if (!runner) {
    fprintf(stderr, "%s: no suite named '%s'\n", CHECK_PROGRAM, only ? only : "");
    usage();
    return EXIT_FAILURE;
  }
  srunner_run_all(runner, CK_ENV);
  int failed = srunner_ntests_failed(runner);
  srunner_free(runner);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
