"""The load driver of the rehearsals: threads that create messages and read
them back through the proxy, bounded in requests and in time.

Every request goes on a fresh connection, as many independent clients would.
A create counts as acknowledged only on 201 with a message id; a read asks for
an acknowledged message and must get 200 with the same body. Anything else
(another status, a reset, a timeout) is a failure, recorded with what
happened. After the run, verify() reads every acknowledged message again.
"""
import http.client
import json
import random
import threading
import time


class Load:
    def __init__(self, port, threads=6, max_requests=40000, max_seconds=300, pause=0.004,
                 account_base=None):
        self.port, self.threads, self.max_requests = port, threads, max_requests
        self.max_seconds, self.pause = max_seconds, pause
        self.account_base = account_base or random.randrange(10**12, 2 * 10**12)
        self.lock = threading.Lock()
        self.stop_event = threading.Event()
        self.acked = {}  # message id -> (account, body)
        self.requests = self.creates = self.reads = 0
        self.failures = []
        self.workers = []

    def _request(self, method, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            headers = {}
            if body is not None:
                headers["Content-Type"] = "application/json"
                body = json.dumps(body)
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
            return r.status, r.read()
        finally:
            conn.close()

    def _fail(self, what):
        with self.lock:
            self.failures.append("%.3f %s" % (time.time(), what))

    def _worker(self, n):
        rng = random.Random(n)
        deadline = time.monotonic() + self.max_seconds
        i = 0
        while not self.stop_event.is_set() and time.monotonic() < deadline:
            with self.lock:
                if self.requests >= self.max_requests:
                    return
                self.requests += 1
                ids = list(self.acked) if self.acked and rng.random() < 0.5 else None
            i += 1
            try:
                if ids:
                    mid = rng.choice(ids)
                    account, text = self.acked[mid]
                    st, data = self._request("GET", "/v1/messages/" + mid)
                    with self.lock:
                        self.reads += 1
                    if st != 200 or json.loads(data).get("body") != text:
                        self._fail("read %s: %d %r" % (mid, st, data[:200]))
                else:
                    account = self.account_base + rng.randrange(50)
                    text = "rehearsal %d-%d" % (n, i)
                    st, data = self._request("POST", "/v1/accounts/%d/messages" % account,
                                             {"sender_number": "+15551230001",
                                              "receiver_number": "+15557650001", "body": text})
                    with self.lock:
                        self.creates += 1
                    if st == 201:
                        with self.lock:
                            self.acked[json.loads(data)["message_id"]] = (account, text)
                    else:
                        self._fail("create: %d %r" % (st, data[:200]))
            except (OSError, http.client.HTTPException, ValueError) as e:
                self._fail("%s: %s" % ("read" if ids else "create", e.__class__.__name__ + " " + str(e)))
            time.sleep(self.pause)

    def start(self):
        for n in range(self.threads):
            t = threading.Thread(target=self._worker, args=(n,), daemon=True)
            t.start()
            self.workers.append(t)

    def stop(self):
        self.stop_event.set()
        for t in self.workers:
            t.join(30)

    def verify(self):
        """Reads every acknowledged message once more; returns the problems."""
        problems = []
        for mid, (account, text) in list(self.acked.items()):
            try:
                st, data = self._request("GET", "/v1/messages/" + mid)
                got = json.loads(data) if st == 200 else {}
                if st != 200 or got.get("body") != text or got.get("account_id") != account:
                    problems.append("%s: %d %r" % (mid, st, data[:200]))
            except (OSError, http.client.HTTPException, ValueError) as e:
                problems.append("%s: %s" % (mid, e))
        return problems
