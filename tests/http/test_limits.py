"""The hard limits, one test each, at their boundaries and with settings of
their own: body size (also chunked), header size, header count, URI length,
query parameters, values per filter, a client trickling the request head or
its body, the keep-alive idle timeout, and the connection cap. Each server
here is small (short timeouts, one or two threads) so that a limit is
reached quickly and a worker held past it would show."""
import json
import select
import socket
import threading
import time
import urllib.parse

import harness
from cases import PROBLEM, ApiCase, new_account, new_number
from harness import Server, build_request, read_response

JSON_TYPE = ("Content-Type", "application/json")


def slow(seconds):
    """A time bound, stretched under a slow wrapper such as valgrind."""
    return seconds * harness.SLOW


class Trickle(threading.Thread):
    """On a new connection, sends `head` at once and then `data` one byte
    every `interval` seconds, reading whatever the server sends, until the
    server closes the connection. With stop_on_reply the sending stops at
    the first reply byte (a client would wait for the answer)."""

    def __init__(self, srv, head, data, interval, stop_on_reply=True):
        super().__init__(daemon=True)
        self.sock = srv.socket(timeout=60)
        self.head, self.data, self.interval = head, data, interval
        self.stop_on_reply = stop_on_reply
        self.sent = 0
        self.reply = b""
        self.started_at = self.ended_at = None

    def run(self):
        self.started_at = time.monotonic()
        try:
            self.sock.sendall(self.head)
            sending = True
            while True:
                if sending and self.sent < len(self.data):
                    self.sock.sendall(self.data[self.sent:self.sent + 1])
                    self.sent += 1
                readable, _, _ = select.select([self.sock], [], [], self.interval)
                if readable:
                    chunk = self.sock.recv(65536)
                    if not chunk:
                        break
                    self.reply += chunk
                    sending = sending and not self.stop_on_reply
        except OSError:  # reset or broken pipe: closed all the same
            pass
        finally:
            self.ended_at = time.monotonic()
            self.sock.close()

    def elapsed(self):
        return self.ended_at - self.started_at


class LimitCase(ApiCase):
    """A server per test class, with the settings the class names."""
    ARGS = []

    @classmethod
    def setUpClass(cls):
        cls.server = Server(cls.ARGS + ["--drain-delay-ms", "0"])
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        status = cls.server.stop()
        cls.server.__exit__()
        assert status == 0, "msg-server exited with %s: %s" % (status, cls.server.stderr_text())

    def exchange(self, data, **kw):
        return self.server.exchange(data, timeout=30, **kw)

    def assertRawProblem(self, r, status):
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.content_type, PROBLEM, r)
        p = r.json()
        self.assertEqual(p["status"], status)
        self.assertTrue(p["detail"])
        return p

    def assertServes(self):
        self.assertEqual(self.server.request("GET", "/healthz").status, 200)


def sized_body(size):
    """A valid create body of exactly `size` bytes (JSON whitespace pads it)."""
    text = json.dumps({"sender_number": new_number(), "receiver_number": new_number(), "body": "b"})
    assert len(text) <= size
    return (text + " " * (size - len(text))).encode()


def chunked(body, pieces=3):
    step = max(1, len(body) // pieces)
    parts = [body[i:i + step] for i in range(0, len(body), step)]
    return b"".join(b"%x\r\n" % len(p) + p + b"\r\n" for p in parts) + b"0\r\n\r\n"


class BodyLimitTest(LimitCase):
    ARGS = ["--max-body-bytes", "300"]

    def test_a_body_over_max_body_bytes__is_413_with_content_length_and_chunked(self):
        route = "/v1/accounts/%d/messages" % new_account()
        r = self.exchange(build_request("POST", route, [JSON_TYPE], sized_body(300)))
        self.assertEqual(r.status, 201, r)
        r = self.exchange(build_request("POST", route, [JSON_TYPE], sized_body(301)))
        self.assertRawProblem(r, 413)
        self.assertIn("300", r.json()["detail"])
        self.assertEqual(r.headers["Connection"], "close")
        chunked_head = [JSON_TYPE, ("Transfer-Encoding", "chunked")]
        r = self.exchange(build_request("POST", route, chunked_head, chunked(sized_body(300))))
        self.assertEqual(r.status, 201, r)
        r = self.exchange(build_request("POST", route, chunked_head, chunked(sized_body(301))))
        self.assertRawProblem(r, 413)
        # A declared length over the limit is refused at once, unread.
        start = time.monotonic()
        r = self.exchange(build_request("POST", route, [JSON_TYPE, ("Content-Length", "1000000000")]))
        self.assertRawProblem(r, 413)
        self.assertLess(time.monotonic() - start, slow(1))
        self.assertServes()

    def test_a_complete_body__read_or_not__leaves_the_connection_open(self):
        # Bodies a handler reads, refuses unread (415) or never looks at
        # (GET) are all read to their end, so the connection serves on; a
        # body over the limit is not, so that connection ends.
        route = "/v1/accounts/%d/messages" % new_account()
        with self.server.socket() as s:
            for data, status in (
                    (build_request("POST", route, [JSON_TYPE], sized_body(200)), 201),
                    (build_request("POST", route, [("Content-Type", "text/plain")], b"x" * 250), 415),
                    (build_request("GET", "/healthz", [], b"y" * 250), 200),
                    (build_request("GET", "/healthz", [("Transfer-Encoding", "chunked")],
                                   chunked(b"z" * 250)), 200),
                    (build_request("GET", "/healthz"), 200)):
                s.sendall(data)
                got, headers, _ = read_response(s)
                self.assertEqual(got, status)
                self.assertNotEqual(headers.get("Connection"), "close")
            s.sendall(build_request("GET", "/healthz", [], b"w" * 301))
            got, headers, _ = read_response(s)
            self.assertEqual(got, 200)
            s.settimeout(slow(5))
            self.assertEqual(s.recv(1), b"")


class HeaderLimitTest(LimitCase):
    ARGS = ["--max-header-bytes", "2048"]

    def head_of(self, size, target="/healthz"):
        """A GET whose request line and headers are `size` bytes, CRLFs included."""
        data = build_request("GET", target, [("X-Filler", "")])
        return build_request("GET", target, [("X-Filler", "f" * (size - len(data)))])

    def test_headers_over_max_header_bytes__are_431(self):
        # civetweb's buffer holds the head and the final CRLF; it must not fill.
        r = self.exchange(self.head_of(2047))
        self.assertEqual(r.status, 200, r)
        p = self.assertRawProblem(self.exchange(self.head_of(2049)), 431)
        self.assertIn("2048", p["detail"])
        p = self.assertRawProblem(self.exchange(self.head_of(100000)), 431)
        self.assertServes()

    def test_a_uri_longer_than_max_header_bytes__is_431(self):
        short = "/healthz?" + "u" * 1900
        self.assertEqual(self.exchange(build_request("GET", short)).status, 200)
        self.assertRawProblem(self.exchange(build_request("GET", "/healthz?" + "u" * 2100)), 431)
        self.assertRawProblem(self.exchange(build_request("GET", "/" + "p" * 5000)), 431)
        self.assertServes()

    def test_64_or_more_header_lines__are_431(self):
        # civetweb 1.15 keeps MG_MAX_HEADERS (64) headers and drops the rest
        # unseen, so a request that fills the table is refused whole.
        def with_lines(n):  # Host plus n - 1 others
            return build_request("GET", "/healthz", [("X-H%d" % i, "v") for i in range(n - 1)])
        self.assertEqual(self.exchange(with_lines(63)).status, 200)
        self.assertRawProblem(self.exchange(with_lines(64)), 431)
        self.assertRawProblem(self.exchange(with_lines(65)), 431)
        self.assertRawProblem(self.exchange(with_lines(300)), 431)
        self.assertServes()


class QueryLimitTest(LimitCase):
    def test_more_than_1000_query_parameters__is_400(self):
        # The compatibility search ignores parameters it does not know, so
        # only the count decides; the account matches nothing.
        account = "account_id=%d&" % new_account()
        r = self.server.request("GET", "/v1/search?" + account + "&".join(["x=1"] * 999))
        self.assertEqual(self.assertJson(r, 200), [])
        r = self.server.request("GET", "/v1/search?" + account + "&".join(["x=1"] * 1000))
        p = self.assertProblem(r, 400)
        self.assertIn("too many parameters", p["detail"])
        r = self.server.request("GET", "/v1/messages?" + "&".join(["q=a"] * 1001))
        self.assertProblem(r, 400)

    def test_more_than_100_values_in_one_filter__is_422_naming_it(self):
        account = new_account()
        values = {
            "account_id": [str(account)] + [str(new_account()) for _ in range(100)],
            "message_id": ["0189c5b2-0000-7000-8000-%012d" % i for i in range(101)],
            "sender_number": [new_number() for _ in range(101)],
            "receiver_number": [new_number() for _ in range(101)],
        }
        for name, items in values.items():
            with self.subTest(filter=name):
                # 100 values are one query, as repetitions or a list.
                listed = "%s=%s" % (name, urllib.parse.quote(",".join(items[:100])))
                repeated = "&".join("%s=%s" % (name, urllib.parse.quote(v)) for v in items[:100])
                one_more = "%s=%s" % (name, urllib.parse.quote(",".join(items)))
                self.assertPage(self.server.request("GET", "/v1/messages?" + listed))
                self.assertPage(self.server.request("GET", "/v1/messages?" + repeated))
                r = self.server.request("GET", "/v1/messages?" + one_more)
                self.assertProblem(r, 422, name)
                self.assertIn("100", r.json()["detail"])
                self.assertProblem(self.server.request("GET", "/v1/search?" + one_more), 422, name)


class SlowClientTest(LimitCase):
    # One worker: while a slow client holds it nothing else is served, so a
    # normal request answered soon shows that the worker was freed.
    TIMEOUT_MS = 1000
    ARGS = ["--threads", "1", "--request-timeout-ms", str(TIMEOUT_MS), "--keepalive-timeout-ms", "1000"]

    def check_cut_off(self, trickle, status):
        """The trickling connection ends with `status` well before it has
        sent everything, and a request on another connection is answered
        meanwhile."""
        trickle.start()
        time.sleep(0.2)
        start = time.monotonic()
        other = self.server.request("GET", "/healthz")
        answered_after = time.monotonic() - start
        self.assertEqual(other.status, 200)
        trickle.join(slow(30))
        self.assertFalse(trickle.is_alive(), "the slow connection was never closed")
        timeout = self.TIMEOUT_MS / 1000
        # civetweb waits up to one more timeout for a byte before it sees
        # the deadline; anything near the trickle's full length means the
        # worker was held.
        self.assertLess(trickle.elapsed(), slow(2.5 * timeout + 0.5), trickle.reply)
        self.assertLess(answered_after, slow(2.5 * timeout + 0.5))
        self.assertLess(trickle.sent, len(trickle.data) // 2)
        self.assertTrue(trickle.reply, "no response before the close")
        head, _, body = trickle.reply.partition(b"\r\n\r\n")
        self.assertEqual(int(head.split(b" ")[1]), status, trickle.reply)
        if status >= 400:
            self.assertIn(b"application/problem+json", head)
            self.assertEqual(json.loads(body)["status"], status)

    def test_a_request_head_sent_a_byte_a_second__is_cut_off_at_the_request_timeout(self):
        head = build_request("GET", "/healthz", [("X-Filler", "f" * 40)])
        self.check_cut_off(Trickle(self.server, b"", head, 1.0), 408)
        self.assertServes()

    def test_a_body_sent_a_byte_every_half_second__is_cut_off_at_the_request_timeout(self):
        # Each byte comes well within civetweb's timeout for one read, so
        # only a deadline for the whole body stops it.
        body = sized_body(120)
        head = build_request("POST", "/v1/accounts/%d/messages" % new_account(),
                             [JSON_TYPE, ("Content-Length", str(len(body)))])
        self.check_cut_off(Trickle(self.server, head, body, 0.5), 408)
        self.assertServes()

    def test_an_unread_body_sent_slowly__does_not_hold_the_worker(self):
        # A route without a body answers at once; the body it leaves unread
        # is read within the same deadline, or the connection ends.
        body = b"x" * 60
        head = build_request("GET", "/healthz", [("Content-Length", str(len(body)))])
        self.check_cut_off(Trickle(self.server, head, body, 0.5, stop_on_reply=False), 200)
        self.assertServes()


class KeepAliveTest(LimitCase):
    ARGS = ["--keepalive-timeout-ms", "1000"]

    def test_an_idle_keep_alive_connection__is_closed_at_its_timeout_not_before(self):
        with self.server.socket() as s:
            for _ in range(2):
                s.sendall(build_request("GET", "/healthz"))
                status, headers, _ = read_response(s)
                self.assertEqual(status, 200)
                self.assertNotEqual(headers.get("Connection"), "close")
                time.sleep(0.5)  # within the timeout: the connection still serves
            idle_from = time.monotonic() - 0.5
            s.settimeout(slow(10))
            self.assertEqual(s.recv(1), b"")
            idle = time.monotonic() - idle_from
        self.assertGreaterEqual(idle, 0.9)
        self.assertLess(idle, slow(3))

    def test_keep_alive_off__closes_after_each_response(self):
        with Server(["--keepalive-timeout-ms", "0", "--drain-delay-ms", "0"]) as srv:
            with srv.socket() as s:
                s.sendall(build_request("GET", "/healthz"))
                status, _, _ = read_response(s)
                self.assertEqual(status, 200)
                s.settimeout(slow(5))
                self.assertEqual(s.recv(1), b"")
            self.assertEqual(srv.stop(), 0)


class ConnectionCapTest(LimitCase):
    THREADS, QUEUE = 2, 2
    ARGS = ["--threads", str(THREADS), "--connection-queue", str(QUEUE),
            "--request-timeout-ms", "20000", "--keepalive-timeout-ms", "20000"]

    def test_connections_beyond_threads_and_queue__wait_and_are_served_once_others_close(self):
        # Two keep-alive connections hold both workers.
        holders = []
        for _ in range(self.THREADS):
            s = self.server.socket()
            s.sendall(build_request("GET", "/healthz"))
            self.assertEqual(read_response(s)[0], 200)
            holders.append(s)
        # More than the queue holds: they wait (civetweb's queue, then the
        # kernel's backlog), unanswered, without harm to the server.
        waiting = []
        for _ in range(self.QUEUE + 6):
            s = self.server.socket()
            s.sendall(build_request("GET", "/healthz", [("Connection", "close")]))
            waiting.append(s)
        for s in waiting:
            s.settimeout(0.5)
        time.sleep(0.5)
        for s in waiting:
            with self.assertRaises(socket.timeout):
                s.recv(1, socket.MSG_PEEK)
        # Once the holders leave, every waiting request is answered.
        for s in holders:
            s.close()
        for s in waiting:
            s.settimeout(slow(20))
            self.assertEqual(read_response(s)[0], 200)
            s.close()
        self.assertServes()
        r = self.server.request("GET", "/v1/get/messages/%d" % new_account())
        self.assertEqual(self.assertJson(r, 200), [])
