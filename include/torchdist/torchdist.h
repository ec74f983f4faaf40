#pragma once
/// \file
/// Umbrella header: `#include <torchdist/torchdist.h>` and
/// `namespace td = torchdist;`.

#include "torchdist/core/constraints.h"
#include "torchdist/core/distribution.h"
#include "torchdist/core/probs_logits.h"
#include "torchdist/core/utils.h"

#include "torchdist/distributions/normal.h"
