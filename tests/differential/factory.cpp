#include "factory.h"

#include <c10/util/Exception.h>

#include <cmath>
#include <fstream>
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

// The parameters of one description, read once: numbers, integers and
// tensors (floating ones recorded as leaves), nested descriptions as their
// builders, transforms as their parsed parameters. The factories below read
// them by name each time they build.
class Params {
 public:
  Params(const json& spec, Leaves& leaves, const std::string& prefix) {
    const json params = spec.value("params", json::object());
    for (const auto& entry : params.items()) {
      values_.emplace_back(entry.key(), parse_value(entry.value(), leaves, prefix + entry.key()));
    }
    if (spec.contains("validate") && !spec["validate"].is_null()) validate_ = spec["validate"].get<bool>();
    for (const char* key : {"base", "mixture", "component"}) {
      if (spec.contains(key)) nested_.emplace_back(key, parse_distribution(spec[key], leaves, prefix + key + "."));
    }
    if (spec.contains("transforms")) {
      int index = 0;
      for (const json& t : spec["transforms"]) {
        const std::string path = prefix + "transforms." + std::to_string(index++) + ".";
        transforms_.push_back({t.at("type").get<std::string>(), t.value("event_dim", 0),
                               std::make_shared<Params>(json{{"params", t}}, leaves, path)});
      }
    }
  }

  bool has(const char* name) const { return find(name) != nullptr; }

  // A number or a tensor, as the Python call passes it.
  ScalarOrTensor arg(const char* name) const {
    const Value& v = at_(name);
    if (v.tensor.defined()) return v.tensor;
    return v.number;  // a Python int too, as in Binomial(10, ...)
  }

  at::Tensor tensor(const char* name) const {
    const Value& v = at_(name);
    TORCH_CHECK(v.tensor.defined(), "differential evaluator: parameter ", name, " is not a tensor");
    return v.tensor;
  }

  int64_t integer(const char* name) const {
    const Value& v = at_(name);
    TORCH_CHECK(v.is_integer, "differential evaluator: parameter ", name, " is not an integer");
    return v.integer;
  }

  ProbsOrLogits probs_or_logits() const {
    if (has("probs")) return probs(arg("probs"));
    return logits(arg("logits"));
  }

  MatrixParam matrix() const {
    if (has("scale_tril")) return scale_tril(tensor("scale_tril"));
    if (has("covariance_matrix")) return covariance_matrix(tensor("covariance_matrix"));
    return precision_matrix(tensor("precision_matrix"));
  }

  c10::optional<bool> validate() const { return validate_; }

  std::shared_ptr<Distribution> nested(const char* key) const {
    for (const auto& n : nested_) {
      if (n.first == key) return n.second();
    }
    TORCH_CHECK(false, "differential evaluator: missing ", key);
  }

  TransformList transforms() const {
    std::vector<TransformPtr> out;
    for (const ParsedTransform& t : transforms_) {
      const Params& tp = *t.params;
      if (t.type == "exp") {
        out.push_back(std::make_shared<ExpTransform>());
      } else if (t.type == "affine") {
        out.push_back(std::make_shared<AffineTransform>(tp.arg("loc"), tp.arg("scale"), t.event_dim));
      } else if (t.type == "sigmoid") {
        out.push_back(std::make_shared<SigmoidTransform>());
      } else if (t.type == "tanh") {
        out.push_back(std::make_shared<TanhTransform>());
      } else if (t.type == "softplus") {
        out.push_back(std::make_shared<SoftplusTransform>());
      } else if (t.type == "abs") {
        out.push_back(std::make_shared<AbsTransform>());
      } else if (t.type == "power") {
        out.push_back(std::make_shared<PowerTransform>(tp.tensor("exponent")));
      } else if (t.type == "stick_breaking") {
        out.push_back(std::make_shared<StickBreakingTransform>());
      } else {
        TORCH_CHECK(false, "differential evaluator: unknown transform ", t.type);
      }
    }
    return TransformList(out);
  }

 private:
  struct Value {
    double number = 0.0;
    bool is_integer = false;
    int64_t integer = 0;
    at::Tensor tensor;
  };
  struct ParsedTransform {
    std::string type;
    int event_dim;
    std::shared_ptr<Params> params;
  };

  static Value parse_value(const json& p, Leaves& leaves, const std::string& path) {
    Value v;
    if (p.is_number_integer()) {
      v.is_integer = true;
      v.integer = p.get<int64_t>();
      v.number = static_cast<double>(v.integer);
    } else if (p.is_number()) {
      v.number = p.get<double>();
    } else if (p.is_object() && p.contains("number")) {
      v.number = number_from_json(p["number"]);
    } else if (p.is_object() && p.contains("dtype")) {
      v.tensor = tensor_from_json(p);
      if (at::isFloatingType(v.tensor.scalar_type())) {
        if (leaves.requires_grad && p.value("grad", true)) v.tensor.requires_grad_(true);
        leaves.tensors.emplace_back(path, v.tensor);
      }
    }  // anything else (a transform's "type") is not a parameter
    return v;
  }

  const Value* find(const char* name) const {
    for (const auto& v : values_) {
      if (v.first == name) return &v.second;
    }
    return nullptr;
  }

  const Value& at_(const char* name) const {
    const Value* v = find(name);
    TORCH_CHECK(v != nullptr, "differential evaluator: missing parameter ", name);
    return *v;
  }

  std::vector<std::pair<std::string, Value>> values_;
  c10::optional<bool> validate_;
  std::vector<std::pair<std::string, Builder>> nested_;
  std::vector<ParsedTransform> transforms_;
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

// Raw native-endian elements in row-major order, as numpy's tofile writes them.
at::Tensor tensor_from_file(const std::string& path, const std::vector<int64_t>& shape, at::ScalarType dtype) {
  at::Tensor t = at::empty(shape, at::TensorOptions().dtype(dtype));
  std::ifstream in(path, std::ios::binary);
  TORCH_CHECK(in, "differential evaluator: cannot open ", path);
  const std::streamsize bytes = static_cast<std::streamsize>(t.nbytes());
  in.read(static_cast<char*>(t.data_ptr()), bytes);
  TORCH_CHECK(in.gcount() == bytes, "differential evaluator: ", path, " holds fewer than ", bytes, " bytes");
  return t;
}

}  // namespace

std::string error_class(const std::exception& e) {
  if (dynamic_cast<const c10::ValueError*>(&e)) return "ValueError";
  if (dynamic_cast<const c10::NotImplementedError*>(&e)) return "NotImplementedError";
  if (dynamic_cast<const c10::IndexError*>(&e)) return "IndexError";
  if (dynamic_cast<const c10::TypeError*>(&e)) return "TypeError";
  return "RuntimeError";
}

std::string first_line(const std::exception& e) {
  if (const auto* c = dynamic_cast<const c10::Error*>(&e)) return c->what_without_backtrace();
  return e.what();
}

at::Tensor tensor_from_json(const json& j) {
  const at::ScalarType dtype = dtype_from_name(j.at("dtype"));
  const std::vector<int64_t> shape = j.at("shape").get<std::vector<int64_t>>();
  if (j.contains("file")) return tensor_from_file(j.at("file").get<std::string>(), shape, dtype);
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

Builder parse_distribution(const json& spec, Leaves& leaves, const std::string& prefix) {
  const std::string family = spec.at("family");
  const auto& table = factories();
  const auto it = table.find(family);
  TORCH_CHECK(it != table.end(), "differential evaluator: unknown family ", family);
  const Factory* factory = &it->second;
  auto params = std::make_shared<const Params>(spec, leaves, prefix);
  return [factory, params]() { return (*factory)(*params); };
}

std::shared_ptr<Distribution> make_distribution(const json& spec, Leaves& leaves, const std::string& prefix) {
  return parse_distribution(spec, leaves, prefix)();
}

}  // namespace differential
}  // namespace torchdist
