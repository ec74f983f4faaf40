#!/usr/bin/python3
"""Bad-input suite (issue 14, item 3): every family and composite the
differential evaluator's factory knows, fed NaN, +-inf, 0, -0, negative,
subnormal and huge (1e38) parameters and values, empty tensors, shapes that do
not broadcast, int64 / float32 / float64 mixes and requires_grad, with
validation on and off, through every method (construct, sample, rsample,
log_prob, cdf, icdf, entropy, mean, mode, variance, stddev,
enumerate_support).

Expectations:
  - never a crash, an abort or a hang (each case is isolated: the evaluator
    runs in batches; a batch whose process dies or runs past its time limit is
    bisected down to the case, which is recorded as CRASH or HANG, and the run
    goes on);
  - validation on: an invalid parameter is a ValueError at construction whose
    message names the family and the argument; an invalid value a ValueError
    (or NotImplementedError where the method is lacking) naming the family;
    never a RuntimeError from ATen's internals; valid input is not rejected;
  - validation off: no crash; a result or an error;
  - every result has the shape its batch/event shapes imply; empty batches
    give batch_shape [0] and empty results.

Deliberate (README "Where this differs"): infinite parameters are a
ValueError "<Family>: <arg> must be finite" with validation on, except logits,
which may be +-inf.

Views: every batched parameter and the value as a strided view (every other
element of a longer buffer, NaN in the gaps) and as an expanded one (stride 0),
with validation on and off requires_grad, each beside a contiguous twin with the
same values: both must give the same results and gradients.

Known, not yet fixed defects are in KNOWN_BAD_INPUT_DEFECTS; each entry must
match at least one case (a stale entry fails the run), and every excused case
is counted in the summary.

Run: /usr/bin/python3 run_bad_input.py --evaluator build/tests/differential/td_differential_eval
The last line is "N passed, M failed"; the exit status is non-zero on any failure.
"""

import argparse
import collections
import json
import math
import random
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch

import run_differential as R

F64, F32 = torch.float64, torch.float32
METHODS = ("shapes", "sample", "rsample", "log_prob", "cdf", "icdf", "entropy", "mean", "mode", "variance",
           "stddev", "enumerate_support")
VALUE_METHODS = ("log_prob", "cdf", "icdf")
SAMPLE_SHAPE = [2]
NAN, INF = math.nan, math.inf

# ---------------------------------------------------------------------------
# Which scalar values each kind of parameter accepts: True (valid), False
# (invalid: validation must raise ValueError), None (either is fine).


def finite(x):
    return not (math.isnan(x) or math.isinf(x))


def logits_ok(x):
    if math.isnan(x):
        return False
    return None if math.isinf(x) else True  # +-inf logits are allowed (README); what they mean varies


KINDS = {
    "real": finite,
    "pos": lambda x: finite(x) and x > 0,
    "nonneg": lambda x: finite(x) and x >= 0,
    "unit": lambda x: finite(x) and 0 <= x <= 1,
    "geo_probs": lambda x: None if x == 0 else (finite(x) and 0 < x <= 1),
    "logits": logits_ok,
    "count": lambda x: finite(x) and x >= 0 and x == math.floor(x),
    "simplex_elem": lambda x: finite(x) and x >= 0,  # Categorical normalizes probs
    "wishart_df": lambda x: finite(x) and x > 1,  # df > p - 1, p = 2
    "cov00": lambda x: finite(x) and x > 0.09 + 1e-12,  # [[x, .3], [.3, 1]] is positive definite
    "low": lambda x: finite(x) and x < 1.5,  # Uniform(low, high = 1.5)
    "high": lambda x: finite(x) and x > 0.5,  # Uniform(low = 0.5, high)
    "transform": lambda x: None,  # transforms' parameters are not validated by torch
}

# The scalar perturbations; the subnormal depends on the dtype.
PERTURBATIONS = [("nan", NAN), ("+inf", INF), ("-inf", -INF), ("0", 0.0), ("-0", -0.0), ("negative", -1.5),
                 ("subnormal", None), ("1e38", 1e38)]


def subnormal(dtype):
    return R.TINY[dtype]


# ---------------------------------------------------------------------------
# The families: for each parameter its good value (one batch element, with
# its event shape), and the elements to perturb with the kind that decides
# validity. Every tensor parameter is broadcast to batch [2] (+ event);
# element 1 of the batch is perturbed, element 0 stays good.


class P:
    def __init__(self, good, perturb=((), "real"), nograd=False, batched=True):
        self.good = good
        self.batched = batched  # False: the tensor keeps its own shape (a 0-dim temperature)
        self.perturb = list(perturb) if isinstance(perturb, list) else [perturb]
        self.nograd = nograd


def E(idx, kind):
    return (tuple(idx), kind)


loc, scale, conc = P(0.5, E((), "real")), P(1.5, E((), "pos")), P(1.5, E((), "pos"))
probs, logits = P(0.3, E((), "unit")), P(-0.4, E((), "logits"))
cat_probs = P([0.2, 0.3, 0.5], E([1], "simplex_elem"))
cat_logits = P([0.2, -0.3, 0.5], E([1], "logits"))
tril = P([[2.0, 0.0], [0.3, 1.0]], [E([0, 0], "pos"), E([1, 0], "real")])
cov = P([[2.0, 0.3], [0.3, 1.0]], [E([0, 0], "cov00")])

FAMILIES = []  # (family, form label, {param: P}, {int param: (good, [(label, value, valid)])}, nested)


def fam(name, params, label="", ints=None, nested=None):
    FAMILIES.append((name, label or name, params, ints or {}, nested or {}))


for f in ("Normal", "Cauchy", "Laplace", "Gumbel", "LogNormal"):
    fam(f, {"loc": loc, "scale": scale})
fam("LogisticNormal", {"loc": P([0.5, -0.2], E([0], "real")), "scale": P([1.5, 0.5], E([1], "pos"))})
fam("HalfNormal", {"scale": scale})
fam("HalfCauchy", {"scale": scale})
fam("Uniform", {"low": P(0.5, E((), "low")), "high": P(1.5, E((), "high"))})
for f in ("Beta", "Kumaraswamy"):
    fam(f, {"concentration1": conc, "concentration0": conc})
for f in ("Gamma", "InverseGamma"):
    fam(f, {"concentration": conc, "rate": scale})
fam("Chi2", {"df": conc})
fam("Exponential", {"rate": scale})
fam("Poisson", {"rate": P(1.5, E((), "nonneg"))})
fam("StudentT", {"df": conc, "loc": loc, "scale": scale})
fam("FisherSnedecor", {"df1": conc, "df2": conc})
fam("VonMises", {"loc": loc, "concentration": conc})
fam("Pareto", {"scale": scale, "alpha": conc})
fam("Weibull", {"scale": scale, "concentration": conc})
fam("GeneralizedPareto", {"loc": loc, "scale": scale, "concentration": P(0.1, E((), "real"))})
fam("Dirichlet", {"concentration": P([1.5, 0.5, 2.0], E([1], "pos"))})
for f in ("Bernoulli", "ContinuousBernoulli"):
    fam(f, {"probs": probs}, f + "(probs)")
    fam(f, {"logits": logits}, f + "(logits)")
fam("Geometric", {"probs": P(0.3, E((), "geo_probs"))}, "Geometric(probs)")
fam("Geometric", {"logits": logits}, "Geometric(logits)")
for f in ("Categorical", "OneHotCategorical", "OneHotCategoricalStraightThrough"):
    fam(f, {"probs": cat_probs}, f + "(probs)")
    fam(f, {"logits": cat_logits}, f + "(logits)")
fam("Binomial", {"total_count": P(10.0, E((), "count"), nograd=True), "probs": probs}, "Binomial(probs)")
fam("Binomial", {"total_count": P(10.0, E((), "count"), nograd=True), "logits": logits}, "Binomial(logits)")
fam("NegativeBinomial", {"total_count": P(10.0, E((), "nonneg"), nograd=True), "probs": probs},
    "NegativeBinomial(probs)")
fam("NegativeBinomial", {"total_count": P(10.0, E((), "nonneg"), nograd=True), "logits": logits},
    "NegativeBinomial(logits)")
MULTINOMIAL_COUNTS = (10, [("total_count=-1", -1, False), ("total_count=0", 0, True),
                           ("total_count=2^40", 2 ** 40, True)])
fam("Multinomial", {"probs": cat_probs}, "Multinomial(probs)", ints={"total_count": MULTINOMIAL_COUNTS})
fam("Multinomial", {"logits": cat_logits}, "Multinomial(logits)", ints={"total_count": MULTINOMIAL_COUNTS})
for f in ("RelaxedBernoulli", "LogitRelaxedBernoulli"):
    fam(f, {"temperature": P(0.7, E((), "pos")), "probs": probs}, f + "(probs)")
    fam(f, {"temperature": P(0.7, E((), "pos")), "logits": logits}, f + "(logits)")
for f in ("RelaxedOneHotCategorical", "ExpRelaxedCategorical"):
    fam(f, {"temperature": P(0.7, E((), "pos"), batched=False), "probs": cat_probs}, f + "(probs)")
    fam(f, {"temperature": P(0.7, E((), "pos"), batched=False), "logits": cat_logits}, f + "(logits)")
for m in ("scale_tril", "covariance_matrix", "precision_matrix"):
    fam("MultivariateNormal", {"loc": P([0.5, -0.5], E([1], "real")), m: tril if m == "scale_tril" else cov},
        "MultivariateNormal(%s)" % m)
    fam("Wishart", {"df": P(3.0, E((), "wishart_df")), m: tril if m == "scale_tril" else cov}, "Wishart(%s)" % m)
fam("LowRankMultivariateNormal", {"loc": P([0.5, -0.5], E([1], "real")),
                                  "cov_factor": P([[1.0], [0.5]], E([1, 0], "real")),
                                  "cov_diag": P([1.5, 0.5], E([1], "pos"))})
fam("LKJCholesky", {"concentration": conc},
    ints={"dim": (3, [("dim=1", 1, False), ("dim=0", 0, False), ("dim=-1", -1, False), ("dim=2", 2, True)])})
fam("Independent", {}, "Independent(Normal, 1)",
    ints={"reinterpreted_batch_ndims": (1, [("ndims=0", 0, True), ("ndims=-1", -1, False), ("ndims=3", 3, False)])},
    nested={"base": ("Normal", {"loc": P([0.5, -0.5], E([1], "real")), "scale": P([1.5, 0.5], E([1], "pos"))})})
fam("TransformedDistribution", {}, "TransformedDistribution(Normal, [Affine, Exp])",
    nested={"base": ("Normal", {"loc": loc, "scale": scale}),
            "transforms": [("affine", {"loc": P(0.5, E((), "transform")), "scale": P(2.0, E((), "transform"))}),
                           ("exp", {})]})
fam("MixtureSameFamily", {}, "MixtureSameFamily(Categorical, Normal)",
    nested={"mixture": ("Categorical", {"probs": cat_probs}),
            "component": ("Normal", {"loc": P([0.5, -0.5, 1.0], E([1], "real")),
                                     "scale": P([1.5, 0.5, 1.0], E([1], "pos"))})})


def param_paths(params, nested):
    """[(path, P)] of every tensor parameter, nested ones by dotted path."""
    out = [(k, p) for k, p in params.items()]
    for key, sub in nested.items():
        if key == "transforms":
            for i, (_, tp) in enumerate(sub):
                out += [("transforms.%d.%s" % (i, k), p) for k, p in tp.items()]
        else:
            out += [("%s.%s" % (key, k), p) for k, p in sub[1].items()]
    return out


# ---------------------------------------------------------------------------
# Building the JSON description of one variant.


def make_tensor(p, dtype, batch, override=None):
    """P's good value broadcast to [batch] + event, element (1, *idx) set to override=(idx, x)."""
    t = torch.tensor(p.good, dtype=F64)
    if p.batched:
        t = t.expand(batch + list(t.shape)).clone()
    if override is not None:
        idx, x = override
        t[((1,) if p.batched else ()) + idx] = x
    if dtype == torch.int64:
        t = t.round()
    return t.to(dtype)


def tensor_json(t, p):
    return R.tjson(t, grad=not p.nograd)


def with_layout(j, layout):
    """A tensor's JSON as a view of that layout (the evaluator's tensor_from_json); "expanded" repeats row 0,
    and the data are rewritten to say so, so that a contiguous twin built from them holds the same values."""
    if layout is None or not j["shape"] or 0 in j["shape"]:
        return j
    j = dict(j, layout=layout)
    if layout == "expanded":
        row = len(j["data"]) // j["shape"][0]
        j["data"] = j["data"][:row] * j["shape"][0]
    return j


def contiguous_twin(j):
    """The same tensor JSON without its layout (data already rewritten by with_layout)."""
    if isinstance(j, dict):
        return {k: contiguous_twin(v) for k, v in j.items() if k != "layout"}
    if isinstance(j, list):
        return [contiguous_twin(v) for v in j]
    return j


def build_spec(family, params, ints, nested, validate, dtype, batch=(2,), path_change=None, layout=None):
    """The description; path_change maps a path to (dtype, batch, override) for that parameter, or an int
    parameter's name to its value. `layout`: every tensor parameter as a view ("strided"; "expanded" for
    the batched ones, whose rows are equal)."""
    path_change = path_change or {}

    def tensor_for(path, p):
        d, b, o = path_change.get(path, (dtype, list(batch), None))
        j = tensor_json(make_tensor(p, d, b, o), p)
        return with_layout(j, layout) if layout == "strided" or p.batched else j

    def one(fam_name, prms, prefix, extra):
        s = {"family": fam_name, "params": {}, "validate": validate}
        for k, p in prms.items():
            s["params"][k] = tensor_for(prefix + k, p)
        s["params"].update(extra)
        return s

    int_values = {k: path_change.get(k, v[0]) for k, v in ints.items()}
    spec = one(family, params, "", int_values)
    for key, sub in nested.items():
        if key == "transforms":
            spec["transforms"] = [dict(type=name, **{k: tensor_for("transforms.%d.%s" % (i, k), p)
                                                     for k, p in tp.items()})
                                  for i, (name, tp) in enumerate(sub)]
        else:
            spec[key] = one(sub[0], sub[1], key + ".", {})
    return spec


def variants(family, label, params, ints, nested, dtype):
    """[(variant label, spec builder(validate), param path or None, expectation, what)] for one dtype.
    expectation: True (valid), False (invalid), None (either)."""
    out = []
    paths = param_paths(params, nested)
    add = lambda vlabel, change, path, expect, what, batch=(2,): out.append(
        (vlabel, lambda v, c=change, b=batch: build_spec(family, params, ints, nested, v, dtype, b, c), path, expect,
         what))
    add("good", {}, None, True, "good")
    for path, p in paths:
        for idx, kind in p.perturb:
            for name, x in PERTURBATIONS:
                if x is None:
                    x = subnormal(dtype)
                where = path + ("[%s]" % ",".join(map(str, idx)) if idx else "")
                add("%s=%s" % (where, name), {path: (dtype, [2], (idx, x))}, path, KINDS[kind](x), name)
        if p.batched and sum(q.batched for _, q in paths) >= 2:  # another parameter to disagree with
            add("%s shape [3]" % path, {path: (dtype, [3], None)}, path, False, "non-broadcastable")
        add("%s int64" % path, {path: (torch.int64, [2], None)}, path, None, "int64")
        if dtype == F64 and len(paths) >= 2:  # a float32 parameter beside float64 ones
            add("%s float32" % path, {path: (F32, [2], None)}, path, True, "float32 mix")
    for k, (good, bad) in ints.items():
        for vlabel, x, ok in bad:
            add(vlabel, {k: x}, k, ok, "integer argument")
    add("empty batch [0]", {}, None, True, "empty", batch=(0,))
    return out


# ---------------------------------------------------------------------------
# Values: a good value is torch's sample of the good distribution; one element
# of batch index 1 is perturbed; torch's support decides validity.


def torch_dist(spec):
    return R.build_torch(spec, [], False)


def good_value(spec):
    d = torch_dist(dict(spec, validate=False))
    torch.manual_seed(14)
    with torch.no_grad():
        return d, d.sample().to(F64)


def good_points(spec):
    """(torch's distribution, a good value: its sample, a good probability tensor for icdf) for a spec."""
    d, v = good_value(spec)
    ev = len(d.event_shape)
    return d, v, torch.full(v.shape[:v.dim() - ev], 0.3, dtype=F64)


def method_case(spec, method, grad, value=None):
    """The case for one method call (value: its JSON, for log_prob/cdf/icdf)."""
    c = {"dist": spec, "method": method}
    if grad:
        c["grad"] = True
    if method in ("sample", "rsample"):
        c.update(sample_shape=SAMPLE_SHAPE, seed=7)
    if method == "enumerate_support":
        c["expand"] = True
    if value is not None:
        c["value"] = value
    return c


def support_ok(d, v):
    """True/False from torch's support of d, None where it cannot say; NaN is always invalid,
    an infinity that torch's support accepts may go either way."""
    if torch.isnan(v).any():
        return False
    try:
        ok = bool(d.support.check(v).all())
    except Exception:
        return None
    if not ok:
        return False
    return None if torch.isinf(v).any() else True


def value_variants(d, v, dtype):
    """[(label, value tensor, expect for log_prob/cdf, expect for icdf or 'skip')]."""
    out = []
    base_ok = support_ok(d, v)  # torch's corr_cholesky check rejects torch's own LKJ samples (tolerance)
    discrete = bool(d.support.is_discrete)
    ev = len(d.event_shape)
    idx = (1,) + (0,) * ev
    probs = torch.full(v.shape[:v.dim() - ev] if ev else v.shape, 0.3, dtype=F64)
    for name, x in PERTURBATIONS + [("1", 1.0)]:
        if x is None:
            x = subnormal(dtype)
        w = v.clone()
        w[idx] = x
        icdf = (None if ev else (finite(x) and 0 <= x <= 1, probs.clone().index_put_(((torch.tensor(1),)),
                                                                                       torch.tensor(x, dtype=F64))))
        if math.isnan(x) or (discrete and finite(x) and x != math.floor(x)):
            ok = False  # torch's multinomial support does not check integrality
        elif isinstance(d, R.D.Multinomial):
            ok = bool(torch.equal(w, v))  # the counts must sum to total_count (torch 1.13 does not check)
        else:
            ok = support_ok(d, w) if base_ok else None
        out.append(("value=%s" % name, w.to(dtype), ok, icdf))
    empty = torch.zeros((0,) + tuple(v.shape), dtype=dtype)  # [0] + batch + event
    out.append(("value empty [0]+batch", empty, True, None if ev else (True, torch.zeros((0,) + tuple(probs.shape),
                                                                                         dtype=F64))))
    out.append(("value empty [0]", torch.zeros((0,) + tuple(v.shape[1:]), dtype=dtype) if not ev else
                torch.zeros((0,), dtype=dtype), False if not ev else False,
                None if ev else (False, torch.zeros(0, dtype=F64))))
    mism = torch.cat([v, v[:1]])
    out.append(("value shape [3]", mism.to(dtype), False, None if ev else (False, torch.full((3,), 0.3, dtype=F64))))
    if ev:
        wrong = torch.cat([v, v[..., :1]], dim=-1)
        out.append(("value event +1", wrong.to(dtype), False, None))
    out.append(("value int64", v.round().to(torch.int64), None, None if ev else (None, torch.zeros_like(probs,
                                                                                               dtype=torch.int64))))
    if dtype == F64:
        out.append(("value float32", v.to(F32), None, None if ev else (True, probs.to(F32))))
    return out


# ---------------------------------------------------------------------------
# Cases.


def make_cases():
    cases = []
    families = set()

    def add(meta, **case):
        case["id"] = len(cases)
        case["meta"] = meta
        cases.append(case)

    for family, label, params, ints, nested in FAMILIES:
        families.add(family)
        for dtype in (F64, F32):
            dn = R.DTYPE_NAMES[dtype]
            d_t, v_good, p_good = good_points(build_spec(family, params, ints, nested, False, dtype))
            for vlabel, builder, path, expect, what in variants(family, label, params, ints, nested, dtype):
                empty = what == "empty"
                for validate in (True, False):
                    spec = builder(validate)
                    for grad in (False, True):
                        meta = {"family": family, "label": label, "variant": vlabel, "what": what, "dtype": dn,
                                "validate": validate, "grad": grad, "param": path, "expect": expect,
                                "expect_value": True, "empty": empty}
                        for m in METHODS:
                            val = None
                            if m in VALUE_METHODS:
                                val = p_good if m == "icdf" else v_good
                                val = R.tjson((val[:0] if empty else val).to(dtype))
                            add(dict(meta, method=m), **method_case(spec, m, grad, val))
            # Bad values, good parameters.
            for validate in (True, False):
                spec = build_spec(family, params, ints, nested, validate, dtype)
                for vlabel, val, expect_lp, icdf in value_variants(d_t, v_good, dtype):
                    for grad in (False, True):
                        meta = {"family": family, "label": label, "variant": vlabel, "what": "value", "dtype": dn,
                                "validate": validate, "grad": grad, "param": "value", "expect": True,
                                "empty": False}
                        for m in VALUE_METHODS:
                            if m == "icdf":
                                if icdf is None:
                                    expect_v, t = None, val  # icdf of an event-shaped family: NotImplemented
                                else:
                                    expect_v, t = icdf
                                    if t.dtype != torch.int64:
                                        t = t.to(dtype) if vlabel != "value float32" else t
                            else:
                                expect_v, t = expect_lp, val
                            c = {"dist": spec, "method": m, "value": R.tjson(t)}
                            if grad:
                                c["grad"] = True
                            add(dict(meta, method=m, expect_value=expect_v), **c)
        # Views: every batched parameter and the value as a strided or an
        # expanded (stride 0) view, validation on, each beside a contiguous
        # twin with the same values; check_views compares the two.
        for dtype in (F64, F32):
            dn = R.DTYPE_NAMES[dtype]
            d_t, v_good, p_good = good_points(build_spec(family, params, ints, nested, False, dtype))
            for layout in LAYOUTS:
                spec = build_spec(family, params, ints, nested, True, dtype, layout=layout)
                for grad in (False, True):
                    meta = {"family": family, "label": label, "variant": "%s views" % layout, "what": "good",
                            "dtype": dn, "validate": True, "grad": grad, "param": None, "expect": True,
                            "expect_value": True, "empty": False, "view": True}
                    for m in METHODS:
                        val = None
                        if m in VALUE_METHODS:
                            val = with_layout(R.tjson((p_good if m == "icdf" else v_good).to(dtype)), layout)
                        c = method_case(spec, m, grad, val)
                        twin = contiguous_twin(c)
                        add(dict(meta, method=m, twin=len(cases) + 1), **c)
                        add(dict(meta, method=m, variant="%s views: contiguous twin" % layout, view=False,
                                 twin=None), **twin)
    return cases, families


LAYOUTS = ("strided", "expanded")


def check_views(case, res, twin_res):
    """A view case against its contiguous twin: both work or both fail, the same outputs (samples: shapes
    only) and the same gradients."""
    fails = []
    if res.get("ok") != twin_res.get("ok"):
        return [("VIEW", "view %s, contiguous %s" % (res.get("message", "ok")[:120], twin_res.get("message", "ok")[:120]))]
    if not res.get("ok"):
        return []
    # Reductions may run in another order over a view: a few ulps, relative to the largest element.
    rtol = 1e-12 if case["meta"]["dtype"] == "float64" else 1e-5
    pairs = [("out", res.get("out"), twin_res.get("out"))]
    for k, g in (res.get("grads") or {}).items():
        pairs.append(("d/d" + k, g, (twin_res.get("grads") or {}).get(k)))
    for what, a, b in pairs:
        if (a is None) != (b is None):
            fails.append(("VIEW", "%s: defined for one layout only" % what))
            continue
        if a is None:
            continue
        if a["shape"] != b["shape"] or a["dtype"] != b["dtype"]:
            fails.append(("VIEW", "%s: %s %s against %s %s" % (what, a["dtype"], a["shape"], b["dtype"], b["shape"])))
        elif what == "out" and case["method"] in ("sample", "rsample"):
            continue
        else:
            x, y = R.as_numpy(a), R.as_numpy(b)
            scale = np.max(np.abs(y[np.isfinite(y)]), initial=0.0)
            if not np.allclose(x, y, rtol=rtol, atol=rtol * scale, equal_nan=True):
                fails.append(("VIEW", "%s differs: %s against %s" % (what, x.reshape(-1)[:4], y.reshape(-1)[:4])))
    return fails


# ---------------------------------------------------------------------------
# Running the evaluator: batches in subprocesses; a batch whose process dies
# or runs past its limit is bisected down to the case.

CASE_LIMIT_S = 5.0  # one case alone (the process start included)
PER_CASE_S = 0.004  # added per case to a batch's limit


def run_batch(path, batch):
    """(results, None) or (None, 'CRASH ...' / 'HANG ...')."""
    lines = "".join(json.dumps({k: v for k, v in c.items() if k != "meta"}) + "\n" for c in batch)
    limit = CASE_LIMIT_S + PER_CASE_S * len(batch)
    for attempt in range(5):
        try:
            proc = subprocess.run([path], input=lines, capture_output=True, text=True, timeout=limit, check=False)
        except subprocess.TimeoutExpired:
            return None, "HANG (no result within %.0f s)" % limit
        except OSError as e:  # the evaluator is being rebuilt: wait and retry
            if attempt == 4:
                sys.exit("cannot run %s: %s" % (path, e))
            time.sleep(5)
            continue
        break
    if proc.returncode != 0:
        sig = -proc.returncode if proc.returncode < 0 else None
        what = "signal %d" % sig if sig else "exit %d" % proc.returncode
        tail = (proc.stderr.strip().splitlines() or [""])[-1][:300]
        return None, "CRASH (%s) %s" % (what, tail)
    try:
        results = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    except ValueError as e:
        return None, "CRASH (unreadable output: %s)" % e
    if len(results) != len(batch) or any(r.get("id") != c["id"] for r, c in zip(results, batch)):
        return None, "CRASH (%d results for %d cases)" % (len(results), len(batch))
    return results, None


def run_isolated(path, batch):
    """Results for every case; a failing batch is split in halves until the case is found."""
    results, err = run_batch(path, batch)
    if err is None:
        return results
    if len(batch) == 1:
        return [{"id": batch[0]["id"], "ok": False, "stage": "process", "error": err.split()[0], "message": err}]
    half = len(batch) // 2
    left, right = run_isolated(path, batch[:half]), run_isolated(path, batch[half:])
    return left + right


def run_all(path, cases, batch_size, workers, isolate):
    """Results by id. `isolate(case)` picks cases known to crash or hang: they run alone, first."""
    alone = [c for c in cases if isolate(c)]
    rest = [c for c in cases if not isolate(c)]
    batches = [[c] for c in alone] + [rest[i:i + batch_size] for i in range(0, len(rest), batch_size)]
    out = {}
    with ThreadPoolExecutor(max_workers=workers) as ex:
        for results in ex.map(lambda b: run_isolated(path, b), batches):
            for r in results:
                out[r["id"]] = r
    return out


# ---------------------------------------------------------------------------
# Checks. Each returns [(kind, detail)]: the failures of one case.

OK_ERRORS = ("ValueError", "NotImplementedError")


def names_of(family, nested):
    """The names a message may use for the distribution: the family, nested families, the transforms."""
    out = [family]
    for key, sub in nested.items():
        if key == "transforms":
            out += ["%sTransform" % {"exp": "Exp", "affine": "Affine"}.get(name, name.capitalize()) for name, _ in sub]
        else:
            out.append(sub[0])
    return out


NAMES = {label: names_of(family, nested) for family, label, _, _, nested in FAMILIES}


def broadcast(a, b):
    try:
        return list(torch.broadcast_shapes(tuple(a), tuple(b)))
    except RuntimeError:
        return None


def expected_shape(case, res):
    b, e = res["batch_shape"], res["event_shape"]
    m = case["method"]
    if m in ("mean", "mode", "variance", "stddev"):
        return b + e
    if m == "entropy":
        return b
    if m in ("sample", "rsample"):
        return SAMPLE_SHAPE + b + e
    if m in VALUE_METHODS:
        vs = case["value"]["shape"]
        ve = vs[:len(vs) - len(e)] if e and m == "log_prob" else vs
        return broadcast(ve, b)
    return None


def check(case, res):
    meta = case["meta"]
    fails = []
    fail = lambda kind, detail: fails.append((kind, detail))
    if res.get("stage") == "process":
        return [(res["error"], res["message"])]
    if res.get("error") == "EvaluatorError":
        return [("EVALUATOR", res["message"])]
    err = None if res["ok"] else res
    errtext = "" if err is None else "%s at %s: %s" % (err["error"], err["stage"], err["message"][:200])
    method, validate, expect = meta["method"], meta["validate"], meta["expect"]
    must_work = meta["what"] in ("good", "empty")
    if err is not None:
        named = any(n in err["message"] for n in NAMES[meta["label"]])
        if validate and err["error"] not in OK_ERRORS:
            fail("RUNTIME_ERROR", errtext)
        elif validate and not named:
            fail("UNNAMED", errtext)
        elif not validate and must_work and err["error"] != "NotImplementedError":
            fail("RUNTIME_ERROR" if err["error"] not in OK_ERRORS else "REJECTED_VALID", errtext)
    if validate:
        if expect is False:
            if err is None or err["stage"] != "construct":
                fail("MISSING_ERROR", "no error at construction; got %s" % (errtext or "a result"))
            elif err["error"] == "ValueError" and not any(p in err["message"] for p in meta["param"].split(".")):
                fail("NO_ARGNAME", "the message does not name %s: %s" % (meta["param"], errtext))
        elif err is not None and err["stage"] == "construct" and (expect is True or must_work):
            fail("REJECTED_VALID", errtext)
        if meta["what"] == "value" and method in VALUE_METHODS:
            ev = meta["expect_value"]
            if ev is False and err is None:
                fail("MISSING_ERROR", "invalid value accepted")
            elif ev is True and err is not None and err["error"] == "ValueError":
                fail("REJECTED_VALID", errtext)
        elif must_work and err is not None and err["error"] == "ValueError":
            fail("REJECTED_VALID", errtext)
    if "batch_shape" in res and meta["empty"] and res["batch_shape"][:1] != [0]:
        fail("SHAPE", "empty batch: batch_shape %s" % res["batch_shape"])
    if res["ok"] and "out" in res:
        exp = expected_shape(case, res)
        got = res["out"]["shape"]
        if method == "enumerate_support":
            if got[1:] != res["batch_shape"] + res["event_shape"]:
                fail("SHAPE", "enumerate_support shape %s, batch %s, event %s" % (got, res["batch_shape"],
                                                                                res["event_shape"]))
        elif exp is None or got != exp:
            fail("SHAPE", "%s shape %s, expected %s" % (method, got, exp))
        # Binomial/NegativeBinomial: probs or logits decide the dtype, as in torch
        # (README "Where this differs"): a float64 total_count does not promote them.
        count_family = meta["family"] in ("Binomial", "NegativeBinomial") and not meta["variant"].startswith(
            "total_count")
        if meta["what"] == "float32 mix" and res["out"]["dtype"] == "float32" and not count_family:
            fail("DTYPE", "float32 result from a float64 distribution with one float32 parameter")
    return fails


# ---------------------------------------------------------------------------
# Known defects (issue 14): family (label prefix or "*"), methods (or absent
# for all), kind of failure, when (predicate on the case's meta), why.


def W(**kw):
    return lambda m: all((m.get(k) in v) if isinstance(v, tuple) else m.get(k) == v for k, v in kw.items())


KNOWN_BAD_INPUT_DEFECTS = [
]


def known(meta, kind):
    for i, e in enumerate(KNOWN_BAD_INPUT_DEFECTS):
        fams = e["family"] if isinstance(e["family"], tuple) else (e["family"],)
        if "*" not in fams and meta["family"] not in fams and meta["label"] not in fams:
            continue
        if "methods" in e and meta["method"] not in e["methods"]:
            continue
        if e["kind"] != kind and not (isinstance(e["kind"], tuple) and kind in e["kind"]):
            continue
        if e.get("when", lambda m: True)(meta):
            return i
    return None


def isolate(case):
    """Cases a known entry says crash or hang run alone (no bisection every run)."""
    return any(known(case["meta"], k) is not None for k in ("CRASH", "HANG"))


def select(cases, limit, seed=14):
    """Deterministic sample: every case with validation on, no requires_grad and float64, and every view
    case with its twin; of the others a seeded sample, so that the total stays under `limit`."""
    in_core = lambda m: (m["validate"] and not m["grad"] and m["dtype"] == "float64") or "twin" in m
    core = [c for c in cases if in_core(c["meta"])]
    others = [c for c in cases if not in_core(c["meta"])]
    k = max(0, min(len(others), limit - len(core)))
    chosen = set(id(c) for c in random.Random(seed).sample(others, k)) | set(id(c) for c in core)
    return [c for c in cases if id(c) in chosen]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--evaluator", required=True, help="path of td_differential_eval")
    ap.add_argument("--family", help="only this family (development)")
    ap.add_argument("--show-excused", action="store_true", help="print each failure a known defect excuses")
    ap.add_argument("--limit", type=int, default=80000, help="cases to run at most (deterministic sample)")
    ap.add_argument("--batch", type=int, default=4000, help="cases per evaluator process")
    ap.add_argument("--workers", type=int, default=2, help="evaluator processes at a time")
    ap.add_argument("--verbose", "-v", action="store_true", help="print every failure (default: the first 150)")
    args = ap.parse_args()
    start = time.time()
    cases, families = make_cases()
    generated = len(cases)
    if args.family:
        cases = [c for c in cases if c["meta"]["family"] == args.family]
    if len(cases) > args.limit:
        cases = select(cases, args.limit)
    t_gen = time.time() - start
    results = run_all(args.evaluator, cases, args.batch, args.workers, isolate)
    t_eval = time.time() - start - t_gen

    tally = collections.Counter()
    by_kind, excused, seen = collections.Counter(), collections.Counter(), collections.Counter()
    failures, unvalidated_unnamed = [], collections.Counter()
    for c in cases:
        res = results[c["id"]]
        meta = c["meta"]
        tally["checks"] += 1
        fails = check(c, res)
        if meta.get("twin") is not None:
            fails += check_views(c, res, results[meta["twin"]])
        if not meta["validate"] and not res["ok"] and res.get("stage") != "process":
            if not any(n in res["message"] for n in NAMES[meta["label"]]):
                unvalidated_unnamed["%s: %s" % (res["error"], res["message"][:90])] += 1
        real = []
        for kind, detail in fails:
            i = known(meta, kind)
            if i is None:
                real.append((kind, detail))
            else:
                seen[i] += 1
                if args.show_excused:
                    print("excused: %s | %s | %s | %s" % (meta["label"], meta["variant"], meta["method"], detail[:160]))
                excused[kind] += 1
        if real:
            tally["failed"] += 1
            for kind, detail in real:
                by_kind[kind] += 1
                failures.append((c, kind, detail))
        else:
            tally["passed"] += 1
    for i, e in enumerate(KNOWN_BAD_INPUT_DEFECTS):
        if seen[i] == 0 and not args.family:
            tally["failed"] += 1
            by_kind["STALE"] += 1
            failures.append(({"meta": {"family": str(e["family"]), "label": "KNOWN_BAD_INPUT_DEFECTS", "variant": "-",
                                       "dtype": "-", "method": str(e.get("methods", "*")), "validate": "-",
                                       "grad": "-"}},
                             "STALE", "no case matches '%s' any more: remove the entry" % e["why"]))

    for n, (c, kind, detail) in enumerate(failures):
        if n < 150 or args.verbose:
            m = c["meta"]
            print("FAIL %s %s [%s] %s %s validate=%s grad=%s: %s" % (
                kind, m["label"], m["variant"], m["dtype"], m["method"], m["validate"], m["grad"], detail))
    methods = sorted({c["meta"]["method"] for c in cases})
    print()
    print("bad-input suite: %d cases run (of %d generated; every validated float64 case without requires_grad, "
          "and a seeded sample of the rest), %d families (%d forms), %d methods: %s" % (
              len(cases), generated, len(families), len({c["meta"]["label"] for c in cases}), len(methods),
              ", ".join(methods)))
    print("generation %.1f s, evaluator %.1f s (batches of %d, %d processes at a time)" % (
        t_gen, t_eval, args.batch, args.workers))
    print("process failures isolated: %d" % sum(1 for r in results.values() if r.get("stage") == "process"))
    print("failures by kind: %s" % (", ".join("%s %d" % kv for kv in sorted(by_kind.items())) or "none"))
    print("known defects (issue 14), excused: %d failures (%s)" % (
        sum(excused.values()), ", ".join("%s %d" % kv for kv in sorted(excused.items())) or "none"))
    for i, n in sorted(seen.items()):
        e = KNOWN_BAD_INPUT_DEFECTS[i]
        print("  %6d  %s %s %s: %s" % (n, e["family"], e.get("methods", "*"), e["kind"], e["why"]))
    print("errors without the family's name with validation off (allowed; the most frequent):")
    for msg, n in unvalidated_unnamed.most_common(8):
        print("  %6d  %s" % (n, msg))
    print("runtime %.1f s" % (time.time() - start))
    print("%d passed, %d failed" % (tally["passed"], tally["failed"]))
    return 1 if tally["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
