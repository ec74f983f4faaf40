#!/usr/bin/env python3
"""The benchmark suite's cases with Python's torch.distributions.

Same cases, shapes, dtype (float32), device (CPU) and thread count as
torchdist_bench (bench/*.cpp); the case names match the C++ ones without
their "/torchdist" or "/naive_aten" suffix. validate_args is left at its
default (True), as in the C++ library and as a user would. Each case is
warmed up, then timed timeit-style: the number of calls per repeat is chosen
so that a repeat lasts at least --min-time seconds, and the median over
--repetitions repeats of the time per call is reported.

Like torchdist_bench, it keeps freed memory in glibc's heap unless
TORCHDIST_BENCH_MALLOC=system (see configure_malloc).

Prints JSON {case: median_seconds_per_call} on stdout; the settings and the
progress go to stderr.

    python3 bench/torch_distributions.py [--threads N] [--repetitions 5] [--min-time 0.2] [--filter REGEX]
"""

import argparse
import ctypes
import json
import math
import os
import re
import statistics
import sys
import time

import torch
import torch.nn.functional as F
from torch.distributions import (Bernoulli, Beta, Binomial, Categorical, Distribution, Gamma, Normal, Poisson,
                                 RelaxedOneHotCategorical, kl_divergence)

# Sizes: keep in sync with bench/bench_common.h.
N = 1_000_000
ROWS, COLS = 4096, 1000
CATEGORIES = 8
BINOMIAL_COUNT = 100
RELAXED_TEMPERATURE = 0.5
GUMBEL_TAU = 1.0
F32 = torch.float32


def seeded(seed):
    return torch.Generator().manual_seed(seed)


def uniform(shape, lo, hi, seed):
    return torch.empty(shape, dtype=F32).uniform_(lo, hi, generator=seeded(seed))


def normal(shape, mean, std, seed):
    return torch.empty(shape, dtype=F32).normal_(mean, std, generator=seeded(seed))


# Each case: a function that builds its inputs (untimed) and returns the
# callable that is timed.


def latency_categorical():
    logits8 = normal((CATEGORIES,), 0.0, 1.0, 11)

    def step():
        d = Categorical(logits=logits8)
        return d.log_prob(d.sample())
    return step


def latency_normal():
    loc = torch.tensor(0.5, dtype=F32, requires_grad=True)
    scale = torch.tensor(1.5, dtype=F32, requires_grad=True)

    def step():
        d = Normal(loc, scale)
        return d.log_prob(d.rsample())
    return step


def latency_bernoulli():
    prob = torch.tensor(0.3, dtype=F32)

    def step():
        d = Bernoulli(probs=prob)
        return d.log_prob(d.sample())
    return step


def log_prob_normal():
    loc, scale, x = normal((N,), 0.0, 1.0, 21), uniform((N,), 0.5, 2.0, 22), normal((N,), 0.0, 1.0, 23)
    d = Normal(loc, scale)
    return lambda: d.log_prob(x)


def log_prob_bernoulli():
    logits = normal((N,), 0.0, 2.0, 31)
    value = uniform((N,), 0.0, 1.0, 32).lt(0.5).to(F32)
    d = Bernoulli(logits=logits)
    return lambda: d.log_prob(value)


def log_prob_beta():
    c1, c0, x = uniform((N,), 0.5, 5.0, 41), uniform((N,), 0.5, 5.0, 42), uniform((N,), 0.01, 0.99, 43)
    d = Beta(c1, c0)
    return lambda: d.log_prob(x)


def log_prob_gamma():
    conc, rate, x = uniform((N,), 0.5, 5.0, 51), uniform((N,), 0.5, 2.0, 52), uniform((N,), 0.01, 5.0, 53)
    d = Gamma(conc, rate)
    return lambda: d.log_prob(x)


def log_prob_poisson():
    rate = uniform((N,), 0.5, 10.0, 61)
    value = torch.poisson(rate, generator=seeded(62))
    d = Poisson(rate)
    return lambda: d.log_prob(value)


def log_prob_categorical():
    logits = normal((ROWS, COLS), 0.0, 1.0, 71)
    value = torch.randint(0, COLS, (ROWS,), generator=seeded(72))
    return lambda: Categorical(logits=logits).log_prob(value)


def sampling_inputs():
    return {
        "loc": normal((N,), 0.0, 1.0, 101),
        "scale": uniform((N,), 0.5, 2.0, 102),
        "concentration": uniform((N,), 0.5, 5.0, 103),
        "rate": uniform((N,), 0.5, 2.0, 104),
        "concentration0": uniform((N,), 0.5, 5.0, 105),
        "probs": uniform((N,), 0.05, 0.95, 106),
        "logits": normal((ROWS, COLS), 0.0, 1.0, 107),
        "grad_out": normal((ROWS, COLS), 0.0, 1.0, 108),
    }


def sample_normal():
    s = sampling_inputs()
    d = Normal(s["loc"], s["scale"])
    return d.rsample


def sample_gamma():
    s = sampling_inputs()
    d = Gamma(s["concentration"], s["rate"])
    return d.rsample


def sample_beta():
    s = sampling_inputs()
    d = Beta(s["concentration"], s["concentration0"])
    return d.rsample


def sample_binomial():
    s = sampling_inputs()
    d = Binomial(BINOMIAL_COUNT, probs=s["probs"])
    return d.sample


def sample_categorical():
    s = sampling_inputs()
    d = Categorical(logits=s["logits"])
    return d.sample


def sample_relaxed_one_hot_categorical():
    s = sampling_inputs()
    d = RelaxedOneHotCategorical(RELAXED_TEMPERATURE, logits=s["logits"])
    return d.rsample


def gumbel_softmax_fwd_bwd():
    s = sampling_inputs()
    logits = s["logits"].detach().clone().requires_grad_(True)
    grad_out = s["grad_out"]

    def step():
        y = F.gumbel_softmax(logits, tau=GUMBEL_TAU, hard=True)
        return torch.autograd.grad(y, logits, grad_out)[0]
    return step


def kl_normal_normal():
    p = Normal(normal((N,), 0.0, 1.0, 201), uniform((N,), 0.5, 2.0, 202))
    q = Normal(normal((N,), 0.0, 1.0, 203), uniform((N,), 0.5, 2.0, 204))
    return lambda: kl_divergence(p, q)


CASES = {
    "latency/Categorical_8_ctor_sample_log_prob": latency_categorical,
    "latency/Normal_scalar_ctor_rsample_log_prob": latency_normal,
    "latency/Bernoulli_1_ctor_sample_log_prob": latency_bernoulli,
    "log_prob/Normal_1e6": log_prob_normal,
    "log_prob/Bernoulli_logits_1e6": log_prob_bernoulli,
    "log_prob/Beta_1e6": log_prob_beta,
    "log_prob/Gamma_1e6": log_prob_gamma,
    "log_prob/Poisson_1e6": log_prob_poisson,
    "log_prob/Categorical_4096x1000_ctor_log_prob": log_prob_categorical,
    "sample/Normal_rsample_1e6": sample_normal,
    "sample/Gamma_rsample_1e6": sample_gamma,
    "sample/Beta_rsample_1e6": sample_beta,
    "sample/Binomial_n100_1e6": sample_binomial,
    "sample/Categorical_4096x1000": sample_categorical,
    "sample/RelaxedOneHotCategorical_rsample_4096x1000": sample_relaxed_one_hot_categorical,
    "sample/gumbel_softmax_hard_fwd_bwd_4096x1000": gumbel_softmax_fwd_bwd,
    "kl/Normal_Normal_1e6": kl_normal_normal,
}


def configure_malloc():
    """Keeps freed memory in glibc's heap, as bench/main.cpp does (see there):
    otherwise whether a big temporary is page-faulted in again each call
    depends on the heap's state, not on the code. TORCHDIST_BENCH_MALLOC=system
    keeps glibc's defaults."""
    if os.environ.get("TORCHDIST_BENCH_MALLOC") == "system":
        return "system defaults (TORCHDIST_BENCH_MALLOC=system)"
    try:
        libc = ctypes.CDLL("libc.so.6")
        m_trim_threshold, m_mmap_threshold = -1, -3
        if libc.mallopt(m_mmap_threshold, 32 << 20) and libc.mallopt(m_trim_threshold, 1 << 30):
            return "glibc keeps freed memory (M_MMAP_THRESHOLD 32 MiB, M_TRIM_THRESHOLD 1 GiB)"
    except (OSError, AttributeError):
        pass
    return "system defaults (not glibc)"


def time_case(step, repetitions, min_time):
    """Median seconds per call over `repetitions` repeats of `number` calls."""
    for _ in range(2):  # warm-up (also fills torch's lazy properties)
        step()
    number = 1
    while True:  # timeit's autorange: grow until one repeat takes min_time
        start = time.perf_counter()
        for _ in range(number):
            step()
        elapsed = time.perf_counter() - start
        if elapsed >= min_time:
            break
        number = max(number * 2, int(math.ceil(number * min_time / max(elapsed, 1e-9) * 1.1)))
    times = [elapsed / number]
    for _ in range(repetitions - 1):
        start = time.perf_counter()
        for _ in range(number):
            step()
        times.append((time.perf_counter() - start) / number)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=int(os.environ.get("TORCHDIST_BENCH_THREADS") or 1))
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--min-time", type=float, default=0.2, help="seconds per repeat, at least")
    parser.add_argument("--filter", default="", help="regex on the case names")
    args = parser.parse_args()

    malloc_setting = configure_malloc()
    torch.set_num_threads(max(args.threads, 1))
    Distribution.set_default_validate_args(True)  # the default (outside python -O); explicit here
    print(f"# torch.distributions (torch {torch.__version__}): float32, CPU, "
          f"torch.set_num_threads({torch.get_num_threads()}), validate_args=True (default), "
          f"median of {args.repetitions} repeats of >= {args.min_time} s; malloc: {malloc_setting}", file=sys.stderr)

    results = {}
    for name, make in CASES.items():
        if args.filter and not re.search(args.filter, name):
            continue
        torch.manual_seed(1234)
        try:
            results[name] = time_case(make(), args.repetitions, args.min_time)
            print(f"{name:55s} {results[name] * 1e6:12.1f} us", file=sys.stderr)
        except Exception as e:  # noqa: BLE001 -- report the case as missing, keep going
            print(f"{name:55s} failed: {type(e).__name__}: {e}", file=sys.stderr)
    json.dump(results, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
