#pragma once
/// \file
/// Umbrella header: `#include <torchdist/torchdist.h>` and
/// `namespace td = torchdist;`.

#include "torchdist/core/constraint_types.h"
#include "torchdist/core/constraints.h"
#include "torchdist/core/distribution.h"
#include "torchdist/core/probs_logits.h"
#include "torchdist/core/utils.h"

// Families.
#include "torchdist/distributions/bernoulli.h"
#include "torchdist/distributions/beta.h"
#include "torchdist/distributions/binomial.h"
#include "torchdist/distributions/categorical.h"
#include "torchdist/distributions/cauchy.h"
#include "torchdist/distributions/chi2.h"
#include "torchdist/distributions/continuous_bernoulli.h"
#include "torchdist/distributions/dirichlet.h"
#include "torchdist/distributions/exponential.h"
#include "torchdist/distributions/gamma.h"
#include "torchdist/distributions/gumbel.h"
#include "torchdist/distributions/half_cauchy.h"
#include "torchdist/distributions/half_normal.h"
#include "torchdist/distributions/kumaraswamy.h"
#include "torchdist/distributions/log_normal.h"
#include "torchdist/distributions/logistic_normal.h"
#include "torchdist/distributions/normal.h"
#include "torchdist/distributions/one_hot_categorical.h"
#include "torchdist/distributions/pareto.h"
#include "torchdist/distributions/uniform.h"
#include "torchdist/distributions/weibull.h"

// Transforms and composites.
#include "torchdist/distributions/independent.h"
#include "torchdist/distributions/mixture_same_family.h"
#include "torchdist/distributions/transformed_distribution.h"
#include "torchdist/transforms/affine.h"
#include "torchdist/transforms/compose.h"
#include "torchdist/transforms/constraint_registry.h"
#include "torchdist/transforms/cumulative_distribution.h"
#include "torchdist/transforms/elementwise.h"
#include "torchdist/transforms/matrix.h"
#include "torchdist/transforms/simplex.h"
#include "torchdist/transforms/structural.h"
#include "torchdist/transforms/transform.h"
