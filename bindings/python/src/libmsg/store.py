"""``Store``: a libmsg store handle and the calls on it.

Each method is one C call: it converts the arguments (``_convert``), calls,
copies the result into frozen dataclasses (``types``) and frees the C object
in a ``finally`` right away, so every object libmsg returns is freed exactly
once and no C pointer outlives the method.

Threads: the C store may be used from many threads at once, and ctypes
releases the GIL around each call, so a ``Store`` is shared freely. The one
thing C forbids, closing while other calls still run, is made safe here:
``close()`` marks the store closed (later calls raise ``ValueError``, like a
closed file) and waits for the calls in flight before closing the handle.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime
import threading
import weakref
from typing import Callable, Iterator, Optional, Sequence, Tuple, Union

from . import _convert, _native, errors
from .types import Message, Page, StoreStats

IntSet = Union[None, int, Sequence[int]]
TextSet = Union[None, str, Sequence[str]]
Time = Union[None, datetime.datetime, str]

_UINT_MAX = 2**32 - 1


def _option(value: Optional[int], name: str, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if not 0 <= value <= _UINT_MAX:
        # An unsigned int in C: a wider value cannot be passed at all.
        raise errors.InvalidError(f"{name} must be from 0 to {_UINT_MAX}", "options")
    return value


class Store:
    """An open libmsg store (``msg_store``).

    ``uri`` picks the backend: ``"sqlite::memory:"``, ``"sqlite:PATH"``,
    ``"postgresql://..."``. Schema migrations run before the constructor
    returns. The options are those of ``msg_store_options``; None keeps the
    library's default. Use as a context manager, or call ``close()``; a store
    that is garbage-collected unclosed is closed then.
    """

    def __init__(
        self,
        uri: str,
        *,
        pool_size: Optional[int] = None,
        pool_timeout_ms: Optional[int] = None,
        timeout_ms: Optional[int] = None,
    ) -> None:
        lib = _native.lib()
        opts = _native.msg_store_options()
        lib.msg_store_options_init(ctypes.byref(opts))
        opts.pool_size = _option(pool_size, "pool_size", opts.pool_size)
        opts.pool_timeout_ms = _option(pool_timeout_ms, "pool_timeout_ms", opts.pool_timeout_ms)
        opts.timeout_ms = _option(timeout_ms, "timeout_ms", opts.timeout_ms)
        raw_uri = _convert.text(uri, "uri")
        handle = ctypes.c_void_p()
        err = _native.msg_error()
        rc = lib.msg_store_open(ctypes.byref(handle), raw_uri, ctypes.byref(opts), ctypes.byref(err))
        if rc != _native.OK:
            raise errors.from_record(rc, err)
        self._lib = lib
        self._handle: Optional[int] = handle.value
        self._busy = 0
        self._idle = threading.Condition()
        # Closes the handle exactly once: from close(), or when the store is
        # collected or the interpreter exits without close().
        self._finalizer = weakref.finalize(self, lib.msg_store_close, handle.value)

    # -- lifetime ---------------------------------------------------------

    def close(self) -> None:
        """Closes the store after the calls running on other threads return.
        Closing twice does nothing."""
        with self._idle:
            self._handle = None
            while self._busy:
                self._idle.wait()
        self._finalizer()

    @property
    def closed(self) -> bool:
        return self._handle is None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _use(self) -> Iterator[int]:
        """The handle, counted as in use until the block ends."""
        with self._idle:
            if self._handle is None:
                raise ValueError("the store is closed")
            handle = self._handle
            self._busy += 1
        try:
            yield handle
        finally:
            with self._idle:
                self._busy -= 1
                if self._busy == 0:
                    self._idle.notify_all()

    # -- the store --------------------------------------------------------

    @property
    def scheme(self) -> str:
        """The backend's URI scheme ("sqlite", "postgres", ...)."""
        with self._use() as h:
            return self._lib.msg_store_scheme(h).decode("ascii")

    def ping(self) -> None:
        """Checks that the database answers; raises UnavailableError if not."""
        err = _native.msg_error()
        with self._use() as h:
            rc = self._lib.msg_store_ping(h, ctypes.byref(err))
        if rc != _native.OK:
            raise errors.from_record(rc, err)

    def stats(self) -> StoreStats:
        """A snapshot of the pool and error counters."""
        out = _native.msg_store_stats()
        with self._use() as h:
            self._lib.msg_store_stats_get(h, ctypes.byref(out))
        return StoreStats(*(getattr(out, name) for name, _ in out._fields_))

    # -- messages ---------------------------------------------------------

    def create(
        self,
        *,
        account_id: int,
        sender_number: str,
        receiver_number: str,
        body: Optional[str] = None,
        idempotency_key: Optional[str] = None,
    ) -> Tuple[Message, bool]:
        """Validates and stores a message; returns ``(message, replayed)``.

        ``body=None`` stores no body ("" is a body). With an idempotency key
        (scoped to the account), repeating the same content returns the
        original message and ``replayed=True``; other content under the same
        key raises ConflictError (field "idempotency_key").
        """
        new = _native.msg_new_message(
            account_id=_convert.int64(account_id, "account_id"),
            sender_number=_convert.text(sender_number, "sender_number"),
            receiver_number=_convert.text(receiver_number, "receiver_number"),
            body=_convert.text(body, "body"),
            idempotency_key=_convert.text(idempotency_key, "idempotency_key"),
        )
        out = ctypes.POINTER(_native.msg_message)()
        replayed = ctypes.c_bool(False)
        err = _native.msg_error()
        with self._use() as h:
            rc = self._lib.msg_message_create(
                ctypes.byref(out), ctypes.byref(replayed), h, ctypes.byref(new), ctypes.byref(err)
            )
        if rc != _native.OK:
            raise errors.from_record(rc, err)
        try:
            return Message._from_c(out.contents), bool(replayed.value)
        finally:
            self._lib.msg_message_free(out)

    def get(self, message_id: str) -> Message:
        """One message by id (any UUID, any case); NotFoundError if absent."""
        raw = _convert.text(message_id, "message_id")
        out = ctypes.POINTER(_native.msg_message)()
        err = _native.msg_error()
        with self._use() as h:
            rc = self._lib.msg_message_get(ctypes.byref(out), h, raw, ctypes.byref(err))
        if rc != _native.OK:
            raise errors.from_record(rc, err)
        try:
            return Message._from_c(out.contents)
        finally:
            self._lib.msg_message_free(out)

    def list(self, account_id: int, *, limit: Optional[int] = None,
             cursor: Optional[str] = None) -> Page:
        """One page of an account's messages, newest first. ``limit`` is
        1..1000 (None: 50); ``cursor`` is a previous page's ``next_cursor``."""
        account = _convert.int64(account_id, "account_id")
        req = self._page_request(limit, cursor)
        out = ctypes.POINTER(_native.msg_page)()
        err = _native.msg_error()
        with self._use() as h:
            rc = self._lib.msg_message_list(
                ctypes.byref(out), h, account, ctypes.byref(req), ctypes.byref(err)
            )
        return self._take_page(rc, out, err)

    def search(
        self,
        *,
        account_id: IntSet = None,
        message_id: TextSet = None,
        sender_number: TextSet = None,
        receiver_number: TextSet = None,
        created_after: Time = None,
        created_before: Time = None,
        q: Optional[str] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> Page:
        """One page of the messages matching every filter given, newest first.

        The filters are named like the HTTP query parameters. ``account_id``,
        ``message_id``, ``sender_number`` and ``receiver_number`` take one
        value or a list (up to 100; a message matches any of them).
        ``created_after``/``created_before`` are exclusive bounds: an aware
        datetime or RFC 3339 text. ``q`` needs every word to occur in the
        body (case and compatibility forms ignored). A cursor is only valid
        with the filter it came from.
        """
        accounts = _convert.values(account_id, int, "account_id", _convert.int64)
        ids = _convert.values(message_id, str, "message_id", _convert.text)
        senders = _convert.values(sender_number, str, "sender_number", _convert.text)
        receivers = _convert.values(receiver_number, str, "receiver_number", _convert.text)
        after = _convert.timestamp(created_after, "created_after")
        before = _convert.timestamp(created_before, "created_before")
        # The arrays must stay referenced until the call returns.
        account_arr = _convert.int64_array(accounts)
        id_arr = _convert.text_array(ids)
        sender_arr = _convert.text_array(senders)
        receiver_arr = _convert.text_array(receivers)
        flt = _native.msg_filter(
            account_ids=account_arr, account_id_count=len(accounts),
            message_ids=id_arr, message_id_count=len(ids),
            sender_numbers=sender_arr, sender_number_count=len(senders),
            receiver_numbers=receiver_arr, receiver_number_count=len(receivers),
            has_created_after=after is not None, created_after=after or 0,
            has_created_before=before is not None, created_before=before or 0,
            q=_convert.text(q, "q"),
        )
        req = self._page_request(limit, cursor)
        out = ctypes.POINTER(_native.msg_page)()
        err = _native.msg_error()
        with self._use() as h:
            rc = self._lib.msg_message_search(
                ctypes.byref(out), h, ctypes.byref(flt), ctypes.byref(req), ctypes.byref(err)
            )
        return self._take_page(rc, out, err)

    def iter_list(self, account_id: int, *, limit: Optional[int] = None) -> Iterator[Message]:
        """Every message of an account, newest first, fetched a page of
        ``limit`` at a time as the iteration needs them."""
        return _walk(lambda cursor: self.list(account_id, limit=limit, cursor=cursor))

    def iter_search(
        self,
        *,
        account_id: IntSet = None,
        message_id: TextSet = None,
        sender_number: TextSet = None,
        receiver_number: TextSet = None,
        created_after: Time = None,
        created_before: Time = None,
        q: Optional[str] = None,
        limit: Optional[int] = None,
    ) -> Iterator[Message]:
        """Every message ``search`` matches, newest first, a page at a time."""
        filters = dict(
            account_id=account_id, message_id=message_id, sender_number=sender_number,
            receiver_number=receiver_number, created_after=created_after,
            created_before=created_before, q=q,
        )
        return _walk(lambda cursor: self.search(**filters, limit=limit, cursor=cursor))

    # -- helpers ----------------------------------------------------------

    @staticmethod
    def _page_request(limit: Optional[int], cursor: Optional[str]) -> _native.msg_page_request:
        return _native.msg_page_request(
            limit=_native.LIMIT_DEFAULT if limit is None else _convert.int64(limit, "limit"),
            cursor=_convert.text(cursor, "cursor"),
        )

    def _take_page(self, rc: int, out: "ctypes._Pointer[_native.msg_page]",
                   err: _native.msg_error) -> Page:
        """The Page of a finished list/search call, freeing the C page."""
        if rc != _native.OK:
            raise errors.from_record(rc, err)
        try:
            return Page._from_c(out.contents)
        finally:
            self._lib.msg_page_free(out)

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<libmsg.Store {state}>"


def _walk(fetch: Callable[[Optional[str]], Page]) -> Iterator[Message]:
    """The messages of every page fetch(cursor) returns, from the first page
    (cursor None) until one has no next_cursor; each page is fetched only
    when the iteration reaches it (like Go's Pages)."""
    cursor = None
    while True:
        page = fetch(cursor)
        yield from page.items
        if page.next_cursor is None:
            return
        cursor = page.next_cursor
