// ContractRegistry: the kernel's registry of the contracts plugins provide (wangban/contracts.hpp)
// — one provider per contract name, found by name and version. What find() hands out holds a
// pass through the provider's gate, so a provider is not stopped or unloaded while a consumer
// still uses its implementation (the host's drain waits for it). Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace wangban::kernel {

class PluginGate;

class ContractRegistry {
 public:
  // Throws std::logic_error when another plugin provides `name` already.
  void provide(const std::string& owner, std::shared_ptr<PluginGate> gate, std::string_view name, int version,
               std::shared_ptr<void> implementation);
  // Null when nobody provides `name` in `version`, or its provider is stopping.
  std::shared_ptr<void> find(std::string_view name, int version) const;
  // Forgets what `owner` provides (when it stops; after its gate has drained).
  void remove_owner(const std::string& owner);

 private:
  struct Entry {
    std::string owner;
    int version = 0;
    std::shared_ptr<PluginGate> gate;
    std::shared_ptr<void> implementation;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace wangban::kernel
