// PluginContext: route prefixing and teardown of what a plugin registered.
#include "plugins/plugin_context.hpp"

#include "http/router.hpp"
#include "plugins/contract_registry.hpp"

namespace wangban::kernel {

PluginContext::PluginContext(KernelServices services, std::string name, nlohmann::json config,
                             std::shared_ptr<PluginGate> gate, std::shared_ptr<spdlog::logger> log)
    : services_(services),
      name_(std::move(name)),
      config_(std::move(config)),
      log_(std::move(log)),
      routes_(services.router, name_, gate),
      events_(services.events, name_, gate),
      scheduler_(services.timers, log_),
      messaging_(services.messages, name_),
      search_(services.search, name_),
      contracts_(services.contracts, name_, gate) {}

PluginContext::~PluginContext() { teardown(); }

void PluginContext::PluginRoutes::add(Route route) {
  if (route.path.empty() || route.path.front() != '/') route.path = "/" + route.path;
  route.path = "/api/" + plugin_ + (route.path == "/" ? "" : route.path);
  router_.add(plugin_, gate_, std::move(route));
}

void PluginContext::PluginContracts::provide_any(std::string_view name, int version, std::shared_ptr<void> implementation) {
  registry_.provide(plugin_, gate_, name, version, std::move(implementation));
}

std::shared_ptr<void> PluginContext::PluginContracts::find_any(std::string_view name, int version) {
  return registry_.find(name, version);
}

void PluginContext::teardown() {
  services_.contracts.remove_owner(name_);
  services_.router.remove_owner(name_);
  services_.events.unsubscribe_plugin(name_);
  scheduler_.cancel_and_wait();
}

}  // namespace wangban::kernel
