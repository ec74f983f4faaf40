// Which gradient estimator should you use for a discrete random variable?
// This demo measures them on a problem with a known exact gradient
// (examples/estimators_problem.h): four categorical variables with five
// categories each, cost f(z) = (sum of their values - 2.7)^2.
//
// For each estimator it reports
//   - bias and variance of one gradient estimate (8 samples) against the
//     exact gradient, over many repetitions at a fixed parameter;
//   - the exact objective reached after a fixed number of Adam steps
//     (mean over a few seeds), and the time per step;
// prints a table, and writes the training curves to estimators_curves.csv
// and estimators_curves.svg in the working directory.
//
// Run it: bash scripts/run_example.sh  (or ./build/examples/estimators)

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <torch/optim/adam.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "estimators_problem.h"

namespace demo = estimators_demo;

namespace {

constexpr int64_t kSamples = 8;         // samples per gradient estimate
constexpr int64_t kRepetitions = 2000;  // estimates for bias and variance
constexpr int64_t kSteps = 300;         // Adam steps per training run
constexpr int64_t kSeeds = 5;           // training runs per estimator
constexpr double kLearningRate = 0.05;

struct GradientStats {
  double relative_bias;         // |mean estimate - exact| / |exact|
  double bias_standard_error;   // of that ratio, from the spread of the estimates
  double relative_variance;     // E|estimate - mean estimate|^2 / |exact|^2
};

GradientStats gradient_stats(const demo::Estimator& estimator, const at::Tensor& theta, const at::Tensor& exact,
                             at::Generator& gen) {
  std::vector<at::Tensor> estimates;
  estimates.reserve(kRepetitions);
  for (int64_t r = 0; r < kRepetitions; ++r) estimates.push_back(demo::estimate_gradient(estimator, theta, kSamples, gen));
  at::Tensor g = at::stack(estimates);  // [R, D, K]
  at::Tensor mean = g.mean(0);
  const double exact_norm2 = exact.pow(2).sum().item<double>();
  const double total_variance = (g - mean).pow(2).sum({1, 2}).mean().item<double>();
  return {(mean - exact).norm().item<double>() / std::sqrt(exact_norm2),
          std::sqrt(total_variance / static_cast<double>(kRepetitions) / exact_norm2),
          total_variance / exact_norm2};
}

struct TrainingRun {
  std::vector<double> objective;  // exact J after each step (index 0: start)
  double seconds_per_step;
};

TrainingRun train(const demo::Estimator& estimator, const at::Tensor& theta0, uint64_t seed) {
  at::Generator gen = at::detail::createCPUGenerator(seed);
  at::Tensor theta = theta0.clone().set_requires_grad(true);
  torch::optim::Adam adam({theta}, torch::optim::AdamOptions(kLearningRate));
  TrainingRun run;
  run.objective.push_back(demo::exact_objective(theta).item<double>());
  double seconds = 0;
  for (int64_t step = 0; step < kSteps; ++step) {
    const auto start = std::chrono::steady_clock::now();
    adam.zero_grad();
    estimator(theta, kSamples, gen).backward();
    adam.step();
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    at::NoGradGuard no_grad;
    run.objective.push_back(demo::exact_objective(theta).item<double>());
  }
  run.seconds_per_step = seconds / kSteps;
  return run;
}

// A small line chart of log10(J - optimum) against the step, one line per
// estimator, written by hand (no plotting dependency).
void write_svg(const std::string& path, const std::vector<std::string>& names,
               const std::vector<std::vector<double>>& curves, double optimum) {
  const double width = 760, height = 440, left = 60, right = 230, top = 20, bottom = 50;
  const double plot_w = width - left - right, plot_h = height - top - bottom;
  double lo = 1e300, hi = -1e300;
  for (const auto& c : curves) {
    for (double v : c) {
      const double y = std::log10(std::max(v - optimum, 1e-6));
      lo = std::min(lo, y);
      hi = std::max(hi, y);
    }
  }
  lo = std::floor(lo);
  hi = std::ceil(hi);
  auto px = [&](double step) { return left + plot_w * step / static_cast<double>(kSteps); };
  auto py = [&](double v) { return top + plot_h * (hi - std::log10(std::max(v - optimum, 1e-6))) / (hi - lo); };
  const char* colors[] = {"#000000", "#d62728", "#ff7f0e", "#2ca02c", "#1f77b4", "#9467bd", "#17becf", "#e377c2"};

  std::ofstream out(path);
  out << "<svg xmlns='http://www.w3.org/2000/svg' width='" << width << "' height='" << height
      << "' font-family='sans-serif' font-size='12'>\n<rect width='100%' height='100%' fill='white'/>\n";
  for (double e = lo; e <= hi; e += 1) {
    const double y = top + plot_h * (hi - e) / (hi - lo);
    out << "<line x1='" << left << "' y1='" << y << "' x2='" << left + plot_w << "' y2='" << y
        << "' stroke='#ddd'/>\n<text x='" << left - 8 << "' y='" << y + 4 << "' text-anchor='end'>1e" << e
        << "</text>\n";
  }
  for (int64_t s = 0; s <= kSteps; s += kSteps / 6) {
    out << "<text x='" << px(static_cast<double>(s)) << "' y='" << top + plot_h + 18 << "' text-anchor='middle'>" << s
        << "</text>\n";
  }
  out << "<rect x='" << left << "' y='" << top << "' width='" << plot_w << "' height='" << plot_h
      << "' fill='none' stroke='#333'/>\n"
      << "<text x='" << left + plot_w / 2 << "' y='" << height - 10 << "' text-anchor='middle'>Adam step</text>\n"
      << "<text transform='translate(15," << top + plot_h / 2
      << ") rotate(-90)' text-anchor='middle'>objective - optimum (exact)</text>\n";
  for (size_t i = 0; i < curves.size(); ++i) {
    out << "<polyline fill='none' stroke-width='1.5' stroke='" << colors[i % 8] << "' points='";
    for (size_t s = 0; s < curves[i].size(); ++s) out << px(static_cast<double>(s)) << "," << py(curves[i][s]) << " ";
    out << "'/>\n";
    const double ly = top + 16 + 18 * static_cast<double>(i);
    out << "<line x1='" << left + plot_w + 12 << "' y1='" << ly - 4 << "' x2='" << left + plot_w + 32 << "' y2='"
        << ly - 4 << "' stroke-width='2' stroke='" << colors[i % 8] << "'/>\n<text x='" << left + plot_w + 38
        << "' y='" << ly << "'>" << names[i] << "</text>\n";
  }
  out << "</svg>\n";
}

}  // namespace

int main() {
  at::set_num_threads(1);
  const auto start = std::chrono::steady_clock::now();
  // A fixed, non-uniform starting point (so that no symmetry hides bias).
  at::Generator init = at::detail::createCPUGenerator(7);
  const at::Tensor theta0 = at::empty({demo::kVariables, demo::kCategories}, at::kDouble).normal_(0, 1, init);
  at::Tensor theta = theta0.clone().set_requires_grad(true);
  const at::Tensor exact = torch::autograd::grad({demo::exact_objective(theta)}, {theta})[0];
  const double optimum = demo::optimum();

  std::printf("Minimizing E[(sum of %lld categorical values - %.1f)^2] over logits theta [%lld x %lld];\n",
              static_cast<long long>(demo::kVariables), demo::kTarget, static_cast<long long>(demo::kVariables),
              static_cast<long long>(demo::kCategories));
  std::printf("objective at start %.4f, optimum %.4f. %lld samples per estimate, %lld Adam steps (lr %.2f),\n",
              demo::exact_objective(theta0).item<double>(), optimum, static_cast<long long>(kSamples),
              static_cast<long long>(kSteps), kLearningRate);
  std::printf("bias/variance over %lld estimates at the start, objective averaged over %lld seeds.\n\n",
              static_cast<long long>(kRepetitions), static_cast<long long>(kSeeds));
  std::printf("| %-24s | %15s | %14s | %16s | %12s |\n", "estimator", "relative bias", "rel. variance",
              "final objective", "us / step");
  std::printf("|%s|%s|%s|%s|%s|\n", std::string(26, '-').c_str(), std::string(17, '-').c_str(),
              std::string(16, '-').c_str(), std::string(18, '-').c_str(), std::string(14, '-').c_str());

  std::vector<std::string> names;
  std::vector<std::vector<double>> curves;
  const std::vector<demo::NamedEstimator> names_only = demo::all_estimators();
  for (size_t e = 0; e < names_only.size(); ++e) {
    at::Generator gen = at::detail::createCPUGenerator(1000 + e);
    const GradientStats stats = gradient_stats(demo::all_estimators()[e].surrogate, theta, exact, gen);

    std::vector<double> mean_curve(kSteps + 1, 0.0);
    std::vector<double> step_times;
    for (int64_t seed = 0; seed < kSeeds; ++seed) {
      // A fresh estimator per run: the moving-average baseline starts empty.
      const TrainingRun run = train(demo::all_estimators()[e].surrogate, theta0, 100 + seed);
      for (int64_t s = 0; s <= kSteps; ++s) mean_curve[s] += run.objective[s] / kSeeds;
      step_times.push_back(run.seconds_per_step);
    }
    std::sort(step_times.begin(), step_times.end());
    const double median_us = 1e6 * step_times[step_times.size() / 2];

    char bias[32];
    std::snprintf(bias, sizeof bias, "%.3f +- %.3f", stats.relative_bias, stats.bias_standard_error);
    std::printf("| %-24s | %15s | %14.3f | %16.4f | %12.0f |\n", names_only[e].name.c_str(), bias,
                stats.relative_variance, mean_curve.back(), median_us);
    std::fflush(stdout);
    names.push_back(names_only[e].name);
    curves.push_back(std::move(mean_curve));
  }

  std::ofstream csv("estimators_curves.csv");
  csv << "step";
  for (const std::string& n : names) csv << "," << n;
  csv << "\n";
  for (int64_t s = 0; s <= kSteps; ++s) {
    csv << s;
    for (const auto& c : curves) csv << "," << c[s];
    csv << "\n";
  }
  write_svg("estimators_curves.svg", names, curves, optimum);
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("\nTraining curves (exact objective, mean over seeds): estimators_curves.csv, estimators_curves.svg\n");
  std::printf("Total time %.1f s.\n", total);
  return 0;
}
