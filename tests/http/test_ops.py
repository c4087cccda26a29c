"""Operations: probes, metrics through promtool, the OpenAPI description
(checked against the routes the server really serves), the docs page,
request ids and the JSON log."""
import re
import shutil
import subprocess
import time
import uuid

from cases import ApiCase, new_number

ROUTES = {
    ("POST", "/v1/accounts/{account_id}/messages"), ("GET", "/v1/accounts/{account_id}/messages"),
    ("GET", "/v1/messages/{message_id}"), ("GET", "/v1/messages"), ("GET", "/"),
    ("POST", "/v1/create"), ("GET", "/v1/get/messages/{account_id}"), ("GET", "/v1/search"),
    ("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/metrics"), ("GET", "/openapi.json"),
    ("GET", "/docs"),
}
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")


def metric(text, name, **labels):
    """The value of one sample, or None."""
    want = ",".join('%s="%s"' % kv for kv in sorted(labels.items()))
    for line in text.splitlines():
        m = re.match(r"^([a-z_]+)(?:\{(.*)\})? (\S+)$", line)
        if m and m.group(1) == name:
            have = ",".join(sorted((m.group(2) or "").split(","))) if m.group(2) else ""
            if have == want:
                return float(m.group(3))
    return None


class ProbeTest(ApiCase):
    def test_healthz__is_200(self):
        self.assertEqual(self.assertJson(self.srv.request("GET", "/healthz"), 200), {"status": "ok"})

    def test_readyz__is_200_when_the_database_answers(self):
        self.assertEqual(self.assertJson(self.srv.request("GET", "/readyz"), 200), {"status": "ready"})


class MetricsTest(ApiCase):
    def scrape(self):
        r = self.srv.request("GET", "/metrics")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.content_type, "text/plain; version=0.0.4; charset=utf-8")
        return r.body.decode("utf-8")

    def test_metrics__pass_promtool_check_metrics(self):
        promtool = shutil.which("promtool")
        self.assertIsNotNone(promtool, "promtool is missing (Debian package prometheus)")
        self.created()
        self.srv.request("GET", "/nope")
        text = self.scrape()
        run = subprocess.run([promtool, "check", "metrics"], input=text.encode(), capture_output=True)
        self.assertEqual(run.returncode, 0, run.stdout.decode() + run.stderr.decode())
        self.assertEqual(run.stdout.decode() + run.stderr.decode(), "")

    def test_metrics__label_requests_by_route_template_never_the_path(self):
        made = self.created()
        before = metric(self.scrape(), "msg_http_requests_total", method="GET",
                        route="/v1/messages/{message_id}", status="200") or 0
        self.assertEqual(self.srv.request("GET", "/v1/messages/" + made["message_id"]).status, 200)
        text = self.scrape()
        self.assertEqual(metric(text, "msg_http_requests_total", method="GET",
                                route="/v1/messages/{message_id}", status="200"), before + 1)
        self.assertNotIn(made["message_id"], text)
        self.assertIsNotNone(metric(text, "msg_http_request_duration_seconds_bucket", method="GET",
                                    route="/v1/messages/{message_id}", status="200", le="+Inf"))

    def test_metrics__label_unknown_paths_as_unmatched(self):
        path = "/no/such/" + uuid.uuid4().hex
        self.srv.request("GET", path)
        text = self.scrape()
        self.assertGreaterEqual(metric(text, "msg_http_requests_total", method="GET",
                                       route="unmatched", status="404"), 1)
        self.assertNotIn(path, text)

    def test_metrics__count_created_messages_but_not_replays(self):
        before = metric(self.scrape(), "msg_messages_created_total")
        r, account, sent = self.create(key="metrics-key")
        self.assertEqual(r.status, 201)
        again = self.srv.request("POST", "/v1/accounts/%d/messages" % account, json_body=sent,
                                 headers={"Idempotency-Key": "metrics-key"})
        self.assertEqual(again.status, 200)
        self.assertEqual(metric(self.scrape(), "msg_messages_created_total"), before + 1)

    def test_metrics__include_database_build_and_process_figures(self):
        text = self.scrape()
        for name, labels in (("msg_db_errors_total", {"kind": "unavailable"}),
                             ("msg_db_errors_total", {"kind": "internal"}),
                             ("msg_db_pool_size", {}), ("msg_db_pool_waits_total", {}),
                             ("msg_db_pool_timeouts_total", {}),
                             ("msg_db_pool_connections", {"state": "open"}),
                             ("msg_db_pool_connections", {"state": "in_use"}),
                             ("msg_http_open_connections", {}),
                             ("process_cpu_seconds_total", {}), ("process_resident_memory_bytes", {}),
                             ("process_open_fds", {}), ("process_start_time_seconds", {})):
            with self.subTest(name=name, labels=labels):
                self.assertIsNotNone(metric(text, name, **labels))
        self.assertGreater(metric(text, "process_resident_memory_bytes"), 1e6)
        self.assertGreater(metric(text, "process_open_fds"), 2)
        self.assertGreater(metric(text, "process_start_time_seconds"), 1.7e9)
        build = [line for line in text.splitlines() if line.startswith("msg_build_info{")]
        self.assertEqual(len(build), 1)
        self.assertRegex(build[0], r'^msg_build_info\{version="[^"]+",libmsg_version="[^"]+",'
                                   r'backend="(sqlite|postgres)"\} 1$')


class OpenApiTest(ApiCase):
    def spec(self):
        return self.assertJson(self.srv.request("GET", "/openapi.json"), 200)

    def test_openapi__is_openapi_3_1_listing_exactly_the_served_routes(self):
        spec = self.spec()
        self.assertTrue(spec["openapi"].startswith("3.1."))
        listed = {(method.upper(), path) for path, item in spec["paths"].items()
                  for method in item if method != "parameters"}
        self.assertEqual(listed, ROUTES)

    def test_openapi__every_listed_operation_is_routed_and_others_are_405(self):
        spec = self.spec()
        for path, item in spec["paths"].items():
            concrete = path.replace("{account_id}", "1").replace("{message_id}", str(uuid.uuid4()))
            allowed = sorted(m.upper() for m in item if m != "parameters")
            for method in METHODS:
                with self.subTest(method=method, path=path):
                    r = self.srv.request(method, concrete, body=b"{}" if method != "GET" else None,
                                         headers={"Content-Type": "application/json"})
                    if method in allowed and "{message_id}" in path:
                        self.assertProblem(r, 404)  # routed; the random id does not exist
                    elif method in allowed:
                        self.assertNotIn(r.status, (404, 405), r)
                    else:
                        self.assertProblem(r, 405)
                        self.assertEqual(sorted(r.headers["Allow"].split(", ")), allowed)

    def test_openapi__documents_every_status_the_tests_see(self):
        spec = self.spec()
        create = spec["paths"]["/v1/accounts/{account_id}/messages"]["post"]["responses"]
        self.assertTrue({"200", "201", "400", "408", "413", "415", "422", "431", "500", "503"}
                        <= set(create))
        self.assertEqual(spec["components"]["schemas"]["CompatMessageArray"]["maxItems"], 1000)


class DocsTest(ApiCase):
    def test_docs__is_a_self_contained_html_page(self):
        r = self.srv.request("GET", "/docs")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.content_type, "text/html; charset=utf-8")
        html = r.body.decode("utf-8")
        self.assertTrue(html.startswith("<!doctype html>"))
        self.assertIn('fetch("/openapi.json")', html)
        self.assertNotRegex(html, r'(src|href)="(https?:)?//')
        self.assertIn("default-src 'none'", r.headers["Content-Security-Policy"])


class RequestIdTest(ApiCase):
    def test_request_id__is_echoed_and_logged(self):
        rid = "trace-" + uuid.uuid4().hex
        r = self.srv.request("GET", "/v1/messages/" + str(uuid.uuid4()), headers={"X-Request-Id": rid})
        self.assertEqual(r.headers["X-Request-Id"], rid)
        self.assertEqual(self.assertProblem(r, 404)["request_id"], rid)
        line = self.log_line(rid)
        self.assertEqual(line["method"], "GET")
        self.assertEqual(line["route"], "/v1/messages/{message_id}")
        self.assertEqual(line["status"], 404)
        self.assertEqual(line["bytes"], len(r.body))
        self.assertGreaterEqual(line["duration_ms"], 0)
        self.assertEqual(line["level"], "info")
        self.assertEqual(line["message"], "request")

    def test_request_id__is_generated_when_missing_or_unsafe(self):
        for given in (None, "has space", "x" * 65, "semi;colon", "quote\""):
            with self.subTest(given=given):
                headers = {"X-Request-Id": given} if given else {}
                r = self.srv.request("GET", "/healthz", headers=headers)
                self.assertRegex(r.headers["X-Request-Id"], r"^[0-9a-f]{32}$")
                self.log_line(r.headers["X-Request-Id"])

    def log_line(self, rid):
        for _ in range(100):
            lines = [e for e in self.srv.logs() if e.get("request_id") == rid]
            if lines:
                self.assertEqual(len(lines), 1)
                return lines[0]
            time.sleep(0.05)
        self.fail("no log line for request id %s" % rid)


class LogTest(ApiCase):
    def test_logs__are_json_lines_without_message_bodies(self):
        secret = "body-" + uuid.uuid4().hex
        sender = new_number()
        self.created(body=secret, sender_number=sender)
        self.srv.request("POST", "/v1/accounts/1/messages",
                         json_body={"sender_number": "x", "receiver_number": "1", "body": secret})
        entries = self.srv.logs()
        self.assertTrue(entries)
        for e in entries:
            self.assertRegex(e["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
            self.assertIn(e["level"], ("debug", "info", "warn", "error"))
            self.assertIsInstance(e["message"], str)
        self.assertNotIn(secret, self.srv.raw_log())
        self.assertNotIn(sender, self.srv.raw_log())
