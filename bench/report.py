#!/usr/bin/env python3
"""Turns the JSON lines of a bench/run into results.json, results.md and the
scaling plots (SVG and PNG, with gnuplot).

  report.py DIR

DIR holds what bench/run wrote: machine.json, load.jsonl, compare-*.jsonl,
session-*.jsonl, scale-*.jsonl, http.jsonl, memory.jsonl. Targets are checked
here, against figures of the same run; the Markdown says which were met.
"""
import glob
import json
import os
import subprocess
import sys

# The targets.
RATIO_TARGET = 0.9            # libmsg / baseline, every operation, both backends
HTTP_CREATE_TARGET = 0.6      # msg-server creates / pgbench inserts, same clients
HTTP_READ_TARGET = 0.5        # msg-server list and search / pgbench selects
LIST_P99_TARGET_US = 5000     # indexed list page at the largest size
SEARCH_P99_TARGET_US = 10000  # indexed search at the largest size

OP_ORDER = ["create", "get", "list-first", "list-deep", "search-sender", "search-time",
            "search-text"]
SCALE_OPS = ["list-first", "list-deep", "search-sender", "search-time", "search-text"]


def read_lines(pattern):
    rows = []
    for path in sorted(glob.glob(pattern)):
        with open(path) as f:
            rows += [json.loads(line) for line in f if line.strip()]
    return rows


def fmt_int(v):
    return "{:,}".format(int(round(v))).replace(",", " ")


def fmt_us(v):
    if v >= 10000:
        return "%.0f ms" % (v / 1000)
    if v >= 1000:
        return "%.1f ms" % (v / 1000)
    return "%.0f µs" % v


def mark(ok):
    return "yes" if ok else "**no**"


def size_text(n):
    for unit, div in (("M", 1000000), ("k", 1000)):
        if n >= div and n % div == 0:
            return "%d%s" % (n // div, unit)
    return str(n)


def pair_sides(rows):
    """{(backend, op, limit, threads): {impl: row}}"""
    out = {}
    for r in rows:
        if r.get("kind") != "op":
            continue
        out.setdefault((r["backend"], r["op"], r["limit"], r["threads"]), {})[r["impl"]] = r
    return out


def compare_table(rows, title, note):
    pairs = pair_sides(rows)
    if not pairs:
        return [], []
    lines = ["### " + title, "", note, "",
             "| op | threads | libmsg ops/s | baseline ops/s | ratio | libmsg p50 / p99 / p99.9 |"
             " baseline p50 / p99 / p99.9 | client CPU µs/op | ≥ %.1f |" % RATIO_TARGET,
             "|---|--:|--:|--:|--:|--:|--:|--:|:-:|"]
    misses = []
    keys = sorted(pairs, key=lambda k: (OP_ORDER.index(k[1]) if k[1] in OP_ORDER else 99,
                                        k[2] or 0, k[3]))
    for key in keys:
        sides = pairs[key]
        lib, base = sides.get("libmsg"), sides.get("baseline")
        if not lib or not base:
            continue
        ratio = lib["ops_per_s"] / base["ops_per_s"] if base["ops_per_s"] else 0
        ok = ratio >= RATIO_TARGET
        if not ok:
            misses.append((key, ratio))
        op = key[1] + (" (limit %d)" % key[2] if key[2] and key[2] != 50 else "")
        lines.append("| %s | %d | %s | %s | %.2f | %s / %s / %s | %s / %s / %s | %.0f / %.0f | %s |" % (
            op, key[3], fmt_int(lib["ops_per_s"]), fmt_int(base["ops_per_s"]), ratio,
            fmt_us(lib["p50_us"]), fmt_us(lib["p99_us"]), fmt_us(lib["p999_us"]),
            fmt_us(base["p50_us"]), fmt_us(base["p99_us"]), fmt_us(base["p999_us"]),
            lib.get("cpu_us_per_op", 0), base.get("cpu_us_per_op", 0), mark(ok)))
    return lines + [""], misses


def http_tables(rows):
    if not rows:
        return [], []
    lines = ["### msg-server over HTTP (wrk) and pgbench", "",
             "Same client count on both sides; pgbench runs the backend's statements"
             " (`bench/pgbench/*.sql`) against the same database.", "",
             "| backend | request | clients | msg-server req/s | p50 / p99 / p99.9 | pgbench tps |"
             " pgbench latency | ratio | target |",
             "|---|---|--:|--:|--:|--:|--:|--:|:-:|"]
    misses = []
    wrk = {(r["backend"], r["script"], r["clients"]): r for r in rows if r["tool"] == "wrk"}
    pgb = {(r["script"], r["clients"]): r for r in rows if r["tool"] == "pgbench"}
    for (backend, script, clients), r in sorted(wrk.items()):
        pg = pgb.get((script, clients)) if backend == "postgres" else None
        target = HTTP_CREATE_TARGET if script == "create" else HTTP_READ_TARGET
        ratio_text = target_text = pg_rate = pg_lat = "–"
        if pg:
            ratio = r["rps"] / pg["tps"] if pg["tps"] else 0
            ratio_text = "%.2f" % ratio
            target_text = "≥ %.1f %s" % (target, mark(ratio >= target))
            pg_rate = fmt_int(pg["tps"])
            pg_lat = fmt_us(pg["latency_avg_us"]) + " (avg)"
            if ratio < target:
                misses.append((backend, script, clients, ratio))
        errors = r["errors"]
        lines.append("| %s | %s | %d | %s%s | %s / %s / %s | %s | %s | %s | %s |" % (
            backend, script, clients, fmt_int(r["rps"]),
            " (%d errors)" % errors if errors else "",
            fmt_us(r["p50_us"]), fmt_us(r["p99_us"]), fmt_us(r["p999_us"]), pg_rate, pg_lat,
            ratio_text, target_text))
    return lines + [""], misses


def scale_tables(rows):
    ops = [r for r in rows if r.get("kind") == "op" and r["impl"] == "libmsg"]
    if not ops:
        return [], []
    lines = ["### Scaling: libmsg latency by table size and page size (1 thread)", ""]
    misses = []
    for backend in sorted({r["backend"] for r in ops}):
        mine = [r for r in ops if r["backend"] == backend]
        sizes = sorted({r["messages"] for r in mine})
        limits = sorted({r["limit"] for r in mine})
        lines += ["#### %s" % backend, "",
                  "p50 / p99 per page. Columns: messages in the table.", "",
                  "| op | limit | " + " | ".join(size_text(s) for s in sizes) + " |",
                  "|---|--:|" + "--:|" * len(sizes)]
        by = {(r["op"], r["limit"], r["messages"]): r for r in mine}
        for op in SCALE_OPS:
            for limit in limits:
                cells = []
                for s in sizes:
                    r = by.get((op, limit, s))
                    cells.append("%s / %s" % (fmt_us(r["p50_us"]), fmt_us(r["p99_us"])) if r else "–")
                if any(c != "–" for c in cells):
                    lines.append("| %s | %d | %s |" % (op, limit, " | ".join(cells)))
        largest = sizes[-1]
        for op, target in (("list-first", LIST_P99_TARGET_US), ("list-deep", LIST_P99_TARGET_US),
                           ("search-sender", SEARCH_P99_TARGET_US),
                           ("search-time", SEARCH_P99_TARGET_US),
                           ("search-text", SEARCH_P99_TARGET_US)):
            r = by.get((op, 50, largest))
            if r and r["p99_us"] >= target:
                misses.append((backend, op, largest, r["p99_us"], target))
        lines.append("")
        checks = []
        for op, target in (("list-first", LIST_P99_TARGET_US),
                           ("search-sender", SEARCH_P99_TARGET_US)):
            r = by.get((op, 50, largest))
            if r:
                checks.append("%s p99 at %s: %s (target < %s): %s" % (
                    op, size_text(largest), fmt_us(r["p99_us"]), fmt_us(target),
                    mark(r["p99_us"] < target)))
        lines += ["- " + c for c in checks] + [""]
    return lines, misses


def gnuplot(directory, name, title, xlabel, ylabel, series):
    """series: [(label, [(x, y_us)])]. Writes NAME.dat, NAME.gp, NAME.svg and NAME.png."""
    series = [(label, pts) for label, pts in series if pts]
    if not series:
        return None
    dat = os.path.join(directory, name + ".dat")
    with open(dat, "w") as f:
        for label, pts in series:
            f.write("# %s\n" % label)
            for x, y in pts:
                f.write("%s %.1f\n" % (x, y))
            f.write("\n\n")
    plots = ", ".join("'%s' index %d using 1:2 with linespoints title '%s'" % (
        name + ".dat", i, label.replace("'", "")) for i, (label, _) in enumerate(series))
    script = "\n".join([
        "set title '%s'" % title,
        "set xlabel '%s'" % xlabel,
        "set ylabel '%s'" % ylabel,
        "set logscale xy",
        "set key outside right",
        "set grid",
        "set terminal svg size 900,500 dynamic enhanced font 'sans,11'",
        "set output '%s.svg'" % name,
        "plot " + plots,
        "set terminal pngcairo size 900,500 font 'sans,10'",
        "set output '%s.png'" % name,
        "plot " + plots,
        ""])
    with open(os.path.join(directory, name + ".gp"), "w") as f:
        f.write(script)
    try:
        done = subprocess.run(["gnuplot", name + ".gp"], cwd=directory, capture_output=True,
                              text=True)
    except OSError as e:
        sys.stderr.write("report: cannot run gnuplot: %s\n" % e)
        return None
    if done.returncode != 0:
        sys.stderr.write("report: gnuplot failed for %s:\n%s" % (name, done.stderr))
        return None
    return name


def plots(directory, rows):
    made = []
    ops = [r for r in rows if r.get("kind") == "op" and r["impl"] == "libmsg"]
    for backend in sorted({r["backend"] for r in ops}):
        mine = [r for r in ops if r["backend"] == backend]
        series = []
        for op in SCALE_OPS:
            pts = sorted((r["messages"], r["p99_us"]) for r in mine
                         if r["op"] == op and r["limit"] == 50)
            series.append(("%s, limit 50" % op, pts))
        name = gnuplot(directory, "scaling-%s" % backend,
                       "%s: p99 of a 50-message page vs. messages in the table" % backend,
                       "messages in the table", "p99 latency (µs)", series)
        if name:
            made.append(name)
        sizes = sorted({r["messages"] for r in mine})
        series = []
        for op in ("list-first", "search-sender", "search-time"):
            for s in (sizes[0], sizes[-1]):
                pts = sorted((r["limit"], r["p50_us"]) for r in mine
                             if r["op"] == op and r["messages"] == s)
                series.append(("%s, %s messages" % (op, size_text(s)), pts))
        name = gnuplot(directory, "pagesize-%s" % backend,
                       "%s: median page latency vs. page size, smallest and largest table"
                       % backend, "page size (limit)", "p50 latency (µs)", series)
        if name:
            made.append(name)
    return made


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    d = argv[1]
    machine = {}
    if os.path.exists(os.path.join(d, "machine.json")):
        with open(os.path.join(d, "machine.json")) as f:
            machine = json.load(f)
    loads = read_lines(os.path.join(d, "load.jsonl"))
    compare = read_lines(os.path.join(d, "compare-*.jsonl"))
    session = read_lines(os.path.join(d, "session-*.jsonl"))
    scale = read_lines(os.path.join(d, "scale-*.jsonl"))
    http = read_lines(os.path.join(d, "http.jsonl"))
    memory = read_lines(os.path.join(d, "memory.jsonl"))
    with open(os.path.join(d, "results.json"), "w") as f:
        json.dump({"machine": machine, "load": loads, "compare": compare, "session": session,
                   "scale": scale, "http": http, "memory": memory}, f, indent=1)

    md = ["## Results", ""]
    if machine:
        md += ["Machine: " + machine.get("summary", ""), "",
               "Command: `%s`" % machine.get("command", ""), ""]
        if "loadavg_start" in machine:
            md += ["Load average (1, 5, 15 min) at the start: %s; at the end: %s; run time %s s." % (
                ", ".join("%.2f" % v for v in machine["loadavg_start"]),
                ", ".join("%.2f" % v for v in machine.get("loadavg_end", [])),
                machine.get("seconds", "?")), ""]
    if loads:
        md += ["### Loading", "", "| backend | messages | accounts | seconds | rows/s |",
               "|---|--:|--:|--:|--:|"]
        md += ["| %s | %s | %s | %.1f | %s |" % (r["backend"], fmt_int(r["messages"]),
                                                fmt_int(r["accounts"]), r["seconds"],
                                                fmt_int(r["rows_per_s"])) for r in loads]
        md.append("")
    misses = {"ratio": [], "http": [], "scale": []}
    for backend in ("sqlite", "postgres"):
        rows = [r for r in compare if r.get("backend") == backend]
        if rows:
            n = rows[0]["messages"]
            lines, m = compare_table(rows, "libmsg vs. baseline: %s, %s messages" % (
                backend, size_text(n)),
                "ops/s over all threads; latency per operation; page size 50.")
            md += lines
            misses["ratio"] += m
    if session:
        lines, _ = compare_table(session, "PostgreSQL: baseline with libmsg's session options",
                                 "The baseline's connections use the options libmsg's"
                                 " connections set (see docs/benchmarks.md).")
        md += lines
    lines, misses["http"] = http_tables(http)
    md += lines
    lines, misses["scale"] = scale_tables(scale)
    md += lines
    if memory:
        md += ["### msg-server memory", "", "| backend | idle RSS | peak RSS under load |"
               " RSS with N idle connections | per connection |", "|---|--:|--:|--:|--:|"]
        for r in memory:
            md.append("| %s | %.1f MiB | %.1f MiB | %.1f MiB (N = %d) | %.0f KiB |" % (
                r["backend"], r["idle_kib"] / 1024, r["peak_kib"] / 1024,
                r["rss_with_kib"] / 1024, r["connections"], r["per_connection_kib"]))
        md.append("")
    made = plots(d, scale)
    if made:
        md += ["### Plots", ""] + ["![%s](%s.svg)" % (m, m) for m in made] + [""]
    md += ["### Targets missed", ""]
    if not any(misses.values()):
        md += ["None.", ""]
    for (backend, op, limit, threads), ratio in misses["ratio"]:
        md.append("- %s %s, %d threads: libmsg / baseline = %.2f (target %.1f)" % (
            backend, op, threads, ratio, RATIO_TARGET))
    for backend, script, clients, ratio in misses["http"]:
        md.append("- %s HTTP %s, %d clients: msg-server / pgbench = %.2f" % (
            backend, script, clients, ratio))
    for backend, op, size, p99, target in misses["scale"]:
        md.append("- %s %s at %s: p99 %s (target < %s)" % (backend, op, size_text(size),
                                                          fmt_us(p99), fmt_us(target)))
    md.append("")
    with open(os.path.join(d, "results.md"), "w") as f:
        f.write("\n".join(md))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
