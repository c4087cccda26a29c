"""libmsg's statuses as exceptions: one class per ``msg_status``, all under
``libmsg.Error``.

Each exception carries what the C error record held: ``status`` (the negative
``msg_status``), ``field`` (the offending input's name, with the names of the
HTTP API, or ``""``) and ``message`` (a sentence without secrets). The binding
adds no rules of its own; the few errors it raises itself (a string holding
U+0000, an integer beyond 64 bits: values C cannot even receive) use the same
classes and field names.
"""

from __future__ import annotations

from . import _native


class Error(Exception):
    """A libmsg call failed. Catch a subclass to handle one status."""

    status: int = 0

    def __init__(self, message: str, field: str = "") -> None:
        # libmsg's messages already name the field, so str(e) is the message.
        super().__init__(message)
        self.field = field
        self.message = message


class InvalidError(Error, ValueError):
    """MSG_ERR_INVALID: an argument broke a rule; ``field`` names it."""

    status = _native.ERR_INVALID


class NotFoundError(Error, LookupError):
    """MSG_ERR_NOT_FOUND: no such message."""

    status = _native.ERR_NOT_FOUND


class ConflictError(Error):
    """MSG_ERR_CONFLICT: an idempotency key reused with other content
    (``field`` is ``"idempotency_key"``)."""

    status = _native.ERR_CONFLICT


class UnavailableError(Error):
    """MSG_ERR_UNAVAILABLE: the database cannot be reached or timed out;
    retrying later may succeed."""

    status = _native.ERR_UNAVAILABLE


class OutOfMemoryError(Error, MemoryError):
    """MSG_ERR_NOMEM: an allocation inside libmsg failed."""

    status = _native.ERR_NOMEM


class InternalError(Error):
    """MSG_ERR_INTERNAL: a bug or a corrupt database; never caused by input."""

    status = _native.ERR_INTERNAL


class UnsupportedError(Error):
    """MSG_ERR_UNSUPPORTED: the backend does not implement this operation."""

    status = _native.ERR_UNSUPPORTED


_BY_STATUS = {
    cls.status: cls
    for cls in (
        InvalidError,
        NotFoundError,
        ConflictError,
        UnavailableError,
        OutOfMemoryError,
        InternalError,
        UnsupportedError,
    )
}


def from_record(status: int, record: _native.msg_error) -> Error:
    """The exception for a failed call's status and filled error record."""
    cls = _BY_STATUS.get(status)
    field = record.field.decode("utf-8", "replace")
    message = record.message.decode("utf-8", "replace")
    if cls is None:
        # A status this binding does not know (a newer library): still an
        # Error, with the library's own name for it.
        err = Error(message or _native.status_name(status), field)
        err.status = status
        return err
    return cls(message or _native.status_name(status), field)
