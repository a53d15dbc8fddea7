#include "gateway/routing.h"

#include <gtest/gtest.h>

#include <map>

namespace veyra::gateway {
namespace {

CatalogModel model_with(std::initializer_list<unsigned> weights) {
  CatalogModel model;
  model.id = "m";
  int index = 0;
  for (unsigned weight : weights) {
    Deployment deployment;
    deployment.label = "d" + std::to_string(index++);
    deployment.weight = weight;
    model.deployments.push_back(std::move(deployment));
  }
  return model;
}

std::vector<std::string> labels(const std::vector<const Deployment*>& order) {
  std::vector<std::string> out;
  for (const Deployment* deployment : order) out.push_back(deployment->label);
  return out;
}

TEST(AttemptOrder, TheRandomPointPicksTheFirstInProportionToWeights) {
  CatalogModel model = model_with({1, 3});

  EXPECT_EQ(labels(attempt_order(model, 0, 0.0)), (std::vector<std::string>{"d0", "d1"}));
  EXPECT_EQ(labels(attempt_order(model, 0, 0.24)), (std::vector<std::string>{"d0", "d1"}));
  EXPECT_EQ(labels(attempt_order(model, 0, 0.26)), (std::vector<std::string>{"d1", "d0"}));
  EXPECT_EQ(labels(attempt_order(model, 0, 0.99)), (std::vector<std::string>{"d1", "d0"}));
}

TEST(AttemptOrder, AfterTheFirstTheOthersFollowInConfiguredOrder) {
  CatalogModel model = model_with({1, 1, 1, 1});

  EXPECT_EQ(labels(attempt_order(model, 0, 0.6)),
            (std::vector<std::string>{"d2", "d0", "d1", "d3"}));
}

TEST(AttemptOrder, CoolingDeploymentsComeLast) {
  CatalogModel model = model_with({100, 1});
  model.deployments[0].health->record_failure(1000, 1, 5000);

  EXPECT_EQ(labels(attempt_order(model, 2000, 0.0)), (std::vector<std::string>{"d1", "d0"}));
  EXPECT_EQ(labels(attempt_order(model, 6000, 0.0)), (std::vector<std::string>{"d0", "d1"}));
}

TEST(AttemptOrder, WeightsHoldOverManyCalls) {
  CatalogModel model = model_with({1, 4});
  std::map<std::string, int> firsts;

  for (int i = 0; i < 1000; ++i) firsts[attempt_order(model, 0, i / 1000.0)[0]->label] += 1;

  EXPECT_EQ(firsts["d0"], 200);
  EXPECT_EQ(firsts["d1"], 800);
}

TEST(DeploymentHealth, TheThresholdthFailureInARowStartsACooldown) {
  DeploymentHealth health;

  health.record_failure(0, 3, 1000);
  health.record_failure(0, 3, 1000);
  EXPECT_TRUE(health.available(0));
  health.record_failure(0, 3, 1000);

  EXPECT_FALSE(health.available(999));
  EXPECT_TRUE(health.available(1000));
}

TEST(DeploymentHealth, ASuccessResetsTheCount) {
  DeploymentHealth health;

  health.record_failure(0, 2, 1000);
  health.record_success();
  health.record_failure(0, 2, 1000);

  EXPECT_TRUE(health.available(0));
}

TEST(DeploymentHealth, OneMoreFailureAfterACooldownStartsTheNext) {
  DeploymentHealth health;
  health.record_failure(0, 2, 1000);
  health.record_failure(0, 2, 1000);

  health.record_failure(1500, 2, 1000);

  EXPECT_FALSE(health.available(2000));
}

}  // namespace
}  // namespace veyra::gateway
