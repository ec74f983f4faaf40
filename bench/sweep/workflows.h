#pragma once
// The sweep's workflow cases: a few lines of user code each, the way a
// training or RL step calls the library. bench/sweep/workflows.py holds the
// same five in Python; the two must stay line-for-line equivalent.

#include <ATen/ATen.h>

#include <functional>
#include <map>
#include <string>

namespace torchdist {
namespace sweep {

/// One step of the workflow `name` on `inputs` (leaves that the workflow
/// differentiates are marked requires_grad here, as in Python). Throws
/// c10::ValueError for an unknown name.
std::function<void()> make_workflow(const std::string& name, std::map<std::string, at::Tensor> inputs);

}  // namespace sweep
}  // namespace torchdist
