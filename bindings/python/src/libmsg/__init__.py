"""libmsg from Python: the embeddable message store, through ctypes.

    import libmsg

    with libmsg.Store("sqlite::memory:") as store:
        message, replayed = store.create(
            account_id=42, sender_number="+15551234567",
            receiver_number="+15557654321", body="Hello, Straße!")
        page = store.search(account_id=42, q="strasse")
        for m in store.iter_list(42, limit=100):
            print(m.message_id, m.created_at, m.body)

The binding is thin: validation, ids, cursors and text search all happen in
the C library, and every call returns exactly what the C call returned.
The shared library is found through ``LIBMSG_LIBRARY`` (a path) or the
system's loader; see ``LibraryNotFoundError`` when neither has it.
"""

from __future__ import annotations

from . import _native
from ._native import LibraryNotFoundError
from .errors import (
    ConflictError,
    Error,
    InternalError,
    InvalidError,
    NotFoundError,
    OutOfMemoryError,
    UnavailableError,
    UnsupportedError,
)
from .store import Store
from .types import Message, Page, StoreStats

__version__ = "0.1.0"

__all__ = [
    "ConflictError",
    "Error",
    "InternalError",
    "InvalidError",
    "LibraryNotFoundError",
    "Message",
    "NotFoundError",
    "OutOfMemoryError",
    "Page",
    "Store",
    "StoreStats",
    "UnavailableError",
    "UnsupportedError",
    "library_version",
]


def library_version() -> str:
    """The loaded C library's version (msg_version), e.g. "0.1.0"."""
    return _native.lib().msg_version().decode("ascii")
