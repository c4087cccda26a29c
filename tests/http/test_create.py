"""POST /v1/accounts/{account_id}/messages: creating, idempotency, and every
way a request body can be refused."""
import json

from cases import ApiCase, new_account, new_number
from harness import parse_raw_response


class CreateTest(ApiCase):
    def test_create__returns_201_with_location_and_the_message(self):
        r, account, sent = self.create(body="Hello, Straße! 😀")
        m = self.assertJson(r, 201)
        self.assertMessage(m, account, sent["sender_number"], sent["receiver_number"],
                           "Hello, Straße! 😀")
        self.assertEqual(r.headers["Location"], "/v1/messages/" + m["message_id"])
        self.assertIsNone(r.headers.get("Idempotent-Replayed"))

    def test_create__without_body_stores_null(self):
        r, account, sent = self.create()
        m = self.assertJson(r, 201)
        self.assertMessage(m, account, sent["sender_number"], sent["receiver_number"], None)

    def test_create__null_body_is_no_body(self):
        r, account, sent = self.create(body=None)
        self.assertIsNone(self.assertJson(r, 201)["body"])

    def test_create__empty_body_is_kept(self):
        r, account, sent = self.create(body="")
        self.assertEqual(self.assertJson(r, 201)["body"], "")

    def test_create__accepts_1600_characters_and_refuses_1601(self):
        r, _, _ = self.create(body="é" * 1600)
        self.assertEqual(self.assertJson(r, 201)["body"], "é" * 1600)
        r, _, _ = self.create(body="é" * 1601)
        self.assertProblem(r, 422, "body")

    def test_create__accepts_json_with_utf8_charset(self):
        account = new_account()
        r = self.srv.request("POST", "/v1/accounts/%d/messages" % account,
                             body=json.dumps({"sender_number": "123", "receiver_number": "+456"}),
                             headers={"Content-Type": "Application/JSON; charset=\"UTF-8\""})
        self.assertMessage(self.assertJson(r, 201), account, "123", "+456", None)

    def test_create__replay_with_same_key_returns_200_and_the_original(self):
        account, sender, receiver = new_account(), new_number(), new_number()
        first, _, _ = self.create(account, key="order-17", sender_number=sender,
                                  receiver_number=receiver, body="once")
        original = self.assertJson(first, 201)
        again, _, _ = self.create(account, key="order-17", sender_number=sender,
                                  receiver_number=receiver, body="once")
        self.assertEqual(self.assertJson(again, 200), original)
        self.assertEqual(again.headers["Idempotent-Replayed"], "true")
        self.assertEqual(again.headers["Location"], "/v1/messages/" + original["message_id"])
        page = self.assertPage(self.srv.request("GET", "/v1/accounts/%d/messages" % account))
        self.assertEqual(page["data"], [original])

    def test_create__same_key_with_other_content_is_422_naming_idempotency_key(self):
        account = new_account()
        self.assertEqual(self.create(account, key="k-1", body="one")[0].status, 201)
        r, _, _ = self.create(account, key="k-1", body="two")
        self.assertProblem(r, 422, "idempotency_key")

    def test_create__idempotency_keys_are_scoped_to_the_account(self):
        a = self.assertJson(self.create(key="shared-key", body="x")[0], 201)
        b = self.assertJson(self.create(key="shared-key", body="x")[0], 201)
        self.assertNotEqual(a["message_id"], b["message_id"])

    def test_create__rejects_an_invalid_idempotency_key(self):
        r, _, _ = self.create(key="k" * 256)
        self.assertProblem(r, 422, "idempotency_key")

    def test_create__rejects_sender_with_letters(self):
        r, _, _ = self.create(sender_number="+1555abc")
        self.assertProblem(r, 422, "sender_number")

    def test_create__rejects_receiver_too_short(self):
        r, _, _ = self.create(receiver_number="12")
        self.assertProblem(r, 422, "receiver_number")

    def test_create__rejects_a_missing_number(self):
        account = new_account()
        r = self.srv.request("POST", "/v1/accounts/%d/messages" % account,
                             json_body={"sender_number": "+15551234567"})
        self.assertProblem(r, 422, "receiver_number")

    def test_create__rejects_members_of_the_wrong_type(self):
        for member, value in (("sender_number", 15551234567), ("receiver_number", None),
                              ("body", 42), ("body", ["a"])):
            with self.subTest(member=member, value=value):
                r, _, _ = self.create(**{member: value})
                self.assertProblem(r, 422, member)

    def test_create__rejects_an_unknown_member(self):
        r, _, _ = self.create(reciever_number="+15551234567")
        p = self.assertProblem(r, 422, "reciever_number")
        self.assertIn("reciever_number", p["detail"])

    def test_create__rejects_nul_in_a_string_naming_the_member(self):
        r, _, _ = self.create(body="a\u0000b")
        self.assertProblem(r, 422, "body")

    def test_create__rejects_account_ids_out_of_range(self):
        for account in ("0", "-1", "9007199254740992", "99999999999999999999999"):
            with self.subTest(account=account):
                r = self.srv.request("POST", "/v1/accounts/%s/messages" % account,
                                     json_body={"sender_number": "123", "receiver_number": "456"})
                self.assertProblem(r, 422, "account_id")

    def test_create__rejects_an_account_id_that_is_not_a_number(self):
        r = self.srv.request("POST", "/v1/accounts/abc/messages",
                             json_body={"sender_number": "123", "receiver_number": "456"})
        self.assertProblem(r, 422, "account_id")

    def test_create__accepts_the_largest_account_id(self):
        account = 9007199254740991
        m = self.created(account)
        self.assertEqual(m["account_id"], account)

    def send(self, body, content_type="application/json"):
        headers = {"Content-Type": content_type} if content_type else {}
        return self.srv.request("POST", "/v1/accounts/%d/messages" % new_account(), body=body,
                                headers=headers)

    def test_create__rejects_malformed_json_with_400(self):
        for body in (b"", b"{", b"{\"sender_number\": }", b"nul", b"{\"a\":1} trailing",
                     b"{\"a\":\"\x01\"}", b"{\"a\":1}\x00"):
            with self.subTest(body=body):
                self.assertProblem(self.send(body), 400)

    def test_create__rejects_a_body_that_is_not_an_object_with_400(self):
        for body in (b"[]", b"\"text\"", b"42", b"null"):
            with self.subTest(body=body):
                self.assertProblem(self.send(body), 400)

    def test_create__rejects_duplicate_members_with_400(self):
        body = b'{"sender_number":"123","receiver_number":"456","sender_number":"789"}'
        self.assertProblem(self.send(body), 400, "sender_number")

    def test_create__rejects_text_that_is_not_utf8_with_400(self):
        body = b'{"sender_number":"123","receiver_number":"456","body":"\xff\xfe"}'
        self.assertProblem(self.send(body), 400)

    def test_create__rejects_other_content_types_with_415(self):
        body = json.dumps({"sender_number": "123", "receiver_number": "456"})
        for content_type in (None, "text/plain", "application/x-www-form-urlencoded",
                             "application/json; charset=latin1", "application/jsonx"):
            with self.subTest(content_type=content_type):
                self.assertProblem(self.send(body, content_type), 415)

    def test_create__rejects_a_body_over_the_limit_with_413(self):
        body = json.dumps({"sender_number": "123", "receiver_number": "456",
                           "body": "x" * 70000})
        r = self.send(body)
        self.assertProblem(r, 413)
        self.assertEqual(r.headers["Connection"], "close")

    def test_create__rejects_a_chunked_body_over_the_limit_with_413(self):
        chunk = b"x" * 70000
        data = (b"POST /v1/accounts/5/messages HTTP/1.1\r\nHost: t\r\n"
                b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + b"%x\r\n" % len(chunk) + chunk + b"\r\n0\r\n\r\n")
        status, headers, body = parse_raw_response(self.srv.raw(data, read_timeout=10))
        self.assertEqual(status, 413)
        self.assertEqual(headers["content-type"], "application/problem+json")
        self.assertEqual(json.loads(body)["status"], 413)

    def test_create__accepts_a_chunked_body_within_the_limit(self):
        payload = json.dumps({"sender_number": "123", "receiver_number": "456",
                              "body": "chunked"}).encode()
        account = new_account()
        data = (b"POST /v1/accounts/%d/messages HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" % account
                + b"%x\r\n" % len(payload) + payload + b"\r\n0\r\n\r\n")
        status, headers, body = parse_raw_response(self.srv.raw(data, read_timeout=10))
        self.assertEqual(status, 201, body)
        self.assertMessage(json.loads(body), account, "123", "456", "chunked")
