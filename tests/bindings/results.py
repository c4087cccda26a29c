#!/usr/bin/env python3
"""Counts the results of a test run for tests/bindings/run.sh.

    results.py junit FILE     a pytest --junitxml report
    results.py gotest FILE    the output of `go test -json`

Prints "PASSED FAILED" on stdout and each test that did not pass on stderr;
exits 1 when anything did not pass or when nothing ran. A skip counts as a
failure, so a missing database can never pass for a working one.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from typing import Dict, List, Tuple

Result = Tuple[int, int, List[str]]


def count_junit(text: str) -> Result:
    """Every <testcase>: passed unless it holds a failure, error or skip."""
    root = ET.fromstring(text)
    passed, bad = 0, []
    for case in root.iter("testcase"):
        name = f"{case.get('classname', '')}::{case.get('name', '')}"
        outcome = next((child.tag for child in case
                        if child.tag in ("failure", "error", "skipped")), None)
        if outcome is None:
            passed += 1
        else:
            bad.append(f"{name} ({outcome})")
    return passed, len(bad), bad


def count_gotest(text: str) -> Result:
    """The leaf tests of `go test -json` (a test without subtests), plus any
    parent test or package that failed on its own account. A test that
    started but never finished (a panic, a timeout) is a failure."""
    outcome: Dict[str, str] = {}
    failed_packages = set()
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        event = json.loads(line)
        action, test = event.get("Action"), event.get("Test")
        key = f"{event.get('Package', '')}.{test}" if test else None
        if key and action == "run":
            outcome.setdefault(key, "unfinished")
        elif key and action in ("pass", "fail", "skip"):
            outcome[key] = action
        elif not key and action == "fail":
            failed_packages.add(event.get("Package", ""))
    names = set(outcome)
    leaves = {n for n in names if not any(o.startswith(n + "/") for o in names)}
    passed, bad = 0, []
    for name in sorted(names):
        result = outcome[name]
        if name in leaves and result == "pass":
            passed += 1
        elif name in leaves or result == "fail":
            bad.append(f"{name} ({result})")
    for pkg in sorted(failed_packages):
        if not any(b.startswith(pkg + ".") for b in bad):
            bad.append(f"{pkg} (package failed)")
    return passed, len(bad), bad


def main(argv: List[str]) -> int:
    if len(argv) != 3 or argv[1] not in ("junit", "gotest"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        with open(argv[2], encoding="utf-8") as f:
            text = f.read()
        counter = count_junit if argv[1] == "junit" else count_gotest
        passed, failed, bad = counter(text)
    except (OSError, ValueError, ET.ParseError) as e:
        print(f"results: cannot read {argv[2]}: {e}", file=sys.stderr)
        print("0 1")
        return 1
    for name in bad:
        print(f"  not ok: {name}", file=sys.stderr)
    if passed + failed == 0:
        print("  not ok: no test ran", file=sys.stderr)
        failed = 1
    print(passed, failed)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
