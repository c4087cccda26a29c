"""search and iter_search: filters named like the HTTP query parameters,
lists where C takes sets, time bounds, text queries and their rules."""

from __future__ import annotations

import datetime

import pytest

import libmsg
from conftest import account, number


def make(store, acct, sender, receiver, body):
    return store.create(account_id=acct, sender_number=sender, receiver_number=receiver,
                        body=body)[0]


def test_search__text_folds_case_and_compatibility_forms(store, acct, sender, receiver):
    m = make(store, acct, sender, receiver, "Grüße aus der Straße")
    make(store, acct, sender, receiver, "nothing here")
    assert store.search(account_id=acct, q="STRASSE").items == (m,)
    assert store.search(account_id=acct, q="grüsse").items == (m,)
    assert store.search(account_id=acct, q="ＳＴＲＡＳＳＥ").items == (m,)  # fullwidth: NFKC


def test_search__every_query_word_must_occur(store, acct, sender, receiver):
    both = make(store, acct, sender, receiver, "coffee at ten")
    make(store, acct, sender, receiver, "coffee later")
    assert store.search(account_id=acct, q="ten coffee").items == (both,)
    assert store.search(account_id=acct, q="coff").items == ()


def test_search__sets_or_within_and_across(store, acct, receiver):
    a, b, c = number(), number(), number()
    ma = make(store, acct, a, receiver, "one")
    mb = make(store, acct, b, receiver, "two")
    make(store, acct, c, receiver, "three")
    other = make(store, account(), a, receiver, "one")
    assert store.search(account_id=acct, sender_number=[a, b]).items == (mb, ma)
    assert store.search(sender_number=a).items == (other, ma)
    assert store.search(sender_number=a, q="one", account_id=[acct]).items == (ma,)
    assert store.search(sender_number=(a, b), receiver_number=number()).items == ()


def test_search__by_message_ids(store, acct, sender, receiver):
    m1 = make(store, acct, sender, receiver, "1")
    make(store, acct, sender, receiver, "2")
    m3 = make(store, acct, sender, receiver, "3")
    ids = [m1.message_id, m3.message_id.upper()]
    assert store.search(message_id=ids).items == (m3, m1)


def test_search__time_bounds_are_exclusive(store, acct, sender, receiver):
    m1, m2, m3 = (make(store, acct, sender, receiver, str(i)) for i in range(3))
    got = store.search(account_id=acct, created_after=m1.created_at,
                       created_before=m3.created_at)
    assert got.items == (m2,)
    text = m1.created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert store.search(account_id=acct, created_after=text).items == (m3, m2)
    berlin = m2.created_at.astimezone(datetime.timezone(datetime.timedelta(hours=1)))
    assert store.search(account_id=acct, created_before=berlin).items == (m1,)


def test_iter_search__walks_every_page(store, acct, sender, receiver):
    made = [make(store, acct, sender, receiver, f"walk {i}") for i in range(5)]
    assert list(store.iter_search(account_id=acct, q="walk", limit=2)) == made[::-1]


def test_search__cursor_pages_the_same_filter(store, acct, sender, receiver):
    made = [make(store, acct, sender, receiver, "page") for _ in range(3)]
    first = store.search(account_id=acct, q="page", limit=2)
    assert first.items == (made[2], made[1])
    rest = store.search(account_id=acct, q="page", limit=2, cursor=first.next_cursor)
    assert rest.items == (made[0],) and rest.next_cursor is None


@pytest.mark.parametrize("filters, field", [
    (dict(q="!!! ..."), "q"),
    (dict(q=""), "q"),
    (dict(q="x" * 1001), "q"),
    (dict(sender_number=[number() for _ in range(101)]), "sender_number"),
    (dict(receiver_number=["12"]), "receiver_number"),
    (dict(sender_number="+1\0"), "sender_number"),
    (dict(account_id=[1, 0]), "account_id"),
    (dict(account_id=list(range(1, 102))), "account_id"),
    (dict(message_id=["nope"]), "message_id"),
    (dict(created_after="yesterday"), "created_after"),
    (dict(created_before="2026-13-01T00:00:00Z"), "created_before"),
    (dict(created_after=datetime.datetime(2026, 1, 1)), "created_after"),
    (dict(limit=0), "limit"),
    (dict(cursor="garbage"), "cursor"),
])
def test_search__rejects_a_bad_filter_naming_it(store, filters, field):
    with pytest.raises(libmsg.InvalidError) as e:
        store.search(**filters)
    assert e.value.field == field


def test_search__a_cursor_of_another_filter_is_invalid(store, acct, sender, receiver):
    for _ in range(3):
        make(store, acct, sender, receiver, "x")
    cursor = store.search(account_id=acct, limit=1).next_cursor
    with pytest.raises(libmsg.InvalidError) as e:
        store.search(account_id=acct, q="x", limit=1, cursor=cursor)
    assert e.value.field == "cursor"


def test_search__bytes_are_a_type_error(store):
    with pytest.raises(TypeError, match="sender_number"):
        store.search(sender_number=b"+15550100")
