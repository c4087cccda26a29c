"""Python arguments to the C values libmsg reads.

Only representation is handled here; every rule stays in C. Where Python can
hold a value C cannot receive, the conversion picks the C value that keeps
C's answer, so the error is still the library's own:
  - an integer beyond 64 bits is clamped to INT64_MIN/INT64_MAX, which every
    C range check rejects just as it would the original (all of libmsg's
    ranges lie well inside 64 bits);
  - a str is encoded as UTF-8 with lone surrogates kept ("surrogatepass"),
    so C's UTF-8 check rejects them with the field's name.
The one exception: C strings end at NUL, so a str holding U+0000 would reach
C cut short; it is refused here with the msg-server's words for it.
"""

from __future__ import annotations

import ctypes
import datetime
from typing import Any, Callable, List, Optional, Sequence, TypeVar, Union

from . import _native
from .errors import InvalidError
from .types import datetime_to_micros

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

T = TypeVar("T")


def int64(value: Any, field: str) -> int:
    """An int for a C int64_t, clamped as explained above."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{field} must be an int, not {type(value).__name__}")
    return min(max(value, INT64_MIN), INT64_MAX)


def text(value: Optional[str], field: str) -> Optional[bytes]:
    """A str (or None, which C reads as NULL) as NUL-terminated UTF-8."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{field} must be a str, not {type(value).__name__}")
    if "\0" in value:
        raise InvalidError("strings must not contain U+0000", field)
    return value.encode("utf-8", "surrogatepass")


def values(value: Union[None, T, Sequence[T]], scalar: type, field: str,
           convert: Callable[[Any, str], Any]) -> List[Any]:
    """A set filter: None (no filter), one value, or any iterable of values."""
    if value is None:
        return []
    if isinstance(value, scalar):
        return [convert(value, field)]
    if isinstance(value, (bytes, bytearray)):
        raise TypeError(f"{field} must be a str or an iterable of str, not bytes")
    return [convert(v, field) for v in value]


def int64_array(items: List[int]) -> Optional[ctypes.Array]:
    return (ctypes.c_int64 * len(items))(*items) if items else None


def text_array(items: List[bytes]) -> Optional[ctypes.Array]:
    return (ctypes.c_char_p * len(items))(*items) if items else None


def timestamp(value: Union[None, datetime.datetime, str], field: str) -> Optional[int]:
    """A time bound in microseconds: an aware datetime, or RFC 3339 text
    parsed by libmsg (msg_time_parse), as the HTTP API takes it."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        if value.utcoffset() is None:
            raise InvalidError(f"{field} must be an aware datetime (with a time zone)", field)
        return datetime_to_micros(value)
    if not isinstance(value, str):
        raise TypeError(f"{field} must be a datetime or a str, not {type(value).__name__}")
    raw = text(value, field)
    out = ctypes.c_int64()
    err = _native.msg_error()
    if _native.lib().msg_time_parse(ctypes.byref(out), raw, ctypes.byref(err)) != _native.OK:
        # msg_time_parse leaves the field empty: the caller names it.
        raise InvalidError(f"{field} must be an RFC 3339 timestamp", field)
    return out.value
