"""Starts a real msg-server process for the black-box HTTP tests.

The server binary and the store URI come from the environment the runner
sets (MSG_SERVER, MSG_TEST_STORE). Standard library only.
"""
import http.client
import json
import os
import socket
import subprocess
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, binary, database, extra_args=(), env=None):
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="msg-server-", suffix=".log", delete=False)
        args = [binary, "--listen", "127.0.0.1:%d" % self.port, "--database", database,
                "--drain-delay-ms", "300", *extra_args]
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, env=full_env)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("msg-server exited early:\n" + self.output())
            try:
                if self.request("GET", "/readyz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("msg-server did not become ready:\n" + self.output())

    def output(self):
        with open(self.log.name, encoding="utf-8", errors="replace") as f:
            return f.read()

    def request(self, method, path, body=None, headers=None, raw=None):
        """Returns (status, headers dict (lower-case keys), body bytes)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        hdrs = dict(headers or {})
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        try:
            conn.request(method, path, body=data, headers=hdrs)
            resp = conn.getresponse()
            payload = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, payload
        finally:
            conn.close()

    def json(self, method, path, body=None, headers=None, raw=None):
        status, hdrs, payload = self.request(method, path, body, headers, raw)
        return status, hdrs, (json.loads(payload) if payload else None)

    def stop(self, sig=15, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        finally:
            self.log.close()
