"""list and iter_list: newest first, keyset pages that stay stable while
messages are created, and the limit and cursor rules."""

from __future__ import annotations

import pytest

import libmsg
from conftest import account


def make(store, acct, sender, receiver, n, prefix="m"):
    return [store.create(account_id=acct, sender_number=sender, receiver_number=receiver,
                         body=f"{prefix}{i}")[0] for i in range(n)]


def walk(store, acct, limit):
    pages, cursor = [], None
    while True:
        page = store.list(acct, limit=limit, cursor=cursor)
        pages.append(page)
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


def test_list__newest_first(store, acct, sender, receiver):
    made = make(store, acct, sender, receiver, 5)
    page = store.list(acct)
    assert page.items == tuple(reversed(made))
    assert page.next_cursor is None


def test_list__only_the_account(store, acct, sender, receiver):
    make(store, acct, sender, receiver, 2)
    other = account()
    theirs = make(store, other, sender, receiver, 1)
    assert store.list(other).items == tuple(theirs)


def test_list__empty_account_is_one_empty_last_page(store, acct):
    page = store.list(acct)
    assert page.items == () and page.next_cursor is None and len(page) == 0


def test_list__pages_cover_every_message_once(store, acct, sender, receiver):
    made = make(store, acct, sender, receiver, 7)
    pages = walk(store, acct, 3)
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [m for p in pages for m in p.items] == list(reversed(made))


def test_list__walk_is_stable_under_inserts(store, acct, sender, receiver):
    made = make(store, acct, sender, receiver, 6)
    first = store.list(acct, limit=2)
    make(store, acct, sender, receiver, 4, prefix="later")
    seen = list(first.items)
    cursor = first.next_cursor
    while cursor:
        page = store.list(acct, limit=2, cursor=cursor)
        seen.extend(page.items)
        cursor = page.next_cursor
    assert seen == list(reversed(made))


def test_iter_list__walks_every_page(store, acct, sender, receiver):
    made = make(store, acct, sender, receiver, 5)
    assert list(store.iter_list(acct, limit=2)) == list(reversed(made))


def test_iter_list__fetches_pages_only_as_needed(store, acct, sender, receiver, monkeypatch):
    make(store, acct, sender, receiver, 5)
    calls = []
    real = store.list
    monkeypatch.setattr(store, "list", lambda *a, **k: calls.append(k) or real(*a, **k))
    it = store.iter_list(acct, limit=2)
    assert calls == []
    next(it)
    next(it)
    assert len(calls) == 1
    next(it)
    assert len(calls) == 2 and calls[1]["cursor"] is not None


@pytest.mark.parametrize("limit", [0, -1, 1001, 2**64])
def test_list__rejects_a_limit_out_of_range(store, acct, limit):
    with pytest.raises(libmsg.InvalidError) as e:
        store.list(acct, limit=limit)
    assert e.value.field == "limit"


def test_list__accepts_limits_1_and_1000(store, acct, sender, receiver):
    make(store, acct, sender, receiver, 2)
    assert len(store.list(acct, limit=1)) == 1
    assert len(store.list(acct, limit=1000)) == 2


@pytest.mark.parametrize("bad", [0, 2**53])
def test_list__rejects_a_bad_account(store, bad):
    with pytest.raises(libmsg.InvalidError) as e:
        store.list(bad)
    assert e.value.field == "account_id"


@pytest.mark.parametrize("cursor", ["", "garbage", "AQAGYdLdMcYBAaJCROntcOmha7t4mXcP"])
def test_list__rejects_a_damaged_cursor(store, acct, cursor):
    with pytest.raises(libmsg.InvalidError) as e:
        store.list(acct, cursor=cursor)
    assert e.value.field == "cursor"


def test_list__rejects_a_cursor_of_another_account(store, acct, sender, receiver):
    make(store, acct, sender, receiver, 3)
    cursor = store.list(acct, limit=1).next_cursor
    assert cursor
    with pytest.raises(libmsg.InvalidError) as e:
        store.list(account(), cursor=cursor)
    assert e.value.field == "cursor"
