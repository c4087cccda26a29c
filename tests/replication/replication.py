"""The replication stage: read replicas, failover and PgBouncer, on real
PostgreSQL 15 servers started for the run (see README.md beside this file).

    python3 replication.py BUILD_DIR WORK_DIR

Prints one line per check ("ok - name" or "not ok - name: why"), a few
"note:" lines with measured figures, and ends with "N passed, N failed".
Exit status 0 only when every check passed.
"""
import json
import os
import signal
import subprocess
import sys
import time
import traceback
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab as L  # noqa: E402

# The failover bound the docs promise (docs/scaling.md): creates answer
# again within this many seconds of the primary's crash, with the standby
# promoted at once and --db-timeout-ms 2000. Measured gaps are well under
# 1 s on loopback; the bound leaves room for a loaded machine.
FAILOVER_BOUND_S = 5.0

READ_ROUTES = ("/v1/accounts/{account_id}/messages", "/v1/messages/{message_id}", "/v1/messages",
               "/v1/get/messages/{account_id}", "/v1/search")

passed = failed = 0


def check(name, ok, why=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok - " + name, flush=True)
    else:
        failed += 1
        print("not ok - %s: %s" % (name, why), flush=True)
    return ok


def note(text):
    print("note: " + text, flush=True)


def until(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def ids_of(payload):
    return [m["message_id"] for m in payload["data"]]


def reads(lab):
    primary = lab.primary("reads-primary")
    standby = lab.standby("reads-standby", primary)
    # The schema is made by the first open of the primary; a read store can
    # only open once the replica has replayed it (docs/scaling.md).
    lab.server("--database", primary.uri).stop()
    if not standby.wait_sql("SELECT to_regclass('messages') IS NOT NULL", "t", 30):
        raise RuntimeError("the replica did not replay the schema")
    srv = lab.server("--database", primary.uri, "--read-database", standby.uri,
                     "--db-timeout-ms", "2000")
    PRIMARY = {"Read-From": "primary"}

    account = L.new_account()
    status, _, made = srv.create(account)
    before_read = srv.metric("msg_reads_total", store="read")
    before_primary = srv.metric("msg_reads_total", store="primary")
    seen = until(lambda: srv.request("GET", "/v1/messages/" + made["message_id"])[0] == 200, 10)
    check("reads: a create lands on the primary and is read back from the replica",
          status == 201 and seen and srv.metric("msg_reads_total", store="read") > before_read
          and srv.metric("msg_reads_total", store="primary") == before_primary,
          "create %s, seen on the replica %s" % (status, seen))

    standby.sql("SELECT pg_wal_replay_pause()")
    t0 = time.monotonic()
    status, _, lagging = srv.create(account)
    took = time.monotonic() - t0
    check("reads: a replica that falls behind does not stall creates",
          status == 201 and took < 1.0, "status %s in %.3f s" % (status, took))
    path = "/v1/messages/" + lagging["message_id"]
    on_replica = srv.request("GET", path)[0]
    on_primary = srv.request("GET", path, headers=PRIMARY)[0]
    listed = srv.request("GET", "/v1/accounts/%d/messages" % account, headers=PRIMARY)[2]
    old_list = srv.request("GET", "/v1/get/messages/%d" % account, headers=PRIMARY)[2]
    old_replica = srv.request("GET", "/v1/get/messages/%d" % account)[2]
    found = srv.request("GET", "/v1/messages?account_id=%d" % account, headers=PRIMARY)[2]
    check("reads: Read-From: primary reads a write the replica does not have yet",
          on_replica == 404 and on_primary == 200 and ids_of(listed)[0] == lagging["message_id"]
          and old_list[0]["message_id"] == lagging["message_id"]
          and lagging["message_id"] not in [m["message_id"] for m in old_replica]
          and ids_of(found)[0] == lagging["message_id"],
          "replica %s, primary %s" % (on_replica, on_primary))
    standby.sql("SELECT pg_wal_replay_resume()")
    check("reads: the replica catches up once replay resumes",
          until(lambda: srv.request("GET", path)[0] == 200, 10), "still 404 after 10 s")

    bad = [srv.request("GET", p, headers={"Read-From": "nearest"})
           for p in ("/v1/accounts/%d/messages" % account, path, "/v1/get/messages/%d" % account,
                     "/v1/search?sender_number=%2B123456")]
    check("reads: a Read-From other than primary or replica is 400 naming the header",
          all(s == 400 and h.get("Content-Type", "").startswith("application/problem+json")
              and b["errors"][0]["field"] == "Read-From" for s, h, b in bad),
          "got %s" % [s for s, _, _ in bad])

    walker = L.new_account()
    for _ in range(23):
        srv.create(walker)
    truth = ids_of(srv.request("GET", "/v1/accounts/%d/messages?limit=100" % walker,
                               headers=PRIMARY)[2])
    until(lambda: ids_of(srv.request("GET", "/v1/accounts/%d/messages?limit=100" % walker)[2])
          == truth, 10)
    walked, cursor = [], None
    while True:
        q = "/v1/accounts/%d/messages?limit=5" % walker + ("&cursor=" + cursor if cursor else "")
        page = srv.request("GET", q)[2]
        walked += ids_of(page)
        srv.create(walker)  # newer than every position: never inside the walk
        cursor = page["next_cursor"]
        if not cursor:
            break
    check("reads: a keyset walk on the replica neither repeats nor skips while creates go on",
          walked == truth, "walked %d, primary has %d" % (len(walked), len(truth)))

    standby.stop()
    t0 = time.monotonic()
    creates = [srv.create(account)[0] for _ in range(10)]
    create_s = time.monotonic() - t0
    check("reads: a stopped replica does not stall creates (asynchronous replication)",
          creates == [201] * 10 and create_s < 2.0, "%s in %.3f s" % (creates, create_s))
    t0 = time.monotonic()
    got = [srv.request("GET", "/v1/accounts/%d/messages" % account)[0] for _ in range(10)]
    read_s = time.monotonic() - t0
    status, _, ready = srv.request("GET", "/readyz")
    check("reads: a stopped replica sends reads to the primary; /readyz stays 200 and says so",
          got == [200] * 10 and status == 200 and ready.get("read_store") == "down"
          and srv.metric("msg_read_fallbacks_total") >= 1 and srv.metric("msg_read_db_up") == 0,
          "reads %s, readyz %s %s" % (got, status, ready))
    note("10 reads with the replica stopped took %.3f s" % read_s)
    standby.start()
    back = until(lambda: srv.request("GET", "/readyz")[2].get("read_store") == "up", 15)
    before = srv.metric("msg_reads_total", store="read")
    srv.request("GET", "/v1/accounts/%d/messages" % account)
    check("reads: a restarted replica takes reads again",
          back and srv.metric("msg_read_db_up") == 1
          and srv.metric("msg_reads_total", store="read") == before + 1, "readyz up: %s" % back)

    pg_cluster = os.path.join(L.ROOT, "scripts", "pg-cluster")
    subprocess.run([pg_cluster, "freeze", standby.dir], check=True)
    try:
        t0 = time.monotonic()
        status, _, ready = srv.request("GET", "/readyz")
        probe_s = time.monotonic() - t0
        # The watcher's ping gives up after 1.5 x --db-timeout-ms + 100 ms.
        out = until(lambda: srv.request("GET", "/readyz")[2].get("read_store") == "down", 10)
        t0 = time.monotonic()
        got = [srv.request("GET", "/v1/accounts/%d/messages" % account)[0] for _ in range(5)]
        read_s = time.monotonic() - t0
    finally:
        subprocess.run([pg_cluster, "thaw", standby.dir], check=True)
    check("reads: a frozen replica never holds /readyz, and is then taken out of reads",
          status == 200 and probe_s < 1.0 and out and got == [200] * 5 and read_s < 1.0,
          "readyz %s in %.3f s, taken out %s, reads %s in %.3f s"
          % (status, probe_s, out, got, read_s))
    until(lambda: srv.request("GET", "/readyz")[2].get("read_store") == "up", 15)

    with open(os.path.join(L.ROOT, "server", "openapi.json")) as f:
        spec = json.load(f)
    documented = []
    for route in READ_ROUTES:
        params = spec["paths"][route]["get"].get("parameters", [])
        params += spec["paths"][route].get("parameters", [])
        resolved = [spec["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]]
                    if "$ref" in p else p for p in params]
        documented.append(any(p["in"] == "header" and p["name"] == "Read-From" for p in resolved))
    check("reads: openapi.json documents Read-From on every read operation", all(documented),
          dict(zip(READ_ROUTES, documented)))
    srv.stop()
    return primary


def failover(lab, synchronous):
    kind = "synchronous" if synchronous else "asynchronous"
    f = L.run_failover(lab, "sync" if synchronous else "async", synchronous)
    note("failover (%s replication): %d creates acknowledged, %d refused (statuses %s); "
         "creates answered again %.2f s after the primary crashed (the standby was promoted at "
         "once; pg_ctl promote took %.2f s); acknowledged creates missing on the new primary: %d"
         % (kind, f["acknowledged"], f["failed"], f["statuses"], f["gap_s"] or -1,
            f["promote_s"], f["lost"]))
    check("failover (%s): creates in the gap get 503 with Retry-After, never 500" % kind,
          f["failed"] > 0 and set(f["statuses"]) <= {503} and f["failures_without_retry_after"] == 0,
          "statuses %s, %d without Retry-After" % (f["statuses"], f["failures_without_retry_after"]))
    check("failover (%s): the new primary is found without a restart within %.0f s"
          % (kind, FAILOVER_BOUND_S),
          f["resumed"] and f["gap_s"] is not None and f["gap_s"] <= FAILOVER_BOUND_S,
          "resumed %s, gap %s" % (f["resumed"], f["gap_s"]))
    if synchronous:
        check("failover (synchronous): nothing acknowledged is lost",
              f["acknowledged"] > 0 and f["lost"] == 0,
              "%d of %d acknowledged creates missing" % (f["lost"], f["acknowledged"]))
        # The count above must be able to see a loss: one id never stored.
        never = str(uuid.uuid4())
        counted = L.missing_ids(f["new_primary"], f["acked_ids"][:50] + [never])
        check("failover (negative): the loss count finds an acknowledged id the new primary lacks",
              counted == 1, "counted %d" % counted)


def bouncer(lab, cluster):
    uri = lab.bouncer("bouncer", cluster)
    conformance = os.path.join(lab.build, "tests", "conformance", "conformance")
    pooled = uri + "?application_name=libmsg-conformance&pooler=transaction&sslmode=disable"
    done = subprocess.run([conformance, pooled], capture_output=True, text=True, timeout=300)
    tail = (done.stdout + done.stderr).strip().splitlines()[-1:]
    check("pgbouncer: the conformance suite passes in transaction mode with pooler=transaction",
          done.returncode == 0, tail)
    done = subprocess.run([conformance, uri], capture_output=True, text=True, timeout=300)
    out = done.stdout + done.stderr
    check("pgbouncer (negative): without pooler=transaction named statements break there",
          done.returncode != 0 and ("42P05" in out or "26000" in out),
          "exit %d" % done.returncode)
    for bad in ("?pooler=session", "?pooler=transaction&pooler=none"):
        done = subprocess.run([lab.binary, "--listen", "127.0.0.1:0", "--database", uri + bad],
                              capture_output=True, text=True, timeout=30)
        check("pgbouncer: %s stops start-up naming --database and pooler" % bad,
              done.returncode == 2 and "--database" in done.stderr and "pooler" in done.stderr,
              "exit %d: %s" % (done.returncode, done.stderr.strip()))
    srv = lab.server("--database", uri + "?pooler=transaction", "--pool-size", "6")
    account = L.new_account()
    numbers = (L.new_number(), L.new_number())
    first = srv.create(account, key="through-bouncer", body="über den Türsteher", numbers=numbers)
    again = srv.create(account, key="through-bouncer", body="über den Türsteher", numbers=numbers)
    got = srv.request("GET", "/v1/messages/" + first[2]["message_id"])[0]
    found = srv.request("GET", "/v1/messages?account_id=%d&q=T%%C3%%BCRSTEHER" % account)[2]
    check("pgbouncer: msg-server creates, replays, gets and searches through it",
          first[0] == 201 and again[0] == 200 and got == 200
          and ids_of(found) == [first[2]["message_id"]],
          "create %s, replay %s, get %s, search %s" % (first[0], again[0], got, found))
    srv.stop()


def main():
    build, work = sys.argv[1], sys.argv[2]
    # A stage timeout (run.sh) sends SIGTERM: unwind so that everything stops.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    lab = L.Lab(work, build)
    started = time.monotonic()
    try:
        for part in (lambda: bouncer(lab, reads(lab)), lambda: failover(lab, True),
                     lambda: failover(lab, False)):
            try:
                part()
            except Exception as e:  # a part that breaks is a failed check, not a crash
                traceback.print_exc()
                check("part finished", False, repr(e))
    finally:
        lab.close()
    # A sanitizer report or a hang in the drain shows here (ASan builds abort).
    statuses = [s.exit_status for s in lab.servers]
    check("every msg-server drained and exited 0 on SIGTERM", statuses and set(statuses) == {0},
          "exit statuses %s" % statuses)
    note("took %.1f s" % (time.monotonic() - started))
    print("%d passed, %d failed" % (passed, failed), flush=True)
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
