// The kernel's own HTTP routes: health, readiness, metrics, the OpenAPI document
// and the admin API for plugins (/api/admin/plugins, reload).
#pragma once

#include <chrono>

namespace wangban::kernel {

class Router;
class PluginHost;
class SqlDatabase;
class EventBus;
class Migrator;

struct KernelRouteDeps {
  Router& router;
  PluginHost& plugins;
  SqlDatabase& database;
  EventBus& events;
  Migrator& migrator;
  std::chrono::milliseconds reload_grace;
};

void register_kernel_routes(const KernelRouteDeps& deps);

}  // namespace wangban::kernel
