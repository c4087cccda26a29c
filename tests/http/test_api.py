"""Black-box tests of msg-server's HTTP API, one class per group of routes.

Run by run.py against a real server process; every case asserts the status,
the content type and the body's fields.
"""
import json
import re
import shutil
import subprocess
import threading
import unittest
import random
import urllib.parse

from harness import Server

SERVER = None  # set by run.py
DATABASE = None
TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
UUID7_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
PROBLEM = "application/problem+json"


def new_account():
    return random.randint(10**9, 2**40)


class ApiCase(unittest.TestCase):
    srv = None

    @classmethod
    def setUpClass(cls):
        cls.srv = Server(SERVER, DATABASE)

    @classmethod
    def tearDownClass(cls):
        status = cls.srv.stop()
        assert status == 0, "msg-server exited with %s:\n%s" % (status, cls.srv.output())

    def create(self, account, body=None, key=None, **fields):
        payload = {"sender_number": "+15550001111", "receiver_number": "15552223333"}
        payload.update(fields)
        if body is not None:
            payload["body"] = body
        headers = {"Idempotency-Key": key} if key else {}
        return self.srv.json("POST", "/v1/accounts/%d/messages" % account, payload, headers)

    def assertProblem(self, status, hdrs, body, expected_status, field=None):
        self.assertEqual(status, expected_status, body)
        self.assertEqual(hdrs["content-type"], PROBLEM)
        self.assertEqual(body["status"], expected_status)
        self.assertIn("title", body)
        self.assertIn("detail", body)
        self.assertEqual(body["type"], "about:blank")
        if field:
            self.assertEqual([e["field"] for e in body["errors"]], [field])


class CreateTest(ApiCase):
    def test_create_returns_201_location_and_message(self):
        acct = new_account()
        status, hdrs, m = self.create(acct, body="Hello, Straße")
        self.assertEqual(status, 201)
        self.assertEqual(hdrs["content-type"], "application/json")
        self.assertEqual(hdrs["location"], "/v1/messages/" + m["message_id"])
        self.assertRegex(m["message_id"], UUID7_RE)
        self.assertRegex(m["created_at"], TIME_RE)
        self.assertEqual((m["account_id"], m["sender_number"], m["receiver_number"], m["body"]),
                         (acct, "+15550001111", "15552223333", "Hello, Straße"))
        status, _, got = self.srv.json("GET", hdrs["location"])
        self.assertEqual((status, got), (200, m))

    def test_create_without_body_stores_null(self):
        status, _, m = self.create(new_account())
        self.assertEqual(status, 201)
        self.assertIsNone(m["body"])

    def test_idempotent_replay_returns_200_and_original(self):
        acct = new_account()
        s1, _, first = self.create(acct, body="once", key="order-17")
        s2, hdrs, again = self.create(acct, body="once", key="order-17")
        self.assertEqual((s1, s2), (201, 200))
        self.assertEqual(hdrs["idempotent-replayed"], "true")
        self.assertEqual(again, first)
        status, _, page = self.srv.json("GET", "/v1/accounts/%d/messages" % acct)
        self.assertEqual([m["message_id"] for m in page["data"]], [first["message_id"]])

    def test_same_key_other_content_is_422(self):
        acct = new_account()
        self.create(acct, body="one", key="k")
        self.assertProblem(*self.create(acct, body="two", key="k"), 422, "idempotency_key")

    def test_invalid_fields_are_422_naming_the_field(self):
        acct = new_account()
        cases = [
            ({"sender_number": "12"}, "sender_number"),
            ({"receiver_number": "+1234567890123456"}, "receiver_number"),
            ({"sender_number": 15551234}, "sender_number"),
            ({"body": "x" * 1601}, "body"),
            ({"body": 5}, "body"),
            ({"colour": "red"}, "colour"),
        ]
        for fields, field in cases:
            with self.subTest(fields=fields):
                self.assertProblem(*self.create(acct, **fields), 422, field)
        self.assertProblem(*self.create(acct, key="k" * 256), 422, "idempotency_key")
        self.assertProblem(*self.srv.json("POST", "/v1/accounts/0/messages",
                                          {"sender_number": "123", "receiver_number": "456"}),
                           422, "account_id")

    def test_body_of_1600_characters_is_accepted(self):
        status, _, m = self.create(new_account(), body="😀" * 1600)
        self.assertEqual(status, 201)
        self.assertEqual(len(m["body"]), 1600)

    def test_malformed_requests_are_400(self):
        path = "/v1/accounts/%d/messages" % new_account()
        ct = {"Content-Type": "application/json"}
        for raw in [b"{", b"[]", b"\"text\"", b'{"sender_number":"123","sender_number":"456"}',
                    b'{"sender_number":"1\\u00002","receiver_number":"456"}', b"",
                    b'{"body":"a\x01b"}']:
            with self.subTest(raw=raw):
                self.assertProblem(*self.srv.json("POST", path, raw=raw, headers=ct), 400)

    def test_wrong_content_type_is_415(self):
        path = "/v1/accounts/%d/messages" % new_account()
        self.assertProblem(*self.srv.json("POST", path, raw=b"{}", headers={"Content-Type": "text/plain"}), 415)

    def test_body_over_limit_is_413(self):
        path = "/v1/accounts/%d/messages" % new_account()
        raw = json.dumps({"sender_number": "123", "receiver_number": "456", "body": "x" * 70000}).encode()
        self.assertProblem(*self.srv.json("POST", path, raw=raw, headers={"Content-Type": "application/json"}), 413)


class ReadTest(ApiCase):
    def test_get_unknown_is_404_and_malformed_is_422(self):
        self.assertProblem(*self.srv.json("GET", "/v1/messages/0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a11"), 404)
        self.assertProblem(*self.srv.json("GET", "/v1/messages/not-a-uuid"), 422, "message_id")

    def test_list_walks_pages_newest_first_without_repeats(self):
        acct = new_account()
        ids = [self.create(acct, body="m%d" % i)[2]["message_id"] for i in range(7)]
        seen, cursor, sizes = [], None, []
        while True:
            path = "/v1/accounts/%d/messages?limit=3" % acct
            if cursor:
                path += "&cursor=" + urllib.parse.quote(cursor)
            status, hdrs, page = self.srv.json("GET", path)
            self.assertEqual(status, 200)
            self.assertEqual(hdrs["content-type"], "application/json")
            sizes.append(len(page["data"]))
            seen += [m["message_id"] for m in page["data"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        self.assertEqual(sizes, [3, 3, 1])
        self.assertEqual(seen, list(reversed(ids)))

    def test_list_with_exact_multiple_has_no_empty_last_page(self):
        acct = new_account()
        for i in range(4):
            self.create(acct)
        _, _, p1 = self.srv.json("GET", "/v1/accounts/%d/messages?limit=2" % acct)
        _, _, p2 = self.srv.json("GET", "/v1/accounts/%d/messages?limit=2&cursor=%s" % (acct, p1["next_cursor"]))
        self.assertEqual((len(p1["data"]), len(p2["data"]), p2["next_cursor"]), (2, 2, None))

    def test_list_rejects_bad_limit_cursor_and_parameters(self):
        acct = new_account()
        base = "/v1/accounts/%d/messages" % acct
        self.assertProblem(*self.srv.json("GET", base + "?limit=0"), 422, "limit")
        self.assertProblem(*self.srv.json("GET", base + "?limit=1001"), 422, "limit")
        self.assertProblem(*self.srv.json("GET", base + "?limit=abc"), 422, "limit")
        self.assertProblem(*self.srv.json("GET", base + "?cursor=garbage"), 422, "cursor")
        self.assertProblem(*self.srv.json("GET", base + "?limit=1&limit=2"), 400, "limit")
        self.assertProblem(*self.srv.json("GET", base + "?colour=red"), 400)
        self.assertProblem(*self.srv.json("GET", base + "?limit=%zz"), 400)

    def test_cursor_from_another_account_is_422(self):
        a, b = new_account(), new_account()
        for _ in range(2):
            self.create(a)
        _, _, page = self.srv.json("GET", "/v1/accounts/%d/messages?limit=1" % a)
        self.assertProblem(*self.srv.json("GET", "/v1/accounts/%d/messages?cursor=%s" % (b, page["next_cursor"])),
                           422, "cursor")


class SearchTest(ApiCase):
    def test_filters_alone_and_combined(self):
        acct = new_account()
        s1, _, m1 = self.create(acct, body="Grüße aus Köln", sender_number="+4915100001")
        s2, _, m2 = self.create(acct, body="hello world", sender_number="+4915100002",
                                receiver_number="+4915100009")
        s3, _, m3 = self.create(acct, body="HELLO again", sender_number="+4915100003")

        def ids(query):
            status, hdrs, page = self.srv.json("GET", "/v1/messages?" + query)
            self.assertEqual(status, 200, page)
            return {m["message_id"] for m in page["data"]}

        a = "account_id=%d" % acct
        self.assertEqual(ids(a), {m1["message_id"], m2["message_id"], m3["message_id"]})
        self.assertEqual(ids(a + "&sender_number=%2B4915100001,%2B4915100003"), {m1["message_id"], m3["message_id"]})
        self.assertEqual(ids(a + "&sender_number=%2B4915100001&sender_number=%2B4915100002"),
                         {m1["message_id"], m2["message_id"]})
        self.assertEqual(ids("receiver_number=%2B4915100009&" + a), {m2["message_id"]})
        self.assertEqual(ids(a + "&q=hello"), {m2["message_id"], m3["message_id"]})
        self.assertEqual(ids(a + "&q=GR%C3%9CSSE+k%C3%B6ln"), {m1["message_id"]})
        self.assertEqual(ids(a + "&q=grusse"), set())
        self.assertEqual(ids(a + "&q=hello&sender_number=%2B4915100003"), {m3["message_id"]})
        self.assertEqual(ids("message_id=%s,%s" % (m1["message_id"], m3["message_id"])),
                         {m1["message_id"], m3["message_id"]})
        q = urllib.parse.urlencode({"account_id": acct, "created_after": m1["created_at"],
                                    "created_before": m3["created_at"]})
        self.assertEqual(ids(q), {m2["message_id"]})

    def test_search_errors_name_the_field(self):
        self.assertProblem(*self.srv.json("GET", "/v1/messages?created_after=yesterday"), 422, "created_after")
        self.assertProblem(*self.srv.json("GET", "/v1/messages?q=%21%21%21"), 422, "q")
        self.assertProblem(*self.srv.json("GET", "/v1/messages?sender_number=abc"), 422, "sender_number")
        many = ",".join("1%03d" % i for i in range(101))
        self.assertProblem(*self.srv.json("GET", "/v1/messages?sender_number=" + many), 422, "sender_number")
        self.assertProblem(*self.srv.json("GET", "/v1/messages?account_id=x"), 422, "account_id")
        self.assertProblem(*self.srv.json("GET", "/v1/messages?unknown=1"), 400)


class CompatTest(ApiCase):
    def test_root_banner(self):
        status, hdrs, body = self.srv.json("GET", "/")
        self.assertEqual((status, hdrs["content-type"], body),
                         (200, "application/json", {"message": "Service is running properly"}))

    def test_old_client_create_list_search(self):
        acct = new_account()
        status, _, m = self.srv.json("POST", "/v1/create", {"account_id": acct, "sender_number": "5550001",
                                                            "receiver_number": "5550002"})
        self.assertEqual(status, 200)
        self.assertEqual((m["account_id"], m["sender_number"], m["body"]), (acct, "5550001", None))
        status, _, m2 = self.srv.json("POST", "/v1/create", {"account_id": acct, "sender_number": "5550003",
                                                             "receiver_number": "5550002"})
        status, _, arr = self.srv.json("GET", "/v1/get/messages/%d" % acct)
        self.assertEqual(status, 200)
        self.assertEqual([x["message_id"] for x in arr], [m2["message_id"], m["message_id"]])
        status, _, arr = self.srv.json("GET", "/v1/search?message_id=%s,%s&receiver_number=5550002"
                                       % (m["message_id"], m2["message_id"]))
        self.assertEqual(status, 200)
        self.assertEqual({x["message_id"] for x in arr}, {m["message_id"], m2["message_id"]})
        status, _, arr = self.srv.json("GET", "/v1/search?sender_number=5550003&message_id=%s,%s"
                                       % (m["message_id"], m2["message_id"]))
        self.assertEqual([x["message_id"] for x in arr], [m2["message_id"]])

    def test_old_create_validates(self):
        self.assertProblem(*self.srv.json("POST", "/v1/create", {"account_id": "7", "sender_number": "5550001",
                                                                 "receiver_number": "5550002"}), 422, "account_id")
        self.assertProblem(*self.srv.json("POST", "/v1/create", {"account_id": 1.5, "sender_number": "5550001",
                                                                 "receiver_number": "5550002"}), 422, "account_id")


class OperationsTest(ApiCase):
    def test_unknown_path_404_and_wrong_method_405(self):
        self.assertProblem(*self.srv.json("GET", "/v2/nothing"), 404)
        status, hdrs, body = self.srv.json("DELETE", "/v1/messages")
        self.assertProblem(status, hdrs, body, 405)
        self.assertEqual(hdrs["allow"], "GET")
        status, hdrs, body = self.srv.json("PUT", "/v1/accounts/1/messages")
        self.assertEqual((status, hdrs["allow"]), (405, "POST, GET"))

    def test_health_and_readiness(self):
        self.assertEqual(self.srv.json("GET", "/healthz")[::2], (200, {"status": "ok"}))
        self.assertEqual(self.srv.json("GET", "/readyz")[::2], (200, {"status": "ready"}))

    def test_request_id_round_trip(self):
        status, hdrs, _ = self.srv.request("GET", "/healthz", headers={"X-Request-Id": "abc-123"})
        self.assertEqual(hdrs["x-request-id"], "abc-123")
        status, hdrs, _ = self.srv.request("GET", "/healthz", headers={"X-Request-Id": "bad id\u00e9"})
        self.assertRegex(hdrs["x-request-id"], r"^[0-9a-f]{32}$")
        self.assertIn('"request_id":"abc-123"', self.srv.output())

    def test_metrics_pass_promtool_and_use_route_templates(self):
        acct = new_account()
        self.create(acct)
        self.srv.json("GET", "/v1/accounts/%d/messages" % acct)
        status, hdrs, body = self.srv.request("GET", "/metrics")
        text = body.decode()
        self.assertEqual(status, 200)
        self.assertTrue(hdrs["content-type"].startswith("text/plain"))
        for name in ["msg_http_requests_total", "msg_http_request_duration_seconds_bucket",
                     "msg_messages_created_total", "msg_db_pool_connections", "msg_db_errors_total",
                     "msg_build_info", "process_cpu_seconds_total", "process_resident_memory_bytes",
                     "process_open_fds", "process_start_time_seconds"]:
            self.assertRegex(text, r"(?m)^%s[{ ]" % name)
        self.assertIn('route="/v1/accounts/{account_id}/messages",status="201"', text)
        self.assertNotIn("/v1/accounts/%d" % acct, text)
        promtool = shutil.which("promtool")
        self.assertIsNotNone(promtool, "promtool (Debian package prometheus) is required")
        check = subprocess.run([promtool, "check", "metrics"], input=body, capture_output=True)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)

    def test_openapi_and_docs(self):
        status, hdrs, doc = self.srv.json("GET", "/openapi.json")
        self.assertEqual((status, doc["openapi"]), (200, "3.1.0"))
        for path in ["/v1/accounts/{account_id}/messages", "/v1/messages/{message_id}", "/v1/messages",
                     "/v1/create", "/v1/get/messages/{account_id}", "/v1/search", "/healthz", "/readyz", "/metrics"]:
            self.assertIn(path, doc["paths"])
        status, hdrs, html = self.srv.request("GET", "/docs")
        self.assertEqual(status, 200)
        self.assertTrue(hdrs["content-type"].startswith("text/html"))
        self.assertIn(b"/openapi.json", html)

    def test_logs_are_json_lines_without_bodies(self):
        self.create(new_account(), body="secret-body-text")
        lines = [json.loads(l) for l in self.srv.output().splitlines() if l.strip()]
        self.assertTrue(all({"time", "level", "msg"} <= set(l) for l in lines))
        requests = [l for l in lines if l["msg"] == "request"]
        self.assertTrue(requests)
        self.assertTrue({"request_id", "method", "route", "status", "duration_ms", "bytes"} <= set(requests[-1]))
        self.assertNotIn("secret-body-text", self.srv.output())


class DrainTest(unittest.TestCase):
    def test_sigterm_with_20_requests_in_flight(self):
        srv = Server(SERVER, DATABASE, extra_args=["--threads", "32", "--drain-delay-ms", "1500"])
        acct = new_account()
        import socket
        socks = []
        body = json.dumps({"sender_number": "123", "receiver_number": "456", "body": "in flight"}).encode()
        head = ("POST /v1/accounts/%d/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "Content-Length: %d\r\nConnection: close\r\n\r\n" % (acct, len(body))).encode()
        for _ in range(20):
            s = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
            s.sendall(head + body[:10])  # the request is in flight: the body is not all here yet
            socks.append(s)
        srv.proc.send_signal(15)
        import time
        time.sleep(0.2)
        self.assertEqual(srv.request("GET", "/readyz")[0], 503)
        results = []

        def finish(s):
            s.sendall(body[10:])
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            s.close()
            results.append(int(data.split(b" ", 2)[1]))

        threads = [threading.Thread(target=finish, args=(s,)) for s in socks]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        self.assertEqual(sorted(results), [201] * 20)
        self.assertEqual(srv.stop(), 0, srv.output())
        self.assertIn('"msg":"msg-server stopped"', srv.output())
