// The models Veyra serves: the configured [[models]] and the built-in ones, each with its
// capabilities and its deployments (a provider, the provider's model name, a weight). Built
// once at start and read-only afterwards, except for each deployment's health, which is
// atomic: safe to use from every thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/result.h"
#include "providers/provider.h"

namespace veyra::gateway {

// Consecutive failures of a deployment and the cooldown they caused.
class DeploymentHealth {
 public:
  // True when the deployment may be tried at `now_ms` (not cooling down).
  bool available(std::int64_t now_ms) const;
  void record_success();
  // Counts a failure; the `threshold`-th in a row starts a cooldown of `cooldown_ms`.
  void record_failure(std::int64_t now_ms, unsigned threshold, std::int64_t cooldown_ms);
  unsigned consecutive_failures() const { return failures_.load(std::memory_order_relaxed); }

 private:
  std::atomic<unsigned> failures_{0};
  std::atomic<std::int64_t> cooldown_until_ms_{0};
};

struct Deployment {
  std::string provider_id;  // the [[providers]] id, or "builtin"
  providers::Provider* provider = nullptr;
  std::string upstream_model;
  unsigned weight = 1;
  std::string label;  // "provider_id/upstream_model", for logs and usage records
  std::unique_ptr<DeploymentHealth> health = std::make_unique<DeploymentHealth>();
};

struct CatalogModel {
  std::string id;
  std::uint8_t capabilities = 0;  // bit (1 << Capability)
  std::vector<Deployment> deployments;
  std::string owned_by;  // "veyra" for built-in models, else the first deployment's provider
  std::int64_t created = 0;

  bool can(providers::Capability capability) const {
    return (capabilities & (1u << static_cast<unsigned>(capability))) != 0;
  }
};

class ModelCatalog {
 public:
  // `providers` maps each [[providers]] id and "builtin" to its Provider; they must outlive
  // the catalog. Configured models come first, in file order, then the built-in ones.
  static Result<std::unique_ptr<ModelCatalog>> build(
      const Config& config, const std::map<std::string, providers::Provider*>& providers,
      std::int64_t created);

  // nullptr for an unknown id.
  const CatalogModel* find(std::string_view id) const;
  const std::vector<std::unique_ptr<CatalogModel>>& models() const { return models_; }

 private:
  std::vector<std::unique_ptr<CatalogModel>> models_;
  std::map<std::string, const CatalogModel*, std::less<>> by_id_;
};

// The ids and capabilities of the built-in models, always in the catalog.
struct BuiltinModel {
  std::string_view id;
  providers::Capability capability;
};
const std::vector<BuiltinModel>& builtin_models();

}  // namespace veyra::gateway
