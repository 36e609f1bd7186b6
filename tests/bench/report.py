#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The benchmark report, from the logs scripts/bench leaves in out/bench/.

Reads every "RESULT balancer row round value" line of bench.log (the
plain boot, which ran every balancer) and of icount.log (the boot of
the per-packet workloads under QEMU's instruction counting, whose rows
are named vt-ROW: rates in the guest's virtual time), and the "FAILED
balancer row round reason" lines of rounds that measured nothing; takes
the median of each
row's rounds and their spread (half the range, in % of the median), and
writes results.csv (every round), bench.csv (the medians, spreads, round
counts and ratios), table.md, bench.png (gnuplot), and prints the table.

With --readme FILE, replaces the text between the bench markers of FILE
with the table, the machine and the commit measured, copies the chart to
--chart-copy and results.csv next to it, but only for a complete run:
machine.txt says the guest got to the end of bench.sh and passed its
checks, the run was not --quick, the checkout had no uncommitted change
to tracked files, and every row has all its rounds under every balancer
that has it (none failed).  Otherwise it says why and exits 1.

With --compare OTHER, also prints how far the medians of this run and
of the run in OTHER apart lie, per row and balancer: max/min - 1.

    report.py OUTDIR [--readme README.md --chart-copy tests/bench/bench.png]
    report.py OUTDIR --compare OTHER_OUTDIR
"""
import argparse
import csv
import math
import os
import shutil
import statistics
import subprocess
import sys

CONFIGS = ("none", "intree", "kvs")

# Row id -> (description, unit, higher is better, the no-balancer row).
SIZES = {"2": "2 backends", "16": "16 backends"}
FWDS = {"nat": "NAT", "dr": "DR"}
# The logs of the boots, and the prefix of their rows' names.
LOGS = (("icount.log", "vt-"), ("bench.log", ""))
VT = ", virtual time (icount)"


def services(n):
    """ "1 service", "1,000 services"."""
    return f"{int(n):,} service" + ("s" if n != "1" else "")


def catalog(params):
    flows = f"{int(params.get('flows', 1000000)):,}"
    cps = f"{int(params.get('cp_services', 10000)):,}"
    rows = []
    for vt, when in (("vt-", VT), ("", "")):
        for kind, what, unit in (
                ("crr", "TCP connections/s (connect, request, reply, close)",
                 "conn/s"),
                ("udp", "UDP 64-byte packets/s, one flow", "pkt/s"),
                ("bulk", "TCP bulk throughput (iperf3, sh scheduler)",
                 "Mbit/s")):
            for fwd in FWDS:
                for nb in SIZES:
                    rows.append((f"{vt}{kind}-{fwd}-{nb}",
                                 f"{what}, {FWDS[fwd]}, {SIZES[nb]}{when}",
                                 unit, True, f"{vt}{kind}-direct"))
    for n in ("1", "1000", "10000", "100000"):
        label = services(n)
        rows.append((f"svc-{n}", f"UDP packets/s of one flow, {label}",
                     "pkt/s", True, "udp-direct"))
    for n in ("1", "1000", "10000", "100000"):
        label = services(n)
        rows.append((f"svcnew-{n}",
                     f"new UDP flows/s (one packet each), {label}",
                     "flow/s", True, "newflow-direct"))
    for n in ("1", "1000", "100000"):
        label = services(n)
        rows.append((f"svcidle-{n}",
                     f"kernel CPU with no traffic (estimators, gc), {label}",
                     "%", False, None))
    netns = f"{int(params.get('netns', 1000)):,}"
    rows += [
        ("netns-mem", f"memory per idle namespace, {netns} namespaces"
         " (MemFree drop / namespaces; no balancer: nf_conntrack loaded)",
         "KiB", False, "netns-mem-direct"),
        ("netns-idle", f"kernel CPU with {netns} idle namespaces, no traffic",
         "%", False, "netns-idle-direct"),
        ("conn-insert", f"new UDP flows/s while filling {flows} connections",
         "flow/s", True, "conn-insert-direct"),
        ("conn-lookup", f"UDP packets/s of one flow, {flows} connections held",
         "pkt/s", True, "udp-direct"),
        ("conn-mem", "memory per connection (MemFree drop / connections)",
         "bytes", False, None),
        ("conn-slab", "slab memory per connection (/proc/slabinfo)", "bytes",
         False, None),
        ("cp-restore", f"ipvsadm-restore, {cps} services x 4 dests", "ms",
         False, None),
        ("cp-save", "ipvsadm -S -n of that table", "ms", False, None),
        ("cp-list", "ipvsadm -L -n of that table", "ms", False, None),
        ("cp-restore-sys", "the restore's kernel CPU time (netlink handling)",
         "ms", False, None),
        ("cp-save-sys", "ipvsadm -S -n, kernel CPU time", "ms", False, None),
        ("cp-list-sys", "ipvsadm -L -n, kernel CPU time", "ms", False, None),
        ("cp-flush", "ipvsadm -C of that table", "ms", False, None),
        ("cp-flush-sys", "ipvsadm -C, kernel CPU time", "ms", False, None),
    ]
    return rows


def read_logs(outdir):
    """{config: {row: [values]}}, {config: {row: reason}} for skips,
    {config: {row: [round reason]}} for failed rounds, and the sizes the
    guest announced (PARAM lines)."""
    results = {cfg: {} for cfg in CONFIGS}
    skips = {cfg: {} for cfg in CONFIGS}
    failures = {cfg: {} for cfg in CONFIGS}
    params = {}
    for name, vt in LOGS:
        path = os.path.join(outdir, name)
        if not os.path.exists(path):
            continue
        with open(path, errors="replace") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 3 and parts[0] in ("RESULT", "FAILED", "SKIP"):
                    parts[2] = vt + parts[2]
                if (len(parts) == 5 and parts[0] == "RESULT"
                        and parts[1] in results):
                    try:
                        results[parts[1]].setdefault(parts[2], []).append(
                            float(parts[4]))
                    except ValueError:
                        failures[parts[1]].setdefault(parts[2], []).append(
                            f"round {parts[3]}: value {parts[4]}")
                elif (len(parts) >= 4 and parts[0] == "FAILED"
                      and parts[1] in failures):
                    failures[parts[1]].setdefault(parts[2], []).append(
                        f"round {parts[3]}: " + " ".join(parts[4:]))
                elif len(parts) >= 3 and parts[0] == "SKIP" and parts[1] in skips:
                    skips[parts[1]][parts[2]] = " ".join(parts[3:])
                elif len(parts) == 3 and parts[0] == "PARAM":
                    params[parts[1]] = parts[2]
    return results, skips, failures, params


def expected_rounds(row, params):
    """How many rounds bench.sh measures of ROW (None: not known)."""
    rounds = int(params.get("rounds", 0)) or None
    cp_rounds = int(params.get("cp_rounds", 0)) or None
    row = row.removeprefix("vt-")
    if row in ("conn-insert", "conn-mem", "conn-slab", "netns-mem",
               "netns-mem-direct"):
        return 1
    if row.startswith(("cp-restore", "cp-flush")):
        return cp_rounds
    if row.startswith(("cp-save", "cp-list")):
        return cp_rounds * rounds if cp_rounds and rounds else None
    return rounds


def spread(vals):
    """Half the range of VALS in % of their median (None for one value)."""
    med = statistics.median(vals)
    if len(vals) < 2 or not med:
        return None
    return 100 * (max(vals) - min(vals)) / 2 / abs(med)


def incomplete(results, skips, failures, params, machine):
    """The reasons why this run may not be published (empty: it may)."""
    why = []
    if machine.get("complete") != "1":
        why.append("the run did not complete (machine.txt: complete "
                   + machine.get("complete", "?") + ")")
    if machine.get("quick") == "1":
        why.append("a --quick run")
    if machine.get("dirty") != "0":
        why.append("the checkout had uncommitted changes to tracked files"
                   " (dirty " + machine.get("dirty", "?") + ")")
    if not machine.get("commit"):
        why.append("no commit recorded")
    ran = [c for c in CONFIGS if results[c] or failures[c]]
    for cfg in CONFIGS:
        for row, what in sorted(failures[cfg].items()):
            why.append(f"{cfg} {row}: failed {', '.join(what)}")
        for row, vals in sorted(results[cfg].items()):
            want = expected_rounds(row, params)
            if want is None or len(vals) != want:
                why.append(f"{cfg} {row}: {len(vals)} rounds of {want}")
    for row in sorted({r for c in ("intree", "kvs") for r in results[c]}):
        if row.endswith("-direct"):
            continue
        for cfg in ("intree", "kvs"):
            if cfg in ran and row not in results[cfg] and row not in skips[cfg]:
                why.append(f"{cfg} {row}: no result")
    return why


def fmt(v):
    if v is None:
        return "-"
    if v >= 100:
        return f"{v:,.0f}"
    return f"{v:.1f}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def build(outdir):
    results, skips, failures, params = read_logs(outdir)
    med = {c: {r: statistics.median(v) for r, v in results[c].items()}
           for c in CONFIGS}
    spr = {c: {r: spread(v) for r, v in results[c].items()} for c in CONFIGS}
    table = []
    for row, desc, unit, higher, direct in catalog(params):
        if not any(row in med[c] for c in ("intree", "kvs")):
            continue
        intree = med["intree"].get(row)
        kvs = med["kvs"].get(row)
        none = med["none"].get(direct) if direct else None
        table.append({
            "row": row, "what": desc, "unit": unit, "direct": direct,
            "better": "higher" if higher else "lower",
            "none": none, "intree": intree, "kvs": kvs,
            "none±%": spr["none"].get(direct) if direct else None,
            "intree±%": spr["intree"].get(row),
            "kvs±%": spr["kvs"].get(row),
            "kvs/intree": ratio(kvs, intree), "kvs/none": ratio(kvs, none),
            "none rounds": len(results["none"].get(direct, [])) if direct else 0,
            "intree rounds": len(results["intree"].get(row, [])),
            "kvs rounds": len(results["kvs"].get(row, [])),
        })
    with open(os.path.join(outdir, "results.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["config", "row", "round", "value"])
        for cfg in CONFIGS:
            for row, vals in sorted(results[cfg].items()):
                for i, v in enumerate(vals, 1):
                    w.writerow([cfg, row, i, v])
    with open(os.path.join(outdir, "bench.csv"), "w", newline="") as f:
        w = csv.writer(f)
        keys = ["row", "what", "unit", "better", "none", "intree", "kvs",
                "none±%", "intree±%", "kvs±%", "kvs/intree", "kvs/none",
                "none rounds", "intree rounds", "kvs rounds"]
        w.writerow(keys)
        for t in table:
            w.writerow(["" if t[k] is None else
                        (f"{t[k]:.3f}" if isinstance(t[k], float) else t[k])
                        for k in keys])
    return table, skips, (results, skips, failures, params)


def cell(t, cfg):
    """A median with its spread: "12,345 ±2%"."""
    v = t[cfg]
    if v is None:
        return "n/a" if cfg == "kvs" else "-"
    s = t[cfg + "±%"]
    return fmt(v) + ("" if s is None else f" ±{s:.0f}%")


def markdown(table, skips, machine):
    lines = [
        "| workload | unit | no balancer | in-tree IPVS | kvs | kvs/in-tree"
        " | kvs/no balancer | rounds |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for t in table:
        arrow = "↑" if t["better"] == "higher" else "↓"
        r1 = "-" if t["kvs/intree"] is None else f"{t['kvs/intree']:.2f}"
        r2 = "-" if t["kvs/none"] is None else f"{t['kvs/none']:.2f}"
        n = "/".join(str(t[c + " rounds"]) if t[c + " rounds"] else "-"
                     for c in CONFIGS)
        lines.append(f"| {t['what']} | {t['unit']} {arrow} | {cell(t, 'none')} "
                     f"| {cell(t, 'intree')} | {cell(t, 'kvs')} | {r1} | {r2} "
                     f"| {n} |")
    notes = []
    for cfg in CONFIGS:
        for row, why in sorted(skips[cfg].items()):
            notes.append(f"- {cfg}: {row} skipped: {why}")
    text = "\n".join(lines) + "\n"
    if notes:
        text += "\n" + "\n".join(notes) + "\n"
    if machine:
        commit = machine.get("commit", "?")
        if machine.get("dirty") != "0":
            commit += " with uncommitted changes"
        text += ("\nMeasured " + machine.get("date", "?") + " at commit "
                 + commit + " on "
                 + machine.get("cpu", "?") + ", " + machine.get("cores", "?")
                 + " cores; guest: Debian 6.1 under " + machine.get("qemu", "QEMU")
                 + " (TCG" + (", 2 vCPUs" if machine.get("seconds_plain")
                              or not machine.get("seconds_icount") else "")
                 + "); medians of " + machine.get("rounds", "?")
                 + " rounds, ± half their range in % of the median, rounds"
                 " per balancer (no balancer/in-tree/kvs) in the last column;"
                 " every round in tests/bench/results.csv; the whole run took "
                 + machine.get("seconds", "?") + " s.")
        if machine.get("seconds_icount"):
            text += (" The rows \"virtual time (icount)\" ran in a boot of"
                     " their own under -icount " + machine.get("icount", "?")
                     + " with one vCPU (" + machine["seconds_icount"]
                     + " s): guest time counts the instructions executed"
                     " (1 ns per 2^shift), not the host's clock.")
        if machine.get("quick") == "1":
            text += " **Quick run (--quick): one short round, small scales.**"
        if machine.get("note"):
            text += " " + machine["note"]
        text += "\n"
    return text


def label(row, params):
    """ROW's short name on the chart, in words: "UDP pps, NAT, 2 backends",
    "restore (kernel time)"."""
    row = row.removeprefix("vt-")
    kind, _, rest = row.partition("-")
    if kind in ("crr", "udp", "bulk"):
        fwd, nb = rest.split("-")
        what = {"crr": "TCP CRR", "udp": "UDP pps", "bulk": "TCP bulk"}[kind]
        return f"{what}, {FWDS[fwd]}, {SIZES[nb]}"
    if kind in ("svc", "svcnew", "svcidle"):
        what = {"svc": "UDP pps", "svcnew": "new flows/s",
                "svcidle": "idle CPU"}[kind]
        return f"{what}, {services(rest)}"
    flows = f"{int(params.get('flows', 1000000)):,}"
    netns = f"{int(params.get('netns', 1000)):,}"
    return {
        "conn-insert": f"new flows/s, {flows} conns",
        "conn-lookup": f"UDP pps, {flows} conns",
        "conn-mem": "memory per conn",
        "conn-slab": "slab per conn",
        "netns-mem": f"memory per netns, {netns} netns",
        "netns-idle": f"idle CPU, {netns} netns",
    }.get(row, row.removeprefix("cp-").replace("-sys", " (kernel time)"))


def group(row, params):
    """The title of the chart's group of ROW."""
    kind = row.removeprefix("vt-").split("-")[0]
    if kind in ("crr", "udp", "bulk"):
        return ("Per packet, virtual time (icount)" if row.startswith("vt-")
                else "Per packet")
    if kind.startswith("svc"):
        return "Services"
    if kind == "conn":
        return "Connection table"
    if kind == "netns":
        return "Namespaces"
    cps = f"{int(params.get('cp_services', 10000)):,}"
    return f"Control plane (ipvsadm), {cps} services"


def chart(table, outdir, params):
    """Bars of kvs against in-tree and no balancer (> 1: kvs better) with
    the rounds' spread, grouped by workload."""
    data = os.path.join(outdir, "chart.dat")
    png = os.path.join(outdir, "bench.png")
    groups = {}
    for t in table:
        r1, r2 = t["kvs/intree"], t["kvs/none"]
        if r1 is None and r2 is None:
            continue
        if t["better"] == "lower":
            r1 = 1 / r1 if r1 else None
            r2 = 1 / r2 if r2 else None
        bars = []
        for r, other in ((r1, "intree"), (r2, "none")):
            s1, s2 = t["kvs±%"], t[other + "±%"]
            # The ratio's spread: both spreads, in % of the ratio.
            err = r * (s1 + s2) / 100 if r and None not in (s1, s2) else None
            bars.append((r, err))
        groups.setdefault(group(t["row"], params), []).append(
            (label(t["row"], params), bars))
    if not groups or not shutil.which("gnuplot"):
        return None
    series = 2 if any(b[1][0] for g in groups.values() for _, b in g) else 1
    # Two panels, one above the other, if one would be too wide to read:
    # the break at the group boundary closest to half the bars.
    sizes = [len(rows) + 1 for rows in groups.values()]
    cut = len(sizes)
    if sum(sizes) > 30:
        cut = min(range(1, len(sizes)),
                  key=lambda c: abs(2 * sum(sizes[:c]) - sum(sizes)))
    slots = max(sum(sizes[:cut]), sum(sizes[cut:]))
    panels = [[], []]
    with open(data, "w") as f:
        for i, (title, rows) in enumerate(groups.items()):
            for name, bars in rows:
                f.write(f'"{name}"' + "".join(
                    f" {'NaN' if r is None else f'{r:.3f}'}"
                    f" {'NaN' if e is None else f'{e:.3f}'}"
                    for r, e in bars) + "\n")
            f.write("\n\n")
            plots = panels[i >= cut]
            plots.append(f'newhistogram "{title}" lt 1')
            for k, (color, what) in enumerate(
                    (("#9400d3", "kvs vs in-tree"),
                     ("#009e73", "kvs vs no balancer"))[:series]):
                using = f"{2 + 2 * k}:{3 + 2 * k}"
                if not any(b[k][0] for _, b in rows):
                    # Holds the bar's place: histograms want a valid point.
                    using, color = "(0):(0)", "#ff000000"
                using += ":xtic(1)" if k == 0 else ""
                key = f"title '{what}'" if i == 0 else "notitle"
                plots.append(f"'{data}' index {i} using {using}"
                             f" lc rgb '{color}' {key}")
    # The y axis up to the highest error bar, but not so far that the
    # bars are squeezed: a longer one runs into the top of the frame.
    ends = [(r, r + (e or 0)) for rows in groups.values()
            for _, bars in rows for r, e in bars if r]
    top = max([r for r, _ in ends] or [1])
    top = max(1.2 * top, min(1.6 * top, max([e for _, e in ends] or [1])))
    top = math.ceil(2 * top) / 2
    panels = [p for p in panels if p]
    width = max(900, (14 + 14 * series) * slots + 120)
    script = f"""
set terminal pngcairo size {width},{560 * len(panels)} noenhanced font ',11'
set output '{png}'
set multiplot layout {len(panels)},1 title \\
  "kvs relative to in-tree IPVS and to no balancer (above 1: kvs better)\\n\\
error bars: the spreads of the two medians added (half the range of their\\
 rounds); no bar: one round"
set style data histograms
set style histogram errorbars gap 1 lw 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set xtics rotate by 90 right scale 0 nomirror
set ytics nomirror
set xrange [-1:{slots - 1}]
set yrange [0:{top}]
set grid ytics
set key outside top center horizontal
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lw 2
"""
    script += "".join(f"plot {', '.join(p)}\n" for p in panels)
    script += "unset multiplot\n"
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True,
                       capture_output=True)
    except subprocess.CalledProcessError as e:
        print("report: gnuplot failed:", e.stderr.strip(), file=sys.stderr)
        return None
    return png


BEGIN = "<!-- bench:begin (scripts/bench --readme writes this part) -->"
END = "<!-- bench:end -->"


def update_readme(path, text):
    with open(path) as f:
        readme = f.read()
    if BEGIN not in readme or END not in readme:
        print(f"report: no bench markers in {path}: not updated", file=sys.stderr)
        return False
    head, rest = readme.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    with open(path, "w") as f:
        f.write(head + BEGIN + "\n" + text + END + tail)
    return True


def compare(table, other):
    """Rows of the two runs' medians and how far apart they lie
    (max/min - 1, in %), per balancer."""
    theirs = {t["row"]: t for t in other}
    lines = ["| workload | balancer | this run | other run | max/min - 1 |",
             "| --- | --- | ---: | ---: | ---: |"]
    worst = {}
    directs = set()
    for t in table:
        o = theirs.get(t["row"])
        if o is None:
            continue
        for cfg in CONFIGS:
            # The no-balancer ceiling is one row for several.
            if cfg == "none":
                if t["direct"] in directs:
                    continue
                directs.add(t["direct"])
            a, b = t[cfg], o[cfg]
            if a is None or b is None or min(a, b) <= 0:
                continue
            d = 100 * (max(a, b) / min(a, b) - 1)
            prefix = "vt" if t["row"].startswith("vt-") else "plain"
            worst[prefix] = max(worst.get(prefix, 0), d)
            lines.append(f"| {t['what']} | {cfg} | {a:,.1f} | {b:,.1f} "
                         f"| {d:.1f}% |")
    text = "\n".join(lines) + "\n"
    for prefix, d in sorted(worst.items()):
        text += f"\nlargest difference, {prefix} rows: {d:.1f}%"
    return text + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--readme")
    ap.add_argument("--chart-copy")
    ap.add_argument("--compare", metavar="OTHER_OUTDIR")
    args = ap.parse_args()
    table, skips, logs = build(args.outdir)
    if not table:
        print("report: no results in", args.outdir, file=sys.stderr)
        return 1
    if args.compare:
        other, _, _ = build(args.compare)
        print(compare(table, other), end="")
        return 0
    machine = {}
    mpath = os.path.join(args.outdir, "machine.txt")
    if os.path.exists(mpath):
        with open(mpath) as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition(" ")
                machine[k] = v
    why = incomplete(*logs, machine)
    for w in why:
        print("report: incomplete:", w, file=sys.stderr)
    text = markdown(table, skips, machine)
    with open(os.path.join(args.outdir, "table.md"), "w") as f:
        f.write(text)
    print(text, end="")
    png = chart(table, args.outdir, logs[3])
    print(f"report: {args.outdir}/bench.csv, results.csv, table.md"
          + (f", {os.path.basename(png)}" if png else " (no chart)"))
    if args.readme:
        if why:
            print(f"report: {args.readme} not updated: only a complete run"
                  " at a clean commit is published", file=sys.stderr)
            return 1
        if args.chart_copy:
            os.makedirs(os.path.dirname(args.chart_copy), exist_ok=True)
            if png:
                shutil.copyfile(png, args.chart_copy)
            shutil.copyfile(os.path.join(args.outdir, "results.csv"),
                            os.path.join(os.path.dirname(args.chart_copy),
                                         "results.csv"))
        if update_readme(args.readme, text):
            print(f"report: {args.readme} updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
