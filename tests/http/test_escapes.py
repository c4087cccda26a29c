"""JSON string escaping on the way out: a body holding every control
character (U+0001..U+001F), the quote and the backslash, sent as JSON escapes,
comes back unchanged through create, get, list and search, and no response
carries a raw byte below 0x20. The server's escaper checks eight bytes at a
time and then the tail byte by byte, so each character is placed both inside
a long run and in the last bytes of the string."""
import harness
from cases import ApiCase, new_account, query, shared

SPECIAL = [chr(c) for c in range(0x01, 0x20)] + ['"', "\\"]


def body_with(c):
    # A word of its own for search, then c inside a run of 16 plain bytes
    # (the eight-byte path) and among the last bytes (the tail path).
    return "esc%02x %s0123456789abcdef%sz%s" % (ord(c), c, c, c)


class EscapeTest(ApiCase):
    @classmethod
    def setUpClass(cls):
        # Every message is stored before any test looks, and its id is read
        # from Location, so a badly escaped create response cannot hide the
        # message from the get, list and search tests.
        cls.account = new_account()
        sender, receiver = harness.new_number(), harness.new_number()
        cls.sent = {}  # message_id -> body
        cls.create_responses = []
        for c in SPECIAL:
            r = shared().request("POST", "/v1/accounts/%d/messages" % cls.account,
                                  json_body={"sender_number": sender, "receiver_number": receiver,
                                             "body": body_with(c)})
            if r.status != 201:
                raise AssertionError("create of %r: %r" % (body_with(c), r))
            cls.sent[r.headers["Location"].rsplit("/", 1)[1]] = body_with(c)
            cls.create_responses.append((c, r))

    def assertNoRawControlBytes(self, r):
        raw = [b for b in r.body if b < 0x20]
        self.assertEqual(raw, [], "raw control bytes in %r" % r)

    def test_create__returns_every_escaped_character_unchanged(self):
        self.assertEqual(len(self.sent), len(SPECIAL))
        for c, r in self.create_responses:
            with self.subTest(char=hex(ord(c))):
                self.assertNoRawControlBytes(r)
                self.assertEqual(self.assertJson(r, 201)["body"], body_with(c))

    def test_get__returns_every_escaped_character_unchanged(self):
        for message_id, body in self.sent.items():
            with self.subTest(body=body):
                r = self.srv.request("GET", "/v1/messages/" + message_id)
                self.assertNoRawControlBytes(r)
                self.assertEqual(self.assertJson(r, 200)["body"], body)

    def test_list__returns_every_escaped_character_unchanged(self):
        r = self.srv.request("GET", "/v1/accounts/%d/messages%s" % (self.account, query(limit=1000)))
        self.assertNoRawControlBytes(r)
        page = self.assertJson(r, 200)
        self.assertEqual({m["message_id"]: m["body"] for m in page["data"]}, self.sent)

    def test_search__returns_every_escaped_character_unchanged(self):
        r = self.srv.request("GET", "/v1/messages" + query(account_id=self.account, limit=1000))
        self.assertNoRawControlBytes(r)
        page = self.assertJson(r, 200)
        self.assertEqual({m["message_id"]: m["body"] for m in page["data"]}, self.sent)
        for c in SPECIAL:
            with self.subTest(char=hex(ord(c))):
                word = "esc%02x" % ord(c)
                r = self.srv.request("GET", "/v1/messages" + query(account_id=self.account, q=word))
                self.assertNoRawControlBytes(r)
                page = self.assertJson(r, 200)
                self.assertEqual([m["body"] for m in page["data"]], [body_with(c)])
