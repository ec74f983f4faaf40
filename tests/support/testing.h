#pragma once
// Shared test helpers: exception-message assertions, tensor comparisons,
// goodness-of-fit tests and finite-difference gradients.

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace torchdist {
namespace testing {

/// The message of a c10 exception without its C++ backtrace.
template <class E>
std::string message_of(const E& e) {
  return e.what_without_backtrace();
}

/// Asserts that `statement` throws exactly `ExcType` (c10::ValueError,
/// c10::NotImplementedError, ...) and that the message contains `substring`.
#define EXPECT_THROW_MSG(statement, ExcType, substring)                                       \
  do {                                                                                        \
    bool td_caught_ = false;                                                                  \
    try {                                                                                     \
      statement;                                                                              \
    } catch (const ExcType& e) {                                                              \
      td_caught_ = true;                                                                      \
      std::string td_msg_ = ::torchdist::testing::message_of(e);                              \
      EXPECT_NE(td_msg_.find(substring), std::string::npos)                                   \
          << "message was: " << td_msg_ << "\nexpected to contain: " << (substring);          \
    } catch (const std::exception& e) {                                                       \
      ADD_FAILURE() << "expected " #ExcType ", got another exception: " << e.what();          \
      td_caught_ = true;                                                                      \
    }                                                                                         \
    if (!td_caught_) ADD_FAILURE() << "expected " #ExcType " from: " #statement;              \
  } while (0)

/// Elementwise |a - b| <= atol + rtol * |b|, NaNs equal only to NaNs, with a
/// readable failure (worst element).
::testing::AssertionResult all_close(const at::Tensor& actual, const at::Tensor& expected, double rtol = 1e-5,
                                     double atol = 1e-8);

/// A CPU generator with a fixed seed, so that a statistical test draws the
/// same samples on every run.
inline at::Generator seeded_generator(uint64_t seed) { return at::make_generator<at::CPUGeneratorImpl>(seed); }

/// A double tensor built from a std::vector, for references computed in C++.
at::Tensor tensor_of(const std::vector<double>& values, at::IntArrayRef shape = {});

/// p-value of the one-sample Kolmogorov-Smirnov test of `samples` against a
/// continuous CDF (asymptotic Kolmogorov distribution, Stephens' small-sample
/// correction; accurate for n >= 35).
double ks_test(std::vector<double> samples, const std::function<double(double)>& cdf);

/// p-value of Pearson's chi-square test of observed `counts` against
/// `probs` (which must sum to one). Categories with expected count below 5
/// are pooled into one, as the chi-square approximation needs.
double chi_square_test(const std::vector<int64_t>& counts, const std::vector<double>& probs);

/// Central finite-difference gradient of the scalar `f` at `x` (double).
at::Tensor finite_difference_grad(const std::function<at::Tensor(const at::Tensor&)>& f, const at::Tensor& x,
                                  double h = 1e-6);

/// Gradient of scalar `f` at `x` by autograd.
at::Tensor autograd_grad(const std::function<at::Tensor(const at::Tensor&)>& f, const at::Tensor& x);

/// Converts a tensor to a std::vector<double>.
std::vector<double> to_vector(const at::Tensor& t);

}  // namespace testing
}  // namespace torchdist
