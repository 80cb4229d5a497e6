// PluginContext: the Context handed to one running plugin, and its route facade.
//
// Owns the plugin's scheduler and events facade; routes go straight into the
// kernel's router under /api/<plugin>/ with the plugin's gate. teardown()
// removes everything the plugin registered and destroys its callables, after
// which no plugin code is referenced by the kernel. Thread-safe accessors.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "events/event_bus.hpp"
#include "messaging/message_service.hpp"
#include "search/search_index.hpp"
#include "scheduler/timer_service.hpp"
#include "wangban/audit.hpp"
#include "wangban/content.hpp"
#include "wangban/context.hpp"
#include "wangban/contracts.hpp"
#include "wangban/http.hpp"

namespace wangban::kernel {

class Router;
class PluginGate;
class ContractRegistry;

struct KernelServices {
  Router& router;
  Database& database;
  EventBus& events;
  BlobStore& blobs;
  TimerService& timers;
  Audit& audit;
  MessageService& messages;
  SearchIndex& search;
  Content& content;
  Trust& trust;
  ContractRegistry& contracts;
};

class PluginContext final : public Context {
 public:
  PluginContext(KernelServices services, std::string name, nlohmann::json config, std::shared_ptr<PluginGate> gate,
                std::shared_ptr<spdlog::logger> log);
  ~PluginContext() override;

  const std::string& plugin_name() const override { return name_; }
  const nlohmann::json& config() const override { return config_; }
  std::shared_ptr<spdlog::logger> logger() const override { return log_; }
  Routes& routes() override { return routes_; }
  Database& database() override { return services_.database; }
  Events& events() override { return events_; }
  BlobStore& blobs() override { return services_.blobs; }
  Scheduler& scheduler() override { return scheduler_; }
  Audit& audit() override { return services_.audit; }
  Messaging& messaging() override { return messaging_; }
  Search& search() override { return search_; }
  Content& content() override { return services_.content; }
  Trust& trust() override { return services_.trust; }
  Contracts& contracts() override { return contracts_; }

  // Removes routes, subscriptions and timers; call after the gate has drained.
  void teardown();

 private:
  class PluginRoutes final : public Routes {
   public:
    PluginRoutes(Router& router, std::string plugin, std::shared_ptr<PluginGate> gate)
        : router_(router), plugin_(std::move(plugin)), gate_(std::move(gate)) {}
    void add(Route route) override;

   private:
    Router& router_;
    std::string plugin_;
    std::shared_ptr<PluginGate> gate_;
  };

  // The plugin's view of the contract registry: what it provides is registered under its name and gate.
  class PluginContracts final : public Contracts {
   public:
    PluginContracts(ContractRegistry& registry, std::string plugin, std::shared_ptr<PluginGate> gate)
        : registry_(registry), plugin_(std::move(plugin)), gate_(std::move(gate)) {}

   protected:
    void provide_any(std::string_view name, int version, std::shared_ptr<void> implementation) override;
    std::shared_ptr<void> find_any(std::string_view name, int version) override;

   private:
    ContractRegistry& registry_;
    std::string plugin_;
    std::shared_ptr<PluginGate> gate_;
  };

  KernelServices services_;
  std::string name_;
  nlohmann::json config_;
  std::shared_ptr<spdlog::logger> log_;
  PluginRoutes routes_;
  PluginEvents events_;
  PluginScheduler scheduler_;
  PluginMessaging messaging_;
  PluginSearch search_;
  PluginContracts contracts_;
};

}  // namespace wangban::kernel
