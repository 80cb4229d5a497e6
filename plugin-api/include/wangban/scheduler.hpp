// Timers for plugins: run a task later or at a fixed interval on the kernel's worker pool.
//
// Tasks are owned by the plugin that scheduled them and cancelled when it
// stops; stop() waits for a running task to finish. An exception from a task
// is logged and does not cancel an interval. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace wangban {

class Scheduler {
 public:
  virtual ~Scheduler();
  virtual void after(std::string name, std::chrono::milliseconds delay, std::function<void()> task) = 0;
  virtual void every(std::string name, std::chrono::milliseconds interval, std::function<void()> task) = 0;
};

}  // namespace wangban
