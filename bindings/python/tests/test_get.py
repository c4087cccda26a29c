"""get: by id in any case; absent and malformed ids."""

from __future__ import annotations

import pytest

import libmsg


def test_get__finds_by_id_in_any_case(store, acct, sender, receiver):
    m, _ = store.create(account_id=acct, sender_number=sender, receiver_number=receiver,
                        body="case")
    assert store.get(m.message_id.upper()) == m


def test_get__absent_id_is_not_found(store):
    with pytest.raises(libmsg.NotFoundError) as e:
        store.get("0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a11")
    assert e.value.status == -2
    assert isinstance(e.value, LookupError)


@pytest.mark.parametrize("bad", ["", "not-a-uuid", "0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a1",
                                 "0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a11\0junk"])
def test_get__malformed_id_is_invalid_message_id(store, bad):
    with pytest.raises(libmsg.InvalidError) as e:
        store.get(bad)
    assert e.value.field == "message_id"
