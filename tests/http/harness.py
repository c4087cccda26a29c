"""The black-box harness: a real msg-server process and an HTTP client.

`Server` starts the binary on a free loopback port (it listens on port 0 and
reports the port in its "listening" log line), keeps every line it logs, and
stops it with a signal. `Response` holds a reply. `build_request` and
`Server.exchange` send a request byte for byte as a test wrote it, for input
http.client refuses to send. `PgProxy` sits between the server and
PostgreSQL so that a test can cut the database off.

Configured by run.py through module globals: BINARY (the server), BACKEND
("sqlite" or "postgres"), PG_URI, and WRAPPER (a command prefix such as
valgrind, from MSG_TEST_SERVER_WRAPPER).
"""
import http.client
import io
import json
import os
import random
import re
import select
import shlex
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse

BINARY = None
BACKEND = None
PG_URI = None
WRAPPER = shlex.split(os.environ.get("MSG_TEST_SERVER_WRAPPER", ""))
# Slow wrappers (valgrind) need longer to start and to answer.
SLOW = 10 if WRAPPER else 1

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")

_rng = random.SystemRandom()


def new_account():
    """An account id no other test (or concurrent suite) uses."""
    return _rng.randrange(10**12, 2**53 - 1)


def new_number():
    """A phone number no other test uses: '+' then 15 digits."""
    return "+" + str(_rng.randrange(10**14, 10**15))


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # http.client.HTTPMessage: case-insensitive
        self.body = body

    @property
    def content_type(self):
        return self.headers.get("Content-Type")

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return "Response(%d, %r)" % (self.status, self.body[:300])


def database_uri(tmpdir):
    if BACKEND == "sqlite":
        return "sqlite:" + os.path.join(tmpdir, "msg.db")
    return PG_URI


class Server:
    """One msg-server process. Use as a context manager, or start()/stop()."""

    def __init__(self, args=(), env=None, database=None, wait_ready=True, port=0,
                 host="127.0.0.1"):
        self.tmp = tempfile.TemporaryDirectory(prefix="msg-http-")
        self.database = database or database_uri(self.tmp.name)
        self.args = list(args)
        self.env = dict(os.environ)
        self.env.update(env or {})
        self.wait_ready = wait_ready
        self.lines = []
        self.stderr = []
        self.lock = threading.Lock()
        self.proc = None
        self.host = host  # to listen on; requests always go to 127.0.0.1
        self.listen_port = port  # 0: any; read back from the "listening" log line
        self.port = port or None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, exc_type=None, *exc):
        try:
            if self.proc and self.proc.poll() is None:
                status = self.stop()
                if exc_type is None:
                    assert status == 0, "msg-server exited with %s: %s" % (status, self.stderr_text())
        finally:
            self.tmp.cleanup()

    def start(self):
        try:
            self._start()
        except BaseException:
            if self.proc and self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            raise

    def _start(self):
        cmd = WRAPPER + [BINARY, "--listen", "%s:%d" % (self.host, self.listen_port),
                         "--database", self.database] + self.args
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=self.env, cwd=self.tmp.name)
        threading.Thread(target=self._read, args=(self.proc.stdout, self.lines), daemon=True).start()
        threading.Thread(target=self._read, args=(self.proc.stderr, self.stderr), daemon=True).start()
        deadline = time.monotonic() + 30 * SLOW
        while self.port is None:
            if self.proc.poll() is not None:
                raise AssertionError("msg-server exited with %s: %s" % (self.proc.returncode, self.stderr_text()))
            if time.monotonic() > deadline:
                raise AssertionError("msg-server did not report its port")
            for entry in self.logs():
                if entry.get("message") == "listening":
                    self.port = entry["port"]
            time.sleep(0.02)
        if self.wait_ready or self.listen_port:
            self.wait_for_status("/readyz", 200)

    def _read(self, stream, into):
        for raw in iter(stream.readline, b""):
            with self.lock:
                into.append(raw.decode("utf-8", "replace").rstrip("\n"))

    def stderr_text(self):
        with self.lock:
            return "\n".join(self.stderr)

    def logs(self):
        """Every stdout line, parsed; a line that is not a JSON object fails."""
        with self.lock:
            lines = list(self.lines)
        parsed = []
        for line in lines:
            entry = json.loads(line)
            assert isinstance(entry, dict), line
            parsed.append(entry)
        return parsed

    def raw_log(self):
        with self.lock:
            return "\n".join(self.lines)

    def wait_for_status(self, path, status, timeout=20):
        deadline = time.monotonic() + timeout * SLOW
        last = None
        while time.monotonic() < deadline:
            try:
                last = self.request("GET", path)
                if last.status == status:
                    return last
            except OSError as e:
                last = e
            time.sleep(0.05)
        raise AssertionError("%s did not answer %d: %r" % (path, status, last))

    def connection(self, timeout=30):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout * SLOW)

    def request(self, method, path, body=None, headers=None, json_body=None, conn=None):
        headers = dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        if isinstance(body, str):
            body = body.encode("utf-8")
        own = conn is None
        conn = conn or self.connection()
        try:
            conn.request(method, path, body=body, headers=headers)
            reply = conn.getresponse()
            return Response(reply.status, reply.headers, reply.read())
        finally:
            if own:
                conn.close()

    def raw(self, data, read_timeout=30, pause_after=None, rest=b""):
        """Sends raw bytes (optionally more after a pause) and returns the
        whole reply until the server closes or read_timeout passes."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=read_timeout * SLOW) as s:
            s.sendall(data)
            if pause_after is not None:
                time.sleep(pause_after)
                if rest:
                    s.sendall(rest)
            chunks = []
            deadline = time.monotonic() + read_timeout * SLOW
            while time.monotonic() < deadline:
                ready, _, _ = select.select([s], [], [], 0.1)
                if not ready:
                    continue
                try:
                    chunk = s.recv(65536)
                except ConnectionResetError:
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            return b"".join(chunks)

    def socket(self, timeout=30):
        """A new connection to the server, for tests that write bytes by hand."""
        return socket.create_connection(("127.0.0.1", self.port), timeout=timeout * SLOW)

    def exchange(self, data, timeout=10, half_close=False):
        """Sends raw request bytes on a new connection and returns the one
        Response read back (headers, then Content-Length bytes of body).
        half_close shuts the sending side after the data, so that a server
        waiting for more sees the end of the stream. A connection closed
        without a response fails."""
        with self.socket(timeout) as s:
            s.sendall(data)
            if half_close:
                s.shutdown(socket.SHUT_WR)
            status, headers, body = read_response(s)
            return Response(status, headers, body)

    def send_signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, sig=signal.SIGTERM, timeout=60):
        """Signals the server, waits for it, and returns its exit status.
        A sanitizer or valgrind report on stderr fails."""
        self.proc.send_signal(sig)
        try:
            status = self.proc.wait(timeout=timeout * SLOW)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("msg-server did not stop after %s" % sig)
        self.check_stderr()
        return status

    def check_stderr(self):
        time.sleep(0.05)  # let the reader thread take the last lines
        text = self.stderr_text()
        for mark in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                     "== Invalid ", "== Conditional jump", "definitely lost in", "Syscall param"):
            assert mark not in text, "report on msg-server's stderr:\n" + text


def _bytes(value):
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


def build_request(method, target, headers=(), body=None, version="HTTP/1.1"):
    """The bytes of a request, exactly as given: nothing is checked or
    escaped, so that a test can send what http.client refuses (control
    characters, bare CR or LF, NUL, raw non-ASCII). `headers` is a list of
    (name, value) pairs of str or bytes. A Host header is added unless one
    is given, and Content-Length for a body unless Content-Length or
    Transfer-Encoding is given."""
    headers = [(_bytes(n), _bytes(v)) for n, v in headers]
    names = {n.lower() for n, _ in headers}
    if b"host" not in names:
        headers.insert(0, (b"Host", b"127.0.0.1"))
    body = _bytes(body) if body is not None else b""
    if body and not names & {b"content-length", b"transfer-encoding"}:
        headers.append((b"Content-Length", b"%d" % len(body)))
    head = b"%s %s %s\r\n" % (_bytes(method), _bytes(target), _bytes(version))
    head += b"".join(n + b": " + v + b"\r\n" for n, v in headers)
    return head + b"\r\n" + body


def parse_raw_response(data):
    """(status, headers dict with lower-case names, body) of raw reply bytes."""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


def read_response(sock):
    """Reads one response (headers and Content-Length bytes) from a socket;
    returns the status, the headers (an http.client.HTTPMessage: names are
    case-insensitive, repeated ones kept) and the body."""
    data = b""
    while b"\r\n\r\n" not in data:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            raise AssertionError("the connection closed before a response: %r" % data)
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, _, header_lines = head.partition(b"\r\n")
    status = int(status_line.split(b" ")[1])
    headers = http.client.parse_headers(io.BytesIO(header_lines + b"\r\n\r\n"))
    length = int(headers.get("Content-Length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError("the connection closed inside the body: %r" % data)
        body += chunk
    return status, headers, body


class PgProxy:
    """A TCP relay between msg-server and PostgreSQL. cut() drops every
    relayed connection and refuses new ones until restore()."""

    def __init__(self, uri):
        parts = urllib.parse.urlsplit(uri)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 5432)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        port = self.listener.getsockname()[1]
        netloc = parts.netloc.rsplit("@", 1)
        host = "127.0.0.1:%d" % port
        netloc = netloc[0] + "@" + host if len(netloc) == 2 else host
        self.uri = urllib.parse.urlunsplit(parts._replace(netloc=netloc))
        self.cut_off = False
        self.sockets = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.cut_off:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.upstream)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()

    def _pipe(self, src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        self.cut_off = True
        with self.lock:
            for s in self.sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self.sockets = []

    def restore(self):
        self.cut_off = False

    def close(self):
        self.cut()
        self.listener.close()
