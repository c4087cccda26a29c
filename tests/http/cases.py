"""What the test modules share: one long-lived server with the default
settings (run.py stops it at the end and checks it exits 0), and assertions
for messages, pages and problem details.
"""
import unittest
import urllib.parse

import harness
from harness import TIME_RE, UUID_RE, new_account, new_number

PROBLEM = "application/problem+json"
JSON = "application/json"

_shared = None


def shared():
    """The server most cases use, started on first use."""
    global _shared
    if _shared is None:
        _shared = harness.Server()
        _shared.start()
    return _shared


def stop_shared():
    """Stops the shared server; returns its exit status (None if unused)."""
    global _shared
    if _shared is None:
        return None
    status = _shared.stop()
    _shared.__exit__()
    _shared = None
    return status


def query(**params):
    """A query string; list values become repeated parameters."""
    return "?" + urllib.parse.urlencode(params, doseq=True)


class ApiCase(unittest.TestCase):
    maxDiff = None

    @property
    def srv(self):
        return shared()

    def create(self, account=None, key=None, srv=None, **fields):
        """POSTs a message (default numbers unique to this call); returns
        (response, account, the payload sent)."""
        account = account or new_account()
        payload = {"sender_number": new_number(), "receiver_number": new_number()}
        payload.update(fields)
        headers = {"Idempotency-Key": key} if key is not None else {}
        r = (srv or self.srv).request("POST", "/v1/accounts/%d/messages" % account,
                                      json_body=payload, headers=headers)
        return r, account, payload

    def created(self, account=None, **fields):
        """Creates a message that must succeed; returns it."""
        r, account, _ = self.create(account, **fields)
        self.assertEqual(r.status, 201, r)
        return r.json()

    def assertJson(self, r, status):
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.content_type, JSON)
        self.assertTrue(r.headers.get("X-Request-Id"))
        return r.json()

    def assertMessage(self, message, account, sender, receiver, body):
        self.assertEqual(sorted(message), sorted(["message_id", "account_id", "sender_number",
                                                  "receiver_number", "body", "created_at"]))
        self.assertRegex(message["message_id"], UUID_RE)
        self.assertEqual(message["account_id"], account)
        self.assertIs(type(message["account_id"]), int)
        self.assertEqual(message["sender_number"], sender)
        self.assertEqual(message["receiver_number"], receiver)
        self.assertEqual(message["body"], body)
        self.assertRegex(message["created_at"], TIME_RE)

    def assertNewestFirst(self, messages):
        keys = [(m["created_at"], m["message_id"]) for m in messages]
        self.assertEqual(keys, sorted(keys, reverse=True))

    def assertPage(self, r):
        page = self.assertJson(r, 200)
        self.assertEqual(sorted(page), ["data", "next_cursor"])
        self.assertIsInstance(page["data"], list)
        self.assertTrue(page["next_cursor"] is None or isinstance(page["next_cursor"], str))
        self.assertNewestFirst(page["data"])
        return page

    def assertProblem(self, r, status, field=None):
        """An RFC 9457 body with the right status; for `field`, errors names
        exactly that field."""
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.content_type, PROBLEM)
        p = r.json()
        self.assertEqual(p["type"], "about:blank")
        self.assertEqual(p["status"], status)
        self.assertIsInstance(p["title"], str)
        self.assertTrue(p["title"])
        self.assertIsInstance(p["detail"], str)
        self.assertTrue(p["detail"])
        self.assertEqual(p["request_id"], r.headers.get("X-Request-Id"))
        if field is None:
            self.assertNotIn("errors", p)
        else:
            self.assertEqual([e["field"] for e in p["errors"]], [field])
            self.assertTrue(p["errors"][0]["message"])
        return p

    def walk(self, path, limit, srv=None):
        """Every page of a list or search, following next_cursor."""
        pages, cursor = [], None
        sep = "&" if "?" in path else "?"
        while True:
            url = path + sep + "limit=%d" % limit
            if cursor:
                url += "&cursor=" + urllib.parse.quote(cursor, safe="")
            page = self.assertPage((srv or self.srv).request("GET", url))
            pages.append(page)
            cursor = page["next_cursor"]
            if cursor is None:
                return pages
            self.assertLess(len(pages), 1000, "the walk does not end")
