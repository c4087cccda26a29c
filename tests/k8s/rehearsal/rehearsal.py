#!/usr/bin/env python3
"""Rehearsals, with real processes, of what a Kubernetes rollout does to
msg-server behind the AWS load balancer: three msg-server processes on one
PostgreSQL behind HAProxy (haproxy.cfg.in: header buffering, strict parsing,
/readyz health checks with the Ingress's interval and thresholds, no retries).

Every number comes from the rendered k8s/base: the preStop sleep,
terminationGracePeriodSeconds, minReadySeconds and maxSurge/maxUnavailable of
the Deployment, the msg-server settings of the ConfigMap (drain delay, request
timeout, keep-alive, threads, pool...), and the Ingress's health check and
deregistration delay. The only differences from a cluster: --auth none on
loopback (no keys file to mount), and the load balancer controller's reaction
to a pod's deletion is a fixed LB_LAG seconds.

  rolling update   maxSurge 1 / maxUnavailable 0, as the Deployment controller
                   does it: start a new process, wait until the proxy's health
                   checks pass (the pod readiness gate) and minReadySeconds more,
                   then delete an old one, three times. Deleting a pod: after
                   LB_LAG the target is deregistered (HAProxy "drain": no new
                   requests), and after the deregistration delay it is gone
                   ("maint"); at the same time the preStop sleep runs, then
                   SIGTERM; the process must exit 0 within the grace period.
  scale-down       the same deletion of one process, not replaced (what the
                   HPA does when it lowers the count).
  during both      load.py creates and reads messages through the proxy: there
                   must be 0 failed requests, and afterwards every acknowledged
                   create must be readable.
  slow clients     100 connections dripping a header byte a second through
                   HAProxy: 20 ordinary requests beside them must each finish
                   within SLOW_BOUND s (asserted); the same flood sent straight
                   to one msg-server is reported, not asserted.

usage: rehearsal.py WORKDIR PG_URI
"""
import csv
import io
import os
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from load import Load  # noqa: E402
from msgproc import Proc, Procs, Report, call, free_port, start_msg_server, wait_until  # noqa: E402

import yaml  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.realpath(os.path.join(HERE, "..", "..", ".."))
LB_LAG = 1.0          # seconds from a pod's deletion to its deregistration
SLOW_CLIENTS = 100
ORDINARY = 20
SLOW_BOUND = 2.0      # seconds: the most an ordinary request may take beside the flood
HTTP_REQUEST_TIMEOUT = "5s"  # HAProxy's header (and body) deadline


def settings():
    """The numbers of the rendered k8s/base."""
    out = subprocess.run(["kubectl", "kustomize", os.path.join(ROOT, "k8s", "base")],
                         check=True, capture_output=True, text=True).stdout
    objs = {(o["kind"], o["metadata"]["name"]): o for o in yaml.safe_load_all(out) if o}
    dep = objs[("Deployment", "msg-server")]
    pod = dep["spec"]["template"]["spec"]
    ctr = next(c for c in pod["containers"] if c["name"] == "msg-server")
    ann = objs[("Ingress", "msg-server")]["metadata"]["annotations"]
    tg = dict(kv.split("=", 1) for kv in ann["alb.ingress.kubernetes.io/target-group-attributes"].split(","))
    cfg = objs[("ConfigMap", "msg-server")]["data"]
    return {
        "grace": pod["terminationGracePeriodSeconds"],
        "prestop": ctr["lifecycle"]["preStop"]["sleep"]["seconds"],
        "min_ready": dep["spec"].get("minReadySeconds", 0),
        "max_surge": dep["spec"]["strategy"]["rollingUpdate"]["maxSurge"],
        "max_unavailable": dep["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"],
        "dereg": int(tg["deregistration_delay.timeout_seconds"]),
        "hc_path": ann["alb.ingress.kubernetes.io/healthcheck-path"],
        "hc_interval": int(ann["alb.ingress.kubernetes.io/healthcheck-interval-seconds"]),
        "hc_timeout": int(ann["alb.ingress.kubernetes.io/healthcheck-timeout-seconds"]),
        "rise": int(ann["alb.ingress.kubernetes.io/healthy-threshold-count"]),
        "fall": int(ann["alb.ingress.kubernetes.io/unhealthy-threshold-count"]),
        "config": cfg,
    }


class HAProxy:
    SLOTS = 8

    def __init__(self, work, s, initial):
        self.sock = os.path.join(work, "haproxy.sock")
        self.port = free_port()
        lines = []
        for i in range(1, self.SLOTS + 1):
            if i <= len(initial):
                lines.append("    server s%d 127.0.0.1:%d check" % (i, initial[i - 1].port))
            else:  # a free slot for a new process, in maintenance until used
                lines.append("    server s%d 127.0.0.1:9 check disabled" % i)
        with open(os.path.join(HERE, "haproxy.cfg.in")) as f:
            text = f.read()
        for k, v in {"SOCKET": self.sock, "PORT": str(self.port),
                     "HTTP_REQUEST_TIMEOUT": HTTP_REQUEST_TIMEOUT,
                     "CHECK_TIMEOUT": "%ds" % s["hc_timeout"], "HEALTH_PATH": s["hc_path"],
                     "CHECK_INTERVAL": "%ds" % s["hc_interval"], "RISE": str(s["rise"]),
                     "FALL": str(s["fall"]), "SERVERS": "\n".join(lines)}.items():
            text = text.replace("@%s@" % k, v)
        self.cfg = os.path.join(work, "haproxy.cfg")
        with open(self.cfg, "w") as f:
            f.write(text)
        self.next_slot = len(initial) + 1
        self.slot_of = {p.name: "s%d" % (i + 1) for i, p in enumerate(initial)}

    def start(self, procs, work):
        self.proc = Proc("haproxy", ["haproxy", "-db", "-f", self.cfg], os.path.join(work, "haproxy.log"))
        procs.append(self.proc)
        return wait_until(lambda: os.path.exists(self.sock) and self.status("s1"), 10)

    def cmd(self, line):
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(5)
            s.connect(self.sock)
            s.sendall(line.encode() + b"\n")
            out = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
        return out.decode()

    def status(self, slot):
        text = self.cmd("show stat").lstrip("# ")
        for row in csv.DictReader(io.StringIO(text)):
            if row["pxname"] == "msg_server" and row["svname"] == slot:
                return row["status"]
        return None

    def register(self, proc):
        slot = "s%d" % self.next_slot
        self.next_slot += 1
        self.slot_of[proc.name] = slot
        self.cmd("set server msg_server/%s addr 127.0.0.1 port %d" % (slot, proc.port))
        # Like a target the ALB has just registered: unhealthy until `rise`
        # checks in a row have passed. (Leaving maintenance resets the health,
        # so it is set down right after; the process already serves anyway.)
        self.cmd("set server msg_server/%s state ready" % slot)
        self.cmd("set server msg_server/%s health down" % slot)
        return slot

    def set_state(self, proc, state):
        self.cmd("set server msg_server/%s state %s" % (self.slot_of[proc.name], state))


class Cluster:
    """The processes standing in for pods, and what deleting one does."""

    def __init__(self, work, s, pg_uri, procs):
        self.work, self.s, self.procs = work, s, procs
        self.env = dict(os.environ)
        for k, v in s["config"].items():
            self.env[k] = str(v)
        self.env.update({"MSG_DATABASE_URL": pg_uri, "MSG_AUTH": "none"})
        self.env.pop("MSG_API_KEYS_FILE", None)
        self.env.pop("MSG_LISTEN", None)
        self.count = 0
        self.terminations = []

    def start_pod(self, **env):
        self.count += 1
        name = "pod%d" % self.count
        return start_msg_server(self.procs, name, os.path.join(self.work, name + ".log"),
                                env=dict(self.env, **env))

    def delete_pod(self, lb, pod, prestop=None):
        """Runs a pod deletion in a thread; its result lands in self.terminations.
        `prestop` overrides the manifest's sleep (the negative test)."""
        result = {"pod": pod.name}
        self.terminations.append(result)
        sleep = self.s["prestop"] if prestop is None else prestop

        def run():
            s = self.s
            t0 = time.monotonic()
            if sleep == 0:
                pod.signal(15)                               # SIGTERM at once
            time.sleep(LB_LAG)
            lb.set_state(pod, "drain")                       # deregistration starts
            if sleep:
                # The deregistration delay ends inside the preStop sleep
                # (checked in main): the target is gone before SIGTERM.
                time.sleep(s["dereg"])
                lb.set_state(pod, "maint")
                time.sleep(max(sleep - (time.monotonic() - t0), 0))  # rest of the preStop sleep
                pod.signal(15)                               # then SIGTERM
            result["sigterm_at"] = time.monotonic() - t0
            left = s["grace"] - (time.monotonic() - t0)
            rc = pod.wait(max(left, 0.1))
            lb.set_state(pod, "maint")
            if rc is None:
                pod.popen.kill()                             # SIGKILL at the end of the grace period
                pod.popen.wait()
                result["killed"] = True
            result["rc"] = pod.popen.returncode
            result["exited_at"] = time.monotonic() - t0
            result["done"] = True

        t = threading.Thread(target=run, daemon=True)
        t.start()
        result["thread"] = t
        return result


def wait_available(lb, pod, s):
    """The readiness gate: the proxy's checks pass; then minReadySeconds."""
    t0 = time.monotonic()
    up = wait_until(lambda: (lb.status(lb.slot_of[pod.name]) or "").startswith("UP"),
                    s["hc_interval"] * (s["rise"] + 2) + 10)
    healthy_after = time.monotonic() - t0
    time.sleep(s["min_ready"])
    return up, healthy_after


def check_terminations(rep, cl, what):
    s = cl.s
    for r in cl.terminations:
        r["thread"].join(s["grace"] + 10)
        rep.check("%s: %s exited 0 after SIGTERM at %.1f s, within the %d s grace period (exit at %.1f s)"
                  % (what, r["pod"], r.get("sigterm_at", -1), s["grace"], r.get("exited_at", -1)),
                  r.get("done") and r.get("rc") == 0 and not r.get("killed"), r)
        log = [p for p in cl.procs if p.name == r["pod"]][0].lines()
        rep.check("%s: %s drained (a 'draining' line, no 'connections still open')" % (what, r["pod"]),
                  any('"message":"draining"' in line for line in log)
                  and not any("connections still open" in line for line in log), "\n".join(log[-5:]))
    cl.terminations.clear()


def check_load(rep, load, what):
    rep.note("%s: %d requests (%d creates, %d reads), %d acknowledged creates, %d failures"
             % (what, load.requests, load.creates, load.reads, len(load.acked), len(load.failures)))
    rep.check("%s: load ran throughout (at least 200 requests, its request bound not reached)" % what,
              200 <= load.requests < load.max_requests, load.requests)
    rep.check("%s: 0 failed requests" % what, not load.failures, "\n".join(load.failures[:20]))
    problems = load.verify()
    rep.check("%s: every one of the %d acknowledged creates is readable afterwards"
              % (what, len(load.acked)), not problems and load.acked, "\n".join(problems[:20]))


class Flood:
    """SLOW_CLIENTS connections, each sending a request line and then one
    header byte a second, reconnecting when the other side gives up."""

    def __init__(self, port):
        self.port, self.stop_event = port, threading.Event()
        self.reconnects = 0

    def _open(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: rehearsal\r\nX-Slow: ")
        s.setblocking(False)
        return s

    def _run(self):
        socks = []
        for _ in range(SLOW_CLIENTS):
            try:
                socks.append(self._open())
            except OSError:
                socks.append(None)
        while not self.stop_event.wait(1.0):
            for i, s in enumerate(socks):
                try:
                    if s is None:
                        raise OSError
                    try:
                        if s.recv(4096) == b"":
                            raise OSError   # closed (after a 408, say)
                        raise OSError       # answered: start again
                    except BlockingIOError:
                        pass
                    s.send(b"a")
                except OSError:
                    if s is not None:
                        s.close()
                    self.reconnects += 1
                    try:
                        socks[i] = self._open()
                    except OSError:
                        socks[i] = None
        for s in socks:
            if s is not None:
                s.close()

    def __enter__(self):
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        time.sleep(2)  # all connections open and dripping
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        self.thread.join(30)


def ordinary_latencies(port, timeout):
    """ORDINARY requests, one started every 0.25 s; their durations (None =
    failed or not answered within `timeout` s)."""
    results = [None] * ORDINARY

    def one(i):
        t0 = time.monotonic()
        try:
            st, _, _ = call(port, "GET", "/v1/accounts/1/messages?limit=1", timeout=timeout)
            if st == 200:
                results[i] = time.monotonic() - t0
        except OSError:
            pass

    threads = []
    for i in range(ORDINARY):
        t = threading.Thread(target=one, args=(i,), daemon=True)
        t.start()
        threads.append(t)
        time.sleep(0.25)
    for t in threads:
        t.join(timeout + 5)
    return results


def main():
    work, pg_uri = sys.argv[1], sys.argv[2]
    rep = Report()
    procs = Procs()
    try:
        s = settings()
        rep.note("from k8s/base: preStop sleep %ds, terminationGracePeriodSeconds %d, minReadySeconds %d, "
                 "deregistration delay %ds, health check %s every %ds (rise %d, fall %d), "
                 "MSG_DRAIN_DELAY_MS %s, MSG_REQUEST_TIMEOUT_MS %s, MSG_KEEPALIVE_TIMEOUT_MS %s, MSG_THREADS %s"
                 % (s["prestop"], s["grace"], s["min_ready"], s["dereg"], s["hc_path"], s["hc_interval"],
                    s["rise"], s["fall"], s["config"].get("MSG_DRAIN_DELAY_MS"),
                    s["config"].get("MSG_REQUEST_TIMEOUT_MS"), s["config"].get("MSG_KEEPALIVE_TIMEOUT_MS"),
                    s["config"].get("MSG_THREADS")))
        rep.check("the manifests' order holds: LB lag + deregistration delay < preStop sleep",
                  LB_LAG + s["dereg"] < s["prestop"], s)
        rep.check("the rollout is maxSurge 1 / maxUnavailable 0 (what is rehearsed)",
                  str(s["max_surge"]) == "1" and str(s["max_unavailable"]) == "0", s)

        cl = Cluster(work, s, pg_uri, procs)
        pods = [cl.start_pod() for _ in range(3)]
        lb = HAProxy(work, s, pods)
        chk = subprocess.run(["haproxy", "-c", "-f", lb.cfg], capture_output=True, text=True)
        rep.check("haproxy -c accepts the configuration", chk.returncode == 0, chk.stdout + chk.stderr)
        with open(lb.cfg) as f:
            settings_lines = [l.split("#")[0] for l in f]
        rep.check("the proxy is not told to accept invalid requests",
                  not any("accept-invalid" in l for l in settings_lines))
        if not rep.check("HAProxy is up with 3 msg-server targets", lb.start(procs, work),
                         "\n".join(lb.proc.lines() if hasattr(lb, "proc") else [])):
            return rep
        rep.check("all 3 targets pass the /readyz health check",
                  wait_until(lambda: all((lb.status("s%d" % i) or "").startswith("UP") for i in (1, 2, 3)), 30))
        with socket.create_connection(("127.0.0.1", lb.port), timeout=5) as c:
            c.sendall(b"GET /healthz HTTP/1.1\r\nHost: rehearsal\r\nBad Name: x\r\n\r\n")
            answer = c.recv(4096).decode("latin-1")
        rep.check("the proxy answers 400 to a header name with a space (strict parsing)",
                  answer.startswith("HTTP/1.1 400"), answer[:200])

        # --- rolling update --------------------------------------------------
        load = Load(lb.port, threads=4, pause=0.02, max_requests=100000)
        load.start()
        time.sleep(3)
        t0 = time.monotonic()
        old = list(pods)
        for n, victim in enumerate(old, 1):
            new = cl.start_pod()
            lb.register(new)
            up, after = wait_available(lb, new, s)
            rep.check("rolling update %d/3: new %s passed the health checks (%.1f s) and minReadySeconds"
                      % (n, new.name, after), up and after >= s["hc_interval"] * (s["rise"] - 1) - 1)
            cl.delete_pod(lb, victim)
            pods.append(new)
        check_terminations(rep, cl, "rolling update")
        rep.note("rolling update took %.1f s" % (time.monotonic() - t0))
        load.stop()
        check_load(rep, load, "rolling update")

        # --- HPA-like scale-down: one of the three removed, not replaced --------
        # Meanwhile, to save time, the slow-client flood straight at a msg-server
        # of its own, outside the proxy (reported, not asserted).
        direct = cl.start_pod()
        direct_result = {}

        def flood_direct():
            with Flood(direct.port):
                direct_result["lat"] = ordinary_latencies(direct.port, 15)

        flood_thread = threading.Thread(target=flood_direct, daemon=True)
        flood_thread.start()
        load2 = Load(lb.port, threads=4, pause=0.02, max_requests=100000,
                     account_base=load.account_base + 1000)
        load2.start()
        time.sleep(3)
        live = [p for p in pods if p.alive()]
        rep.check("3 processes serve before the scale-down", len(live) == 3, [p.name for p in live])
        cl.delete_pod(lb, live[-1])
        check_terminations(rep, cl, "scale-down")
        time.sleep(2)
        load2.stop()
        check_load(rep, load2, "scale-down")

        # --- slow clients -------------------------------------------------------
        with Flood(lb.port) as fl:
            lat = ordinary_latencies(lb.port, 15)
        ok = [x for x in lat if x is not None]
        worst = max(ok) if ok else float("nan")
        rep.check("slow-client flood through HAProxy: all %d ordinary requests answered, the slowest in "
                  "%.3f s (bound %.1f s); %d slow connections cut off and reopened"
                  % (ORDINARY, worst, SLOW_BOUND, fl.reconnects),
                  len(ok) == ORDINARY and worst <= SLOW_BOUND, lat)
        flood_thread.join(60)
        ok = sorted(x for x in direct_result.get("lat", []) if x is not None)
        rep.note("the same flood straight to one msg-server (threads %s + queue %s < %d connections), "
                 "reported only: %d of %d ordinary requests answered within 15 s%s"
                 % (s["config"].get("MSG_THREADS"), s["config"].get("MSG_CONNECTION_QUEUE"), SLOW_CLIENTS,
                    len(ok), ORDINARY,
                    " (median %.2f s, slowest %.2f s, %d over %.1f s)"
                    % (ok[len(ok) // 2], ok[-1], sum(1 for x in ok if x > SLOW_BOUND), SLOW_BOUND)
                    if ok else ""))

        # --- negative: the same deletion without the shutdown settings --------
        # No preStop sleep and MSG_DRAIN_DELAY_MS=0: the process closes its
        # listener at once while the load balancer still sends to it for
        # LB_LAG. The load driver must see failed requests, or the checks above
        # could not have failed either.
        careless = cl.start_pod(MSG_DRAIN_DELAY_MS="0")
        lb.register(careless)
        up, _ = wait_available(lb, careless, dict(s, min_ready=0))
        load3 = Load(lb.port, threads=4, pause=0.005, max_requests=100000,
                     account_base=load.account_base + 2000)
        load3.start()
        time.sleep(2)
        cl.delete_pod(lb, careless, prestop=0)
        for r in cl.terminations:
            r["thread"].join(s["grace"] + 10)
        cl.terminations.clear()
        time.sleep(1)
        load3.stop()
        rep.check("negative: without preStop sleep and drain delay, requests fail (%d of %d)"
                  % (len(load3.failures), load3.requests), up and load3.failures,
                  "no failure seen: the rehearsal could not tell good settings from bad")
    finally:
        procs.stop_all()
    return rep


if __name__ == "__main__":
    r = main()
    print("rehearsal: %d passed, %d failed" % (r.passed, r.failed))
    sys.exit(1 if r.failed else 0)
