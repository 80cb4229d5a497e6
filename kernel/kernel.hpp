// Kernel: the composition root that owns every platform service and the plugins.
//
// open() connects the database, applies the kernel's migrations, discovers
// and migrates the plugins; start() starts the plugins, the event dispatcher
// and the HTTP server; stop() shuts down in reverse: stop accepting, finish
// in-flight requests, stop plugins in reverse dependency order. Not copyable;
// the lifecycle methods are called from one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "config/config.hpp"

namespace wangban::kernel {

class PluginHost;
class AuditLog;

class Kernel {
 public:
  explicit Kernel(KernelConfig config);
  ~Kernel();
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;

  // Database, kernel migrations, plugin discovery; migrations of plugins too when `migrate`.
  void open(bool migrate = true);
  void start();
  void stop();

  unsigned short port() const;
  PluginHost& plugins();
  AuditLog& audit_log();
  const std::string& admin_token() const;
  const KernelConfig& config() const;
  // Milliseconds from construction to the end of start().
  std::int64_t startup_ms() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The version of this build ("0.1.0").
const char* version();

}  // namespace wangban::kernel
