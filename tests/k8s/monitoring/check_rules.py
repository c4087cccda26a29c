#!/usr/bin/env python3
"""Rules as data: every alert of RULES has a summary, a description and a
runbook_url naming a section that exists in RUNBOOK, and TESTS (a promtool
test file) holds at least one test where it fires and one where it stays
quiet. Prints one line per problem; exits 1 when there is any.

usage: check_rules.py RULES TESTS RUNBOOK
"""
import re
import sys

import yaml


def anchors(markdown):
    """The anchors a Markdown renderer gives the headings: lower case, spaces
    to '-', punctuation other than '-' and '_' dropped."""
    out = set()
    for line in markdown.splitlines():
        m = re.match(r"#{1,6}\s+(.*)", line)
        if m:
            text = m.group(1).strip().lower()
            out.add(re.sub(r"[^\w\- ]", "", text).replace(" ", "-"))
    return out


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    rules_path, tests_path, runbook_path = sys.argv[1:]
    with open(rules_path) as f:
        groups = yaml.safe_load(f)["groups"]
    with open(tests_path) as f:
        tests = yaml.safe_load(f)["tests"]
    with open(runbook_path) as f:
        have = anchors(f.read())
    fires, quiet = set(), set()
    for t in tests:
        for a in t.get("alert_rule_test", []):
            (fires if a.get("exp_alerts") else quiet).add(a["alertname"])
    problems = []
    alerts = [r for g in groups for r in g["rules"] if "alert" in r]
    if not alerts:
        problems.append("no alert in %s" % rules_path)
    for r in alerts:
        name, ann = r["alert"], r.get("annotations", {})
        for key in ("summary", "description", "runbook_url"):
            if not str(ann.get(key, "")).strip():
                problems.append("%s: no %s" % (name, key))
        url = str(ann.get("runbook_url", ""))
        if "#" not in url or url.split("#", 1)[1] not in have:
            problems.append("%s: runbook_url %r names no section of %s" % (name, url, runbook_path))
        if "severity" not in r.get("labels", {}):
            problems.append("%s: no severity label" % name)
        if name not in fires:
            problems.append("%s: no unit test where it fires" % name)
        if name not in quiet:
            problems.append("%s: no unit test where it stays quiet" % name)
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
