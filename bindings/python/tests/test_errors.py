"""The exception classes: one per status under libmsg.Error, each with the
status, field and message of the C error record, and the store's lifetime
errors."""

from __future__ import annotations

import pytest

import libmsg
from libmsg import _native, errors

CLASSES = {
    -1: libmsg.InvalidError,
    -2: libmsg.NotFoundError,
    -3: libmsg.ConflictError,
    -4: libmsg.UnavailableError,
    -5: libmsg.OutOfMemoryError,
    -6: libmsg.InternalError,
    -7: libmsg.UnsupportedError,
}


@pytest.mark.parametrize("status, cls", sorted(CLASSES.items()))
def test_errors__each_status_has_its_class_with_field_and_message(status, cls):
    record = _native.msg_error(status=status, field=b"body", message=b"what went wrong")
    e = errors.from_record(status, record)
    assert type(e) is cls and isinstance(e, libmsg.Error)
    assert (e.status, e.field, e.message, str(e)) == (status, "body", "what went wrong",
                                                      "what went wrong")


def test_errors__an_unknown_status_is_still_an_error_named_by_the_library():
    e = errors.from_record(-99, _native.msg_error(status=-99))
    assert type(e) is libmsg.Error and e.status == -99
    assert e.message == "unknown status"


def test_errors__the_classes_are_distinct():
    assert len(set(CLASSES.values())) == len(CLASSES)
    assert issubclass(libmsg.InvalidError, ValueError)
    assert issubclass(libmsg.OutOfMemoryError, MemoryError)


@pytest.mark.parametrize("uri", ["nosuch:thing", "", "sqlite:"])
def test_errors__an_unusable_uri_is_invalid_uri(uri):
    with pytest.raises(libmsg.InvalidError) as e:
        libmsg.Store(uri)
    assert e.value.field == "uri"


def test_errors__an_unreachable_database_is_unavailable():
    # Port 1 on loopback: refused at once, nothing listens there.
    with pytest.raises(libmsg.UnavailableError) as e:
        libmsg.Store("postgresql://nobody:s3cret@127.0.0.1:1/none", timeout_ms=2000)
    assert e.value.status == -4
    assert "s3cret" not in e.value.message


@pytest.mark.parametrize("option", ["pool_size", "pool_timeout_ms", "timeout_ms"])
def test_errors__an_option_beyond_unsigned_int_is_invalid_options(option):
    for value in (-1, 2**32):
        with pytest.raises(libmsg.InvalidError) as e:
            libmsg.Store("sqlite::memory:", **{option: value})
        assert e.value.field == "options"


def test_errors__a_closed_store_refuses_calls(store, acct):
    store.close()
    assert store.closed
    with pytest.raises(ValueError, match="closed"):
        store.list(acct)
    store.close()  # twice is fine


def test_errors__a_store_pings_and_reports_its_scheme_and_stats(store, uri):
    store.ping()
    assert store.scheme == ("sqlite" if uri.startswith("sqlite") else "postgres")
    stats = store.stats()
    assert stats.pool_size >= 1 and stats.pool_in_use == 0
    assert stats.errors_internal == 0
