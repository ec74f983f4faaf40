#include "torchdist/transforms/constraint_registry.h"

#include "torchdist/core/constraint_types.h"
#include "torchdist/transforms/affine.h"
#include "torchdist/transforms/compose.h"
#include "torchdist/transforms/elementwise.h"
#include "torchdist/transforms/matrix.h"
#include "torchdist/transforms/simplex.h"
#include "torchdist/transforms/structural.h"

namespace torchdist {

namespace c = constraints;

void ConstraintRegistry::add(std::type_index type, Factory factory) {
  TORCH_CHECK_VALUE(factory != nullptr, name_, ": factory must not be empty");
  std::lock_guard<std::mutex> lock(mutex_);
  factories_[type] = std::move(factory);
}

TransformPtr ConstraintRegistry::operator()(const ConstraintPtr& constraint) const {
  TORCH_CHECK_VALUE(constraint != nullptr, name_, ": constraint must not be null");
  Factory factory;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = factories_.find(std::type_index(typeid(*constraint)));
    TORCH_CHECK_NOT_IMPLEMENTED(it != factories_.end(), name_, ": no transform is registered for ",
                                constraint->name());
    factory = it->second;
  }
  return factory(*constraint);
}

namespace {

bool is_scalar_value(const at::Tensor& t, double v) { return t.numel() == 1 && t.item<double>() == v; }

TransformPtr compose(std::vector<TransformPtr> parts) { return std::make_shared<ComposeTransform>(std::move(parts)); }

// The factories both registries share.
void register_common(ConstraintRegistry& r, TransformPtr (*recurse)(const ConstraintPtr&)) {
  r.add<c::Real>([](const c::Real& con) -> TransformPtr {
    TransformPtr identity = compose({});
    if (con.event_dim() == 0) return identity;
    return std::make_shared<IndependentTransform>(identity, con.event_dim());
  });
  r.add<c::IndependentConstraint>([recurse](const c::IndependentConstraint& con) -> TransformPtr {
    return std::make_shared<IndependentTransform>(recurse(con.base()), con.reinterpreted_batch_ndims());
  });
  r.add<c::GreaterThan>([](const c::GreaterThan& con) -> TransformPtr {
    auto exp = std::make_shared<ExpTransform>();
    if (is_scalar_value(con.lower_bound(), 0)) return exp;  // positive(), nonnegative()
    return compose({exp, std::make_shared<AffineTransform>(con.lower_bound(), 1.0)});
  });
  r.add<c::LessThan>([](const c::LessThan& con) -> TransformPtr {
    return compose({std::make_shared<ExpTransform>(), std::make_shared<AffineTransform>(con.upper_bound(), -1.0)});
  });
  r.add<c::Interval>([](const c::Interval& con) -> TransformPtr {
    TORCH_CHECK_NOT_IMPLEMENTED(!con.is_discrete(), "biject_to/transform_to: no transform onto the discrete ",
                                con.name());
    auto sigmoid = std::make_shared<SigmoidTransform>();
    if (is_scalar_value(con.lower_bound(), 0) && is_scalar_value(con.upper_bound(), 1)) return sigmoid;
    return compose({sigmoid, std::make_shared<AffineTransform>(con.lower_bound(),
                                                               con.upper_bound() - con.lower_bound())});
  });
  r.add<c::CorrCholesky>([](const c::CorrCholesky&) -> TransformPtr {
    return std::make_shared<CorrCholeskyTransform>();
  });
  r.add<c::Cat>([recurse](const c::Cat& con) -> TransformPtr {
    std::vector<TransformPtr> parts;
    for (const ConstraintPtr& p : con.parts()) parts.push_back(recurse(p));
    return std::make_shared<CatTransform>(std::move(parts), con.dim(), con.lengths());
  });
  r.add<c::Stack>([recurse](const c::Stack& con) -> TransformPtr {
    std::vector<TransformPtr> parts;
    for (const ConstraintPtr& p : con.parts()) parts.push_back(recurse(p));
    return std::make_shared<StackTransform>(std::move(parts), con.dim());
  });
}

}  // namespace

// The built-in entries are registered on first use, by these functions, not
// by static objects in other files (which a static link may drop).
ConstraintRegistry& biject_to_registry() {
  static ConstraintRegistry* registry = [] {
    auto* r = new ConstraintRegistry("biject_to");  // never destroyed: usable during static destruction
    register_common(*r, &biject_to);
    r->add<c::Simplex>([](const c::Simplex&) -> TransformPtr { return std::make_shared<StickBreakingTransform>(); });
    return r;
  }();
  return *registry;
}

ConstraintRegistry& transform_to_registry() {
  static ConstraintRegistry* registry = [] {
    auto* r = new ConstraintRegistry("transform_to");
    register_common(*r, &transform_to);
    r->add<c::Simplex>([](const c::Simplex&) -> TransformPtr { return std::make_shared<SoftmaxTransform>(); });
    r->add<c::LowerTriangular>([](const c::LowerTriangular& con) -> TransformPtr {
      TORCH_CHECK_NOT_IMPLEMENTED(con.positive_diagonal(), "transform_to: no transform is registered for ",
                                  con.name());
      return std::make_shared<LowerCholeskyTransform>();
    });
    r->add<c::SymmetricMatrix>([](const c::SymmetricMatrix& con) -> TransformPtr {
      TORCH_CHECK_NOT_IMPLEMENTED(con.kind() != c::SymmetricMatrix::Kind::kSymmetric,
                                  "transform_to: no transform is registered for ", con.name());
      return std::make_shared<PositiveDefiniteTransform>();
    });
    return r;
  }();
  return *registry;
}

TransformPtr biject_to(const ConstraintPtr& constraint) { return biject_to_registry()(constraint); }
TransformPtr transform_to(const ConstraintPtr& constraint) { return transform_to_registry()(constraint); }

}  // namespace torchdist
