#!/usr/bin/env python3
"""References for tests/distributions/test_gamma.cpp (large a): dP(a, x)/da,
the derivative of the regularized lower incomplete gamma function in a, at 90
digits (mpmath), for a from 1e6 to 1e30 and x = a + k sqrt(a).

    dP/da = (1 / Gamma(a)) integral_0^x t^(a-1) e^-t (log t - digamma(a)) dt,

integrated by mpmath.quad in s = (t - a) / sqrt(a), split at the bulk; the
high precision absorbs the ~a log(a) cancellation in the exponent. Checked
against mpmath.diff of mpmath.gammainc at a = 1e6 (20 digits agree). The upper
tail (x far above a) is left out: there the integral is 1 - Q and loses Q's
digits.

Run with /usr/bin/python3 (Debian's python3-mpmath); prints C++ initializers (doubles, shortest round-trip form)
{a, x, dP/da}.
"""
import mpmath as mp

mp.mp.dps = 90


def grad_a(a, x):
    a, x = mp.mpf(a), mp.mpf(x)
    sa, lg, psi = mp.sqrt(a), mp.loggamma(a), mp.digamma(a)

    def f(s):
        t = a + s * sa
        return mp.exp((a - 1) * mp.log(t) - t - lg) * sa * (mp.log(t) - psi) if t > 0 else mp.mpf(0)

    k = (x - a) / sa
    cuts = sorted(set(min(k, v) for v in (-20, -5, -1, 0, 1, 5)) | {k})
    return mp.quad(f, [-mp.inf] + cuts)


def main():
    for a in (999999.0, 1e6, 1e7, 1e10, 1e15, 1e20, 1e30):
        for k in (-38, -5, -1, 0, 0.5, 3, 10):
            x = float(mp.mpf(a) + k * mp.sqrt(a))
            print("      {%r, %r, %r}," % (a, x, float(grad_a(a, x))))


if __name__ == "__main__":
    main()
