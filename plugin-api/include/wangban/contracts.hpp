// Contracts: typed query interfaces one plugin offers to others (DESIGN §2 "typed query
// interfaces declared in plugin-api/include/wangban/contracts/"), e.g. the items plugin's
// catalogue that the hall and approval read. Plugins never link against each other: the
// provider registers an implementation of an abstract class from wangban/contracts/, consumers
// find it by that class.
//
// A contract class names itself and its version: `static constexpr const char* kName =
// "items.catalogue"; static constexpr int kVersion = 1;` — a change that breaks callers takes
// a new version. find() gives nothing when no started plugin provides that name and version.
//
// What find() returns holds the provider open (like a call in flight): keep it for one request
// or one event, never beyond — a provider being reloaded or stopped waits for it. A plugin that
// finds a contract declares the provider in its manifest's requirements, so it starts after it.
// Thread-safe; the provider's implementation must be thread-safe too.
#pragma once

#include <memory>
#include <string_view>

namespace wangban {

class Contracts {
 public:
  virtual ~Contracts();

  // Offers `implementation` until this plugin stops. Throws std::logic_error if another plugin
  // provides the same contract already.
  template <class Contract>
  void provide(std::shared_ptr<Contract> implementation) {
    provide_any(Contract::kName, Contract::kVersion, std::shared_ptr<void>(implementation, implementation.get()));
  }
  // The started provider's implementation, or null.
  template <class Contract>
  std::shared_ptr<Contract> find() {
    auto any = find_any(Contract::kName, Contract::kVersion);
    return any ? std::shared_ptr<Contract>(any, static_cast<Contract*>(any.get())) : nullptr;
  }

 protected:
  // `implementation` points at the Contract object (a Contract*, type-erased).
  virtual void provide_any(std::string_view name, int version, std::shared_ptr<void> implementation) = 0;
  virtual std::shared_ptr<void> find_any(std::string_view name, int version) = 0;
};

}  // namespace wangban
