#!/usr/bin/env python3
"""Judges a valgrind --xml=yes report for tests/bindings/run.sh.

    valgrind_report.py FILE

Any error valgrind recorded fails: an invalid read, write or free (memory
used after it was freed, freed twice), uninitialised values, and the leak
kinds the run asked valgrind to report (definitely and indirectly lost: a
C object the binding forgot to free). Prints one line per error with the
first frames of its stack; exits 1 when there is any, or when the file is
not a finished valgrind report (a crash under valgrind must not pass).
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from typing import List


def describe(error: ET.Element) -> str:
    kind = error.findtext("kind", "?")
    what = error.findtext("xwhat/text") or error.findtext("what") or ""
    frames = []
    for frame in error.findall("stack/frame")[:6]:
        fn = frame.findtext("fn") or "?"
        obj = (frame.findtext("obj") or "").rsplit("/", 1)[-1]
        frames.append(f"{fn} ({obj})" if obj else fn)
    return f"{kind}: {what} at " + " < ".join(frames)


def judge(text: str) -> List[str]:
    root = ET.fromstring(text)
    if root.tag != "valgrindoutput" or root.find("status[state='FINISHED']") is None:
        return ["the report is not a finished valgrind run"]
    return [describe(e) for e in root.findall("error")]


def main(argv: List[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8", errors="replace") as f:
            problems = judge(f.read())
    except (OSError, ET.ParseError) as e:
        problems = [f"cannot read {argv[1]}: {e}"]
    for p in problems:
        print(f"  valgrind: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
