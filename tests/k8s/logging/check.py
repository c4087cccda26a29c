#!/usr/bin/env python3
"""msg-server's logs and the Fluent Bit configuration that reads them.

Fluent Bit is not packaged for Debian 12 (nor on npm), so it cannot run here.
What this proves instead, on lines captured from a real msg-server:

  1. the JSON-log contract: every line one JSON object with time (RFC 3339
     UTC, microseconds), level (debug/info/warn/error) and message; every
     request line (and every request the HTTP layer refused) has the
     request_id the response echoed; 5xx requests log at level error;
     message bodies never appear;
  2. the Fluent Bit sections as the logging component renders them
     (ConfigMap fluent-bit-config), evaluated step by step the way Fluent Bit
     applies them: the tail input's Path/Exclude_Path and tag, the kubernetes
     filter's Match and Kube_Tag_Prefix, the parser filter's Match, Key_Name,
     Reserve_Data and Preserve_Key, and the JSON parser of parsers.conf with its
     Time_Key, Time_Format (%L as fractional seconds) and Time_Keep. The CRI
     framing is the runtime's documented "<time> <stream> <F|P> <text>", which
     Fluent Bit's built-in `cri` multiline parser splits. Not proven: Fluent
     Bit's own code (its glob matcher, its JSON and strptime), the kubernetes
     filter's API lookups, and the CloudWatch output;
  3. in each rendered overlay: the DaemonSet mounts the generated ConfigMap,
     every ${VAR} the configuration reads is in the container's env, and the
     output is stdout (dev) or CloudWatch Logs with the IRSA annotation (aws);
  4. negative tests: each checker fails on a broken input.

usage: check.py WORKDIR
"""
import fnmatch
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
from datetime import datetime, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "rehearsal"))
from msgproc import Procs, Report, call, start_msg_server  # noqa: E402

import yaml  # noqa: E402

ROOT = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
LEVELS = {"debug", "info", "warn", "error"}
TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
REQUEST_MESSAGES = {"request", "request refused by the HTTP layer"}
SECRET_BODY = "do-not-log-this-body-7f3a"
# A msg-server pod's log file as the kubelet names it: <pod>_<namespace>_<container>-<id>.log
MSG_FILE = "/var/log/containers/msg-server-6d8f9c7b5-x2k4q_msg_msg-server-%s.log" % ("ab12" * 16)
OTHER_FILES = [  # files the msg-server parser must leave alone
    "/var/log/containers/postgresql-0_msg_postgresql-%s.log" % ("cd34" * 16),
    "/var/log/containers/msg-server-6d8f9c7b5-x2k4q_default_msg-server-%s.log" % ("ef56" * 16),
]
OWN_FILE = "/var/log/containers/fluent-bit-7hq2m_logging_fluent-bit-%s.log" % ("0a1b" * 16)


# --- capture ---------------------------------------------------------------

def capture(work):
    """Runs msg-server (SQLite), sends requests of every kind, stops it with
    SIGTERM, and returns (its stdout lines, [(sent id or None, echoed id, status)])."""
    procs = Procs()
    exchanges = []
    try:
        db = os.path.join(work, "msg.db")
        srv = start_msg_server(procs, "msg-server", os.path.join(work, "msg-server.log"),
                               ["--database", "sqlite:" + db, "--db-timeout-ms", "200",
                                "--drain-delay-ms", "200"])

        def ex(method, path, body=None, headers=None, rid=None):
            h = dict(headers or {})
            if rid:
                h["X-Request-Id"] = rid
            st, hd, _ = call(srv.port, method, path, body, h)
            exchanges.append((rid, hd.get("x-request-id"), st))
            return st

        new = {"sender_number": "+15551234567", "receiver_number": "+15557654321",
               "body": SECRET_BODY}
        ex("POST", "/v1/accounts/42/messages", new, rid="k8s-log-create-1")
        ex("POST", "/v1/accounts/42/messages", new, {"Idempotency-Key": "k1"})
        ex("GET", "/v1/accounts/42/messages?limit=2", rid="k8s-log-list-1")
        ex("GET", "/v1/messages?account_id=42&q=" + SECRET_BODY)
        ex("GET", "/v1/messages/00000000-0000-7000-8000-000000000000")
        ex("POST", "/v1/accounts/42/messages", {"sender_number": "12"})
        ex("POST", "/v1/accounts/42/messages", "x", {"Content-Type": "text/plain"})
        ex("GET", "/v1/accounts/42/messages?bogus=1", rid="bad id with spaces")
        ex("GET", "/healthz")
        ex("GET", "/metrics")
        # A 503: another connection holds SQLite's write lock past --db-timeout-ms.
        lock = sqlite3.connect(db, timeout=5, isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")
        ex("POST", "/v1/accounts/42/messages", new, rid="k8s-log-unavailable")
        lock.execute("ROLLBACK")
        lock.close()
        # A request the HTTP layer refuses before any route sees it.
        with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as s:
            s.sendall(b"GET /v1/messages HTTP/1.1\r\nHost x\r\n\r\n")
            raw = s.recv(65536).decode("latin-1")
        m = re.search(r"(?im)^x-request-id:\s*(\S+)", raw)
        exchanges.append((None, m.group(1) if m else None, int(raw.split()[1]) if raw else 0))
        srv.signal(15)
        srv.wait(15)
        lines = srv.lines()
    finally:
        procs.stop_all()
    return lines, exchanges


# --- the JSON-log contract -----------------------------------------------------

def contract_problems(lines, exchanges):
    problems = []
    by_id = {}
    if not lines:
        problems.append("no log lines at all")
    for n, line in enumerate(lines, 1):
        try:
            rec = json.loads(line)
        except ValueError:
            problems.append("line %d is not JSON: %r" % (n, line[:120]))
            continue
        if not isinstance(rec, dict):
            problems.append("line %d is not a JSON object" % n)
            continue
        if not isinstance(rec.get("time"), str) or not TIME_RE.match(rec["time"]):
            problems.append("line %d: time %r is not RFC 3339 UTC with microseconds" % (n, rec.get("time")))
        if rec.get("level") not in LEVELS:
            problems.append("line %d: level %r" % (n, rec.get("level")))
        if not isinstance(rec.get("message"), str) or not rec["message"]:
            problems.append("line %d: no message" % n)
        if rec.get("message") in REQUEST_MESSAGES:
            rid = rec.get("request_id")
            if not isinstance(rid, str) or not rid:
                problems.append("line %d: a request line without request_id" % n)
            else:
                by_id.setdefault(rid, []).append(rec)
            if not isinstance(rec.get("status"), int):
                problems.append("line %d: a request line without a numeric status" % n)
            elif rec["status"] >= 500 and rec.get("level") != "error":
                problems.append("line %d: a %d logged at level %s" % (n, rec["status"], rec.get("level")))
        if SECRET_BODY in line:
            problems.append("line %d contains a message body" % n)
    for sent, echoed, status in exchanges:
        if not echoed:
            problems.append("a response (status %s) had no X-Request-Id" % status)
            continue
        if sent and re.fullmatch(r"[A-Za-z0-9._-]{1,64}", sent) and echoed != sent:
            problems.append("X-Request-Id %r was not kept (echoed %r)" % (sent, echoed))
        recs = by_id.get(echoed, [])
        if len(recs) != 1:
            problems.append("request id %r is on %d request lines, not 1" % (echoed, len(recs)))
        elif recs[0]["status"] != status:
            problems.append("request id %r logged status %s, the response was %s"
                            % (echoed, recs[0]["status"], status))
    messages = {json.loads(line).get("message") for line in lines if line.startswith("{")}
    for needed in ("listening", "request", "draining", "stopped"):
        if needed not in messages:
            problems.append("no %r line" % needed)
    return problems


# --- Fluent Bit's configuration, evaluated --------------------------------------------

def parse_fluent_bit(text, files):
    """Sections of Fluent Bit's classic configuration: [(NAME, {key: value})],
    keys lower-cased as Fluent Bit compares them; @INCLUDE pulls in `files`."""
    sections = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("@INCLUDE"):
            sections += parse_fluent_bit(files[line.split(None, 1)[1].strip()], files)
        elif line.startswith("[") and line.endswith("]"):
            sections.append((line[1:-1].strip().upper(), {}))
        else:
            key, _, value = line.partition(" ")
            if not sections:
                raise ValueError("a setting outside a section: %r" % line)
            sections[-1][1][key.lower()] = value.strip()
    return sections


def rendered_config(component_root=None):
    """The files of ConfigMap fluent-bit-config as kustomize renders the
    logging component."""
    comp = component_root or os.path.join(ROOT, "k8s", "components", "logging")
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "kustomization.yaml"), "w") as f:
            f.write("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                    "components:\n  - %s\n" % os.path.relpath(comp, tmp))
        out = subprocess.run(["kubectl", "kustomize", tmp], check=True, capture_output=True,
                             text=True).stdout
    for o in yaml.safe_load_all(out):
        if o and o["kind"] == "ConfigMap" and o["metadata"]["name"].startswith("fluent-bit-config"):
            return o["data"]
    raise ValueError("no ConfigMap fluent-bit-config in the rendered component")


def strptime_fluent(value, fmt):
    """Fluent Bit's Time_Format: strptime plus %L, the fractional seconds."""
    return datetime.strptime(value, fmt.replace("%L", "%f")).replace(tzinfo=timezone.utc)


def one(sections, section, **where):
    for sec, kv in sections:
        if sec == section and all(kv.get(k) == v for k, v in where.items()):
            return kv
    raise ValueError("no [%s] section with %s" % (section, where))


def tag_for(path, tag_setting):
    """The tail input's tag: the '*' of Tag becomes the path with '/' as '.'."""
    return tag_setting.replace("*", path.lstrip("/").replace("/", "."))


def evaluate(files, lines):
    """Applies the configuration to `lines` as written to a msg-server pod's
    log file; returns (problems, the records that come out)."""
    problems, records = [], []
    sections = parse_fluent_bit(files["fluent-bit.conf"], files)
    parsers = {kv.get("name"): kv for sec, kv in parse_fluent_bit(files["parsers.conf"], files)
               if sec == "PARSER"}
    service = one(sections, "SERVICE")
    if service.get("parsers_file") != "parsers.conf":
        problems.append("[SERVICE] Parsers_File is not parsers.conf")
    tail = one(sections, "INPUT", name="tail")
    ml = [p.strip() for p in tail.get("multiline.parser", "").split(",")]
    if "cri" not in ml:
        problems.append("the tail input does not split CRI lines (multiline.parser cri)")
    if not fnmatch.fnmatchcase(MSG_FILE, tail.get("path", "")):
        problems.append("tail Path %r does not match %s" % (tail.get("path"), MSG_FILE))
    if not fnmatch.fnmatchcase(OWN_FILE, tail.get("exclude_path", "")):
        problems.append("tail Exclude_Path does not skip Fluent Bit's own log")
    if fnmatch.fnmatchcase(MSG_FILE, tail.get("exclude_path", "")):
        problems.append("tail Exclude_Path skips msg-server's log")
    kube = one(sections, "FILTER", name="kubernetes")
    parser_filter = one(sections, "FILTER", name="parser")
    outputs = [kv for sec, kv in sections if sec == "OUTPUT"]
    tag = tag_for(MSG_FILE, tail.get("tag", ""))
    if not fnmatch.fnmatchcase(tag, kube.get("match", "")):
        problems.append("the kubernetes filter's Match does not take tag %s" % tag)
    prefix = kube.get("kube_tag_prefix", "")
    if not tag.startswith(prefix) or tag[len(prefix):] != os.path.basename(MSG_FILE):
        problems.append("Kube_Tag_Prefix %r does not leave the file name of tag %s" % (prefix, tag))
    if not fnmatch.fnmatchcase(tag, parser_filter.get("match", "")):
        problems.append("the parser filter's Match %r does not take msg-server's tag %s"
                        % (parser_filter.get("match"), tag))
    for other in OTHER_FILES:
        if fnmatch.fnmatchcase(tag_for(other, tail.get("tag", "")), parser_filter.get("match", "")):
            problems.append("the parser filter's Match also takes %s" % other)
    if not any(fnmatch.fnmatchcase(tag, o.get("match", "")) for o in outputs):
        problems.append("no output takes tag %s" % tag)
    parser = parsers.get(parser_filter.get("parser"))
    if parser is None:
        problems.append("parser %r is not in parsers.conf" % parser_filter.get("parser"))
        return problems, records
    if parser.get("format") != "json":
        problems.append("parser %s is not a json parser" % parser.get("name"))
        return problems, records
    key = parser_filter.get("key_name", "")
    reserve = parser_filter.get("reserve_data", "Off").lower() == "on"
    preserve = parser_filter.get("preserve_key", "Off").lower() == "on"
    time_key, time_fmt = parser.get("time_key"), parser.get("time_format")
    keep = parser.get("time_keep", "Off").lower() == "on"
    for n, line in enumerate(lines, 1):
        framed = "%s stdout F %s" % (datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"), line)
        m = re.match(r"^(\S+) (stdout|stderr) (F|P) (.*)$", framed)
        record = {"time": m.group(1), "stream": m.group(2), "logtag": m.group(3), "log": m.group(4)}
        record["kubernetes"] = {"namespace_name": "msg", "container_name": "msg-server"}
        if key not in record:
            problems.append("Key_Name %r is not a field of the tailed record" % key)
            break
        try:
            parsed = json.loads(record[key])
        except ValueError:
            problems.append("line %d: the json parser rejects it" % n)
            continue
        if not isinstance(parsed, dict):
            problems.append("line %d: not a JSON object" % n)
            continue
        if time_key:
            try:
                when = strptime_fluent(str(parsed.get(time_key)), time_fmt or "")
            except ValueError as e:
                problems.append("line %d: Time_Format %r does not read %r (%s)"
                                % (n, time_fmt, parsed.get(time_key), e))
                continue
            if not keep:
                parsed.pop(time_key, None)
        out = dict(record) if reserve else {}
        if not preserve:
            out.pop(key, None)
        out.pop("time", None)  # the record's time is now the parsed one
        out.update(parsed)
        out["@timestamp"] = when.isoformat() if time_key else None
        records.append(out)
    for r in records:
        for field in ("level", "message"):
            if field not in r:
                problems.append("a record lacks the lifted field %s: %s" % (field, r))
        if r.get("message") in REQUEST_MESSAGES and "request_id" not in r:
            problems.append("a request record lacks request_id: %s" % r)
        if reserve and "kubernetes" not in r:
            problems.append("the kubernetes metadata was lost: %s" % r)
    if not records:
        problems.append("no record came out")
    return problems, records


def render_overlay(name):
    out = subprocess.run(["kubectl", "kustomize", os.path.join(ROOT, "k8s", "overlays", name)],
                         check=True, capture_output=True, text=True).stdout
    return [o for o in yaml.safe_load_all(out) if o]


def overlay_problems(objs, cloudwatch):
    """Fluent Bit as an overlay renders it: the DaemonSet mounts the generated
    ConfigMap (by its hashed name), every ${VAR} of the configuration is in
    the container's env, and the output is CloudWatch (with the IRSA
    annotation) or stdout."""
    problems = []
    cms = [o for o in objs if o["kind"] == "ConfigMap" and o["metadata"].get("namespace") == "logging"
           and o["metadata"]["name"].startswith("fluent-bit-config")]
    ds = [o for o in objs if o["kind"] == "DaemonSet" and o["metadata"]["name"] == "fluent-bit"]
    sa = [o for o in objs if o["kind"] == "ServiceAccount" and o["metadata"]["name"] == "fluent-bit"]
    if len(cms) != 1 or len(ds) != 1 or len(sa) != 1:
        return ["want one fluent-bit-config ConfigMap, DaemonSet and ServiceAccount in logging; got %d, %d, %d"
                % (len(cms), len(ds), len(sa))]
    cm, pod = cms[0], ds[0]["spec"]["template"]["spec"]
    mounted = [v["configMap"]["name"] for v in pod.get("volumes", []) if "configMap" in v]
    if cm["metadata"]["name"] not in mounted:
        problems.append("the DaemonSet mounts %s, not %s" % (mounted, cm["metadata"]["name"]))
    ctr = next(c for c in pod["containers"] if c["name"] == "fluent-bit")
    env = {e["name"] for e in ctr.get("env", []) if e.get("value") or e.get("valueFrom")}
    for var in sorted(set(re.findall(r"\$\{([A-Z_]+)\}", "\n".join(cm["data"].values())))):
        if var not in env:
            problems.append("the configuration reads ${%s}, which the container's env lacks" % var)
    outputs = [kv.get("name") for sec, kv in parse_fluent_bit(cm["data"]["fluent-bit.conf"], cm["data"])
               if sec == "OUTPUT"]
    want = ["cloudwatch_logs"] if cloudwatch else ["stdout"]
    if outputs != want:
        problems.append("outputs are %s, want %s" % (outputs, want))
    annotated = "eks.amazonaws.com/role-arn" in sa[0]["metadata"].get("annotations", {})
    if annotated != cloudwatch:
        problems.append("the IRSA role annotation is %s" % ("there" if annotated else "missing"))
    return problems


def mutated(files, name, old, new):
    text = files[name]
    if old not in text:
        raise ValueError("%r not in %s" % (old, name))
    return dict(files, **{name: text.replace(old, new, 1)})


def main():
    work = sys.argv[1]
    rep = Report()
    lines, exchanges = capture(work)
    rep.note("captured %d log lines from msg-server for %d requests" % (len(lines), len(exchanges)))
    problems = contract_problems(lines, exchanges)
    rep.check("JSON-log contract holds on every captured line", not problems, "\n".join(problems))
    recs = [json.loads(line) for line in lines if line.startswith("{")]
    rep.check("the capture holds a 503 logged at level error, with its cause",
              any(r.get("status") == 503 and r.get("level") == "error" and r.get("error") for r in recs),
              [s for _, _, s in exchanges])
    rep.check("the capture holds a request the HTTP layer refused, with a request_id",
              any(r.get("message") == "request refused by the HTTP layer" and r.get("request_id") for r in recs))

    # Negative tests of the contract checker, each on a copy of the real lines.
    req = next(i for i, l in enumerate(lines) if '"message":"request"' in l)
    broken = {
        "a line that is not JSON": lines + ["plain text"],
        "a line without level": lines + ['{"time":"2026-01-01T00:00:00.000000Z","message":"x"}'],
        "a request line without request_id": lines[:req] + [re.sub(r'"request_id":"[^"]*",', "", lines[req])] + lines[req + 1:],
        "a time without microseconds": lines + ['{"time":"2026-01-01T00:00:00Z","level":"info","message":"x"}'],
        "a line carrying a message body": lines + ['{"time":"2026-01-01T00:00:00.000000Z","level":"info","message":"%s"}' % SECRET_BODY],
    }
    for what, bad in broken.items():
        rep.check("negative: the contract check fails on %s" % what, contract_problems(bad, exchanges))

    files = rendered_config()
    rep.check("ConfigMap fluent-bit-config renders with fluent-bit.conf, parsers.conf, output.conf",
              {"fluent-bit.conf", "parsers.conf", "output.conf"} <= set(files), sorted(files))
    problems, records = evaluate(files, lines)
    rep.check("Fluent Bit configuration lifts every captured line into fields", not problems,
              "\n".join(problems))
    if records:
        sample = next((r for r in records if r.get("request_id") == "k8s-log-create-1"), records[0])
        rep.note("a record as it leaves the filters: " + json.dumps(sample, sort_keys=True))
        rep.check("the record keeps msg-server's time as its timestamp",
                  sample.get("@timestamp", "").startswith(sample.get("time", "")[:19]), sample)

    cw = os.path.join(ROOT, "k8s", "components", "logging-cloudwatch", "output.conf")
    with open(cw) as f:
        cw_out = one(parse_fluent_bit(f.read(), {}), "OUTPUT", name="cloudwatch_logs")
    rep.check("logging-cloudwatch: output cloudwatch_logs to ${LOG_GROUP_NAME} in ${AWS_REGION}, "
              "group not created by Fluent Bit",
              cw_out.get("log_group_name") == "${LOG_GROUP_NAME}" and cw_out.get("region") == "${AWS_REGION}"
              and cw_out.get("auto_create_group", "").lower() == "off"
              and fnmatch.fnmatchcase(tag_for(MSG_FILE, "kube.*"), cw_out.get("match", "")), cw_out)

    rendered = {}
    for overlay, cloudwatch in (("dev", False), ("aws", True)):
        rendered[overlay] = render_overlay(overlay)
        probs = overlay_problems(rendered[overlay], cloudwatch)
        rep.check("%s overlay: Fluent Bit mounts its generated ConfigMap, has every ${VAR} in its env, "
                  "outputs to %s" % (overlay, "CloudWatch Logs with the IRSA role" if cloudwatch else "stdout"),
                  not probs, "\n".join(probs))
    broken_aws = json.loads(json.dumps(rendered["aws"]))
    for o in broken_aws:
        if o["kind"] == "DaemonSet" and o["metadata"]["name"] == "fluent-bit":
            for c in o["spec"]["template"]["spec"]["containers"]:
                c["env"] = [e for e in c.get("env", []) if e["name"] != "LOG_GROUP_NAME"]
    rep.check("negative: the overlay check fails when LOG_GROUP_NAME is missing from the env",
              overlay_problems(broken_aws, True))
    rep.check("negative: the overlay check fails when dev would ship to CloudWatch",
              overlay_problems(rendered["aws"], False))

    for what, name, old, new in [
        ("a Time_Format without fractional seconds", "parsers.conf", "%Y-%m-%dT%H:%M:%S.%LZ", "%Y-%m-%dT%H:%M:%SZ"),
        ("a parser filter matching another namespace", "fluent-bit.conf", "kube.*_msg_msg-server-*", "kube.*_default_msg-server-*"),
        ("a parser filter naming a missing parser", "fluent-bit.conf", "Parser        msg_server_json", "Parser        msg_server"),
        ("a regex parser in place of json", "parsers.conf", "Format       json", "Format       regex"),
        ("a Kube_Tag_Prefix that leaves a path", "fluent-bit.conf", "kube.var.log.containers.", "kube.var.log."),
        ("a tail input without the CRI parser", "fluent-bit.conf", "multiline.parser  cri, docker", "multiline.parser  docker"),
    ]:
        probs, _ = evaluate(mutated(files, name, old, new), lines)
        rep.check("negative: the evaluation fails on %s" % what, probs)
    return rep


if __name__ == "__main__":
    r = main()
    print("logging: %d passed, %d failed" % (r.passed, r.failed))
    sys.exit(1 if r.failed else 0)
