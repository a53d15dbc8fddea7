#include "gateway/routing.h"

namespace veyra::gateway {

std::vector<const Deployment*> attempt_order(const CatalogModel& model, std::int64_t now_ms,
                                             double random) {
  std::vector<const Deployment*> order;
  order.reserve(model.deployments.size());
  if (model.deployments.size() == 1) {
    order.push_back(&model.deployments[0]);
    return order;
  }

  std::uint64_t total_weight = 0;
  for (const Deployment& deployment : model.deployments) {
    if (deployment.health->available(now_ms)) total_weight += deployment.weight;
  }
  const Deployment* first = nullptr;
  if (total_weight > 0) {
    auto point = static_cast<std::uint64_t>(random * static_cast<double>(total_weight));
    for (const Deployment& deployment : model.deployments) {
      if (!deployment.health->available(now_ms)) continue;
      if (point < deployment.weight) {
        first = &deployment;
        break;
      }
      point -= deployment.weight;
    }
  }

  if (first != nullptr) order.push_back(first);
  for (const Deployment& deployment : model.deployments) {
    if (&deployment != first && deployment.health->available(now_ms)) order.push_back(&deployment);
  }
  for (const Deployment& deployment : model.deployments) {
    if (!deployment.health->available(now_ms)) order.push_back(&deployment);
  }
  return order;
}

}  // namespace veyra::gateway
