#pragma once
// Internal: the vector kernels of the formulas written once as templates
// (src/formulas/number.h), instantiated in formulas_avx2.cpp. A formula F
// is a struct with
//
//   static constexpr size_t arity = N;                 // its tensor arguments
//   template <class Num> static Num eval(const Num&, ...);  // N arguments
//   static constexpr bool vector_backward = false;    // optional: no fused
//                                                      // backward (digamma, say)
//
// and is listed in TORCHDIST_VECTOR_FORMULAS below. formula_eval.h runs it.

#include <cstddef>
#include <type_traits>

#include "../formulas/continuous_bernoulli.h"
#include "../formulas/dirichlet.h"
#include "../formulas/kl_formulas.h"
#include "../formulas/kumaraswamy.h"
#include "../formulas/normal.h"
#include "../formulas/univariate.h"
#include "../formulas/von_mises.h"
#include "elementwise.h"

namespace torchdist {
namespace detail {
namespace kernels {

/// A formula's raw kernels over an elementwise plan: forward reads the
/// arguments (the plan's operands, in order) and writes the value; backward
/// reads the incoming gradient then the arguments, writes each argument's
/// gradient at the output's shape (grads[k], skipped when null) and says
/// whether all of them are finite (null: no fused backward). Forward mode
/// overflows where reverse mode does not (d log x = dx / x is inf for
/// subnormal x before anything scales it down), so a non-finite gradient
/// sends the caller to the ATen composition's reverse mode.
struct VectorKernels {
  void (*forward)(const ElementwisePlan& plan, void* out);
  bool (*backward)(const ElementwisePlan& plan, void* const* grads);
};

/// F's kernels, or null when the library was built without its AVX2 kernels.
template <class F>
const VectorKernels* vector_kernels();

/// The formulas with vector kernels.
#define TORCHDIST_VECTOR_FORMULAS(X)                                                                    \
  X(formulas::PoissonKl) X(formulas::HalfNormalKl) X(formulas::ExponentialKl) X(formulas::LaplaceKl)   \
  X(formulas::ParetoKl) X(formulas::UniformKl) X(formulas::CauchyKl) X(formulas::GumbelKl)                \
  X(formulas::BernoulliKlPP) X(formulas::BernoulliKlPL) X(formulas::BernoulliKlLP)                      \
  X(formulas::BernoulliKlLL) X(formulas::GeometricKlPP) X(formulas::GeometricKlPL)                      \
  X(formulas::GeometricKlLP) X(formulas::GeometricKlLL) X(formulas::BinomialKlPP)                       \
  X(formulas::BinomialKlPL) X(formulas::BinomialKlLP) X(formulas::BinomialKlLL)                         \
  X(formulas::BernoulliPoissonKl<false>) X(formulas::BernoulliPoissonKl<true>)                          \
  X(formulas::PoissonBinomialKl<false>) X(formulas::PoissonBinomialKl<true>)                            \
  X(formulas::CauchyCdf) X(formulas::CauchyIcdf) X(formulas::HalfCauchyCdf) X(formulas::HalfCauchyIcdf) \
  X(formulas::LaplaceCdf) X(formulas::LaplaceIcdf) X(formulas::UniformCdf) X(formulas::UniformIcdf)     \
  X(formulas::UniformLogProb) X(formulas::ParetoMean) X(formulas::ParetoVariance) X(formulas::GammaKl)     \
  X(formulas::GeometricEntropy<false>) X(formulas::GeometricEntropy<true>)                              \
  X(formulas::GeometricFromExponential<false>) X(formulas::GeometricFromExponential<true>)              \
  X(formulas::ContinuousBernoulliIcdf) X(formulas::ContinuousBernoulliCdf)                              \
  X(formulas::ContinuousBernoulliMean) X(formulas::ContinuousBernoulliVariance)                          \
  X(formulas::ContinuousBernoulliEntropy) X(formulas::ContinuousBernoulliLogProb)                          \
  X(formulas::ContinuousBernoulliLogNormalizer) X(formulas::BetaEntropy)                                \
  X(formulas::CategoricalKlTermPP) X(formulas::CategoricalKlTermPL) X(formulas::CategoricalKlTermLP)      \
  X(formulas::CategoricalKlTermLL) X(formulas::NormalEntropy) X(formulas::HalfNormalEntropy)                  \
  X(formulas::LaplaceEntropy) X(formulas::CauchyEntropy) X(formulas::HalfCauchyEntropy)                   \
  X(formulas::GumbelEntropy) X(formulas::ExponentialEntropy) X(formulas::CategoricalEntropyTerm)       \
  X(formulas::KumaraswamyLogProb) X(formulas::KumaraswamyCdf) X(formulas::KumaraswamyIcdf)                 \
  X(formulas::KumaraswamyFromUniform) X(formulas::KumaraswamyEntropy) X(formulas::UniformMean)            \
  X(formulas::UniformVariance) X(formulas::CategoricalEntropyTermProbs)                                    \
  X(formulas::LaplaceLogProb) X(formulas::CauchyLogProb) X(formulas::VonMisesLogProb)                 \
  X(formulas::VonMisesVariance) X(formulas::VonMisesEntropy) X(formulas::DirichletLogProbTerm)          \
  X(formulas::DirichletEntropyTerm) X(formulas::NormalIcdf) X(formulas::HalfNormalIcdf) X(formulas::NormalCdf) \
  X(formulas::GammaEntropy) X(formulas::StudentTEntropy) X(formulas::UniformGammaKl)                   \
  X(formulas::UniformParetoKl) X(formulas::UniformBetaKl) X(formulas::NegativeBinomialLogProb<false>)    \
  X(formulas::NegativeBinomialLogProb<true>) X(formulas::BernoulliFromUniform<false>)                    \
  X(formulas::BernoulliFromUniform<true>) X(formulas::LogGamma) X(formulas::ExponentialLogProb)             \
  X(formulas::ExponentialCdf) X(formulas::ExponentialIcdf) X(formulas::HalfNormalLogProb)                 \
  X(formulas::WeibullLogProb) X(formulas::GeometricLogProb<false>) X(formulas::GeometricLogProb<true>)     \
  X(formulas::ExponentialGammaKl) X(formulas::InverseGammaMean) X(formulas::InverseGammaVariance)

#define TORCHDIST_DECLARE_VECTOR_KERNELS(F) \
  template <>                               \
  const VectorKernels* vector_kernels<F>();
TORCHDIST_VECTOR_FORMULAS(TORCHDIST_DECLARE_VECTOR_KERNELS)
#undef TORCHDIST_DECLARE_VECTOR_KERNELS

/// Whether F is locally constant in argument i (F says so with
/// `static constexpr bool constant_in[arity]`): that argument then takes no
/// part in autograd, as in the composition, where it only enters
/// comparisons (its gradient stays undefined rather than zero).
template <class F, class = void>
struct ConstantIn {
  static constexpr bool at(size_t) { return false; }
};
template <class F>
struct ConstantIn<F, std::void_t<decltype(F::constant_in)>> {
  static constexpr bool at(size_t i) { return F::constant_in[i]; }
};

/// Whether F computes float arguments in double on its fast paths (F says
/// `float_in_double = true`): for a formula whose terms cancel in float more
/// than its ATen composition's do with ATen's own functions (lgamma and
/// digamma differences near p = q).
template <class F, class = void>
struct FloatInDouble : std::false_type {};
template <class F>
struct FloatInDouble<F, std::enable_if_t<F::float_in_double>> : std::true_type {};

/// Whether F's gradient has a fused (forward-mode) kernel: unless F says
/// `vector_backward = false`.
template <class F, class = void>
struct HasVectorBackward : std::true_type {};
template <class F>
struct HasVectorBackward<F, std::enable_if_t<!F::vector_backward>> : std::false_type {};

}  // namespace kernels
}  // namespace detail
}  // namespace torchdist
