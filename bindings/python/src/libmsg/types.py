"""The values libmsg returns, as frozen dataclasses.

They are plain Python copies of the C objects, made before those are freed:
nothing here points into library memory, so they can be kept, shared between
threads and outlive the store.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Optional, Tuple

from . import _native

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
_MICROSECOND = datetime.timedelta(microseconds=1)


def micros_to_datetime(micros: int) -> datetime.datetime:
    """Microseconds since the epoch as an aware UTC datetime (exact: both
    count whole microseconds)."""
    return EPOCH + datetime.timedelta(microseconds=micros)


def datetime_to_micros(value: datetime.datetime) -> int:
    """An aware datetime as microseconds since the epoch (exact)."""
    return (value - EPOCH) // _MICROSECOND


@dataclass(frozen=True)
class Message:
    """A stored message (``msg_message``)."""

    message_id: str
    """UUIDv7, canonical lowercase."""
    account_id: int
    sender_number: str
    receiver_number: str
    body: Optional[str]
    """None when the message has no body ("" is a body)."""
    created_at: datetime.datetime
    """Aware, UTC, microsecond precision; strictly increasing within a process."""

    @classmethod
    def _from_c(cls, m: _native.msg_message) -> "Message":
        return cls(
            message_id=_native.c_string(m.message_id) or "",
            account_id=m.account_id,
            sender_number=_native.c_string(m.sender_number) or "",
            receiver_number=_native.c_string(m.receiver_number) or "",
            body=_native.c_string(m.body),
            created_at=micros_to_datetime(m.created_at),
        )


@dataclass(frozen=True)
class Page:
    """One page of messages, newest first (``msg_page``)."""

    items: Tuple[Message, ...]
    next_cursor: Optional[str]
    """Pass back as ``cursor=`` for the next page; None on the last page."""

    def __len__(self) -> int:
        return len(self.items)

    @classmethod
    def _from_c(cls, p: _native.msg_page) -> "Page":
        items = tuple(Message._from_c(p.items[i]) for i in range(p.count))
        return cls(items=items, next_cursor=_native.c_string(p.next_cursor))


@dataclass(frozen=True)
class StoreStats:
    """A snapshot of the store's counters (``msg_store_stats``)."""

    pool_size: int
    pool_open: int
    pool_in_use: int
    pool_waits: int
    pool_timeouts: int
    errors_unavailable: int
    errors_internal: int
