#!/usr/bin/env python3
"""Deliberate ownership bugs, for the negative tests of the memory check.

    memory_faults.py leak|double-free

Calls libmsg through the binding's own ctypes declarations and then gets
one C object's lifetime wrong on purpose: never frees it (leak), or frees it
twice (double-free). tests/bindings/run.sh runs each under valgrind and
expects valgrind_report.py to reject the report, which shows the memory
check would catch the same mistake in the binding.
"""

import ctypes
import sys

from libmsg import _native


def main(fault: str) -> None:
    lib = _native.lib()
    store = ctypes.c_void_p()
    err = _native.msg_error()
    assert lib.msg_store_open(ctypes.byref(store), b"sqlite::memory:", None, ctypes.byref(err)) == 0
    new = _native.msg_new_message(account_id=1, sender_number=b"+15550100",
                                  receiver_number=b"+15550199", body=b"fault")
    out = ctypes.POINTER(_native.msg_message)()
    rc = lib.msg_message_create(ctypes.byref(out), None, store, ctypes.byref(new), ctypes.byref(err))
    assert rc == 0, err.message
    if fault == "double-free":
        lib.msg_message_free(out)
        lib.msg_message_free(out)
    elif fault == "leak":
        del out  # the only pointer to the message, dropped without msg_message_free
    else:
        sys.exit(f"unknown fault {fault!r}")
    lib.msg_store_close(store)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "")
