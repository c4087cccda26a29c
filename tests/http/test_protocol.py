"""HTTP-level behaviour: unknown paths and methods, the header, body and
time limits, keep-alive, and 503 while the database is unavailable."""
import json
import os
import sqlite3
import time

import harness
from cases import ApiCase, new_account
from harness import PgProxy, Server, parse_raw_response
from test_ops import metric


class RoutingTest(ApiCase):
    def test_unknown_path__is_404_problem(self):
        for path in ("/nope", "/v1/messages/", "/v1/accounts/1/messages/extra", "/v1//messages"):
            with self.subTest(path=path):
                self.assertProblem(self.srv.request("GET", path), 404)

    def test_wrong_method__is_405_with_allow(self):
        r = self.srv.request("DELETE", "/v1/accounts/1/messages")
        self.assertProblem(r, 405)
        self.assertEqual(r.headers["Allow"], "POST, GET")
        r = self.srv.request("POST", "/v1/messages/0189c5b2-0000-7000-8000-000000000000", body=b"{}",
                             headers={"Content-Type": "application/json"})
        self.assertProblem(r, 405)
        self.assertEqual(r.headers["Allow"], "GET")
        r = self.srv.request("GET", "/v1/create")
        self.assertProblem(r, 405)
        self.assertEqual(r.headers["Allow"], "POST")

    def test_keep_alive__serves_several_requests_on_one_connection(self):
        conn = self.srv.connection()
        for _ in range(3):
            self.assertEqual(self.srv.request("GET", "/healthz", conn=conn).status, 200)
        self.created()
        conn.close()

    def test_unparsable_request__is_400_problem(self):
        status, headers, body = parse_raw_response(self.srv.raw(b"NOT A REQUEST\r\n\r\n", read_timeout=10))
        self.assertEqual(status, 400)
        self.assertEqual(headers["content-type"], "application/problem+json")
        self.assertEqual(json.loads(body)["status"], 400)


class LimitsTest(ApiCase):
    def test_headers_over_the_limit__are_431(self):
        r = self.srv.request("GET", "/healthz", headers={"X-Filler": "a" * 20000})
        p = self.assertProblem(r, 431)
        self.assertIn("16384", p["detail"])

    def test_a_long_uri__is_431(self):
        r = self.srv.request("GET", "/v1/messages?q=" + "a" * 20000)
        self.assertProblem(r, 431)


class TimeoutTest(ApiCase):
    @classmethod
    def setUpClass(cls):
        cls.slow = Server(["--request-timeout-ms", "500", "--keepalive-timeout-ms", "700"])
        cls.slow.start()

    @classmethod
    def tearDownClass(cls):
        status = cls.slow.stop()
        cls.slow.__exit__()
        assert status == 0, status

    def test_headers_not_received_in_time__are_408(self):
        start = time.monotonic()
        reply = self.slow.raw(b"GET /healthz HTTP/1.1\r\nHost: t\r\n", read_timeout=10)
        status, headers, body = parse_raw_response(reply)
        self.assertEqual(status, 408)
        self.assertEqual(headers["content-type"], "application/problem+json")
        self.assertEqual(json.loads(body)["status"], 408)
        self.assertLess(time.monotonic() - start, 8 * harness.SLOW)

    def test_a_body_not_received_in_time__is_408(self):
        head = (b"POST /v1/accounts/1/messages HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                b"Content-Length: 100\r\n\r\n{\"sender_number\"")
        status, headers, body = parse_raw_response(self.slow.raw(head, read_timeout=10))
        self.assertEqual(status, 408)
        self.assertEqual(headers["content-type"], "application/problem+json")
        self.assertEqual(json.loads(body)["status"], 408)

    def test_control_characters_in_headers__are_refused_at_once_not_with_408(self):
        start = time.monotonic()
        status, _, _ = parse_raw_response(self.slow.raw(b"\x16\x03\x01 junk\r\n\r\n", read_timeout=10))
        self.assertEqual(status, 431)
        self.assertLess(time.monotonic() - start, 0.4 * harness.SLOW)

    def test_an_idle_keep_alive_connection__is_closed_after_its_timeout(self):
        conn = self.slow.connection()
        self.assertEqual(self.slow.request("GET", "/healthz", conn=conn).status, 200)
        time.sleep(1.5 * harness.SLOW)
        self.assertEqual(conn.sock.recv(1), b"")
        conn.close()


class UnavailableTest(ApiCase):
    """503 with Retry-After while the database cannot be used: SQLite held
    under an exclusive lock, PostgreSQL cut off behind a relay."""

    def create_on(self, srv):
        return srv.request("POST", "/v1/accounts/%d/messages" % new_account(),
                           json_body={"sender_number": "5551234", "receiver_number": "5557654"})

    def unavailable_count(self, srv):
        return metric(srv.request("GET", "/metrics").body.decode(), "msg_db_errors_total",
                      kind="unavailable")

    def test_database_unavailable__is_503_with_retry_after(self):
        if harness.BACKEND == "sqlite":
            self.sqlite_locked()
        else:
            self.postgres_cut_off()

    def check_503(self, r):
        self.assertProblem(r, 503)
        self.assertGreaterEqual(int(r.headers["Retry-After"]), 1)

    def sqlite_locked(self):
        with Server(["--db-timeout-ms", "200"]) as srv:
            path = srv.database[len("sqlite:"):]
            self.assertTrue(os.path.exists(path))
            lock = sqlite3.connect(path, isolation_level=None, timeout=10)
            try:
                lock.execute("BEGIN EXCLUSIVE")
                self.check_503(self.create_on(srv))
            finally:
                lock.execute("ROLLBACK")
                lock.close()
            self.assertGreaterEqual(self.unavailable_count(srv), 1)
            self.assertEqual(self.create_on(srv).status, 201)
            self.assertEqual(srv.stop(), 0)

    def postgres_cut_off(self):
        proxy = PgProxy(harness.PG_URI)
        try:
            with Server(["--db-timeout-ms", "1000"], database=proxy.uri) as srv:
                self.assertEqual(self.create_on(srv).status, 201)
                proxy.cut()
                self.check_503(self.create_on(srv))
                r = srv.request("GET", "/readyz")
                self.check_503(r)
                self.assertGreaterEqual(self.unavailable_count(srv), 1)
                proxy.restore()
                srv.wait_for_status("/readyz", 200)
                deadline = time.monotonic() + 20 * harness.SLOW
                while self.create_on(srv).status != 201:
                    self.assertLess(time.monotonic(), deadline, "no recovery after the database returned")
                    time.sleep(0.1)
                self.assertEqual(srv.stop(), 0)
        finally:
            proxy.close()
