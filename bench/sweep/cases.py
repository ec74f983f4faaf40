"""The sweep's case list, generated from the families.

Every family the C++ factory knows (each parameterisation: probs / logits,
scale_tril / covariance_matrix / precision_matrix), every method it has
(rsample where the torch class has it, else sample; log_prob; entropy;
"moments": mean then variance; cdf; icdf), kl_divergence with itself and with
every other family torch has a rule for, at a small size (one element or one
event) and a large one; plus the workflows of workflows.py. Both sides read
the same list: run_sweep.py sends each case to td_sweep and times it in
Python with compile_call.

A case is a JSON-serialisable dict:

    {"name": "Normal/log_prob/large", "family": "Normal", "param": "", "size": "small" | "large" | "workflow",
     "kind": "method" | "kl" | "workflow", "python": true | false,
     "dist": SPEC, "method": ..., "value": TENSOR (log_prob, cdf, icdf), "sample_shape": [] (sample, rsample),
     "other": SPEC (kl: the q distribution),
     "workflow": NAME, "inputs": {NAME: TENSOR}, "requires_grad": [NAME, ...] (workflow)}

SPEC is the differential suite's description of a distribution
(tests/differential/run_differential.py, build_torch); TENSOR is
{"dtype", "shape", "data": [...]} inline, or {"dtype", "shape", "file": path}
with the raw native-endian elements in a file for anything larger than
INLINE_LIMIT elements. "python" is false where torch raises
NotImplementedError for the case (or has no such family): torchdist is timed
alone.

Parameters are float32 draws in well-behaved ranges from a generator seeded
by the group's name, so a --filter selects cases without changing their
values.

    /usr/bin/python3 bench/sweep/cases.py OUT_DIR [--filter REGEX] [--sizes small,large,workflow]

writes OUT_DIR/cases.jsonl (one case a line) and the tensor files beside it.
"""

import argparse
import json
import os
import re
import sys
import zlib

import numpy as np
import torch
import torch.distributions as D
from torch.distributions.kl import _KL_REGISTRY

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "differential"))
import run_differential as R  # noqa: E402  (the spec format and torch's constructors)

import workflows as W  # noqa: E402

F32 = torch.float32
SIZES = ("small", "large", "workflow")
INLINE_LIMIT = 100  # tensors with more elements travel as files

# Batch shapes per size. A "large" case holds about 1e5 elements, except the
# categorical (4096 x 100 categories), multivariate (1e4 x 8) and matrix
# (1000 x 3 x 3) families.
BATCH = {
    "univariate": {"small": (), "large": (100_000,)},
    "categorical": {"small": (), "large": (4096,)},
    "vector": {"small": (), "large": (10_000,)},
    "matrix": {"small": (), "large": (1000,)},
    "rows_of_8": {"small": (), "large": (12_500,)},  # Independent, MixtureSameFamily: 1e5 elements
}
CATEGORIES, VECTOR_DIM, MATRIX_DIM, RANK = 100, 8, 3, 2
TOTAL_COUNT = 10


class Draw:
    """Seeded float32 draws; the seed comes from a name (not from the order of
    generation), so a filtered list has the same values as the full one."""

    def __init__(self, name):
        self.g = torch.Generator().manual_seed(zlib.crc32(name.encode()))

    def normal(self, shape, std=1.0):
        return torch.empty(shape, dtype=F32).normal_(0.0, std, generator=self.g)

    def uniform(self, shape, lo, hi):
        return torch.empty(shape, dtype=F32).uniform_(lo, hi, generator=self.g)

    def positive(self, shape):
        return self.uniform(shape, 0.5, 2.0)

    def scale_tril(self, shape, n):
        """Lower triangular, positive diagonal: tril(N(0, 0.3)) with diagonal exp(N(0, 0.3)) + 0.5."""
        m = torch.tril(self.normal(shape + (n, n), 0.3), -1)
        return m + torch.diag_embed(self.normal(shape + (n,), 0.3).exp() + 0.5)

    def matrix(self, form, shape, n):
        """A positive definite matrix parameter in the form `form` (one of R.MATRIX_NAMES)."""
        tril = self.scale_tril(shape, n)
        if form == "scale_tril":
            return tril
        cov = tril @ tril.transpose(-1, -2)
        if form == "covariance_matrix":
            return cov
        precision = torch.linalg.inv(cov.double())
        return ((precision + precision.transpose(-1, -2)) / 2).to(F32)


def loc_scale(d, b):
    return {"loc": d.normal(b), "scale": d.positive(b)}


def concentrations(d, b):
    return {"concentration1": d.uniform(b, 0.5, 3), "concentration0": d.uniform(b, 0.5, 3)}


def concentration_rate(d, b):
    return {"concentration": d.positive(b), "rate": d.positive(b)}


def uniform_params(d, b):
    low = d.normal(b)
    return {"low": low, "high": low + d.uniform(b, 0.5, 2)}


# family -> params(draw, batch shape), one parameterisation each: scalar events.
UNIVARIATE = {
    "Normal": loc_scale,
    "Cauchy": loc_scale,
    "Laplace": loc_scale,
    "Gumbel": loc_scale,
    "LogNormal": loc_scale,
    "HalfNormal": lambda d, b: {"scale": d.positive(b)},
    "HalfCauchy": lambda d, b: {"scale": d.positive(b)},
    "Uniform": uniform_params,
    "Beta": concentrations,
    "Kumaraswamy": concentrations,
    "Gamma": concentration_rate,
    "InverseGamma": concentration_rate,
    "Chi2": lambda d, b: {"df": d.uniform(b, 3, 10)},
    "Exponential": lambda d, b: {"rate": d.positive(b)},
    "Poisson": lambda d, b: {"rate": d.positive(b)},
    "StudentT": lambda d, b: {"df": d.uniform(b, 3, 10), "loc": d.normal(b), "scale": d.positive(b)},
    "FisherSnedecor": lambda d, b: {"df1": d.uniform(b, 3, 10), "df2": d.uniform(b, 3, 10)},
    "VonMises": lambda d, b: {"loc": d.normal(b), "concentration": d.uniform(b, 0.5, 5)},
    "Pareto": lambda d, b: {"scale": d.uniform(b, 1, 3), "alpha": d.uniform(b, 1, 3)},
    "Weibull": lambda d, b: {"scale": d.uniform(b, 1, 3), "concentration": d.uniform(b, 1, 3)},
    "GeneralizedPareto": lambda d, b: {"loc": d.normal(b), "scale": d.positive(b),
                                       "concentration": d.uniform(b, 0.05, 0.4)},
}
VECTOR = {  # events of VECTOR_DIM
    "LogisticNormal": lambda d, b: {"loc": d.normal(b + (VECTOR_DIM,)), "scale": d.positive(b + (VECTOR_DIM,))},
    "Dirichlet": lambda d, b: {"concentration": d.uniform(b + (VECTOR_DIM,), 0.5, 3)},
    "LowRankMultivariateNormal": lambda d, b: {"loc": d.normal(b + (VECTOR_DIM,)),
                                               "cov_factor": d.normal(b + (VECTOR_DIM, RANK), 0.3),
                                               "cov_diag": d.uniform(b + (VECTOR_DIM,), 0.5, 1.5)},
}
MATRIX = {  # events of MATRIX_DIM x MATRIX_DIM
    "LKJCholesky": lambda d, b: {"dim": MATRIX_DIM, "concentration": d.uniform(b, 0.5, 2)},
}
# probs / logits families: (batch kind, the parameters before probs or logits).
PROBS_LOGITS = {
    "Bernoulli": ("univariate", lambda d, b: {}),
    "Geometric": ("univariate", lambda d, b: {}),
    "ContinuousBernoulli": ("univariate", lambda d, b: {}),
    "Binomial": ("univariate", lambda d, b: {"total_count": TOTAL_COUNT}),
    "NegativeBinomial": ("univariate", lambda d, b: {"total_count": TOTAL_COUNT}),
    "RelaxedBernoulli": ("univariate", lambda d, b: {"temperature": torch.tensor(0.5)}),
    "LogitRelaxedBernoulli": ("univariate", lambda d, b: {"temperature": torch.tensor(0.5)}),
    "Categorical": ("categorical", lambda d, b: {}),
    "OneHotCategorical": ("categorical", lambda d, b: {}),
    "OneHotCategoricalStraightThrough": ("categorical", lambda d, b: {}),
    "Multinomial": ("categorical", lambda d, b: {"total_count": TOTAL_COUNT}),
    "RelaxedOneHotCategorical": ("categorical", lambda d, b: {"temperature": torch.tensor(0.5)}),
    "ExpRelaxedCategorical": ("categorical", lambda d, b: {"temperature": torch.tensor(0.5)}),
}


def probs_or_logits(param, d, shape):
    return d.uniform(shape, 0.05, 0.95) if param == "probs" else d.normal(shape)


class Variant:
    """One family in one parameterisation: its name in case names, its batch
    kind and how to draw its description (with torch tensors) for a batch shape."""

    def __init__(self, family, param, batch_kind, draw_spec):
        self.family, self.param, self.batch_kind, self.draw_spec = family, param, batch_kind, draw_spec
        self.label = "%s(%s)" % (family, param) if param else family

    def spec(self, size, which):
        """The description for `size`; `which` ("p" or "q") picks an independent draw."""
        d = Draw("%s/%s/%s" % (self.label, size, which))
        return self.draw_spec(d, BATCH[self.batch_kind][size])


def simple(family, params):
    """Draws the description of `family` from its params(draw, batch shape)."""
    return lambda d, b: {"family": family, "params": params(d, b), "validate": True}


def probs_logits_params(lead, param, event):
    return lambda d, b: dict(lead(d, b), **{param: probs_or_logits(param, d, b + event)})


def mvn_params(form):
    return lambda d, b: {"loc": d.normal(b + (VECTOR_DIM,)), form: d.matrix(form, b, VECTOR_DIM)}


def wishart_params(form):
    return lambda d, b: {"df": torch.full(b, 5.0), form: d.matrix(form, b, MATRIX_DIM)}


def variants():
    """Every family in every parameterisation, in a fixed order."""
    out = [Variant(f, "", "univariate", simple(f, p)) for f, p in UNIVARIATE.items()]
    out += [Variant(f, "", "vector", simple(f, p)) for f, p in VECTOR.items()]
    out += [Variant(f, "", "matrix", simple(f, p)) for f, p in MATRIX.items()]
    for fam, (kind, lead) in PROBS_LOGITS.items():
        event = (CATEGORIES,) if kind == "categorical" else ()
        out += [Variant(fam, param, kind, simple(fam, probs_logits_params(lead, param, event)))
                for param in ("probs", "logits")]
    for form in R.MATRIX_NAMES:
        out.append(Variant("MultivariateNormal", form, "vector", simple("MultivariateNormal", mvn_params(form))))
        out.append(Variant("Wishart", form, "matrix", simple("Wishart", wishart_params(form))))
    out += [Variant("Independent", "", "rows_of_8", independent_spec),
            Variant("TransformedDistribution", "", "univariate", transformed_spec),
            Variant("MixtureSameFamily", "", "rows_of_8", mixture_spec)]
    return out


def normal_spec(d, shape):
    return {"family": "Normal", "params": loc_scale(d, shape), "validate": True}


def independent_spec(d, b):
    """Independent(Normal(loc [b, 8], scale [b, 8]), 1)."""
    return {"family": "Independent", "params": {"reinterpreted_batch_ndims": 1}, "validate": True,
            "base": normal_spec(d, b + (8,))}


def transformed_spec(d, b):
    """Normal [b] through exp(0.5 + 1.5 x), 0-dim loc and scale. The
    transforms are fixed: KL's q (another draw of the base) must have the
    same ones, as torch's rule requires."""
    affine = {"type": "affine", "loc": torch.tensor(0.5), "scale": torch.tensor(1.5), "event_dim": 0}
    return {"family": "TransformedDistribution", "params": {}, "validate": True, "base": normal_spec(d, b),
            "transforms": [affine, {"type": "exp"}]}


def mixture_spec(d, b):
    """MixtureSameFamily(Categorical(logits [b, 8]), Normal(loc [b, 8], scale [b, 8]))."""
    return {"family": "MixtureSameFamily", "params": {}, "validate": True,
            "mixture": {"family": "Categorical", "params": {"logits": d.normal(b + (8,))}, "validate": True},
            "component": normal_spec(d, b + (8,))}


# ---------------------------------------------------------------------------
# Tensors as they travel, and torch's side of a case built from them.


class TensorStore:
    """Turns descriptions holding torch tensors into JSON: a tensor up to
    INLINE_LIMIT elements inline, a larger one written once to a file in
    `directory` (a tensor shared by several cases is written once)."""

    def __init__(self, directory):
        self.directory = directory
        self.written = {}  # id(tensor) -> (tensor, its JSON); the tensor is kept so its id is not reused

    def encode(self, obj):
        if isinstance(obj, torch.Tensor):
            return self.tensor_json(obj)
        if isinstance(obj, dict):
            return {k: self.encode(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [self.encode(v) for v in obj]
        return obj

    def tensor_json(self, t):
        if t.numel() <= INLINE_LIMIT:
            return R.tjson(t)
        if id(t) not in self.written:
            path = os.path.join(self.directory, "t%d.bin" % len(self.written))
            t.detach().contiguous().numpy().tofile(path)
            self.written[id(t)] = (t, {"dtype": R.DTYPE_NAMES[t.dtype], "shape": list(t.shape), "file": path})
        return self.written[id(t)][1]


def load_tensor(j):
    if "file" in j:
        return torch.from_numpy(np.fromfile(j["file"], dtype=j["dtype"]).reshape(j["shape"]))
    return R.from_json(j)


def resolve(j):
    """A parameter as the Python call passes it: a Python int, a float or a tensor."""
    if isinstance(j, int):
        return j
    if "number" in j:
        return R.dec(j["number"])
    return load_tensor(j)


def compile_torch(spec):
    """A zero-argument function that constructs torch's distribution for
    `spec`: the tensors are read here, once, so that the timed call is the
    constructor alone (nested constructors for composites, transforms
    included, as the C++ side constructs them)."""
    fam, validate = spec["family"], spec.get("validate")
    arg = {k: resolve(j) for k, j in spec.get("params", {}).items()}
    if fam in R.SIMPLE:
        ctor, names = R.SIMPLE[fam]
        args = [arg[n] for n in names]
        return lambda: ctor(*args, validate_args=validate)
    if fam in R.PROBS_LOGITS:
        ctor, names = R.PROBS_LOGITS[fam]
        lead = [arg[n] for n in names]
        kw = {k: arg[k] for k in ("probs", "logits") if k in arg}
        return lambda: ctor(*lead, **kw, validate_args=validate)
    if fam in ("MultivariateNormal", "Wishart"):
        ctor, first = (D.MultivariateNormal, arg["loc"]) if fam == "MultivariateNormal" else (D.Wishart, arg["df"])
        kw = {n: arg[n] for n in R.MATRIX_NAMES if n in arg}
        return lambda: ctor(first, **kw, validate_args=validate)
    if fam == "LowRankMultivariateNormal":
        loc, factor, diag = arg["loc"], arg["cov_factor"], arg["cov_diag"]
        return lambda: D.LowRankMultivariateNormal(loc, factor, diag, validate_args=validate)
    if fam == "Independent":
        base, n = compile_torch(spec["base"]), arg["reinterpreted_batch_ndims"]
        return lambda: D.Independent(base(), n, validate_args=validate)
    if fam == "MixtureSameFamily":
        mixture, component = compile_torch(spec["mixture"]), compile_torch(spec["component"])
        return lambda: D.MixtureSameFamily(mixture(), component(), validate_args=validate)
    if fam == "TransformedDistribution":
        base, transforms = compile_torch(spec["base"]), [compile_transform(t) for t in spec["transforms"]]
        return lambda: D.TransformedDistribution(base(), [t() for t in transforms], validate_args=validate)
    raise KeyError(fam)


def compile_transform(t):
    """A zero-argument function constructing the transform (the kinds the sweep uses)."""
    if t["type"] == "affine":
        loc, scale, event_dim = resolve(t["loc"]), resolve(t["scale"]), t.get("event_dim", 0)
        return lambda: D.AffineTransform(loc, scale, event_dim=event_dim)
    if t["type"] == "exp":
        return D.ExpTransform
    raise KeyError(t["type"])


def read_moments(d, _):
    return d.mean, d.variance


METHOD_CALLS = {  # method -> call(distribution, value or sample shape)
    "rsample": lambda d, shape: d.rsample(shape),
    "sample": lambda d, shape: d.sample(shape),
    "log_prob": lambda d, x: d.log_prob(x),
    "cdf": lambda d, x: d.cdf(x),
    "icdf": lambda d, x: d.icdf(x),
    "entropy": lambda d, _: d.entropy(),
    "moments": read_moments,
}


def compile_call(case):
    """The Python call timed for `case`, as a zero-argument function: what
    td_sweep calls for the same case (construction, then the method; both
    distributions, then kl_divergence; the workflow)."""
    if case["kind"] == "workflow":
        return W.compile_workflow(case["workflow"], {k: load_tensor(j) for k, j in case["inputs"].items()})
    make = compile_torch(case["dist"])
    if case["kind"] == "kl":
        make_q = compile_torch(case["other"])
        return lambda: D.kl_divergence(make(), make_q())
    call = METHOD_CALLS[case["method"]]
    x = load_tensor(case["value"]) if "value" in case else torch.Size(case.get("sample_shape", []))
    return lambda: call(make(), x)


def has_python(case):
    """False where torch raises NotImplementedError for the case, or has no
    such family. Other errors are left for the driver to report."""
    if case["family"] == "GeneralizedPareto":  # R.RefGeneralizedPareto is a reference, not torch
        return False
    try:
        compile_call(case)()
    except NotImplementedError:
        return False
    except Exception:  # noqa: BLE001  (reported when the driver prepares the case)
        pass
    return True


# ---------------------------------------------------------------------------
# The cases.


class CaseList:
    """Generates the cases matching a name pattern, drawing and writing the
    tensors of a family only when one of its cases is selected."""

    def __init__(self, directory, pattern):
        self.store = TensorStore(directory)
        self.pattern = re.compile(pattern)
        self.specs = {}

    def selected(self, name):
        return self.pattern.search(name) is not None

    def spec(self, variant, size, which="p"):
        """A variant's description as JSON, drawn and written once per (size, which)."""
        key = (variant.label, size, which)
        if key not in self.specs:
            self.specs[key] = self.store.encode(variant.spec(size, which))
        return self.specs[key]

    def torch_small(self, v):
        """torch's distribution for the variant at the small size (for its type
        and has_rsample, which do not depend on the size)."""
        return compile_torch(self.spec(v, "small"))()

    def finish(self, case):
        case["python"] = has_python(case)
        return case

    def method_cases(self, v, size):
        """The variant's methods at `size`; log_prob and cdf at a sample of
        the distribution, icdf at probabilities in (0.01, 0.99)."""
        sampler = "rsample" if self.torch_small(v).has_rsample else "sample"
        methods = [m for m in (sampler, "log_prob", "entropy", "moments", "cdf", "icdf")
                   if self.selected(method_name(v, m, size))]
        if not methods:
            return []
        dist = self.spec(v, size)
        d = compile_torch(dist)()
        values = {}
        if {"log_prob", "cdf"} & set(methods):
            torch.manual_seed(zlib.crc32(v.label.encode()))
            x = d.sample()
            values.update(log_prob=x, cdf=x)
        if "icdf" in methods:
            values["icdf"] = Draw(v.label + "/icdf/" + size).uniform(d.batch_shape + d.event_shape, 0.01, 0.99)
        cases = []
        for m in methods:
            case = base_case(v, size, "method", method_name(v, m, size), dist=dist, method=m)
            if m in values:
                case["value"] = self.store.encode(values[m])
            elif m == sampler:
                case["sample_shape"] = []
            cases.append(self.finish(case))
        return cases

    def kl_cases(self, vs, size):
        """KL with itself (a second draw, same parameterisation) for every
        variant; with another family for every pair torch has a rule for (an
        exact key of its registry), kept where torch's kl_divergence runs on it."""
        types = {v.label: type(self.torch_small(v)) for v in vs}
        cases = []
        for vp in vs:
            for vq in vs:
                same = vp.family == vq.family
                if same and vp.param != vq.param:
                    continue
                if not same and (types[vp.label], types[vq.label]) not in _KL_REGISTRY:
                    continue
                name = "kl/%s||%s/%s" % (vp.label, vq.label, size)
                if not self.selected(name):
                    continue
                case = base_case(vp, size, "kl", name, dist=self.spec(vp, size), other=self.spec(vq, size, "q"))
                if same:
                    cases.append(self.finish(case))
                elif torch_kl_runs(case):
                    cases.append(dict(case, python=True))
        return cases

    def workflow_cases(self):
        cases = []
        for name, (_, grad) in W.WORKFLOWS.items():
            case_name = "workflow/" + name
            if self.selected(case_name):
                inputs = self.store.encode(WORKFLOW_INPUTS[name](Draw(case_name)))
                cases.append({"name": case_name, "family": "", "param": "", "size": "workflow", "kind": "workflow",
                              "python": True, "workflow": name, "inputs": inputs, "requires_grad": list(grad)})
        return cases


WORKFLOW_INPUTS = {  # name -> inputs(draw); shapes as workflows.py states them
    "rl_step": lambda d: {"logits": d.normal((256, 16)), "reward": d.normal((256,))},
    "discrete_vae_kl": lambda d: {"logits": d.normal((64, 32, 10))},
    "gaussian_vae_elbo": lambda d: {"mu": d.normal((128, 32)), "log_sigma": d.normal((128, 32), 0.5)},
    "mixture_nll": lambda d: {"mix_logits": d.normal((8,)), "locs": d.normal((8,), 2.0),
                              "log_scales": d.normal((8,), 0.5), "x": d.normal((1024,), 2.0)},
    "flow_log_prob": lambda d: {"loc": d.normal((8,)), "log_scale": d.normal((8,), 0.5),
                                "y": d.normal((512, 8)).exp()},
}


def method_name(v, method, size):
    return "%s/%s/%s" % (v.label, method, size)


def base_case(v, size, kind, name, **fields):
    return dict({"name": name, "family": v.family, "param": v.param, "size": size, "kind": kind}, **fields)


def torch_kl_runs(case):
    try:
        compile_call(case)()
    except Exception:  # noqa: BLE001  (a registered rule that refuses these parameters: no case)
        return False
    return True


def generate(directory, pattern="", sizes=SIZES):
    """The selected cases, their large tensors written to `directory`."""
    cl = CaseList(directory, pattern)
    vs = variants()
    cases = []
    for size in ("small", "large"):
        if size in sizes:
            for v in vs:
                cases += cl.method_cases(v, size)
            cases += cl.kl_cases(vs, size)
    if "workflow" in sizes:
        cases += cl.workflow_cases()
    return cases


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--filter", default="", help="regular expression on the case name")
    ap.add_argument("--sizes", default=",".join(SIZES))
    args = ap.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    cases = generate(os.path.abspath(args.out_dir), args.filter, args.sizes.split(","))
    with open(os.path.join(args.out_dir, "cases.jsonl"), "w") as f:
        for c in cases:
            f.write(json.dumps(c) + "\n")
    print("%d cases (%d without a Python counterpart) in %s" % (
        len(cases), sum(not c["python"] for c in cases), os.path.join(args.out_dir, "cases.jsonl")))


if __name__ == "__main__":
    main()
