#!/usr/bin/env python3
"""quickstart: examples/quickstart.c in Python, through the libmsg binding.

Opens a store (in-memory SQLite unless a URI is given), creates three
messages for one account, lists them two a page (newest first) and finds one
by a word of its body.

    pip install --no-build-isolation ./bindings/python
    python3 examples/python/quickstart.py [URI]
"""

import sys

import libmsg

ACCOUNT = 42


def print_messages(messages):
    for m in messages:
        when = m.created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        body = "(no body)" if m.body is None else m.body
        print(f"  {when} {m.sender_number} -> {m.receiver_number}: {body}")


def main(uri):
    with libmsg.Store(uri) as store:
        for body in ("Coffee at ten?", "Running late, sorry", None):
            m, _ = store.create(account_id=ACCOUNT, sender_number="+15550100",
                                receiver_number="+15550199", body=body)
            print(f"created {m.message_id}")

        # Each page's next_cursor asks for the page after it; None on the last.
        cursor, pages = None, 0
        while True:
            page = store.list(ACCOUNT, limit=2, cursor=cursor)
            pages += 1
            print(f"account {ACCOUNT}, page {pages}: {len(page.items)} message(s)")
            print_messages(page.items)
            cursor = page.next_cursor
            if cursor is None:
                break

        found = store.search(account_id=ACCOUNT, q="COFFEE")
        print(f'search "COFFEE": {len(found.items)} message(s)')
        print_messages(found.items)


if __name__ == "__main__":
    try:
        main(sys.argv[1] if len(sys.argv) > 1 else "sqlite::memory:")
    except libmsg.Error as e:
        sys.exit(f"quickstart: {type(e).__name__} (field '{e.field}'): {e.message}")
