// PluginHost: finds, checks, orders, migrates, starts, stops and reloads the enabled plugins.
//
// Start-up: every enabled plugin's library is opened and its manifest checked
// (API, build tag, name); requirements are resolved against the other enabled
// plugins' versions; the plugins are ordered by dependency (a cycle refuses
// every plugin on it); migrations run; then each is created and started in
// order. Any refusal is one log line and is kept in the plugin's record with
// its reason. A required plugin that does not start stops the platform
// (StartupError); an optional one is left out. Lifecycle operations are
// serialised by one mutex; list() may be called at any time. Thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "plugins/plugin_context.hpp"

namespace wangban::kernel {

class Migrator;
class PluginLibrary;
struct Manifest;

class StartupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class PluginState { loaded, started, refused, failed, stopped, reloading };
const char* to_string(PluginState s);

struct PluginStatus {
  std::string name;
  std::filesystem::path file;
  bool required = false;
  PluginState state = PluginState::loaded;
  std::string reason;    // why refused or failed; empty otherwise
  std::string version;   // from the manifest, when it could be read
  std::string summary;
  std::string requires_text;
  std::string api;       // "1.0"
  int routes = 0;
  nlohmann::json to_json() const;
};

class PluginHost {
 public:
  PluginHost(const KernelConfig& config, KernelServices services, Migrator& migrator,
             std::shared_ptr<spdlog::logger> log);
  ~PluginHost();

  // Opens and checks every enabled plugin and orders them; no plugin code beyond the manifest runs.
  void discover();
  // Applies the migrations of every plugin that passed discover() (and demo data if configured).
  void migrate();
  // Creates and starts the plugins in dependency order. Throws StartupError for a required plugin.
  void start();
  // Stops every started plugin in reverse order, draining each for up to `grace`.
  void stop(std::chrono::milliseconds grace);
  // Replaces one running plugin with the file on disk (same path or `file`); returns its new status.
  // Throws Problem (404 unknown plugin, 409 the new file is refused) — the old plugin keeps serving then.
  PluginStatus reload(const std::string& name, std::optional<std::filesystem::path> file,
                      std::chrono::milliseconds grace);

  std::vector<PluginStatus> list() const;
  bool all_required_started() const;

 private:
  struct Slot;
  Slot* find(const std::string& name);
  void start_slot(Slot& slot);
  void teardown(Slot& slot);
  void refuse(Slot& slot, PluginState state, const std::string& reason);
  nlohmann::json plugin_config(const Manifest& m);
  // The plugin's schema migrations, and its demo data when configured; throws MigrationError.
  void apply_migrations(const Manifest& m);

  void publish_status();  // copies the slots' status for list(); call with mutex_ held

  const KernelConfig& config_;
  KernelServices services_;
  Migrator& migrator_;
  std::shared_ptr<spdlog::logger> log_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Slot>> slots_;  // in start order after discover()
  mutable std::mutex status_mutex_;
  std::vector<PluginStatus> snapshot_;  // what list() returns, even during a lifecycle operation
};

}  // namespace wangban::kernel
