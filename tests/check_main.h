/*
 * The hooks a test binary may give the shared check runner (check_main.c).
 * The list of suites itself is not here: each folder's meson.build holds
 * it and compiles check_main.c with it (CHECK_SUITES), so a suite is named
 * once, where its meson test is registered.
 */
#ifndef MSG_TEST_CHECK_MAIN_H
#define MSG_TEST_CHECK_MAIN_H

/*
 * CHECK_PREPARE (optional): reads the binary's own command line in place
 * of the default one ("PROG [SUITE]"). Sets *only to the one suite to run,
 * or NULL for all. Returns -1 to go on, or the exit status to end with
 * (a usage error, or 77/99 when the environment lacks a database).
 */
typedef int check_prepare_fn(int argc, char **argv, const char **only);

/* CHECK_WANTS (optional): whether suite `name` applies to this run (the
 * conformance reopen suite needs a store that outlives its handle). */
typedef int check_wants_fn(const char *name);

#endif
