"""The C side of the binding: finding libmsg, and its structs and prototypes.

Everything here mirrors <msg/msg.h> one to one, so a change there has one
place to land. The library is loaded on first use, not at import, so that
``import libmsg`` (and ``help(libmsg)``) works on a machine without it and the
error names every place that was tried.

ctypes releases the GIL around each foreign call (``CDLL``, not ``PyDLL``):
calls on one store from several threads really run at once, which is what the
C store is built for.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
from typing import Optional

# The layout of the structs below is that of libmsg 0.x (MSG_VERSION_MAJOR);
# another major version may change it, so loading refuses one.
ABI_MAJOR = 0

ID_LEN = 36
LIMIT_DEFAULT = 50
ERROR_FIELD_MAX = 32
ERROR_MESSAGE_MAX = 256
STORE_OPTIONS_VERSION = 1

OK = 0
ERR_INVALID = -1
ERR_NOT_FOUND = -2
ERR_CONFLICT = -3
ERR_UNAVAILABLE = -4
ERR_NOMEM = -5
ERR_INTERNAL = -6
ERR_UNSUPPORTED = -7


class LibraryNotFoundError(OSError):
    """libmsg's shared library could not be loaded; the message lists every
    place that was tried and why each failed."""


class msg_error(ctypes.Structure):
    _fields_ = [
        ("status", ctypes.c_int),
        ("field", ctypes.c_char * ERROR_FIELD_MAX),
        ("message", ctypes.c_char * ERROR_MESSAGE_MAX),
    ]


class msg_store_options(ctypes.Structure):
    _fields_ = [
        ("version", ctypes.c_uint),
        ("pool_size", ctypes.c_uint),
        ("pool_timeout_ms", ctypes.c_uint),
        ("timeout_ms", ctypes.c_uint),
    ]


class msg_store_stats(ctypes.Structure):
    _fields_ = [
        ("pool_size", ctypes.c_uint),
        ("pool_open", ctypes.c_uint),
        ("pool_in_use", ctypes.c_uint),
        ("pool_waits", ctypes.c_uint64),
        ("pool_timeouts", ctypes.c_uint64),
        ("errors_unavailable", ctypes.c_uint64),
        ("errors_internal", ctypes.c_uint64),
    ]


# Strings the library returns are read through c_void_p and copied with
# ctypes.string_at, never through c_char_p fields: the copy is explicit and
# happens before the owning object is freed.
class msg_message(ctypes.Structure):
    _fields_ = [
        ("message_id", ctypes.c_void_p),
        ("account_id", ctypes.c_int64),
        ("sender_number", ctypes.c_void_p),
        ("receiver_number", ctypes.c_void_p),
        ("body", ctypes.c_void_p),
        ("created_at", ctypes.c_int64),
    ]


class msg_new_message(ctypes.Structure):
    _fields_ = [
        ("account_id", ctypes.c_int64),
        ("sender_number", ctypes.c_char_p),
        ("receiver_number", ctypes.c_char_p),
        ("body", ctypes.c_char_p),
        ("idempotency_key", ctypes.c_char_p),
    ]


class msg_page_request(ctypes.Structure):
    _fields_ = [("limit", ctypes.c_int64), ("cursor", ctypes.c_char_p)]


class msg_page(ctypes.Structure):
    _fields_ = [
        ("count", ctypes.c_size_t),
        ("items", ctypes.POINTER(msg_message)),
        ("next_cursor", ctypes.c_void_p),
    ]


class msg_filter(ctypes.Structure):
    _fields_ = [
        ("account_ids", ctypes.POINTER(ctypes.c_int64)),
        ("account_id_count", ctypes.c_size_t),
        ("message_ids", ctypes.POINTER(ctypes.c_char_p)),
        ("message_id_count", ctypes.c_size_t),
        ("sender_numbers", ctypes.POINTER(ctypes.c_char_p)),
        ("sender_number_count", ctypes.c_size_t),
        ("receiver_numbers", ctypes.POINTER(ctypes.c_char_p)),
        ("receiver_number_count", ctypes.c_size_t),
        ("has_created_after", ctypes.c_bool),
        ("created_after", ctypes.c_int64),
        ("has_created_before", ctypes.c_bool),
        ("created_before", ctypes.c_int64),
        ("q", ctypes.c_char_p),
    ]


_P = ctypes.POINTER
_store_p = ctypes.c_void_p
_err_p = _P(msg_error)

# name: (restype, argtypes), exactly as declared in <msg/msg.h>.
_PROTOTYPES = {
    "msg_version": (ctypes.c_char_p, []),
    "msg_status_str": (ctypes.c_char_p, [ctypes.c_int]),
    "msg_store_options_init": (None, [_P(msg_store_options)]),
    "msg_store_open": (
        ctypes.c_int,
        [_P(_store_p), ctypes.c_char_p, _P(msg_store_options), _err_p],
    ),
    "msg_store_close": (None, [_store_p]),
    "msg_store_ping": (ctypes.c_int, [_store_p, _err_p]),
    "msg_store_scheme": (ctypes.c_char_p, [_store_p]),
    "msg_store_stats_get": (None, [_store_p, _P(msg_store_stats)]),
    "msg_message_create": (
        ctypes.c_int,
        [_P(_P(msg_message)), _P(ctypes.c_bool), _store_p, _P(msg_new_message), _err_p],
    ),
    "msg_message_get": (
        ctypes.c_int,
        [_P(_P(msg_message)), _store_p, ctypes.c_char_p, _err_p],
    ),
    "msg_message_free": (None, [_P(msg_message)]),
    "msg_page_free": (None, [_P(msg_page)]),
    "msg_message_list": (
        ctypes.c_int,
        [_P(_P(msg_page)), _store_p, ctypes.c_int64, _P(msg_page_request), _err_p],
    ),
    "msg_message_search": (
        ctypes.c_int,
        [_P(_P(msg_page)), _store_p, _P(msg_filter), _P(msg_page_request), _err_p],
    ),
    "msg_time_parse": (ctypes.c_int, [_P(ctypes.c_int64), ctypes.c_char_p, _err_p]),
}

_lock = threading.Lock()
_lib: Optional[ctypes.CDLL] = None


def _candidates() -> list[tuple[str, str]]:
    """Where to look, in order: (description, name or path for dlopen)."""
    explicit = os.environ.get("LIBMSG_LIBRARY")
    if explicit:
        # An explicit path is the only candidate: silently loading another
        # copy would hide a mistake in it.
        return [("LIBMSG_LIBRARY=" + explicit, explicit)]
    found = [("the system's loader (libmsg.so.0)", "libmsg.so.0")]
    name = ctypes.util.find_library("msg")
    if name and name != "libmsg.so.0":
        found.append(("ctypes.util.find_library('msg') -> " + name, name))
    return found


def _bind(lib: ctypes.CDLL) -> None:
    for name, (restype, argtypes) in _PROTOTYPES.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes


def _check_version(lib: ctypes.CDLL, where: str) -> None:
    version = lib.msg_version().decode("ascii")
    if version.split(".")[0] != str(ABI_MAJOR):
        raise LibraryNotFoundError(
            f"{where} is libmsg {version}; this binding needs libmsg {ABI_MAJOR}.x"
        )


def lib() -> ctypes.CDLL:
    """The loaded library, loading it on first use (thread-safe)."""
    global _lib
    if _lib is not None:
        return _lib
    with _lock:
        if _lib is not None:
            return _lib
        tried = []
        for where, name in _candidates():
            try:
                loaded = ctypes.CDLL(name)
                _bind(loaded)
            except (OSError, AttributeError) as e:
                tried.append(f"  {where}: {e}")
                continue
            _check_version(loaded, where)
            _lib = loaded
            return loaded
        hint = (
            "set LIBMSG_LIBRARY to the path of libmsg.so, or install libmsg "
            "where the loader finds it (ldconfig, LD_LIBRARY_PATH)"
        )
        if not tried:
            tried.append("  (find_library found nothing)")
        raise LibraryNotFoundError(
            "cannot load libmsg; tried:\n" + "\n".join(tried) + "\n" + hint
        )


def status_name(status: int) -> str:
    """msg_status_str: a short constant name for a status."""
    return lib().msg_status_str(status).decode("ascii")


def c_string(ptr: Optional[int]) -> Optional[str]:
    """Copies a NUL-terminated UTF-8 string the library owns (None for NULL)."""
    if not ptr:
        return None
    return ctypes.string_at(ptr).decode("utf-8")
