"""create: what a stored message looks like, and every field's rule as C
reports it (the binding adds none)."""

from __future__ import annotations

import dataclasses
import datetime
import re

import pytest

import libmsg

UUID7 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def test_create__returns_the_stored_message(store, acct, sender, receiver):
    before = datetime.datetime.now(datetime.timezone.utc)
    m, replayed = store.create(account_id=acct, sender_number=sender,
                               receiver_number=receiver, body="hello")
    after = datetime.datetime.now(datetime.timezone.utc)
    assert replayed is False
    assert UUID7.match(m.message_id)
    assert (m.account_id, m.sender_number, m.receiver_number, m.body) == (
        acct, sender, receiver, "hello")
    assert m.created_at.tzinfo is not None and m.created_at.utcoffset() == datetime.timedelta(0)
    slack = datetime.timedelta(seconds=5)
    assert before - slack <= m.created_at <= after + slack
    assert store.get(m.message_id) == m


def test_create__message_is_frozen(store, acct, sender, receiver):
    m, _ = store.create(account_id=acct, sender_number=sender, receiver_number=receiver)
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.body = "changed"  # type: ignore[misc]


def test_create__times_strictly_increase(store, acct, sender, receiver):
    times = [store.create(account_id=acct, sender_number=sender,
                          receiver_number=receiver)[0].created_at for _ in range(20)]
    assert all(a < b for a, b in zip(times, times[1:]))


def test_create__no_body_differs_from_empty_body(store, acct, sender, receiver):
    none, _ = store.create(account_id=acct, sender_number=sender, receiver_number=receiver)
    empty, _ = store.create(account_id=acct, sender_number=sender,
                            receiver_number=receiver, body="")
    assert store.get(none.message_id).body is None
    assert store.get(empty.message_id).body == ""


@pytest.mark.parametrize("body", [
    "Grüße aus Köln",
    "日本語のメッセージ",
    "emoji 😀👍🏽 and a flag 🇩🇪",
    "e\u0301 combining, \u00e9 precomposed",
    "RTL: שלום עולם",
    "😀" * 1600,
])
def test_create__unicode_bodies_round_trip(store, acct, sender, receiver, body):
    m, _ = store.create(account_id=acct, sender_number=sender,
                        receiver_number=receiver, body=body)
    assert m.body == body
    assert store.get(m.message_id).body == body


def test_create__accepts_the_limits(store, sender, receiver):
    m, _ = store.create(account_id=2**53 - 1, sender_number="+123",
                        receiver_number="123456789012345")
    assert (m.account_id, m.sender_number, m.receiver_number) == (
        2**53 - 1, "+123", "123456789012345")


@pytest.mark.parametrize("field, value", [
    ("account_id", 0),
    ("account_id", -1),
    ("account_id", 2**53),
    ("account_id", 2**64 + 42),      # would wrap to 42 if passed unclamped
    ("account_id", -(2**64) + 42),
    ("sender_number", "12"),
    ("sender_number", "+1234567890123456"),
    ("sender_number", "+1555abc0100"),
    ("sender_number", ""),
    ("sender_number", None),
    ("sender_number", "+1555\x00100"),  # C would see "+1555"
    ("receiver_number", "++15550100"),
    ("receiver_number", None),
    ("body", "x" * 1601),
    ("body", "lone surrogate \ud800"),
    ("body", "nul \0 inside"),
    ("idempotency_key", ""),
    ("idempotency_key", "k" * 256),
    ("idempotency_key", "naïve"),
    ("idempotency_key", "tab\there"),
])
def test_create__rejects_a_bad_field_naming_it(store, acct, sender, receiver, field, value):
    args = dict(account_id=acct, sender_number=sender, receiver_number=receiver, body="b")
    args[field] = value
    with pytest.raises(libmsg.InvalidError) as e:
        store.create(**args)
    assert e.value.field == field
    assert e.value.status == -1
    assert e.value.message
    assert store.list(acct).items == ()


@pytest.mark.parametrize("value", ["42", 4.2, True])
def test_create__account_id_of_another_type_is_a_type_error(store, sender, receiver, value):
    with pytest.raises(TypeError, match="account_id"):
        store.create(account_id=value, sender_number=sender, receiver_number=receiver)


def test_create__a_number_of_another_type_is_a_type_error(store, acct, receiver):
    with pytest.raises(TypeError, match="sender_number"):
        store.create(account_id=acct, sender_number=15550100, receiver_number=receiver)
