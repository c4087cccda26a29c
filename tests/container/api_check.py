#!/usr/bin/env python3
"""One HTTP step of the container test, against a running msg-server.

    api_check.py create BASE ACCOUNT SENDER BODY   -> prints the new message id
    api_check.py list   BASE ACCOUNT ID            -> the account's first page holds ID
    api_check.py search BASE SENDER WORD ID        -> searching SENDER's messages for WORD finds ID
    api_check.py status BASE PATH CODE             -> GET PATH answers CODE
    api_check.py framing BASE                      -> an obs-folded header line hiding a
                                                      second request is one 400 (the
                                                      image's civetweb carries our patch)

Exits 0 when the step holds, 1 with the reason on stderr when it does not.
Only the standard library, so the host needs nothing but python3.
"""
import json
import os
import socket
import sys
import urllib.error
import urllib.parse
import urllib.request

TIMEOUT_S = 10


def call(method, url, payload=None):
    data = None if payload is None else json.dumps(payload).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    # The API key made by run.sh with `msg-server keygen` inside the image.
    token = os.environ.get("MSG_TEST_TOKEN")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_S) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def fail(why):
    print(why, file=sys.stderr)
    sys.exit(1)


def page_ids(status, raw, what):
    if status != 200:
        fail("%s: status %d: %s" % (what, status, raw[:300]))
    page = json.loads(raw)
    if "data" not in page or "next_cursor" not in page:
        fail("%s: not a page: %s" % (what, raw[:300]))
    return [m.get("message_id") for m in page["data"]]


def main(argv):
    if len(argv) < 2:
        fail(__doc__)
    step, args = argv[1], argv[2:]
    if step == "create" and len(args) == 4:
        base, account, sender, body = args
        status, raw = call("POST", "%s/v1/accounts/%s/messages" % (base, account),
                           {"sender_number": sender, "receiver_number": "+15550100",
                            "body": body})
        if status != 201:
            fail("create: status %d: %s" % (status, raw[:300]))
        message = json.loads(raw)
        if message.get("body") != body or message.get("sender_number") != sender:
            fail("create: unexpected message %s" % raw[:300])
        print(message["message_id"])
    elif step == "list" and len(args) == 3:
        base, account, wanted = args
        ids = page_ids(*call("GET", "%s/v1/accounts/%s/messages" % (base, account)), "list")
        if wanted not in ids:
            fail("list: %s not among %s" % (wanted, ids))
    elif step == "search" and len(args) == 4:
        base, sender, word, wanted = args
        query = urllib.parse.urlencode({"sender_number": sender, "q": word})
        ids = page_ids(*call("GET", "%s/v1/messages?%s" % (base, query)), "search")
        if ids != [wanted]:
            fail("search: expected exactly [%s], got %s" % (wanted, ids))
    elif step == "status" and len(args) == 3:
        base, path, code = args
        status, raw = call("GET", base + path)
        if status != int(code):
            fail("GET %s: status %d, expected %s: %s" % (path, status, code, raw[:300]))
    elif step == "framing" and len(args) == 1:
        framing(args[0])
    else:
        fail(__doc__)


def framing(base):
    """Unpatched civetweb 1.15 ends the headers at the line " folded", drops
    the Content-Length after it, answers the POST and then serves its body as
    a second request; the patched parser refuses the request."""
    host, _, port = urllib.parse.urlsplit(base).netloc.partition(":")
    inner = b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"
    data = (b"POST /healthz HTTP/1.1\r\nHost: t\r\n folded\r\n" +
            b"Content-Length: %d\r\n\r\n" % len(inner) + inner)
    with socket.create_connection((host, int(port or 80)), timeout=TIMEOUT_S) as s:
        s.sendall(data)
        reply = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (socket.timeout, ConnectionResetError):
                break
            if not chunk:
                break
            reply += chunk
    statuses = [line.split(b" ")[1] for line in reply.split(b"\r\n") if line.startswith(b"HTTP/1.")]
    if statuses != [b"400"]:
        fail("framing: expected one 400, got %s: %r" % (statuses, reply[:300]))


if __name__ == "__main__":
    main(sys.argv)
