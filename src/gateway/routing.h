// The order in which a call tries a model's deployments: among those not cooling down, one
// chosen at random in proportion to the weights, then the others in configured order;
// deployments in cooldown come last, so a call still has somewhere to go when all are.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "gateway/catalog.h"

namespace veyra::gateway {

// `random` gives a value in [0, 1). Returns every deployment exactly once.
std::vector<const Deployment*> attempt_order(const CatalogModel& model, std::int64_t now_ms,
                                             double random);

}  // namespace veyra::gateway
