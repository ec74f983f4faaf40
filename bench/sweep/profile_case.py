#!/usr/bin/python3
"""Where a sweep case spends its time, on both sides: the ATen operators one
call dispatches, with their counts and inclusive times per call, for
torchdist (td_sweep's "ops" request) beside Python's torch.distributions
(torch.autograd.profiler), and each side's wall time per call.

This is the evidence BENCHMARKS.md cites for a slow case: two sides bound by
the same operator (a Cholesky, a sampler) show it at the top of both lists
with about the same time.

    /usr/bin/python3 bench/sweep/profile_case.py REGEX [--sweep-binary PATH] [--iters 20] [--top 12]
        [--threads 1]

The cases are those run_sweep.py generates whose name matches REGEX.
Times include the recording's own overhead, which is larger per operator
in Python's profiler; compare the operators, not the totals. The exit status
is non-zero when no case matches or a case fails on either side (ctest's
profile_smoke runs it on two cases so that it cannot rot).
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

import torch

import cases as C
import run_sweep as S


def python_ops(call, iters):
    """{name: (count, inclusive us)} per call, from torch's profiler."""
    with torch.autograd.profiler.profile() as prof:
        for _ in range(iters):
            call()
    return {e.key: (e.count / iters, e.cpu_time_total / iters) for e in prof.key_averages()}


def torchdist_ops(td, iters):
    reply = td.request({"op": "ops", "iters": iters})
    if not reply["ok"]:
        raise S.TdSweepError("%s: %s" % (reply["error"], reply["message"]))
    return {k: (v[0] / iters, v[1] / iters) for k, v in reply["ops"].items()}


def wall(block, iters):
    start = time.perf_counter()
    block(iters)
    return (time.perf_counter() - start) / iters * 1e6


def show(title, ops, top):
    print("  %s: %d operator calls per call" % (title, round(sum(c for c, _ in ops.values()))))
    for name, (count, us) in sorted(ops.items(), key=lambda kv: -kv[1][1])[:top]:
        print("    %10.1f us  %6.1f x  %s" % (us, count, name))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("filter", help="regular expression on the case name")
    ap.add_argument("--sweep-binary", help="td_sweep (default as run_sweep.py)")
    ap.add_argument("--iters", type=int, default=20, help="profiled calls per side")
    ap.add_argument("--top", type=int, default=12, help="operators shown per side")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    if args.sweep_binary is None:
        found = [p for p in (os.path.join(S.REPO, b) for b in S.DEFAULT_BINARIES) if os.path.exists(p)]
        if not found:
            ap.error("td_sweep not found; build it or pass --sweep-binary")
        args.sweep_binary = found[0]
    torch.set_num_threads(args.threads)
    directory = tempfile.mkdtemp(prefix="td_profile.")
    td = None
    failures = 0
    try:
        cases = C.generate(directory, args.filter)
        if not cases:
            print("no case matches %r" % args.filter, file=sys.stderr)
            failures += 1
        td = S.TdSweep(args.sweep_binary, args.threads)
        for case in cases:
            print(case["name"])
            reply = td.request({"op": "prepare", "case": case})
            if not reply["ok"]:
                print("  torchdist: %s: %s" % (reply["error"], reply["message"]))
                failures += 1
                continue
            td_us = wall(lambda n: td.time(n), args.iters)
            show("torchdist %.1f us per call" % td_us, torchdist_ops(td, args.iters), args.top)
            call, error = S.prepare_python(case) if C.has_python(case) else (None, "no Python counterpart")
            if call is None:
                print("  Python: %s" % error)
                failures += call is None and C.has_python(case)
                continue
            py_us = wall(lambda n: [call() for _ in range(n)], args.iters)
            show("Python %.1f us per call" % py_us, python_ops(call, args.iters), args.top)
    finally:
        if td is not None:
            td.close()
        shutil.rmtree(directory)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
