"""Request framing and header parsing, where a proxy in front and the server
could read one byte stream as different requests (request smuggling), and
the bounds on what a body may cost; also the API-key gaps found alongside.
Each test is one probe of issue 11: Transfer-Encoding other than one
"chunked", header lines that used to end the headers silently (obs-fold, a
leading ':', a non-ASCII name, whitespace before the colon), leading empty
lines, a bare CR, repeated Authorization, Connection headers that must say
what the server does, chunk framing counted toward the body limit, the 404
text for another account's id, and keys files that must not be taken."""
import hashlib
import os
import signal
import socket
import threading
import time

import harness
from cases import PROBLEM, ApiCase, new_account, new_number
from harness import Server, build_request, read_response
from test_auth import KeysFile, bearer, new_key


def get(path, headers=(), version="HTTP/1.1"):
    return build_request("GET", path, headers, version=version)


def closed_within(sock, seconds):
    """True when the peer closes `sock` within `seconds` (anything it still
    sends is read and dropped)."""
    sock.settimeout(0.2)
    deadline = time.monotonic() + seconds * harness.SLOW
    while time.monotonic() < deadline:
        try:
            if not sock.recv(65536):
                return True
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return True
    return False


def responses_on(srv, data, timeout=5):
    """Sends `data` on one connection and reads every response until the
    server closes it (or `timeout` passes): [(status, headers, body)]."""
    got = []
    with srv.socket(timeout) as s:
        s.sendall(data)
        s.settimeout(timeout * harness.SLOW)
        while True:
            try:
                got.append(read_response(s))
            except (AssertionError, socket.timeout, ConnectionResetError):
                return got


class FramingCase(ApiCase):
    def assert_refused(self, data, status=400):
        """One response, `status` as a problem, and the connection closed."""
        got = responses_on(self.srv, data)
        self.assertEqual([g[0] for g in got], [status], got)
        _, headers, _ = got[0]
        self.assertEqual(headers["Content-Type"], PROBLEM)
        self.assertEqual(headers["Connection"], "close")
        return got[0]


class TransferEncodingTest(FramingCase):
    """Item 1: only exactly one "Transfer-Encoding: chunked" frames a body."""

    def test_two_transfer_encodings__are_400_and_close(self):
        for codings in (("chunked", "identity"), ("identity", "chunked"), ("chunked", "chunked")):
            with self.subTest(codings=codings):
                self.assert_refused(get("/healthz", [("Transfer-Encoding", c) for c in codings]) +
                                    b"5\r\nhello\r\n0\r\n\r\n")

    def test_a_coding_other_than_chunked__is_400(self):
        for coding in ("identity", "gzip", "chunked, identity", "gzip, chunked", "chunked "):
            with self.subTest(coding=coding):
                self.assert_refused(get("/healthz", [("Transfer-Encoding", coding)]) +
                                    b"0\r\n\r\n")

    def test_transfer_encoding_in_http_1_0__is_400(self):
        self.assert_refused(get("/healthz", [("Transfer-Encoding", "chunked")], "HTTP/1.0") +
                            b"0\r\n\r\n")

    def test_double_coding_with_a_trickled_chunk__is_answered_and_closed_at_once(self):
        with self.srv.socket(10) as s:
            s.sendall(get("/healthz", [("Transfer-Encoding", "chunked"),
                                       ("Transfer-Encoding", "identity")]) + b"1000\r\n")
            status, headers, _ = read_response(s)
            self.assertEqual(status, 400)
            self.assertEqual(headers["Connection"], "close")
            # The server must not sit reading the body the client trickles.
            for _ in range(3):
                try:
                    s.sendall(b"x")
                except OSError:
                    break
                time.sleep(0.3)
            self.assertTrue(closed_within(s, 2))

    def test_trickled_double_coded_bodies_on_every_worker__leave_the_server_answering(self):
        with Server(["--threads", "4", "--connection-queue", "4"]) as srv:
            socks = []
            try:
                for _ in range(8):
                    s = srv.socket(10)
                    s.sendall(get("/healthz", [("Transfer-Encoding", "chunked"),
                                               ("Transfer-Encoding", "identity")]) + b"1000\r\n")
                    socks.append(s)
                time.sleep(0.5)
                for s in socks:
                    try:
                        s.sendall(b"x")
                    except OSError:
                        pass
                conn = srv.connection(timeout=3)
                started = time.monotonic()
                self.assertEqual(srv.request("GET", "/healthz", conn=conn).status, 200)
                self.assertLess(time.monotonic() - started, 3 * harness.SLOW)
                conn.close()
            finally:
                for s in socks:
                    s.close()

    def test_a_large_chunked_body_on_a_route_that_reads_none__is_not_drained_unbounded(self):
        chunk = b"%x\r\n%s\r\n" % (65536, b"a" * 65536)
        sent = [0]
        with self.srv.socket(10) as s:
            s.sendall(get("/healthz", [("Transfer-Encoding", "chunked")]))

            def pump():
                try:
                    for _ in range(160):  # 10 MiB
                        s.sendall(chunk)
                        sent[0] += len(chunk)
                except OSError:
                    pass

            t = threading.Thread(target=pump, daemon=True)
            t.start()
            status, _, _ = read_response(s)
            self.assertEqual(status, 200)
            self.assertTrue(closed_within(s, 5))
            t.join(10)
        self.assertLess(sent[0], 160 * len(chunk))


class HeaderLineTest(FramingCase):
    """Item 2: lines that civetweb used to take as the end of the headers,
    and the leniencies beside them, are 400; nothing after them is served."""

    SMUGGLED = get("/healthz")

    def smuggle(self, bad_line):
        """POST /healthz whose body (by Content-Length) is a second request,
        with `bad_line` among its headers before Content-Length."""
        head = (b"POST /healthz HTTP/1.1\r\nHost: t\r\n" + bad_line + b"\r\n" +
                b"Content-Length: %d\r\n\r\n" % len(self.SMUGGLED))
        return head + self.SMUGGLED

    def test_obs_fold_and_bad_names__are_400_and_hide_no_request(self):
        for line in (b" folded", b"\tfolded", b": starts-with-colon", b"\xc3\xa9t\xc3\xa9: 1",
                     b"X-\x80: 1", b"X(y): 1", b"X-Ok: 1\r\n folded"):
            with self.subTest(line=line):
                self.assert_refused(self.smuggle(line))

    def test_space_before_the_colon__is_400(self):
        self.assert_refused(b"POST /healthz HTTP/1.1\r\nHost: t\r\nContent-Length : %d\r\n\r\n"
                            % len(self.SMUGGLED) + self.SMUGGLED)
        self.assert_refused(b"POST /healthz HTTP/1.1\r\nHost: t\r\nTransfer-Encoding\t: chunked"
                            b"\r\n\r\n0\r\n\r\n")
        self.assert_refused(b"POST /healthz HTTP/1.1\r\nHost: t\r\nTransfer-Encoding : chunked"
                            b"\r\n\r\n0\r\n\r\n")

    def test_two_leading_empty_lines__are_400(self):
        self.assert_refused(b"\r\n\r\n" + get("/healthz"))
        self.assert_refused(b"\n\n" + get("/healthz"))
        self.assert_refused(b" " + get("/healthz"))

    def test_one_leading_empty_line__is_ignored(self):
        for prefix in (b"\r\n", b"\n"):
            with self.subTest(prefix=prefix):
                got = responses_on(self.srv, prefix + get("/healthz", [("Connection", "close")]))
                self.assertEqual([g[0] for g in got], [200])

    def test_a_bare_cr_ending_the_request_line__is_400(self):
        self.assert_refused(b"GET /healthz HTTP/1.1\rHost: t\r\n\r\n")
        self.assert_refused(b"GET /healthz HTTP/1.1\r\n\rX-A: 1\r\nHost: t\r\n\r\n")

    def test_two_spaces_between_request_line_words__are_400(self):
        self.assert_refused(b"GET  /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        self.assert_refused(b"GET /healthz  HTTP/1.1\r\nHost: t\r\n\r\n")

    def test_a_tab_inside_a_value__is_still_accepted(self):
        got = responses_on(self.srv, get("/healthz", [("X-Filler", "a\tb"),
                                                      ("Connection", "close")]))
        self.assertEqual([g[0] for g in got], [200])

    def test_an_obs_folded_authorization__cannot_reach_another_account(self):
        account = new_account()
        token, line = new_key(account)
        keys = KeysFile()
        keys.write(line)
        with Server(["--auth", "apikey", "--api-keys", keys.path]) as srv:
            created = srv.request("POST", "/v1/accounts/%d/messages" % account,
                                  headers=bearer(token),
                                  json_body={"sender_number": new_number(),
                                             "receiver_number": new_number(), "body": "x"})
            self.assertEqual(created.status, 201, created.body)
            inner = build_request("GET", "/v1/accounts/%d/messages" % account,
                                  [("Authorization", "Bearer " + token)])
            data = (b"POST /healthz HTTP/1.1\r\nHost: t\r\n \r\n" +
                    b"Content-Length: %d\r\n\r\n" % len(inner) + inner)
            got = responses_on(srv, data)
            self.assertEqual([g[0] for g in got], [400], got)


class RepeatedHeaderTest(FramingCase):
    """Item 5: fields holding one decision may come only once."""

    def test_two_authorization_headers__are_400_naming_the_field(self):
        for name in ("Authorization", "Idempotency-Key", "Content-Type"):
            with self.subTest(name=name):
                r = self.srv.exchange(get("/healthz", [(name, "Bearer a"), (name, "Bearer b")]))
                self.assertEqual(r.status, 400)
                p = r.json()
                self.assertEqual([e["field"] for e in p["errors"]], [name])


class ConnectionHeaderTest(FramingCase):
    """Item 5: a response says when the connection ends after it, and an
    HTTP/1.0 keep-alive response says it stays open."""

    def test_a_content_length_over_the_limit_on_get__says_connection_close(self):
        with self.srv.socket(10) as s:
            s.sendall(get("/healthz", [("Content-Length", "70000")]))
            status, headers, _ = read_response(s)
            self.assertEqual(status, 200)
            self.assertEqual(headers["Connection"], "close")
            self.assertTrue(closed_within(s, 5))

    def test_connection_close_from_the_client__is_echoed(self):
        r = self.srv.exchange(get("/healthz", [("Connection", "close")]))
        self.assertEqual(r.headers["Connection"], "close")

    def test_http_1_0_keep_alive__says_keep_alive_and_serves_the_next_request(self):
        request = get("/healthz", [("Connection", "keep-alive")], "HTTP/1.0")
        with self.srv.socket(10) as s:
            for _ in range(2):
                s.sendall(request)
                status, headers, _ = read_response(s)
                self.assertEqual(status, 200)
                self.assertEqual(headers["Connection"], "keep-alive")

    def test_http_1_0_without_keep_alive__says_close(self):
        r = self.srv.exchange(get("/healthz", version="HTTP/1.0"))
        self.assertEqual(r.headers["Connection"], "close")


class ChunkFramingTest(FramingCase):
    """Item 5: chunk framing counts toward what a body may cost."""

    def chunked(self, body, size_width):
        out = b""
        for i in range(len(body)):
            out += b"%0*x\r\n%s\r\n" % (size_width, 1, body[i:i + 1])
        return out + b"0\r\n\r\n"

    def post(self, account, wire):
        return build_request("POST", "/v1/accounts/%d/messages" % account,
                             [("Content-Type", "application/json"),
                              ("Transfer-Encoding", "chunked")]) + wire

    def test_one_byte_chunks_with_padded_sizes__are_413(self):
        body = b'{"body":"' + b"a" * 30000 + b'"}'
        wire = self.chunked(body, 60)
        self.assertGreater(len(wire), 1000000)
        self.assert_refused(self.post(new_account(), wire), 413)

    def test_a_small_body_in_one_byte_chunks__is_still_accepted(self):
        account = new_account()
        body = ('{"sender_number":"%s","receiver_number":"%s","body":"tiny chunks"}'
                % (new_number(), new_number())).encode()
        r = self.srv.exchange(self.post(account, self.chunked(body, 1)))
        self.assertEqual(r.status, 201, r.body)


class NotFoundWordingTest(ApiCase):
    """Item 3: another account's id reads exactly as a missing id does."""

    def test_another_accounts_id_in_uppercase__reads_as_the_canonical_missing_id(self):
        a, b = new_account(), new_account()
        token_a, line_a = new_key(a)
        token_b, line_b = new_key(b)
        keys = KeysFile()
        keys.write(line_a, line_b)
        missing = "01890a5d-ac96-774b-bcce-b302099a8057"
        with Server(["--auth", "apikey", "--api-keys", keys.path]) as srv:
            theirs = srv.request("POST", "/v1/accounts/%d/messages" % b, headers=bearer(token_b),
                                 json_body={"sender_number": new_number(),
                                            "receiver_number": new_number()}).json()["message_id"]
            for spelled, canonical in ((theirs.upper(), theirs), (missing.upper(), missing),
                                       (theirs, theirs), (missing, missing)):
                with self.subTest(id=spelled):
                    r = srv.request("GET", "/v1/messages/" + spelled, headers=bearer(token_a))
                    p = self.assertProblem(r, 404)
                    self.assertEqual(p["detail"], "no message has id " + canonical)


def refused_start(args):
    """Starts a server that must fail to start; returns its stderr once the
    reader thread has taken it (the exit can be seen before the text)."""
    srv = Server(args)
    try:
        try:
            srv.start()
        except AssertionError:
            pass
        else:
            srv.stop()
            raise AssertionError("msg-server started: " + srv.stderr_text())
        deadline = time.monotonic() + 5
        while not srv.stderr_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        return srv.proc.returncode, srv.stderr_text()
    finally:
        srv.tmp.cleanup()


def fake_key_line(i):
    return "sha256:%s %d" % (hashlib.sha256(b"filler-%d" % i).hexdigest(), 1 + i % 1000)


class KeysFileTest(ApiCase):
    """Item 4: a reload never leaves no keys, and reading cannot block."""

    def wait_for(self, srv, path, token, status, timeout=10):
        deadline = time.monotonic() + timeout * harness.SLOW
        while time.monotonic() < deadline:
            if srv.request("GET", path, headers=bearer(token)).status == status:
                return time.monotonic()
            time.sleep(0.05)
        self.fail("%s did not answer %d" % (path, status))

    def wait_log(self, srv, message, error, timeout=10):
        deadline = time.monotonic() + timeout * harness.SLOW
        while time.monotonic() < deadline:
            for e in srv.logs():
                if e.get("message") == message and e.get("error") == error:
                    return e
            time.sleep(0.05)
        self.fail("no log %r with error %r:\n%s" % (message, error, srv.raw_log()))

    def test_an_empty_or_comments_only_file__is_refused_and_the_keys_stay(self):
        account = new_account()
        token, line = new_key(account)
        keys = KeysFile()
        keys.write(line)
        path = "/v1/accounts/%d/messages" % account
        with Server(["--auth", "apikey", "--api-keys", keys.path]) as srv:
            self.assertEqual(srv.request("GET", path, headers=bearer(token)).status, 200)
            for text in ("", "# only a comment\n\n"):
                with self.subTest(text=text):
                    with open(keys.path, "w") as f:  # truncated in place, as `: > keys`
                        f.write(text)
                    srv.send_signal(signal.SIGHUP)
                    e = self.wait_log(srv, "api keys not reloaded; the keys in use stay",
                                      "the file holds no key")
                    self.assertEqual(e["level"], "error")
                    self.assertEqual(srv.request("GET", path, headers=bearer(token)).status, 200)
            reloaded = [e for e in srv.logs() if e.get("message") == "api keys reloaded"]
            self.assertEqual(reloaded, [])

    def test_an_empty_file__refuses_to_start(self):
        keys = KeysFile()
        keys.write()
        status, stderr = refused_start(["--auth", "apikey", "--api-keys", keys.path])
        self.assertEqual(status, 2)
        self.assertIn("holds no key", stderr)

    def test_a_fifo_at_the_path__does_not_block_the_reloads(self):
        account = new_account()
        old_token, old_line = new_key(account)
        new_token, new_line = new_key(account)
        keys = KeysFile()
        keys.write(old_line)
        path = "/v1/accounts/%d/messages" % account
        with Server(["--auth", "apikey", "--api-keys", keys.path]) as srv:
            fifo = keys.path + ".fifo"
            os.mkfifo(fifo)
            os.replace(fifo, keys.path)
            srv.send_signal(signal.SIGHUP)
            self.wait_log(srv, "api keys not reloaded; the keys in use stay", "not a regular file")
            self.assertEqual(srv.request("GET", path, headers=bearer(old_token)).status, 200)
            keys.write(new_line)
            srv.send_signal(signal.SIGHUP)
            self.wait_for(srv, path, new_token, 200, timeout=5)

    def test_a_file_of_50000_keys__reloads_within_a_second(self):
        account = new_account()
        token, line = new_key(account)
        keys = KeysFile()
        keys.write(line)
        path = "/v1/accounts/%d/messages" % account
        with Server(["--auth", "apikey", "--api-keys", keys.path]) as srv:
            new_token, new_line = new_key(account)
            keys.write(*([fake_key_line(i) for i in range(49999)] + [new_line]))
            started = time.monotonic()
            srv.send_signal(signal.SIGHUP)
            done = self.wait_for(srv, path, new_token, 200)
            self.assertLess(done - started, 1.0 * harness.SLOW)

    def test_a_duplicate_among_50000_keys__is_found_on_its_line(self):
        keys = KeysFile()
        lines = [fake_key_line(i) for i in range(50000)]
        lines[40000] = lines[123]
        keys.write(*lines)
        status, stderr = refused_start(["--auth", "apikey", "--api-keys", keys.path])
        self.assertEqual(status, 2)
        # Line 1 of the file is KeysFile's comment.
        self.assertIn(":40002: the same key hash is already on an earlier line", stderr)


if __name__ == "__main__":
    raise SystemExit("run through run.py")
