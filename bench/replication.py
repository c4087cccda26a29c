"""bench/run --replication: what read replicas and failover give msg-server.

    python3 bench/replication.py --build DIR [--messages N] [--seconds S] [--clients C]

Starts a private primary and one streaming standby (pg_basebackup -R, through
scripts/pg-cluster, as tests/replication does), loads N messages with
msg-bench, then measures with wrk:

  1. read scaling: list and search throughput of one msg-server with every
     read on the primary, then of one with --read-database on the standby;
  2. failover: the time from a crash of the primary (pg_ctl -m immediate),
     with the standby promoted at once, until creates are answered again,
     with synchronous and with asynchronous replication, and how many
     acknowledged creates the new primary lacks.

Every figure is printed with the command that produced it. Everything it
started is stopped at the end. Not run by the test suite.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "replication"))
import lab as L  # noqa: E402


def wrk(server, script, accounts, seconds, clients):
    cmd = ["wrk", "-t2", "-c%d" % clients, "-d%ds" % seconds, "--timeout", "10s",
           "-s", os.path.join(ROOT, "bench", "http", script), "http://127.0.0.1:%d" % server.port]
    done = subprocess.run(cmd, capture_output=True, text=True,
                          env=dict(os.environ, BENCH_ACCOUNTS=str(accounts)), timeout=seconds + 60)
    line = [x for x in done.stdout.splitlines() if x.startswith("{")]
    if done.returncode != 0 or not line:
        raise RuntimeError("wrk failed: " + done.stderr)
    r = json.loads(line[-1])
    errors = r["status_errors"] + r["connect_errors"] + r["read_errors"] + r["write_errors"]
    rate = r["requests"] / (r["duration_us"] / 1e6)
    return "BENCH_ACCOUNTS=%d %s" % (accounts, " ".join(cmd)), rate, r["p99_us"] / 1000.0, errors


def read_scaling(lab, args):
    primary = lab.primary("bench-primary")
    standby = lab.standby("bench-standby", primary)
    accounts = max(args.messages // 1000, 10)
    bench = os.path.join(lab.build, "bench", "msg-bench")
    cmd = [bench, "load", "--uri", primary.uri, "--messages", str(args.messages),
           "--accounts", str(accounts)]
    print("load: " + " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, capture_output=True, timeout=1800)
    lsn = primary.sql("SELECT pg_current_wal_lsn()", "postgres")
    if not standby.wait_sql("SELECT pg_last_wal_replay_lsn() >= '%s'" % lsn, "t", 300, "postgres"):
        raise RuntimeError("the standby did not catch up")
    primary.sql("VACUUM ANALYZE messages")
    common = ["--threads", "64", "--pool-size", str(args.clients)]
    rows = []
    for label, extra in (("reads on the primary", []),
                         ("reads on one replica", ["--read-database", standby.uri])):
        srv = lab.server("--database", primary.uri, *extra, *common)
        server_cmd = "msg-server --database PRIMARY %s%s" % (
            "--read-database REPLICA " if extra else "", " ".join(common))
        for script in ("list.lua", "search.lua"):
            wrk(srv, script, accounts, 1, args.clients)  # warm the pool and the caches
            command, rate, p99, errors = wrk(srv, script, accounts, args.seconds, args.clients)
            rows.append((label, script[:-4], rate, p99, errors))
            print("%-22s %-6s %8.0f req/s  p99 %6.2f ms  errors %d\n    server: %s\n    load:   %s"
                  % (label, script[:-4], rate, p99, errors, server_cmd, command), flush=True)
        if extra:
            print("    reads answered by the replica: %d, by the primary: %d"
                  % (srv.metric("msg_reads_total", store="read"),
                     srv.metric("msg_reads_total", store="primary")), flush=True)
        srv.stop()
    return rows


def failover(lab):
    for synchronous in (True, False):
        f = L.run_failover(lab, "bench-sync" if synchronous else "bench-async", synchronous)
        print("failover, %s replication: creates answered again %.2f s after the crash "
              "(pg_ctl promote %.2f s); %d acknowledged, %d refused with 503; acknowledged but "
              "missing on the new primary: %d\n    command: msg-server --database "
              "'postgresql://postgres@PRIMARY,STANDBY/msgtest?target_session_attrs=read-write' "
              "--db-timeout-ms 2000, 4 create loops, then pg-cluster crash PRIMARY; pg-cluster "
              "promote STANDBY"
              % ("synchronous" if synchronous else "asynchronous", f["gap_s"] or -1,
                 f["promote_s"], f["acknowledged"], f["failed"], f["lost"]), flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", required=True)
    p.add_argument("--messages", type=int, default=100000)
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--clients", type=int, default=8)
    args = p.parse_args()
    work = tempfile.mkdtemp(prefix="msg-bench-replication.")
    os.chmod(work, 0o755)
    lab = L.Lab(work, os.path.abspath(args.build))
    started = time.monotonic()
    try:
        print("load average before: %s" % open("/proc/loadavg").read().strip(), flush=True)
        read_scaling(lab, args)
        failover(lab)
    finally:
        lab.close()
        subprocess.run(["rm", "-rf", work])
    print("took %.0f s" % (time.monotonic() - started))


if __name__ == "__main__":
    main()
