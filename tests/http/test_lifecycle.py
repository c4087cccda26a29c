"""The process: settings from flags and the environment, --help and
--version, the --healthcheck probe, and the drain on SIGTERM/SIGINT with
requests in flight."""
import json
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time

import harness
from cases import ApiCase, new_account
from harness import Server, read_response

SETTINGS = {
    "listen": "MSG_LISTEN", "database": "MSG_DATABASE_URL", "threads": "MSG_THREADS",
    "log-level": "MSG_LOG_LEVEL", "max-body-bytes": "MSG_MAX_BODY_BYTES",
    "max-header-bytes": "MSG_MAX_HEADER_BYTES", "request-timeout-ms": "MSG_REQUEST_TIMEOUT_MS",
    "keepalive-timeout-ms": "MSG_KEEPALIVE_TIMEOUT_MS", "drain-delay-ms": "MSG_DRAIN_DELAY_MS",
    "pool-size": "MSG_POOL_SIZE", "db-timeout-ms": "MSG_DB_TIMEOUT_MS",
    "connection-queue": "MSG_CONNECTION_QUEUE", "auth": "MSG_AUTH",
    "api-keys": "MSG_API_KEYS_FILE",
}


def run(args, env=None, timeout=30):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("MSG_")}
    full_env.update(env or {})
    return subprocess.run(harness.WRAPPER + [harness.BINARY] + args, capture_output=True,
                          env=full_env, timeout=timeout * harness.SLOW)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SettingsTest(ApiCase):
    def test_help__lists_every_setting_with_its_variable(self):
        done = run(["--help"])
        self.assertEqual(done.returncode, 0)
        text = done.stdout.decode()
        for flag, env in SETTINGS.items():
            with self.subTest(flag=flag):
                self.assertRegex(text, r"--%s\s+%s\s" % (flag, env))
        for flag in ("--healthcheck", "--help", "--version"):
            self.assertIn(flag, text)

    def test_version__names_the_server_and_the_library(self):
        done = run(["--version"])
        self.assertEqual(done.returncode, 0)
        self.assertRegex(done.stdout.decode(), r"^msg-server \d+\.\d+\.\d+ \(libmsg \d+\.\d+\.\d+\)\n$")

    def test_a_bad_setting__stops_start_up_with_status_2_and_one_line_naming_it(self):
        cases = [
            (["--threads", "0"], {}, "--threads"),
            (["--threads=many"], {}, "--threads"),
            ([], {"MSG_THREADS": "abc"}, "MSG_THREADS"),
            (["--listen", "nowhere"], {}, "--listen"),
            (["--listen", "127.0.0.1:70000"], {}, "--listen"),
            ([], {"MSG_LISTEN": "1.2.3:80"}, "MSG_LISTEN"),
            (["--log-level", "loud"], {}, "--log-level"),
            (["--max-body-bytes", "-1"], {}, "--max-body-bytes"),
            (["--drain-delay-ms", ""], {}, "--drain-delay-ms"),
            ([], {"MSG_DB_TIMEOUT_MS": "1e3"}, "MSG_DB_TIMEOUT_MS"),
            (["--no-such-flag"], {}, "--no-such-flag"),
            (["--threads"], {}, "--threads"),
            (["stray"], {}, "stray"),
            (["--database", "nosuchscheme:x"], {}, "--database"),
        ]
        for args, env, name in cases:
            with self.subTest(args=args, env=env):
                done = run(args, env)
                self.assertEqual(done.returncode, 2, done.stderr)
                lines = done.stderr.decode().splitlines()
                self.assertEqual(len(lines), 1, lines)
                self.assertIn(name, lines[0])
                self.assertEqual(done.stdout, b"")

    def test_a_flag_wins_over_the_environment(self):
        with Server(["--log-level", "info"], env={"MSG_LOG_LEVEL": "nonsense"}) as srv:
            self.assertEqual(srv.request("GET", "/healthz").status, 200)
            self.assertEqual(srv.stop(), 0)

    def test_the_environment_sets_a_setting(self):
        env = {"MSG_LOG_LEVEL": "warn", "MSG_MAX_BODY_BYTES": "100"}
        with Server([], env=env, port=free_port()) as srv:
            r = srv.request("POST", "/v1/accounts/1/messages", json_body={"body": "x" * 200})
            self.assertEqual(r.status, 413)
            self.assertEqual(srv.stop(), 0)
            self.assertEqual([e for e in srv.logs() if e["level"] in ("debug", "info")], [])

    def test_listen__serves_on_the_port_it_names(self):
        port = free_port()
        with Server(["--listen", "127.0.0.1:%d" % port]) as srv:
            self.assertEqual(srv.port, port)
            self.assertEqual(srv.request("GET", "/healthz").status, 200)

    def test_defaults__serve_sqlite_msg_db_in_the_working_directory(self):
        # No --database and no MSG_* variable: the default is SQLite whatever
        # backend this run tests, so the PostgreSQL run checks it too.
        port = free_port()
        with tempfile.TemporaryDirectory(prefix="msg-default-") as tmp:
            env = {k: v for k, v in os.environ.items() if not k.startswith("MSG_")}
            proc = subprocess.Popen(harness.WRAPPER + [harness.BINARY, "--listen", "127.0.0.1:%d" % port],
                                    cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
            try:
                line = json.loads(proc.stdout.readline())
                self.assertEqual(line["message"], "listening")
                self.assertEqual(line["backend"], "sqlite")
                self.assertTrue(os.path.exists(os.path.join(tmp, "msg.db")))
            finally:
                proc.send_signal(signal.SIGTERM)
                self.assertEqual(proc.wait(timeout=60 * harness.SLOW), 0)
                proc.stdout.close()


class HealthcheckTest(ApiCase):
    def test_healthcheck__exits_0_when_the_server_answers(self):
        port = free_port()
        with Server(["--listen", "0.0.0.0:%d" % port, "--insecure-no-auth"]) as srv:
            done = run(["--healthcheck", "--listen", "0.0.0.0:%d" % port])
            self.assertEqual(done.returncode, 0, done.stderr)
            done = run(["--healthcheck"], env={"MSG_LISTEN": "127.0.0.1:%d" % port})
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertEqual(srv.stop(), 0)

    def test_healthcheck__exits_1_when_nothing_listens(self):
        done = run(["--healthcheck", "--listen", "127.0.0.1:%d" % free_port()])
        self.assertEqual(done.returncode, 1)
        self.assertEqual(len(done.stderr.decode().splitlines()), 1)

    def test_healthcheck__exits_1_in_time_when_the_server_never_answers(self):
        with socket.socket() as mute:
            mute.bind(("127.0.0.1", 0))
            mute.listen(1)
            start = time.monotonic()
            done = run(["--healthcheck", "--listen", "127.0.0.1:%d" % mute.getsockname()[1]])
            self.assertEqual(done.returncode, 1)
            self.assertLess(time.monotonic() - start, 5 * harness.SLOW)


class DrainTest(ApiCase):
    IN_FLIGHT = 20

    def half_sent_requests(self, srv, n):
        """n connections, each with its headers and half its body sent."""
        socks = []
        for i in range(n):
            body = json.dumps({"sender_number": "5551234", "receiver_number": "5557654",
                               "body": "in flight %d" % i}).encode()
            s = socket.create_connection(("127.0.0.1", srv.port), timeout=60 * harness.SLOW)
            s.sendall(b"POST /v1/accounts/%d/messages HTTP/1.1\r\nHost: t\r\n"
                      b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                      % (new_account(), len(body)) + body[:10])
            socks.append((s, body[10:]))
        return socks

    def finish(self, s, rest, results, i):
        try:
            s.sendall(rest)
            results[i] = read_response(s)
        except Exception as e:  # reported by the assertion on results
            results[i] = e
        finally:
            s.close()

    def drain_with_requests_in_flight(self, sig):
        srv = Server(["--drain-delay-ms", "300", "--threads", "32"])
        with srv:
            socks = self.half_sent_requests(srv, self.IN_FLIGHT)
            time.sleep(0.3 * harness.SLOW)  # every request is now inside a handler
            srv.send_signal(sig)
            ready = srv.wait_for_status("/readyz", 503, timeout=5)
            self.assertProblem(ready, 503)
            time.sleep(0.6 * harness.SLOW)  # past the drain delay: the bodies are still due
            results = [None] * self.IN_FLIGHT
            threads = [threading.Thread(target=self.finish, args=(s, rest, results, i))
                       for i, (s, rest) in enumerate(socks)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60 * harness.SLOW)
            for i, result in enumerate(results):
                with self.subTest(request=i):
                    self.assertIsInstance(result, tuple, result)
                    status, headers, body = result
                    self.assertEqual(status, 201, body)
                    self.assertEqual(headers["connection"], "close")
                    self.assertEqual(json.loads(body)["body"], "in flight %d" % i)
            self.assertEqual(srv.proc.wait(timeout=60 * harness.SLOW), 0, srv.stderr_text())
            srv.check_stderr()
            messages = [e["message"] for e in srv.logs()]
            self.assertIn("draining", messages)
            self.assertEqual(messages[-1], "stopped")
            with self.assertRaises(ConnectionRefusedError):
                socket.create_connection(("127.0.0.1", srv.port), timeout=5).close()

    def test_sigterm__completes_20_requests_in_flight_and_exits_0(self):
        self.drain_with_requests_in_flight(signal.SIGTERM)

    def test_sigint__drains_the_same_way(self):
        self.drain_with_requests_in_flight(signal.SIGINT)

    def test_sigterm__keeps_serving_during_the_drain_delay(self):
        # Probing right after /readyz turns 503 passes even when the delay is
        # skipped; a second into a 1.5 s delay only a server that waits still
        # answers, and it may not exit before the delay is over.
        with Server(["--drain-delay-ms", "1500"]) as srv:
            signalled = time.monotonic()
            srv.send_signal(signal.SIGTERM)
            srv.wait_for_status("/readyz", 503, timeout=5)
            time.sleep(max(0.0, signalled + 1.0 - time.monotonic()))
            r = srv.request("GET", "/healthz")
            self.assertEqual(r.status, 200)
            self.assertEqual(r.headers["Connection"], "close")
            self.assertEqual(srv.proc.wait(timeout=60 * harness.SLOW), 0)
            self.assertGreaterEqual(time.monotonic() - signalled, 1.5)
            srv.check_stderr()
