#!/usr/bin/env python3
"""Runs the HTTP black-box tests against a real msg-server.

usage: run.py MSG_SERVER_BINARY STORE
STORE is "sqlite" (a fresh temporary file) or "env:NAME" (the URI in
environment variable NAME; exit 77, a skip, when it is unset).
"""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_api  # noqa: E402


def main():
    binary, store = sys.argv[1], sys.argv[2]
    if store.startswith("env:"):
        database = os.environ.get(store[4:], "")
        if not database:
            print("%s is not set: skipping" % store[4:])
            return 77
    else:
        tmp = tempfile.mkdtemp(prefix="msg-http-")
        database = "sqlite:" + os.path.join(tmp, "http.db")
    test_api.SERVER = binary
    test_api.DATABASE = database
    suite = unittest.defaultTestLoader.loadTestsFromModule(test_api)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
