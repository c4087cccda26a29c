"""Fixtures of the binding's tests: every test that takes ``store`` runs once
against ``sqlite::memory:`` and once against PostgreSQL (MSG_TEST_PG_URI).

Without MSG_TEST_PG_URI the PostgreSQL runs are skips, which the bindings
stage (tests/bindings/run.sh) counts as failures. Tests never assume an empty
database: each draws random accounts and phone numbers, the way the C
conformance suite does, so runs sharing one PostgreSQL database cannot see
each other's messages.
"""

from __future__ import annotations

import os
import secrets
from typing import Iterator

import pytest

import libmsg

ACCOUNT_ID_MAX = 2**53 - 1


def pg_uri() -> str | None:
    return os.environ.get("MSG_TEST_PG_URI") or None


@pytest.fixture(params=["sqlite", "postgres"])
def uri(request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        return "sqlite::memory:"
    found = pg_uri()
    if found is None:
        pytest.skip("MSG_TEST_PG_URI is not set")
    return found


@pytest.fixture
def store(uri: str) -> Iterator[libmsg.Store]:
    with libmsg.Store(uri) as s:
        yield s


def account() -> int:
    """A random account, so runs and tests never share one."""
    return 1 + secrets.randbelow(ACCOUNT_ID_MAX)


def number() -> str:
    """A random phone number: '+' and 15 digits."""
    return "+" + str(10**14 + secrets.randbelow(9 * 10**14))


@pytest.fixture
def acct() -> int:
    return account()


@pytest.fixture
def sender() -> str:
    return number()


@pytest.fixture
def receiver() -> str:
    return number()
