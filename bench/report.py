#!/usr/bin/env python3
"""Joins torchdist_bench's Google Benchmark JSON with the Python timings.

Prints one table, case by case: torchdist's time, the naive ATen version's,
torch.distributions' (when its JSON is given), the ratios naive/torchdist and
python/torchdist (> 1: torchdist is faster), and for the memory-bound cases
the bandwidth reference (the faster of a copy and a triad kernel over the
bytes the case must move) with torchdist's time as a fraction of it. Also
writes the table as markdown (--markdown, ./results.md by default).
Standard library only.

    python3 bench/report.py build-bench/torchdist_bench.json [--python python.json] [--markdown build-bench/results.md]
"""

import argparse
import datetime
import json
import os
import statistics
import sys

IMPLS = ("torchdist", "naive_aten")
UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def strip_suffixes(name):
    for suffix in ("/real_time", "/manual_time"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name


def load_cpp(path):
    """{run name: {"seconds": median real time, "bytes": ..., "error": ...}}, context, order of names."""
    with open(path) as f:
        data = json.load(f)
    runs, order = {}, []
    iterations = {}  # per-repetition entries, used when there are no aggregates
    for b in data.get("benchmarks", []):
        name = strip_suffixes(b.get("run_name", b["name"]))
        if name not in runs:
            runs[name] = {"seconds": None, "bytes": None, "error": None}
            order.append(name)
        entry = runs[name]
        if b.get("error_occurred"):
            entry["error"] = b.get("error_message", "error")
            continue
        if b.get("bytes"):  # the stddev and cv aggregates carry 0
            entry["bytes"] = int(b["bytes"])
        seconds = b["real_time"] * UNIT_SECONDS[b.get("time_unit", "ns")]
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                entry["seconds"] = seconds
        else:
            iterations.setdefault(name, []).append(seconds)
    for name, times in iterations.items():
        if runs[name]["seconds"] is None:
            runs[name]["seconds"] = statistics.median(times)
    return runs, data.get("context", {}), order


def fmt_time(seconds):
    if seconds is None:
        return "n/a"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} us"
    if seconds < 1.0:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def fmt_ratio(num, den, markdown):
    if num is None or den is None or den <= 0:
        return "n/a"
    r = num / den
    text = f"{r:.2f}x"
    if r < 0.995:  # torchdist is the slower one (by more than the rounding)
        return f"**{text}**" if markdown else text + " <"
    return text


def build_rows(runs, order, python):
    cases = []
    for name in order:
        if name.startswith("bandwidth/"):
            continue
        case, _, impl = name.rpartition("/")
        if impl in IMPLS and case not in cases:
            cases.append(case)
    for case in python:
        if case not in cases:
            cases.append(case)

    # Bandwidth references by byte count: the faster of copy and triad.
    refs = {}
    for name, entry in runs.items():
        if name.startswith("bandwidth/") and entry["seconds"] is not None and entry["bytes"]:
            kind = name.split("/")[1]
            refs.setdefault(entry["bytes"], {})[kind] = entry["seconds"]

    rows = []
    for case in cases:
        td = runs.get(case + "/torchdist", {})
        naive = runs.get(case + "/naive_aten", {})
        nbytes = td.get("bytes") or naive.get("bytes")
        ref = refs.get(nbytes, {}) if nbytes else {}
        rows.append({
            "case": case,
            "torchdist": td.get("seconds"),
            "torchdist_error": td.get("error"),
            "naive": naive.get("seconds"),
            "naive_error": naive.get("error"),
            "python": python.get(case),
            "bytes": nbytes,
            "ref": min(ref.values()) if ref else None,
        })
    return rows, refs


def table(rows, have_python, markdown):
    header = ["case", "torchdist", "naive ATen", "torch.distributions (Python)", "naive/torchdist",
              "python/torchdist", "bandwidth ref (bytes)", "torchdist % of bw"]
    body = []
    for r in rows:
        bw = f"{fmt_time(r['ref'])} ({r['bytes'] / 1e6:.1f} MB)" if r["ref"] else ""
        frac = ""
        if r["ref"] and r["torchdist"]:
            pct = 100.0 * r["ref"] / r["torchdist"]
            frac = f"{pct:.0f}%" if pct >= 10 else f"{pct:.1f}%"
        body.append([
            r["case"],
            fmt_time(r["torchdist"]),
            fmt_time(r["naive"]),
            fmt_time(r["python"]) if have_python else "not run",
            fmt_ratio(r["naive"], r["torchdist"], markdown),
            fmt_ratio(r["python"], r["torchdist"], markdown) if have_python else "not run",
            bw,
            frac,
        ])
    if markdown:
        lines = ["| " + " | ".join(header) + " |",
                 "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in body]
        return "\n".join(lines)
    widths = [max(len(header[i]), *(len(row[i]) for row in body)) if body else len(header[i])
              for i in range(len(header))]
    sep = "-+-".join("-" * w for w in widths)
    out = [" | ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths))), sep]
    for row in body:
        out.append(" | ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))))
    return "\n".join(out)


def header_lines(context, python_header, have_python, refs):
    threads = context.get("torch_num_threads", "?")
    lines = [
        f"torchdist_bench on {context.get('host_name', '?')} ({context.get('num_cpus', '?')} CPUs, "
        f"{context.get('mhz_per_cpu', '?')} MHz), {context.get('date', datetime.datetime.now().isoformat())}; "
        f"load average {', '.join(f'{x:.2f}' for x in context.get('load_avg', [])) or '?'} at the start",
        f"float32, CPU, {threads} thread(s) (at::set_num_threads / torch.set_num_threads; "
        f"TORCHDIST_BENCH_THREADS overrides), validate_args={context.get('validate_args', '?')} (the default) "
        f"in C++ and Python",
        "times: median over repetitions of the wall time per call; ratios > 1 mean torchdist is faster "
        "(marked when it is slower)",
    ]
    if "malloc" in context:
        lines.append(f"malloc (C++ and Python drivers): {context['malloc']}")
    if have_python:
        lines.append(f"Python: {python_header}" if python_header else "Python: torch.distributions")
    else:
        lines.append("Python: not run (python3 cannot import torch)")
    for nbytes in sorted(refs):
        parts = [f"{kind} {nbytes / refs[nbytes][kind] / 1e9:.1f} GB/s" for kind in sorted(refs[nbytes])]
        lines.append(f"bandwidth reference over {nbytes / 1e6:.1f} MB: " + ", ".join(parts))
    return lines


def notes(rows):
    out = []
    for r in rows:
        for impl, err in (("torchdist", r["torchdist_error"]), ("naive ATen", r["naive_error"])):
            if err:
                out.append(f"{r['case']} ({impl}): {err}")
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cpp_json", help="torchdist_bench --benchmark_format=json output")
    parser.add_argument("--python", help="bench/torch_distributions.py output (JSON {case: seconds})")
    parser.add_argument("--python-header", default="", help="one line describing the Python run")
    parser.add_argument("--markdown", default="results.md")
    args = parser.parse_args()

    runs, context, order = load_cpp(args.cpp_json)
    python = {}
    have_python = False
    if args.python and os.path.exists(args.python) and os.path.getsize(args.python) > 0:
        with open(args.python) as f:
            python = json.load(f)
        have_python = True

    rows, refs = build_rows(runs, order, python)
    head = header_lines(context, args.python_header, have_python, refs)
    errs = notes(rows)

    print("\n".join(head))
    print()
    print(table(rows, have_python, markdown=False))
    if errs:
        print()
        print("n/a or errors:")
        print("\n".join("  " + e for e in errs))

    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write("# Benchmark results\n\n")
            f.write("Produced by `bash scripts/run_benchmarks.sh` (bench/report.py).\n\n")
            f.write("\n".join(f"- {line}" for line in head) + "\n\n")
            f.write(table(rows, have_python, markdown=True) + "\n")
            if errs:
                f.write("\nn/a or errors:\n\n" + "\n".join(f"- {e}" for e in errs) + "\n")
        print(f"\nwrote {args.markdown}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
