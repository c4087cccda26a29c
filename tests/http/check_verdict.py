#!/usr/bin/env python3
"""The negative tests of run.py's verdict: a run passes only when it ran at
least one test and every one passed. A skip, a run of no tests, a failure,
an error and an unexpected success each make it fail. Prints one line per
case and exits 1 if the verdict is wrong for any."""
import io
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import run  # noqa: E402


class Passes(unittest.TestCase):
    def test_it(self):
        pass


class Skips(unittest.TestCase):
    def test_it(self):
        self.skipTest("a skip proves nothing")


class Fails(unittest.TestCase):
    def test_it(self):
        self.fail("failed")


class Errors(unittest.TestCase):
    def test_it(self):
        raise RuntimeError("error")


class PassesWhenExpectedToFail(unittest.TestCase):
    @unittest.expectedFailure
    def test_it(self):
        pass


class Empty(unittest.TestCase):
    pass


CASES = [
    ("one passing test", [Passes], 0),
    ("a skip beside a pass", [Passes, Skips], 1),
    ("no test at all", [Empty], 1),
    ("a failure", [Passes, Fails], 1),
    ("an error", [Errors], 1),
    ("an unexpected success", [PassesWhenExpectedToFail], 1),
]


def main():
    wrong = 0
    for name, classes, want in CASES:
        suite = unittest.TestSuite(unittest.defaultTestLoader.loadTestsFromTestCase(c) for c in classes)
        result = unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(suite)
        quiet = io.StringIO()
        stdout, sys.stdout = sys.stdout, quiet
        try:
            got = run.verdict(result)
        finally:
            sys.stdout = stdout
        ok = got == want
        wrong += not ok
        print("%s: %s (verdict %d, want %d)" % ("ok" if ok else "WRONG", name, got, want))
    print("%d passed, %d failed" % (len(CASES) - wrong, wrong))
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
