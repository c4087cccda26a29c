#!/usr/bin/env python3
"""Runs the black-box HTTP tests against real msg-server processes.

usage: run.py MSG_SERVER BACKEND [unittest names...]
BACKEND is "sqlite" (a fresh temporary file per server) or "postgres" (the
URI in MSG_TEST_PG_URI; exit 77, a meson skip, when it is unset).
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
           "test_protocol", "test_limits", "test_bad_input", "test_lifecycle", "test_auth"]


def main(argv):
    if len(argv) < 3 or argv[2] not in ("sqlite", "postgres"):
        print(__doc__, file=sys.stderr)
        return 2
    harness.BINARY = os.path.abspath(argv[1])
    harness.BACKEND = argv[2]
    if harness.BACKEND == "postgres":
        harness.PG_URI = os.environ.get("MSG_TEST_PG_URI", "")
        if not harness.PG_URI:
            print("MSG_TEST_PG_URI is not set: skipping the PostgreSQL run")
            return 77
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
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
