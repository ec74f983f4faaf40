#!/usr/bin/env python3
"""Prints the Chebyshev coefficients of src/formulas/bessel.h (mpmath, 50 digits).

The exponentially scaled modified Bessel functions i0e(x) = exp(-x) I0(x) and
i1e(x) = exp(-x) I1(x) are expanded on two ranges each, in a variable t in
[-1, 1]:
  [0, 8]:   x = 4 (t + 1);  i0e(x) = A0(t),  i1e(x) = x A1(t)
  [8, inf): x = 16 / (t + 1); i0e(x) = B0(t) / sqrt(x), i1e(x) = B1(t) / sqrt(x)
Each series is sum_k c_k T_k(t) (c_0 already halved), interpolated at 90
Chebyshev nodes and cut where the coefficients fall below 1e-18 of the
largest (double precision); `single` is where they fall below 2e-9 (float).

Usage: /usr/bin/python3 scripts/gen_bessel_chebyshev.py > /tmp/coefficients.txt
       /usr/bin/python3 scripts/gen_bessel_chebyshev.py --check src/formulas/bessel.h
(--check: exit status 1 unless the header holds exactly these tables; ctest's
bessel_coefficients runs it.)
"""
import sys

import mpmath as mp

mp.mp.dps = 50
NODES = 90


def chebyshev(f):
    nodes = [mp.cos(mp.pi * (j + mp.mpf(1) / 2) / NODES) for j in range(NODES)]
    values = [f(t) for t in nodes]
    coefficients = []
    for k in range(NODES):
        s = mp.fsum(values[j] * mp.cos(mp.pi * k * (j + mp.mpf(1) / 2) / NODES) for j in range(NODES))
        coefficients.append(2 * s / NODES)
    coefficients[0] /= 2
    return coefficients


def length(coefficients, tolerance):
    scale = max(abs(c) for c in coefficients[:3])
    return max(k for k, c in enumerate(coefficients) if abs(c) > tolerance * scale) + 1


SERIES = {
    "A0": lambda t: (lambda x: mp.exp(-x) * mp.besseli(0, x))(4 * (t + 1)),
    "A1": lambda t: (lambda x: mp.exp(-x) * mp.besseli(1, x) / x)(4 * (t + 1)),
    "B0": lambda s: (lambda x: mp.sqrt(x) * mp.exp(-x) * mp.besseli(0, x))(16 / (s + 1)),
    "B1": lambda s: (lambda x: mp.sqrt(x) * mp.exp(-x) * mp.besseli(1, x))(16 / (s + 1)),
}

lines = []
for name, f in SERIES.items():
    c = chebyshev(f)
    n, single = length(c, 1e-18), length(c, 2e-9)
    lines.append(f"// {name}: {n} terms in double, the first {single} in float.")
    lines.append(f"constexpr double k{name}[{n}] = {{")
    for k in range(0, n, 3):
        lines.append("    " + " ".join(mp.nstr(x, 17, min_fixed=0, max_fixed=0) + "," for x in c[k:min(k + 3, n)]))
    lines.append("};")
    lines.append(f"constexpr int k{name}Single = {single};")
tables = "\n".join(lines) + "\n"

if len(sys.argv) == 3 and sys.argv[1] == "--check":
    with open(sys.argv[2]) as header:
        if tables not in header.read():
            sys.exit("%s does not hold the tables this script generates" % sys.argv[2])
else:
    sys.stdout.write(tables)
