"""API keys: `msg-server keygen`, --auth apikey with a keys file, account
scoping (403 for another account, 404 for another account's message, search
scoped to the key's account), reloading the file on SIGHUP and on change,
the refusal to run without authentication off loopback, and tokens kept out
of logs, metrics and error bodies."""
import hashlib
import os
import re
import signal
import subprocess
import tempfile
import threading
import time

import harness
from cases import PROBLEM, ApiCase, new_account, new_number
from harness import Server

TOKEN_RE = re.compile(r"^msg_[A-Za-z0-9_-]{43}$")


def keygen(*args):
    done = subprocess.run([harness.BINARY, "keygen"] + list(args), capture_output=True,
                          timeout=30)
    return done


def new_key(account, label=None):
    """(token, keys-file line) from `msg-server keygen`."""
    args = ["--account", str(account)] + (["--label", label] if label else [])
    done = keygen(*args)
    assert done.returncode == 0, done.stderr
    token, line = done.stdout.decode().splitlines()
    return token, line


def bearer(token):
    return {"Authorization": "Bearer " + token}


def message_payload():
    return {"sender_number": new_number(), "receiver_number": new_number(), "body": "scoped"}


class KeysFile:
    """A keys file in a temporary directory, rewritten by `write`."""

    def __init__(self):
        self.dir = tempfile.TemporaryDirectory(prefix="msg-keys-")
        self.path = os.path.join(self.dir.name, "api-keys")

    def write(self, *lines):
        # Written to a new file and renamed into place, as Kubernetes swaps a
        # Secret volume, so a reload never sees half a file.
        tmp = self.path + ".new"
        with open(tmp, "w") as f:
            f.write("# msg-server API keys\n" + "".join(line + "\n" for line in lines))
        os.replace(tmp, self.path)


class KeygenTest(ApiCase):
    def test_keygen__prints_a_random_token_and_its_hash_line(self):
        token, line = new_key(42, "billing")
        self.assertRegex(token, TOKEN_RE)
        digest = hashlib.sha256(token.encode()).hexdigest()
        self.assertEqual(line, "sha256:%s 42 billing" % digest)
        self.assertNotIn(token, line)

    def test_keygen__tokens_differ_every_time(self):
        tokens = {new_key("*")[0] for _ in range(5)}
        self.assertEqual(len(tokens), 5)

    def test_keygen__refuses_a_bad_account_or_label(self):
        for args in (["--account", "0"], ["--account", "-1"], ["--account", "x"],
                     ["--account", "9007199254740992"], ["--account", "1", "--label", "a b"],
                     ["--account", "1", "--label", "x" * 65], [], ["--label", "x"],
                     ["--account"], ["--bogus", "1"]):
            with self.subTest(args=args):
                done = keygen(*args)
                self.assertEqual(done.returncode, 2)
                self.assertEqual(done.stdout, b"")
                self.assertIn(b"msg-server keygen:", done.stderr)


class StartupTest(ApiCase):
    def run_server(self, args, env=None):
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("MSG_")}
        full_env.update(env or {})
        return subprocess.run(harness.WRAPPER + [harness.BINARY, "--database", "sqlite::memory:"]
                              + args, capture_output=True, env=full_env, timeout=60 * harness.SLOW)

    def test_no_auth_off_loopback__refuses_to_start(self):
        for listen in ("0.0.0.0:0", "10.1.2.3:8080"):
            with self.subTest(listen=listen):
                done = self.run_server(["--listen", listen])
                self.assertEqual(done.returncode, 2)
                self.assertIn(b"--insecure-no-auth", done.stderr)
                self.assertIn(b"--auth apikey", done.stderr)

    def test_apikey_without_a_file__refuses_to_start(self):
        done = self.run_server(["--auth", "apikey"])
        self.assertEqual(done.returncode, 2)
        self.assertIn(b"--api-keys", done.stderr)

    def test_keys_file_without_apikey_mode__refuses_to_start(self):
        keys = KeysFile()
        keys.write()
        done = self.run_server(["--api-keys", keys.path])
        self.assertEqual(done.returncode, 2)

    def test_bad_auth_mode__refuses_to_start(self):
        done = self.run_server([], env={"MSG_AUTH": "basic"})
        self.assertEqual(done.returncode, 2)
        self.assertIn(b"MSG_AUTH", done.stderr)

    def test_bad_keys_file__names_the_file_and_line(self):
        keys = KeysFile()
        _, good = new_key(7)
        cases = {
            "sha256:abc 7": "sha256",
            good.replace(" 7", " 0"): "account id",
            good + " label extra": "after the label",
            good + "\n" + good: "earlier line",
        }
        for text, why in cases.items():
            with self.subTest(text=text):
                keys.write(text)
                done = self.run_server(["--auth", "apikey", "--api-keys", keys.path])
                self.assertEqual(done.returncode, 2)
                err = done.stderr.decode()
                self.assertIn(keys.path + ":", err)
                self.assertIn(why, err)

    def test_missing_keys_file__refuses_to_start(self):
        done = self.run_server(["--auth", "apikey", "--api-keys", "/nonexistent/keys"])
        self.assertEqual(done.returncode, 2)
        self.assertIn(b"/nonexistent/keys", done.stderr)

    def test_insecure_no_auth__starts_off_loopback_with_a_warning(self):
        with Server(args=["--insecure-no-auth"], host="0.0.0.0") as srv:
            r, _, _ = self.create(srv=srv)
            self.assertEqual(r.status, 201)
            warnings = [e for e in srv.logs() if e["level"] == "warn"
                        and "authentication is off" in e["message"]]
            self.assertEqual(len(warnings), 1)


class ScopingTest(ApiCase):
    """One server with an account key for account A, one for account B and
    an operator key."""

    @classmethod
    def setUpClass(cls):
        cls.a, cls.b = new_account(), new_account()
        cls.token_a, line_a = new_key(cls.a, "app-a")
        cls.token_b, line_b = new_key(cls.b)
        cls.token_op, line_op = new_key("*", "ops")
        cls.keys = KeysFile()
        cls.keys.write(line_a, line_b, line_op)
        cls.server = Server(args=["--auth", "apikey", "--api-keys", cls.keys.path])
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__()

    def call(self, method, path, token=None, json_body=None):
        headers = bearer(token) if token else {}
        return self.server.request(method, path, headers=headers, json_body=json_body)

    def post(self, account, token):
        return self.call("POST", "/v1/accounts/%d/messages" % account, token,
                         json_body=message_payload())

    def assert_problem(self, r, status, field=None):
        self.assertEqual(r.status, status, r.body)
        self.assertEqual(r.content_type, PROBLEM)
        p = r.json()
        self.assertEqual(p["status"], status)
        if field:
            self.assertEqual([e["field"] for e in p["errors"]], [field])

    def test_every_v1_route_needs_a_key(self):
        for method, path in (("POST", "/v1/accounts/1/messages"), ("GET", "/v1/accounts/1/messages"),
                             ("GET", "/v1/messages/01890a5d-ac96-774b-bcce-b302099a8057"),
                             ("GET", "/v1/messages"), ("POST", "/v1/create"),
                             ("GET", "/v1/get/messages/1"), ("GET", "/v1/search"),
                             ("GET", "/v1/no-such-route"), ("DELETE", "/v1/messages"),
                             ("GET", "/v1/messages/%zz")):
            with self.subTest(method=method, path=path):
                r = self.call(method, path, json_body={} if method == "POST" else None)
                self.assert_problem(r, 401, "Authorization")
                self.assertEqual(r.headers["WWW-Authenticate"], 'Bearer realm="msg-server"')

    def test_probes_and_descriptions_need_no_key(self):
        for path in ("/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/"):
            with self.subTest(path=path):
                self.assertEqual(self.call("GET", path).status, 200)

    def test_unknown_or_malformed_key__401_invalid_token(self):
        for value in ("Bearer msg_unknown", "Bearer " + "x" * 600, "Bearer a b",
                      "Bearer " + self.token_a + "x", "Bearer " + self.token_a[:-1]):
            with self.subTest(value=value[:40]):
                r = self.server.request("GET", "/v1/accounts/%d/messages" % self.a,
                                        headers={"Authorization": value})
                self.assert_problem(r, 401, "Authorization")
                self.assertIn('error="invalid_token"', r.headers["WWW-Authenticate"])
        for value in ("Basic dXNlcjpwYXNz", "Bearer", "bearer", self.token_a, ""):
            with self.subTest(value=value[:40]):
                r = self.server.request("GET", "/v1/accounts/%d/messages" % self.a,
                                        headers={"Authorization": value})
                self.assert_problem(r, 401, "Authorization")

    def test_scheme_is_case_insensitive(self):
        r = self.server.request("GET", "/v1/accounts/%d/messages" % self.a,
                                headers={"Authorization": "bearer " + self.token_a})
        self.assertEqual(r.status, 200)

    def test_account_key__creates_and_lists_its_own_account(self):
        r = self.post(self.a, self.token_a)
        self.assertEqual(r.status, 201, r.body)
        page = self.call("GET", "/v1/accounts/%d/messages" % self.a, self.token_a)
        self.assertEqual(page.status, 200)
        self.assertIn(r.json()["message_id"], [m["message_id"] for m in page.json()["data"]])

    def test_account_key__403_for_another_account(self):
        self.assert_problem(self.post(self.b, self.token_a), 403, "account_id")
        self.assert_problem(self.call("GET", "/v1/accounts/%d/messages" % self.b, self.token_a),
                            403, "account_id")
        self.assert_problem(self.call("GET", "/v1/get/messages/%d" % self.b, self.token_a),
                            403, "account_id")
        body = dict(message_payload(), account_id=self.b)
        self.assert_problem(self.call("POST", "/v1/create", self.token_a, json_body=body),
                            403, "account_id")
        # Nothing was written for B by the refused calls.
        page = self.call("GET", "/v1/accounts/%d/messages" % self.b, self.token_op).json()
        self.assertEqual([m for m in page["data"] if m["body"] == "scoped" and
                          m["account_id"] != self.b], [])

    def test_account_key__another_accounts_message_reads_as_not_found(self):
        theirs = self.post(self.b, self.token_b).json()["message_id"]
        mine = self.call("GET", "/v1/messages/%s" % theirs, self.token_a)
        missing = self.call("GET", "/v1/messages/01890a5d-ac96-774b-bcce-b302099a8057",
                            self.token_a)
        self.assert_problem(mine, 404)
        self.assert_problem(missing, 404)
        self.assertEqual(mine.json()["detail"].replace(theirs, "ID"),
                         missing.json()["detail"].replace("01890a5d-ac96-774b-bcce-b302099a8057",
                                                          "ID"))
        self.assertEqual(self.call("GET", "/v1/messages/%s" % theirs, self.token_b).status, 200)
        self.assertEqual(self.call("GET", "/v1/messages/%s" % theirs, self.token_op).status, 200)

    def test_search_without_account_id__is_scoped_to_the_key(self):
        mine = self.post(self.a, self.token_a).json()
        theirs = self.post(self.b, self.token_b).json()
        for path in ("/v1/messages?q=scoped&limit=1000", "/v1/search?q=scoped"):
            with self.subTest(path=path):
                r = self.call("GET", path, self.token_a)
                self.assertEqual(r.status, 200, r.body)
                data = r.json()["data"] if path.startswith("/v1/messages") else r.json()
                self.assertIn(mine["message_id"], [m["message_id"] for m in data])
                self.assertEqual({m["account_id"] for m in data}, {self.a})
                self.assertNotIn(theirs["message_id"], [m["message_id"] for m in data])

    def test_search_by_message_id_of_another_account__finds_nothing(self):
        theirs = self.post(self.b, self.token_b).json()["message_id"]
        r = self.call("GET", "/v1/messages?message_id=%s" % theirs, self.token_a)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["data"], [])

    def test_search_naming_another_account__403(self):
        for query in ("account_id=%d" % self.b, "account_id=%d,%d" % (self.a, self.b),
                      "account_id=%d&account_id=%d" % (self.b, self.a)):
            with self.subTest(query=query):
                self.assert_problem(self.call("GET", "/v1/messages?" + query, self.token_a),
                                    403, "account_id")
                self.assert_problem(self.call("GET", "/v1/search?" + query, self.token_a),
                                    403, "account_id")
        self.assertEqual(self.call("GET", "/v1/messages?account_id=%d" % self.a,
                                   self.token_a).status, 200)

    def test_scoped_search_pages_with_its_cursor(self):
        for _ in range(3):
            self.post(self.a, self.token_a)
        seen = []
        path = "/v1/messages?q=scoped&limit=2"
        for _ in range(100):
            r = self.call("GET", path, self.token_a)
            self.assertEqual(r.status, 200, r.body)
            page = r.json()
            seen += [m["message_id"] for m in page["data"]]
            if not page["next_cursor"]:
                break
            path = "/v1/messages?q=scoped&limit=2&cursor=" + page["next_cursor"]
        self.assertEqual(len(seen), len(set(seen)))
        self.assertGreaterEqual(len(seen), 3)

    def test_operator_key__acts_on_every_account(self):
        self.assertEqual(self.post(self.b, self.token_op).status, 201)
        r = self.call("GET", "/v1/messages?account_id=%d,%d" % (self.a, self.b), self.token_op)
        self.assertEqual(r.status, 200)

    def test_tokens_never_reach_logs_metrics_or_bodies(self):
        bad = "msg_" + "Q" * 43
        r = self.server.request("GET", "/v1/messages", headers={"Authorization": "Bearer " + bad})
        self.assertNotIn(bad.encode(), r.body)
        self.call("GET", "/v1/accounts/%d/messages" % self.a, self.token_a)
        metrics = self.call("GET", "/metrics").body.decode()
        for token in (self.token_a, self.token_b, self.token_op, bad):
            self.assertNotIn(token, self.server.raw_log())
            self.assertNotIn(token, self.server.stderr_text())
            self.assertNotIn(token, metrics)
        labels = {e.get("key") for e in self.server.logs() if e.get("message") == "request"}
        self.assertIn("app-a", labels)
        self.assertIn("account:%d" % self.b, labels)


class ReloadTest(ApiCase):
    def test_sighup_and_file_changes_reload_the_keys(self):
        account = new_account()
        old_token, old_line = new_key(account)
        new_token, new_line = new_key(account)
        keys = KeysFile()
        keys.write(old_line)
        path = "/v1/accounts/%d/messages" % account
        with Server(args=["--auth", "apikey", "--api-keys", keys.path]) as srv:
            self.assertEqual(srv.request("GET", path, headers=bearer(old_token)).status, 200)
            self.assertEqual(srv.request("GET", path, headers=bearer(new_token)).status, 401)

            keys.write(new_line)
            srv.proc.send_signal(signal.SIGHUP)
            self.wait_status(srv, path, new_token, 200)
            self.assertEqual(srv.request("GET", path, headers=bearer(old_token)).status, 401)

            # A bad file is refused and the keys in use stay.
            keys.write("sha256:nothex " + str(account))
            srv.proc.send_signal(signal.SIGHUP)
            self.wait_log(srv, "api keys not reloaded; the keys in use stay")
            self.assertEqual(srv.request("GET", path, headers=bearer(new_token)).status, 200)

            # A change with no signal (a Kubernetes Secret update) is noticed.
            keys.write(old_line)
            self.wait_status(srv, path, old_token, 200, timeout=15)
            self.assertEqual(srv.request("GET", path, headers=bearer(new_token)).status, 401)

    def test_reloads_under_load_drop_no_request(self):
        account = new_account()
        token, line = new_key(account)
        keys = KeysFile()
        keys.write(line)
        path = "/v1/accounts/%d/messages" % account
        statuses = []
        stop = threading.Event()

        def client():
            conn = None
            while not stop.is_set():
                conn = conn or srv.connection()
                try:
                    statuses.append(srv.request("GET", path, headers=bearer(token), conn=conn).status)
                except OSError:
                    conn.close()
                    conn = None
                    statuses.append("connection error")
            if conn:
                conn.close()

        with Server(args=["--auth", "apikey", "--api-keys", keys.path]) as srv:
            workers = [threading.Thread(target=client) for _ in range(4)]
            for w in workers:
                w.start()
            try:
                for i in range(20):
                    # Rewrite the same key (plus a fresh one) so every reload swaps the table.
                    keys.write(line, new_key(account)[1])
                    srv.proc.send_signal(signal.SIGHUP)
                    time.sleep(0.05)
            finally:
                stop.set()
                for w in workers:
                    w.join()
            reloads = [e for e in srv.logs() if e.get("message") == "api keys reloaded"]
        self.assertGreater(len(statuses), 20)
        self.assertEqual(set(statuses), {200})
        self.assertGreaterEqual(len(reloads), 1)

    def wait_status(self, srv, path, token, status, timeout=5):
        deadline = time.monotonic() + timeout * harness.SLOW
        while time.monotonic() < deadline:
            if srv.request("GET", path, headers=bearer(token)).status == status:
                return
            time.sleep(0.05)
        self.fail("%s did not answer %d" % (path, status))

    def wait_log(self, srv, message, timeout=5):
        deadline = time.monotonic() + timeout * harness.SLOW
        while time.monotonic() < deadline:
            if any(e.get("message") == message for e in srv.logs()):
                return
            time.sleep(0.05)
        self.fail("no log line %r" % message)
