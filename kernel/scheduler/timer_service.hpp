// TimerService and PluginScheduler: delayed and periodic tasks.
//
// TimerService owns one Asio timer thread for the whole kernel and runs due
// tasks on the worker pool. Each plugin gets a PluginScheduler that remembers
// its timers: cancel_and_wait() (called when the plugin stops) cancels them
// all and waits until none of its tasks is running, so no plugin code runs
// after stop(). Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "wangban/scheduler.hpp"

namespace spdlog {
class logger;
}

namespace wangban::kernel {

class WorkerPool;

class TimerService {
 public:
  explicit TimerService(WorkerPool& workers);
  ~TimerService();
  void stop();

  struct Timer;
  // Arms a timer; `fire` is called on the worker pool when it is due.
  std::shared_ptr<Timer> arm(std::chrono::milliseconds delay, std::function<void()> fire);
  void cancel(const std::shared_ptr<Timer>& timer);
  WorkerPool& workers() { return workers_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  WorkerPool& workers_;
};

class PluginScheduler final : public Scheduler {
 public:
  PluginScheduler(TimerService& timers, std::shared_ptr<spdlog::logger> log);
  ~PluginScheduler() override;

  void after(std::string name, std::chrono::milliseconds delay, std::function<void()> task) override;
  void every(std::string name, std::chrono::milliseconds interval, std::function<void()> task) override;
  // Cancels every timer, waits for running tasks, and destroys the plugin's callables.
  void cancel_and_wait();

 private:
  struct Task;
  struct State;
  static void arm(const std::shared_ptr<State>& state, const std::shared_ptr<Task>& task,
                  std::chrono::milliseconds delay);
  static void run(const std::shared_ptr<State>& state, const std::shared_ptr<Task>& task);

  std::shared_ptr<State> state_;
};

}  // namespace wangban::kernel
