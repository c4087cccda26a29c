#!/usr/bin/env python3
"""The monitoring objects fit the rest of a rendered overlay: the
ServiceMonitor selects Service msg-server by its labels, in its namespace,
on a port the Service names; the PrometheusRule is there; the dashboard
ConfigMap carries the label the Grafana sidecar watches and holds valid JSON.
Prints one line per problem; exits 1 when there is any.

usage: check_wiring.py RENDERED.yaml   (the output of kubectl kustomize OVERLAY)
"""
import json
import sys

import yaml


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        objs = {(o["kind"], o["metadata"]["name"]): o for o in yaml.safe_load_all(f) if o}
    problems = []
    sm = objs.get(("ServiceMonitor", "msg-server"))
    svc = objs.get(("Service", "msg-server"))
    if not sm or not svc:
        problems.append("ServiceMonitor and Service msg-server must both be rendered")
    else:
        want = sm["spec"]["selector"].get("matchLabels", {})
        have = svc["metadata"].get("labels", {})
        if not want or any(have.get(k) != v for k, v in want.items()):
            problems.append("the ServiceMonitor selects %s; the Service has labels %s" % (want, have))
        ns = sm["spec"].get("namespaceSelector", {}).get("matchNames", [sm["metadata"].get("namespace")])
        if svc["metadata"].get("namespace") not in ns:
            problems.append("the ServiceMonitor looks in %s, the Service is in %s"
                            % (ns, svc["metadata"].get("namespace")))
        ports = {p.get("name") for p in svc["spec"].get("ports", [])}
        for ep in sm["spec"].get("endpoints", []):
            if ep.get("port") not in ports:
                problems.append("endpoint port %r is not a port of the Service (%s)" % (ep.get("port"), sorted(ports)))
            if ep.get("path", "/metrics") != "/metrics":
                problems.append("endpoint path %r is not msg-server's /metrics" % ep.get("path"))
    if ("PrometheusRule", "msg-server") not in objs:
        problems.append("no PrometheusRule msg-server")
    cm = objs.get(("ConfigMap", "msg-server-dashboard"))
    if not cm:
        problems.append("no ConfigMap msg-server-dashboard")
    else:
        if cm["metadata"].get("labels", {}).get("grafana_dashboard") != "1":
            problems.append("ConfigMap msg-server-dashboard lacks the label grafana_dashboard: \"1\"")
        for key, text in cm.get("data", {}).items():
            try:
                dash = json.loads(text)
                if not dash.get("panels"):
                    problems.append("%s has no panels" % key)
            except ValueError as e:
                problems.append("%s is not JSON: %s" % (key, e))
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
