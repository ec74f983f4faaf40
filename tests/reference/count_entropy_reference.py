#!/usr/bin/env python3
"""References for tests/distributions/test_count_entropy.cpp: entropies of
Binomial(n, p) and Multinomial(n, p) at 40 digits (mpmath).

- Binomial, standard deviation below 2000: the sum of -pmf log pmf over
  every k within 40 standard deviations (+ 60) of the mean (the rest is
  below 1e-300).
- Binomial, larger: the integral over k of the continuous extension of
  -pmf log pmf (loggamma), which equals the sum over integers to within
  exp(-2 pi^2 var) (Poisson summation; var >= 4e6 there).
- Multinomial, n <= 60: the sum over every count vector of the support.
- Multinomial, larger n: log Poi(n; n) - sum_k E[log Poi(X_k; n p_k)],
  X_k ~ Bin(n, p_k), each expectation summed as above.

Run with /usr/bin/python3 (Debian's python3-mpmath); prints C++ initializers.
"""
import itertools

import mpmath as mp

mp.mp.dps = 40


def log_binom_pmf(k, n, p):
    return (mp.loggamma(n + 1) - mp.loggamma(k + 1) - mp.loggamma(n - k + 1)
            + k * mp.log(p) + (n - k) * mp.log1p(-p))


def binom_window(n, p):
    mean, sd = n * p, mp.sqrt(n * p * (1 - p))
    lo = max(0, int(mp.floor(mean - 40 * sd - 60)))
    hi = min(int(n), int(mp.ceil(mean + 40 * sd + 60)))
    return range(lo, hi + 1)


def binomial_entropy(n, p):
    n, p = mp.mpf(n), mp.mpf(p)
    if n * p * (1 - p) < 2000 ** 2:
        return -mp.fsum(mp.exp(l) * l for l in (log_binom_pmf(k, n, p) for k in binom_window(n, p)))
    mean, sd = n * p, mp.sqrt(n * p * (1 - p))
    f = lambda k: -mp.exp(log_binom_pmf(k, n, p)) * log_binom_pmf(k, n, p)
    return mp.quad(f, mp.linspace(mean - 40 * sd, mean + 40 * sd, 41))


def log_poisson(x, m):
    return x * mp.log(m) - m - mp.loggamma(x + 1)


def multinomial_entropy(n, probs):
    # The doubles the test passes, normalised as the library does.
    probs = [mp.mpf(float(p)) for p in probs]
    probs = [p / mp.fsum(probs) for p in probs]
    if n <= 60:
        total = mp.mpf(0)
        for head in itertools.product(range(n + 1), repeat=len(probs) - 1):
            if sum(head) > n:
                continue
            x = list(head) + [n - sum(head)]
            l = mp.loggamma(n + 1) + mp.fsum(xi * mp.log(p) - mp.loggamma(xi + 1) for xi, p in zip(x, probs))
            total -= mp.exp(l) * l
        return total
    n = mp.mpf(n)
    expected = mp.mpf(0)
    for p in probs:
        expected += mp.fsum(mp.exp(log_binom_pmf(k, n, p)) * log_poisson(k, n * p) for k in binom_window(n, p))
    return log_poisson(n, n) - expected


BINOMIAL = [(0, 0.3), (1, 0.5), (10, 0.3), (255, 0.5), (256, 0.5), (1000, 0.01), (1e4, 0.999),
            (1e6, 0.5), (1e6, 1e-5), (1e6, 1e-4), (3e5, 0.37), (1e7, 0.5), (1e9, 0.5), (3e9, 0.2),
            (1e9, 1e-9), (1e12, 0.25), (100, 1e-7), (7, 1e-30), (255, 1 - 1e-9), (3, 0.999), (100, 1 - 1.1e-16), (10, 1e-200)]
MULTINOMIAL = [(5, (0.2, 0.3, 0.5)), (40, (0.7, 0.1, 0.2)), (60, (0.98, 0.01, 0.01)),
               (1000, (0.2, 0.3, 0.5)), (100000, (0.25, 0.25, 0.25, 0.25)), (100000, (0.999, 0.0005, 0.0005)),
               (255, (1 - 1e-12, 5e-13, 5e-13)), (10, (1e-30, 0.4, 0.6)), (255, (0.999999, 5e-7, 5e-7)),
               (200, (0.1, 0.2, 0.3, 0.4))]

if __name__ == "__main__":
    print("// {n, p, entropy}")
    for n, p in BINOMIAL:
        print("    {%r, %r, %s}," % (float(n), p, mp.nstr(binomial_entropy(n, p), 17)))
    print("// {n, {probs}, entropy}")
    for n, probs in MULTINOMIAL:
        print("    {%d, {%s}, %s}," % (n, ", ".join(repr(p) for p in probs), mp.nstr(multinomial_entropy(n, probs), 17)))
