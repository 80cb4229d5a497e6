// Context: everything of the platform a plugin can reach, handed to Plugin::start().
//
// The kernel owns the Context and every service behind it; a plugin keeps the
// reference until stop() returns and must not use it afterwards. All services
// are thread-safe. Each accessor returns the plugin's own view: routes land
// under /api/<plugin>/, the logger is named after the plugin, the config is
// its [plugins.<name>] section with defaults from its schema filled in.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace spdlog {
class logger;
}

namespace wangban {

class Routes;
class Database;
class Events;
class BlobStore;
class Scheduler;
class Audit;
class Messaging;
class Search;
class Content;
class Trust;
class Contracts;

class Context {
 public:
  virtual ~Context();
  virtual const std::string& plugin_name() const = 0;
  virtual const nlohmann::json& config() const = 0;
  virtual std::shared_ptr<spdlog::logger> logger() const = 0;
  virtual Routes& routes() = 0;
  virtual Database& database() = 0;
  virtual Events& events() = 0;
  virtual BlobStore& blobs() = 0;
  virtual Scheduler& scheduler() = 0;
  virtual Audit& audit() = 0;
  virtual Messaging& messaging() = 0;  // since API 1.2
  virtual Search& search() = 0;        // since API 1.2
  virtual Content& content() = 0;      // since API 1.2
  virtual Trust& trust() = 0;          // since API 1.3
  virtual Contracts& contracts() = 0;  // since API 1.4
};

}  // namespace wangban
