#!/usr/bin/python3
"""The benchmark sweep: torchdist (td_sweep) against Python's torch.distributions
on every case cases.py generates from the families, plus the workflows.

Both sides get the same case list and time the same call: the distribution
constructed from its parameter tensors (validation on), then the method; for
KL both distributions, then kl_divergence; for a workflow its few lines of
user code. Float32, single thread by default. Per case, each side is prepared
(one call), its iteration count calibrated so that a block lasts about
--target-time, then --rounds rounds run one Python block and one td_sweep
block each, interleaved, so that both see the same machine state. Per side
the median over rounds of the time per call; ratio = Python / torchdist
(> 1: torchdist is faster).

The report (stdout; --markdown writes it too) sorts the cases by ratio and
gives the counts below 1x and 2x, the geometric mean of the ratio per size
and the worst case; then the cases torchdist runs alone (no Python
counterpart), those torchdist answers NotImplementedError for, and the
errors: a case that fails on one side (or both) other than as not
implemented, which is a finding, not a crash of the driver.

    /usr/bin/python3 bench/sweep/run_sweep.py [--sweep-binary PATH] [--threads 1] [--filter REGEX]
        [--sizes small,large,workflow] [--target-time 0.02] [--rounds 5] [--json OUT] [--markdown OUT]
        [--keep] [--quick]

--quick runs one block of one call per side: a smoke run whose exit status is
non-zero when the errors list is not empty.
"""

import argparse
import datetime
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import torch

import cases as C

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_BINARIES = ("build-bench/bench/sweep/td_sweep", "build/bench/sweep/td_sweep")
SIZE_ORDER = ("small", "large", "workflow")


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sweep-binary",
                    help="td_sweep (default: the first of %s that exists)" % ", ".join(DEFAULT_BINARIES))
    ap.add_argument("--threads", type=int, default=1, help="intra-op threads, both sides")
    ap.add_argument("--filter", default="", help="regular expression on the case name")
    ap.add_argument("--sizes", default=",".join(C.SIZES), help="comma-separated subset of small,large,workflow")
    ap.add_argument("--target-time", type=float, default=0.02, help="seconds per timed block")
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds per case")
    ap.add_argument("--json", help="write every case's result here")
    ap.add_argument("--markdown", help="write the report here")
    ap.add_argument("--keep", action="store_true", help="keep the case list and tensor files")
    ap.add_argument("--quick", action="store_true", help="one block of one call per side (smoke run)")
    args = ap.parse_args()
    unknown = set(args.sizes.split(",")) - set(C.SIZES)
    if unknown:
        ap.error("unknown sizes: %s" % ", ".join(sorted(unknown)))
    if args.sweep_binary is None:
        found = [p for p in (os.path.join(REPO, b) for b in DEFAULT_BINARIES) if os.path.exists(p)]
        if not found:
            ap.error("td_sweep not found; build it or pass --sweep-binary")
        args.sweep_binary = found[0]
    return args


class TdSweepError(Exception):
    pass


class TdSweep:
    """td_sweep as a subprocess: one JSON request a line, one reply a line.
    If it dies, the request that killed it is answered as an error and a new
    process takes over, so a crashing case is a finding, not the end of the sweep."""

    def __init__(self, binary, threads):
        self.binary, self.threads = binary, threads
        self.start()

    def start(self):
        self.proc = subprocess.Popen([self.binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        reply = self.request({"op": "threads", "n": self.threads})
        if not reply["ok"]:
            raise TdSweepError("td_sweep refused the thread count: %s" % reply.get("message"))

    def request(self, obj):
        try:
            self.proc.stdin.write(json.dumps(obj) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        except BrokenPipeError:
            line = ""
        if line:
            return json.loads(line)
        status = self.proc.wait()
        self.start()
        return {"ok": False, "error": "Crash", "message": "td_sweep exited with status %d" % status}

    def time(self, iters):
        reply = self.request({"op": "time", "iters": iters})
        if not reply["ok"]:
            raise TdSweepError("%s: %s" % (reply["error"], reply["message"]))
        return reply["seconds"]

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def describe(e):
    """An exception as the C++ side reports one: its Python class, then its first line."""
    return "%s: %s" % (C.R.error_class(e), (str(e).splitlines() or [""])[0])


def prepare_python(case):
    """(the timed call, None), or (None, the error) when the first call fails."""
    try:
        call = C.compile_call(case)
        call()
        return call, None
    except Exception as e:  # noqa: BLE001  (each case is isolated; the error is reported)
        return None, describe(e)


def python_block(call):
    """The Python side's block: `iters` calls in a plain loop, wall time by perf_counter."""
    def block(iters):
        start = time.perf_counter()
        for _ in range(iters):
            call()
        return time.perf_counter() - start
    return block


def calibrate(block, target):
    """Calls per block so that a block lasts about `target` seconds: one call
    first (a slow case stops there), then blocks ten times longer each until
    one lasts a tenth of the target, which sets the count."""
    iters, seconds = 1, block(1)
    while seconds < target / 10:
        iters *= 10
        seconds = block(iters)
    return max(1, round(iters * target / seconds))


def measure(blocks, args):
    """Median seconds per call of each block function over the rounds, the
    blocks run in turn within each round."""
    iters = [1] * len(blocks) if args.quick else [calibrate(b, args.target_time) for b in blocks]
    per_call = [[] for _ in blocks]
    for _ in range(1 if args.quick else args.rounds):
        for block, n, out in zip(blocks, iters, per_call):
            out.append(block(n) / n)
    return [statistics.median(x) for x in per_call]


def run_case(case, td, args):
    """The case's result: status "compared" (both timed), "torchdist_only"
    (no Python counterpart), "not_implemented" (in torchdist) or "error"."""
    res = {k: case[k] for k in ("name", "family", "param", "size", "kind")}
    py_call, py_error = prepare_python(case) if case["python"] else (None, None)
    reply = td.request({"op": "prepare", "case": case})
    td_error = None if reply["ok"] else "%s: %s" % (reply["error"], reply["message"])
    if py_error or (td_error and reply["error"] != "NotImplementedError"):
        return dict(res, status="error", python_error=py_error, torchdist_error=td_error)
    if td_error:
        return dict(res, status="not_implemented", python_has_it=case["python"], torchdist_error=td_error)
    try:
        if py_call is None:
            (td_s,) = measure([td.time], args)
            return dict(res, status="torchdist_only", torchdist_s=td_s)
        py_s, td_s = measure([python_block(py_call), td.time], args)
    except TdSweepError as e:  # a failure after a successful first call: reported
        return dict(res, status="error", python_error=None, torchdist_error=str(e))
    except Exception as e:  # noqa: BLE001  (the same on the Python side)
        return dict(res, status="error", python_error=describe(e), torchdist_error=None)
    return dict(res, status="compared", torchdist_s=td_s, python_s=py_s, ratio=py_s / td_s)


def progress(i, total, r):
    if r["status"] == "compared":
        what = "torchdist %s us  python %s us  %.2fx" % (us(r["torchdist_s"]), us(r["python_s"]), r["ratio"])
    elif r["status"] == "torchdist_only":
        what = "torchdist %s us  (no Python counterpart)" % us(r["torchdist_s"])
    elif r["status"] == "not_implemented":
        what = "not implemented in torchdist"
    else:
        what = "ERROR  python: %s  torchdist: %s" % (r["python_error"] or "ok", r["torchdist_error"] or "ok")
    print("[%*d/%d] %s  %s" % (len(str(total)), i, total, r["name"], what), file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# The report.


def us(seconds):
    return "{:,.1f}".format(seconds * 1e6)


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def summary_lines(compared):
    """Counts below 1x and 2x, geometric mean per size, the worst case."""
    if not compared:
        return ["No case was timed on both sides."]
    n = len(compared)
    below1 = sum(r["ratio"] < 1 for r in compared)
    below2 = sum(r["ratio"] < 2 for r in compared)
    means = []
    for size in SIZE_ORDER:
        ratios = [r["ratio"] for r in compared if r["size"] == size]
        if ratios:
            means.append("%s %.2fx (%d cases)" % (size, geomean(ratios), len(ratios)))
    worst = compared[0]
    return ["Below 1x: %d of %d. Below 2x: %d of %d." % (below1, n, below2, n),
            "Geometric mean of the ratio: %s." % ", ".join(means),
            "Worst: %s, %.2fx (torchdist %s us, Python %s us)." % (
                worst["name"], worst["ratio"], us(worst["torchdist_s"]), us(worst["python_s"]))]


def table(header, rows, numeric):
    """A markdown table, one line a row, the first `numeric` columns after the
    case name right-aligned; "|" in a cell (KL's "p||q") escaped. "None." for no rows."""
    if not rows:
        return ["None."]
    align = ["---"] + ["--:"] * numeric + ["---"] * (len(header) - 1 - numeric)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    return lines + ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]


def report(results, settings):
    """The report as markdown."""
    by_status = {s: [r for r in results if r["status"] == s]
                 for s in ("compared", "torchdist_only", "not_implemented", "error")}
    compared = sorted(by_status["compared"], key=lambda r: r["ratio"])
    lines = ["# torchdist sweep", "",
             "%s; threads %d; torch %s; %d cases: %d compared, %d torchdist only, %d not implemented in torchdist "
             "(%d of them not in torch either), %d errors; %s." % (
                 settings["date"], settings["threads"], settings["torch"], len(results), len(compared),
                 len(by_status["torchdist_only"]), len(by_status["not_implemented"]),
                 sum(not r["python_has_it"] for r in by_status["not_implemented"]), len(by_status["error"]),
                 settings["timing"]),
             "Ratio = Python time / torchdist time (> 1: torchdist is faster); times are medians per call.", ""]
    lines += summary_lines(compared) + [""]
    lines += table(["case", "torchdist (us)", "Python (us)", "ratio"],
                   [[r["name"], us(r["torchdist_s"]), us(r["python_s"]), "%.2f" % r["ratio"]] for r in compared], 3)
    lines += ["", "## No Python counterpart (torchdist alone, not in the ratios)", ""]
    lines += table(["case", "torchdist (us)"],
                   [[r["name"], us(r["torchdist_s"])] for r in by_status["torchdist_only"]], 1)
    lines += ["", "## Not implemented in torchdist", ""]
    lines += table(["case", "torch has it", "torchdist"],
                   [[r["name"], "yes" if r["python_has_it"] else "no", r["torchdist_error"]]
                    for r in by_status["not_implemented"]], 0)
    lines += ["", "## Errors", ""]
    lines += table(["case", "Python", "torchdist"],
                   [[r["name"], r["python_error"] or "ok", r["torchdist_error"] or "ok"]
                    for r in by_status["error"]], 0)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    directory = tempfile.mkdtemp(prefix="td_sweep.")
    td = None
    try:
        print("generating cases in %s" % directory, file=sys.stderr, flush=True)
        cases = C.generate(directory, args.filter, args.sizes.split(","))
        with open(os.path.join(directory, "cases.jsonl"), "w") as f:
            f.writelines(json.dumps(c) + "\n" for c in cases)
        td = TdSweep(args.sweep_binary, args.threads)
        results = []
        for i, case in enumerate(cases, 1):
            results.append(run_case(case, td, args))
            progress(i, len(cases), results[-1])
    finally:
        if td is not None:
            td.close()
        if args.keep:
            print("case list and tensors kept in %s" % directory, file=sys.stderr)
        else:
            shutil.rmtree(directory)
    timing = "quick: one call per side" if args.quick else "%g s per block, %d rounds" % (args.target_time, args.rounds)
    settings = {"date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), "threads": args.threads,
                "torch": torch.__version__, "timing": timing, "filter": args.filter, "sizes": args.sizes,
                "binary": args.sweep_binary}
    text = report(results, settings)
    sys.stdout.write(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"settings": settings, "results": results}, f, indent=1)
    errors = [r for r in results if r["status"] == "error"]
    if args.quick and errors:
        print("%d cases failed: see the Errors list" % len(errors), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
