// ContractRegistry: provide, find with a gate pass, forget on stop.
#include "plugins/contract_registry.hpp"

#include <stdexcept>

#include "plugins/plugin_gate.hpp"

namespace wangban::kernel {

void ContractRegistry::provide(const std::string& owner, std::shared_ptr<PluginGate> gate, std::string_view name, int version,
                               std::shared_ptr<void> implementation) {
  if (!implementation) throw std::invalid_argument("plugin " + owner + " provides contract " + std::string(name) + " as null");
  std::lock_guard lock(mutex_);
  auto it = entries_.find(name);
  if (it != entries_.end() && it->second.owner != owner)
    throw std::logic_error("contract " + std::string(name) + " is provided by plugin " + it->second.owner + " already");
  entries_[std::string(name)] = Entry{owner, version, std::move(gate), std::move(implementation)};
}

std::shared_ptr<void> ContractRegistry::find(std::string_view name, int version) const {
  std::shared_ptr<void> implementation;
  std::shared_ptr<PluginGate> gate;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(name);
    if (it == entries_.end() || it->second.version != version) return nullptr;
    implementation = it->second.implementation;
    gate = it->second.gate;
  }
  if (gate && !gate->enter()) return nullptr;  // the provider is stopping
  // The pointer's owner holds the implementation and the pass; leaving the gate ends the pass.
  struct Held {
    Held(std::shared_ptr<void> i, std::shared_ptr<PluginGate> g) : implementation(std::move(i)), gate(std::move(g)) {}
    ~Held() {
      if (gate) gate->leave();
    }
    Held(const Held&) = delete;
    Held& operator=(const Held&) = delete;
    std::shared_ptr<void> implementation;
    std::shared_ptr<PluginGate> gate;
  };
  auto held = std::make_shared<Held>(implementation, gate);
  return std::shared_ptr<void>(held, implementation.get());
}

void ContractRegistry::remove_owner(const std::string& owner) {
  std::lock_guard lock(mutex_);
  std::erase_if(entries_, [&](const auto& e) { return e.second.owner == owner; });
}

}  // namespace wangban::kernel
