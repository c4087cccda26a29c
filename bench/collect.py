#!/usr/bin/env python3
"""Small helpers for bench/run: each prints one JSON line (or object).

  collect.py wrk BACKEND SCRIPT CLIENTS < wrk-output
  collect.py pgbench SCRIPT CLIENTS < pgbench-output
  collect.py machine MSG-BENCH COMMAND... > machine.json
  collect.py db-uri URI NAME        URI with its database replaced by NAME
"""
import json
import os
import platform
import re
import subprocess
import sys
import urllib.parse


def wrk(backend, script, clients):
    text = sys.stdin.read()
    lines = [line for line in text.splitlines() if line.startswith('{"requests"')]
    if not lines:
        sys.stderr.write("collect: no result line in wrk's output:\n" + text)
        return 1
    r = json.loads(lines[-1])
    errors = sum(r[k] for k in ("status_errors", "connect_errors", "read_errors",
                                "write_errors", "timeouts"))
    rps = r["requests"] / (r["duration_us"] / 1e6) if r["duration_us"] else 0
    print(json.dumps({"kind": "http", "tool": "wrk", "backend": backend, "script": script,
                      "clients": int(clients), "requests": r["requests"], "rps": round(rps, 1),
                      "p50_us": r["p50_us"], "p90_us": r["p90_us"], "p99_us": r["p99_us"],
                      "p999_us": r["p999_us"], "max_us": r["max_us"], "errors": errors}))
    return 0


def pgbench(script, clients):
    text = sys.stdin.read()
    tps = re.search(r"^tps = ([0-9.]+)", text, re.M)
    lat = re.search(r"^latency average = ([0-9.]+) ms", text, re.M)
    failed = re.search(r"^number of failed transactions: (\d+)", text, re.M)
    done = re.search(r"^number of transactions actually processed: (\d+)", text, re.M)
    if not tps or not lat or not done:
        sys.stderr.write("collect: cannot read pgbench's output:\n" + text)
        return 1
    print(json.dumps({"kind": "http", "tool": "pgbench", "backend": "postgres", "script": script,
                      "clients": int(clients), "transactions": int(done.group(1)),
                      "tps": float(tps.group(1)), "latency_avg_us": float(lat.group(1)) * 1000,
                      "errors": int(failed.group(1)) if failed else 0}))
    return 0


def first_line(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "unknown"


def machine(bench, command):
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kib = int(f.readline().split()[1])
    disks = []
    for dev in sorted(os.listdir("/sys/block")):
        rota = "/sys/block/%s/queue/rotational" % dev
        size = "/sys/block/%s/size" % dev
        if dev.startswith(("loop", "zram", "ram")) or not os.path.exists(rota):
            continue
        with open(rota) as f, open(size) as g:
            gib = int(g.read()) * 512 / 2**30
            disks.append("%s %.0f GiB (%s)" % (dev, gib, "reports rotational" if f.read().strip() == "1"
                                             else "non-rotational"))
    info = {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(mem_kib / 2**20, 1),
        "disks": disks,
        "kernel": platform.release(),
        "os": first_line(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]),
        "libraries": first_line([bench, "--version"]),
        "postgresql": first_line(["/usr/lib/postgresql/15/bin/postgres", "--version"]),
        "compiler": first_line(["cc", "--version"]),
        "wrk": first_line(["wrk", "-v"]),
        "pgbench": first_line(["pgbench", "--version"]),
        "command": " ".join(command),
    }
    info["summary"] = "%d × %s, %.1f GiB RAM, %s; %s, Linux %s; %s; server %s; %s" % (
        info["nproc"], cpu, info["memory_gib"], ", ".join(disks) or "disk unknown", info["os"],
        info["kernel"], info["libraries"], info["postgresql"], info["compiler"])
    print(json.dumps(info, indent=1))
    return 0


def db_uri(uri, name):
    parts = urllib.parse.urlsplit(uri)
    print(urllib.parse.urlunsplit(parts._replace(path="/" + name)))
    return 0


def main(argv):
    if len(argv) == 5 and argv[1] == "wrk":
        return wrk(argv[2], argv[3], argv[4])
    if len(argv) == 4 and argv[1] == "pgbench":
        return pgbench(argv[2], argv[3])
    if len(argv) >= 3 and argv[1] == "machine":
        return machine(argv[2], argv[3:])
    if len(argv) == 4 and argv[1] == "db-uri":
        return db_uri(argv[2], argv[3])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
