"""The pieces the replication tests and bench/replication.py build with.

A `Lab` is one temporary directory holding everything a run starts: PostgreSQL
clusters (primaries and `pg_basebackup -R` standbys, through scripts/pg-cluster),
PgBouncers and msg-server processes, all on free loopback ports. `Lab.close`
stops every one of them, whatever state the run ended in; the entry script
(run.sh) does the same again from the files left in the directory, in case
this process itself was killed.

`CreateLoad` drives creates from several threads, each on its own keep-alive
connection, and keeps every answer with its time, so a test can tell exactly
which creates were acknowledged and when service stopped and resumed.
"""
import http.client
import json
import os
import signal
import subprocess
import threading
import time
import random

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PG_CLUSTER = os.path.join(ROOT, "scripts", "pg-cluster")

_rng = random.SystemRandom()


def new_account():
    return _rng.randrange(10**12, 2**53 - 1)


def new_number():
    return "+" + str(_rng.randrange(10**14, 10**15))


def pg(*args):
    """Runs scripts/pg-cluster; returns its output, stripped."""
    done = subprocess.run([PG_CLUSTER, *args], capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError("pg-cluster %s failed: %s" % (" ".join(args), done.stderr.strip()))
    return done.stdout.strip()


class Cluster:
    def __init__(self, lab, name):
        self.dir = os.path.join(lab.dir, name)
        self.name = name

    @property
    def port(self):
        with open(os.path.join(self.dir, "port")) as f:
            return int(f.read())

    @property
    def hostport(self):
        return "127.0.0.1:%d" % self.port

    @property
    def uri(self):
        return "postgresql://postgres@%s/msgtest" % self.hostport

    def sql(self, statement, database="msgtest"):
        return pg("sql", self.dir, database, statement)

    def wait_sql(self, statement, want, seconds=30, database="msgtest"):
        """Polls `statement` until it prints `want`; False after `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if self.sql(statement, database) == want:
                    return True
            except RuntimeError:
                pass
            time.sleep(0.1)
        return False

    def stop(self):
        pg("stop", self.dir)

    def start(self):
        pg("start-only", self.dir)

    def crash(self):
        pg("crash", self.dir)

    def promote(self):
        pg("promote", self.dir)


class Server:
    """A msg-server on a free loopback port; its log lines are kept."""

    def __init__(self, lab, binary, args):
        self.lab = lab
        self.lines = []
        self.proc = subprocess.Popen([binary, "--listen", "127.0.0.1:0", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        with open(os.path.join(lab.dir, "msg-server-%d.pid" % self.proc.pid), "w") as f:
            f.write(str(self.proc.pid))
        self.port = None
        deadline = time.monotonic() + 30
        while self.port is None:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("msg-server exited: " + "".join(self.lines[-5:]))
            self.lines.append(line)
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("message") == "listening":
                self.port = entry["port"]
            if time.monotonic() > deadline:
                raise RuntimeError("msg-server did not report its port")
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        for line in self.proc.stdout:
            self.lines.append(line)

    def request(self, method, path, body=None, headers=None, timeout=30):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            h = dict(headers or {})
            data = None
            if body is not None:
                data = json.dumps(body).encode()
                h["Content-Type"] = "application/json"
            conn.request(method, path, body=data, headers=h)
            r = conn.getresponse()
            raw = r.read()
            try:
                payload = json.loads(raw) if raw else None
            except ValueError:
                payload = raw.decode(errors="replace")
            return r.status, r.headers, payload
        finally:
            conn.close()

    def create(self, account, key=None, body=None, headers=None, numbers=None):
        h = dict(headers or {})
        if key:
            h["Idempotency-Key"] = key
        sender, receiver = numbers or (new_number(), new_number())
        return self.request("POST", "/v1/accounts/%d/messages" % account,
                            {"sender_number": sender, "receiver_number": receiver,
                             "body": body}, h)

    def metric(self, name, **labels):
        _, _, text = self.request("GET", "/metrics")
        want = ",".join('%s="%s"' % kv for kv in sorted(labels.items()))
        for line in text.splitlines():
            head, _, value = line.rpartition(" ")
            metric_name, _, rest = head.partition("{")
            have = ",".join(sorted(rest.rstrip("}").split(","))) if rest else ""
            if metric_name == name and have == want:
                return float(value)
        return None

    def stop(self):
        """Stops the server with SIGTERM (a drain); its exit status is kept
        in `exit_status` (None: had to be killed)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self.exit_status = None
        if not hasattr(self, "exit_status"):
            self.exit_status = self.proc.returncode
        try:
            os.unlink(os.path.join(self.lab.dir, "msg-server-%d.pid" % self.proc.pid))
        except FileNotFoundError:
            pass


class Lab:
    def __init__(self, directory, build_dir):
        self.dir = directory
        self.build = build_dir
        self.binary = os.path.join(build_dir, "server", "msg-server")
        self.clusters, self.bouncers, self.servers = [], [], []
        # Below the kernel's ephemeral range (32768-60999), where a client
        # connection's port could look free to pg-cluster and still be taken.
        self._next_port = 20000 + (os.getpid() % 300) * 40

    def port(self):
        """A start for pg-cluster's free-port search, different for each piece."""
        self._next_port += 1
        return str(self._next_port)

    def primary(self, name):
        c = Cluster(self, name)
        self.clusters.append(c)
        pg("start", c.dir, self.port())
        return c

    def standby(self, name, primary):
        c = Cluster(self, name)
        self.clusters.append(c)
        pg("standby", c.dir, primary.dir, self.port())
        return c

    def bouncer(self, name, cluster):
        d = os.path.join(self.dir, name)
        self.bouncers.append(d)
        return pg("bouncer", d, cluster.dir, self.port())

    def server(self, *args):
        s = Server(self, self.binary, [*args, "--drain-delay-ms", "0"])
        self.servers.append(s)
        return s

    def close(self):
        for s in self.servers:
            s.stop()
        for d in self.bouncers:
            try:
                pg("bouncer-stop", d)
            except RuntimeError:
                pass
        for c in self.clusters:
            try:
                c.crash()  # nothing to keep: the fastest stop
            except RuntimeError:
                pass


def sync_pair(lab, prefix, synchronous):
    """A primary and one standby; with `synchronous` the primary waits for
    the standby to flush each commit before answering it.

    The setting is made after the base backup, so that only the primary has
    it: a promoted standby that still named synchronous standbys, with none
    left to answer, would hold every commit forever (the failover manager's
    job in production, see docs/scaling.md)."""
    primary = lab.primary(prefix + "-primary")
    standby = lab.standby(prefix + "-standby", primary)
    if synchronous:
        primary.sql("ALTER SYSTEM SET synchronous_standby_names = '*'", "postgres")
        primary.sql("ALTER SYSTEM SET synchronous_commit = 'on'", "postgres")
        primary.sql("SELECT pg_reload_conf()", "postgres")
    want = "sync" if synchronous else "async"
    if not primary.wait_sql("SELECT sync_state FROM pg_stat_replication", want, 30, "postgres"):
        raise RuntimeError("the standby of %s is not streaming (%s)" % (prefix, want))
    return primary, standby


class CreateLoad:
    """Creates from `threads` threads until stopped. Each answer is kept as
    (monotonic time of the answer, status, Retry-After header or None,
    message id or None, monotonic time the request was sent)."""

    def __init__(self, server, threads=4):
        self.server = server
        self.results = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def __enter__(self):
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self._stop.set()
        for t in self._threads:
            t.join(timeout=60)

    def _run(self):
        account = new_account()
        conn = None
        while not self._stop.is_set():
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
            body = json.dumps({"sender_number": new_number(), "receiver_number": new_number(),
                               "body": "failover"}).encode()
            sent = time.monotonic()
            try:
                conn.request("POST", "/v1/accounts/%d/messages" % account, body=body,
                             headers={"Content-Type": "application/json"})
                r = conn.getresponse()
                raw = r.read()
                status, retry = r.status, r.headers.get("Retry-After")
                mid = json.loads(raw)["message_id"] if status in (200, 201) else None
            except (OSError, http.client.HTTPException, ValueError):
                status, retry, mid = 0, None, None  # no answer: not acknowledged
                conn.close()
                conn = None
            with self._lock:
                self.results.append((time.monotonic(), status, retry, mid, sent))
            if status != 201:
                time.sleep(0.02)
        if conn is not None:
            conn.close()

    def snapshot(self):
        with self._lock:
            return list(self.results)


def missing_ids(cluster, ids):
    """How many of `ids` the cluster's messages table lacks."""
    if not ids:
        return 0
    found = 0
    ids = list(ids)
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        array = "ARRAY[%s]::uuid[]" % ",".join("'%s'" % x for x in chunk)
        found += int(cluster.sql("SELECT count(*) FROM messages WHERE message_id = ANY(%s)" % array))
    return len(ids) - found


def run_failover(lab, prefix, synchronous, db_timeout_ms=2000, before_s=1.5, deadline_s=40):
    """Crashes the primary under a create load, promotes the standby and
    measures. Returns a dict of figures (times in seconds)."""
    primary, standby = sync_pair(lab, prefix, synchronous)
    uri = ("postgresql://postgres@%s,%s/msgtest?target_session_attrs=read-write"
           % (primary.hostport, standby.hostport))
    server = lab.server("--database", uri, "--db-timeout-ms", str(db_timeout_ms))
    with CreateLoad(server) as load:
        time.sleep(before_s)
        primary.crash()
        # pg_ctl returns once the server is gone; until then it still answered.
        t_crash = time.monotonic()
        t_promote = t_crash
        standby.promote()
        t_promoted = time.monotonic()
        resumed = None
        end = t_crash + deadline_s
        while time.monotonic() < end:
            after = [r for r in load.snapshot() if r[0] > t_promoted and r[1] == 201]
            if len(after) >= 20:
                resumed = after[0][0]
                break
            time.sleep(0.05)
        time.sleep(0.3)
    results = load.snapshot()
    acked = [r[3] for r in results if r[1] in (200, 201)]
    failed = [r for r in results if r[1] not in (200, 201)]
    # Service is back with the first create sent after the crash and
    # acknowledged: only the new primary can have answered it.
    resumed_any = min((r[0] for r in results if r[4] > t_crash and r[1] == 201), default=None)
    figures = {
        "acknowledged": len(acked),
        "failed": len(failed),
        "statuses": sorted({r[1] for r in failed}),
        "failures_without_retry_after": sum(1 for r in failed if r[1] == 503 and not r[2]),
        "promote_s": t_promoted - t_promote,
        "gap_s": (resumed_any - t_crash) if resumed_any else None,
        "resumed": resumed is not None,
        "lost": missing_ids(standby, acked),
        "acked_ids": acked,
        "new_primary": standby,
    }
    server.stop()
    return figures
