// The contract registry: one provider per contract, found by name and version; what find()
// hands out holds the provider's gate open, so a stopping provider waits for its users and a
// closed one is not found; a stopped provider's contracts are forgotten.
#include <doctest/doctest.h>

#include <chrono>

#include "plugins/contract_registry.hpp"
#include "plugins/plugin_gate.hpp"

using namespace wangban::kernel;
using namespace std::chrono_literals;

TEST_CASE("a contract is found by name and version, and holds its provider open while used") {
  ContractRegistry registry;
  auto gate = std::make_shared<PluginGate>();
  auto answer = std::make_shared<int>(42);
  registry.provide("items", gate, "items.catalogue", 1, answer);
  CHECK_THROWS_AS(registry.provide("other", std::make_shared<PluginGate>(), "items.catalogue", 1, answer), std::logic_error);
  CHECK(registry.find("items.catalogue", 2) == nullptr);  // a consumer built for another version
  CHECK(registry.find("nothing", 1) == nullptr);
  {
    auto found = registry.find("items.catalogue", 1);
    REQUIRE(found);
    CHECK(*static_cast<int*>(found.get()) == 42);
    CHECK_FALSE(gate->close_and_drain(10ms));  // the provider cannot drain while the contract is in use
  }
  CHECK(gate->close_and_drain(10ms));
  CHECK(registry.find("items.catalogue", 1) == nullptr);  // a closing provider is not found
  registry.remove_owner("items");
  auto again = std::make_shared<PluginGate>();
  registry.provide("other", again, "items.catalogue", 1, answer);  // free again once its provider stopped
  CHECK(registry.find("items.catalogue", 1) != nullptr);
}
