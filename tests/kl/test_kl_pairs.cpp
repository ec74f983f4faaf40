// The registry holds every pair that torch.distributions registers (87 in
// torch 1.13 and 2.x), and nothing else: a pair missing from the library
// shows up here by name.

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

#include "torchdist/torchdist.h"

namespace td = torchdist;

namespace {

// torch.distributions.kl._KL_REGISTRY, written out.
const std::set<std::pair<std::string, std::string>> kTorchPairs = {
    {"Bernoulli", "Bernoulli"},
    {"Bernoulli", "Poisson"},
    {"Beta", "Beta"},
    {"Beta", "ContinuousBernoulli"},
    {"Beta", "Exponential"},
    {"Beta", "Gamma"},
    {"Beta", "Normal"},
    {"Beta", "Pareto"},
    {"Beta", "Uniform"},
    {"Binomial", "Binomial"},
    {"Categorical", "Categorical"},
    {"Cauchy", "Cauchy"},
    {"ContinuousBernoulli", "ContinuousBernoulli"},
    {"ContinuousBernoulli", "Exponential"},
    {"ContinuousBernoulli", "Normal"},
    {"ContinuousBernoulli", "Pareto"},
    {"ContinuousBernoulli", "Uniform"},
    {"Dirichlet", "Dirichlet"},
    {"Exponential", "Beta"},
    {"Exponential", "ContinuousBernoulli"},
    {"Exponential", "Exponential"},
    {"Exponential", "Gamma"},
    {"Exponential", "Gumbel"},
    {"Exponential", "Normal"},
    {"Exponential", "Pareto"},
    {"Exponential", "Uniform"},
    {"ExponentialFamily", "ExponentialFamily"},
    {"Gamma", "Beta"},
    {"Gamma", "ContinuousBernoulli"},
    {"Gamma", "Exponential"},
    {"Gamma", "Gamma"},
    {"Gamma", "Gumbel"},
    {"Gamma", "Normal"},
    {"Gamma", "Pareto"},
    {"Gamma", "Uniform"},
    {"Geometric", "Geometric"},
    {"Gumbel", "Beta"},
    {"Gumbel", "ContinuousBernoulli"},
    {"Gumbel", "Exponential"},
    {"Gumbel", "Gamma"},
    {"Gumbel", "Gumbel"},
    {"Gumbel", "Normal"},
    {"Gumbel", "Pareto"},
    {"Gumbel", "Uniform"},
    {"HalfNormal", "HalfNormal"},
    {"Independent", "Independent"},
    {"Laplace", "Beta"},
    {"Laplace", "ContinuousBernoulli"},
    {"Laplace", "Exponential"},
    {"Laplace", "Gamma"},
    {"Laplace", "Laplace"},
    {"Laplace", "Normal"},
    {"Laplace", "Pareto"},
    {"Laplace", "Uniform"},
    {"LowRankMultivariateNormal", "LowRankMultivariateNormal"},
    {"LowRankMultivariateNormal", "MultivariateNormal"},
    {"MultivariateNormal", "LowRankMultivariateNormal"},
    {"MultivariateNormal", "MultivariateNormal"},
    {"Normal", "Beta"},
    {"Normal", "ContinuousBernoulli"},
    {"Normal", "Exponential"},
    {"Normal", "Gamma"},
    {"Normal", "Gumbel"},
    {"Normal", "Laplace"},
    {"Normal", "Normal"},
    {"Normal", "Pareto"},
    {"Normal", "Uniform"},
    {"OneHotCategorical", "OneHotCategorical"},
    {"Pareto", "Beta"},
    {"Pareto", "ContinuousBernoulli"},
    {"Pareto", "Exponential"},
    {"Pareto", "Gamma"},
    {"Pareto", "Normal"},
    {"Pareto", "Pareto"},
    {"Pareto", "Uniform"},
    {"Poisson", "Bernoulli"},
    {"Poisson", "Binomial"},
    {"Poisson", "Poisson"},
    {"TransformedDistribution", "TransformedDistribution"},
    {"Uniform", "Beta"},
    {"Uniform", "ContinuousBernoulli"},
    {"Uniform", "Exponential"},
    {"Uniform", "Gamma"},
    {"Uniform", "Gumbel"},
    {"Uniform", "Normal"},
    {"Uniform", "Pareto"},
    {"Uniform", "Uniform"},
};

TEST(KlPairs, EveryTorchPairIsRegistered) {
  std::set<std::pair<std::string, std::string>> registered;
  for (const auto& pair : td::registered_kl_pairs()) registered.insert(pair);
  for (const auto& pair : kTorchPairs) {
    EXPECT_EQ(registered.count(pair), 1u) << "missing rule: kl(" << pair.first << ", " << pair.second << ")";
  }
  for (const auto& pair : registered) {
    EXPECT_EQ(kTorchPairs.count(pair), 1u) << "rule not in torch: kl(" << pair.first << ", " << pair.second << ")";
  }
  EXPECT_EQ(kTorchPairs.size(), 87u);
  EXPECT_EQ(td::registered_kl_pairs().size(), 87u) << "a pair is registered twice";
}

}  // namespace
