#include "gateway/catalog.h"

namespace veyra::gateway {

bool DeploymentHealth::available(std::int64_t now_ms) const {
  return cooldown_until_ms_.load(std::memory_order_relaxed) <= now_ms;
}

void DeploymentHealth::record_success() {
  if (failures_.load(std::memory_order_relaxed) != 0) {
    failures_.store(0, std::memory_order_relaxed);
  }
}

void DeploymentHealth::record_failure(std::int64_t now_ms, unsigned threshold,
                                      std::int64_t cooldown_ms) {
  unsigned failures = failures_.fetch_add(1, std::memory_order_relaxed) + 1;
  if (failures >= threshold) {
    cooldown_until_ms_.store(now_ms + cooldown_ms, std::memory_order_relaxed);
    // After the cooldown one more failure starts the next one.
    failures_.store(threshold - 1, std::memory_order_relaxed);
  }
}

const std::vector<BuiltinModel>& builtin_models() {
  static const std::vector<BuiltinModel> models = {
      {"veyra-echo", providers::Capability::chat},
      {"veyra-embed", providers::Capability::embeddings},
      {"veyra-sphinx", providers::Capability::audio},
  };
  return models;
}

Result<std::unique_ptr<ModelCatalog>> ModelCatalog::build(
    const Config& config, const std::map<std::string, providers::Provider*>& providers,
    std::int64_t created) {
  auto catalog = std::make_unique<ModelCatalog>();
  auto provider_of = [&](const std::string& id) -> providers::Provider* {
    auto found = providers.find(id);
    return found == providers.end() ? nullptr : found->second;
  };

  for (const ModelConfig& configured : config.models) {
    auto model = std::make_unique<CatalogModel>();
    model->id = configured.id;
    model->created = created;
    for (const std::string& name : configured.capabilities) {
      if (auto capability = providers::parse_capability(name)) {
        model->capabilities |= static_cast<std::uint8_t>(1u << static_cast<unsigned>(*capability));
      }
    }
    for (const DeploymentConfig& entry : configured.deployments) {
      Deployment deployment;
      deployment.provider_id = entry.provider;
      deployment.provider = provider_of(entry.provider);
      if (deployment.provider == nullptr) {
        return make_error(ErrorCode::internal_error,
                          "model " + configured.id + ": no provider \"" + entry.provider + "\"");
      }
      deployment.upstream_model = entry.model;
      deployment.weight = entry.weight;
      deployment.label = entry.provider + "/" + entry.model;
      model->deployments.push_back(std::move(deployment));
    }
    model->owned_by = model->deployments.empty() ? "veyra" : model->deployments[0].provider_id;
    catalog->models_.push_back(std::move(model));
  }

  providers::Provider* builtin = provider_of("builtin");
  for (const BuiltinModel& entry : builtin_models()) {
    if (builtin == nullptr) break;
    auto model = std::make_unique<CatalogModel>();
    model->id = std::string(entry.id);
    model->capabilities = static_cast<std::uint8_t>(1u << static_cast<unsigned>(entry.capability));
    model->owned_by = "veyra";
    model->created = created;
    Deployment deployment;
    deployment.provider_id = "builtin";
    deployment.provider = builtin;
    deployment.upstream_model = model->id;
    deployment.label = "builtin/" + model->id;
    model->deployments.push_back(std::move(deployment));
    catalog->models_.push_back(std::move(model));
  }

  for (const auto& model : catalog->models_) catalog->by_id_.emplace(model->id, model.get());
  return catalog;
}

const CatalogModel* ModelCatalog::find(std::string_view id) const {
  auto found = by_id_.find(id);
  return found == by_id_.end() ? nullptr : found->second;
}

}  // namespace veyra::gateway
