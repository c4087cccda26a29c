#!/usr/bin/env python3
"""The monitoring component against real programs: msg-server (SQLite), Debian's
Prometheus scraping it with the rules taken from the PrometheusRule, and
Debian's Alertmanager with a webhook receiver, all on 127.0.0.1.

  1. traffic: creates, reads, lists, searches, a 404, a 422, and a window in
     which another process holds SQLite's write lock (msg-server then answers
     503 and counts database errors as unavailable), so every series the rules
     and panels read exists;
  2. every dashboard panel query and every rule expression is sent to
     Prometheus: each must parse, and each must return data, except those
     built on kube-state-metrics or cAdvisor series (kube_*, container_*),
     which no cluster provides here: they are listed and only parsed;
  3. the checker of step 2 is shown to fail on a misspelt metric and on a
     syntax error (a check that cannot fail proves nothing);
  4. MsgServerDatabaseUnavailable, from the server's own counters, fires;
  5. msg-server is stopped: MsgServerDown must reach Alertmanager and its
     webhook. The rules file here has every `for:` cut to 5 s (extract.py
     --for), the one difference from what ships.

usage: live.py WORKDIR   (rules-live.yaml and dashboard.json already in it)
"""
import http.server as httpserver
import json
import os
import re
import sqlite3
import sys
import threading
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "rehearsal"))
from msgproc import Proc, Procs, Report, free_port, start_msg_server, wait_until
from msgproc import call as send  # noqa: E402

import yaml  # noqa: E402

# Series a cluster's exporters provide and this machine cannot: kube-state-metrics
# (kube_*) and the kubelet's cAdvisor (container_*), both part of kube-prometheus-stack.
CLUSTER_ONLY = re.compile(r"\b(kube_|container_)[a-z_]*")
RATE_INTERVAL = "1m"  # what Grafana's $__rate_interval stands for here (1 s scrapes)

KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or",
            "unless", "bool", "offset", "inf", "nan"}


def selectors(expr):
    """The vector selectors of a PromQL expression (metric name and matchers),
    found by a scan that is enough for the expressions of this project:
    grouping label lists, ranges, strings and numbers are cut first."""
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expr)
    e = re.sub(r"\[[^\]]*\]", " ", e)
    out = []
    for m in re.finditer(r"([A-Za-z_:][A-Za-z0-9_:]*)\s*(\{[^}]*\})?", re.sub(r'"[^"]*"(?![^{]*\})', '""', e)):
        name, matchers = m.group(1), m.group(2) or ""
        rest = e[m.end():].lstrip()
        if name.lower() in KEYWORDS or (rest.startswith("(") and not matchers):
            continue
        out.append(name + matchers)
    return out


class Prom:
    def __init__(self, port):
        self.base = "http://127.0.0.1:%d" % port

    def get(self, path, **params):
        url = self.base + path + ("?" + urllib.parse.urlencode(params) if params else "")
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                return json.load(r)
        except urllib.error.HTTPError as e:  # 400 bad_data carries the parse error
            return json.load(e)

    def query(self, expr):
        return self.get("/api/v1/query", query=expr)


def check_expression(prom, expr):
    """None when `expr` parses and has data (or is cluster-only and parses),
    else why not. Returns (verdict, cluster_only)."""
    r = prom.query(expr)
    if r.get("status") != "success":
        return "does not parse or evaluate: %s" % r.get("error"), False
    if CLUSTER_ONLY.search(expr):
        return None, True
    if not r["data"]["result"]:
        return "parses but returns no data", False
    for sel in selectors(expr):
        s = prom.query(sel)
        if s.get("status") != "success" or not s["data"]["result"]:
            return "selector %s returns no data" % sel, False
    return None, False


def check_alert_expression(prom, expr):
    """An alert's expression returns data only while it fires, so here every
    selector in it must have data, and the whole must parse and evaluate."""
    r = prom.query(expr)
    if r.get("status") != "success":
        return "does not parse or evaluate: %s" % r.get("error"), False
    if CLUSTER_ONLY.search(expr):
        return None, True
    sels = selectors(expr)
    if not sels:
        return "no selector found in the expression", False
    for sel in sels:
        s = prom.query(sel)
        if s.get("status") != "success" or not s["data"]["result"]:
            return "selector %s returns no data" % sel, False
    return None, False


class Webhook(httpserver.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        Webhook.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def drive_traffic(port, db_path, seconds):
    """Requests of every kind for `seconds`, with SQLite's write lock held by
    another connection for 2 s in the middle."""
    acc = 700001
    ids = []
    end = time.monotonic() + seconds
    locked_at = time.monotonic() + seconds / 3
    lock = None
    n = 0
    while time.monotonic() < end:
        if lock is None and time.monotonic() >= locked_at:
            lock = sqlite3.connect(db_path, timeout=5, isolation_level=None)
            lock.execute("BEGIN EXCLUSIVE")
            lock_until = time.monotonic() + 2
        if lock is not None and lock_until and time.monotonic() >= lock_until:
            lock.execute("ROLLBACK")
            lock.close()
            lock_until = 0
        n += 1
        st, _, body = send(port, "POST", "/v1/accounts/%d/messages" % acc,
                           {"sender_number": "+15551230000", "receiver_number": "+15557650000",
                            "body": "metrics %d" % n})
        if st == 201:
            ids.append(json.loads(body)["message_id"])
        if ids:
            send(port, "GET", "/v1/messages/" + ids[-1])
        send(port, "GET", "/v1/accounts/%d/messages?limit=5" % acc)
        send(port, "GET", "/v1/messages?account_id=%d&q=metrics" % acc)
        send(port, "GET", "/v1/messages/00000000-0000-7000-8000-000000000000")
        send(port, "POST", "/v1/accounts/%d/messages" % acc, {"sender_number": "12"})
        send(port, "GET", "/readyz")
        time.sleep(0.02)
    return n


def main():
    work = sys.argv[1]
    rep = Report()
    procs = Procs()
    hook = None
    try:
        db = os.path.join(work, "msg.db")
        srv = start_msg_server(procs, "msg-server", os.path.join(work, "msg-server.log"),
                               ["--database", "sqlite:" + db, "--db-timeout-ms", "200"])
        hook_port = free_port()
        hook = httpserver.ThreadingHTTPServer(("127.0.0.1", hook_port), Webhook)
        threading.Thread(target=hook.serve_forever, daemon=True).start()

        am_port = free_port()
        with open(os.path.join(work, "alertmanager.yml"), "w") as f:
            yaml.safe_dump({
                "route": {"receiver": "webhook", "group_by": ["alertname"], "group_wait": "1s",
                          "group_interval": "1s", "repeat_interval": "1h"},
                "receivers": [{"name": "webhook", "webhook_configs": [
                    {"url": "http://127.0.0.1:%d/" % hook_port, "send_resolved": False}]}]}, f)
        am = Proc("alertmanager", ["prometheus-alertmanager",
                                   "--config.file=" + os.path.join(work, "alertmanager.yml"),
                                   "--storage.path=" + os.path.join(work, "am-data"),
                                   "--web.listen-address=127.0.0.1:%d" % am_port,
                                   "--cluster.listen-address="],
                  os.path.join(work, "alertmanager.log"))
        procs.append(am)

        prom_port = free_port()
        with open(os.path.join(work, "prometheus.yml"), "w") as f:
            yaml.safe_dump({
                "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
                "rule_files": [os.path.join(work, "rules-live.yaml")],
                "alerting": {"alertmanagers": [{"static_configs": [
                    {"targets": ["127.0.0.1:%d" % am_port]}]}]},
                # The labels the Prometheus Operator puts on a ServiceMonitor's
                # targets, so that the rules' `by (namespace, pod, instance)` see them.
                "scrape_configs": [{"job_name": "msg-server", "metrics_path": "/metrics",
                                    "static_configs": [{"targets": ["127.0.0.1:%d" % srv.port],
                                                        "labels": {"namespace": "msg",
                                                                   "pod": "msg-server-live",
                                                                   "service": "msg-server"}}]}]}, f)
        prom_proc = Proc("prometheus", ["prometheus",
                                        "--config.file=" + os.path.join(work, "prometheus.yml"),
                                        "--storage.tsdb.path=" + os.path.join(work, "prom-data"),
                                        "--web.listen-address=127.0.0.1:%d" % prom_port],
                         os.path.join(work, "prometheus.log"))
        procs.append(prom_proc)
        prom = Prom(prom_port)

        up = wait_until(lambda: prom.query('up{job="msg-server"} == 1')["data"]["result"], 30)
        if not rep.check("Prometheus scrapes msg-server", up, "\n".join(prom_proc.lines()[-10:])):
            return rep
        rules = prom.get("/api/v1/rules")["data"]["groups"]
        loaded = sum(len(g["rules"]) for g in rules)
        with open(os.path.join(work, "rules-live.yaml")) as f:
            expected = sum(len(g["rules"]) for g in yaml.safe_load(f)["groups"])
        rep.check("Prometheus loaded all %d rules of the PrometheusRule" % expected,
                  loaded == expected and expected > 0, "loaded %d" % loaded)
        ready = wait_until(lambda: prom.get("/api/v1/alertmanagers")["data"]["activeAlertmanagers"], 20)
        rep.check("Prometheus found the Alertmanager", ready, "\n".join(am.lines()[-10:]))

        n = drive_traffic(srv.port, db, 9)
        rep.note("drove %d rounds of requests (create, get, list, search, 404, 422, readyz)" % n)
        time.sleep(3)  # a few more scrapes and rule evaluations

        with open(os.path.join(work, "dashboard.json")) as f:
            dash = json.load(f)
        cluster_only = []
        count = 0
        for panel in dash["panels"]:
            for t in panel.get("targets", []):
                count += 1
                expr = t["expr"].replace("$__rate_interval", RATE_INTERVAL)
                why, only = check_expression(prom, expr)
                label = "panel %r %s: %s" % (panel["title"], t["refId"], expr)
                if only:
                    cluster_only.append(label)
                    rep.check("parses (cluster-only series, no data here): " + label, why is None, why)
                else:
                    rep.check("returns data: " + label, why is None, why)
        rep.check("the dashboard has panel queries", count >= 10, "only %d" % count)

        for g in rules:
            for r in g["rules"]:
                if r["type"] == "recording":
                    why, _ = check_expression(prom, r["name"])
                    rep.check("recording rule %s has data" % r["name"], why is None, why)
                    continue
                why, only = check_alert_expression(prom, r["query"])
                if only:
                    cluster_only.append("alert " + r["name"])
                    rep.check("alert %s parses (cluster-only series, no data here)" % r["name"],
                              why is None, why)
                else:
                    rep.check("alert %s parses and every series it reads has data" % r["name"],
                              why is None, why)

        why, _ = check_expression(prom, 'sum(rate(msg_http_request_total{job="msg-server"}[1m]))')
        rep.check("negative: the checker rejects a misspelt metric", why is not None)
        why, _ = check_expression(prom, 'sum(rate(msg_http_requests_total{job="msg-server"}[1m])')
        rep.check("negative: the checker rejects a syntax error", why is not None and "parse" in why)
        why, _ = check_alert_expression(prom, 'rate(msg_db_errors_total{kind="gone"}[1m]) > 0')
        rep.check("negative: the alert checker rejects a selector without data", why is not None)

        firing = wait_until(lambda: [a for a in prom.get("/api/v1/alerts")["data"]["alerts"]
                                     if a["labels"]["alertname"] == "MsgServerDatabaseUnavailable"
                                     and a["state"] == "firing"], 30)
        rep.check("MsgServerDatabaseUnavailable fires from msg-server's own error counter", firing,
                  json.dumps(prom.get("/api/v1/alerts")["data"]["alerts"], indent=1)[-1500:])

        srv.stop()
        t0 = time.monotonic()

        def am_has_down():
            with urllib.request.urlopen("http://127.0.0.1:%d/api/v2/alerts?filter=%s" % (
                    am_port, urllib.parse.quote('alertname="MsgServerDown"')), timeout=5) as r:
                return [a for a in json.load(r) if a["status"]["state"] == "active"]

        got = wait_until(am_has_down, 60)
        rep.check("after msg-server stops, MsgServerDown is active in Alertmanager (%.1f s)"
                  % (time.monotonic() - t0), got, "\n".join(am.lines()[-10:]))
        sent = wait_until(lambda: [a for n in Webhook.received for a in n["alerts"]
                                   if a["labels"]["alertname"] == "MsgServerDown"
                                   and a["status"] == "firing"], 30)
        rep.check("Alertmanager delivered MsgServerDown to its webhook receiver", sent,
                  json.dumps(Webhook.received)[-1500:])
        if sent:
            rep.note("runbook_url in the notification: %s" % sent[0]["annotations"].get("runbook_url"))
        rep.note("only parsed, not run against data (need kube-state-metrics or cAdvisor): %d" % len(cluster_only))
        for c in cluster_only:
            rep.note("  " + c)
    finally:
        procs.stop_all()
        if hook:
            hook.shutdown()
    return rep


if __name__ == "__main__":
    r = main()
    print("live: %d passed, %d failed" % (r.passed, r.failed))
    sys.exit(1 if r.failed else 0)
