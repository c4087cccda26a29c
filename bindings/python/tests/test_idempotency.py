"""Idempotent create: replay with the same content, conflict with other
content, keys scoped to the account."""

from __future__ import annotations

import pytest

import libmsg
from conftest import account


def test_idempotency__same_content_replays_the_original(store, acct, sender, receiver):
    args = dict(account_id=acct, sender_number=sender, receiver_number=receiver,
                body="once", idempotency_key="order-17")
    first, replayed1 = store.create(**args)
    again, replayed2 = store.create(**args)
    assert (replayed1, replayed2) == (False, True)
    assert again == first
    assert store.list(acct).items == (first,)


@pytest.mark.parametrize("change", [
    dict(body="twice"), dict(body=None), dict(sender_number="+15550000"),
    dict(receiver_number="+15550001"),
])
def test_idempotency__other_content_conflicts(store, acct, sender, receiver, change):
    args = dict(account_id=acct, sender_number=sender, receiver_number=receiver,
                body="once", idempotency_key="k-1")
    first, _ = store.create(**args)
    with pytest.raises(libmsg.ConflictError) as e:
        store.create(**{**args, **change})
    assert e.value.field == "idempotency_key"
    assert e.value.status == -3
    assert store.list(acct).items == (first,)


def test_idempotency__keys_are_scoped_to_the_account(store, acct, sender, receiver):
    args = dict(sender_number=sender, receiver_number=receiver, body="b", idempotency_key="k")
    a, _ = store.create(account_id=acct, **args)
    other = account()
    b, replayed = store.create(account_id=other, **args)
    assert replayed is False and a.message_id != b.message_id


def test_idempotency__no_key_never_replays(store, acct, sender, receiver):
    args = dict(account_id=acct, sender_number=sender, receiver_number=receiver, body="b")
    a, ra = store.create(**args)
    b, rb = store.create(**args)
    assert (ra, rb) == (False, False) and a.message_id != b.message_id
