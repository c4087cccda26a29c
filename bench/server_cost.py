#!/usr/bin/env python3
"""msg-server's own cost per request, for `bench/run --server-cost`.

bench/run starts PostgreSQL, loads the data set and starts msg-server; this
script does the measuring against that running server so that every figure
of one operation comes from the same minute on the same machine:

  1. pgbench runs the statement msg-server sends (bench/pgbench/*.sql) with
     the same number of clients: the database's own ceiling;
  2. wrk -t1 -cN drives msg-server while /proc/PID/stat is read before and
     after: user and system CPU of the whole process (every thread) per
     request;
  3. a second, shorter wrk run under `strace -c -f -p PID`: system calls per
     request by name. strace slows the server down, so this run's request
     count is its own and its rate is not reported.

The operations are list-100 (GET the newest 100 messages of a random
account) and create (POST one message). It prints one line per operation
and check, writes server-cost.json and server-cost.md (the table for
docs/benchmarks.md) into --out, and exits non-zero when a run failed
(errors, no requests, strace missing).
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

TICKS = os.sysconf("SC_CLK_TCK")

# operation -> (wrk script, extra environment, pgbench script, LIMIT rewrite)
OPERATIONS = {
    "list-100": ("list.lua", {"BENCH_LIMIT": "100"}, "list.sql", ("LIMIT 51", "LIMIT 101")),
    "create": ("create.lua", {}, "create.sql", None),
}


def cpu_ticks(pid):
    """utime and stime of the process (all its threads), in clock ticks."""
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    # The command name may hold spaces: fields start after its closing ')'.
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[11]), int(fields[12])


def run_wrk(bench_dir, script, env_extra, accounts, clients, seconds, port):
    env = dict(os.environ, BENCH_ACCOUNTS=str(accounts), **env_extra)
    out = subprocess.run(
        ["wrk", "-t1", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s",
         "-s", os.path.join(bench_dir, "http", script), f"http://127.0.0.1:{port}"],
        env=env, capture_output=True, text=True)
    lines = [l for l in out.stdout.splitlines() if l.startswith('{"requests"')]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"wrk {script} failed: {out.stdout}{out.stderr}")
    r = json.loads(lines[-1])
    errors = sum(r[k] for k in ("status_errors", "connect_errors", "read_errors",
                                "write_errors", "timeouts"))
    return r["requests"], r["duration_us"] / 1e6, errors, r["p99_us"]


def run_pgbench(bench_dir, script, rewrite, accounts, clients, seconds, uri):
    with open(os.path.join(bench_dir, "pgbench", script)) as f:
        sql = f.read()
    if rewrite:
        if rewrite[0] not in sql:
            raise RuntimeError(f"{script} has no '{rewrite[0]}' to turn into '{rewrite[1]}'")
        sql = sql.replace(rewrite[0], rewrite[1])
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as tmp:
        tmp.write(sql)
    try:
        out = subprocess.run(
            ["pgbench", "-n", "-M", "prepared", "-c", str(clients), "-j", "1",
             "-T", str(seconds), "-D", f"accounts={accounts}", "-f", tmp.name, uri],
            capture_output=True, text=True)
    finally:
        os.unlink(tmp.name)
    tps = re.search(r"^tps = ([0-9.]+)", out.stdout, re.M)
    failed = re.search(r"^number of failed transactions: (\d+)", out.stdout, re.M)
    if out.returncode != 0 or not tps:
        raise RuntimeError(f"pgbench {script} failed: {out.stdout}{out.stderr}")
    return float(tps.group(1)), int(failed.group(1)) if failed else 0


def parse_strace(path):
    """strace -c's table as {syscall: calls}, plus {syscall: errors}."""
    calls, errors = {}, {}
    row = re.compile(r"^\s*[0-9.]+\s+[0-9.]+\s+\d+\s+(\d+)\s+(\d+)?\s*(\w+)\s*$")
    with open(path) as f:
        for line in f:
            m = row.match(line)
            if m and m.group(3) != "total":
                calls[m.group(3)] = int(m.group(1))
                errors[m.group(3)] = int(m.group(2) or 0)
    return calls, errors


def run_strace(pid, wrk_args, workdir):
    path = os.path.join(workdir, "strace.txt")
    tracer = subprocess.Popen(["strace", "-c", "-f", "-qq", "-o", path, "-p", str(pid)],
                              stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)  # attaching to every thread takes a moment
    if tracer.poll() is not None:
        raise RuntimeError(f"strace could not attach: {tracer.stderr.read()}")
    try:
        requests, _, errors, _ = run_wrk(*wrk_args)
    finally:
        tracer.send_signal(signal.SIGINT)
        tracer.wait(timeout=30)
    calls, failures = parse_strace(path)
    if not calls:
        raise RuntimeError("strace wrote no summary")
    return requests, errors, calls, failures


def markdown(rows, meta):
    out = [f"Command: `{meta['command']}`; {meta['messages']} messages, "
           f"{meta['accounts']} accounts, {meta['clients']} clients, {meta['seconds']} s per run; "
           f"load average before {meta['load_before']}, after {meta['load_after']}.", "",
           "| operation | msg-server req/s | pgbench tps | ratio | user µs/req | system µs/req "
           "| CPU µs/req | p99 ms | syscalls/req |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        out.append(f"| {r['op']} | {r['rps']:.0f} | {r['pgbench_tps']:.0f} | {r['ratio']:.2f} "
                   f"| {r['user_us']:.1f} | {r['system_us']:.1f} | {r['cpu_us']:.1f} "
                   f"| {r['p99_us'] / 1000:.1f} | {r['syscalls_per_req']:.1f} |")
    out.append("")
    out.append("System calls per request by name (strace -c -f -p PID; calls that failed in parentheses):")
    out.append("")
    out.append("| operation | " + " | ".join(["calls per request"]) + " |")
    out.append("|---|---|")
    for r in rows:
        parts = []
        for name, n in sorted(r["syscalls"].items(), key=lambda kv: -kv[1]):
            if n < 0.05:
                continue
            err = r["syscall_errors"].get(name, 0)
            parts.append(f"{name} {n:.2f}" + (f" ({err:.2f} failed)" if err >= 0.05 else ""))
        out.append(f"| {r['op']} | " + ", ".join(parts) + " |")
    return "\n".join(out) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--pg-uri", required=True, help="msg-server's own database")
    p.add_argument("--accounts", type=int, required=True)
    p.add_argument("--messages", type=int, required=True)
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--strace-seconds", type=int, default=5)
    p.add_argument("--ops", default="list-100,create")
    p.add_argument("--out", required=True)
    p.add_argument("--command", default="bench/run --server-cost")
    a = p.parse_args()
    bench_dir = os.path.dirname(os.path.abspath(__file__))
    load_before = round(os.getloadavg()[0], 2)
    rows, failed = [], 0
    for op in a.ops.split(","):
        if op not in OPERATIONS:
            print(f"FAIL {op}: unknown operation (known: {', '.join(OPERATIONS)})")
            failed += 1
            continue
        script, env_extra, sql, rewrite = OPERATIONS[op]
        try:
            tps, pg_failed = run_pgbench(bench_dir, sql, rewrite, a.accounts, a.clients,
                                         a.seconds, a.pg_uri)
            wrk_args = (bench_dir, script, env_extra, a.accounts, a.clients, a.seconds, a.port)
            u0, s0 = cpu_ticks(a.pid)
            requests, duration, errors, p99 = run_wrk(*wrk_args)
            u1, s1 = cpu_ticks(a.pid)
            short = wrk_args[:5] + (a.strace_seconds, a.port)
            st_requests, st_errors, calls, sc_failures = run_strace(a.pid, short, a.out)
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
            print(f"FAIL {op}: {e}")
            failed += 1
            continue
        if errors or st_errors or pg_failed or not requests or not st_requests:
            print(f"FAIL {op}: {errors} wrk errors, {st_errors} under strace, "
                  f"{pg_failed} pgbench failures, {requests} requests")
            failed += 1
            continue
        rps = requests / duration
        row = {
            "op": op, "requests": requests, "rps": rps, "p99_us": p99, "pgbench_tps": tps,
            "ratio": rps / tps if tps else 0.0,
            "user_us": (u1 - u0) / TICKS * 1e6 / requests,
            "system_us": (s1 - s0) / TICKS * 1e6 / requests,
            "strace_requests": st_requests,
            "syscalls": {k: v / st_requests for k, v in calls.items()},
            "syscall_errors": {k: v / st_requests for k, v in sc_failures.items()},
        }
        row["cpu_us"] = row["user_us"] + row["system_us"]
        row["syscalls_per_req"] = sum(row["syscalls"].values())
        rows.append(row)
        print(f"ok   {op}: {rps:.0f} req/s vs. pgbench {tps:.0f} tps (ratio {row['ratio']:.2f}); "
              f"{row['user_us']:.1f} µs user + {row['system_us']:.1f} µs system per request; "
              f"{row['syscalls_per_req']:.1f} system calls per request")
    meta = {"command": a.command, "messages": a.messages, "accounts": a.accounts,
            "clients": a.clients, "seconds": a.seconds, "load_before": load_before,
            "load_after": round(os.getloadavg()[0], 2)}
    with open(os.path.join(a.out, "server-cost.json"), "w") as f:
        json.dump({"meta": meta, "rows": rows}, f, indent=1)
    md = markdown(rows, meta)
    with open(os.path.join(a.out, "server-cost.md"), "w") as f:
        f.write(md)
    print()
    print(md)
    print(f"{len(rows)} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
