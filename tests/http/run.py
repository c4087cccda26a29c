#!/usr/bin/env python3
"""Runs the black-box HTTP tests against real msg-server processes.

usage: run.py MSG_SERVER BACKEND [unittest names...]
BACKEND is "sqlite" (a fresh temporary file per server) or "postgres" (the
URI in MSG_TEST_PG_URI). Without that URI the run is an error (exit 1), or
a meson skip (exit 77) when MSG_ALLOW_SKIP=1 says a skip is acceptable.
The run fails when it ran no test, or when any test failed, errored, was
skipped or passed while expected to fail: a skip proves nothing.
MSG_TEST_SERVER_WRAPPER, when set, prefixes the server command (e.g.
"valgrind --error-exitcode=99 --suppressions=tests/http/valgrind.supp");
the tests then allow more time.
"""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import cases  # noqa: E402
import harness  # noqa: E402

MODULES = ["test_create", "test_read", "test_search", "test_compat", "test_ops",
           "test_protocol", "test_limits", "test_bad_input", "test_lifecycle", "test_auth",
           "test_escapes", "test_framing", "test_database_errors"]


def main(argv):
    if len(argv) < 3 or argv[2] not in ("sqlite", "postgres"):
        print(__doc__, file=sys.stderr)
        return 2
    harness.BINARY = os.path.abspath(argv[1])
    harness.BACKEND = argv[2]
    if harness.BACKEND == "postgres":
        harness.PG_URI = os.environ.get("MSG_TEST_PG_URI", "")
        if not harness.PG_URI:
            if os.environ.get("MSG_ALLOW_SKIP") == "1":
                print("MSG_TEST_PG_URI is not set: skipping the PostgreSQL run (MSG_ALLOW_SKIP=1)")
                return 77
            print("FAIL: MSG_TEST_PG_URI is not set, so the PostgreSQL run cannot run "
                  "(set MSG_ALLOW_SKIP=1 to let it skip)")
            return 1
    loader = unittest.defaultTestLoader
    if len(argv) > 3:
        suite = loader.loadTestsFromNames(argv[3:])
    else:
        suite = unittest.TestSuite(loader.loadTestsFromName(m) for m in MODULES)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    status = cases.stop_shared()
    if status not in (None, 0):
        print("FAIL: the shared msg-server exited with status %s on SIGTERM" % status)
        return 1
    return verdict(result)


def verdict(result):
    """0 only for a run that ran tests and passed every one of them.
    wasSuccessful() alone ignores skips and accepts a run of no tests."""
    problems = []
    if result.testsRun == 0:
        problems.append("no test ran")
    if result.skipped:
        problems.append("%d skipped: %s" % (len(result.skipped),
                                            ", ".join(t.id() for t, _ in result.skipped)))
    if result.unexpectedSuccesses:
        problems.append("%d unexpected successes" % len(result.unexpectedSuccesses))
    if not result.wasSuccessful():
        problems.append("%d failed, %d errors" % (len(result.failures), len(result.errors)))
    for problem in problems:
        print("FAIL: %s" % problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
