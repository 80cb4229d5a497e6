// Logging: the kernel's spdlog set-up (text or JSON lines) and named loggers for components.
//
// The kernel owns the spdlog registry; plugins get a logger named after them
// through Context::logger(). JSON lines carry time, level, logger and message,
// properly escaped. Thread-safe after setup_logging().
#pragma once

#include <memory>
#include <string>

namespace spdlog {
class logger;
}

namespace wangban::kernel {

void setup_logging(const std::string& level, const std::string& format);
std::shared_ptr<spdlog::logger> named_logger(const std::string& name);

}  // namespace wangban::kernel
