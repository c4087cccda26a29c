#!/usr/bin/env python3
"""Takes the rules and the dashboard out of the monitoring component as it renders.

The tests must run what ships, not a copy: this renders
k8s/components/monitoring with `kubectl kustomize` (through a throw-away
kustomization that includes the component, since a Component does not build
alone) and writes, from the rendered objects,

  rules      the PrometheusRule's spec (its `groups`) as a Prometheus rules file;
             --for DURATION replaces every alert's `for:` (the live test's short
             override, so that the down alert fires within seconds)
  dashboard  the dashboard JSON from ConfigMap msg-server-dashboard

usage: extract.py rules|dashboard OUT [--for DURATION]
"""
import os
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
COMPONENT = os.environ.get("MSG_MONITORING_COMPONENT",
                           os.path.join(ROOT, "k8s", "components", "monitoring"))


def render(component):
    """The component's objects as kustomize renders them."""
    with tempfile.TemporaryDirectory() as tmp:
        # kustomize refuses absolute paths to a component; a relative one may
        # leave the kustomization's root.
        rel = os.path.relpath(component, tmp)
        with open(os.path.join(tmp, "kustomization.yaml"), "w") as f:
            f.write("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                    "components:\n  - %s\n" % rel)
        out = subprocess.run(["kubectl", "kustomize", tmp], check=True,
                             capture_output=True, text=True).stdout
    return [d for d in yaml.safe_load_all(out) if d]


def find(objs, kind, name):
    for o in objs:
        if o.get("kind") == kind and o["metadata"]["name"] == name:
            return o
    sys.exit("extract: no %s %s in the rendered component" % (kind, name))


def main():
    args = sys.argv[1:]
    override = None
    if "--for" in args:
        i = args.index("--for")
        override = args[i + 1]
        del args[i:i + 2]
    if len(args) != 2 or args[0] not in ("rules", "dashboard"):
        sys.exit(__doc__)
    what, out = args
    objs = render(COMPONENT)
    if what == "rules":
        groups = find(objs, "PrometheusRule", "msg-server")["spec"]["groups"]
        if override:
            for g in groups:
                for r in g["rules"]:
                    if "alert" in r and "for" in r:
                        r["for"] = override
        with open(out, "w") as f:
            yaml.safe_dump({"groups": groups}, f, sort_keys=False, allow_unicode=True)
    else:
        data = find(objs, "ConfigMap", "msg-server-dashboard")["data"]
        if len(data) != 1:
            sys.exit("extract: ConfigMap msg-server-dashboard should hold one dashboard")
        with open(out, "w") as f:
            f.write(next(iter(data.values())))


if __name__ == "__main__":
    main()
