#include "torchdist/kl/registry.h"

#include <c10/util/Exception.h>
#include <c10/util/Type.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>

#include "kl_rules.h"

namespace torchdist {
namespace detail {

std::string short_type_name(const char* mangled) {
  std::string name = c10::demangle(mangled);
  const std::string prefix = "torchdist::";
  if (name.compare(0, prefix.size(), prefix) == 0) name.erase(0, prefix.size());
  return name;
}

namespace {

// `a` is `b` or derives from it.
bool is_subtype(const KlTypeTag& a, const KlTypeTag& b) { return a.index == b.index || b.catches(a.throw_pointer); }

// torch's lexicographic order on rule pairs: (P1, Q1) <= (P2, Q2) when P1
// derives from P2, and, if P1 is P2, Q1 derives from Q2. `first`/`second`
// pick which side is compared first.
bool precedes_or_equal(const KlTypeTag& a1, const KlTypeTag& a2, const KlTypeTag& b1, const KlTypeTag& b2) {
  if (!is_subtype(a1, b1)) return false;
  if (a1.index != b1.index) return true;
  return is_subtype(a2, b2);
}

class Registry {
 public:
  Registry() {
    std::vector<KlRule> builtin;
    add_same_family_kl_rules(builtin);
    add_discrete_kl_rules(builtin);
    add_cross_continuous_kl_rules(builtin);
    add_multivariate_kl_rules(builtin);
    add_composite_kl_rules(builtin);
    for (auto& rule : builtin) add_locked(std::move(rule));
  }

  void add(KlRule rule) {
    std::lock_guard<std::mutex> lock(mutex_);
    add_locked(std::move(rule));
  }

  std::shared_ptr<const KlRule> find(const Distribution& p, const Distribution& q) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto key = std::make_pair(std::type_index(typeid(p)), std::type_index(typeid(q)));
    auto cached = cache_.find(key);
    if (cached != cache_.end()) return cached->second;
    auto rule = dispatch(p, q);
    cache_.emplace(key, rule);
    return rule;
  }

  std::vector<std::pair<std::string, std::string>> pairs() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& rule : rules_) out.emplace_back(rule->p.name, rule->q.name);
    return out;
  }

 private:
  void add_locked(KlRule rule) {
    cache_.clear();  // the most specific match may have changed
    for (auto& existing : rules_) {
      if (existing->p.index == rule.p.index && existing->q.index == rule.q.index) {
        existing = std::make_shared<const KlRule>(std::move(rule));
        return;
      }
    }
    rules_.push_back(std::make_shared<const KlRule>(std::move(rule)));
  }

  // The most specific match, as torch's _dispatch_kl: the minimum in the
  // (P, Q) lexicographic order; when the (Q, P) order picks another
  // function the pair is ambiguous and torch warns, so do we.
  std::shared_ptr<const KlRule> dispatch(const Distribution& p, const Distribution& q) const {
    std::shared_ptr<const KlRule> left, right;
    for (const auto& rule : rules_) {
      if (!rule->p.is_instance(p) || !rule->q.is_instance(q)) continue;
      if (!left || (precedes_or_equal(rule->p, rule->q, left->p, left->q) && rule != left)) left = rule;
      if (!right || (precedes_or_equal(rule->q, rule->p, right->q, right->p) && rule != right)) right = rule;
    }
    if (left && left != right) {
      TORCH_WARN("Ambiguous kl_divergence(", p.name(), ", ", q.name(), "): register_kl<", left->p.name, ", ",
                 right->q.name, "> to choose a rule");
    }
    return left;
  }

  std::mutex mutex_;
  std::vector<std::shared_ptr<const KlRule>> rules_;
  std::map<std::pair<std::type_index, std::type_index>, std::shared_ptr<const KlRule>> cache_;
};

Registry& registry() {
  static Registry instance;
  return instance;
}

std::string shape_string(at::IntArrayRef shape) {
  std::ostringstream out;
  out << shape;
  return out.str();
}

bool broadcastable(at::IntArrayRef a, at::IntArrayRef b) {
  for (size_t i = 1; i <= std::min(a.size(), b.size()); ++i) {
    const int64_t x = a[a.size() - i], y = b[b.size() - i];
    if (x != y && x != 1 && y != 1) return false;
  }
  return true;
}

}  // namespace

void add_kl_rule(KlRule rule) { registry().add(std::move(rule)); }

}  // namespace detail

at::Tensor kl_divergence(const Distribution& p, const Distribution& q) {
  TORCH_CHECK_VALUE(p.event_shape().equals(q.event_shape()), "kl_divergence(", p.name(), ", ", q.name(),
                    "): the event shapes differ, ", detail::shape_string(p.event_shape()), " and ",
                    detail::shape_string(q.event_shape()));
  TORCH_CHECK_VALUE(detail::broadcastable(p.batch_shape(), q.batch_shape()), "kl_divergence(", p.name(), ", ",
                    q.name(), "): the batch shapes ", detail::shape_string(p.batch_shape()), " and ",
                    detail::shape_string(q.batch_shape()), " do not broadcast");
  auto rule = detail::registry().find(p, q);
  TORCH_CHECK_NOT_IMPLEMENTED(rule != nullptr, "kl_divergence(", p.name(), ", ", q.name(),
                              ") has no registered rule; add one with td::register_kl<P, Q>");
  return rule->fn(p, q);
}

std::vector<std::pair<std::string, std::string>> registered_kl_pairs() { return detail::registry().pairs(); }

}  // namespace torchdist
