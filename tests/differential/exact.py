"""Exact references (mpmath at 60 digits) for the differential suite.

EXACT[(family, method)] is a scalar function of mpf arguments: the value
(`value`, for log_prob/cdf/icdf) and the family's parameters under torch's
names. Each is written from the definition of the law, with the support
spelled out (log_prob is -inf and cdf 0 or 1 outside it) and the forms that
avoid cancellation chosen so that 60 digits are enough at the edge points
the suite uses (subnormals, 1 - 2^-53, 1e10 scales). run_differential.py
consults them where torch and torchdist disagree (KNOWN_TORCH_DEVIATIONS
entries with `arbiter`): the exact value decides, element by element.
"""

import math

import mpmath
import numpy as np
from mpmath import mp, mpf

mp.dps = 60
INF, NAN = mpf("inf"), mpf("nan")
LOG2PI = mpmath.log(2 * mpmath.pi)


def _exp(x):
    """exp, saturating where the result is far outside any double's range
    (mpmath would build the huge integer)."""
    if x > 1e6:
        return INF
    if x < -1e6:
        return mpf(0)
    return mpmath.exp(x)


def _expm1(x):
    return _exp(x) - 1 if abs(x) > 1 else mpmath.expm1(x)


def _lmul(a, log_b):
    """a * log_b with 0 * (-inf) = 0: the x^(a - 1) factors at a = 1."""
    return mpf(0) if a == 0 else a * log_b


# ---- location-scale and friends -------------------------------------------

def normal_log_prob(value, loc, scale):
    z = (value - loc) / scale
    return -z * z / 2 - mpmath.log(scale) - LOG2PI / 2


def normal_cdf(value, loc, scale):
    return mpmath.ncdf((value - loc) / scale)


def _ndtri(p):
    """The standard normal quantile: scipy's ndtri polished by Newton steps on mpmath's ncdf."""
    import scipy.special
    if p <= 0:
        return -INF
    if p >= 1:
        return INF
    if p > 0.5:
        return -_ndtri(1 - p)  # 1 - p is exact for a double p in [1/2, 1]
    x = mpf(float(scipy.special.ndtri(float(p))))
    for _ in range(4):
        x -= (mpmath.ncdf(x) - p) / mpmath.npdf(x)
    return x


def normal_icdf(value, loc, scale):
    return loc + scale * _ndtri(value)


def half_normal_log_prob(value, scale):
    return normal_log_prob(value, 0, scale) + mpmath.log(2) if value >= 0 else -INF


def half_normal_cdf(value, scale):
    return mpmath.erf(value / (scale * mpmath.sqrt(2))) if value >= 0 else mpf(0)


def half_normal_icdf(value, scale):
    return -scale * _ndtri((1 - value) / 2)


def log_normal_log_prob(value, loc, scale):
    if value <= 0:
        return -INF
    # log(value) rounded to double, as any implementation forms it: with a
    # subnormal scale that rounding alone moves the result by ~1e290.
    y = mpf(float(mpmath.log(value)))
    return normal_log_prob(y, loc, scale) - mpmath.log(value)


def log_normal_cdf(value, loc, scale):
    return mpmath.ncdf((mpmath.log(value) - loc) / scale) if value > 0 else mpf(0)


def log_normal_icdf(value, loc, scale):
    return _exp(normal_icdf(value, loc, scale))


def cauchy_log_prob(value, loc, scale):
    z = (value - loc) / scale
    return -mpmath.log(mpmath.pi * scale * (1 + z * z))


def _cauchy_std_cdf(z):
    # acot keeps the relative precision of the far lower tail.
    return mpmath.acot(-z) / mpmath.pi if z < 0 else 1 - mpmath.acot(z) / mpmath.pi


def cauchy_cdf(value, loc, scale):
    return _cauchy_std_cdf((value - loc) / scale)


def _cauchy_std_icdf(p):
    if p <= 0:
        return -INF
    if p >= 1:
        return INF
    # tan(pi (p - 1/2)) = -cot(pi p) = cot(pi (1 - p)), without forming p - 1/2.
    return -mpmath.cot(mpmath.pi * p) if p < 0.5 else mpmath.cot(mpmath.pi * (1 - p))


def cauchy_icdf(value, loc, scale):
    return loc + scale * _cauchy_std_icdf(value)


def half_cauchy_log_prob(value, scale):
    return cauchy_log_prob(value, 0, scale) + mpmath.log(2) if value >= 0 else -INF


def half_cauchy_cdf(value, scale):
    return 2 * mpmath.atan(value / scale) / mpmath.pi if value >= 0 else mpf(0)


def half_cauchy_icdf(value, scale):
    return scale * _cauchy_std_icdf((1 + value) / 2)


def laplace_cdf(value, loc, scale):
    z = (value - loc) / scale
    return _exp(z) / 2 if z < 0 else 1 - _exp(-z) / 2


def laplace_icdf(value, loc, scale):
    if value <= 0:
        return -INF
    if value >= 1:
        return INF
    return loc + scale * mpmath.log(2 * value) if value < 0.5 else loc - scale * mpmath.log(2 * (1 - value))


def gumbel_cdf(value, loc, scale):
    return _exp(-_exp(-(value - loc) / scale))


def gumbel_icdf(value, loc, scale):
    if value <= 0:
        return -INF
    if value >= 1:
        return INF
    return loc - scale * mpmath.log(-mpmath.log(value))


# ---- positive and unit-interval families ----------------------------------

def beta_log_prob(value, concentration1, concentration0):
    a, b, x = concentration1, concentration0, value
    if x < 0 or x > 1:
        return -INF
    return (_lmul(a - 1, mpmath.log(x)) + _lmul(b - 1, mpmath.log1p(-x))
            - (mpmath.loggamma(a) + mpmath.loggamma(b) - mpmath.loggamma(a + b)))


def beta_mode(concentration1, concentration0):
    a, b = concentration1, concentration0
    if a > 1 and b > 1:
        return (a - 1) / (a + b - 2)
    if a <= 1 and b <= 1:
        # Uniform (a = b = 1) or unbounded at both ends (a, b < 1): no single
        # mode; one bound end (a < 1 = b: x^(a-1) is unbounded at 0).
        return NAN if (a == b == 1 or (a < 1 and b < 1)) else (mpf(0) if a < 1 else mpf(1))
    return mpf(0) if a <= 1 else mpf(1)


def beta_entropy(concentration1, concentration0):
    a, b = concentration1, concentration0
    return (mpmath.log(mpmath.beta(a, b)) - (a - 1) * mpmath.digamma(a) - (b - 1) * mpmath.digamma(b)
            + (a + b - 2) * mpmath.digamma(a + b))


def gamma_entropy(concentration, rate):
    c = concentration
    return c - mpmath.log(rate) + mpmath.loggamma(c) + (1 - c) * mpmath.digamma(c)


def chi2_entropy(df):
    return gamma_entropy(df / 2, mpf(0.5))


def student_t_entropy(df, loc, scale):
    h, hu = df / 2, (df + 1) / 2
    return (mpmath.log(scale) + hu * (mpmath.digamma(hu) - mpmath.digamma(h)) + mpmath.log(df) / 2
            + mpmath.log(mpmath.beta(h, mpf(0.5))))


def kumaraswamy_log_prob(value, concentration1, concentration0):
    a, b, x = concentration1, concentration0, value
    if x < 0 or x > 1:
        return -INF
    return (mpmath.log(a) + mpmath.log(b) + _lmul(a - 1, mpmath.log(x))
            + _lmul(b - 1, mpmath.log1p(-mpmath.power(x, a))))


def kumaraswamy_cdf(value, concentration1, concentration0):
    a, b, x = concentration1, concentration0, value
    if x <= 0:
        return mpf(0)
    if x >= 1:
        return mpf(1)
    return -_expm1(b * mpmath.log1p(-mpmath.power(x, a)))


def kumaraswamy_icdf(value, concentration1, concentration0):
    a, b, p = concentration1, concentration0, value
    if p >= 1:
        return mpf(1)
    return mpmath.power(-_expm1(mpmath.log1p(-p) / b), 1 / a)


def kumaraswamy_mode(concentration1, concentration0):
    a, b = concentration1, concentration0
    if a >= 1 and b >= 1 and not (a == 1 and b == 1):
        return mpmath.power((a - 1) / (a * b - 1), 1 / a)
    return NAN


def gamma_cdf(value, concentration, rate):
    return mpmath.gammainc(concentration, 0, rate * value, regularized=True) if value > 0 else mpf(0)


def chi2_cdf(value, df):
    return gamma_cdf(value, df / 2, mpf(0.5))


def inverse_gamma_log_prob(value, concentration, rate):
    a, b, x = concentration, rate, value
    if x <= 0:
        return -INF
    return a * mpmath.log(b) - mpmath.loggamma(a) - (a + 1) * mpmath.log(x) - b / x


def inverse_gamma_cdf(value, concentration, rate):
    if value <= 0:
        return mpf(0)
    return mpmath.gammainc(concentration, rate / value, INF, regularized=True)


def weibull_log_prob(value, scale, concentration):
    k, x = concentration, value
    if x < 0:
        return -INF
    z = x / scale
    return mpmath.log(k / scale) + _lmul(k - 1, mpmath.log(z)) - mpmath.power(z, k)


def weibull_cdf(value, scale, concentration):
    if value <= 0:
        return mpf(0)
    return -_expm1(-_exp(concentration * (mpmath.log(value) - mpmath.log(scale))))


def weibull_icdf(value, scale, concentration):
    if value >= 1:
        return INF
    return scale * mpmath.power(-mpmath.log1p(-value), 1 / concentration)


def weibull_mode(scale, concentration):
    k = concentration
    return scale * mpmath.power((k - 1) / k, 1 / k) if k > 1 else mpf(0)


def pareto_variance(scale, alpha):
    a = alpha
    return scale ** 2 * a / ((a - 1) ** 2 * (a - 2)) if a > 2 else INF


def pareto_cdf(value, scale, alpha):
    if value <= scale:
        return mpf(0)
    return -_expm1(alpha * (mpmath.log(scale) - mpmath.log(value)))


def pareto_icdf(value, scale, alpha):
    if value >= 1:
        return INF
    return scale * _exp(-mpmath.log1p(-value) / alpha)


def log_normal_variance(loc, scale):
    return _expm1(scale ** 2) * _exp(2 * loc + scale ** 2)


def fisher_snedecor_log_prob(value, df1, df2):
    d1, d2, x = df1, df2, value
    if x < 0:
        return -INF
    return (d1 / 2 * mpmath.log(d1 / d2) + _lmul(d1 / 2 - 1, mpmath.log(x))
            - (d1 + d2) / 2 * mpmath.log1p(d1 * x / d2)
            - (mpmath.loggamma(d1 / 2) + mpmath.loggamma(d2 / 2) - mpmath.loggamma((d1 + d2) / 2)))


def generalized_pareto_log_prob(value, loc, scale, concentration):
    k = concentration
    z = (value - loc) / scale
    if k < 0 and float(value) == float(loc) + float(scale) * (-1 / float(k)):
        z = -1 / k  # the upper end as rounded in double, as the support's check sees it
    if z < 0 or (k < 0 and z > -1 / k):
        return -INF
    if k == 0:
        return -mpmath.log(scale) - z
    return -mpmath.log(scale) - _lmul(1 + 1 / k, mpmath.log1p(k * z))


# ---- von Mises: exact Bessel functions ------------------------------------

def _log_i0(k):
    return mpmath.log(mpmath.besseli(0, k))


def von_mises_log_prob(value, loc, concentration):
    k = concentration
    # value - loc rounded to double as any implementation forms it: at |value| = 1e10
    # that rounding alone moves cos by ~1e-6, a conditioning limit, not an error.
    return k * (mpmath.cos(mpf(float(value) - float(loc))) - 1) - mpmath.log(2 * mpmath.pi) - (_log_i0(k) - k)


def von_mises_variance(loc, concentration):
    k = concentration
    return 1 - mpmath.besseli(1, k) / mpmath.besseli(0, k)


def von_mises_entropy(loc, concentration):
    k = concentration
    return -k * mpmath.besseli(1, k) / mpmath.besseli(0, k) + mpmath.log(2 * mpmath.pi) + _log_i0(k)


# ---- discrete --------------------------------------------------------------

def poisson_log_prob(value, rate):
    if value < 0 or value != mpmath.floor(value):
        return -INF
    return _lmul(value, mpmath.log(rate)) - rate - mpmath.loggamma(value + 1)


def poisson_cdf(value, rate):
    if value < 0:
        return mpf(0)
    return mpmath.gammainc(mpmath.floor(value) + 1, rate, INF, regularized=True)


def _softplus(x):
    return x + mpmath.log1p(_exp(-x)) if x > 0 else mpmath.log1p(_exp(x))


def _p(probs=None, logits=None):
    return probs if probs is not None else 1 / (1 + _exp(-logits))


def _logs(probs=None, logits=None):
    """(log p, log(1 - p)), from the logits when given: 1 - p = 1 / (1 + e^l)
    is lost in p itself at l = 1e4."""
    if probs is not None:
        return mpmath.log(probs), mpmath.log1p(-probs)
    return -_softplus(-logits), -_softplus(logits)


def geometric_log_prob(value, probs=None, logits=None):
    log_p, log_q = _logs(probs, logits)
    if value < 0 or value != mpmath.floor(value):
        return -INF
    return _lmul(value, log_q) + log_p


def geometric_entropy(probs=None, logits=None):
    p = _p(probs, logits)
    return -(_lmul(1 - p, mpmath.log1p(-p)) + _lmul(p, mpmath.log(p))) / p


def geometric_variance(probs=None, logits=None):
    p = _p(probs, logits)
    return (1 - p) / (p * p)


def _cb_eta(p):
    return mpmath.log(p) - mpmath.log1p(-p)


def _cb_p_eta(probs, logits):
    """(p, eta = logit p), eta exact from the logits when given."""
    return (_p(probs, logits), logits) if logits is not None else (probs, _cb_eta(probs))


def continuous_bernoulli_log_norm(p):
    """log C(p), C = 2 atanh(1 - 2p) / (1 - 2p) (2 at p = 1/2)."""
    return mpmath.log(2) if p == 0.5 else mpmath.log(2 * mpmath.atanh(1 - 2 * p) / (1 - 2 * p))


def continuous_bernoulli_log_prob(value, probs=None, logits=None):
    p = _p(probs, logits)
    if value < 0 or value > 1:
        return -INF
    return _lmul(value, mpmath.log(p)) + _lmul(1 - value, mpmath.log1p(-p)) + continuous_bernoulli_log_norm(p)


def continuous_bernoulli_cdf(value, probs=None, logits=None):
    p, eta = _cb_p_eta(probs, logits)
    if value <= 0:
        return mpf(0)
    if value >= 1:
        return mpf(1)
    if eta == 0:
        return value
    return _expm1(eta * value) / _expm1(eta)


def continuous_bernoulli_icdf(value, probs=None, logits=None):
    p, eta = _cb_p_eta(probs, logits)
    if eta == 0:
        return value
    if eta > 0:  # log1p(p (e^eta - 1)) / eta = 1 + log(p + (1 - p) e^-eta) / eta, no overflow at eta = 1e4
        return 1 + mpmath.log(value + (1 - value) * _exp(-eta)) / eta
    return mpmath.log1p(value * _expm1(eta)) / eta


def continuous_bernoulli_mean(probs=None, logits=None):
    p = _p(probs, logits)
    return mpf(0.5) if p == 0.5 else p / (2 * p - 1) + 1 / (2 * mpmath.atanh(1 - 2 * p))


def continuous_bernoulli_variance(probs=None, logits=None):
    p = _p(probs, logits)
    if p == 0.5:
        return mpf(1) / 12
    return p * (p - 1) / (1 - 2 * p) ** 2 + 1 / (2 * mpmath.atanh(1 - 2 * p)) ** 2


def continuous_bernoulli_entropy(probs=None, logits=None):
    p = _p(probs, logits)
    m = continuous_bernoulli_mean(probs=p)
    return -(m * mpmath.log(p) + (1 - m) * mpmath.log1p(-p) + continuous_bernoulli_log_norm(p))


def negative_binomial_log_prob(value, total_count, probs=None, logits=None):
    n, k = total_count, value
    log_p, log_q = _logs(probs, logits)
    if k < 0 or k != mpmath.floor(k):
        return -INF
    return (mpmath.loggamma(k + n) - mpmath.loggamma(n) - mpmath.loggamma(k + 1)
            + _lmul(n, log_q) + _lmul(k, log_p))


def negative_binomial_mean(total_count, probs=None, logits=None):
    p = _p(probs, logits)
    return total_count * p / (1 - p)


def negative_binomial_variance(total_count, probs=None, logits=None):
    p = _p(probs, logits)
    return total_count * p / (1 - p) ** 2


def negative_binomial_mode(total_count, probs=None, logits=None):
    p = _p(probs, logits)
    return mpmath.floor((total_count - 1) * p / (1 - p)) if total_count > 1 else mpf(0)


def logit_relaxed_bernoulli_log_prob(value, temperature, probs=None, logits=None):
    """log T + d - 2 log(1 + e^d), d = logits - T x: -inf at x = +-inf."""
    l = logits if logits is not None else mpmath.log(probs) - mpmath.log1p(-probs)
    if mpmath.isinf(value):
        return -INF
    d = l - temperature * value
    return mpmath.log(temperature) + d - 2 * _softplus(d)


def relaxed_bernoulli_log_prob(value, temperature, probs=None, logits=None, dtype="float64"):
    """The density of sigmoid(X), X ~ LogitRelaxedBernoulli, at y; y is first
    put into [tiny, 1 - eps] of the dtype, the range the sampler's clipped
    sigmoid never leaves (torchdist's documented convention for samples that
    rounded onto the boundary)."""
    if value < 0 or value > 1:
        return -INF
    tiny, eps = (2.0 ** -1022, 2.0 ** -52) if dtype == "float64" else (2.0 ** -126, 2.0 ** -23)
    y = min(max(value, mpf(tiny)), 1 - mpf(eps))
    x = mpmath.log(y) - mpmath.log1p(-y)
    return logit_relaxed_bernoulli_log_prob(x, temperature, probs, logits) - mpmath.log(y) - mpmath.log1p(-y)


relaxed_bernoulli_log_prob.dtype_aware = True


def dirichlet_log_prob(value, concentration):
    """sum (a_i - 1) log x_i - log B(a) on the simplex, with 0 log 0 = 0 for
    a_i = 1; a point with one coordinate 0 where a_i < 1 and another 0
    where a_j > 1 has no limit (NaN)."""
    if any(x < 0 for x in value) or abs(mpmath.fsum(value) - 1) > 1e-5:  # float32 samples sum to 1 +- 1e-7
        return -INF
    terms = [_lmul(a - 1, mpmath.log(x)) if x > 0 else (mpf(0) if a == 1 else (INF if a < 1 else -INF))
             for x, a in zip(value, concentration)]
    if INF in terms and -INF in terms:
        return NAN
    return mpmath.fsum(terms) + mpmath.loggamma(mpmath.fsum(concentration)) - mpmath.fsum(
        mpmath.loggamma(a) for a in concentration)


dirichlet_log_prob.event = True


def _std(f):
    return lambda **p: mpmath.sqrt(f(**p))


def _perplexity(f):
    return lambda **p: _exp(f(**p))


EXACT = {
    ("Normal", "log_prob"): normal_log_prob,
    ("Normal", "cdf"): normal_cdf,
    ("Normal", "icdf"): normal_icdf,
    ("HalfNormal", "log_prob"): half_normal_log_prob,
    ("HalfNormal", "cdf"): half_normal_cdf,
    ("HalfNormal", "icdf"): half_normal_icdf,
    ("LogNormal", "log_prob"): log_normal_log_prob,
    ("LogNormal", "icdf"): log_normal_icdf,
    ("LogNormal", "variance"): log_normal_variance,
    ("LogNormal", "stddev"): _std(log_normal_variance),
    ("Cauchy", "log_prob"): cauchy_log_prob,
    ("Cauchy", "cdf"): cauchy_cdf,
    ("Cauchy", "icdf"): cauchy_icdf,
    ("HalfCauchy", "log_prob"): half_cauchy_log_prob,
    ("HalfCauchy", "cdf"): half_cauchy_cdf,
    ("HalfCauchy", "icdf"): half_cauchy_icdf,
    ("Laplace", "cdf"): laplace_cdf,
    ("Laplace", "icdf"): laplace_icdf,
    ("Gumbel", "cdf"): gumbel_cdf,
    ("Gumbel", "icdf"): gumbel_icdf,
    ("Beta", "log_prob"): beta_log_prob,
    ("Kumaraswamy", "log_prob"): kumaraswamy_log_prob,
    ("Kumaraswamy", "cdf"): kumaraswamy_cdf,
    ("Kumaraswamy", "icdf"): kumaraswamy_icdf,
    ("Kumaraswamy", "mode"): kumaraswamy_mode,
    ("Gamma", "cdf"): gamma_cdf,
    ("Chi2", "cdf"): chi2_cdf,
    ("InverseGamma", "log_prob"): inverse_gamma_log_prob,
    ("InverseGamma", "cdf"): inverse_gamma_cdf,
    ("Weibull", "log_prob"): weibull_log_prob,
    ("Weibull", "cdf"): weibull_cdf,
    ("LogNormal", "cdf"): log_normal_cdf,
    ("Pareto", "cdf"): pareto_cdf,
    ("Weibull", "icdf"): weibull_icdf,
    ("Weibull", "mode"): weibull_mode,
    ("Pareto", "variance"): pareto_variance,
    ("Pareto", "stddev"): _std(pareto_variance),
    ("Pareto", "icdf"): pareto_icdf,
    ("FisherSnedecor", "log_prob"): fisher_snedecor_log_prob,
    ("GeneralizedPareto", "log_prob"): generalized_pareto_log_prob,
    ("VonMises", "log_prob"): von_mises_log_prob,
    ("VonMises", "variance"): von_mises_variance,
    ("VonMises", "stddev"): _std(von_mises_variance),
    ("VonMises", "entropy"): von_mises_entropy,
    ("VonMises", "perplexity"): _perplexity(von_mises_entropy),
    ("Beta", "entropy"): beta_entropy,
    ("Gamma", "entropy"): gamma_entropy,
    ("Gamma", "perplexity"): _perplexity(gamma_entropy),
    ("Chi2", "entropy"): chi2_entropy,
    ("Chi2", "perplexity"): _perplexity(chi2_entropy),
    ("StudentT", "entropy"): student_t_entropy,
    ("StudentT", "perplexity"): _perplexity(student_t_entropy),
    ("Beta", "perplexity"): _perplexity(beta_entropy),
    ("Poisson", "log_prob"): poisson_log_prob,
    ("Beta", "mode"): beta_mode,
    ("Dirichlet", "log_prob"): dirichlet_log_prob,
    ("LogitRelaxedBernoulli", "log_prob"): logit_relaxed_bernoulli_log_prob,
    ("RelaxedBernoulli", "log_prob"): relaxed_bernoulli_log_prob,
    ("Geometric", "log_prob"): geometric_log_prob,
    ("Geometric", "entropy"): geometric_entropy,
    ("Geometric", "perplexity"): _perplexity(geometric_entropy),
    ("Geometric", "variance"): geometric_variance,
    ("Geometric", "stddev"): _std(geometric_variance),
    ("ContinuousBernoulli", "log_prob"): continuous_bernoulli_log_prob,
    ("ContinuousBernoulli", "cdf"): continuous_bernoulli_cdf,
    ("ContinuousBernoulli", "icdf"): continuous_bernoulli_icdf,
    ("ContinuousBernoulli", "mean"): continuous_bernoulli_mean,
    ("ContinuousBernoulli", "variance"): continuous_bernoulli_variance,
    ("ContinuousBernoulli", "stddev"): _std(continuous_bernoulli_variance),
    ("ContinuousBernoulli", "entropy"): continuous_bernoulli_entropy,
    ("ContinuousBernoulli", "perplexity"): _perplexity(continuous_bernoulli_entropy),
    ("NegativeBinomial", "log_prob"): negative_binomial_log_prob,
    ("NegativeBinomial", "mean"): negative_binomial_mean,
    ("NegativeBinomial", "variance"): negative_binomial_variance,
    ("NegativeBinomial", "stddev"): _std(negative_binomial_variance),
    ("NegativeBinomial", "mode"): negative_binomial_mode,
    ("Poisson", "cdf"): poisson_cdf,
}


def exact_for(case):
    """The exact function for a case: EXACT's, or one composed for a
    TransformedDistribution from its spec."""
    fam, method = case["meta"]["family"], case["method"]
    if fam == "TransformedDistribution":
        return transformed(case["dist"], method)
    return EXACT.get((fam, method))


BASES = {"Normal": (normal_log_prob, normal_cdf, normal_icdf, ("loc", "scale")),
         "Gamma": (lambda value, concentration, rate: (
             concentration * mpmath.log(rate) + _lmul(concentration - 1, mpmath.log(value)) - rate * value
             - mpmath.loggamma(concentration)) if value > 0 else -INF, gamma_cdf, None, ("concentration", "rate")),
         "Uniform": (lambda value, low, high: -mpmath.log(high - low) if low <= value < high else -INF,
                     lambda value, low, high: min(max((value - low) / (high - low), mpf(0)), mpf(1)),
                     lambda value, low, high: low + value * (high - low), ("low", "high"))}


# The ends of each base's support, from its parameters.
BASE_SUPPORT = {"Normal": lambda loc, scale: (-INF, INF), "Gamma": lambda concentration, rate: (mpf(0), INF),
                "Uniform": lambda low, high: (low, high)}


def transformed(spec, method):
    """log_prob/cdf/icdf of a univariate TransformedDistribution from the
    base's exact functions and the transforms (exp, affine, sigmoid, tanh,
    power) in mpmath; None for other bases or transforms."""
    base = spec["base"]["family"]
    kinds = [t["type"] for t in spec["transforms"]]
    if base not in BASES or any(k not in ("exp", "affine", "sigmoid", "tanh", "power") for k in kinds):
        return None
    lp, cdf, icdf, names = BASES[base]
    fn_base = {"log_prob": lp, "cdf": cdf, "icdf": icdf}.get(method)
    if fn_base is None:
        return None

    def parts(kw):
        bp = {n: kw["base." + n] for n in names}
        tp = [{k[len("transforms.%d." % i):]: v for k, v in kw.items() if k.startswith("transforms.%d." % i)}
              for i in range(len(kinds))]
        return bp, tp

    def forward(x, tp):
        for kind, t in zip(kinds, tp):
            x = {"exp": lambda: _exp(x), "affine": lambda: t["loc"] + t["scale"] * x,
                 "sigmoid": lambda: 1 / (1 + _exp(-x)), "tanh": lambda: mpmath.tanh(x),
                 "power": lambda: INF if x == 0 and t["exponent"] < 0 else mpmath.power(x, t["exponent"])}[kind]()
        return x

    def image(bp, tp):
        """The support's ends: the base's ends pushed through the transforms, in increasing order."""
        ends = sorted(forward(e, tp) for e in BASE_SUPPORT[base](**bp))
        return ends[0], ends[1]

    def inverse(y, tp):
        """(x, sum of log |dy/dx| along the chain, sign of the composition)."""
        ladj, sign = mpf(0), 1
        for kind, t in reversed(list(zip(kinds, tp))):
            if kind == "exp":
                x = mpmath.log(y)
                ladj += x
            elif kind == "affine":
                x = (y - t["loc"]) / t["scale"]
                ladj += mpmath.log(abs(t["scale"]))
                sign *= 1 if t["scale"] > 0 else -1
            elif kind == "sigmoid":
                x = mpmath.log(y) - mpmath.log1p(-y)
                ladj += mpmath.log(y) + mpmath.log1p(-y)
            elif kind == "tanh":
                x = mpmath.atanh(y)
                ladj += mpmath.log1p(-y * y)
            else:
                e = t["exponent"]
                x = INF if y == 0 and e < 0 else mpmath.power(y, 1 / e)
                ladj += mpmath.log(abs(e)) + (e - 1) * mpmath.log(x)
                sign *= 1 if e > 0 else -1
            y = x
        return y, ladj, sign

    def sign_of(tp):
        sign = 1
        for kind, t in zip(kinds, tp):
            if kind == "affine" and t["scale"] < 0 or kind == "power" and t["exponent"] < 0:
                sign = -sign
        return sign

    def fn(value, **kw):
        bp, tp = parts(kw)
        if method == "icdf":
            p = value if sign_of(tp) > 0 else 1 - value
            return forward(fn_base(p, **bp), tp)
        if method == "cdf":
            low, high = image(bp, tp)
            if value < low:
                return mpf(0)
            if value > high:
                return mpf(1)
        x, ladj, sign = inverse(value, tp)
        if method == "log_prob":
            return fn_base(x, **bp) - ladj
        c = fn_base(x, **bp)
        return c if sign > 0 else 1 - c

    return fn


def evaluate(fn, inputs, index, dtype="float64"):
    """fn at one element: `inputs` are arrays broadcast to the output's shape."""
    args = {k: float(v[index]) for k, v in inputs.items()}
    if any(math.isnan(v) for v in args.values()):
        return math.nan
    extra = {"dtype": dtype} if getattr(fn, "dtype_aware", False) else {}
    try:
        r = fn(**{k: mpf(v) for k, v in args.items()}, **extra)
    except TypeError:  # an event family: each argument is a vector
        return math.nan
    except (ValueError, ZeroDivisionError, OverflowError, MemoryError):
        return math.nan
    if not isinstance(r, mpf):
        return math.nan
    return float(r)


def evaluate_event(fn, inputs, index):
    """fn at one event: `inputs` are arrays broadcast to the output's shape + [K]."""
    args = {k: [mpf(float(x)) for x in v[index]] for k, v in inputs.items()}
    if any(mpmath.isnan(x) for v in args.values() for x in v):
        return math.nan
    try:
        r = fn(**args)
    except (ValueError, ZeroDivisionError, OverflowError, MemoryError):
        return math.nan
    if not isinstance(r, mpf):  # outside the function's domain (an icdf at p < 0)
        return math.nan
    return float(r)




MAX_DERIVATIVE_DPS = 800
# Special functions whose cost at hundreds of digits is too high for a whole
# gradient array here (gammainc, besseli): their gradients are arbitrated only
# where 200 digits suffice.
EXPENSIVE = {inverse_gamma_cdf, gamma_cdf, chi2_cdf, poisson_cdf, von_mises_log_prob, von_mises_variance,
             von_mises_entropy}


def derivative(fn, inputs, index, name, max_dps=800):
    """d fn / d name at one element: mpmath's numerical differentiation with a
    step far below the smallest argument (a subnormal scale makes the
    function vary on that scale) and the digits to resolve it; one-sided at
    the end of a domain, where the central difference leaves it."""
    floats = {k: float(v[index]) for k, v in inputs.items()}
    if any(math.isnan(v) for v in floats.values()):
        return math.nan
    small = min([abs(v) for v in floats.values() if v != 0 and math.isfinite(v)] + [1.0])
    big = max([abs(v) for v in floats.values() if math.isfinite(v)] + [1.0])
    h = mpf(small) * mpf(10) ** -20
    dps = 60 + int(math.log10(big) - math.log10(small))
    if dps > max_dps:
        return None  # too costly here: the caller does not decide this one
    with mp.workdps(dps):
        args = {k: mpf(v) for k, v in floats.items()}
        f = lambda t: fn(**dict(args, **{name: t}))
        for direction in (0, 1, -1):
            try:
                d = mpmath.diff(f, args[name], h=h, direction=direction)
            except (ValueError, ZeroDivisionError, OverflowError, MemoryError, TypeError):
                continue
            if isinstance(d, mpf) and not mpmath.isnan(d):
                return float(d)
    return math.nan


def broadcast_inputs(inputs, shape):
    return {k: np.broadcast_to(np.asarray(v, dtype=np.float64), shape) for k, v in inputs.items()}
