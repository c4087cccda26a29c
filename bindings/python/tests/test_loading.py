"""Finding the shared library, and what the installed package holds. These
run in a child interpreter: the library, once loaded, stays loaded."""

from __future__ import annotations

import importlib.resources
import os
import subprocess
import sys

import libmsg


def child(code, **env):
    full = {**os.environ, **env}
    return subprocess.run([sys.executable, "-c", code], env=full, capture_output=True,
                          text=True, timeout=60)


def test_loading__import_needs_no_library():
    r = child("import libmsg; print(libmsg.Store.__name__)",
              LIBMSG_LIBRARY="/nonexistent/libmsg.so")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "Store"


def test_loading__a_missing_library_says_what_was_tried():
    r = child("import libmsg; libmsg.Store('sqlite::memory:')",
              LIBMSG_LIBRARY="/nonexistent/libmsg.so")
    assert r.returncode != 0
    assert "LibraryNotFoundError" in r.stderr
    assert "LIBMSG_LIBRARY=/nonexistent/libmsg.so" in r.stderr
    assert "cannot load libmsg; tried:" in r.stderr


def test_loading__library_version_is_the_c_version():
    assert libmsg.library_version() == "0.1.0"


def test_loading__the_package_is_typed():
    assert importlib.resources.files("libmsg").joinpath("py.typed").is_file()
