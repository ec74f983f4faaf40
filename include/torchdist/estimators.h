#pragma once
/// \file
/// Gradient estimators for expectations over random variables:
/// `#include <torchdist/estimators.h>`.
///
/// - score function (REINFORCE): `score_function_surrogate`,
///   `rloo_surrogate`, `leave_one_out_baseline`, `MovingAverageBaseline`;
///   needs only `sample` and `log_prob`, works for any distribution,
///   unbiased, high variance without a baseline;
/// - pathwise (reparameterization): `rsample` of the distribution, plus
///   `gumbel_softmax` (a relaxed categorical, biased by the relaxation),
///   `gumbel_noise` and `straight_through` for discrete forward passes.

#include "torchdist/estimators/gumbel_softmax.h"
#include "torchdist/estimators/score_function.h"
