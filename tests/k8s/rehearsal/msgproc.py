"""What the k8s tests share: starting msg-server and other programs on loopback,
small HTTP calls, and the one-line-per-check report.

Every process started here listens on 127.0.0.1 only, on a port the kernel
picked, and is stopped by the caller (Procs.stop_all in a finally block).
Standard library only: these tests run on a fresh Debian with python3.
"""
import http.client
import json
import os
import socket
import subprocess
import sys
import time


def free_port():
    """A port nothing listens on now. Only for programs that cannot take port 0
    and report it (Prometheus, Alertmanager, HAProxy); msg-server takes 0."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def msg_server_binary():
    build = os.environ.get("MSG_BUILD_DIR")
    if not build:
        sys.exit("MSG_BUILD_DIR is not set (run.sh sets it)")
    path = os.path.join(build, "server", "msg-server")
    if not os.access(path, os.X_OK):
        sys.exit("no msg-server at %s" % path)
    return path


class Proc:
    """A started program whose stdout and stderr go to one log file."""

    def __init__(self, name, argv, log_path, env=None):
        self.name, self.log_path = name, log_path
        self.log = open(log_path, "wb")
        self.popen = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL, env=env)
        self.port = None

    def alive(self):
        return self.popen.poll() is None

    def signal(self, sig):
        if self.alive():
            self.popen.send_signal(sig)

    def wait(self, timeout):
        """The exit status, or None when still running after `timeout` seconds."""
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, timeout=10):
        if self.alive():
            self.popen.terminate()
            if self.wait(timeout) is None:
                self.popen.kill()
                self.popen.wait()
        self.log.close()

    def lines(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace").splitlines()


class Procs(list):
    def stop_all(self):
        for p in reversed(self):
            p.stop()


def start_msg_server(procs, name, log_path, args=(), env=None, timeout=15):
    """Starts msg-server on 127.0.0.1:0 and returns it once its `listening`
    line has told the port."""
    full_env = dict(os.environ if env is None else env)
    p = Proc(name, [msg_server_binary(), "--listen", "127.0.0.1:0", *args], log_path, full_env)
    procs.append(p)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in p.lines():
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if rec.get("message") == "listening":
                p.port = rec["port"]
                return p
        if not p.alive():
            break
        time.sleep(0.05)
    raise RuntimeError("%s did not start:\n%s" % (name, "\n".join(p.lines()[-20:])))


def call(port, method, path, body=None, headers=None, timeout=10, host="127.0.0.1"):
    """One request on a fresh connection: (status, headers dict, body bytes)."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
        hdrs = dict(headers or {})
        if data is not None:
            hdrs.setdefault("Content-Type", "application/json")
        conn.request(method, path, body=data, headers=hdrs)
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def wait_until(predicate, timeout, interval=0.2):
    """Polls `predicate` until it returns something true; returns that or None."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            got = predicate()
        except (OSError, http.client.HTTPException, ValueError):
            got = None
        if got:
            return got
        if time.monotonic() >= deadline:
            return None
        time.sleep(interval)


class Report:
    """One line per check ("ok   - name" or "FAIL - name" with detail), in the
    form the entry scripts count."""

    def __init__(self):
        self.passed = self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print("ok   - %s" % name, flush=True)
        else:
            self.failed += 1
            print("FAIL - %s" % name, flush=True)
            for line in str(detail).splitlines()[-25:]:
                print("       %s" % line, flush=True)
        return ok

    def note(self, text):
        print("       %s" % text, flush=True)


__all__ = ["free_port", "Proc", "Procs", "start_msg_server", "call", "wait_until", "Report"]
