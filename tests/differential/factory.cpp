#include "factory.h"

#include <c10/util/Exception.h>

#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>

namespace torchdist {
namespace differential {
namespace {

at::ScalarType dtype_from_name(const std::string& name) {
  if (name == "float64") return at::kDouble;
  if (name == "float32") return at::kFloat;
  if (name == "int64") return at::kLong;
  if (name == "bool") return at::kBool;
  TORCH_CHECK(false, "differential evaluator: unknown dtype ", name);
}

std::string dtype_name(at::ScalarType t) {
  switch (t) {
    case at::kDouble: return "float64";
    case at::kFloat: return "float32";
    case at::kLong: return "int64";
    case at::kInt: return "int32";
    case at::kBool: return "bool";
    default: return c10::toString(t);
  }
}

double number_from_json(const json& v) {
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (s == "inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
    TORCH_CHECK(false, "differential evaluator: bad number ", s);
  }
  return v.get<double>();
}

json number_to_json(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  return x;
}

// Reads the parameters of one description, recording floating leaves.
class Params {
 public:
  Params(const json& spec, Leaves& leaves, std::string prefix)
      : spec_(spec), params_(spec.value("params", json::object())), leaves_(leaves), prefix_(std::move(prefix)) {}

  bool has(const char* name) const { return params_.contains(name); }

  // A number or a tensor, as the Python call passes it.
  ScalarOrTensor arg(const char* name) const {
    const json& p = at_(name);
    if (p.is_number()) return p.get<double>();  // a Python int, as in Binomial(10, ...)
    if (p.contains("number")) return number_from_json(p["number"]);
    return tensor(name);
  }

  at::Tensor tensor(const char* name) const {
    const json& p = at_(name);
    at::Tensor t = tensor_from_json(p);
    if (at::isFloatingType(t.scalar_type())) {
      if (leaves_.requires_grad && p.value("grad", true)) t.requires_grad_(true);
      leaves_.tensors.emplace_back(prefix_ + name, t);
    }
    return t;
  }

  int64_t integer(const char* name) const { return at_(name).get<int64_t>(); }

  ProbsOrLogits probs_or_logits() const {
    if (has("probs")) return probs(arg("probs"));
    return logits(arg("logits"));
  }

  MatrixParam matrix() const {
    if (has("scale_tril")) return scale_tril(tensor("scale_tril"));
    if (has("covariance_matrix")) return covariance_matrix(tensor("covariance_matrix"));
    return precision_matrix(tensor("precision_matrix"));
  }

  c10::optional<bool> validate() const {
    if (!spec_.contains("validate") || spec_["validate"].is_null()) return c10::nullopt;
    return spec_["validate"].get<bool>();
  }

  std::shared_ptr<Distribution> nested(const char* key) const {
    return make_distribution(spec_.at(key), leaves_, prefix_ + key + ".");
  }

  TransformList transforms() const {
    std::vector<TransformPtr> out;
    int index = 0;
    for (const json& t : spec_.at("transforms")) {
      const std::string type = t.at("type");
      const std::string path = prefix_ + "transforms." + std::to_string(index++) + ".";
      const json wrapped{{"params", t}};
      Params tp(wrapped, leaves_, path);
      if (type == "exp") {
        out.push_back(std::make_shared<ExpTransform>());
      } else if (type == "affine") {
        out.push_back(std::make_shared<AffineTransform>(tp.arg("loc"), tp.arg("scale"), t.value("event_dim", 0)));
      } else if (type == "sigmoid") {
        out.push_back(std::make_shared<SigmoidTransform>());
      } else if (type == "tanh") {
        out.push_back(std::make_shared<TanhTransform>());
      } else if (type == "softplus") {
        out.push_back(std::make_shared<SoftplusTransform>());
      } else if (type == "abs") {
        out.push_back(std::make_shared<AbsTransform>());
      } else if (type == "power") {
        out.push_back(std::make_shared<PowerTransform>(tp.tensor("exponent")));
      } else if (type == "stick_breaking") {
        out.push_back(std::make_shared<StickBreakingTransform>());
      } else {
        TORCH_CHECK(false, "differential evaluator: unknown transform ", type);
      }
    }
    return TransformList(out);
  }

 private:
  const json& at_(const char* name) const {
    TORCH_CHECK(params_.contains(name), "differential evaluator: missing parameter ", name);
    return params_[name];
  }

  const json& spec_;
  json params_;
  Leaves& leaves_;
  std::string prefix_;
};

using Factory = std::function<std::shared_ptr<Distribution>(const Params&)>;

template <class D, class... Args>
std::shared_ptr<Distribution> make(Args&&... args) {
  return std::make_shared<D>(std::forward<Args>(args)...);
}

// One line per family: the C++ spelling of the Python constructor.
const std::map<std::string, Factory>& factories() {
  static const std::map<std::string, Factory> table = {
      {"Normal", [](const Params& p) { return make<Normal>(p.arg("loc"), p.arg("scale"), p.validate()); }},
      {"Cauchy", [](const Params& p) { return make<Cauchy>(p.arg("loc"), p.arg("scale"), p.validate()); }},
      {"Laplace", [](const Params& p) { return make<Laplace>(p.arg("loc"), p.arg("scale"), p.validate()); }},
      {"Gumbel", [](const Params& p) { return make<Gumbel>(p.arg("loc"), p.arg("scale"), p.validate()); }},
      {"LogNormal", [](const Params& p) { return make<LogNormal>(p.arg("loc"), p.arg("scale"), p.validate()); }},
      {"LogisticNormal",
       [](const Params& p) { return make<LogisticNormal>(p.arg("loc"), p.arg("scale"), p.validate()); }},
      {"HalfNormal", [](const Params& p) { return make<HalfNormal>(p.arg("scale"), p.validate()); }},
      {"HalfCauchy", [](const Params& p) { return make<HalfCauchy>(p.arg("scale"), p.validate()); }},
      {"Uniform", [](const Params& p) { return make<Uniform>(p.arg("low"), p.arg("high"), p.validate()); }},
      {"Beta",
       [](const Params& p) { return make<Beta>(p.arg("concentration1"), p.arg("concentration0"), p.validate()); }},
      {"Kumaraswamy",
       [](const Params& p) {
         return make<Kumaraswamy>(p.arg("concentration1"), p.arg("concentration0"), p.validate());
       }},
      {"Gamma", [](const Params& p) { return make<Gamma>(p.arg("concentration"), p.arg("rate"), p.validate()); }},
      {"InverseGamma",
       [](const Params& p) { return make<InverseGamma>(p.arg("concentration"), p.arg("rate"), p.validate()); }},
      {"Chi2", [](const Params& p) { return make<Chi2>(p.arg("df"), p.validate()); }},
      {"Exponential", [](const Params& p) { return make<Exponential>(p.arg("rate"), p.validate()); }},
      {"Poisson", [](const Params& p) { return make<Poisson>(p.arg("rate"), p.validate()); }},
      {"StudentT",
       [](const Params& p) { return make<StudentT>(p.arg("df"), p.arg("loc"), p.arg("scale"), p.validate()); }},
      {"FisherSnedecor", [](const Params& p) { return make<FisherSnedecor>(p.arg("df1"), p.arg("df2"), p.validate()); }},
      {"VonMises", [](const Params& p) { return make<VonMises>(p.arg("loc"), p.arg("concentration"), p.validate()); }},
      {"Pareto", [](const Params& p) { return make<Pareto>(p.arg("scale"), p.arg("alpha"), p.validate()); }},
      {"Weibull", [](const Params& p) { return make<Weibull>(p.arg("scale"), p.arg("concentration"), p.validate()); }},
      {"GeneralizedPareto",
       [](const Params& p) {
         return make<GeneralizedPareto>(p.arg("loc"), p.arg("scale"), p.arg("concentration"), p.validate());
       }},
      {"Dirichlet", [](const Params& p) { return make<Dirichlet>(p.tensor("concentration"), p.validate()); }},
      {"Bernoulli", [](const Params& p) { return make<Bernoulli>(p.probs_or_logits(), p.validate()); }},
      {"Geometric", [](const Params& p) { return make<Geometric>(p.probs_or_logits(), p.validate()); }},
      {"ContinuousBernoulli",
       [](const Params& p) { return make<ContinuousBernoulli>(p.probs_or_logits(), p.validate()); }},
      {"Categorical", [](const Params& p) { return make<Categorical>(p.probs_or_logits(), p.validate()); }},
      {"OneHotCategorical",
       [](const Params& p) { return make<OneHotCategorical>(p.probs_or_logits(), p.validate()); }},
      {"OneHotCategoricalStraightThrough",
       [](const Params& p) { return make<OneHotCategoricalStraightThrough>(p.probs_or_logits(), p.validate()); }},
      {"Binomial",
       [](const Params& p) { return make<Binomial>(p.arg("total_count"), p.probs_or_logits(), p.validate()); }},
      {"NegativeBinomial",
       [](const Params& p) {
         return make<NegativeBinomial>(p.arg("total_count"), p.probs_or_logits(), p.validate());
       }},
      {"Multinomial",
       [](const Params& p) {
         return make<Multinomial>(p.integer("total_count"), p.probs_or_logits(), p.validate());
       }},
      {"RelaxedBernoulli",
       [](const Params& p) {
         return make<RelaxedBernoulli>(p.arg("temperature"), p.probs_or_logits(), p.validate());
       }},
      {"LogitRelaxedBernoulli",
       [](const Params& p) {
         return make<LogitRelaxedBernoulli>(p.arg("temperature"), p.probs_or_logits(), p.validate());
       }},
      {"RelaxedOneHotCategorical",
       [](const Params& p) {
         return make<RelaxedOneHotCategorical>(p.arg("temperature"), p.probs_or_logits(), p.validate());
       }},
      {"ExpRelaxedCategorical",
       [](const Params& p) {
         return make<ExpRelaxedCategorical>(p.arg("temperature"), p.probs_or_logits(), p.validate());
       }},
      {"MultivariateNormal",
       [](const Params& p) { return make<MultivariateNormal>(p.tensor("loc"), p.matrix(), p.validate()); }},
      {"LowRankMultivariateNormal",
       [](const Params& p) {
         return make<LowRankMultivariateNormal>(p.tensor("loc"), p.tensor("cov_factor"), p.tensor("cov_diag"),
                                                p.validate());
       }},
      {"Wishart", [](const Params& p) { return make<Wishart>(p.arg("df"), p.matrix(), p.validate()); }},
      {"LKJCholesky",
       [](const Params& p) { return make<LKJCholesky>(p.integer("dim"), p.arg("concentration"), p.validate()); }},
      {"Independent",
       [](const Params& p) {
         return make<Independent>(DistributionPtr(p.nested("base")), p.integer("reinterpreted_batch_ndims"),
                                  p.validate());
       }},
      {"TransformedDistribution",
       [](const Params& p) {
         return make<TransformedDistribution>(DistributionPtr(p.nested("base")), p.transforms(), p.validate());
       }},
      {"MixtureSameFamily",
       [](const Params& p) {
         auto mixture = std::dynamic_pointer_cast<const Categorical>(p.nested("mixture"));
         TORCH_CHECK(mixture, "differential evaluator: the mixture must be a Categorical");
         return make<MixtureSameFamily>(mixture, DistributionPtr(p.nested("component")), p.validate());
       }},
  };
  return table;
}

}  // namespace

at::Tensor tensor_from_json(const json& j) {
  const at::ScalarType dtype = dtype_from_name(j.at("dtype"));
  const std::vector<int64_t> shape = j.at("shape").get<std::vector<int64_t>>();
  const json& data = j.at("data");
  std::vector<double> values;
  values.reserve(data.size());
  for (const json& v : data) values.push_back(number_from_json(v));
  // Everything travels as doubles: a float32 value as the double it equals,
  // integers exactly up to 2^53; so the cast back is exact.
  const at::Tensor t = at::tensor(values, at::kDouble).to(dtype).reshape(shape).contiguous();
  const std::string layout = j.value("layout", "contiguous");
  if (t.dim() == 0 || t.numel() == 0 || layout == "contiguous") return t;
  if (layout == "strided") {
    std::vector<int64_t> doubled = shape;
    doubled.back() *= 2;
    const double gap = at::isFloatingType(dtype) ? std::numeric_limits<double>::quiet_NaN() : -7.0;
    at::Tensor buffer = at::full(doubled, gap, t.options());
    at::Tensor view = buffer.slice(-1, 0, c10::nullopt, 2);
    view.copy_(t);
    return view;
  }
  if (layout == "expanded") return t.narrow(0, 0, 1).expand(shape);
  throw std::invalid_argument("tensor_from_json: unknown layout " + layout);
}

json tensor_to_json(const at::Tensor& t) {
  at::Tensor c = t.detach().contiguous();
  json data = json::array();
  if (c.scalar_type() == at::kBool || at::isIntegralType(c.scalar_type(), /*includeBool=*/false)) {
    at::Tensor l = c.to(at::kLong).reshape({-1});
    const int64_t* p = l.data_ptr<int64_t>();
    for (int64_t i = 0; i < l.numel(); ++i) data.push_back(p[i]);
  } else {
    at::Tensor d = c.to(at::kDouble).reshape({-1});
    const double* p = d.data_ptr<double>();
    for (int64_t i = 0; i < d.numel(); ++i) data.push_back(number_to_json(p[i]));
  }
  return json{{"dtype", dtype_name(c.scalar_type())}, {"shape", c.sizes().vec()}, {"data", data}};
}

std::shared_ptr<Distribution> make_distribution(const json& spec, Leaves& leaves, const std::string& prefix) {
  const std::string family = spec.at("family");
  const auto& table = factories();
  const auto it = table.find(family);
  TORCH_CHECK(it != table.end(), "differential evaluator: unknown family ", family);
  return it->second(Params(spec, leaves, prefix));
}

}  // namespace differential
}  // namespace torchdist
