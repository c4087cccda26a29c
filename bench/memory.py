#!/usr/bin/env python3
"""Resident memory of a running msg-server (bench/run starts it).

  memory.py idle PID                 VmRSS now, in KiB
  memory.py peak PID                 VmHWM (the peak so far), in KiB
  memory.py connections PID PORT N   RSS with N idle keep-alive connections
                                     open (each has made one request), and
                                     the cost per connection

Prints one JSON object. Connections are held with plain sockets so that the
client adds nothing to the server's side of the measurement.
"""
import json
import socket
import sys
import time


def status_kib(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError("no %s for pid %d" % (field, pid))


def settle():
    """Lets the server's threads finish what the last request started."""
    time.sleep(0.5)


def connections(pid, port, count):
    settle()
    before = status_kib(pid, "VmRSS")
    held = []
    request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n"
    try:
        for _ in range(count):
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(request)
            reply = s.recv(65536)
            if not reply.startswith(b"HTTP/1.1 200"):
                raise RuntimeError("unexpected reply: %r" % reply[:80])
            held.append(s)
        settle()
        during = status_kib(pid, "VmRSS")
    finally:
        for s in held:
            s.close()
    return {"connections": count, "rss_before_kib": before, "rss_with_kib": during,
            "per_connection_kib": round((during - before) / count, 1)}


def main(argv):
    if len(argv) >= 3 and argv[1] in ("idle", "peak"):
        pid = int(argv[2])
        if argv[1] == "idle":
            settle()
        field = "VmRSS" if argv[1] == "idle" else "VmHWM"
        print(json.dumps({argv[1] + "_kib": status_kib(pid, field)}))
        return 0
    if len(argv) == 5 and argv[1] == "connections":
        print(json.dumps(connections(int(argv[2]), int(argv[3]), int(argv[4]))))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
