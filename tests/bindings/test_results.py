"""Negative and positive tests of results.py, the counter that decides
whether the bindings stage passes: a skip, an error, a run of nothing, a
parent that fails on its own and a test that never finished must all fail."""

from __future__ import annotations

import json

import pytest

from results import count_gotest, count_junit


def junit(*cases: str) -> str:
    return "<testsuites><testsuite name='pytest'>" + "".join(cases) + "</testsuite></testsuites>"


def case(name: str, inner: str = "") -> str:
    return f"<testcase classname='t' name='{name}'>{inner}</testcase>"


def test_junit__all_passing_counts_each_case():
    assert count_junit(junit(case("a"), case("b")))[:2] == (2, 0)


@pytest.mark.parametrize("inner", ["<failure message='x'/>", "<error message='x'/>",
                                   "<skipped message='MSG_TEST_PG_URI is not set'/>"])
def test_junit__a_failure_error_or_skip_fails(inner):
    passed, failed, bad = count_junit(junit(case("a"), case("b", inner)))
    assert (passed, failed) == (1, 1) and bad[0].startswith("t::b")


def test_junit__nothing_run_counts_nothing():
    assert count_junit(junit())[:2] == (0, 0)  # main() turns 0 + 0 into a failure


def go(*events: dict) -> str:
    return "\n".join(json.dumps({"Package": "p", **e}) for e in events) + "\nnot json\n"


def test_gotest__counts_leaves_only():
    out = go({"Action": "run", "Test": "T"}, {"Action": "run", "Test": "T/sqlite"},
             {"Action": "pass", "Test": "T/sqlite"}, {"Action": "run", "Test": "T/postgres"},
             {"Action": "pass", "Test": "T/postgres"}, {"Action": "pass", "Test": "T"},
             {"Action": "run", "Test": "U"}, {"Action": "pass", "Test": "U"},
             {"Action": "pass"})
    assert count_gotest(out)[:2] == (3, 0)


def test_gotest__a_skipped_subtest_fails():
    out = go({"Action": "run", "Test": "T/postgres"}, {"Action": "skip", "Test": "T/postgres"},
             {"Action": "pass", "Test": "T"}, {"Action": "pass"})
    passed, failed, bad = count_gotest(out)
    assert (passed, failed) == (0, 1) and "T/postgres (skip)" in bad[0]


def test_gotest__a_parent_failing_on_its_own_fails():
    out = go({"Action": "run", "Test": "T/sqlite"}, {"Action": "pass", "Test": "T/sqlite"},
             {"Action": "fail", "Test": "T"}, {"Action": "fail"})
    assert count_gotest(out)[:2] == (1, 1)


def test_gotest__an_unfinished_test_fails():
    out = go({"Action": "run", "Test": "T"}, {"Action": "output", "Output": "panic: boom\n"},
             {"Action": "fail"})
    passed, failed, bad = count_gotest(out)
    assert (passed, failed) == (0, 1) and "unfinished" in bad[0]


def test_gotest__a_package_failing_without_tests_fails():
    assert count_gotest(go({"Action": "fail"}))[:2] == (0, 1)
